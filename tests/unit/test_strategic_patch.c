/*
 * test_strategic_patch.c - unit tests for shared/strategic_patch.c and the
 * patch metadata in shared/patch_strategies.json.
 *
 * Cases follow k8s.io/apimachinery's strategicpatch patch_test.go (merging
 * lists by key and as sets, "$patch" delete/replace/merge in maps and list
 * elements, $setElementOrder, $retainKeys, $deleteFromPrimitiveList, nulls,
 * the library's error texts), applied to the real fields upstream's test
 * struct stands for: PodSpec.containers for a list merged by name,
 * ObjectMeta.finalizers for a merged list of scalars, Container.args for an
 * atomic list, PodSpec.volumes for retainKeys. Then the shapes kubectl
 * sends for Deployments, Services and ConfigMaps. Test JSON is written with
 * single quotes, turned into double quotes before it is read.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "shared/registry.h"
#include "shared/strategic_patch.h"
#include "tests/unit/arena_fixture.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define WARN   PATCH_FIELD_VALIDATION_WARN
#define IGNORE PATCH_FIELD_VALIDATION_IGNORE

#define INVALID "the server rejected our request due to an error in our request"

extern const char patch_strategies_json[];

struct smp_case {
	const char *type;
	const char *doc;
	const char *patch;
	const char *result; /* NULL: fails with code and message */
	int code;
	const char *message;
};

#define OK(type, doc, patch, result)                                                               \
	{                                                                                          \
		type, doc, patch, result, 0, NULL                                                  \
	}
#define FAILS(type, doc, patch, code, message)                                                     \
	{                                                                                          \
		type, doc, patch, NULL, code, message                                              \
	}

#define POD    "core.v1.PodSpec"
#define META   "meta.v1.ObjectMeta"
#define DEPLOY "apps.v1.Deployment"

static char *quotes(const char *s)
{
	char *out = arena_strdup(&arena, s);

	for (char *p = out; *p; p++)
		if (*p == '\'')
			*p = '"';
	return out;
}

