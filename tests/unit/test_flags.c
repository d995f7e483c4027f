/*
 * test_flags.c - config_parse() (shared/flags.c): pflag syntax, kinds,
 * defaults, upstream error wording and exit codes, the etcd refusals, the
 * removed flags old manifests carry, and the seed manifest's flag list.
 *
 * Each parse runs with stdout and stderr captured, so tests can check the
 * messages the way a user would see them.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/config.h"
#include "shared/log.h"

static char out[1 << 17], err[1 << 15];
static struct config cfg;

static void read_back(FILE *file, char *buffer, size_t size)
{
	size_t n;

	rewind(file);
	n = fread(buffer, 1, size - 1, file);
	buffer[n] = '\0';
	fclose(file);
}

static int parse_argv(int argc, const char **argv)
{
	FILE *out_file = tmpfile(), *err_file = tmpfile();
	int saved_out = dup(1), saved_err = dup(2);
	int rc;

	ck_assert(out_file && err_file && saved_out >= 0 && saved_err >= 0);
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(out_file), 1);
	dup2(fileno(err_file), 2);
	rc = config_parse(&cfg, argc, (char **)argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	read_back(out_file, out, sizeof(out));
	read_back(err_file, err, sizeof(err));
	return rc;
}

/* PARSE("--a=1", "--b") parses {"pgkube-apiserver", "--a=1", "--b"}. */
#define PARSE(...)                                                                                 \
	parse_argv((int)(sizeof((const char *[]){"pgkube-apiserver", __VA_ARGS__}) /               \
			 sizeof(const char *)),                                                    \
		   (const char *[]){"pgkube-apiserver", __VA_ARGS__, NULL})

#define ck_assert_contains(haystack, needle)                                                       \
	ck_assert_msg(strstr((haystack), (needle)) != NULL, "expected \"%s\" in:\n%s", (needle),   \
		      (haystack))
#define ck_assert_lacks(haystack, needle)                                                          \
	ck_assert_msg(strstr((haystack), (needle)) == NULL, "unexpected \"%s\" in:\n%s", (needle), \
		      (haystack))

