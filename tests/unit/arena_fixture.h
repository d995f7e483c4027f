/*
 * arena_fixture.h - what several Check suites share: one arena per test
 * (setup/teardown as a checked fixture) and JSON test data parsed or the
 * test fails.
 */
#ifndef PGKUBE_ARENA_FIXTURE_H
#define PGKUBE_ARENA_FIXTURE_H

#include <check.h>
#include <jansson.h>

#include "shared/arena.h"

static struct arena arena;

static void setup(void)
{
	arena = (struct arena){0};
}

static void teardown(void)
{
	arena_free(&arena);
}

/* Test data: text is JSON (any value), or the test fails. */
static json_t *json(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &err);

	ck_assert_msg(j != NULL, "bad test JSON %s: %s", text, err.text);
	return j;
}

#endif
