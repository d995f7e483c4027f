/*
 * authn_review.h - the authentication.k8s.io reviews: TokenReview (what
 * the authenticators say about a token) and SelfSubjectReview (who the
 * caller is, `kubectl auth whoami`). Both are create-only and never
 * stored: the answer is the object sent, completed with its status.
 */
#ifndef PGKUBE_AUTHN_REVIEW_H
#define PGKUBE_AUTHN_REVIEW_H

#include <jansson.h>
#include <stdbool.h>

#include "worker/request.h"

struct rest_call;

/*
 * Called by the create path once the body is read and defaulted: answers
 * the create of a TokenReview or SelfSubjectReview (taking obj) and
 * returns true; returns false, obj untouched, for any other kind.
 */
bool authn_review_create(struct rest_call *call, json_t *obj);

/* user.Info as the authentication.k8s.io UserInfo object (extra keys sorted). */
json_t *authn_user_info_json(const struct user_info *user);

#endif
