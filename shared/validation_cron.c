/*
 * validation_cron.c - the CronJob schedule check: robfig/cron/v3's
 * ParseStandard (the parser kube-apiserver v1.32 validates spec.schedule
 * with) reduced to its verdict and its error text, and the errors of Go's
 * time.ParseDuration that "@every <duration>" can produce.
 *
 * A standard spec is a descriptor (@yearly, @annually, @monthly, @weekly,
 * @daily, @midnight, @hourly, @every <duration>) or five whitespace-separated
 * fields (minute, hour, day of month, month, day of week), each a
 * comma-separated list of ranges "*"|"?"|N|N-M with an optional "/step";
 * months and weekdays also take their three-letter names. An optional
 * TZ=<zone> or CRON_TZ=<zone> prefix names a time zone.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/go_duration.h"
#include "shared/validation_internal.h"

struct cron_bounds {
	unsigned min, max;
	const char *const *names; /* index = value - names_base */
	unsigned names_base;
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
					  "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const dow_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

static const struct cron_bounds cron_fields[] = {
    {0, 59, NULL, 0},	     /* second (always "0" for a standard spec) */
    {0, 59, NULL, 0},	     /* minute */
    {0, 23, NULL, 0},	     /* hour */
    {1, 31, NULL, 0},	     /* day of month */
    {1, 12, month_names, 1}, /* month */
    {0, 6, dow_names, 0},    /* day of week */
};

/* strconv.Atoi's error for s, or NULL with *out set. */
static const char *go_atoi(struct vctx *c, const char *s, long long *out)
{
	const char *p = s;
	char *end;

	if (*p == '+' || *p == '-')
		p++;
	if (!*p)
		goto syntax;
	for (const char *q = p; *q; q++)
		if (!isdigit((unsigned char)*q))
			goto syntax;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return arena_printf(c->arena, "strconv.Atoi: parsing %s: value out of range",
				    vr_quote(c, s));
	return NULL;
syntax:
	return arena_printf(c->arena, "strconv.Atoi: parsing %s: invalid syntax", vr_quote(c, s));
}

/* mustParseInt */
static const char *cron_int(struct vctx *c, const char *expr, unsigned *out)
{
	long long n = 0;
	const char *err = go_atoi(c, expr, &n);

	if (err)
		return arena_printf(c->arena, "failed to parse int from %s: %s", expr, err);
	if (n < 0)
		return arena_printf(c->arena, "negative number (%lld) not allowed: %s", n, expr);
	*out = n > UINT_MAX ? UINT_MAX : (unsigned)n;
	return NULL;
}

/* parseIntOrName */
static const char *cron_int_or_name(struct vctx *c, const char *expr, const struct cron_bounds *b,
				    unsigned *out)
{
	for (size_t i = 0; b->names && b->names[i]; i++)
		if (strcasecmp(expr, b->names[i]) == 0) {
			*out = (unsigned)i + b->names_base;
			return NULL;
		}
	return cron_int(c, expr, out);
}

/* Splits s at sep into at most max parts (strings.Split); returns the count. */
static size_t split(char *s, char sep, char **parts, size_t max)
{
	size_t n = 0;

	parts[n++] = s;
	for (char *p = s; *p; p++)
		if (*p == sep) {
			*p = '\0';
			if (n < max)
				parts[n] = p + 1;
			n++;
		}
	return n;
}

/* getRange */
static const char *cron_range(struct vctx *c, const char *expr, const struct cron_bounds *b)
{
	char *copy = arena_strdup(c->arena, expr), *steps[3], *ends[3];
	size_t nsteps = split(copy, '/', steps, 3), nends;
	unsigned start, end, step = 1;
	const char *err;

	nends = split(steps[0], '-', ends, 3);
	if (strcmp(ends[0], "*") == 0 || strcmp(ends[0], "?") == 0) {
		start = b->min;
		end = b->max;
	} else {
		if ((err = cron_int_or_name(c, ends[0], b, &start)))
			return err;
		if (nends == 1)
			end = start;
		else if (nends == 2 && (err = cron_int_or_name(c, ends[1], b, &end)))
			return err;
		else if (nends > 2)
			return arena_printf(c->arena, "too many hyphens: %s", expr);
	}
	if (nsteps == 2) {
		if ((err = cron_int(c, steps[1], &step)))
			return err;
		if (nends == 1)
			end = b->max;
	} else if (nsteps > 2) {
		return arena_printf(c->arena, "too many slashes: %s", expr);
	}
	if (start < b->min)
		return arena_printf(c->arena, "beginning of range (%u) below minimum (%u): %s",
				    start, b->min, expr);
	if (end > b->max)
		return arena_printf(c->arena, "end of range (%u) above maximum (%u): %s", end,
				    b->max, expr);
	if (start > end)
		return arena_printf(c->arena,
				    "beginning of range (%u) beyond end of range (%u): %s", start,
				    end, expr);
	if (step == 0)
		return arena_printf(c->arena, "step of range should be a positive number: %s",
				    expr);
	return NULL;
}