static const struct smp_case cases[] = {
    /* Lists merged by key: new elements after the server's, patch order kept. */
    OK(POD, "{'containers':[{'name':'a','image':'1'},{'name':'b','image':'2'}]}",
       "{'containers':[{'name':'b','image':'3'},{'name':'c','image':'4'}]}",
       "{'containers':[{'name':'a','image':'1'},{'name':'b','image':'3'},"
       "{'name':'c','image':'4'}]}"),
    OK(POD, "{'containers':[{'name':'a'},{'name':'b'}]}",
       "{'containers':[{'name':'b','image':'x'},{'name':'a','image':'y'}]}",
       "{'containers':[{'name':'b','image':'x'},{'name':'a','image':'y'}]}"),
    OK(POD, "{'containers':[{'name':'a','image':'1','args':['x','y']}]}",
       "{'containers':[{'name':'a','args':['z']}]}",
       "{'containers':[{'name':'a','image':'1','args':['z']}]}"),
    OK(POD, "{}", "{'containers':[{'name':'a','image':null}]}", "{'containers':[{'name':'a'}]}"),
    /* $patch in list elements. */
    OK(POD, "{'containers':[{'name':'a'},{'name':'b'},{'name':'a','image':'dup'}]}",
       "{'containers':[{'$patch':'delete','name':'a'}]}", "{'containers':[{'name':'b'}]}"),
    OK(POD, "{'containers':[{'name':'a'},{'name':'b'}]}",
       "{'containers':[{'name':'x','image':'i'},{'$patch':'replace'}]}",
       "{'containers':[{'name':'x','image':'i'}]}"),
    FAILS(POD, "{'containers':[{'name':'a'}]}", "{'containers':[{'$patch':'merge','name':'a'}]}",
	  500, "merging lists cannot yet be specified in the patch"),
    FAILS(POD, "{'containers':[{'name':'a'}]}", "{'containers':[{'$patch':'delete'}]}", 500,
	  "map: map[$patch:delete] does not contain declared merge key: name"),
    FAILS(POD, "{'containers':[{'name':'a'}]}", "{'containers':[{'image':'x'}]}", 500,
	  "map: map[image:x] does not contain declared merge key: name"),
    FAILS(POD, "{'containers':[{'image':'old'}]}", "{'containers':[{'name':'a'}]}", 500,
	  "map: map[image:old] does not contain declared merge key: name"),
    FAILS(POD, "{'containers':[{'name':'a'}]}", "{'containers':[{'$patch':'foo','name':'a'}]}", 500,
	  "unknown patch type: foo in map: map[$patch:foo name:a]"),
    /* $patch in maps. */
    OK(POD, "{'securityContext':{'runAsUser':1,'fsGroup':2}}",
       "{'securityContext':{'$patch':'replace','runAsGroup':3}}",
       "{'securityContext':{'runAsGroup':3}}"),
    OK(POD, "{'securityContext':{'runAsUser':1},'hostname':'h'}",
       "{'securityContext':{'$patch':'delete'}}", "{'securityContext':{},'hostname':'h'}"),
    OK(POD, "{'hostname':'h'}", "{'$patch':'replace','subdomain':'s'}", "{'subdomain':'s'}"),
    OK(POD, "{'hostname':'h'}", "{'$patch':'delete'}", "{}"),
    FAILS(POD, "{'securityContext':{}}", "{'securityContext':{'$patch':1}}", 500,
	  "unknown patch type: %!s(int64=1) in map: map[$patch:1]"),
    /* Nulls delete; new values lose their nulls; scalars and atomic lists replace. */
    OK(POD, "{'hostname':'h','subdomain':'s'}", "{'hostname':null,'nodeName':null}",
       "{'subdomain':'s'}"),
    OK(POD, "{}", "{'securityContext':{'runAsUser':null,'fsGroup':1},'x':[{'a':null}]}",
       "{'securityContext':{'fsGroup':1},'x':[{}]}"),
    OK(POD, "{'hostname':{'a':1}}", "{'hostname':'h'}", "{'hostname':'h'}"),
    OK(POD, "{'tolerations':[{'key':'a'},{'key':'b'}]}", "{'tolerations':[{'key':'c'}]}",
       "{'tolerations':[{'key':'c'}]}"),
    /* Fields not in the metadata: objects merge, lists are replaced. */
    OK(POD, "{'x':{'a':1,'l':[1,2]},'y':[1]}", "{'x':{'b':2,'l':[3]},'y':[2]}",
       "{'x':{'a':1,'b':2,'l':[3]},'y':[2]}"),
    /* Lists of scalars with strategy merge are sets. */
    OK(META, "{'finalizers':['a','b']}", "{'finalizers':['c','a']}",
       "{'finalizers':['c','a','b']}"),
    OK(META, "{'finalizers':['x','y']}", "{'finalizers':['y','z','x']}",
       "{'finalizers':['y','z','x']}"),
    OK(META, "{'finalizers':['a','b','c']}", "{'$deleteFromPrimitiveList/finalizers':['b','z']}",
       "{'finalizers':['a','c']}"),
    OK(META, "{}", "{'$deleteFromPrimitiveList/finalizers':['b']}", "{}"),
    OK(META, "{'finalizers':['a','b']}",
       "{'$deleteFromPrimitiveList/finalizers':['a'],'finalizers':['c']}",
       "{'finalizers':['c','b']}"),
    FAILS(META, "{}", "{'$deleteFromPrimitiveListfinalizers':['b']}", 400,
	  "invalid patch format of primitive list"),
    FAILS(META, "{'finalizers':['a']}", "{'finalizers':[1]}", 500,
	  "list element types are not identical: [[a] [1]]"),
    FAILS(META, "{'finalizers':[['a']]}", "{'finalizers':[['b']]}", 422,
	  "lists of lists are not supported"),
    FAILS(META, "{'finalizers':[]}", "{'$setElementOrder/finalizers':['a']}", 500,
	  "no elements in any of the given slices"),
    OK(META, "{'ownerReferences':[{'uid':'1','name':'a'},{'uid':'2','name':'b'}]}",
       "{'ownerReferences':[{'uid':'2','controller':true}]}",
       "{'ownerReferences':[{'uid':'1','name':'a'},{'uid':'2','name':'b','controller':true}]}"),
    /* $setElementOrder: the order it gives wins over the patch's and the server's. */
    OK(POD, "{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}",
       "{'$setElementOrder/containers':[{'name':'c'},{'name':'a'},{'name':'b'}]}",
       "{'containers':[{'name':'c'},{'name':'a'},{'name':'b'}]}"),
    OK(POD, "{'containers':[{'name':'a'},{'name':'b'}]}",
       "{'$setElementOrder/containers':[{'name':'b'},{'name':'c'},{'name':'a'}],"
       "'containers':[{'name':'c','image':'x'}]}",
       "{'containers':[{'name':'b'},{'name':'c','image':'x'},{'name':'a'}]}"),
    OK(POD, "{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}",
       "{'$setElementOrder/containers':[{'name':'c'},{'name':'a'}],"
       "'containers':[{'$patch':'delete','name':'b'}]}",
       "{'containers':[{'name':'c'},{'name':'a'}]}"),
    OK(META, "{'finalizers':['a','b','c']}", "{'$setElementOrder/finalizers':['c','b','a']}",
       "{'finalizers':['c','b','a']}"),
    FAILS(POD, "{'containers':[{'name':'a'}]}",
	  "{'$setElementOrder/containers':[{'name':'a'}],'containers':[{'name':'b','image':'x'}]}",
	  500,
	  "The order in patch list:\n[map[image:x name:b]]\n doesn't match $setElementOrder "
	  "list:\n[map[name:a]]\n"),
    FAILS(POD, "{'containers':[{'name':'a'}]}", "{'$setElementOrder/containers':'a'}", 500,
	  "expected a []interface {}, but received a string"),
    /* $retainKeys: keys of the original not listed go; the patch may use only listed ones. */
    OK(POD, "{'volumes':[{'name':'v','emptyDir':{},'hostPath':{'path':'/x'}}]}",
       "{'volumes':[{'name':'v','$retainKeys':['name','hostPath'],'hostPath':{'path':'/y'}}]}",
       "{'volumes':[{'name':'v','hostPath':{'path':'/y'}}]}"),
    FAILS(POD, "{'volumes':[{'name':'v','emptyDir':{}}]}",
	  "{'volumes':[{'name':'v','$retainKeys':['name'],'hostPath':{'path':'/y'}}]}", 400,
	  "invalid patch format of retainKeys"),
    FAILS(POD, "{'volumes':[{'name':'v'}]}", "{'volumes':[{'name':'v','$retainKeys':'name'}]}", 400,
	  "invalid patch format of retainKeys"),
    /* Numbers: an integer never matches a real, as Go's int64 never equals a float64. */
    OK("core.v1.Container", "{'ports':[{'containerPort':80}]}",
       "{'ports':[{'containerPort':80.0,'name':'x'}]}",
       "{'ports':[{'containerPort':80.0,'name':'x'},{'containerPort':80}]}"),
    FAILS("core.v1.Container", "{'ports':[{'containerPort':80}]}",
	  "{'ports':[{'hostPort':1.5e6,'x':[0.25,1e-7,true,null]}]}", 500,
	  "map: map[hostPort:1.5e+06 x:[0.25 1e-07 true <nil>]] does not contain declared merge "
	  "key: containerPort"),
    /* Decoding the patch: a map, or null; Go's words, unprefixed. */
    OK(POD, "{'hostname':'h'}", "null", "{'hostname':'h'}"),
    FAILS(POD, "{}", "[]", 400,
	  "json: cannot unmarshal array into Go value of type map[string]interface {}"),
    FAILS(POD, "{}", "{", 400, "unexpected end of JSON input"),
};

