/*
 * quantity.h - resource.Quantity: its text as kube-apiserver writes it
 * back, and its value, to compare and add (QoS classes, validation).
 *
 * A quantity ("500m", "1.5Gi", "2e3") parses to an exact decimal value and
 * the format its suffix implies (binary "Ki".."Ei", decimal "n".."E", or a
 * decimal exponent "e<n>"), and prints in canonical form: the largest
 * suffix of that format that keeps the number an integer, with no loss of
 * precision ("1024Mi" -> "1Gi", "1.5Gi" -> "1536Mi", "0.5" -> "500m",
 * "1000m" -> "1"). This follows k8s.io/apimachinery/pkg/api/resource
 * (quantity.go, amount.go, suffix.go) of v1.32, quirks included:
 *
 *   - text that ParseQuantity recognises as already canonical is returned
 *     unchanged, including a leading "+" or leading zeros ("+1Gi", "01Gi",
 *     "1e3");
 *   - values are rounded away from zero to the nanounit ("0.1n" -> "1n");
 *   - binary values are capped at 2^63-1, and binary values below 1024 or
 *     with a fraction print as decimal ("0.5Ki" -> "512", "1.5Ki" -> "1536");
 *   - a decimal value whose exponent has no suffix prints without one
 *     ("1000E" -> "1", as upstream's suffix lookup silently fails).
 *
 * Exponents beyond the int32 range are not wrapped as Go wraps them.
 *
 * Parsed, a quantity is that exact value, compared and added exactly as
 * Quantity.Cmp and Quantity.Add do (the sum of values far apart in size
 * is refused rather than written out in thousands of digits).
 */
#ifndef PGKUBE_QUANTITY_H
#define PGKUBE_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"

/* The format a quantity's suffix implies (Quantity.Format). */
enum quantity_format {
	QUANTITY_DECIMAL_EXPONENT, /* 12e6 */
	QUANTITY_BINARY_SI,	   /* 12Mi */
	QUANTITY_DECIMAL_SI,	   /* 12M */
};

/*
 * A quantity as ParseQuantity holds it: its exact value, rounded away from
 * zero to the nanounit and, in binary format, capped at 2^63-1; its format;
 * and, where upstream takes its int64 path, the int64Amount it keeps
 * (which %#v shows in validation messages).
 */
struct quantity {
	/* the value: sign * digits * 10^exponent; digits (in the arena) carry no
	 * leading or trailing zeros, and zero is "" */
	bool negative;
	const char *digits;
	size_t len;
	int64_t exponent;
	enum quantity_format format;
	/* int64Amount{value, scale} when ParseQuantity takes its int64 path */
	bool int64_form;
	int64_t int64_value;
	int32_t int64_scale;
	bool text_is_canonical; /* String() gives the parsed text back as it was */
};

/*
 * Parses text as ParseQuantity does (the caller trims white space, as
 * Quantity.UnmarshalJSON does); returns 0, or -1 when upstream rejects it.
 * Digits are allocated in a.
 */
int quantity_parse(struct arena *a, const char *text, struct quantity *out);

/* Quantity.Cmp: -1, 0 or 1 as x is below, equal to or above y. */
int quantity_compare(const struct quantity *x, const struct quantity *y);

/* The most digits quantity_add writes out. */
#define QUANTITY_SUM_MAX_DIGITS 4096

/*
 * Quantity.Add: the exact sum x + y into out (which may be x or y), in x's
 * format, without an int64 form. Returns 0, or -1 (out untouched) when the
 * sum would take more than QUANTITY_SUM_MAX_DIGITS digits, as values with
 * far apart exponents do ("1e4096" + "1").
 */
int quantity_add(struct arena *a, const struct quantity *x, const struct quantity *y,
		 struct quantity *out);

/* Whether MilliValue() % 1000 == 0: the value in thousandths, rounded away
 * from zero, is a whole number of units (what "must be an integer" tests). */
bool quantity_milli_value_is_whole(struct arena *a, const struct quantity *q);

/* "DecimalExponent", "BinarySI" or "DecimalSI", as the Format constants read. */
const char *quantity_format_name(enum quantity_format format);

/*
 * The canonical text of a quantity, allocated in a; NULL when ParseQuantity
 * rejects the text. The caller trims surrounding white space first, as
 * Quantity.UnmarshalJSON does.
 */
const char *quantity_canonical(struct arena *a, const char *text);

#endif
