/*
 * validation_format.c - the string formats of
 * k8s.io/apimachinery/pkg/util/validation (v1.32) with their messages:
 * DNS-1123 labels and subdomains, DNS-1035 labels, qualified names (label
 * keys), label values, ConfigMap keys, port names and numbers, percents,
 * environment variable names, path segments, IP addresses and CIDRs (as
 * k8s.io/utils/net's sloppy parser reads them), wildcard subdomains; and
 * the validators built on them (labels, annotations).
 *
 * Each is_* function appends, in upstream's order, the messages the
 * function of the same name returns; an empty list means valid. The
 * regular expressions are checked by hand; their text only appears in the
 * messages, as upstream's RegexError writes it.
 */
#include <arpa/inet.h>
#include <string.h>

#include "shared/validation_internal.h"

#define LABEL_FMT	   "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define SUBDOMAIN_FMT	   LABEL_FMT "(\\." LABEL_FMT ")*"
#define DNS1035_FMT	   "[a-z]([-a-z0-9]*[a-z0-9])?"
#define QUALIFIED_NAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QUALIFIED_NAME_REGEX                                                                       \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "   \
	"an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "  \
	"validation is '" QUALIFIED_NAME_FMT "')"
#define SUBDOMAIN_REGEX                                                                            \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "  \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "      \
	"regex used for validation is '" SUBDOMAIN_FMT "')"
#define LABEL_REGEX                                                                                \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "   \
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "   \
	"regex used for validation is '" LABEL_FMT "')"
#define DNS1035_REGEX                                                                              \
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "  \
	"an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "    \
	"'abc-123', regex used for validation is '" DNS1035_FMT "')"
#define LABEL_VALUE_REGEX                                                                          \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "   \
	"or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "      \
	"'my_value',  or '12345', regex used for validation is '(" QUALIFIED_NAME_FMT ")?')"
#define CONFIG_MAP_KEY_REGEX                                                                       \
	"a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "       \
	"'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "                \
	"'[-._a-zA-Z0-9]+')"
#define WILDCARD_SUBDOMAIN_REGEX                                                                   \
	"a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "  \
	"which must consist of lower case alphanumeric characters, '-' or '.' and end with an "    \
	"alphanumeric character (e.g. '*.example.com', regex used for validation is "              \
	"'\\*\\." SUBDOMAIN_FMT "')"
#define PERCENT_REGEX                                                                              \
	"a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  "  \
	"or '93%', regex used for validation is '[0-9]+%')"
#define MAX_LEN_63	      "must be no more than 63 characters"
#define MAX_LEN_253	      "must be no more than 253 characters"
#define ANNOTATIONS_MAX_BYTES (256 * 1024)

static void add(struct vmsgs *out, const char *m)
{
	if (out->n < VMSGS_MAX)
		out->m[out->n++] = m;
}

