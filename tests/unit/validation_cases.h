/*
 * validation_cases.h - what the validation suites share (test_validation.c,
 * test_validation2.c): upstream's format messages and cause types, valid
 * defaulted objects to patch, and the table-driven case runner.
 *
 * A case is an object (a valid, defaulted base with a JSON merge patch
 * applied), on create or on update (the old object is the base with its own
 * patch), and the exact causes (field, reason, message) and Status message
 * kube-apiserver v1.32 answers for it. group is the API group, or an
 * apiVersion "group/version" when the version matters (autoscaling/v1);
 * the version is v1 otherwise.
 */
#ifndef PGKUBE_VALIDATION_CASES_H
#define PGKUBE_VALIDATION_CASES_H

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/validation.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Upstream's format messages, as RegexError writes them. */
#define SUBDOMAIN                                                                                  \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "  \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "      \
	"regex used for validation is "                                                            \
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define DNS_LABEL                                                                                  \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "   \
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "   \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1035                                                                                    \
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "  \
	"an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "    \
	"'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define NAME_PART                                                                                  \
	"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "  \
	"end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "  \
	"used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE                                                                                \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "   \
	"or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "      \
	"'my_value',  or '12345', regex used for validation is "                                   \
	"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
#define CONFIG_KEY                                                                                 \
	"a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "       \
	"'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "                \
	"'[-._a-zA-Z0-9]+')"
#define PERCENT                                                                                    \
	"a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  "  \
	"or '93%', regex used for validation is '[0-9]+%')"
#define PORT_RANGE "must be between 1 and 65535, inclusive"
/* ValidatePodUpdate's list of what a pod update may change. */
#define UPDATABLE                                                                                  \
	"`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"  \
	"`spec.tolerations` (only additions to existing tolerations),"                             \
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "      \
	"negative)"
#define MISMATCH "`selector` does not match template `labels`"

#define REQUIRED    "FieldValueRequired"
#define INVALID	    "FieldValueInvalid"
#define UNSUPPORTED "FieldValueNotSupported"
#define DUPLICATE   "FieldValueDuplicate"
#define FORBIDDEN   "FieldValueForbidden"
#define NOT_FOUND   "FieldValueNotFound"
#define TOO_LONG    "FieldValueTooLong"

/* A defaulted container and pod spec, as kube-apiserver stores them. */
#define CONTAINER                                                                                  \
	"{\"name\":\"app\",\"image\":\"nginx:1.27\",\"imagePullPolicy\":\"IfNotPresent\","         \
	"\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":"        \
	"\"File\",\"resources\":{}}"
#define POD_SPEC                                                                                   \
	"{\"containers\":[" CONTAINER "],\"restartPolicy\":\"Always\",\"dnsPolicy\":"              \
	"\"ClusterFirst\",\"terminationGracePeriodSeconds\":30,\"schedulerName\":"                 \
	"\"default-scheduler\",\"securityContext\":{}}"
#define JOB_POD_SPEC                                                                               \
	"{\"containers\":[" CONTAINER "],\"restartPolicy\":\"Never\",\"dnsPolicy\":"               \
	"\"ClusterFirst\",\"terminationGracePeriodSeconds\":30}"

#define POD                                                                                        \
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u1\"},"               \
	"\"spec\":" POD_SPEC "}"
#define DEPLOYMENT                                                                                 \
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u1\"},\"spec\":{"     \
	"\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{"           \
	"\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":" POD_SPEC "},\"strategy\":{"        \
	"\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":"   \
	"\"25%\"}},\"revisionHistoryLimit\":10,\"progressDeadlineSeconds\":600}}"
#define REPLICA_SET                                                                                \
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"replicas\":1,"     \
	"\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{"            \
	"\"labels\":{\"app\":\"web\"}},\"spec\":" POD_SPEC "}}}"
#define DAEMON_SET                                                                                 \
	"{\"metadata\":{\"name\":\"agent\",\"namespace\":\"default\"},\"spec\":{\"selector\":{"    \
	"\"matchLabels\":{\"app\":\"agent\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":"    \
	"\"agent\"}},\"spec\":" POD_SPEC "},\"updateStrategy\":{\"type\":\"RollingUpdate\","       \
	"\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}},\"revisionHistoryLimit\":10}}"
#define STATEFUL_SET                                                                               \
	"{\"metadata\":{\"name\":\"db\",\"namespace\":\"default\"},\"spec\":{\"replicas\":1,"      \
	"\"serviceName\":\"db\",\"selector\":{\"matchLabels\":{\"app\":\"db\"}},\"template\":{"    \
	"\"metadata\":{\"labels\":{\"app\":\"db\"}},\"spec\":" POD_SPEC "},"                       \
	"\"podManagementPolicy\":\"OrderedReady\",\"updateStrategy\":{\"type\":"                   \
	"\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}},\"revisionHistoryLimit\":10}}"
#define JOB                                                                                        \
	"{\"metadata\":{\"name\":\"pi\",\"namespace\":\"default\",\"uid\":\"u1\"},\"spec\":{"      \
	"\"parallelism\":1,\"completions\":1,\"backoffLimit\":6,\"completionMode\":"               \
	"\"NonIndexed\",\"suspend\":false,\"selector\":{\"matchLabels\":{"                         \
	"\"batch.kubernetes.io/controller-uid\":\"u1\"}},\"template\":{\"metadata\":{\"labels\":{" \
	"\"batch.kubernetes.io/controller-uid\":\"u1\",\"batch.kubernetes.io/job-name\":\"pi\","   \
	"\"controller-uid\":\"u1\",\"job-name\":\"pi\"}},\"spec\":" JOB_POD_SPEC "}}}"