static void check_case(const struct smp_case *c, enum patch_field_validation validation)
{
	struct patch_result r;
	json_t *doc = json(quotes(c->doc)), *before = json_deep_copy(doc), *out;
	const char *patch = quotes(c->patch);

	out =
	    strategic_merge_patch_apply(&arena, doc, c->type, patch, strlen(patch), validation, &r);
	ck_assert_msg(json_equal(doc, before), "the document changed: %s", c->patch);
	if (c->result) {
		json_t *want = json(quotes(c->result));
		char *got = out ? json_dumps(out, JSON_ENCODE_ANY) : NULL;

		ck_assert_msg(out != NULL, "%s failed: %d %s", c->patch, r.code, r.message);
		ck_assert_msg(json_equal(out, want), "%s gave %s", c->patch, got);
		ck_assert_uint_eq(r.num_strict_errors, 0);
		free(got);
		json_decref(want);
	} else {
		ck_assert_msg(out == NULL, "%s did not fail", c->patch);
		ck_assert_int_eq(r.code, c->code);
		ck_assert_str_eq(r.reason, c->code == 400   ? "BadRequest"
					   : c->code == 422 ? "Invalid"
							    : "");
		ck_assert_str_eq(r.message, c->code == 422 ? INVALID : c->message);
		ck_assert_str_eq(r.detail, c->message);
	}
	json_decref(out);
	json_decref(doc);
	json_decref(before);
}

