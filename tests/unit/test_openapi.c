/*
 * test_openapi.c - unit tests for worker/openapi_schema.c,
 * worker/openapi_paths.c, worker/openapi_proto.c and the documents of
 * worker/openapi.c.
 *
 * Schemas of chosen catalog types in both forms, compared whole with what
 * kube-apiserver v1.32 publishes for them, descriptions aside (their text
 * comes from an older client release for most fields, so those tests
 * compare the structure; the description tests pin the text exactly and
 * where upstream puts it); the special types; the operations kubectl and
 * client generators look up; that every document is closed (each $ref has
 * its definition, each definition is reached); and the protobuf encoding
 * of a small document, byte for byte, and of the whole v2 document read
 * back with shared/protobuf.h's reader.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/catalog.h"
#include "shared/protobuf.h"
#include "shared/registry.h"
#include "tests/unit/arena_fixture.h"
#include "worker/openapi.h"
#include "worker/openapi_proto.h"
#include "worker/openapi_schema.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define CORE	    "io.k8s.api.core.v1."
#define META	    "io.k8s.apimachinery.pkg.apis.meta.v1."
#define V3REF(name) "{\"$ref\": \"#/components/schemas/" name "\"}"
#define V2REF(name) "{\"$ref\": \"#/definitions/" name "\"}"

static void load(void)
{
	char err[256];

	ck_assert_msg(registry_load(err, sizeof(err)) == 0, "registry: %s", err);
	ck_assert_msg(catalog_load(err, sizeof(err)) == 0, "catalog: %s", err);
}

static const struct catalog_type *type(const char *proto_name)
{
	const struct catalog_type *t = catalog_type(proto_name);

	ck_assert_msg(t != NULL, "no type %s", proto_name);
	return t;
}

/* Fails with both texts when got is not the JSON of want. */
static void assert_json(const json_t *got, const char *want_text)
{
	json_t *want = json(want_text);
	char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
	char *w = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);

	ck_assert_msg(json_equal(got, want), "got  %s\nwant %s", g ? g : "NULL", w);
	free(g);
	free(w);
	json_decref(want);
}

/*
 * A copy of schema v without its descriptions: the "description" keywords,
 * not properties of that name (PriorityClass has one), which are kept.
 */
static json_t *without_descriptions(const json_t *v, bool names)
{
	const char *key;
	json_t *value, *out;
	size_t i;

	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, value)
		    json_array_append_new(out, without_descriptions(value, false));
		return out;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	out = json_object();
	json_object_foreach((json_t *)v, key, value)
	{
		if (!names && strcmp(key, "description") == 0)
			continue;
		json_object_set_new(
		    out, key,
		    without_descriptions(value, !names && strcmp(key, "properties") == 0));
	}
	return out;
}

/* Fails unless got, descriptions aside, is the JSON of want. */
static void assert_schema(const json_t *got, const char *want_text)
{
	json_t *shape = got ? without_descriptions(got, false) : NULL;

	assert_json(shape, want_text);
	json_decref(shape);
}

/* The definition of a type once added to fresh definitions in form v. */
static json_t *definition(const char *proto_name, enum openapi_version v, json_t **defs)
{
	json_t *def;

	*defs = json_object();
	def = openapi_schema_add(*defs, type(proto_name), v);
	ck_assert_ptr_nonnull(def);
	return def;
}

START_TEST(test_container_port)
{
	json_t *defs, *def = definition("k8s.io.api.core.v1.ContainerPort", OPENAPI_V3, &defs);

	assert_schema(def,
		      "{\"type\": \"object\", \"required\": [\"containerPort\"], \"properties\": {"
		      "\"containerPort\": {\"default\": 0, \"format\": \"int32\", \"type\": "
		      "\"integer\"},"
		      "\"hostIP\": {\"type\": \"string\"},"
		      "\"hostPort\": {\"format\": \"int32\", \"type\": \"integer\"},"
		      "\"name\": {\"type\": \"string\"},"
		      "\"protocol\": {\"default\": \"TCP\", \"type\": \"string\"}}}");
	ck_assert_uint_eq(json_object_size(defs), 1);
	json_decref(defs);
	def = definition("k8s.io.api.core.v1.ContainerPort", OPENAPI_V2, &defs);
	assert_schema(json_object_get(def, "properties"),
		      "{\"containerPort\": {\"format\": \"int32\", \"type\": \"integer\"},"
		      "\"hostIP\": {\"type\": \"string\"},"
		      "\"hostPort\": {\"format\": \"int32\", \"type\": \"integer\"},"
		      "\"name\": {\"type\": \"string\"}, \"protocol\": {\"type\": \"string\"}}");
	json_decref(defs);
}
END_TEST

