/*
 * rest_internal.h - what rest.c (dispatch, reads) and rest_write.c (the
 * write verbs) share.
 */
#ifndef PGKUBE_REST_INTERNAL_H
#define PGKUBE_REST_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/registry.h"
#include "worker/request.h"
#include "worker/store.h"

/* An error a write step found, answered (or collected) by its caller. */
struct rest_error {
	int code;
	const char *reason;
	const char *message;
	json_t *details; /* owned; NULL = none */
};

#define GRACE_UNSET INT64_MIN

/* What a get, list or watch answers with (Accept). */
enum rest_output {
	OUT_JSON,
	OUT_TABLE,   /* meta.k8s.io Table */
	OUT_PARTIAL, /* meta.k8s.io PartialObjectMetadata(List) */
};

struct rest_call {
	struct request *req;
	enum rest_output output;
	const char *output_version; /* of meta.k8s.io: "v1" or "v1beta1" */
	int include;		    /* enum table_include */
	const struct resource_type *rt;
	struct store_key key;
	const char *subresource; /* "" or "status" */
	json_t *body;		 /* create/update: the object to write */
	int64_t expected_rv;	 /* precondition, 0 = none */
	const char *expected_uid;
	int ok_status; /* 201 for create, 200 otherwise */
	bool dry_run;
	bool count_remaining;
	int limit;
	/* delete options */
	int64_t grace_seconds; /* GRACE_UNSET = not given */
	const char *propagation;
	/* patch */
	const char *patch_type; /* "json", "merge"; NULL = not a patch */
	bool force;		/* apply: take the fields of conflicting managers */
	bool applying;		/* the body carries the apply's managedFields already */
	int field_validation;	/* enum patch_field_validation */
	/* managedFields: who writes, and through which subresource ("scale"
	 * while a Scale update runs as an update of the object) */
	const char *field_manager;
	const char *managed_subresource;
	/* read-modify-write */
	int attempts;
	int64_t current_rv;
	struct rest_error err;
	/* a Service's cluster IPs and node ports (service_alloc.c) */
	struct service_alloc *service_alloc;
	/* deletecollection: the collection call a per-object call reports to */
	struct rest_call *parent;
	json_t *collected; /* parent: the objects deleted or marked */
	int pending;	   /* parent: per-object calls not finished */
	bool listed;	   /* parent: the list has been answered */
	bool failed;
};

/* "pods" or "deployments.apps", as upstream names a resource in messages. */
const char *rest_qualified(struct rest_call *call);
/* The kind's apiVersion: "v1" or "apps/v1". */
const char *rest_api_version(struct rest_call *call);
/* {"name", "group", "kind": resource} of an error's details. */
json_t *rest_details(struct rest_call *call);
/* Answers a store error as kube-apiserver would. */
void rest_status_from_store(struct rest_call *call, const struct store_result *res);
/* 422 Invalid with one cause. */
void rest_invalid(struct rest_call *call, const char *name, const char *field, const char *message);
/* Chooses the output of a get, list or watch from Accept and
 * includeObject; false when it answered 406 or 400. */
bool rest_negotiate(struct rest_call *call);
/* One object as the negotiated output wants it (a new reference). */
json_t *rest_output_object(struct rest_call *call, json_t *obj, bool with_columns);
/* Answers an object the store or a write produced, as JSON text. */
void rest_send_object(struct rest_call *call, int code, const char *json);
/* Parses ?dryRun; false when it answered 422 about options ("CreateOptions"). */
bool rest_parse_dry_run(struct rest_call *call, const char *options);
void rest_invalid_options(struct rest_call *call, const char *options, const char *field,
			  const char *reason, const char *message);
/* The selector part of a list: false when it answered 400. */
bool rest_add_selectors(struct rest_call *call, struct store_list_options *opts);

/* The scale subresource (rest_scale.c). */
bool rest_is_scale(const struct rest_call *call);
/* The autoscaling/v1 Scale view of a stored parent (a new reference). */
json_t *rest_scale_of(struct rest_call *call, json_t *obj);
/* The parent with the Scale's spec.replicas; NULL with call->err set when the Scale is invalid. */
json_t *rest_scale_apply(struct rest_call *call, json_t *current, json_t *scale);

/*
 * Reads and checks the body of a create or update (JSON, YAML or
 * protobuf; of the resource's kind, or its subresource's own kind such as
 * Scale or TokenRequest); NULL when it answered.
 */
json_t *rest_read_object(struct rest_call *call);

void rest_create(struct rest_call *call);
void rest_update(struct rest_call *call);
void rest_patch(struct rest_call *call);
void rest_delete(struct rest_call *call);
void rest_delete_collection(struct rest_call *call);

#endif
