/*
 * go_duration.h - Go's time.Duration text, which metav1.Duration fields
 * (e.g. a webhook's timeout, a CRD's ...) carry in JSON: "1h0m0s", "1.5s",
 * "300ms", "0s".
 */
#ifndef PGKUBE_GO_DURATION_H
#define PGKUBE_GO_DURATION_H

#include <stdbool.h>
#include <stdint.h>

/* "-2562047h47m16.854775808s" and its NUL, with room to spare. */
#define GO_DURATION_SIZE 64

/* time.Duration(nanos).String(); returns out. */
const char *go_duration_format(int64_t nanos, char out[GO_DURATION_SIZE]);
/* time.ParseDuration: false for text it rejects (or that overflows). */
bool go_duration_parse(const char *text, int64_t *nanos);

#endif
