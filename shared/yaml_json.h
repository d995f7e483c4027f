/*
 * yaml_json.h - application/yaml request and response bodies, converted
 * to and from jansson values the way kube-apiserver v1.32 converts them.
 *
 * kube-apiserver reads a YAML body with sigs.k8s.io/yaml's YAMLToJSON and
 * writes YAML with its JSONToYAML; both rest on goyaml.v2. These functions
 * give the same values, the same error messages and the same bytes.
 */
#ifndef PGKUBE_YAML_JSON_H
#define PGKUBE_YAML_JSON_H

#include <jansson.h>
#include <stddef.h>

/*
 * goyaml.v2's scanner refuses more than this many nested flow collections,
 * or nested block collections, and encoding/json refuses JSON nested
 * deeper than this.
 */
#define YAML_JSON_MAX_DEPTH 10000

/*
 * Decodes the first YAML document in text (len bytes; later documents are
 * not read, as upstream does not read them) into a new JSON value. Empty
 * input, or input with only comments, gives JSON null.
 *
 * Scalars resolve as goyaml.v2 resolves them (YAML 1.1 booleans such as
 * yes/on/y, octal 0755, 0x, 0b, timestamps kept as strings); quoted
 * scalars are strings. Aliases are expanded, merge keys (<<) merged, and a
 * repeated key keeps its last value. Non-string keys become strings
 * (1 -> "1", true -> "true", 1.5 -> "1.5"). Numbers come back as
 * kube-apiserver reads the JSON it made from them: a float with an integer
 * value (1.0, 1e3) is an integer, integers beyond int64 are reals.
 *
 * On failure returns NULL and writes YAMLToJSON's message into err (at most
 * err_len bytes, NUL-terminated), e.g. "yaml: line 3: mapping values are
 * not allowed in this context", "yaml: unknown anchor 'x' referenced",
 * "yaml: document contains excessive aliasing", "json: unsupported value:
 * +Inf". kube-apiserver's YAML decoder returns this text as it is; the
 * "error converting YAML to JSON: " prefix seen elsewhere is added by
 * sigs.k8s.io/yaml's Unmarshal (server-side apply bodies). A document that
 * goyaml accepts but that nests deeper than YAML_JSON_MAX_DEPTH once
 * aliases are expanded fails with the message kube-apiserver's decoder
 * gives for the JSON: "couldn't get version/kind; json parse error:
 * invalid character '{' exceeded max depth".
 */
json_t *yaml_to_json(const char *text, size_t len, char *err, size_t err_len);

/*
 * yaml_to_json, and also what kube-apiserver's strict decoding
 * (fieldValidation=Strict or Warn) reports for the same text through
 * YAMLToJSONStrict: repeated map keys, as "yaml: unmarshal errors:\n  line
 * 2: key \"a\" already set in map" (one line per repeat). strict_err gets
 * that message, or "" when there is nothing to report or when the
 * conversion itself failed.
 */
json_t *yaml_to_json_strict(const char *text, size_t len, char *err, size_t err_len,
			    char *strict_err, size_t strict_err_len);

/*
 * The YAML kube-apiserver writes for value (NULL counts as JSON null):
 * keys in goyaml.v2's natural order, two-space indentation, sequences in a
 * mapping at the key's indentation, {} and [] for empty collections,
 * strings quoted only where they would read back as something else, lines
 * folded at 80 columns, a final newline. Upstream writes JSON text first
 * and reads it back as YAML, so a U+0085 in a string folds like a line
 * break and integral reals are written as integers. Returns a malloc'd,
 * NUL-terminated text and its length in *out_len (when out_len is not
 * NULL), or NULL where upstream fails too: nesting deeper than
 * YAML_JSON_MAX_DEPTH, a map key whose JSON text is 1023 characters or
 * longer or holds U+0085, or a string holding a character YAML does not
 * take raw (DEL, C1 controls, U+FFFE, U+FFFF).
 */
char *json_to_yaml(const json_t *value, size_t *out_len);

#endif