START_TEST(test_kind)
{
	json_t *defs = json_object(), *def;

	openapi_schema_add_kind(defs, type("k8s.io.api.core.v1.Pod"), "", "v1", "Pod", OPENAPI_V3);
	def = json_object_get(defs, CORE "Pod");
	assert_schema(
	    def,
	    "{\"type\": \"object\", \"properties\": {"
	    "\"apiVersion\": {\"type\": \"string\"},"
	    "\"kind\": {\"type\": \"string\"},"
	    "\"metadata\": {\"allOf\": [" V3REF(
		META "ObjectMeta") "], \"default\": {}},"
				   "\"spec\": {\"allOf\": [" V3REF(
				       CORE
				       "PodSpec") "], \"default\": {}},"
						  "\"status\": {\"allOf\": [" V3REF(
						      CORE
						      "PodStatus") "], \"default\": {}}},"
								   "\"x-kubernetes-group-version-"
								   "kind\": [{\"group\": \"\", "
								   "\"kind\": \"Pod\", "
								   "\"version\": \"v1\"}]}");
	/* What a pod reaches, and nothing else. */
	ck_assert_ptr_nonnull(json_object_get(defs, CORE "Container"));
	ck_assert_ptr_nonnull(json_object_get(defs, META "Time"));
	ck_assert_ptr_nonnull(
	    json_object_get(defs, "io.k8s.apimachinery.pkg.api.resource.Quantity"));
	ck_assert_ptr_nonnull(
	    json_object_get(defs, "io.k8s.apimachinery.pkg.util.intstr.IntOrString"));
	ck_assert_ptr_null(json_object_get(defs, "io.k8s.api.apps.v1.Deployment"));
	ck_assert_ptr_null(json_object_get(defs, CORE "PodList"));
	ck_assert_ptr_null(json_object_get(defs, META "Status"));
	/* A second kind of the same type joins the list, in order, once. */
	openapi_schema_add_kind(defs, type("k8s.io.api.core.v1.Pod"), "a.io", "v1", "Pod",
				OPENAPI_V3);
	openapi_schema_add_kind(defs, type("k8s.io.api.core.v1.Pod"), "", "v1", "Pod", OPENAPI_V3);
	assert_schema(json_object_get(def, "x-kubernetes-group-version-kind"),
		      "[{\"group\": \"\", \"kind\": \"Pod\", \"version\": \"v1\"},"
		      "{\"group\": \"a.io\", \"kind\": \"Pod\", \"version\": \"v1\"}]");
	json_decref(defs);
}
END_TEST

/* The types with a JSON form of their own, in v2 and v3. */
static const struct special_case {
	const char *type;
	const char *v2;
	const char *v3;
} specials[] = {
    {"k8s.io.apimachinery.pkg.apis.meta.v1.Time",
     "{\"type\": \"string\", \"format\": \"date-time\"}",
     "{\"type\": \"string\", \"format\": \"date-time\"}"},
    {"k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
     "{\"type\": \"string\", \"format\": \"date-time\"}",
     "{\"type\": \"string\", \"format\": \"date-time\"}"},
    {"k8s.io.apimachinery.pkg.apis.meta.v1.Duration", "{\"type\": \"string\"}",
     "{\"type\": \"string\"}"},
    {"k8s.io.apimachinery.pkg.api.resource.Quantity", "{\"type\": \"string\"}",
     "{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"number\"}]}"},
    {"k8s.io.apimachinery.pkg.util.intstr.IntOrString",
     "{\"type\": \"string\", \"format\": \"int-or-string\"}",
     "{\"format\": \"int-or-string\", \"oneOf\": [{\"type\": \"integer\"}, {\"type\": "
     "\"string\"}]}"},
    {"k8s.io.apimachinery.pkg.runtime.RawExtension", "{\"type\": \"object\"}",
     "{\"type\": \"object\"}"},
    {"k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1", "{\"type\": \"object\"}",
     "{\"type\": \"object\"}"},
    {"k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON", "{}", "{}"},
    {"k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool", "{}", "{}"},
    {"k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray", "{}", "{}"},
    {"k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray", "{}",
     "{}"},
    {"k8s.io.apimachinery.pkg.apis.meta.v1.Patch", "{\"type\": \"object\"}",
     "{\"type\": \"object\"}"},
};

START_TEST(test_special_types)
{
	const struct special_case *c = &specials[_i];
	json_t *defs;

	assert_schema(definition(c->type, OPENAPI_V2, &defs), c->v2);
	ck_assert_uint_eq(json_object_size(defs), 1);
	json_decref(defs);
	assert_schema(definition(c->type, OPENAPI_V3, &defs), c->v3);
	json_decref(defs);
}
END_TEST

/* A property of a type's definition in form v, exactly or (shape) descriptions aside. */
static void check_property(const char *proto_name, const char *property, enum openapi_version v,
			   const char *want, bool shape)
{
	json_t *defs, *def = definition(proto_name, v, &defs);
	json_t *got = json_object_get(json_object_get(def, "properties"), property);

	if (shape)
		assert_schema(got, want);
	else
		assert_json(got, want);
	json_decref(defs);
}

static void assert_property(const char *proto_name, const char *property, enum openapi_version v,
			    const char *want)
{
	check_property(proto_name, property, v, want, false);
}

static void assert_property_shape(const char *proto_name, const char *property,
				  enum openapi_version v, const char *want)
{
	check_property(proto_name, property, v, want, true);
}

