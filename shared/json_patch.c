/*
 * json_patch.c - JSON patch (RFC 6902) as kube-apiserver v1.32 applies it:
 * with evanphx/json-patch v4.12.0's Patch.Apply (patch.go), after
 * patch_read.c has read the patch as upstream's decoders do. See
 * json_patch.h for where that departs from the RFC.
 *
 * Operations apply in order to a deep copy of the document, which becomes
 * the result only if all of them succeed. Each failure is recorded in
 * json-patch's own words (detail), though upstream answers every one with
 * the same 422. Where json-patch v4.12.0 panics (a null where it expects a
 * value, an array holding null in a "test"), the operation treats the null
 * like any other; see json_patch.h.
 *
 * Results are checked as they grow so that none is deeper than
 * PATCH_MAX_DEPTH; recursion is bounded by that depth.
 */
#include "json_patch.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "shared/gojson.h"
#include "shared/patch_read.h"

/* What NewGenericServerResponse says for a 422, whatever json-patch reported. */
static const char unprocessable_message[] =
    "the server rejected our request due to an error in our request";

struct patch_apply {
	struct patch_reader rd;
	json_t *root;
	int64_t copied;	  /* the size "copy" operations added so far */
	struct buf inner; /* the error an operation wraps */
	struct buf scratch[2];
	const char *failure;
};