START_TEST(test_cases_warn)
{
	check_case(&cases[_i], WARN);
}
END_TEST

START_TEST(test_cases_ignore)
{
	check_case(&cases[_i], IGNORE);
}
END_TEST

/* ---- What kubectl sends for the built-in kinds ---- */

static const char deployment[] =
    "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'x','labels':{'app':'x',"
    "'tier':'web'},'annotations':{'a':'1'}},'spec':{'replicas':1,'selector':{'matchLabels':"
    "{'app':'x'}},'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%'}},"
    "'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c',"
    "'image':'nginx:1','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],"
    "'ports':[{'containerPort':80},{'containerPort':8080}]},{'name':'side','image':'busybox'}],"
    "'volumes':[{'name':'v','emptyDir':{}}]}}}}";

/* A patch applied to the Deployment above, then the fields it must have changed. */
static json_t *patch_deployment(const char *patch)
{
	struct patch_result r;
	json_t *doc = json(quotes(deployment)), *out;
	const char *p = quotes(patch);

	out = strategic_merge_patch_apply(&arena, doc,
					  strategic_patch_root_type("apps/v1", "Deployment"), p,
					  strlen(p), WARN, &r);
	ck_assert_msg(out != NULL, "%s failed: %d %s", patch, r.code, r.message);
	json_decref(doc);
	return out;
}