START_TEST(test_extensions)
{
	assert_property_shape(
	    "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", "ownerReferences", OPENAPI_V3,
	    "{\"type\": \"array\", \"items\": {\"allOf\": [" V3REF(
		META "OwnerReference") "], \"default\": {}},"
				       "\"x-kubernetes-list-map-keys\": [\"uid\"], "
				       "\"x-kubernetes-list-type\": \"map\","
				       "\"x-kubernetes-patch-merge-key\": \"uid\", "
				       "\"x-kubernetes-patch-strategy\": \"merge\"}");
	assert_property_shape(
	    "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers", OPENAPI_V2,
	    "{\"type\": \"array\", \"items\": {\"type\": \"string\"}, "
	    "\"x-kubernetes-list-type\": \"set\", \"x-kubernetes-patch-strategy\": "
	    "\"merge\"}");
	assert_property_shape(
	    "k8s.io.api.core.v1.PodSpec", "volumes", OPENAPI_V2,
	    "{\"type\": \"array\", \"items\": " V2REF(
		CORE "Volume") ", \"x-kubernetes-list-map-keys\": [\"name\"], "
			       "\"x-kubernetes-list-type\": \"map\", "
			       "\"x-kubernetes-patch-merge-key\": \"name\", "
			       "\"x-kubernetes-patch-strategy\": \"merge,retainKeys\"}");
	assert_property_shape(
	    "k8s.io.api.core.v1.Container", "ports", OPENAPI_V3,
	    "{\"type\": \"array\", \"items\": {\"allOf\": [" V3REF(
		CORE "ContainerPort") "], \"default\": {}}, "
				      "\"x-kubernetes-list-map-keys\": [\"containerPort\", "
				      "\"protocol\"], \"x-kubernetes-list-type\": \"map\", "
				      "\"x-kubernetes-patch-merge-key\": \"containerPort\", "
				      "\"x-kubernetes-patch-strategy\": \"merge\"}");
	/* A $ref with siblings: allOf in v3, side by side in v2. */
	assert_property_shape(
	    "k8s.io.api.core.v1.PersistentVolumeSpec", "claimRef", OPENAPI_V3,
	    "{\"allOf\": [" V3REF(CORE
				  "ObjectReference") "], \"x-kubernetes-map-type\": \"granular\"}");
	assert_property_shape("k8s.io.api.core.v1.PersistentVolumeSpec", "claimRef", OPENAPI_V2,
			      "{\"$ref\": \"#/definitions/" CORE "ObjectReference\", "
			      "\"x-kubernetes-map-type\": \"granular\"}");
	assert_property_shape("k8s.io.api.apps.v1.DeploymentSpec", "strategy", OPENAPI_V2,
			      "{\"$ref\": \"#/definitions/io.k8s.api.apps.v1.DeploymentStrategy\", "
			      "\"x-kubernetes-patch-strategy\": \"retainKeys\"}");
	assert_property_shape(
	    "k8s.io.api.core.v1.PodSpec", "nodeSelector", OPENAPI_V3,
	    "{\"type\": \"object\", \"additionalProperties\": {\"default\": \"\", "
	    "\"type\": \"string\"}, \"x-kubernetes-map-type\": \"atomic\"}");
	/* A pointer to a struct: no default (its description still brings the allOf). */
	assert_property_shape("k8s.io.api.core.v1.PodSpec", "affinity", OPENAPI_V3,
			      "{\"allOf\": [" V3REF(CORE "Affinity") "]}");
}
END_TEST

START_TEST(test_type_extensions)
{
	json_t *defs, *def;

	def = definition("k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector", OPENAPI_V3, &defs);
	ck_assert_str_eq(json_string_value(json_object_get(def, "x-kubernetes-map-type")),
			 "atomic");
	json_decref(defs);
	def = definition("k8s.io.api.core.v1.SeccompProfile", OPENAPI_V3, &defs);
	assert_schema(def, "{\"type\": \"object\", \"required\": [\"type\"], \"properties\": {"
			   "\"localhostProfile\": {\"type\": \"string\"},"
			   "\"type\": {\"default\": \"\", \"type\": \"string\"}},"
			   "\"x-kubernetes-unions\": [{\"discriminator\": \"type\", "
			   "\"fields-to-discriminateBy\": {\"localhostProfile\": "
			   "\"LocalhostProfile\"}}]}");
	json_decref(defs);
	def = definition("k8s.io.api.flowcontrol.v1.Subject", OPENAPI_V2, &defs);
	assert_schema(json_object_get(def, "x-kubernetes-unions"),
		      "[{\"discriminator\": \"kind\", \"fields-to-discriminateBy\": {"
		      "\"group\": \"Group\", \"serviceAccount\": \"ServiceAccount\", \"user\": "
		      "\"User\"}}]");
	assert_schema(json_object_get(def, "required"), "[\"kind\"]");
	json_decref(defs);
}
END_TEST

START_TEST(test_named_lists_and_inline)
{
	/* Verbs and ExtraValue are []string types: written where they are used. */
	assert_property_shape("k8s.io.apimachinery.pkg.apis.meta.v1.APIResource", "verbs",
			      OPENAPI_V3,
			      "{\"type\": \"array\", \"items\": {\"default\": \"\", \"type\": "
			      "\"string\"}}");
	assert_property_shape(
	    "k8s.io.api.authentication.v1.UserInfo", "extra", OPENAPI_V3,
	    "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"array\", "
	    "\"items\": {\"default\": \"\", \"type\": \"string\"}}}");
	assert_property_shape(
	    "k8s.io.api.authentication.v1.UserInfo", "extra", OPENAPI_V2,
	    "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"array\", "
	    "\"items\": {\"type\": \"string\"}}}");
	/* Volume inlines VolumeSource, Probe inlines ProbeHandler. */
	assert_property_shape("k8s.io.api.core.v1.Volume", "configMap", OPENAPI_V3,
			      "{\"allOf\": [" V3REF(CORE "ConfigMapVolumeSource") "]}");
	assert_property_shape("k8s.io.api.core.v1.Probe", "httpGet", OPENAPI_V2,
			      V2REF(CORE "HTTPGetAction"));
	/* A self-referencing type. */
	assert_property_shape(
	    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
	    "properties", OPENAPI_V3,
	    "{\"type\": \"object\", \"additionalProperties\": {\"allOf\": "
	    "[" V3REF("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
		      "JSONSchemaProps") "], \"default\": {}}}");
}
END_TEST

