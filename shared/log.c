/*
 * log.c - klog-style lines to stderr, one write(2) per line so lines from
 * the master and several workers never interleave mid-line.
 */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int log_verbosity = 0;

void log_write(char severity, const char *file, int line, const char *fmt, ...)
{
	char text[4096];
	struct timeval now;
	struct tm tm;
	const char *base = strrchr(file, '/');
	va_list ap;
	int n;

	gettimeofday(&now, NULL);
	localtime_r(&now.tv_sec, &tm);
	n = snprintf(text, sizeof(text), "%c%02d%02d %02d:%02d:%02d.%06ld %7d %s:%d] ", severity,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)now.tv_usec,
		     (int)getpid(), base ? base + 1 : file, line);
	va_start(ap, fmt);
	n += vsnprintf(text + n, sizeof(text) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(text) - 2)
		n = (int)sizeof(text) - 2;
	text[n++] = '\n';
	if (write(STDERR_FILENO, text, (size_t)n) < 0)
		return;
}
