/*
 * openapi.h - /openapi/v2 and /openapi/v3.
 */
#ifndef PGKUBE_OPENAPI_H
#define PGKUBE_OPENAPI_H

#include <jansson.h>
#include <stdbool.h>

#include "worker/request.h"

/* Answers req when its path is /openapi/v2 or one of /openapi/v3's; false otherwise. */
bool openapi_serve(struct request *req);

/* The Swagger 2.0 document of everything served (a new reference). */
json_t *openapi_v2_document(void);

/*
 * The OpenAPI 3.0 document of /openapi/v3/<key>, key being "api",
 * "api/v1", "apis", "apis/<group>" or "apis/<group>/<version>"; NULL when
 * nothing is served there.
 */
json_t *openapi_v3_document(const char *key);

#endif