START_TEST(test_defaults)
{
	json_t *defs, *def;

	/* +default markers, a ref(...) to a constant among them. */
	def = definition("k8s.io.api.core.v1.AzureDiskVolumeSource", OPENAPI_V3, &defs);
	assert_schema(def, "{\"type\": \"object\", \"required\": [\"diskName\", \"diskURI\"], "
			   "\"properties\": {"
			   "\"cachingMode\": {\"default\": \"ReadWrite\", \"type\": \"string\"},"
			   "\"diskName\": {\"default\": \"\", \"type\": \"string\"},"
			   "\"diskURI\": {\"default\": \"\", \"type\": \"string\"},"
			   "\"fsType\": {\"default\": \"ext4\", \"type\": \"string\"},"
			   "\"kind\": {\"default\": \"Shared\", \"type\": \"string\"},"
			   "\"readOnly\": {\"default\": false, \"type\": \"boolean\"}}}");
	json_decref(defs);
	/* Zero values of fields that are neither pointers nor omitempty. */
	def = definition("k8s.io.apimachinery.pkg.apis.meta.v1.APIResource", OPENAPI_V3, &defs);
	assert_schema(json_object_get(json_object_get(def, "properties"), "namespaced"),
		      "{\"default\": false, \"type\": \"boolean\"}");
	assert_schema(json_object_get(json_object_get(def, "properties"), "group"),
		      "{\"type\": \"string\"}");
	json_decref(defs);
	assert_property_shape("k8s.io.api.core.v1.ReplicationControllerSpec", "replicas",
			      OPENAPI_V3,
			      "{\"default\": 1, \"format\": \"int32\", \"type\": \"integer\"}");
	/* Types that decode themselves get no default (only their descriptions' allOf). */
	assert_property_shape(
	    "k8s.io.api.core.v1.TCPSocketAction", "port", OPENAPI_V3,
	    "{\"allOf\": [" V3REF("io.k8s.apimachinery.pkg.util.intstr.IntOrString") "]}");
	assert_property_shape("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta",
			      "creationTimestamp", OPENAPI_V3,
			      "{\"allOf\": [" V3REF(META "Time") "]}");
}
END_TEST

#define POD_DESCRIPTION                                                                            \
	"Pod is a collection of containers that can run on a host. This resource is created by "   \
	"clients and scheduled onto hosts."
#define RESTART_POLICY_DESCRIPTION                                                                 \
	"Restart policy for all containers within the pod. One of Always, OnFailure, Never. "      \
	"Default to Always. More info: "                                                           \
	"https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy"

/* A type's description sits on its definition, in both forms. */
START_TEST(test_type_descriptions)
{
	static const enum openapi_version versions[] = {OPENAPI_V2, OPENAPI_V3};

	for (size_t i = 0; i < N(versions); i++) {
		json_t *defs, *def = definition("k8s.io.api.core.v1.Pod", versions[i], &defs);

		ck_assert_str_eq(json_string_value(json_object_get(def, "description")),
				 POD_DESCRIPTION);
		/* A type without fields of its own form keeps its description too. */
		assert_json(
		    json_object_get(defs, "io.k8s.apimachinery.pkg.util.intstr.IntOrString"),
		    versions[i] == OPENAPI_V2
			? "{\"description\": \"IntOrString is a type that can hold an int32 or "
			  "a string.  When used in JSON or YAML marshalling and unmarshalling, "
			  "it produces or consumes the inner type.  This allows you to have, "
			  "for example, a JSON field that can accept a name or number.\", "
			  "\"type\": \"string\", \"format\": \"int-or-string\"}"
			: "{\"description\": \"IntOrString is a type that can hold an int32 or "
			  "a string.  When used in JSON or YAML marshalling and unmarshalling, "
			  "it produces or consumes the inner type.  This allows you to have, "
			  "for example, a JSON field that can accept a name or number.\", "
			  "\"format\": \"int-or-string\", \"oneOf\": [{\"type\": \"integer\"}, "
			  "{\"type\": \"string\"}]}");
		json_decref(defs);
	}
	/* Line breaks and quotes of a description survive the data file. */
	{
		json_t *defs,
		    *def = definition("k8s.io.api.apps.v1.StatefulSet", OPENAPI_V3, &defs);

		ck_assert_str_eq(
		    json_string_value(json_object_get(def, "description")),
		    "StatefulSet represents a set of pods with consistent identities. Identities "
		    "are defined as:\n  - Network: A single stable DNS and hostname.\n  - Storage: "
		    "As many VolumeClaims as requested.\n\nThe StatefulSet guarantees that a given "
		    "network identity will always map to the same storage identity.");
		json_decref(defs);
	}
}
END_TEST

