/*
 * yaml_scalar.h - the scalar rules of goyaml.v2, the YAML library inside
 * sigs.k8s.io/yaml that kube-apiserver uses for application/yaml bodies:
 * what a plain scalar resolves to, how a number is written, and the order
 * in which map keys are written. yaml_json.c builds the conversions on them.
 */
#ifndef PGKUBE_YAML_SCALAR_H
#define PGKUBE_YAML_SCALAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum yaml_scalar_kind {
	YAML_SCALAR_NULL,
	YAML_SCALAR_BOOL,
	YAML_SCALAR_INT,  /* fits an int64 */
	YAML_SCALAR_UINT, /* above INT64_MAX, fits a uint64 */
	YAML_SCALAR_FLOAT,
	YAML_SCALAR_STR,
	YAML_SCALAR_TIMESTAMP, /* decodes as the string itself */
};

struct yaml_scalar {
	enum yaml_scalar_kind kind;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double f;
	};
};

/*
 * goyaml.v2's resolve() of the len bytes at s: booleans (y, yes, on, true,
 * n, no, off, false in three casings), null (~, null, empty), integers
 * (decimal, 0x, 0o, 0b, a leading 0 for octal, underscores ignored),
 * floats (.inf, .nan, decimal and exponent forms), timestamps, or else a
 * string. Timestamps are only tried for an untagged scalar (try_timestamp),
 * as upstream does; a scalar tagged !!int, !!bool, !!float or !!null
 * resolves without them.
 */
enum yaml_scalar_kind yaml_scalar_resolve(const char *s, size_t len, bool try_timestamp,
					  struct yaml_scalar *out);

/* Whether time.Parse accepts s in one of goyaml.v2's timestamp layouts. */
bool yaml_scalar_is_timestamp(const char *s, size_t len);

/* YAML 1.1's base 60 floats ("1:20"), which goyaml.v2 quotes on output. */
bool yaml_scalar_is_base60_float(const char *s, size_t len);

/* Room for any number these functions write, with its NUL. */
#define GO_FLOAT_BUF 40

/*
 * Go's strconv.FormatFloat(v, 'g', -1, bits): the shortest digits that
 * read back as the same float64 (bits 64) or float32 (bits 32), in %e form
 * when the exponent is below -4 or at least 6 ("1e+06", "1.5e-07").
 * Infinities and NaN are written as goyaml.v2 writes them (.inf, -.inf,
 * .nan). Returns the length written to buf (GO_FLOAT_BUF bytes).
 */
size_t go_format_float_g(double v, int bits, char *buf);

/*
 * encoding/json's text for a float64: shortest digits, %f form for
 * magnitudes in [1e-6, 1e21) ("100000", "-0"), else %e form with at least
 * one exponent digit ("1e+21", "1e-7"). v must be finite.
 */
size_t go_format_float_json(double v, char *buf);

/*
 * goyaml.v2's map key order for two UTF-8 strings: letters after other
 * characters, runs of digits compared by their numeric value ("a2" before
 * "a10"), otherwise by code point.
 */
bool yaml_key_less(const uint32_t *a, size_t alen, const uint32_t *b, size_t blen);

/*
 * The code point at s (len > 0 bytes) and its width, as Go's
 * utf8.DecodeRuneInString gives them: U+FFFD and width 1 for a byte that
 * does not start a valid sequence.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *rune);

/*
 * Decodes UTF-8 into code points, one per byte that is not a valid
 * sequence, as Go's []rune(s) does (such bytes become U+FFFD). out holds
 * len entries; returns how many were written.
 */
size_t utf8_to_runes(const char *s, size_t len, uint32_t *out);

#endif
