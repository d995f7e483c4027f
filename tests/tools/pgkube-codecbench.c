/*
 * pgkube-codecbench - throughput of the protobuf codec (shared/proto_json.c)
 * next to the JSON path (jansson) on the same objects, in one run.
 *
 *   pgkube-codecbench [--seconds S] [--json FILE]
 *
 * For each sample object (a realistic Pod of about 2.7 KiB of JSON, a Deployment, a
 * 1 KiB ConfigMap) it measures, each for S seconds (default 1):
 *   json decode   json_loadb of the JSON text
 *   json encode   json_dumps of the parsed object
 *   proto decode  proto_json_decode of the protobuf bytes
 *   proto encode  proto_json_encode of the parsed object
 * and prints MB/s of the bytes consumed or produced, and objects/s, with
 * proto/json ratios per direction; --json also writes the figures to FILE. Every figure comes from
 * the same process and the same objects, so machine noise affects both sides alike.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/catalog.h"
#include "shared/proto_json.h"

static const char pod_json[] =
    "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-5d8f7c9b6-x2k4p\","
    "\"generateName\":\"web-5d8f7c9b6-\",\"namespace\":\"default\",\"uid\":\"3f1c2a4e-1f0c-4a55-"
    "9d39-"
    "0f2c6d9e8a11\",\"resourceVersion\":\"123456\",\"creationTimestamp\":\"2026-11-28T10:00:00Z\","
    "\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"5d8f7c9b6\"},\"annotations\":{\"kubectl."
    "kubernetes.io/restartedAt\":\"2026-11-28T10:00:00Z\"},\"ownerReferences\":[{\"apiVersion\":"
    "\"apps/"
    "v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-5d8f7c9b6\",\"uid\":\"0b6f2a4e-1f0c-4a55-9d39-"
    "0f2c6d9e8a11\",\"controller\":true,\"blockOwnerDeletion\":true}]},\"spec\":{\"volumes\":[{"
    "\"name\":\"config\",\"configMap\":{\"name\":\"web-config\",\"defaultMode\":420}},{\"name\":"
    "\"kube-api-access\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{"
    "\"expirationSeconds\":"
    "3607,\"path\":\"token\"}},{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{\"key\":"
    "\"ca.crt\",\"path\":\"ca.crt\"}]}}],\"defaultMode\":420}}],\"containers\":[{\"name\":\"web\","
    "\"image\":\"registry.example.com/team/web:1.27.3\",\"ports\":[{\"name\":\"http\","
    "\"containerPort\":8080,\"protocol\":\"TCP\"}],\"env\":[{\"name\":\"MODE\",\"value\":"
    "\"production\"},{\"name\":\"POD_IP\",\"valueFrom\":{\"fieldRef\":{\"apiVersion\":\"v1\","
    "\"fieldPath\":\"status.podIP\"}}}],\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":"
    "\"512Mi\"},"
    "\"requests\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"}},\"volumeMounts\":[{\"name\":\"config\","
    "\"mountPath\":\"/etc/web\"},{\"name\":\"kube-api-access\",\"readOnly\":true,\"mountPath\":"
    "\"/var/run/secrets/kubernetes.io/serviceaccount\"}],\"readinessProbe\":{\"httpGet\":{\"path\":"
    "\"/healthz\",\"port\":8080,\"scheme\":\"HTTP\"},\"timeoutSeconds\":1,\"periodSeconds\":5,"
    "\"successThreshold\":1,\"failureThreshold\":3},\"terminationMessagePath\":\"/dev/termination-"
    "log\",\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],"
    "\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":"
    "\"ClusterFirst\","
    "\"serviceAccountName\":\"default\",\"nodeName\":\"node-7\",\"securityContext\":{},"
    "\"schedulerName\":\"default-scheduler\",\"tolerations\":[{\"key\":\"node.kubernetes.io/not-"
    "ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],"
    "\"priority\":0,\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"},"
    "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
    "\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-28T10:00:05Z\"}],\"hostIP\":"
    "\"10.0.0.7\",\"podIP\":\"10.244.3.17\",\"podIPs\":[{\"ip\":\"10.244.3.17\"}],\"startTime\":"
    "\"2026-11-28T10:00:01Z\",\"containerStatuses\":[{\"name\":\"web\",\"state\":{\"running\":{"
    "\"startedAt\":\"2026-11-28T10:00:03Z\"}},\"lastState\":{},\"ready\":true,\"restartCount\":0,"
    "\"image\":\"registry.example.com/team/web:1.27.3\",\"imageID\":\"registry.example.com/team/"
    "web@sha256:0f6c1a6a4e1b3c2d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d\","
    "\"containerID\":\"containerd://"
    "4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"
    "\",\"started\":true}],\"qosClass\":\"Burstable\"}}";

static const char deployment_json[] =
    "{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"web\","
    "\"namespace\":\"default\",\"uid\":\"0b6f2a4e-1f0c-4a55-9d39-0f2c6d9e8a11\","
    "\"resourceVersion\":"
    "\"99\",\"generation\":3,\"creationTimestamp\":\"2026-11-28T10:00:00Z\",\"labels\":{\"app\":"
    "\"web\"}},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
    "\"template\":"
    "{\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"web\"}},\"spec\":{"
    "\"containers\":"
    "[{\"name\":\"web\",\"image\":\"nginx:1.27\",\"ports\":[{\"containerPort\":80,\"protocol\":"
    "\"TCP\"}"
    "],\"resources\":{},\"terminationMessagePath\":\"/dev/termination-log\","
    "\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],"
    "\"restartPolicy\":"
    "\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
    "\"securityContext\":{},\"schedulerName\":\"default-scheduler\"}},\"strategy\":{\"type\":"
    "\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}},"
    "\"revisionHistoryLimit\":10,\"progressDeadlineSeconds\":600},\"status\":{"
    "\"observedGeneration\":"
    "3,\"replicas\":3,\"updatedReplicas\":3,\"readyReplicas\":3,\"availableReplicas\":3,"
    "\"conditions\":[{\"type\":\"Available\",\"status\":\"True\",\"lastUpdateTime\":\"2026-11-"
    "28T10:"
    "00:10Z\",\"lastTransitionTime\":\"2026-11-28T10:00:10Z\",\"reason\":"
    "\"MinimumReplicasAvailable\","
    "\"message\":\"Deployment has minimum availability.\"}]}}";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct sample {
	const char *name;
	char *json;
	size_t json_len;
	struct buf proto;
	const struct catalog_type *type;
	json_t *parsed;
};

enum op { JSON_DECODE, JSON_ENCODE, PROTO_DECODE, PROTO_ENCODE };

/* Runs op for about seconds; returns objects per second and bytes per object. */
static double run(struct sample *s, enum op op, double seconds, size_t *bytes)
{
	double start = now_s(), elapsed;
	long n = 0;
	char err[256];

	do {
		for (int i = 0; i < 100; i++, n++) {
			json_t *v;
			char *text;
			struct buf out = {0};

			switch (op) {
			case JSON_DECODE:
				v = json_loadb(s->json, s->json_len, 0, NULL);
				json_decref(v);
				*bytes = s->json_len;
				break;
			case JSON_ENCODE:
				text = json_dumps(s->parsed, JSON_COMPACT);
				*bytes = strlen(text);
				free(text);
				break;
			case PROTO_DECODE:
				v = proto_json_decode(s->type, (const uint8_t *)s->proto.data,
						      s->proto.len, err, sizeof(err));
				if (!v) {
					fprintf(stderr, "decode failed: %s\n", err);
					exit(1);
				}
				json_decref(v);
				*bytes = s->proto.len;
				break;
			case PROTO_ENCODE:
				proto_json_encode(s->type, s->parsed, &out);
				*bytes = out.len;
				buf_free(&out);
				break;
			}
		}
		elapsed = now_s() - start;
	} while (elapsed < seconds);
	return (double)n / elapsed;
}

