/*
 * bootstrap.h - the objects a new cluster starts with (the default
 * namespaces, the system PriorityClasses, the local APIServices), created
 * at start and kept as kube-apiserver keeps them; see bootstrap.c.
 */
#ifndef PGKUBE_BOOTSTRAP_H
#define PGKUBE_BOOTSTRAP_H

#include <stddef.h>

/* Loads the registry if needed (the APIServices follow it). Returns 0, or
 * -1 with a message in err. */
int bootstrap_run(const char *dsn, char *err, size_t err_len);

#endif
