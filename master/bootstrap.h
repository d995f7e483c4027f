/*
 * bootstrap.h - creating the default objects (namespaces default,
 * kube-system, kube-public, kube-node-lease) at start.
 */
#ifndef PGKUBE_BOOTSTRAP_H
#define PGKUBE_BOOTSTRAP_H

#include <stddef.h>

/* Returns 0, or -1 with a message in err. */
int bootstrap_run(const char *dsn, char *err, size_t err_len);

#endif
