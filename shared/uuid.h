/*
 * uuid.h - random (version 4) UUIDs: object uids and audit ids.
 */
#ifndef PGKUBE_UUID_H
#define PGKUBE_UUID_H

#include <stddef.h>

#define UUID_STRING_LEN 37 /* 36 characters and the NUL */

void uuid_v4(char out[UUID_STRING_LEN]);

#endif
