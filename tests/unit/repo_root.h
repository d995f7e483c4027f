/*
 * repo_root.h - for Check suites that read test data from the repository:
 * moves to the repository root when the suite runs from elsewhere (the
 * binaries live in build/san/tests/, three directories below it).
 */
#ifndef PGKUBE_REPO_ROOT_H
#define PGKUBE_REPO_ROOT_H

#include <limits.h>
#include <string.h>
#include <unistd.h>

/* Changes to the root when probe (a path relative to it) is not readable here. */
static void chdir_to_repo_root(const char *probe)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (access(probe, R_OK) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	for (int i = 0; i < 4; i++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			return;
		*slash = '\0';
	}
	if (chdir(exe) != 0)
		return;
}

#endif