START_TEST(test_field_descriptions)
{
	json_t *defs = json_object(), *props;

	/* A scalar field: its description beside its type, the same in both forms. */
	assert_property("k8s.io.api.core.v1.PodSpec", "restartPolicy", OPENAPI_V2,
			"{\"description\": \"" RESTART_POLICY_DESCRIPTION
			"\", \"type\": \"string\"}");
	assert_property("k8s.io.api.core.v1.PodSpec", "restartPolicy", OPENAPI_V3,
			"{\"description\": \"" RESTART_POLICY_DESCRIPTION
			"\", \"type\": \"string\"}");
	assert_property("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", "name", OPENAPI_V3,
			"{\"description\": \"Name must be unique within a namespace. Is required "
			"when creating resources, although some resources may allow a client to "
			"request the generation of an appropriate name automatically. Name is "
			"primarily intended for creation idempotence and configuration definition. "
			"Cannot be updated. More info: "
			"http://kubernetes.io/docs/user-guide/identifiers#names\", \"type\": "
			"\"string\"}");
	/*
	 * A reference: v2 keeps the description beside the $ref, v3 wraps the
	 * $ref in allOf with the description (and default) beside it.
	 */
	assert_property("k8s.io.api.apps.v1.Deployment", "spec", OPENAPI_V2,
			"{\"$ref\": \"#/definitions/io.k8s.api.apps.v1.DeploymentSpec\", "
			"\"description\": \"Specification of the desired behavior of the "
			"Deployment.\"}");
	assert_property(
	    "k8s.io.api.apps.v1.Deployment", "spec", OPENAPI_V3,
	    "{\"allOf\": [" V3REF(
		"io.k8s.api.apps.v1.DeploymentSpec") "], "
						     "\"default\": {}, \"description\": "
						     "\"Specification of the desired "
						     "behavior of the Deployment.\"}");
	/* A pointer: no default, so the description alone brings the allOf. */
	assert_property("k8s.io.api.core.v1.PodSpec", "affinity", OPENAPI_V3,
			"{\"allOf\": [" V3REF(
			    CORE "Affinity") "], \"description\": \"If "
					     "specified, the pod's scheduling constraints\"}");
	assert_property("k8s.io.api.core.v1.PodSpec", "affinity", OPENAPI_V2,
			"{\"$ref\": \"#/definitions/" CORE "Affinity\", \"description\": \"If "
			"specified, the pod's scheduling constraints\"}");
	/* An inline struct's field is documented by that struct (Probe inlines ProbeHandler). */
	assert_property("k8s.io.api.core.v1.Probe", "httpGet", OPENAPI_V2,
			"{\"$ref\": \"#/definitions/" CORE "HTTPGetAction\", \"description\": "
			"\"HTTPGet specifies the http request to perform.\"}");
	/* A field newer than the client's models: transcribed from upstream's swagger docs. */
	assert_property(
	    "k8s.io.api.core.v1.PodSpec", "hostnameOverride", OPENAPI_V3,
	    "{\"description\": \"HostnameOverride specifies an explicit override for "
	    "the pod's hostname as perceived by the pod. This field only specifies the "
	    "pod's hostname and does not affect its DNS records. When this field is set "
	    "to a non-empty string: - It takes precedence over the values set in "
	    "`hostname` and `subdomain`. - The Pod's hostname will be set to this value. "
	    "- `setHostnameAsFQDN` must be nil or set to false. - `hostNetwork` must be "
	    "set to false.\\n\\nThis field must be a valid DNS subdomain as defined in "
	    "RFC 1123 and contain at most 64 characters. Requires the HostnameOverride "
	    "feature gate to be enabled.\", \"type\": \"string\"}");
	/* Every kind's apiVersion and kind are TypeMeta's. */
	openapi_schema_add_kind(defs, type("k8s.io.api.core.v1.Pod"), "", "v1", "Pod", OPENAPI_V3);
	props = json_object_get(json_object_get(defs, CORE "Pod"), "properties");
	assert_json(json_object_get(props, "kind"),
		    "{\"description\": \"Kind is a string value representing the REST resource "
		    "this object represents. Servers may infer this from the endpoint the client "
		    "submits requests to. Cannot be updated. In CamelCase. More info: "
		    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
		    "api-conventions.md#types-kinds\", \"type\": \"string\"}");
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(props, "apiVersion"), "description")),
	    "APIVersion defines the versioned schema of this representation of an object. Servers "
	    "should convert recognized schemas to the latest internal value, and may reject "
	    "unrecognized values. More info: "
	    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
	    "api-conventions.md#resources");
	json_decref(defs);
}
END_TEST

/* Every $ref of doc, into refs (name -> true). */
static void collect_refs(const json_t *v, json_t *refs)
{
	const char *key;
	json_t *value;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, value) collect_refs(value, refs);
		return;
	}
	json_object_foreach((json_t *)v, key, value)
	{
		if (strcmp(key, "$ref") == 0 && json_is_string(value))
			json_object_set_new(refs, json_string_value(value), json_true());
		else
			collect_refs(value, refs);
	}
}

/* Each $ref has its definition and each definition is reached. */
static void assert_closed(const json_t *doc, const json_t *defs, const char *prefix)
{
	json_t *refs = json_object();
	const char *key;
	json_t *value;

	collect_refs(doc, refs);
	json_object_foreach(refs, key, value)
	{
		ck_assert_msg(strncmp(key, prefix, strlen(prefix)) == 0, "odd $ref %s", key);
		ck_assert_msg(json_object_get(defs, key + strlen(prefix)) != NULL,
			      "no definition for %s", key);
	}
	json_object_foreach((json_t *)defs, key, value)
	{
		char ref[320];

		snprintf(ref, sizeof(ref), "%s%s", prefix, key);
		ck_assert_msg(json_object_get(refs, ref) != NULL, "%s is not reached", key);
	}
	json_decref(refs);
}

/*
 * Whether a schema keyword (default, allOf) appears anywhere in v: keys of
 * "properties" objects are property names (JSONSchemaProps has one called
 * "default"), not keywords.
 */
static bool has_keyword(const json_t *v, const char *name, bool names)
{
	const char *key;
	json_t *value;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, value) if (has_keyword(value, name, false)) return true;
		return false;
	}
	json_object_foreach(
	    (json_t *)v, key,
	    value) if ((!names && strcmp(key, name) == 0) ||
		       has_keyword(value, name,
				   !names && strcmp(key, "properties") == 0)) return true;
	return false;
}

START_TEST(test_v2_document)
{
	json_t *doc = openapi_v2_document(), *defs = json_object_get(doc, "definitions");

	ck_assert_str_eq(json_string_value(json_object_get(doc, "swagger")), "2.0");
	assert_closed(doc, defs, "#/definitions/");
	ck_assert(!has_keyword(defs, "default", true));
	ck_assert(!has_keyword(defs, "allOf", true));
	ck_assert(!has_keyword(json_object_get(doc, "paths"), "requestBody", true));
	assert_json(json_object_get(doc, "security"), "[{\"BearerToken\": []}]");
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(defs, CORE "Pod"), "description")),
	    POD_DESCRIPTION);
	/* Every group's kinds are there, with their GVKs. */
	assert_json(json_object_get(json_object_get(defs, "io.k8s.api.batch.v1.CronJobList"),
				    "x-kubernetes-group-version-kind"),
		    "[{\"group\": \"batch\", \"kind\": \"CronJobList\", \"version\": \"v1\"}]");
	assert_json(json_object_get(json_object_get(defs, META "Status"),
				    "x-kubernetes-group-version-kind"),
		    "[{\"group\": \"\", \"kind\": \"Status\", \"version\": \"v1\"}]");
	json_decref(doc);
}
END_TEST

