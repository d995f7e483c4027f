/*
 * fuzz_table.c - libFuzzer target for shared/table.c and its cell kinds.
 *
 * The input is a JSON document, normally an object. Every resource of the
 * registry builds a row of it, with each includeObject in turn: the row
 * must have exactly one cell per printer column, each a JSON string,
 * integer, boolean or real, and the rows must wrap into a Table that
 * serialises. The input text is also given, whole, to the quantity and
 * timestamp parsers, which must not crash and must keep their contracts.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/quantity.h"
#include "shared/registry.h"
#include "shared/table.h"
#include "shared/timestamp.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* 2024-12-11T10:00:00Z */
#define NOW 1733911200

static void load_registry_once(void)
{
	static int loaded;
	char err[256];

	if (loaded)
		return;
	fuzz_assert(registry_load(err, sizeof(err)) == 0);
	loaded = 1;
}

static void check_rows(const json_t *obj)
{
	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);
		enum table_include include = (enum table_include)(i % 3);
		json_t *rows = json_array(), *row = table_row(rt, obj, NOW, include);
		json_t *cells = json_object_get(row, "cells"), *table;
		char *text;

		fuzz_assert(json_array_size(cells) == rt->num_columns);
		for (size_t c = 0; c < json_array_size(cells); c++) {
			json_t *v = json_array_get(cells, c);

			fuzz_assert(json_is_string(v) || json_is_integer(v) || json_is_boolean(v) ||
				    json_is_real(v));
		}
		fuzz_assert(json_object_get(row, "object") != NULL);
		json_array_append_new(rows, row);
		table = table_wrap(rt, rows, "1", NULL, -1);
		text = json_dumps(table, JSON_COMPACT);
		fuzz_assert(text != NULL);
		free(text);
		json_decref(table);
	}
}

static void check_text(const char *text)
{
	struct arena a = {0};
	struct timestamp t;
	const char *canonical = quantity_canonical(&a, text);

	/* A canonical quantity is itself a quantity, and canonical. */
	if (canonical) {
		const char *again = quantity_canonical(&a, canonical);

		fuzz_assert(again != NULL);
		fuzz_assert(strcmp(again, canonical) == 0);
	}
	if (timestamp_parse(text, &t)) {
		char formatted[TIMESTAMP_RFC3339_SIZE];
		char duration[HUMAN_DURATION_SIZE];
		struct timestamp back, now = timestamp_from_time(NOW);

		fuzz_assert(t.nanos >= 0 && t.nanos < 1000000000);
		timestamp_format(&t, formatted);
		/* In UTC, the years 0000..9999 read back as the same second. */
		if (t.seconds >= -62167219200LL && t.seconds <= 253402300799LL) {
			fuzz_assert(timestamp_parse(formatted, &back));
			fuzz_assert(back.seconds == t.seconds);
		}
		fuzz_assert(human_duration(timestamp_sub(&now, &t), duration)[0] != '\0');
	}
	arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj;
	char *text = malloc(size + 1);

	fuzz_assert(text);
	load_registry_once();
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	check_text(text);
	obj = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (obj)
		check_rows(obj);
	json_decref(obj);
	free(text);
	return 0;
}