#define CRON_JOB                                                                                   \
	"{\"metadata\":{\"name\":\"tick\",\"namespace\":\"default\"},\"spec\":{\"schedule\":"      \
	"\"*/5 * * * *\",\"concurrencyPolicy\":\"Allow\",\"suspend\":false,"                       \
	"\"successfulJobsHistoryLimit\":3,\"failedJobsHistoryLimit\":1,\"jobTemplate\":{"          \
	"\"spec\":{\"template\":{\"spec\":" JOB_POD_SPEC "}}}}}"
#define SERVICE                                                                                    \
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"type\":"           \
	"\"ClusterIP\",\"selector\":{\"app\":\"web\"},\"ports\":[{\"protocol\":\"TCP\",\"port\":"  \
	"80,\"targetPort\":8080}],\"clusterIP\":\"10.96.0.10\",\"clusterIPs\":[\"10.96.0.10\"],"   \
	"\"ipFamilies\":[\"IPv4\"],\"ipFamilyPolicy\":\"SingleStack\",\"sessionAffinity\":"        \
	"\"None\",\"internalTrafficPolicy\":\"Cluster\"}}"
#define CONFIG_MAP                                                                                 \
	"{\"metadata\":{\"name\":\"conf\",\"namespace\":\"default\"},\"data\":{\"a.txt\":\"x\"}}"
#define SECRET                                                                                     \
	"{\"metadata\":{\"name\":\"creds\",\"namespace\":\"default\"},\"type\":\"Opaque\","        \
	"\"data\":{\"password\":\"cGFzcw==\"}}"
#define NAMESPACE "{\"metadata\":{\"name\":\"team-a\"},\"spec\":{\"finalizers\":[\"kubernetes\"]}}"

struct cause {
	const char *field, *reason, *message;
};

struct vcase {
	const char *name;
	const char *group, *kind;
	const char *base, *patch;
	const char *old_patch; /* NULL on create */
	struct cause causes[16];
	const char *message; /* NULL for a valid object */
};

/* RFC 7386 merge of patch into target, except that an empty object in the
 * patch replaces the target's member (so that a case can ask for "{}"). */
static void merge(json_t *target, json_t *patch)
{
	const char *k;
	json_t *v;

	json_object_foreach(patch, k, v)
	{
		json_t *t = json_object_get(target, k);

		if (json_is_null(v))
			json_object_del(target, k);
		else if (json_is_object(v) && json_object_size(v) && json_is_object(t))
			merge(t, v);
		else
			json_object_set(target, k, v);
	}
}

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);

	ck_assert_msg(j != NULL, "bad test JSON %s: %s", text, err.text);
	return j;
}

static json_t *patched(const char *base, const char *patch)
{
	json_t *obj = parse(base);

	if (patch) {
		json_t *p = parse(patch);

		merge(obj, p);
		json_decref(p);
	}
	return obj;
}

/* Runs one case: the causes must come exactly, in order, and the message. */
static void run_case(const struct vcase *tc)
{
	const char *slash = strchr(tc->group, '/');
	const char *version = slash ? slash + 1 : "v1";
	json_t *obj = patched(tc->base, tc->patch);
	json_t *old = tc->old_patch ? patched(tc->base, tc->old_patch) : NULL;
	struct validation_errors errs = {0};
	size_t want = 0;
	char group[64];
	int n;

	snprintf(group, sizeof(group), "%.*s",
		 (int)(slash ? (size_t)(slash - tc->group) : strlen(tc->group)), tc->group);
	while (want < N(tc->causes) && tc->causes[want].field)
		want++;
	n = validation_check(group, version, tc->kind, obj, old, &errs);
	for (size_t i = 0; i < errs.num; i++)
		if (i >= want || strcmp(errs.causes[i].field, tc->causes[i].field) != 0 ||
		    strcmp(errs.causes[i].message, tc->causes[i].message) != 0)
			fprintf(stderr, "%s: cause %zu: %s | %s | %s\n", tc->name, i,
				errs.causes[i].field, errs.causes[i].reason,
				errs.causes[i].message);
	ck_assert_msg((size_t)n == want, "%s: %d causes, want %zu", tc->name, n, want);
	ck_assert_uint_eq(errs.num, want);
	for (size_t i = 0; i < want; i++) {
		ck_assert_str_eq(errs.causes[i].field, tc->causes[i].field);
		ck_assert_str_eq(errs.causes[i].reason, tc->causes[i].reason);
		ck_assert_str_eq(errs.causes[i].message, tc->causes[i].message);
	}
	if (tc->message) {
		json_t *meta = json_object_get(obj, "metadata");
		const char *name = json_string_value(json_object_get(meta, "name"));
		char *msg = validation_status_message(&errs, group, tc->kind, name);

		ck_assert_str_eq(msg, tc->message);
		free(msg);
	}
	validation_errors_free(&errs);
	json_decref(obj);
	json_decref(old);
}

/*
 * An object of the wrong JSON shapes checked as group/version/kind on
 * create (old NULL) or as its own update: no crash, the count returned is
 * the causes appended, and (when name_first) a create's first cause is the
 * missing metadata.name.
 */
static void check_wrong_types(const char *group, const char *version, const char *kind,
			      const char *text, bool update, bool name_first)
{
	json_t *obj = parse(text);
	struct validation_errors errs = {0};
	int n = validation_check(group, version, kind, obj, update ? obj : NULL, &errs);

	ck_assert_int_eq(n, (int)errs.num);
	if (!update && name_first) {
		ck_assert_int_ge(n, 1);
		ck_assert_str_eq(errs.causes[0].field, "metadata.name");
		ck_assert_str_eq(errs.causes[0].reason, REQUIRED);
	}
	validation_errors_free(&errs);
	json_decref(obj);
}

#endif
