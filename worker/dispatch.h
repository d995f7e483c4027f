/*
 * dispatch.h - the first stop of every framed request: route it,
 * authenticate it, and hand it to the handler that serves its path.
 */
#ifndef PGKUBE_DISPATCH_H
#define PGKUBE_DISPATCH_H

#include "worker/request.h"

void dispatch(struct request *req);

/* The rest of the way once req->user is final (authentication may finish
 * later than dispatch() returns): authorization, then the handler. */
void dispatch_authenticated(struct request *req);

#endif
