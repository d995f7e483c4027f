/*
 * image_ref.h - container image references ("nginx", "registry:5000/app:v1",
 * "busybox@sha256:...") as kube-apiserver reads them to default a
 * container's imagePullPolicy.
 *
 * Upstream's parsers.ParseImageName (pkg/util/parsers) hands the text to
 * distribution/reference's ParseNormalizedNamed: a bare name gets the
 * docker.io domain (and "library/" when it has no slash), the repository
 * must be lower case, and the whole must match the reference grammar
 *
 *   name [":" tag] ["@" digest]
 *   name      = [domain "/"] component ("/" component)*
 *   domain    = host [":" port], host a DNS name or [IPv6]
 *   component = [a-z0-9]+ (("." | "_" | "__" | "-"+) [a-z0-9]+)*
 *   tag       = [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest    = algorithm ":" hex (sha256, sha384, sha512 with 64, 96 or
 *               128 lower-case hex digits; go-digest rejects the rest)
 *
 * with the name at most 255 bytes once normalised, and never 64 bare hex
 * digits (an image ID). The parser works on the text in place.
 */
#ifndef PGKUBE_IMAGE_REF_H
#define PGKUBE_IMAGE_REF_H

#include <stdbool.h>
#include <stddef.h>

struct image_ref {
	const char *tag; /* into the text, or NULL when there is none */
	size_t tag_len;
	const char *digest; /* algorithm:hex, or NULL */
	size_t digest_len;
};

/* Parses image; false when ParseNormalizedNamed would return an error. */
bool image_ref_parse(const char *image, struct image_ref *out);

/*
 * The imagePullPolicy SetDefaults_Container gives a container without one:
 * "Always" when the tag is "latest", or when there is neither tag nor
 * digest (the tag then defaults to latest); otherwise, and for text that
 * does not parse, "IfNotPresent".
 */
const char *image_ref_default_pull_policy(const char *image);

#endif
