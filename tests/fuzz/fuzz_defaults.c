/*
 * fuzz_defaults.c - libFuzzer target for shared/defaults.c, its table and
 * hooks, and shared/image_ref.c.
 *
 * The input's first line is an image reference: a parsed one's tag and
 * digest must lie inside the text, and its pull policy must be one of the
 * two upstream gives. The rest is JSON; an object is defaulted by its
 * apiVersion and kind, and defaulting must then be a fixed point: a
 * second pass may change nothing, whatever odd types or nulls the object
 * holds where the rules look.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/catalog.h"
#include "shared/defaults.h"
#include "shared/image_ref.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];

	fuzz_assert(catalog_load(err, sizeof(err)) == 0);
	fuzz_assert(defaults_load(err, sizeof(err)) == 0);
	return 0;
}

static void check_image(const char *image)
{
	struct image_ref ref;
	const char *policy = image_ref_default_pull_policy(image);
	size_t len = strlen(image);

	fuzz_assert(strcmp(policy, "Always") == 0 || strcmp(policy, "IfNotPresent") == 0);
	if (!image_ref_parse(image, &ref))
		return;
	if (ref.tag)
		fuzz_assert(ref.tag > image && ref.tag + ref.tag_len <= image + len &&
			    ref.tag[-1] == ':' && ref.tag_len > 0);
	if (ref.digest)
		fuzz_assert(ref.digest > image && ref.digest + ref.digest_len == image + len &&
			    ref.digest[-1] == '@');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *newline = memchr(data, '\n', size);
	size_t image_len = newline ? (size_t)(newline - data) : size;
	char *image = malloc(image_len + 1);
	json_t *obj, *once;

	fuzz_assert(image);
	memcpy(image, data, image_len);
	image[image_len] = '\0';
	check_image(image);
	free(image);
	if (!newline)
		return 0;
	obj = json_loadb((const char *)newline + 1, size - image_len - 1, 0, NULL);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return 0;
	}
	if (defaults_apply_object(obj) == 0) {
		once = json_deep_copy(obj);
		fuzz_assert(defaults_apply_object(obj) == 0);
		fuzz_assert(json_equal(obj, once));
		json_decref(once);
	}
	json_decref(obj);
	return 0;
}
