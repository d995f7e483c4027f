/*
 * dispatch.h - the first stop of every framed request: route it,
 * authenticate it, and hand it to the handler that serves its path.
 */
#ifndef PGKUBE_DISPATCH_H
#define PGKUBE_DISPATCH_H

#include "worker/request.h"

void dispatch(struct request *req);

#endif