/* Every v3 document: /api, /apis, and each group and group-version. */
START_TEST(test_v3_documents_are_closed)
{
	size_t checked = 0;
	json_t *apis;

	for (size_t g = 0; g < registry_group_count(); g++) {
		const char *group = registry_group_at(g);
		const char *versions[16];
		size_t n = registry_group_versions(group, versions, 16);

		for (size_t v = 0; v <= n; v++) {
			const char *key =
			    v == n   ? (*group ? arena_printf(&arena, "apis/%s", group) : "api")
			    : *group ? arena_printf(&arena, "apis/%s/%s", group, versions[v])
				     : arena_printf(&arena, "api/%s", versions[v]);
			json_t *doc = openapi_v3_document(key);

			ck_assert_msg(doc != NULL, "no document %s", key);
			ck_assert_str_eq(json_string_value(json_object_get(doc, "openapi")),
					 "3.0.0");
			assert_closed(
			    doc, json_object_get(json_object_get(doc, "components"), "schemas"),
			    "#/components/schemas/");
			json_decref(doc);
			checked++;
		}
	}
	ck_assert_uint_eq(checked, 41); /* 21 group-versions, 19 groups and /api */
	apis = openapi_v3_document("apis");

	assert_closed(apis, json_object_get(json_object_get(apis, "components"), "schemas"),
		      "#/components/schemas/");
	json_decref(apis);
}
END_TEST

START_TEST(test_v3_unknown_documents)
{
	static const char *const keys[] = {"apis/nope/v1",   "api/v9", "apis/nope", "api/v1/x",
					   "apis/apps/v1/x", "",       "openapi"};

	for (size_t i = 0; i < N(keys); i++)
		ck_assert_msg(openapi_v3_document(keys[i]) == NULL, "a document for %s", keys[i]);
}
END_TEST

static json_t *operation_of(json_t *doc, const char *path, const char *method)
{
	json_t *op = json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);

	ck_assert_msg(op != NULL, "no %s %s", method, path);
	return op;
}

static const char *param_names(json_t *op)
{
	static char names[512];
	size_t i, n = 0;
	json_t *p;

	names[0] = '\0';
	json_array_foreach(json_object_get(op, "parameters"), i, p) n +=
	    (size_t)snprintf(names + n, sizeof(names) - n, "%s%s:%s", i ? " " : "",
			     json_string_value(json_object_get(p, "name")),
			     json_string_value(json_object_get(p, "in")));
	return names;
}

START_TEST(test_v3_operations)
{
	json_t *core = openapi_v3_document("api/v1"), *apps = openapi_v3_document("apis/apps/v1");
	json_t *op, *paths = json_object_get(core, "paths");
	const char *item = "/api/v1/namespaces/{namespace}/pods/{name}";

	op = operation_of(core, item, "patch");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "patchCoreV1NamespacedPod");
	ck_assert_str_eq(param_names(op),
			 "dryRun:query fieldManager:query fieldValidation:query force:query");
	assert_json(json_object_get(op, "x-kubernetes-group-version-kind"),
		    "{\"group\": \"\", \"kind\": \"Pod\", \"version\": \"v1\"}");
	assert_json(
	    json_object_get(json_object_get(op, "requestBody"), "content"),
	    "{\"application/apply-patch+yaml\": {\"schema\": " V3REF(
		META
		"Patch") "},"
			 "\"application/json-patch+json\": {\"schema\": " V3REF(
			     META
			     "Patch") "},"
				      "\"application/merge-patch+json\": {\"schema\": " V3REF(
					  META
					  "Patch") "},"
						   "\"application/strategic-merge-patch+json\": "
						   "{\"schema\": " V3REF(META "Patch") "}}");
	ck_assert_str_eq(param_names(json_object_get(paths, item)),
			 "name:path namespace:path pretty:query");
	/* A pod's DELETE answers with the pod, a config map's with a Status. */
	op = operation_of(core, item, "delete");
	assert_json(
	    json_object_get(json_object_get(json_object_get(op, "responses"), "202"), "content"),
	    "{\"application/json\": {\"schema\": " V3REF(
		CORE
		"Pod") "},"
		       "\"application/yaml\": {\"schema\": " V3REF(
			   CORE
			   "Pod") "},"
				  "\"application/vnd.kubernetes.protobuf\": {\"schema\": " V3REF(
				      CORE "Pod") "}}");
	ck_assert_str_eq(param_names(op), "dryRun:query gracePeriodSeconds:query "
					  "ignoreStoreReadErrorWithClusterBreakingPotential:query "
					  "orphanDependents:query propagationPolicy:query");
	op = operation_of(core, "/api/v1/namespaces/{namespace}/configmaps/{name}", "delete");
	ck_assert_str_eq(
	    json_string_value(json_object_get(
		json_object_get(
		    json_object_get(
			json_object_get(json_object_get(json_object_get(op, "responses"), "200"),
					"content"),
			"application/json"),
		    "schema"),
		"$ref")),
	    "#/components/schemas/" META "Status");
	op = operation_of(core, "/api/v1/pods", "get");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "listCoreV1PodForAllNamespaces");
	ck_assert_str_eq(json_string_value(json_object_get(op, "x-kubernetes-action")), "list");
	op = operation_of(core, "/api/v1/watch/namespaces/{namespace}/pods/{name}", "get");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "watchCoreV1NamespacedPod");
	ck_assert_str_eq(json_string_value(json_object_get(op, "x-kubernetes-action")), "watch");
	op = operation_of(core, "/api/v1/watch/pods", "get");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "watchCoreV1PodListForAllNamespaces");
	op = operation_of(core, "/api/v1/namespaces/{namespace}/configmaps", "delete");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "deleteCoreV1CollectionNamespacedConfigMap");
	op = operation_of(core, "/api/v1/namespaces/{name}/finalize", "put");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "replaceCoreV1NamespaceFinalize");
	op = operation_of(core, "/api/v1/namespaces/{namespace}/pods/{name}/eviction", "post");
	assert_json(json_object_get(op, "x-kubernetes-group-version-kind"),
		    "{\"group\": \"policy\", \"kind\": \"Eviction\", \"version\": \"v1\"}");
	ck_assert_ptr_null(
	    json_object_get(paths, "/api/v1/namespaces/{namespace}/pods/{name}/exec"));
	/* The namespace list has no deletecollection, componentstatuses only reads. */
	ck_assert_ptr_null(json_object_get(json_object_get(paths, "/api/v1/namespaces"), "delete"));
	ck_assert_ptr_null(
	    json_object_get(json_object_get(paths, "/api/v1/componentstatuses/{name}"), "put"));

	op = operation_of(apps, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
			  "get");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "readAppsV1NamespacedDeploymentScale");
	assert_json(json_object_get(op, "x-kubernetes-group-version-kind"),
		    "{\"group\": \"autoscaling\", \"kind\": \"Scale\", \"version\": \"v1\"}");
	op = operation_of(apps, "/apis/apps/v1/", "get");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "getAppsV1APIResources");
	ck_assert_ptr_null(json_object_get(op, "x-kubernetes-action"));
	/* Only what the group-version reaches. */
	ck_assert_ptr_null(
	    json_object_get(json_object_get(json_object_get(apps, "components"), "schemas"),
			    "io.k8s.api.batch.v1.Job"));
	/* DeleteOptions is a kind of every served group-version. */
	ck_assert_uint_eq(
	    json_array_size(json_object_get(
		json_object_get(json_object_get(json_object_get(apps, "components"), "schemas"),
				META "DeleteOptions"),
		"x-kubernetes-group-version-kind")),
	    21);
	json_decref(core);
	json_decref(apps);
}
END_TEST