static int fail(struct patch_apply *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records why the patch does not apply, in json-patch's words. Returns -1. */
static int fail(struct patch_apply *ctx, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = arena_alloc(ctx->rd.arena, (size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	ctx->failure = text;
	return -1;
}

/* Where a path points: a container, and the key (decoded) of the last token in it. */
struct location {
	json_t *container;
	const char *key;
	size_t key_len;
	int depth; /* of the container; the root is 1 */
};

/* decodePatchKey: "~1" is '/', then "~0" is '~', left to right; other '~' stay. */
static const char *decode_token(struct patch_apply *ctx, const char *s, size_t len, size_t *out_len)
{
	char *out = arena_alloc(ctx->rd.arena, len + 1);
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '~' && i + 1 < len && (s[i + 1] == '0' || s[i + 1] == '1')) {
			out[n++] = s[i + 1] == '1' ? '/' : '~';
			i++;
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

/*
 * partialArray's index rules for get, remove and replace: Atoi, then a
 * negative index counts from the end. On error, sets ctx->inner.
 */
static int array_index(struct patch_apply *ctx, const json_t *arr, const char *key, size_t key_len,
		       size_t *index)
{
	int64_t n = (int64_t)json_array_size(arr), i;
	enum gojson_atoi_result rc = gojson_atoi(key, key_len, &i);

	buf_reset(&ctx->inner);
	if (rc != GOJSON_ATOI_OK) {
		gojson_atoi_error(&ctx->inner, rc, key, key_len);
		return -1;
	}
	if (i < 0 && i >= -n)
		i += n;
	if (i < 0 || i >= n) {
		buf_printf(&ctx->inner,
			   "Unable to access invalid index: %" PRId64 ": invalid index referenced",
			   i);
		return -1;
	}
	*index = (size_t)i;
	return 0;
}

/* get(): the value, or NULL for a missing member or a null; -1 for a bad array index. */
static int container_get(struct patch_apply *ctx, json_t *con, const char *key, size_t key_len,
			 json_t **out)
{
	size_t i;

	*out = NULL;
	if (json_is_object(con)) {
		*out = json_object_getn(con, key, key_len);
	} else {
		if (array_index(ctx, con, key, key_len, &i) != 0)
			return -1;
		*out = json_array_get(con, i);
	}
	if (json_is_null(*out))
		*out = NULL;
	return 0;
}

/* findObject. The part of the path before the first '/' is ignored, as upstream does. */
static bool locate(struct patch_apply *ctx, const char *path, size_t len, struct location *loc)
{
	const char *end = path + len, *token = memchr(path, '/', len);
	json_t *cur = ctx->root;
	int depth = 1;

	if (!token)
		return false;
	token++;
	for (;;) {
		const char *slash = memchr(token, '/', (size_t)(end - token));
		size_t key_len;
		const char *key =
		    decode_token(ctx, token, (size_t)((slash ? slash : end) - token), &key_len);
		json_t *next;

		if (!slash) {
			loc->container = cur;
			loc->key = key;
			loc->key_len = key_len;
			loc->depth = depth;
			return true;
		}
		if (container_get(ctx, cur, key, key_len, &next) != 0 || !next ||
		    !(json_is_object(next) || json_is_array(next)))
			return false;
		cur = next;
		depth++;
		token = slash + 1;
	}
}

static int container_add(struct patch_apply *ctx, const struct location *loc, json_t *value)
{
	int64_t n, i;
	enum gojson_atoi_result rc;

	if (json_is_object(loc->container)) {
		json_object_setn_nocheck(loc->container, loc->key, loc->key_len, value);
		return 0;
	}
	n = (int64_t)json_array_size(loc->container);
	buf_reset(&ctx->inner);
	if (loc->key_len == 1 && loc->key[0] == '-') {
		json_array_append(loc->container, value);
		return 0;
	}
	rc = gojson_atoi(loc->key, loc->key_len, &i);
	if (rc != GOJSON_ATOI_OK) {
		buf_printf(&ctx->inner,
			   "value was not a proper array index: '%.*s': ", (int)loc->key_len,
			   loc->key);
		gojson_atoi_error(&ctx->inner, rc, loc->key, loc->key_len);
		return -1;
	}
	/* The array grows by one first, so n itself is a valid position, and -1 appends. */
	if (i > n || i < -(n + 1)) {
		buf_printf(&ctx->inner,
			   "Unable to access invalid index: %" PRId64 ": invalid index referenced",
			   i);
		return -1;
	}
	if (i < 0)
		i += n + 1;
	json_array_insert(loc->container, (size_t)i, value);
	return 0;
}

static int container_remove(struct patch_apply *ctx, const struct location *loc)
{
	size_t i;

	if (json_is_object(loc->container)) {
		if (json_object_deln(loc->container, loc->key, loc->key_len) != 0) {
			buf_reset(&ctx->inner);
			buf_printf(&ctx->inner,
				   "Unable to remove nonexistent key: %.*s: missing value",
				   (int)loc->key_len, loc->key);
			return -1;
		}
		return 0;
	}
	if (array_index(ctx, loc->container, loc->key, loc->key_len, &i) != 0)
		return -1;
	json_array_remove(loc->container, i);
	return 0;
}

/* set(), for "replace": the key exists (get() said so). */
static void container_set(struct patch_apply *ctx, const struct location *loc, json_t *value)
{
	size_t i;

	if (json_is_object(loc->container))
		json_object_setn_nocheck(loc->container, loc->key, loc->key_len, value);
	else if (array_index(ctx, loc->container, loc->key, loc->key_len, &i) == 0)
		json_array_set(loc->container, i, value);
}

static int value_depth(const json_t *v)
{
	int depth = 0, d;
	const char *key;
	size_t i;
	json_t *child;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, child)
		{
			d = value_depth(child);
			depth = d > depth ? d : depth;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
		{
			d = value_depth(child);
			depth = d > depth ? d : depth;
		}
	}
	return depth + 1;
}

/* Our limit, not upstream's: a value put at loc must leave the document readable by jansson. */
static int check_depth(struct patch_apply *ctx, const struct location *loc, const json_t *value)
{
	if (loc->depth + value_depth(value) <= PATCH_MAX_DEPTH)
		return 0;
	return fail(ctx, "the patched document would be nested deeper than %d levels",
		    PATCH_MAX_DEPTH);
}

/* Operation.Path() and From(): 0, or -1 with Go's error in ctx->inner. */
static int op_string(struct patch_apply *ctx, const struct patch_op_field *f, const char *missing)
{
	buf_reset(&ctx->inner);
	if (f->state == FIELD_STRING)
		return 0;
	if (f->state == FIELD_ABSENT)
		buf_printf(&ctx->inner, "%s: missing value", missing);
	else
		buf_printf(&ctx->inner, "json: cannot unmarshal %s into Go value of type string",
			   f->kind);
	return -1;
}

static int op_path(struct patch_apply *ctx, const struct patch_op *op)
{
	return op_string(ctx, &op->path, "operation missing path field");
}

static int op_from(struct patch_apply *ctx, const struct patch_op *op)
{
	return op_string(ctx, &op->from, "operation, missing from field");
}

static json_t *op_value(const struct patch_op *op)
{
	return op->value ? op->value : json_null();
}

#define PATH(op) (int)(op)->path.len, (op)->path.s
#define FROM(op) (int)(op)->from.len, (op)->from.s

static int apply_add(struct patch_apply *ctx, const struct patch_op *op)
{
	struct location loc;

	if (op_path(ctx, op) != 0)
		return fail(ctx, "add operation failed to decode path: missing value");
	if (!locate(ctx, op->path.s, op->path.len, &loc))
		return fail(
		    ctx,
		    "add operation does not apply: doc is missing path: \"%.*s\": missing value",
		    PATH(op));
	if (container_add(ctx, &loc, op_value(op)) != 0)
		return fail(ctx, "error in add for path: '%.*s': %s", PATH(op), ctx->inner.data);
	return check_depth(ctx, &loc, op_value(op));
}

static int apply_remove(struct patch_apply *ctx, const struct patch_op *op)
{
	struct location loc;

	if (op_path(ctx, op) != 0)
		return fail(ctx, "remove operation failed to decode path: missing value");
	if (!locate(ctx, op->path.s, op->path.len, &loc))
		return fail(
		    ctx,
		    "remove operation does not apply: doc is missing path: \"%.*s\": missing value",
		    PATH(op));
	if (container_remove(ctx, &loc) != 0)
		return fail(ctx, "error in remove for path: '%.*s': %s", PATH(op), ctx->inner.data);
	return 0;
}

static int apply_replace(struct patch_apply *ctx, const struct patch_op *op)
{
	struct location loc;
	json_t *value = op_value(op), *cur;

	if (op_path(ctx, op) != 0)
		return fail(ctx, "replace operation failed to decode path: %s", ctx->inner.data);
	if (op->path.len == 0) {
		/*
		 * The whole document. v4.12.0 wraps a nil error when the value is
		 * not an object or an array, which makes no error: nothing happens.
		 */
		if (json_is_object(value) || json_is_array(value)) {
			json_decref(ctx->root);
			ctx->root = json_incref(value);
		}
		return 0;
	}
	if (!locate(ctx, op->path.s, op->path.len, &loc))
		return fail(
		    ctx,
		    "replace operation does not apply: doc is missing path: %.*s: missing value",
		    PATH(op));
	if (container_get(ctx, loc.container, loc.key, loc.key_len, &cur) != 0)
		return fail(
		    ctx,
		    "replace operation does not apply: doc is missing key: %.*s: missing value",
		    PATH(op));
	container_set(ctx, &loc, value);
	return check_depth(ctx, &loc, value);
}

static int apply_move(struct patch_apply *ctx, const struct patch_op *op)
{
	struct location loc;
	json_t *value;
	int rc;

	if (op_from(ctx, op) != 0)
		return fail(ctx, "move operation failed to decode from: %s", ctx->inner.data);
	if (!locate(ctx, op->from.s, op->from.len, &loc))
		return fail(
		    ctx,
		    "move operation does not apply: doc is missing from path: %.*s: missing value",
		    FROM(op));
	/* Upstream names the key, not the path, in these two. */
	if (container_get(ctx, loc.container, loc.key, loc.key_len, &value) != 0)
		return fail(ctx, "error in move for path: '%.*s': %s", (int)loc.key_len, loc.key,
			    ctx->inner.data);
	value = json_incref(value ? value : json_null());
	if (container_remove(ctx, &loc) != 0) {
		json_decref(value);
		return fail(ctx, "error in move for path: '%.*s': %s", (int)loc.key_len, loc.key,
			    ctx->inner.data);
	}
	if (op_path(ctx, op) != 0)
		rc = fail(ctx, "move operation failed to decode path: %s", ctx->inner.data);
	else if (!locate(ctx, op->path.s, op->path.len, &loc))
		rc = fail(ctx,
			  "move operation does not apply: doc is missing destination path: %.*s: "
			  "missing value",
			  PATH(op));
	else if (container_add(ctx, &loc, value) != 0)
		rc = fail(ctx, "error in move for path: '%.*s': %s", PATH(op), ctx->inner.data);
	else
		rc = check_depth(ctx, &loc, value);
	json_decref(value);
	return rc;
}

/*
 * lazyNode.equal, want being the operation's value: objects and arrays
 * compare member by member, scalars by their text.
 */
static bool values_equal(struct patch_apply *ctx, const json_t *have, const json_t *want)
{
	const char *key, *a, *b;
	size_t key_len, a_len, b_len, i;
	json_t *child;

	if (json_is_null(have))
		return json_is_null(want);
	if (json_is_object(have)) {
		if (!json_is_object(want) || json_object_size(have) != json_object_size(want))
			return false;
		json_object_keylen_foreach((json_t *)have, key, key_len, child)
		{
			json_t *other = json_object_getn(want, key, key_len);

			if (!other || !values_equal(ctx, child, other))
				return false;
		}
		return true;
	}
	if (json_is_array(have)) {
		if (!json_is_array(want) || json_array_size(have) != json_array_size(want))
			return false;
		json_array_foreach(have, i, child)
		{
			if (!values_equal(ctx, child, json_array_get(want, i)))
				return false;
		}
		return true;
	}
	if (json_is_object(want) || json_is_array(want) || json_is_null(want))
		return false;
	patch_scalar_text(&ctx->rd, have, &ctx->scratch[0], &a, &a_len);
	patch_scalar_text(&ctx->rd, want, &ctx->scratch[1], &b, &b_len);
	return a_len == b_len && memcmp(a, b, a_len) == 0;
}

static int apply_test(struct patch_apply *ctx, const struct patch_op *op)
{
	struct location loc;
	json_t *value = op_value(op), *have;

	if (op_path(ctx, op) != 0)
		return fail(ctx, "test operation failed to decode path: %s", ctx->inner.data);
	if (op->path.len == 0) {
		if (values_equal(ctx, ctx->root, value))
			return 0;
		return fail(ctx, "testing value  failed: test failed");
	}
	if (!locate(ctx, op->path.s, op->path.len, &loc))
		return fail(ctx,
			    "test operation does not apply: is missing path: %.*s: missing value",
			    PATH(op));
	if (container_get(ctx, loc.container, loc.key, loc.key_len, &have) != 0)
		return fail(ctx, "error in test for path: '%.*s': %s", PATH(op), ctx->inner.data);
	/* A missing member tests equal to null. */
	if (have ? values_equal(ctx, have, value) : json_is_null(value))
		return 0;
	return fail(ctx, "testing value %.*s failed: test failed", PATH(op));
}

/*
 * deepCopy: json-patch marshals the value and keeps the text, so the copy's
 * strings gain Marshal's HTML escapes, and its size is that text's length.
 */
static json_t *copy_value(struct patch_apply *ctx, const json_t *v, int64_t *size)
{
	const struct patch_raw *raw;
	const char *key;
	size_t key_len, i;
	json_t *child, *out;

	if (json_is_object(v)) {
		out = json_object();
		*size += 1 + (json_object_size(v) ? 0 : 1);
		json_object_keylen_foreach((json_t *)v, key, key_len, child)
		{
			buf_reset(&ctx->scratch[1]);
			gojson_encode_string(&ctx->scratch[1], key, key_len);
			*size += (int64_t)ctx->scratch[1].len + 2; /* ':', then ',' or '}' */
			json_object_setn_new_nocheck(out, key, key_len,
						     copy_value(ctx, child, size));
		}
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		*size += 1 + (json_array_size(v) ? 0 : 1);
		json_array_foreach(v, i, child)
		{
			*size += 1; /* ',' or ']' */
			json_array_append_new(out, copy_value(ctx, child, size));
		}
		return out;
	}
	if (!json_is_string(v) && !json_is_number(v)) {
		*size += json_is_false(v) ? 5 : 4;
		return json_incref((json_t *)v);
	}
	out = json_deep_copy(v);
	raw = patch_raw_lookup(&ctx->rd, v);
	if (raw) {
		struct buf escaped = {0};
		const char *text = raw->text;
		size_t len = raw->len;

		gojson_escape_raw(&escaped, raw->text, raw->len);
		if (escaped.len != raw->len) {
			text = arena_strndup(ctx->rd.arena, escaped.data, escaped.len);
			len = escaped.len;
		}
		buf_free(&escaped);
		patch_raw_remember(&ctx->rd, out, text, len);
		*size += (int64_t)len;
	} else {
		const char *text;
		size_t len;

		patch_scalar_text(&ctx->rd, v, &ctx->scratch[0], &text, &len);
		*size += (int64_t)len;
	}
	return out;
}

static int apply_copy(struct patch_apply *ctx, const struct patch_op *op)
{
	struct location loc;
	json_t *value, *copy;
	int64_t size = 0;
	int rc;

	if (op_from(ctx, op) != 0)
		return fail(ctx, "copy operation failed to decode from: %s", ctx->inner.data);
	if (!locate(ctx, op->from.s, op->from.len, &loc))
		return fail(
		    ctx,
		    "copy operation does not apply: doc is missing from path: %.*s: missing value",
		    FROM(op));
	if (container_get(ctx, loc.container, loc.key, loc.key_len, &value) != 0)
		return fail(ctx, "error in copy for from: '%.*s': %s", FROM(op), ctx->inner.data);
	if (op_path(ctx, op) != 0)
		return fail(ctx, "copy operation failed to decode path: missing value");
	if (!locate(ctx, op->path.s, op->path.len, &loc))
		return fail(ctx,
			    "copy operation does not apply: doc is missing destination path: %.*s: "
			    "missing value",
			    PATH(op));
	/* A missing or null source copies as nothing at all: null, of size 0. */
	copy = value ? copy_value(ctx, value, &size) : json_null();
	ctx->copied += size;
	if (ctx->copied > JSON_PATCH_MAX_COPY_BYTES)
		rc = fail(ctx,
			  "Unable to complete the copy, the accumulated size increase of copy is "
			  "%" PRId64 ", exceeding the limit %d",
			  ctx->copied, JSON_PATCH_MAX_COPY_BYTES);
	else if (container_add(ctx, &loc, copy) != 0)
		rc = fail(ctx, "error while adding value during copy: %s", ctx->inner.data);
	else
		rc = check_depth(ctx, &loc, copy);
	json_decref(copy);
	return rc;
}

static bool op_is(const struct patch_op *op, const char *kind)
{
	return op->op.state == FIELD_STRING && op->op.len == strlen(kind) &&
	       memcmp(op->op.s, kind, op->op.len) == 0;
}

static int apply_op(struct patch_apply *ctx, const struct patch_op *op)
{
	static const struct {
		const char *kind;
		int (*apply)(struct patch_apply *ctx, const struct patch_op *op);
	} ops[] = {
	    {"add", apply_add},	  {"remove", apply_remove}, {"replace", apply_replace},
	    {"move", apply_move}, {"test", apply_test},	    {"copy", apply_copy},
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (op_is(op, ops[i].kind))
			return ops[i].apply(ctx, op);
	if (op->op.state == FIELD_STRING)
		return fail(ctx, "Unexpected kind: %.*s", (int)op->op.len, op->op.s);
	return fail(ctx, "Unexpected kind: unknown");
}

json_t *json_patch_apply(struct arena *a, const json_t *doc, const char *patch, size_t patch_len,
			 enum patch_field_validation validation, struct patch_result *result)
{
	struct patch_apply ctx = {0};
	struct patch_op *ops = NULL;
	json_t *out = NULL;
	size_t num_ops = 0, i;

	patch_reader_init(&ctx.rd, a, patch, patch_len, validation);
	if (patch_read_ops(&ctx.rd, result, &ops, &num_ops) != 0)
		goto done;
	if (num_ops > JSON_PATCH_MAX_OPERATIONS) {
		char *text =
		    arena_printf(a,
				 "Request entity too large: The allowed maximum operations "
				 "in a JSON patch is %d, got %zu",
				 JSON_PATCH_MAX_OPERATIONS, num_ops);

		patch_answer(&ctx.rd, result, 413, "RequestEntityTooLarge", text, text);
		goto done;
	}
	if (!json_is_object(doc) && !json_is_array(doc)) {
		/* Only objects are patched upstream; this is how json-patch refuses the rest. */
		fail(&ctx, "json: cannot unmarshal %s into Go value of type jsonpatch.partialDoc",
		     json_is_string(doc)   ? "string"
		     : json_is_number(doc) ? "number"
		     : json_is_null(doc)   ? "null"
					   : "bool");
		patch_answer(&ctx.rd, result, 422, "Invalid", unprocessable_message, ctx.failure);
		goto done;
	}
	ctx.root = patch_copy_json(doc);
	for (i = 0; i < num_ops; i++) {
		if (apply_op(&ctx, &ops[i]) != 0) {
			patch_answer(&ctx.rd, result, 422, "Invalid", unprocessable_message,
				     ctx.failure);
			goto done;
		}
	}
	out = json_incref(ctx.root);
	patch_answer_success(&ctx.rd, result);
done:
	patch_free_ops(ops, num_ops);
	json_decref(ctx.root);
	buf_free(&ctx.inner);
	buf_free(&ctx.scratch[0]);
	buf_free(&ctx.scratch[1]);
	patch_reader_free(&ctx.rd);
	return out;
}
