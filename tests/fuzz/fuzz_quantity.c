/*
 * fuzz_quantity.c - libFuzzer target for the parsed quantities of
 * shared/quantity.c (quantity_parse, _compare, _add, _milli_value_is_whole).
 *
 * The input, up to its first NUL, holds two quantities separated by the
 * first newline. Whatever the text, parsing must agree with the canonical
 * printer on what is a quantity, and a parsed value must keep its shape
 * (digits without leading or trailing zeros, no negative zero). For two
 * parsed values, comparison must be antisymmetric and agree with addition:
 * x + y compares to x as y compares to zero, (x + y) + (-y) is x again,
 * and adding into one of the operands gives what adding into a third
 * place gives. Sums too long to write are refused, never truncated.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/quantity.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static const struct quantity zero = {.digits = ""};

static void check_shape(const struct quantity *q)
{
	fuzz_assert(q->digits && strlen(q->digits) >= q->len);
	if (q->len == 0) {
		fuzz_assert(!q->negative && q->exponent == 0);
		return;
	}
	fuzz_assert(q->digits[0] != '0' && q->digits[q->len - 1] != '0');
	for (size_t i = 0; i < q->len; i++)
		fuzz_assert(q->digits[i] >= '0' && q->digits[i] <= '9');
}

/* Parses text as a quantity; false when it is not one, as the printer agrees. */
static bool parse_checked(struct arena *a, const char *text, struct quantity *q)
{
	bool ok = quantity_parse(a, text, q) == 0;

	fuzz_assert(ok == (quantity_canonical(a, text) != NULL));
	if (ok) {
		check_shape(q);
		quantity_milli_value_is_whole(a, q);
		fuzz_assert(quantity_compare(q, q) == 0);
	}
	return ok;
}

static int sign(const struct quantity *q)
{
	return quantity_compare(q, &zero);
}

static void check_pair(struct arena *a, const struct quantity *x, const struct quantity *y)
{
	struct quantity sum, back, minus_y = *y, into_x = *x;

	fuzz_assert(quantity_compare(x, y) == -quantity_compare(y, x));
	if (quantity_add(a, x, y, &sum) < 0)
		return;
	check_shape(&sum);
	fuzz_assert(sum.format == x->format);
	fuzz_assert(quantity_compare(&sum, x) == sign(y));
	minus_y.negative = y->len > 0 && !y->negative;
	if (quantity_add(a, &sum, &minus_y, &back) == 0)
		fuzz_assert(quantity_compare(&back, x) == 0);
	fuzz_assert(quantity_add(a, &into_x, y, &into_x) == 0);
	fuzz_assert(quantity_compare(&into_x, &sum) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	char *text = malloc(size + 1), *second;
	struct quantity x, y;
	bool x_ok, y_ok;

	fuzz_assert(text);
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	second = strchr(text, '\n');
	if (second)
		*second++ = '\0';
	x_ok = parse_checked(&a, text, &x);
	y_ok = second && parse_checked(&a, second, &y);
	if (x_ok && y_ok)
		check_pair(&a, &x, &y);
	arena_free(&a);
	free(text);
	return 0;
}