int main(int argc, char **argv)
{
	double seconds = 1;
	FILE *json_out = NULL;
	char err[256];
	struct buf cm = {0};
	struct sample samples[3] = {
	    {.name = "pod"},
	    {.name = "deployment"},
	    {.name = "configmap"},
	};
	const char *texts[3];
	const char *types[3][3] = {
	    {"", "v1", "Pod"}, {"apps", "v1", "Deployment"}, {"", "v1", "ConfigMap"}};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
			json_out = fopen(argv[++i], "w");
			if (!json_out) {
				perror(argv[i]);
				return 1;
			}
		} else {
			fprintf(stderr, "usage: %s [--seconds S] [--json FILE]\n", argv[0]);
			return 2;
		}
	}
	if (catalog_load(err, sizeof(err)) < 0) {
		fprintf(stderr, "catalog: %s\n", err);
		return 1;
	}
	buf_printf(
	    &cm,
	    "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"c\","
	    "\"namespace\":\"default\",\"uid\":\"0b6f2a4e-1f0c-4a55-9d39-0f2c6d9e8a11\","
	    "\"resourceVersion\":\"7\",\"creationTimestamp\":\"2026-11-28T10:00:00Z\",\"labels\":"
	    "{\"app\":\"bench\"}},\"data\":{\"payload\":\"");
	for (int i = 0; i < 700; i++)
		buf_append_str(&cm, "x");
	buf_append_str(&cm, "\",\"a\":\"1\",\"b\":\"2\"}}");
	texts[0] = pod_json;
	texts[1] = deployment_json;
	texts[2] = cm.data;
	if (json_out)
		fprintf(json_out, "[");
	printf("%-11s %-12s %10s %10s\n", "object", "operation", "objects/s", "MB/s");
	for (int i = 0; i < 3; i++) {
		struct sample *s = &samples[i];
		double rate[4];
		size_t bytes[4];

		s->json = strdup(texts[i]);
		s->json_len = strlen(s->json);
		s->parsed = json_loads(s->json, 0, NULL);
		s->type = catalog_kind(types[i][0], types[i][1], types[i][2]);
		if (!s->parsed || !s->type) {
			fprintf(stderr, "bad sample %s\n", s->name);
			return 1;
		}
		proto_json_encode(s->type, s->parsed, &s->proto);
		for (int op = 0; op < 4; op++)
			rate[op] = run(s, (enum op)op, seconds, &bytes[op]);
		if (json_out)
			fprintf(json_out,
				"%s{\"object\":\"%s\",\"json_bytes\":%zu,\"proto_bytes\":%zu,"
				"\"json_decode_per_s\":%.0f,\"json_encode_per_s\":%.0f,"
				"\"proto_decode_per_s\":%.0f,\"proto_encode_per_s\":%.0f}",
				i ? "," : "", s->name, s->json_len, s->proto.len, rate[0], rate[1],
				rate[2], rate[3]);
		{
			static const char *names[] = {"json decode", "json encode", "proto decode",
						      "proto encode"};

			for (int op = 0; op < 4; op++)
				printf("%-11s %-12s %10.0f %10.1f\n", s->name, names[op], rate[op],
				       rate[op] * (double)bytes[op] / 1e6);
			printf(
			    "%-11s %d B JSON, %zu B protobuf (%.2f); objects/s proto/json: decode "
			    "%.2f, encode %.2f\n",
			    s->name, (int)s->json_len, s->proto.len,
			    (double)s->proto.len / (double)s->json_len, rate[2] / rate[0],
			    rate[3] / rate[1]);
		}
		json_decref(s->parsed);
		free(s->json);
		buf_free(&s->proto);
	}
	if (json_out) {
		fprintf(json_out, "]\n");
		fclose(json_out);
	}
	buf_free(&cm);
	return 0;
}
