/*
 * nonresource.c - /healthz, /livez, /readyz, /version and /metrics, with
 * kube-apiserver's formats: "ok", or with ?verbose one "[+]check ok" line
 * per check and "<endpoint> check passed"; a failing check makes the
 * answer 500 with "[-]check failed: reason withheld" lines.
 * /<endpoint>/<check> runs one check; ?exclude=<check> skips one.
 */
#include "nonresource.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "build/gen/version.h"
#include "shared/config.h"
#include "worker/metrics.h"
#include "worker/pg_pool.h"
#include "worker/worker.h"

struct health_check {
	const char *name;
	bool (*ok)(const struct request *req);
	bool in_healthz, in_livez, in_readyz;
};

static bool check_always(const struct request *req)
{
	return true;
}

static bool check_postgresql(const struct request *req)
{
	return req->worker->pg && pg_pool_ready(req->worker->pg);
}

static bool check_not_shutting_down(const struct request *req)
{
	return !req->worker->shutting_down;
}

static const struct health_check health_checks[] = {
    {"ping", check_always, true, true, true},
    {"log", check_always, true, true, true},
    {"postgresql", check_postgresql, true, true, true},
    {"shutdown", check_not_shutting_down, false, false, true},
};
#define NUM_HEALTH_CHECKS (sizeof(health_checks) / sizeof(health_checks[0]))

static bool check_applies(const struct health_check *c, const char *endpoint)
{
	if (strcmp(endpoint, "healthz") == 0)
		return c->in_healthz;
	if (strcmp(endpoint, "livez") == 0)
		return c->in_livez;
	return c->in_readyz;
}

static bool excluded(const struct request *req, const char *name)
{
	for (size_t i = 0; i < req->route.num_params; i++)
		if (strcmp(req->route.params[i].name, "exclude") == 0 &&
		    strcmp(req->route.params[i].value, name) == 0)
			return true;
	return false;
}

static void send_text(struct request *req, int status, const char *text)
{
	response_add_header(req, "X-Content-Type-Options", "nosniff");
	response_send(req, status, "text/plain; charset=utf-8", text, strlen(text));
}

static void serve_health(struct request *req, const char *endpoint, const char *single)
{
	struct buf out = {0};
	bool verbose = route_param(&req->route, "verbose") != NULL;
	bool failed = false;

	for (size_t i = 0; i < NUM_HEALTH_CHECKS; i++) {
		const struct health_check *c = &health_checks[i];

		if (!check_applies(c, endpoint))
			continue;
		if (single) {
			if (strcmp(single, c->name) != 0)
				continue;
			if (c->ok(req))
				send_text(req, 200, "ok");
			else
				send_text(req, 500,
					  arena_printf(&req->arena, "internal server error: %s",
						       c->name));
			return;
		}
		if (excluded(req, c->name)) {
			buf_printf(&out, "[+]%s excluded: ok\n", c->name);
		} else if (c->ok(req)) {
			buf_printf(&out, "[+]%s ok\n", c->name);
		} else {
			buf_printf(&out, "[-]%s failed: reason withheld\n", c->name);
			failed = true;
		}
	}
	if (single) {
		response_send_not_found(req);
	} else if (failed) {
		buf_printf(&out, "%s check failed\n", endpoint);
		send_text(req, 500, arena_strdup(&req->arena, out.data));
	} else if (verbose) {
		buf_printf(&out, "%s check passed\n", endpoint);
		send_text(req, 200, arena_strdup(&req->arena, out.data));
	} else {
		send_text(req, 200, "ok");
	}
	buf_free(&out);
}

static const char *platform(void)
{
	static char name[128];
	struct utsname u;

	if (!name[0] && uname(&u) == 0) {
		const char *arch = strcmp(u.machine, "x86_64") == 0    ? "amd64"
				   : strcmp(u.machine, "aarch64") == 0 ? "arm64"
								       : u.machine;

		snprintf(name, sizeof(name), "linux/%s", arch);
	}
	return name;
}

static void serve_version(struct request *req)
{
	json_t *v =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "major", PGKUBE_KUBE_MAJOR,
		      "minor", PGKUBE_KUBE_MINOR, "gitVersion", PGKUBE_GIT_VERSION, "gitCommit",
		      PGKUBE_BUILD_COMMIT, "gitTreeState", PGKUBE_BUILD_TREE_STATE, "buildDate",
		      PGKUBE_BUILD_DATE, "goVersion", "none (pgkube is written in C)", "compiler",
		      PGKUBE_BUILD_COMPILER, "platform", platform());

	response_send_json(req, 200, v);
}

static void serve_metrics(struct request *req)
{
	struct buf out = {0};

	metrics_render(&out);
	response_send(req, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
	buf_free(&out);
}

bool nonresource_serve(struct request *req)
{
	static const char *const health_endpoints[] = {"healthz", "livez", "readyz"};
	const char *path = req->route.path;
	bool read = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(health_endpoints[i]);

		if (path[0] != '/' || strncmp(path + 1, health_endpoints[i], n) != 0)
			continue;
		if (path[n + 1] == '\0' && read) {
			serve_health(req, health_endpoints[i], NULL);
			return true;
		}
		if (path[n + 1] == '/' && path[n + 2] && read) {
			serve_health(req, health_endpoints[i], path + n + 2);
			return true;
		}
	}
	if (strcmp(path, "/version") == 0 && read) {
		serve_version(req);
		return true;
	}
	if (strcmp(path, "/metrics") == 0 && read) {
		serve_metrics(req);
		return true;
	}
	return false;
}