/* getField: the ranges of a comma-separated list, empty items skipped. */
static const char *cron_field(struct vctx *c, const char *field, const struct cron_bounds *b)
{
	char *copy = arena_strdup(c->arena, field), *save = NULL;

	for (char *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		const char *err = cron_range(c, r, b);

		if (err)
			return err;
	}
	return NULL;
}

/*
 * time.ParseDuration's error for text, or NULL when it parses: "time:
 * invalid duration", "time: missing unit in duration", "time: unknown unit
 * ... in duration", each naming the text quoted.
 */
static const char *duration_error(struct vctx *c, const char *text)
{
	static const char *const units[] = {"ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms",
					    "s",  "m",	"h",	     NULL};
	const char *s = text, *q = vr_quote(c, text);
	int64_t nanos;

	if (go_duration_parse(text, &nanos))
		return NULL;
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		goto invalid;
	while (*s) {
		const char *start = s, *unit;
		size_t len;
		char *u;

		if (!(*s == '.' || isdigit((unsigned char)*s)))
			goto invalid;
		while (isdigit((unsigned char)*s))
			s++;
		if (*s == '.') {
			s++;
			while (isdigit((unsigned char)*s))
				s++;
		}
		if (s - start == 1 && *start == '.')
			goto invalid;
		unit = s;
		while (*s && *s != '.' && !isdigit((unsigned char)*s))
			s++;
		len = (size_t)(s - unit);
		if (len == 0)
			return arena_printf(c->arena, "time: missing unit in duration %s", q);
		u = arena_strndup(c->arena, unit, len);
		if (!str_in(u, units))
			return arena_printf(c->arena, "time: unknown unit %s in duration %s",
					    vr_quote(c, u), q);
	}
invalid:
	return arena_printf(c->arena, "time: invalid duration %s", q);
}

static const char *cron_descriptor(struct vctx *c, const char *spec)
{
	static const char *const fixed[] = {"@yearly", "@annually", "@monthly", "@weekly",
					    "@daily",  "@midnight", "@hourly",	NULL};
	const char *err;

	if (str_in(spec, fixed))
		return NULL;
	if (strncmp(spec, "@every ", 7) == 0) {
		err = duration_error(c, spec + 7);
		return err ? arena_printf(c->arena, "failed to parse duration %s: %s", spec, err)
			   : NULL;
	}
	return arena_printf(c->arena, "unrecognized descriptor: %s", spec);
}

static bool go_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r';
}

const char *cron_parse_standard(struct vctx *c, const char *spec)
{
	char *fields[6], *copy, *save = NULL;
	size_t n = 0;
	struct buf list = {0};
	const char *err = NULL;

	if (!*spec)
		return "empty spec string";
	if (strncmp(spec, "TZ=", 3) == 0 || strncmp(spec, "CRON_TZ=", 8) == 0) {
		const char *eq = strchr(spec, '='), *sp = strchr(spec, ' ');
		char *zone = arena_strndup(c->arena, eq + 1,
					   sp && sp > eq ? (size_t)(sp - eq - 1) : strlen(eq + 1));
		char file[600];

		snprintf(file, sizeof(file), "/usr/share/zoneinfo/%s", zone);
		if (!*zone || (strcmp(zone, "UTC") != 0 && strcmp(zone, "Local") != 0 &&
			       (strstr(zone, "..") || access(file, R_OK) != 0)))
			return arena_printf(
			    c->arena, "provided bad location %s: unknown time zone %s", zone, zone);
		spec = sp ? sp : "";
		while (go_space(*spec))
			spec++;
	}
	if (spec[0] == '@')
		return cron_descriptor(c, spec);
	copy = arena_strdup(c->arena, spec);
	fields[n++] = "0";
	for (char *f = strtok_r(copy, " \t\n\v\f\r", &save); f;
	     f = strtok_r(NULL, " \t\n\v\f\r", &save)) {
		if (n < 6)
			fields[n] = f;
		n++;
		buf_printf(&list, "%s%s", n > 2 ? " " : "", f);
	}
	if (n != 6) {
		err = arena_printf(c->arena, "expected exactly 5 fields, found %zu: [%s]", n - 1,
				   list.data ? list.data : "");
		buf_free(&list);
		return err;
	}
	buf_free(&list);
	for (size_t i = 0; i < 6 && !err; i++)
		err = cron_field(c, fields[i], &cron_fields[i]);
	return err;
}
