/*
 * log.h - klog-style logging to stderr.
 *
 * Lines look like kube-apiserver's (klog):
 *   I1128 20:54:33.123456   12345 worker.c:88] message
 * The severity letter is I, W, E or F. log_verbosity holds --v; LOG_V(n)
 * guards chatty lines so their arguments are not even formatted when off.
 */
#ifndef PGKUBE_LOG_H
#define PGKUBE_LOG_H

#include <stdarg.h>

extern int log_verbosity;

void log_write(char severity, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define log_info(...)  log_write('I', __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...)  log_write('W', __FILE__, __LINE__, __VA_ARGS__)
#define log_error(...) log_write('E', __FILE__, __LINE__, __VA_ARGS__)
#define LOG_V(level)   (log_verbosity >= (level))

#endif