START_TEST(test_v2_operations)
{
	json_t *doc = openapi_v2_document(), *op;

	op = operation_of(doc, "/apis/rbac.authorization.k8s.io/v1/clusterroles", "delete");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "deleteRbacAuthorizationV1CollectionClusterRole");
	assert_json(json_object_get(op, "tags"), "[\"rbacAuthorization_v1\"]");
	assert_json(
	    json_array_get(json_object_get(op, "parameters"), 0),
	    "{\"in\": \"body\", \"name\": \"body\", \"schema\": " V2REF(META "DeleteOptions") "}");
	op = operation_of(doc, "/api/v1/namespaces/{namespace}/configmaps", "post");
	assert_json(json_object_get(op, "consumes"), "[\"*/*\"]");
	assert_json(json_object_get(op, "produces"), "[\"application/json\", \"application/yaml\", "
						     "\"application/vnd.kubernetes.protobuf\"]");
	assert_json(json_object_get(op, "responses"),
		    "{\"200\": {\"description\": \"OK\", \"schema\": " V2REF(
			CORE
			"ConfigMap") "},"
				     "\"201\": {\"description\": \"Created\", \"schema\": " V2REF(
					 CORE
					 "ConfigMap") "},"
						      "\"202\": {\"description\": \"Accepted\", "
						      "\"schema\": " V2REF(
							  CORE
							  "ConfigMap") "},"
								       "\"401\": {\"description\": "
								       "\"Unauthorized\"}}");
	assert_json(json_array_get(json_object_get(op, "parameters"), 3),
		    "{\"description\": \"fieldValidation instructs the server on how to handle "
		    "objects in the request (POST/PUT/PATCH) containing unknown or duplicate "
		    "fields.\", \"in\": \"query\", \"name\": \"fieldValidation\", \"type\": "
		    "\"string\", \"uniqueItems\": true}");
	op = operation_of(doc, "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/{name}/status",
			  "patch");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")),
			 "patchFlowcontrolApiserverV1FlowSchemaStatus");
	op = operation_of(doc, "/apis/", "get");
	ck_assert_str_eq(json_string_value(json_object_get(op, "operationId")), "getAPIVersions");
	json_decref(doc);
}
END_TEST

