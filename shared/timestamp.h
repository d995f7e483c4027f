/*
 * timestamp.h - the instants in Kubernetes objects and the durations
 * kubectl shows for them.
 *
 * Objects carry RFC 3339 text: metav1.Time ("2024-12-11T10:00:00Z", whole
 * seconds) and metav1.MicroTime ("2024-12-11T10:00:00.123456Z"). Parsing
 * and formatting are plain calendar arithmetic in UTC, so neither the
 * locale nor TZ nor the C library's time zone database matters.
 *
 * human_duration() is k8s.io/apimachinery/pkg/util/duration.HumanDuration
 * (v1.32): the "5s", "3m2s", "2d3h", "4y12d" of every AGE column.
 */
#ifndef PGKUBE_TIMESTAMP_H
#define PGKUBE_TIMESTAMP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* An instant: seconds since 1970-01-01T00:00:00Z and the nanoseconds past them. */
struct timestamp {
	int64_t seconds;
	int32_t nanos; /* 0 .. 999999999 */
};

/* "2006-01-02T15:04:05Z" and its NUL, with room for years beyond 0000..9999. */
#define TIMESTAMP_RFC3339_SIZE 32
/* The longest human_duration() text, "-9223372036854775808y" and a NUL, rounded up. */
#define HUMAN_DURATION_SIZE 32

/*
 * Parses RFC 3339 as Go's time.Parse(time.RFC3339) accepts it: a four-digit
 * year, range-checked month, day (leap years included), hour, minute and
 * second, an optional fraction of any length after '.' or ',' (kept to the
 * nanosecond), then 'Z' or a "+hh:mm"/"-hh:mm" offset. Returns false for
 * anything else.
 */
bool timestamp_parse(const char *text, struct timestamp *out);

/* The instant as whole seconds for a whole-second time_t, such as "now". */
struct timestamp timestamp_from_time(time_t t);

/*
 * Go's zero time.Time (0001-01-01T00:00:00Z), which metav1.Time and
 * metav1.MicroTime serialise as null and the printers show as "<unknown>".
 */
bool timestamp_is_zero(const struct timestamp *t);
struct timestamp timestamp_zero(void);

/* <0, 0 or >0 as a is before, equal to or after b. */
int timestamp_compare(const struct timestamp *a, const struct timestamp *b);

/*
 * a - b in nanoseconds, saturated at the int64 limits as Go's Time.Sub
 * saturates a time.Duration.
 */
int64_t timestamp_sub(const struct timestamp *a, const struct timestamp *b);

/*
 * time.RFC3339 in UTC, whole seconds: t.UTC().Format(time.RFC3339). Years
 * outside 0000..9999 (an offset can move a parsed time there) are written
 * as Go writes them: "-0001-12-31T23:00:00Z", "10000-01-01T00:30:00Z".
 */
void timestamp_format(const struct timestamp *t, char out[TIMESTAMP_RFC3339_SIZE]);

/* metav1.MicroTime's form: RFC 3339 in UTC with six fractional digits. */
void timestamp_format_micro(const struct timestamp *t, char out[TIMESTAMP_RFC3339_SIZE]);

/* duration.HumanDuration of a time.Duration (nanoseconds); returns out. */
const char *human_duration(int64_t nanos, char out[HUMAN_DURATION_SIZE]);

#endif