static void assert_path(json_t *doc, const char *path, const char *want)
{
	json_t *v = doc, *w = json(quotes(want));
	char *copy = strdup(path), *save = NULL;
	char *got;

	for (char *part = strtok_r(copy, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
		char *end;
		long i = strtol(part, &end, 10);

		v = *end ? json_object_get(v, part) : json_array_get(v, (size_t)i);
	}
	got = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
	ck_assert_msg(v && json_equal(v, w), "%s is %s", path, got ? got : "absent");
	free(got);
	free(copy);
	json_decref(w);
}

START_TEST(test_set_image)
{
	json_t *out = patch_deployment(
	    "{'spec':{'template':{'spec':{'containers':[{'name':'c','image':'nginx:2'}]}}}}");

	assert_path(out, "spec.template.spec.containers.0.image", "'nginx:2'");
	assert_path(out, "spec.template.spec.containers.0.env",
		    "[{'name':'A','value':'1'},{'name':'B','value':'2'}]");
	assert_path(out, "spec.template.spec.containers.1", "{'name':'side','image':'busybox'}");
	json_decref(out);
}
END_TEST

/* kubectl apply's three-way patch: env value changed, a port and a label removed. */
START_TEST(test_apply_patch)
{
	json_t *out =
	    patch_deployment("{'metadata':{'labels':{'tier':null}},'spec':{'template':{'spec':{"
			     "'$setElementOrder/containers':[{'name':'c'},{'name':'side'}],"
			     "'containers':[{'$setElementOrder/env':[{'name':'A'},{'name':'B'}],"
			     "'$setElementOrder/ports':[{'containerPort':80}],"
			     "'env':[{'name':'B','value':'3'}],'name':'c',"
			     "'ports':[{'$patch':'delete','containerPort':8080}]}]}}}}");

	assert_path(out, "metadata.labels", "{'app':'x'}");
	assert_path(out, "spec.template.spec.containers",
		    "[{'name':'c','image':'nginx:1','env':[{'name':'A','value':'1'},"
		    "{'name':'B','value':'3'}],'ports':[{'containerPort':80}]},"
		    "{'name':'side','image':'busybox'}]");
	json_decref(out);
}
END_TEST

/* kubectl set env, and kubectl rollout restart's annotation. */
START_TEST(test_set_env_and_restart)
{
	json_t *out = patch_deployment(
	    "{'spec':{'template':{'metadata':{'annotations':{'kubectl.kubernetes.io/restartedAt':"
	    "'2024-01-01T00:00:00Z'}},'spec':{'containers':[{'env':[{'name':'C','value':'4'}],"
	    "'name':'c'}]}}}}");

	assert_path(out, "spec.template.metadata",
		    "{'labels':{'app':'x'},'annotations':{'kubectl.kubernetes.io/restartedAt':"
		    "'2024-01-01T00:00:00Z'}}");
	/* Without $setElementOrder the patch's new items go before the server's. */
	assert_path(out, "spec.template.spec.containers.0.env",
		    "[{'name':'C','value':'4'},{'name':'A','value':'1'},{'name':'B','value':'2'}]");
	json_decref(out);
}
END_TEST

/* The Deployment strategy carries retainKeys: switching to Recreate drops rollingUpdate. */
START_TEST(test_strategy_retain_keys)
{
	json_t *out = patch_deployment(
	    "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'},"
	    "'template':{'spec':{'volumes':[{'$retainKeys':['configMap','name'],'name':'v',"
	    "'configMap':{'name':'cm'}}]}}}}");

	assert_path(out, "spec.strategy", "{'type':'Recreate'}");
	assert_path(out, "spec.template.spec.volumes", "[{'name':'v','configMap':{'name':'cm'}}]");
	json_decref(out);
}
END_TEST

START_TEST(test_service_and_configmap)
{
	const char *svc =
	    quotes("{'metadata':{'name':'s'},'spec':{'ports':[{'port':80,'name':'http'},"
		   "{'port':443,'name':'https'}],'selector':{'app':'x'}}}");
	const char *patch = quotes("{'spec':{'ports':[{'port':443,'targetPort':8443}],"
				   "'selector':{'app':null,'v':'2'}}}");
	const char *cm = quotes("{'metadata':{'name':'c'},'data':{'a':'1','b':'2'}}");
	const char *cm_patch = quotes("{'data':{'a':null,'c':'3'}}");
	struct patch_result r;
	json_t *doc = json(svc), *out;

	out = strategic_merge_patch_apply(&arena, doc, strategic_patch_root_type("v1", "Service"),
					  patch, strlen(patch), WARN, &r);
	ck_assert_ptr_nonnull(out);
	assert_path(out, "spec",
		    "{'ports':[{'port':80,'name':'http'},{'port':443,'name':'https',"
		    "'targetPort':8443}],'selector':{'v':'2'}}");
	json_decref(out);
	json_decref(doc);
	doc = json(cm);
	out = strategic_merge_patch_apply(&arena, doc, strategic_patch_root_type("v1", "ConfigMap"),
					  cm_patch, strlen(cm_patch), WARN, &r);
	ck_assert_ptr_nonnull(out);
	assert_path(out, "data", "{'b':'2','c':'3'}");
	json_decref(out);
	json_decref(doc);
}
END_TEST

/* Duplicate fields are the strict decoder's findings, as for a merge patch. */
START_TEST(test_strict_findings)
{
	const char *patch = "{\"data\":{\"a\":\"1\",\"a\":\"2\"}}";
	struct patch_result r;
	json_t *doc = json("{}"), *out;

	out = strategic_merge_patch_apply(&arena, doc, "core.v1.ConfigMap", patch, strlen(patch),
					  WARN, &r);
	ck_assert_ptr_nonnull(out);
	assert_path(out, "data", "{'a':'2'}");
	ck_assert_uint_eq(r.num_strict_errors, 1);
	ck_assert_str_eq(r.strict_errors[0], "duplicate field \"data.a\"");
	json_decref(out);
	out = strategic_merge_patch_apply(&arena, doc, "core.v1.ConfigMap", patch, strlen(patch),
					  IGNORE, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(r.num_strict_errors, 0);
	json_decref(out);
	json_decref(doc);
}
END_TEST

/* Every served kind has a root type, and every type the metadata names is described. */
START_TEST(test_metadata_covers_registry)
{
	char err[256];
	json_t *data = json(patch_strategies_json), *types = json_object_get(data, "types");
	const char *name, *field;
	json_t *type, *meta;

	ck_assert_int_eq(registry_load(err, sizeof(err)), 0);
	ck_assert_uint_gt(registry_count(), 50);
	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);
		const char *api_version =
		    *rt->group ? arena_printf(&arena, "%s/%s", rt->group, rt->version)
			       : rt->version;
		const char *root = strategic_patch_root_type(api_version, rt->kind);

		ck_assert_msg(root && json_object_get(types, root), "no type for %s %s",
			      api_version, rt->kind);
	}
	json_object_foreach(types, name, type)
	{
		json_object_foreach(type, field, meta)
		{
			const char *ref = json_string_value(json_object_get(meta, "struct"));
			const char *strategy = json_string_value(json_object_get(meta, "strategy"));

			if (!ref)
				ref = json_string_value(json_object_get(meta, "list"));
			ck_assert_msg(
			    ref && (strcmp(ref, "scalar") == 0 || json_object_get(types, ref)),
			    "%s.%s names an unknown type", name, field);
			ck_assert_msg(!strategy || strcmp(strategy, "merge") == 0 ||
					  strcmp(strategy, "retainKeys") == 0 ||
					  strcmp(strategy, "merge,retainKeys") == 0,
				      "%s.%s: strategy %s", name, field, strategy);
		}
	}
	ck_assert_str_eq(strategic_patch_root_type("v1", "Pod"), "core.v1.Pod");
	ck_assert_ptr_null(strategic_patch_root_type("example.com/v1", "Widget"));
	json_decref(data);
}
END_TEST

static Suite *strategic_patch_suite(void)
{
	Suite *s = suite_create("strategic_patch");
	TCase *engine = tcase_create("engine"), *kinds = tcase_create("kinds");

	tcase_add_checked_fixture(engine, setup, teardown);
	tcase_add_loop_test(engine, test_cases_warn, 0, N(cases));
	tcase_add_loop_test(engine, test_cases_ignore, 0, N(cases));
	tcase_add_test(engine, test_strict_findings);
	suite_add_tcase(s, engine);

	tcase_add_checked_fixture(kinds, setup, teardown);
	tcase_add_test(kinds, test_set_image);
	tcase_add_test(kinds, test_apply_patch);
	tcase_add_test(kinds, test_set_env_and_restart);
	tcase_add_test(kinds, test_strategy_retain_keys);
	tcase_add_test(kinds, test_service_and_configmap);
	tcase_add_test(kinds, test_metadata_covers_registry);
	suite_add_tcase(s, kinds);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(strategic_patch_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
