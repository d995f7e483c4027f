/*
 * image_ref.c - container image references (see image_ref.h).
 *
 * The grammar is checked piece by piece rather than with a regular
 * expression. The text before the first '/' is split off first where
 * splitDockerDomain takes it for a domain; it must then be one (or a path
 * component, which the reference grammar also lets stand first). In the
 * rest a digest starts at the first '@', a tag at the last ':' after the
 * last '/' (no path component may hold a ':'), and what remains must be
 * path components. What distribution/reference adds in normalising (the
 * docker.io domain, "library/") only counts toward the name's length, so
 * no normalised copy is built.
 */
#include "shared/image_ref.h"

#include <string.h>

#define NAME_TOTAL_LENGTH_MAX 255
#define TAG_LENGTH_MAX	      128

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool has_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			return true;
	}
	return false;
}

/* [a-z0-9]+ (("." | "_" | "__" | "-"+) [a-z0-9]+)* */
static bool path_component(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]))
		return false;
	for (;;) {
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i == n || !is_lower_alnum(s[i]))
			return false;
	}
}

/* Labels of [a-zA-Z0-9] with inner '-', joined by '.'. */
static bool domain_name(const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!is_alnum(s[i]) && s[i] != '-')
				return false;
			continue;
		}
		if (i == start || s[start] == '-' || s[i - 1] == '-')
			return false;
		start = i + 1;
	}
	return true;
}

/* host [":" port]: a DNS name or "[" hex and colons "]". */
static bool domain(const char *s, size_t n)
{
	size_t host_len;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (!close || close == s + 1)
			return false;
		for (const char *p = s + 1; p < close; p++) {
			if (!is_hex(*p) && *p != ':')
				return false;
		}
		host_len = (size_t)(close - s) + 1;
	} else {
		const char *colon = memchr(s, ':', n);

		host_len = colon ? (size_t)(colon - s) : n;
		if (!domain_name(s, host_len))
			return false;
	}
	if (host_len == n)
		return true;
	if (s[host_len] != ':' || host_len + 1 == n)
		return false;
	for (size_t i = host_len + 1; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
	}
	return true;
}

/* [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static bool tag(const char *s, size_t n)
{
	if (n == 0 || n > TAG_LENGTH_MAX || !is_word(s[0]))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!is_word(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	}
	return true;
}

/*
 * What go-digest's Parse accepts: an algorithm the Go binary links (the
 * SHA-2 family kube-apiserver has) and its exact count of lower-case hex
 * digits. Other algorithms that the reference grammar allows are
 * "unsupported digest algorithm" errors.
 */
static bool digest(const char *s, size_t n)
{
	static const struct {
		const char *name;
		size_t hex_len;
	} algorithms[] = {{"sha256", 64}, {"sha384", 96}, {"sha512", 128}};
	const char *colon = memchr(s, ':', n);

	if (!colon)
		return false;
	for (size_t i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]); i++) {
		size_t alg_len = strlen(algorithms[i].name);

		if ((size_t)(colon - s) != alg_len || memcmp(s, algorithms[i].name, alg_len) != 0)
			continue;
		if (n - alg_len - 1 != algorithms[i].hex_len)
			return false;
		for (const char *p = colon + 1; p < s + n; p++) {
			if (!is_digit(*p) && !(*p >= 'a' && *p <= 'f'))
				return false;
		}
		return true;
	}
	return false;
}

/* component ("/" component)* */
static bool components(const char *s, size_t n)
{
	const char *end = s + n;

	for (const char *p = s;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));

		if (!path_component(p, slash ? (size_t)(slash - p) : (size_t)(end - p)))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

/* 64 lower-case hex digits: an image ID, which is refused as a name. */
static bool image_id(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	}
	return true;
}

/*
 * splitDockerDomain: the part before the first '/' is a domain when it has
 * a '.' or a ':', is "localhost", or has an upper-case letter; otherwise
 * the whole text is a name on docker.io.
 */
static bool own_domain(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) ||
	       (n == 9 && memcmp(s, "localhost", 9) == 0) || has_upper(s, n);
}

bool image_ref_parse(const char *image, struct image_ref *out)
{
	const char *slash = strchr(image, '/'), *remainder = image, *end, *last_slash, *colon;
	size_t domain_len = strlen("docker.io"), prefix_len = 0;
	bool docker_io = true;

	*out = (struct image_ref){0};
	if (image_id(image, strlen(image)))
		return false;
	if (slash && own_domain(image, (size_t)(slash - image))) {
		domain_len = (size_t)(slash - image);
		/* The first component is a domain, or failing that a path component. */
		if (!domain(image, domain_len) && !path_component(image, domain_len))
			return false;
		docker_io = (domain_len == 9 && memcmp(image, "docker.io", 9) == 0) ||
			    (domain_len == 15 && memcmp(image, "index.docker.io", 15) == 0);
		if (docker_io)
			domain_len = strlen("docker.io");
		remainder = slash + 1;
	}
	/* The repository, up to the first ':', must be lower case. */
	if (has_upper(remainder, strcspn(remainder, ":")))
		return false;
	if (docker_io && !strchr(remainder, '/'))
		prefix_len = strlen("library/");
	end = remainder + strlen(remainder);
	out->digest = strchr(remainder, '@');
	if (out->digest) {
		end = out->digest++;
		out->digest_len = strlen(out->digest);
		if (!digest(out->digest, out->digest_len))
			return false;
	}
	last_slash = NULL;
	for (const char *p = remainder; p < end; p++) {
		if (*p == '/')
			last_slash = p;
	}
	colon = NULL;
	for (const char *p = last_slash ? last_slash : remainder; p < end; p++) {
		if (*p == ':')
			colon = p;
	}
	if (colon) {
		out->tag = colon + 1;
		out->tag_len = (size_t)(end - out->tag);
		end = colon;
		if (!tag(out->tag, out->tag_len))
			return false;
	}
	if (!components(remainder, (size_t)(end - remainder)))
		return false;
	return domain_len + 1 + prefix_len + (size_t)(end - remainder) <= NAME_TOTAL_LENGTH_MAX;
}

const char *image_ref_default_pull_policy(const char *image)
{
	struct image_ref ref;

	if (!image_ref_parse(image, &ref))
		return "IfNotPresent";
	if ((ref.tag && ref.tag_len == 6 && memcmp(ref.tag, "latest", 6) == 0) ||
	    (!ref.tag && !ref.digest))
		return "Always";
	return "IfNotPresent";
}