START_TEST(test_defaults)
{
	const char *argv[] = {"pgkube-apiserver", NULL};

	ck_assert_int_eq(parse_argv(1, argv), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(cfg.bind_address, "0.0.0.0");
	ck_assert_int_eq(cfg.secure_port, 6443);
	ck_assert(cfg.anonymous_auth);
	ck_assert_str_eq(cfg.tls_min_version, "VersionTLS12");
	ck_assert_ptr_null(cfg.tls_cipher_suites);
	ck_assert_int_eq(cfg.shutdown_delay_seconds, 0);
	ck_assert_int_eq(cfg.shutdown_timeout_seconds, 60);
	ck_assert_int_eq(cfg.max_requests_inflight, 400);
	ck_assert_int_eq(cfg.max_mutating_requests_inflight, 200);
	ck_assert_int_eq(cfg.request_timeout_seconds, 60);
	ck_assert_int_eq(cfg.min_request_timeout, 1800);
	ck_assert_str_eq(cfg.storage_dsn, "");
	ck_assert_int_eq(cfg.workers, (int)sysconf(_SC_NPROCESSORS_ONLN));
	ck_assert_int_eq(cfg.etcd_compaction_interval_seconds, 300);
	ck_assert_int_eq(cfg.verbosity, 0);
	ck_assert_int_eq(cfg.event_ttl_seconds, 3600);
	ck_assert_str_eq(cfg.service_node_port_range, "30000-32767");
	ck_assert_int_eq(cfg.service_node_port_min, 30000);
	ck_assert_int_eq(cfg.service_node_port_max, 32767);
	ck_assert(cfg.service_account_lookup);
	ck_assert(cfg.enable_priority_and_fairness);
	ck_assert_int_eq(cfg.authorization_webhook_cache_authorized_ttl_seconds, 300);
	ck_assert_int_eq(cfg.authorization_webhook_cache_unauthorized_ttl_seconds, 30);
	ck_assert_int_eq(cfg.authentication_token_webhook_cache_ttl_seconds, 120);
	ck_assert_str_eq(cfg.oidc_username_claim, "sub");
	ck_assert_str_eq(cfg.endpoint_reconciler_type, "lease");
	ck_assert_ptr_null(cfg.authorization_mode);
	ck_assert_ptr_null(cfg.enable_admission_plugins);
	ck_assert(!cfg.allow_privileged);
}
END_TEST

START_TEST(test_equals_and_separate_value)
{
	ck_assert_int_eq(PARSE("--secure-port=7443", "--tls-cert-file", "/x/server.crt"), 0);
	ck_assert_int_eq(cfg.secure_port, 7443);
	ck_assert_str_eq(cfg.tls_cert_file, "/x/server.crt");
	ck_assert_int_eq(PARSE("--secure-port", "8443", "--tls-cert-file=/y.crt"), 0);
	ck_assert_int_eq(cfg.secure_port, 8443);
	ck_assert_str_eq(cfg.tls_cert_file, "/y.crt");
	/* Like pflag, a separate value is taken even if it starts with a dash. */
	ck_assert_int_eq(PARSE("--external-hostname", "-odd-"), 0);
	ck_assert_str_eq(cfg.external_hostname, "-odd-");
	/* An empty value after '=' is a value. */
	ck_assert_int_eq(PARSE("--storage-dsn="), 0);
	ck_assert_str_eq(cfg.storage_dsn, "");
	/* The last occurrence wins for single values. */
	ck_assert_int_eq(PARSE("--secure-port=1", "--secure-port=2"), 0);
	ck_assert_int_eq(cfg.secure_port, 2);
}
END_TEST

START_TEST(test_underscores_read_as_dashes)
{
	ck_assert_int_eq(PARSE("--secure_port=9443", "--anonymous_auth=false"), 0);
	ck_assert_int_eq(cfg.secure_port, 9443);
	ck_assert(!cfg.anonymous_auth);
}
END_TEST

START_TEST(test_verbosity)
{
	ck_assert_int_eq(PARSE("-v=2"), 0);
	ck_assert_int_eq(cfg.verbosity, 2);
	ck_assert_int_eq(log_verbosity, 2);
	ck_assert_int_eq(PARSE("-v", "3"), 0);
	ck_assert_int_eq(cfg.verbosity, 3);
	ck_assert_int_eq(log_verbosity, 3);
	ck_assert_int_eq(PARSE("-v4"), 0);
	ck_assert_int_eq(cfg.verbosity, 4);
	ck_assert_int_eq(PARSE("--v=5"), 0);
	ck_assert_int_eq(cfg.verbosity, 5);
	ck_assert_int_eq(log_verbosity, 5);
	ck_assert_int_eq(PARSE("--v", "6"), 0);
	ck_assert_int_eq(log_verbosity, 6);
	ck_assert_int_eq(PARSE("-v=x"), 2);
	ck_assert_contains(err, "Error: invalid argument \"x\" for \"-v, --v\" flag: "
				"strconv.ParseInt: parsing \"x\": invalid syntax");
	ck_assert_int_eq(PARSE("-v"), 2);
	ck_assert_contains(err, "Error: flag needs an argument: 'v' in -v");
	ck_assert_int_eq(PARSE("-x"), 2);
	ck_assert_contains(err, "Error: unknown shorthand flag: 'x' in -x");
}
END_TEST

START_TEST(test_bool_forms)
{
	static const char *const truths[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const falsehoods[] = {"0", "f", "F", "FALSE", "false", "False"};
	char arg[64];

	ck_assert_int_eq(PARSE("--allow-privileged"), 0);
	ck_assert(cfg.allow_privileged);
	for (size_t i = 0; i < 6; i++) {
		snprintf(arg, sizeof(arg), "--allow-privileged=%s", truths[i]);
		ck_assert_int_eq(PARSE(arg), 0);
		ck_assert_msg(cfg.allow_privileged, "%s", arg);
		snprintf(arg, sizeof(arg), "--anonymous-auth=%s", falsehoods[i]);
		ck_assert_int_eq(PARSE(arg), 0);
		ck_assert_msg(!cfg.anonymous_auth, "%s", arg);
	}
	ck_assert_int_eq(PARSE("--anonymous-auth=yes"), 2);
	ck_assert_contains(err, "Error: invalid argument \"yes\" for \"--anonymous-auth\" flag: "
				"strconv.ParseBool: parsing \"yes\": invalid syntax");
	ck_assert_int_eq(PARSE("--anonymous-auth="), 2);
}
END_TEST

START_TEST(test_bool_never_takes_next_argument)
{
	/* pflag: "false" is a positional argument here, and kube-apiserver takes none. */
	ck_assert_int_eq(PARSE("--anonymous-auth", "false"), 2);
	ck_assert_contains(
	    err, "Error: \"pgkube-apiserver\" does not take any arguments, got [\"false\"]");
	ck_assert_int_eq(PARSE("--anonymous-auth", "--secure-port=1"), 0);
	ck_assert(cfg.anonymous_auth);
	ck_assert_int_eq(cfg.secure_port, 1);
}
END_TEST

static const struct {
	const char *text;
	int seconds;
} durations[] = {
    {"5m", 300},       {"1h30m", 5400}, {"300ms", 0},	      {"60s", 60},
    {"0", 0},	       {"1.5h", 5400},	{"2h45m30.5s", 9930}, {"1500ms", 1},
    {"90s", 90},       {"+10s", 10},	{"-1m", -60},	      {"1us", 0},
    {"1\xc2\xb5s", 0}, {"100ns", 0},	{".5m", 30},	      {"1h0m0s", 3600},
};

START_TEST(test_durations)
{
	char arg[64];

	snprintf(arg, sizeof(arg), "--request-timeout=%s", durations[_i].text);
	ck_assert_int_eq(PARSE(arg), 0);
	ck_assert_int_eq(cfg.request_timeout_seconds, durations[_i].seconds);
}
END_TEST

START_TEST(test_bad_durations)
{
	ck_assert_int_eq(PARSE("--shutdown-delay-duration=5"), 2);
	ck_assert_contains(err, "Error: invalid argument \"5\" for \"--shutdown-delay-duration\" "
				"flag: time: missing unit in duration \"5\"");
	ck_assert_int_eq(PARSE("--event-ttl=5x"), 2);
	ck_assert_contains(err, "time: unknown unit \"x\" in duration \"5x\"");
	ck_assert_int_eq(PARSE("--event-ttl="), 2);
	ck_assert_contains(err, "time: invalid duration \"\"");
	ck_assert_int_eq(PARSE("--event-ttl=abc"), 2);
	ck_assert_contains(err, "time: invalid duration \"abc\"");
	ck_assert_int_eq(PARSE("--event-ttl=.s"), 2);
	ck_assert_int_eq(PARSE("--event-ttl=-"), 2);
	ck_assert_int_eq(PARSE("--event-ttl=9999999999h"), 2);
	ck_assert_contains(err, "time: invalid duration");
}
END_TEST

START_TEST(test_ints)
{
	ck_assert_int_eq(PARSE("--max-requests-inflight=0"), 0);
	ck_assert_int_eq(cfg.max_requests_inflight, 0);
	ck_assert_int_eq(PARSE("--secure-port=x"), 2);
	ck_assert_contains(err, "Error: invalid argument \"x\" for \"--secure-port\" flag: "
				"strconv.ParseInt: parsing \"x\": invalid syntax");
	ck_assert_int_eq(PARSE("--secure-port=12a"), 2);
	ck_assert_contains(err, "invalid syntax");
	ck_assert_int_eq(PARSE("--secure-port= 1"), 2);
	ck_assert_int_eq(PARSE("--secure-port=-"), 2);
	ck_assert_int_eq(PARSE("--secure-port=99999999999999999999"), 2);
	ck_assert_contains(err, "value out of range");
	ck_assert_int_eq(PARSE("--secure-port=0"), 2);
	ck_assert_contains(err, "must be between 1 and 65535");
	ck_assert_int_eq(PARSE("--secure-port=65536"), 2);
	ck_assert_int_eq(PARSE("--secure-port=65535"), 0);
	ck_assert_int_eq(PARSE("--max-requests-inflight=-1"), 2);
	ck_assert_int_eq(PARSE("--audit-log-batch-max-size=99999999999"), 2);
	ck_assert_int_eq(PARSE("--max-connection-bytes-per-sec=99999999999"), 0);
}
END_TEST

START_TEST(test_workers)
{
	ck_assert_int_eq(PARSE("--workers=4"), 0);
	ck_assert_int_eq(cfg.workers, 4);
	ck_assert_int_eq(PARSE("--workers", "1"), 0);
	ck_assert_int_eq(cfg.workers, 1);
	ck_assert_int_eq(PARSE("--workers=0"), 2);
	ck_assert_contains(err, "Error: invalid argument \"0\" for \"--workers\" flag");
	ck_assert_int_eq(PARSE("--workers=-3"), 2);
	ck_assert_int_eq(PARSE("--storage-dsn", "host=/tmp dbname=k"), 0);
	ck_assert_str_eq(cfg.storage_dsn, "host=/tmp dbname=k");
}
END_TEST

START_TEST(test_unknown_flag)
{
	ck_assert_int_eq(PARSE("--foo"), 2);
	ck_assert_str_eq(err, "Error: unknown flag: --foo\n");
	ck_assert_int_eq(PARSE("--secure-port=1", "--foo=bar"), 2);
	ck_assert_str_eq(err, "Error: unknown flag: --foo\n");
	/* Single-dash long names are shorthand groups in pflag. */
	ck_assert_int_eq(PARSE("-secure-port=1"), 2);
	ck_assert_contains(err, "Error: unknown shorthand flag: 's' in -secure-port=1");
	/* Flags kube-apiserver v1.33+ added are not v1.32's. */
	ck_assert_int_eq(PARSE("--coordinated-leadership-lease-duration=15s"), 2);
	ck_assert_int_eq(PARSE("---x"), 2);
	ck_assert_contains(err, "Error: bad flag syntax: ---x");
}
END_TEST

START_TEST(test_missing_value)
{
	ck_assert_int_eq(PARSE("--secure-port"), 2);
	ck_assert_str_eq(err, "Error: flag needs an argument: --secure-port\n");
	ck_assert_int_eq(PARSE("--anonymous-auth", "--tls-cert-file"), 2);
	ck_assert_str_eq(err, "Error: flag needs an argument: --tls-cert-file\n");
}
END_TEST

START_TEST(test_positional_arguments)
{
	ck_assert_int_eq(PARSE("serve"), 2);
	ck_assert_contains(err, "does not take any arguments, got [\"serve\"]");
	ck_assert_int_eq(PARSE("a", "--secure-port=1", "b"), 2);
	ck_assert_contains(err, "got [\"a\" \"b\"]");
	ck_assert_int_eq(PARSE("--", "--secure-port=1"), 2);
	ck_assert_contains(err, "got [\"--secure-port=1\"]");
	ck_assert_int_eq(PARSE("-"), 2);
	/* cobra's check for kube-apiserver skips empty arguments. */
	ck_assert_int_eq(PARSE(""), 0);
	ck_assert_int_eq(PARSE("--"), 0);
}
END_TEST

static const char *const etcd_flags[] = {
    "--etcd-servers=https://10.0.0.1:4001",
    "--etcd-cafile=/etc/kubernetes/ssl/ca.crt",
    "--etcd-certfile=/etc/kubernetes/ssl/server.crt",
    "--etcd-keyfile=/etc/kubernetes/ssl/server.key",
    "--etcd-prefix=/registry",
    "--etcd-servers-overrides=/events#https://10.0.0.2:4001",
    "--storage-backend=etcd3",
    "--storage-backend=etcd2",
    "--storage-backend=sqlite",
};

START_TEST(test_etcd_flags_refused)
{
	char flag_name[64];

	ck_assert_int_eq(PARSE(etcd_flags[_i]), 2);
	snprintf(flag_name, sizeof(flag_name), "%.*s", (int)strcspn(etcd_flags[_i], "="),
		 etcd_flags[_i]);
	ck_assert_contains(err, "Error: ");
	ck_assert_contains(err, flag_name);
	ck_assert_contains(err, "is not supported");
	ck_assert_contains(err, "PostgreSQL");
	ck_assert_contains(err, "--storage-dsn=");
}
END_TEST

START_TEST(test_etcd_flags_refused_in_separate_form)
{
	ck_assert_int_eq(PARSE("--etcd-servers", "https://10.0.0.1:2379"), 2);
	ck_assert_contains(err, "Error: --etcd-servers is not supported: pgkube stores cluster "
				"state in PostgreSQL; use --storage-dsn=<libpq conninfo or URI> "
				"instead");
	ck_assert_int_eq(PARSE("--storage-backend", "etcd3"), 2);
	ck_assert_contains(err, "--storage-backend=etcd3 is not supported");
}
END_TEST

START_TEST(test_storage_flags_accepted)
{
	ck_assert_int_eq(PARSE("--storage-backend=postgres"), 0);
	ck_assert_int_eq(PARSE("--storage-backend="), 0);
	ck_assert_int_eq(PARSE("--etcd-compaction-interval=10m"), 0);
	ck_assert_int_eq(cfg.etcd_compaction_interval_seconds, 600);
	ck_assert_int_eq(PARSE("--etcd-compaction-interval", "0"), 0);
	ck_assert_int_eq(cfg.etcd_compaction_interval_seconds, 0);
	ck_assert_int_eq(PARSE("--etcd-healthcheck-timeout=2s", "--etcd-readycheck-timeout=2s",
			       "--etcd-count-metric-poll-period=1m",
			       "--etcd-db-metric-poll-interval=30s"),
			 0);
}
END_TEST

static const char *const removed_flags[] = {
    "--insecure-port=0",
    "--insecure-bind-address=127.0.0.1",
    "--address=127.0.0.1",
    "--enable-swagger-ui=true",
    "--enable-swagger-ui",
    "--kubelet-https=true",
    "--deserialization-cache-size=1000",
    "--target-ram-mb=1024",
    "--logtostderr=true",
    "--logtostderr",
    "--alsologtostderr",
    "--log-dir=/var/log/kubernetes",
    "--repair-malformed-updates=false",
    "--etcd-quorum-read=true",
    "--storage-versions=v1",
    "--ssh-user=admin",
};

START_TEST(test_removed_flags_warn)
{
	char flag_name[64];

	ck_assert_int_eq(PARSE(removed_flags[_i]), 0);
	snprintf(flag_name, sizeof(flag_name), "%.*s", (int)strcspn(removed_flags[_i], "="),
		 removed_flags[_i]);
	ck_assert_msg(err[0] == 'W', "expected a klog warning line, got:\n%s", err);
	ck_assert_contains(err, flag_name);
	ck_assert_contains(err, "ignored");
}
END_TEST

START_TEST(test_removed_flags_refused)
{
	ck_assert_int_eq(PARSE("--insecure-port=8080"), 2);
	ck_assert_contains(err, "Error: --insecure-port=8080 is not supported");
	ck_assert_int_eq(PARSE("--port=8080"), 2);
	ck_assert_int_eq(PARSE("--insecure-port=x"), 2);
	ck_assert_contains(err, "invalid argument \"x\" for \"--insecure-port\"");
	ck_assert_int_eq(PARSE("--basic-auth-file=/etc/kubernetes/passwords.csv"), 2);
	ck_assert_contains(err, "Error: --basic-auth-file is not supported");
	/* A removed bool still does not take the next argument. */
	ck_assert_int_eq(PARSE("--enable-swagger-ui", "true"), 2);
	ck_assert_contains(err, "does not take any arguments");
	ck_assert_int_eq(PARSE("--kubelet-https=maybe"), 2);
}
END_TEST

START_TEST(test_admission_plugins)
{
	ck_assert_int_eq(PARSE("--enable-admission-plugins=NodeRestriction,PodSecurity"), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(cfg.enable_admission_plugins, "NodeRestriction,PodSecurity");

	ck_assert_int_eq(PARSE("--enable-admission-plugins=DenyEscalatingExec,PodPreset"), 0);
	ck_assert_contains(err, "DenyEscalatingExec was removed");
	ck_assert_contains(err, "PodPreset was removed");
	ck_assert_str_eq(cfg.enable_admission_plugins, "");

	ck_assert_int_eq(
	    PARSE("--enable-admission-plugins=NodeRestriction,PodSecurityPolicy,ResourceQuota"), 0);
	ck_assert_str_eq(cfg.enable_admission_plugins, "NodeRestriction,ResourceQuota");

	ck_assert_int_eq(PARSE("--enable-admission-plugins=NodeRestriction,Bogus"), 2);
	ck_assert_contains(err, "Error: enable-admission-plugins plugin \"Bogus\" is unknown");
	ck_assert_int_eq(PARSE("--disable-admission-plugins=Bogus"), 2);
	ck_assert_contains(err, "Error: disable-admission-plugins plugin \"Bogus\" is unknown");
	/* Names are case-sensitive upstream. */
	ck_assert_int_eq(PARSE("--enable-admission-plugins=noderestriction"), 2);

	ck_assert_int_eq(PARSE("--enable-admission-plugins=NodeRestriction,AlwaysPullImages",
			       "--disable-admission-plugins=AlwaysPullImages"),
			 2);
	ck_assert_contains(err, "Error: [AlwaysPullImages] in enable-admission-plugins and "
				"disable-admission-plugins overlapped");

	ck_assert_int_eq(PARSE("--admission-control=NamespaceLifecycle,ServiceAccount"), 0);
	ck_assert_int_eq(PARSE("--admission-control=NamespaceLifecycle",
			       "--enable-admission-plugins=NodeRestriction"),
			 2);
	ck_assert_contains(err, "mutually exclusive");

	/* --authorization-mode as BuiltInAuthorizationOptions.Validate judges it. */
	ck_assert_int_eq(PARSE("--authorization-mode=Node,RBAC"), 0);
	ck_assert_str_eq(cfg.authorization_mode, "Node,RBAC");
	ck_assert_int_eq(PARSE("--authorization-mode=Foo"), 2);
	ck_assert_str_eq(err, "Error: authorization-mode \"Foo\" is not a valid mode\n");
	ck_assert_int_eq(PARSE("--authorization-mode="), 2);
	ck_assert_str_eq(err, "Error: at least one authorization-mode must be passed\n");
	ck_assert_int_eq(PARSE("--authorization-mode=RBAC,rbac,RBAC"), 2);
	ck_assert_str_eq(err,
			 "Error: [authorization-mode \"rbac\" is not a valid mode, "
			 "authorization-mode [\"RBAC\" \"rbac\" \"RBAC\"] has mode specified more "
			 "than once]\n");
	ck_assert_int_eq(PARSE("--authorization-mode=Webhook", "--authorization-policy-file=p"), 2);
	ck_assert_str_eq(err,
			 "Error: [authorization-mode Webhook's authorization config file not "
			 "passed, cannot specify --authorization-policy-file without mode ABAC]\n");

	/* Repeats append, like pflag's string slices. */
	ck_assert_int_eq(PARSE("--enable-admission-plugins=NodeRestriction",
			       "--enable-admission-plugins=Priority"),
			 0);
	ck_assert_str_eq(cfg.enable_admission_plugins, "NodeRestriction,Priority");
}
END_TEST

START_TEST(test_runtime_config)
{
	ck_assert_int_eq(PARSE("--runtime-config=apps/v1=false,api/all=true,v1"), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(cfg.runtime_config, "apps/v1=false,api/all=true,v1");

	ck_assert_int_eq(
	    PARSE("--runtime-config=autoscaling/v2beta1=true,settings.k8s.io/v1alpha1=true"), 0);
	ck_assert_contains(err, "autoscaling/v2beta1");
	ck_assert_contains(err, "settings.k8s.io/v1alpha1");
	ck_assert_str_eq(cfg.runtime_config, "");

	ck_assert_int_eq(PARSE("--runtime-config=batch/v1=true,extensions/v1beta1=true"), 0);
	ck_assert_contains(err, "extensions/v1beta1");
	ck_assert_lacks(err, "batch/v1");
	ck_assert_str_eq(cfg.runtime_config, "batch/v1=true");

	ck_assert_int_eq(PARSE("--runtime-config=apps/v1=maybe"), 2);
	ck_assert_contains(err,
			   "Error: invalid argument \"apps/v1=maybe\" for \"--runtime-config\" "
			   "flag: invalid value of apps/v1: maybe");
}
END_TEST

START_TEST(test_tls_min_version)
{
	static const char *const good[] = {
	    "--tls-min-version=VersionTLS10", "--tls-min-version=VersionTLS11",
	    "--tls-min-version=VersionTLS12", "--tls-min-version=VersionTLS13"};

	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(PARSE(good[i]), 0);
		ck_assert_str_eq(cfg.tls_min_version, strchr(good[i], '=') + 1);
	}
	ck_assert_int_eq(PARSE("--tls-min-version=VersionTLS14"), 2);
	ck_assert_contains(err,
			   "Error: invalid argument \"VersionTLS14\" for \"--tls-min-version\" "
			   "flag: unknown tls version \"VersionTLS14\"");
	ck_assert_int_eq(PARSE("--tls-min-version=TLS12"), 2);
	ck_assert_int_eq(PARSE("--tls-min-version=versiontls12"), 2);
}
END_TEST

START_TEST(test_tls_cipher_suites)
{
	ck_assert_int_eq(PARSE("--tls-cipher-suites=TLS_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_"
			       "CBC_SHA,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"),
			 0);
	ck_assert_str_eq(cfg.tls_cipher_suites, "TLS_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_"
						"SHA,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305");
	ck_assert_int_eq(PARSE("--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
			       "TLS_FAKE_WITH_NOTHING"),
			 2);
	ck_assert_contains(err, "Error: invalid argument \"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
				"TLS_FAKE_WITH_NOTHING\" for \"--tls-cipher-suites\" flag: Cipher "
				"suite TLS_FAKE_WITH_NOTHING not supported or doesn't exist");
	ck_assert_int_eq(PARSE("--tls-cipher-suites=ECDHE-RSA-AES128-GCM-SHA256"), 2);
}
END_TEST

START_TEST(test_openssl_cipher_names)
{
	ck_assert_str_eq(config_openssl_cipher_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
			 "ECDHE-RSA-AES128-GCM-SHA256");
	ck_assert_str_eq(config_openssl_cipher_name("TLS_RSA_WITH_AES_256_CBC_SHA"), "AES256-SHA");
	ck_assert_str_eq(config_openssl_cipher_name("TLS_RSA_WITH_AES_128_CBC_SHA"), "AES128-SHA");
	ck_assert_str_eq(config_openssl_cipher_name("TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
			 "DES-CBC3-SHA");
	ck_assert_str_eq(config_openssl_cipher_name("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
			 "ECDHE-ECDSA-AES256-GCM-SHA384");
	ck_assert_str_eq(config_openssl_cipher_name("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"),
			 "ECDHE-RSA-CHACHA20-POLY1305");
	ck_assert_str_eq(config_openssl_cipher_name("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
			 "ECDHE-RSA-CHACHA20-POLY1305");
	ck_assert_str_eq(config_openssl_cipher_name("TLS_AES_256_GCM_SHA384"),
			 "TLS_AES_256_GCM_SHA384");
	ck_assert_str_eq(config_openssl_cipher_name("TLS_CHACHA20_POLY1305_SHA256"),
			 "TLS_CHACHA20_POLY1305_SHA256");
	ck_assert_ptr_null(config_openssl_cipher_name("TLS_FAKE"));
	ck_assert_ptr_null(config_openssl_cipher_name("AES128-SHA"));
	ck_assert_ptr_null(config_openssl_cipher_name(""));
	ck_assert_ptr_null(config_openssl_cipher_name(NULL));
}
END_TEST

/* Every name --tls-cipher-suites accepts maps to an OpenSSL name, and vice versa. */
static const char *const go_cipher_names[] = {
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_RC4_128_SHA",
};

START_TEST(test_every_go_cipher_name)
{
	const char *name = go_cipher_names[_i];
	const char *ossl = config_openssl_cipher_name(name);
	char arg[128];

	ck_assert_ptr_nonnull(ossl);
	/* TLS 1.3 suites keep their TLS_ name; TLS 1.2 ones never start with it. */
	ck_assert_int_eq(strncmp(ossl, "TLS_", 4) == 0, strstr(name, "_WITH_") == NULL);
	snprintf(arg, sizeof(arg), "--tls-cipher-suites=%s", name);
	ck_assert_int_eq(PARSE(arg), 0);
}
END_TEST

START_TEST(test_repeated_lists)
{
	ck_assert_int_eq(PARSE("--api-audiences=a", "--api-audiences=b,c"), 0);
	ck_assert_str_eq(cfg.api_audiences, "a,b,c");
	/* The first use replaces a default rather than appending to it. */
	ck_assert_int_eq(PARSE("--oidc-signing-algs=ES256"), 0);
	ck_assert_str_eq(cfg.oidc_signing_algs, "ES256");
	ck_assert_int_eq(
	    PARSE("--service-account-key-file=/a.pub", "--service-account-key-file", "/b.pub"), 0);
	ck_assert_str_eq(cfg.service_account_key_files, "/a.pub\n/b.pub");
	ck_assert_int_eq(
	    PARSE("--tls-sni-cert-key=a.crt,a.key:*.a.com,a.com", "--tls-sni-cert-key=b.crt,b.key"),
	    0);
	ck_assert_str_eq(cfg.tls_sni_cert_keys, "a.crt,a.key:*.a.com,a.com\nb.crt,b.key");
	ck_assert_int_eq(PARSE("--service-account-issuer=https://kubernetes.default.svc",
			       "--service-account-issuer=https://old.example"),
			 0);
	ck_assert_str_eq(cfg.service_account_issuers,
			 "https://kubernetes.default.svc\nhttps://old.example");
	ck_assert_int_eq(PARSE("--oidc-required-claim=a=1", "--oidc-required-claim=b=2"), 0);
	ck_assert_str_eq(cfg.oidc_required_claims, "a=1,b=2");
	ck_assert_int_eq(PARSE("--oidc-required-claim=novalue"), 2);
	ck_assert_contains(err, "must be formatted as key=value");
}
END_TEST

START_TEST(test_feature_gates)
{
	ck_assert_int_eq(PARSE("--feature-gates=AllAlpha=false,WatchList=true"), 0);
	ck_assert_str_eq(cfg.feature_gates, "AllAlpha=false,WatchList=true");
	ck_assert_int_eq(PARSE("--feature-gates=WatchList"), 2);
	ck_assert_int_eq(PARSE("--feature-gates=WatchList=true,Foo"), 2);
	ck_assert_contains(err, "missing bool value for Foo");
	ck_assert_int_eq(PARSE("--feature-gates=WatchList=maybe"), 2);
	ck_assert_contains(err, "invalid value of WatchList=maybe");
}
END_TEST

START_TEST(test_service_node_port_range)
{
	ck_assert_int_eq(PARSE("--service-node-port-range=60-40000"), 0);
	ck_assert_int_eq(cfg.service_node_port_min, 60);
	ck_assert_int_eq(cfg.service_node_port_max, 40000);
	ck_assert_int_eq(PARSE("--service-node-port-range=30000+100"), 0);
	ck_assert_int_eq(cfg.service_node_port_min, 30000);
	ck_assert_int_eq(cfg.service_node_port_max, 30100);
	ck_assert_int_eq(PARSE("--service-node-port-range=30000"), 0);
	ck_assert_int_eq(cfg.service_node_port_max, 30000);
	ck_assert_int_eq(PARSE("--service-node-port-range=40000-60"), 2);
	ck_assert_contains(err, "end port cannot be less than start port");
	ck_assert_int_eq(PARSE("--service-node-port-range=1-70000"), 2);
	ck_assert_int_eq(PARSE("--service-node-port-range=a-b"), 2);
	ck_assert_contains(err, "unable to parse port range: a-b");
	ck_assert_int_eq(PARSE("--service-node-port-range=1-"), 2);
	ck_assert_int_eq(PARSE("--service-node-port-range=1--2"), 2);
}
END_TEST

START_TEST(test_addresses)
{
	ck_assert_int_eq(PARSE("--bind-address=::", "--advertise-address=10.1.2.3"), 0);
	ck_assert_str_eq(cfg.bind_address, "::");
	ck_assert_str_eq(cfg.advertise_address, "10.1.2.3");
	ck_assert_int_eq(PARSE("--bind-address=localhost"), 2);
	ck_assert_contains(err,
			   "Error: invalid argument \"localhost\" for \"--bind-address\" flag: "
			   "failed to parse IP: \"localhost\"");
	ck_assert_int_eq(PARSE("--advertise-address=10.1.2"), 2);

	ck_assert_int_eq(PARSE("--service-cluster-ip-range=10.96.0.0/12"), 0);
	ck_assert_str_eq(cfg.service_cluster_ip_range, "10.96.0.0/12");
	ck_assert_int_eq(PARSE("--service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/108"), 0);
	ck_assert_int_eq(PARSE("--service-cluster-ip-range=10.96.0.0"), 2);
	ck_assert_contains(err, "invalid CIDR address: 10.96.0.0");
	ck_assert_int_eq(PARSE("--service-cluster-ip-range=10.96.0.0/33"), 2);
	ck_assert_int_eq(PARSE("--service-cluster-ip-range=10.96.0.0/12x"), 2);
	ck_assert_int_eq(PARSE("--service-cluster-ip-range=10.96.0.0/12,10.100.0.0/16"), 2);
	ck_assert_int_eq(PARSE("--service-cluster-ip-range=10.0.0.0/8,fd00::/108,fd01::/108"), 2);
}
END_TEST

START_TEST(test_help)
{
	ck_assert_int_eq(PARSE("--help"), 1);
	ck_assert_contains(out, "Usage:\n  pgkube-apiserver [flags]");
	ck_assert_contains(out, "--secure-port int");
	ck_assert_contains(out, "--storage-dsn string");
	ck_assert_contains(out, "--workers int");
	ck_assert_contains(out, "-v, --v int");
	ck_assert_contains(out, "-h, --help");
	ck_assert_contains(out, "--tls-min-version string");
	ck_assert_lacks(out, "--etcd-servers ");
	ck_assert_lacks(out, "--insecure-port");
	ck_assert_lacks(out, "--basic-auth-file");
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(PARSE("-h"), 1);
	ck_assert_contains(out, "--secure-port");
	ck_assert_int_eq(PARSE("--help=false"), 0);
	ck_assert_str_eq(out, "");
	/* Help wins over positional arguments, as in cobra; parse errors win over help. */
	ck_assert_int_eq(PARSE("--help", "extra"), 1);
	ck_assert_int_eq(PARSE("--help", "--foo"), 2);
}
END_TEST

/*
 * Every flag --help lists parses with a plausible value of its kind. Help
 * lines are "  [-v, ]--name kind  usage"; a bool has no kind.
 */
START_TEST(test_every_listed_flag_parses)
{
	char help[sizeof(out)], arg[256], *save = NULL;
	int count = 0;

	ck_assert_int_eq(PARSE("--help"), 1);
	memcpy(help, out, sizeof(help));
	for (char *line = strtok_r(help, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *dashes = strstr(line, "--"), name[96] = "", kind[32] = "";
		const char *value = "x";
		size_t len;

		if (!dashes || dashes - line > 8)
			continue;
		len = strcspn(dashes + 2, " ");
		snprintf(name, sizeof(name), "%.*s", (int)len, dashes + 2);
		if (dashes[2 + len] == ' ' && dashes[3 + len] != ' ')
			sscanf(dashes + 3 + len, "%31s", kind);
		if (strcmp(name, "help") == 0 || strcmp(name, "version") == 0)
			continue;
		if (strcmp(kind, "int") == 0 || strcmp(kind, "float") == 0)
			value = "1";
		else if (strcmp(kind, "duration") == 0)
			value = "1m";
		else if (strcmp(kind, "ip") == 0)
			value = "10.0.0.1";
		else if (strcmp(kind, "mapStringString") == 0)
			value = "a=true";
		if (strcmp(name, "tls-min-version") == 0)
			value = "VersionTLS13";
		else if (strcmp(name, "tls-cipher-suites") == 0)
			value = "TLS_AES_128_GCM_SHA256";
		else if (strstr(name, "admission-") && strcmp(kind, "strings") == 0)
			value = "NamespaceLifecycle";
		else if (strcmp(name, "runtime-config") == 0)
			value = "apps/v1=true";
		else if (strcmp(name, "storage-backend") == 0)
			value = "postgres";
		else if (strcmp(name, "service-cluster-ip-range") == 0)
			value = "10.96.0.0/12";
		else if (strcmp(name, "service-node-port-range") == 0)
			value = "30000-32767";
		else if (strcmp(name, "authorization-mode") == 0)
			value = "Node,RBAC";
		if (kind[0])
			snprintf(arg, sizeof(arg), "--%s=%s", name, value);
		else
			snprintf(arg, sizeof(arg), "--%s", name);
		/* The authorizers' files need their modes. */
		if (strcmp(name, "authorization-policy-file") == 0)
			ck_assert_msg(PARSE(arg, "--authorization-mode=ABAC") == 0, "%s: %s", arg,
				      err);
		else if (strcmp(name, "authorization-webhook-config-file") == 0)
			ck_assert_msg(PARSE(arg, "--authorization-mode=Webhook") == 0, "%s: %s",
				      arg, err);
		else
			ck_assert_msg(PARSE(arg) == 0, "%s: %s", arg, err);
		ck_assert_msg(strstr(err, "Error") == NULL, "%s: %s", arg, err);
		count++;
	}
	/* v1.32 lists about 160 (plus hidden, etcd, -h, --version); pgkube adds two. */
	ck_assert_int_ge(count, 160);
}
END_TEST

START_TEST(test_version)
{
	ck_assert_str_eq(PGKUBE_GIT_VERSION, "v1.32.0+pgkube.0.1.0");
	ck_assert_int_eq(PARSE("--version"), 1);
	ck_assert_str_eq(out, "Kubernetes v1.32.0+pgkube.0.1.0\n");
	ck_assert_int_eq(PARSE("--version=raw"), 1);
	ck_assert_str_eq(out, "Kubernetes v1.32.0+pgkube.0.1.0\n");
	ck_assert_int_eq(PARSE("--version=true"), 1);
	ck_assert_int_eq(PARSE("--version=false"), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(PARSE("--version=maybe"), 2);
	/* Like a bool, --version does not take the next argument. */
	ck_assert_int_eq(PARSE("--version", "raw"), 2);
	ck_assert_int_eq(PARSE("--version", "--foo"), 2);
}
END_TEST

/*
 * The example manifest of SEED-kube-apiserver.md, minus its etcd flags,
 * with the placeholders filled in.
 */
START_TEST(test_seed_manifest)
{
	ck_assert_int_eq(
	    PARSE("--bind-address=0.0.0.0", "--anonymous-auth=false", "--insecure-port=0",
		  "--secure-port=6443", "--authorization-mode=RBAC",
		  "--service-cluster-ip-range=10.254.0.0/16",
		  "--enable-admission-plugins=DenyEscalatingExec,PodPreset",
		  "--requestheader-client-ca-file=/etc/kubernetes/ssl/ca.crt",
		  "--proxy-client-cert-file=/etc/kubernetes/ssl/server.crt",
		  "--proxy-client-key-file=/etc/kubernetes/ssl/server.key",
		  "--requestheader-allowed-names=aggregator",
		  "--requestheader-extra-headers-prefix=X-Remote-Extra-",
		  "--requestheader-group-headers=X-Remote-Group",
		  "--requestheader-username-headers=X-Remote-User",
		  "--service-account-key-file=/etc/kubernetes/ssl/kube-serviceaccount.key",
		  "--tls-cert-file=/etc/kubernetes/ssl/server.crt",
		  "--tls-private-key-file=/etc/kubernetes/ssl/server.key",
		  "--client-ca-file=/etc/kubernetes/ssl/ca.crt",
		  "--kubelet-client-certificate=/etc/kubernetes/ssl/server.crt",
		  "--kubelet-client-key=/etc/kubernetes/ssl/server.key",
		  "--encryption-provider-config=/etc/kubernetes/cfg/apiserver-encryption.yaml",
		  "--v=1", "--service-node-port-range=60-40000", "--allow-privileged=true",
		  "--logtostderr=true",
		  "--runtime-config=autoscaling/v2beta1=true,settings.k8s.io/v1alpha1=true",
		  "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_"
		  "AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_"
		  "128_CBC_SHA,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256,"
		  "TLS_RSA_WITH_AES_256_CBC_SHA,TLS_RSA_WITH_AES_128_CBC_SHA"),
	    0);
	ck_assert(!cfg.anonymous_auth);
	ck_assert_int_eq(cfg.secure_port, 6443);
	ck_assert_str_eq(cfg.authorization_mode, "RBAC");
	ck_assert_str_eq(cfg.service_cluster_ip_range, "10.254.0.0/16");
	ck_assert_str_eq(cfg.requestheader_allowed_names, "aggregator");
	ck_assert_str_eq(cfg.requestheader_username_headers, "X-Remote-User");
	ck_assert_str_eq(cfg.service_account_key_files,
			 "/etc/kubernetes/ssl/kube-serviceaccount.key");
	ck_assert_str_eq(cfg.client_ca_file, "/etc/kubernetes/ssl/ca.crt");
	ck_assert_str_eq(cfg.encryption_provider_config,
			 "/etc/kubernetes/cfg/apiserver-encryption.yaml");
	ck_assert_int_eq(cfg.verbosity, 1);
	ck_assert_int_eq(cfg.service_node_port_min, 60);
	ck_assert(cfg.allow_privileged);
	ck_assert_contains(err, "insecure-port");
	ck_assert_contains(err, "DenyEscalatingExec");
	ck_assert_contains(err, "PodPreset");
	ck_assert_contains(err, "logtostderr");
	ck_assert_contains(err, "autoscaling/v2beta1");
	ck_assert_lacks(err, "Error");
}
END_TEST

/* The same list with `--flag value` where pflag allows it. */
START_TEST(test_seed_manifest_separate_values)
{
	ck_assert_int_eq(
	    PARSE("--bind-address", "0.0.0.0", "--anonymous-auth=false", "--insecure-port", "0",
		  "--secure-port", "6443", "--authorization-mode", "RBAC",
		  "--service-cluster-ip-range", "10.254.0.0/16", "--enable-admission-plugins",
		  "DenyEscalatingExec,PodPreset", "--v", "1", "--service-node-port-range",
		  "60-40000", "--allow-privileged", "--logtostderr", "--runtime-config",
		  "autoscaling/v2beta1=true,settings.k8s.io/v1alpha1=true"),
	    0);
	ck_assert_int_eq(cfg.verbosity, 1);
	ck_assert(cfg.allow_privileged);
}
END_TEST

static Suite *flags_suite(void)
{
	Suite *suite = suite_create("flags");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_equals_and_separate_value);
	tcase_add_test(tc, test_underscores_read_as_dashes);
	tcase_add_test(tc, test_verbosity);
	tcase_add_test(tc, test_bool_forms);
	tcase_add_test(tc, test_bool_never_takes_next_argument);
	tcase_add_loop_test(tc, test_durations, 0, (int)(sizeof(durations) / sizeof(durations[0])));
	tcase_add_test(tc, test_bad_durations);
	tcase_add_test(tc, test_ints);
	tcase_add_test(tc, test_workers);
	tcase_add_test(tc, test_unknown_flag);
	tcase_add_test(tc, test_missing_value);
	tcase_add_test(tc, test_positional_arguments);
	tcase_add_loop_test(tc, test_etcd_flags_refused, 0,
			    (int)(sizeof(etcd_flags) / sizeof(etcd_flags[0])));
	tcase_add_test(tc, test_etcd_flags_refused_in_separate_form);
	tcase_add_test(tc, test_storage_flags_accepted);
	tcase_add_loop_test(tc, test_removed_flags_warn, 0,
			    (int)(sizeof(removed_flags) / sizeof(removed_flags[0])));
	tcase_add_test(tc, test_removed_flags_refused);
	tcase_add_test(tc, test_admission_plugins);
	tcase_add_test(tc, test_runtime_config);
	tcase_add_test(tc, test_tls_min_version);
	tcase_add_test(tc, test_tls_cipher_suites);
	tcase_add_test(tc, test_openssl_cipher_names);
	tcase_add_loop_test(tc, test_every_go_cipher_name, 0,
			    (int)(sizeof(go_cipher_names) / sizeof(go_cipher_names[0])));
	tcase_add_test(tc, test_repeated_lists);
	tcase_add_test(tc, test_feature_gates);
	tcase_add_test(tc, test_service_node_port_range);
	tcase_add_test(tc, test_addresses);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_every_listed_flag_parses);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_seed_manifest);
	tcase_add_test(tc, test_seed_manifest_separate_values);
	suite_add_tcase(suite, tc);
	return suite;
}

int main(void)
{
	SRunner *runner = srunner_create(flags_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