/* A small document, encoded byte for byte as gnostic marshals it. */
START_TEST(test_proto_encoding)
{
	static const char want[] =
	    "\x0a\x03\x32\x2e\x30\x12\x06\x0a\x01\x54\x12\x01\x76\x42\x9c\x01\x12\x99\x01\x0a\x02"
	    "\x2f\x70\x12\x92\x01\x12\x72\x0a\x01\x74\x2a\x05\x6c\x69\x73\x74\x41\x42\x20\x0a\x1e"
	    "\x12\x1c\x1a\x1a\x12\x05\x71\x75\x65\x72\x79\x22\x05\x6c\x69\x6d\x69\x74\x32\x07\x69"
	    "\x6e\x74\x65\x67\x65\x72\xa0\x01\x01\x4a\x24\x0a\x22\x0a\x03\x32\x30\x30\x12\x1b\x0a"
	    "\x19\x0a\x02\x4f\x4b\x12\x13\x0a\x11\x0a\x0f\x23\x2f\x64\x65\x66\x69\x6e\x69\x74\x69"
	    "\x6f\x6e\x73\x2f\x41\x6a\x1e\x0a\x13\x78\x2d\x6b\x75\x62\x65\x72\x6e\x65\x74\x65\x73"
	    "\x2d\x61\x63\x74\x69\x6f\x6e\x12\x07\x12\x05\x6c\x69\x73\x74\x0a\x4a\x1c\x0a\x1a\x12"
	    "\x18\x22\x16\x08\x01\x12\x04\x70\x61\x74\x68\x22\x04\x6e\x61\x6d\x65\x2a\x06\x73\x74"
	    "\x72\x69\x6e\x67\x4a\x50\x0a\x4e\x0a\x01\x41\x12\x49\x9a\x01\x01\x78\xb2\x01\x08\x0a"
	    "\x06\x6f\x62\x6a\x65\x63\x74\xca\x01\x12\x0a\x10\x0a\x01\x78\x12\x0b\xb2\x01\x08\x0a"
	    "\x06\x73\x74\x72\x69\x6e\x67\xfa\x01\x22\x0a\x15\x78\x2d\x6b\x75\x62\x65\x72\x6e\x65"
	    "\x74\x65\x73\x2d\x6d\x61\x70\x2d\x74\x79\x70\x65\x12\x09\x12\x07\x61\x74\x6f\x6d\x69"
	    "\x63\x0a\x62\x11\x0a\x0f\x0a\x0b\x42\x65\x61\x72\x65\x72\x54\x6f\x6b\x65\x6e\x12\x00"
	    "\x6a\x32\x0a\x30\x0a\x0b\x42\x65\x61\x72\x65\x72\x54\x6f\x6b\x65\x6e\x12\x21\x12\x1f"
	    "\x0a\x06\x61\x70\x69\x4b\x65\x79\x12\x0d\x61\x75\x74\x68\x6f\x72\x69\x7a\x61\x74\x69"
	    "\x6f\x6e\x1a\x06\x68\x65\x61\x64\x65\x72";
	json_t *doc = json(
	    "{\"swagger\": \"2.0\", \"info\": {\"title\": \"T\", \"version\": \"v\"},"
	    "\"paths\": {\"/p\": {\"parameters\": [{\"in\": \"path\", \"name\": \"name\", "
	    "\"required\": true, \"type\": \"string\"}], \"get\": {\"tags\": [\"t\"], "
	    "\"operationId\": \"listA\", \"parameters\": [{\"in\": \"query\", \"name\": "
	    "\"limit\", \"type\": \"integer\", \"uniqueItems\": true}], \"responses\": {\"200\": "
	    "{\"description\": \"OK\", \"schema\": {\"$ref\": \"#/definitions/A\"}}}, "
	    "\"x-kubernetes-action\": \"list\"}}},"
	    "\"definitions\": {\"A\": {\"x-kubernetes-map-type\": \"atomic\", \"type\": "
	    "\"object\", \"required\": [\"x\"], \"properties\": {\"x\": {\"type\": \"string\"}}}},"
	    "\"security\": [{\"BearerToken\": []}],"
	    "\"securityDefinitions\": {\"BearerToken\": {\"type\": \"apiKey\", \"name\": "
	    "\"authorization\", \"in\": \"header\"}}}");
	struct buf out = {0};

	openapi_v2_proto(doc, &out);
	ck_assert_uint_eq(out.len, sizeof(want) - 1);
	ck_assert_msg(memcmp(out.data, want, out.len) == 0, "encodings differ");
	buf_free(&out);
	json_decref(doc);
}
END_TEST

/* The bytes of the first field number of msg, or len 0. */
static struct proto_field field_of(const uint8_t *msg, size_t len, int number)
{
	struct proto_reader r = {msg, msg + len};
	struct proto_field f;
	const char *err;

	while (proto_next(&r, &f, &err) == 1)
		if (f.number == number)
			return f;
	return (struct proto_field){0};
}

/* The v2 document's protobuf, read back: the ConfigMap definition's description, required and GVK.
 */
START_TEST(test_proto_document)
{
	json_t *doc = openapi_v2_document();
	struct buf out = {0};
	struct proto_field defs, f;
	struct proto_reader r;
	const char *err;
	bool found = false;

	openapi_v2_proto(doc, &out);
	f = field_of((const uint8_t *)out.data, out.len, 1);
	ck_assert_uint_eq(f.len, 3);
	ck_assert(memcmp(f.data, "2.0", 3) == 0);
	defs = field_of((const uint8_t *)out.data, out.len, 9);
	ck_assert_uint_gt(defs.len, 100000);
	r = (struct proto_reader){defs.data, defs.data + defs.len};
	while (proto_next(&r, &f, &err) == 1) {
		struct proto_field name = field_of(f.data, f.len, 1);
		struct proto_field schema = field_of(f.data, f.len, 2), req, ext, any, desc;

		if (name.len != strlen(CORE "ConfigMap") ||
		    memcmp(name.data, CORE "ConfigMap", name.len) != 0)
			continue;
		found = true;
		desc = field_of(schema.data, schema.len, 4);
		ck_assert_str_eq(arena_strndup(&arena, (const char *)desc.data, desc.len),
				 "ConfigMap holds configuration data for pods to consume.");
		req = field_of(schema.data, schema.len, 19);
		ck_assert_uint_eq(req.len, 0); /* a ConfigMap requires nothing */
		ext = field_of(schema.data, schema.len, 31);
		name = field_of(ext.data, ext.len, 1);
		ck_assert_uint_eq(name.len, strlen("x-kubernetes-group-version-kind"));
		any = field_of(field_of(ext.data, ext.len, 2).data,
			       field_of(ext.data, ext.len, 2).len, 2);
		ck_assert_str_eq(arena_strndup(&arena, (const char *)any.data, any.len),
				 "- group: \"\"\n  kind: ConfigMap\n  version: v1\n");
	}
	ck_assert(found);
	buf_free(&out);
	json_decref(doc);
}
END_TEST

static Suite *openapi_suite(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("schemas");

	tcase_add_unchecked_fixture(tc, load, NULL);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_container_port);
	tcase_add_test(tc, test_kind);
	tcase_add_loop_test(tc, test_special_types, 0, N(specials));
	tcase_add_test(tc, test_extensions);
	tcase_add_test(tc, test_type_extensions);
	tcase_add_test(tc, test_named_lists_and_inline);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_type_descriptions);
	tcase_add_test(tc, test_field_descriptions);
	suite_add_tcase(s, tc);
	tc = tcase_create("documents");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, load, NULL);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_v2_document);
	tcase_add_test(tc, test_v3_documents_are_closed);
	tcase_add_test(tc, test_v3_unknown_documents);
	tcase_add_test(tc, test_v3_operations);
	tcase_add_test(tc, test_v2_operations);
	suite_add_tcase(s, tc);
	tc = tcase_create("protobuf");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, load, NULL);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_proto_encoding);
	tcase_add_test(tc, test_proto_document);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(openapi_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