static bool lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool alnum(char ch)
{
	return lower_alnum(ch) || (ch >= 'A' && ch <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..len) */
static bool label_match(const char *s, size_t len)
{
	if (len == 0 || !lower_alnum(s[0]) || !lower_alnum(s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool subdomain_match(const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (!label_match(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static bool qualified_match(const char *s, size_t len)
{
	if (len == 0 || !alnum(s[0]) || !alnum(s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

void is_dns1123_label(const char *s, struct vmsgs *out)
{
	size_t len = strlen(s);

	if (len > 63)
		add(out, MAX_LEN_63);
	if (!label_match(s, len))
		add(out, subdomain_match(s, len) ? "must not contain dots" : LABEL_REGEX);
}

void is_dns1123_subdomain(const char *s, struct vmsgs *out)
{
	size_t len = strlen(s);

	if (len > 253)
		add(out, MAX_LEN_253);
	if (!subdomain_match(s, len))
		add(out, SUBDOMAIN_REGEX);
}

void is_dns1035_label(const char *s, struct vmsgs *out)
{
	size_t len = strlen(s);

	if (len > 63)
		add(out, MAX_LEN_63);
	if (!label_match(s, len) || !(s[0] >= 'a' && s[0] <= 'z'))
		add(out, DNS1035_REGEX);
}

void is_qualified_name(const char *s, struct vmsgs *out)
{
	const char *slash = strchr(s, '/'), *name = s;

	if (slash && strchr(slash + 1, '/')) {
		add(out, "a qualified name " QUALIFIED_NAME_REGEX
			 " with an optional DNS subdomain prefix and '/' (e.g. "
			 "'example.com/MyName')");
		return;
	}
	if (slash) {
		size_t plen = (size_t)(slash - s);

		name = slash + 1;
		if (plen == 0) {
			add(out, "prefix part must be non-empty");
		} else {
			if (plen > 253)
				add(out, "prefix part " MAX_LEN_253);
			if (!subdomain_match(s, plen))
				add(out, "prefix part " SUBDOMAIN_REGEX);
		}
	}
	if (!*name)
		add(out, "name part must be non-empty");
	else if (strlen(name) > 63)
		add(out, "name part " MAX_LEN_63);
	if (!qualified_match(name, strlen(name)))
		add(out, "name part " QUALIFIED_NAME_REGEX);
}

void is_label_value(const char *s, struct vmsgs *out)
{
	size_t len = strlen(s);

	if (len > 63)
		add(out, MAX_LEN_63);
	if (len && !qualified_match(s, len))
		add(out, LABEL_VALUE_REGEX);
}

static void chdir_prefix(const char *s, struct vmsgs *out)
{
	if (strcmp(s, ".") == 0)
		add(out, "must not be '.'");
	else if (strcmp(s, "..") == 0)
		add(out, "must not be '..'");
	else if (strncmp(s, "..", 2) == 0)
		add(out, "must not start with '..'");
}

void is_config_map_key(const char *s, struct vmsgs *out)
{
	size_t len = strlen(s), i;

	if (len > 253)
		add(out, MAX_LEN_253);
	for (i = 0; i < len; i++)
		if (!alnum(s[i]) && !strchr("-._", s[i]))
			break;
	if (len == 0 || i < len)
		add(out, CONFIG_MAP_KEY_REGEX);
	chdir_prefix(s, out);
}

void is_port_name(const char *s, struct vmsgs *out)
{
	size_t len = strlen(s);
	bool charset = len > 0, letter = false;

	if (len > 15)
		add(out, "must be no more than 15 characters");
	for (size_t i = 0; i < len; i++) {
		charset = charset && (lower_alnum(s[i]) || s[i] == '-');
		letter = letter || (s[i] >= 'a' && s[i] <= 'z');
	}
	if (!charset)
		add(out, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	if (!letter)
		add(out, "must contain at least one letter (a-z)");
	if (strstr(s, "--"))
		add(out, "must not contain consecutive hyphens");
	if (len && (s[0] == '-' || s[len - 1] == '-'))
		add(out, "must not begin or end with a hyphen");
}

void is_percent(const char *s, struct vmsgs *out)
{
	size_t len = strlen(s), i;

	for (i = 0; i + 1 < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (len < 2 || i != len - 1 || s[len - 1] != '%')
		add(out, PERCENT_REGEX);
}

/* RelaxedEnvironmentVariableValidation is on by default in v1.32. */
void is_relaxed_env_var_name(const char *s, struct vmsgs *out)
{
	if (!*s)
		add(out, "environment variable name must be non-empty");
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F || *s == '=') {
			add(out, "a valid environment variable name must consist only of printable "
				 "ASCII characters other than '='");
			break;
		}
	}
}

void is_path_segment_name(const char *s, bool prefix, struct vmsgs *out)
{
	if (!prefix && strcmp(s, ".") == 0) {
		add(out, "may not be '.'");
		return;
	}
	if (!prefix && strcmp(s, "..") == 0) {
		add(out, "may not be '..'");
		return;
	}
	if (strchr(s, '/'))
		add(out, "may not contain '/'");
	if (strchr(s, '%'))
		add(out, "may not contain '%'");
}

/*
 * The IPv4 of k8s.io/utils/net's sloppy parser (Go's parser before 1.17):
 * four decimal fields up to 255, leading zeros allowed ("010" is ten).
 * Parses s[0..len).
 */
static bool ipv4_parse_sloppy(const char *s, size_t len, unsigned char addr[4])
{
	size_t i = 0;

	for (int field = 0; field < 4; field++) {
		unsigned int n = 0;
		size_t digits = 0;

		if (field > 0) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9' && n <= 0xFF) {
			n = n * 10 + (unsigned int)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || n > 0xFF)
			return false;
		addr[field] = (unsigned char)n;
	}
	return i == len;
}

/* Go's ParseIP decides the family by the first '.' or ':'. */
static int ip_parse_n(const char *s, size_t len, unsigned char addr[16])
{
	char text[64];

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.')
			return ipv4_parse_sloppy(s, len, addr) ? 4 : 0;
		if (s[i] == ':') {
			if (len >= sizeof(text))
				return 0;
			memcpy(text, s, len);
			text[len] = '\0';
			return inet_pton(AF_INET6, text, addr) == 1 ? 16 : 0;
		}
	}
	return 0;
}

int ip_parse_sloppy(const char *s, unsigned char addr[16])
{
	return ip_parse_n(s, strlen(s), addr);
}

int cidr_parse_sloppy(const char *s, unsigned char net[16], int *prefix)
{
	const char *slash = strchr(s, '/');
	int len, bits = 0;
	const char *p;

	if (!slash)
		return 0;
	len = ip_parse_n(s, (size_t)(slash - s), net);
	if (!len || !slash[1])
		return 0;
	for (p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9' || bits > len * 8)
			return 0;
		bits = bits * 10 + (*p - '0');
	}
	if (bits > len * 8)
		return 0;
	for (int i = 0; i < len; i++) {
		int keep = bits - i * 8;

		net[i] &= keep >= 8 ? 0xFF : keep <= 0 ? 0 : (unsigned char)(0xFF << (8 - keep));
	}
	*prefix = bits;
	return len;
}

void is_valid_ip(const char *s, struct vmsgs *out)
{
	unsigned char addr[16];

	if (!ip_parse_sloppy(s, addr))
		add(out, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
}

void is_valid_cidr(const char *s, struct vmsgs *out)
{
	unsigned char net[16];
	int prefix;

	if (!cidr_parse_sloppy(s, net, &prefix))
		add(out, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
}

void is_wildcard_dns1123_subdomain(const char *s, struct vmsgs *out)
{
	size_t len = strlen(s);

	if (len > 253)
		add(out, MAX_LEN_253);
	if (len < 3 || s[0] != '*' || s[1] != '.' || !subdomain_match(s + 2, len - 2))
		add(out, WILDCARD_SUBDOMAIN_REGEX);
}

bool ip_is_v6(const char *s)
{
	unsigned char addr[16];

	return ip_parse_sloppy(s, addr) == 16;
}

void is_port_num(int64_t n, struct vmsgs *out)
{
	if (n < 1 || n > 65535)
		add(out, "must be between 1 and 65535, inclusive");
}

/*
 * A generated name's prefix is checked with its last character masked
 * (maskTrailingDash): a trailing "-" and the character before it become "a",
 * as upstream's slice does.
 */
void validate_name_rule(enum vname_rule rule, const char *name, bool prefix, struct vmsgs *out)
{
	char masked[512];
	size_t len = strlen(name);

	if (prefix && rule != NAME_PATH_SEGMENT && len && name[len - 1] == '-' &&
	    len < sizeof(masked)) {
		size_t keep = len >= 2 ? len - 2 : 0;

		memcpy(masked, name, keep);
		masked[keep] = 'a';
		masked[keep + 1] = '\0';
		name = masked;
	}
	switch (rule) {
	case NAME_LABEL:
		is_dns1123_label(name, out);
		break;
	case NAME_DNS1035:
		is_dns1035_label(name, out);
		break;
	case NAME_PATH_SEGMENT:
		is_path_segment_name(name, prefix, out);
		break;
	default:
		is_dns1123_subdomain(name, out);
	}
}

static void invalid_each(struct vctx *c, const char *value, const char *path, const struct vmsgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		v_invalid(c, path, vr_quote(c, value), m->m[i]);
}

void v_dns1123_label(struct vctx *c, const char *value, const char *path)
{
	struct vmsgs m = {0};

	is_dns1123_label(value, &m);
	invalid_each(c, value, path, &m);
}

void v_dns1123_subdomain(struct vctx *c, const char *value, const char *path)
{
	struct vmsgs m = {0};

	is_dns1123_subdomain(value, &m);
	invalid_each(c, value, path, &m);
}

void v_qualified_name(struct vctx *c, const char *value, const char *path)
{
	struct vmsgs m = {0};

	is_qualified_name(value, &m);
	invalid_each(c, value, path, &m);
}

/* ValidateLabels: the key's errors, then the value's, all at the map's path. */
void v_labels(struct vctx *c, json_t *labels, const char *path)
{
	const char **keys = jkeys(c, labels);

	for (size_t i = 0; keys[i]; i++) {
		struct vmsgs m = {0};
		const char *v = jstr(labels, keys[i]);

		v_qualified_name(c, keys[i], path);
		is_label_value(v, &m);
		invalid_each(c, v, path, &m);
	}
}

/* ValidateAnnotations: keys are qualified names in any case; 256 KiB in all. */
void v_annotations(struct vctx *c, json_t *annotations, const char *path)
{
	const char **keys = jkeys(c, annotations);
	size_t total = 0;

	for (size_t i = 0; keys[i]; i++) {
		struct vmsgs m = {0};
		char *lower = arena_strdup(c->arena, keys[i]);

		for (char *p = lower; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		is_qualified_name(lower, &m);
		invalid_each(c, keys[i], path, &m);
		total += strlen(keys[i]) + strlen(jstr(annotations, keys[i]));
	}
	if (total > ANNOTATIONS_MAX_BYTES)
		v_too_long(c, path, ANNOTATIONS_MAX_BYTES);
}

void v_ip(struct vctx *c, const char *value, const char *path)
{
	struct vmsgs m = {0};

	is_valid_ip(value, &m);
	invalid_each(c, value, path, &m);
}

void v_cidr(struct vctx *c, const char *value, const char *path)
{
	struct vmsgs m = {0};

	is_valid_cidr(value, &m);
	invalid_each(c, value, path, &m);
}

void v_nonnegative(struct vctx *c, json_t *obj, const char *key, const char *path)
{
	int64_t n = jint(obj, key);

	if (n < 0)
		v_invalid(c, path, vr_int(c, n), "must be greater than or equal to 0");
}
