/*
 * flags.c - kube-apiserver's command line, read the way Go's pflag reads it.
 *
 * One table lists every flag kube-apiserver v1.32 accepts, pgkube's own
 * (--storage-dsn, --workers) and the removed flags old manifests still
 * carry. A row says how to read the value (its kind), where it lands in
 * struct config (or that it is checked and dropped), its default, and an
 * optional check for what a kind alone cannot judge (TLS names, admission
 * plugins, --runtime-config, ...). The parser is generic: find the row, read
 * the value, store it, run the check. Defaults take the same path, so a
 * default in the table is exactly what the flag would set.
 *
 * Syntax is pflag's: --flag=value, --flag value, -v=2, -v 2, -v2; a bool
 * flag alone means true and never takes the next argument; '_' in a name
 * reads as '-' (kube-apiserver's WordSepNormalizeFunc). Errors use pflag
 * and cobra wording ("Error: unknown flag: --foo") and return 2. The etcd
 * flags fail with a pointer to --storage-dsn; flags naming things upstream
 * removed are accepted with a warning where that is harmless.
 */
#include "shared/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/log.h"

enum flag_kind { BOOL, INT, INT64, FLOAT, DURATION, STRING, IP, LIST, ARRAY, MAP, VERSION };

enum flag_status {
	ACCEPTED, /* listed by --help */
	HIDDEN,	  /* accepted, hidden from --help (upstream hides it too) */
	REMOVED,  /* gone upstream: value checked, dropped, warned about */
	REFUSED,  /* gone upstream and unsafe to ignore */
	ETCD,	  /* names etcd; pgkube keeps state in PostgreSQL */
};

enum check_result { CHECK_OK, CHECK_BAD_VALUE, CHECK_REFUSED };

struct parse_state;
struct flag;
/* Judges what a kind alone cannot; may warn, or adjust the stored value. */
typedef enum check_result flag_check(struct parse_state *ps, const struct flag *flag,
				     const char *value, char *why, size_t why_len);

struct flag {
	const char *name;
	enum flag_kind kind;
	size_t slot;	   /* 1 + offset into struct config; 0 = checked and dropped */
	const char *def;   /* default, read like a command-line value */
	const char *usage; /* --help text; for removed and refused flags, the reason */
	enum flag_status status;
	int min, max;	/* bounds of an INT when min < max */
	char shorthand; /* 'v' for -v, 'h' for -h */
	flag_check *check;
};

/*
 * Table rows. KEEP stores the value in a struct config field; DROP checks it
 * and drops it; GONE and REFUSE are flags upstream removed; ETCD_ONLY names
 * etcd. Trailing arguments are more designated initializers (.min, .check).
 */
#define AT(field) (offsetof(struct config, field) + 1)
/* clang-format off */
#define KEEP(flag_name, flag_kind, field, default_value, help, ...) \
	{.name = flag_name, .kind = flag_kind, .slot = AT(field), .def = default_value, \
	 .usage = help, __VA_ARGS__}
#define DROP(flag_name, flag_kind, help, ...) \
	{.name = flag_name, .kind = flag_kind, .usage = help, __VA_ARGS__}
#define GONE(flag_name, flag_kind, why, ...) \
	{.name = flag_name, .kind = flag_kind, .usage = why, .status = REMOVED, __VA_ARGS__}
#define REFUSE(flag_name, flag_kind, why) \
	{.name = flag_name, .kind = flag_kind, .usage = why, .status = REFUSED}
#define ETCD_ONLY(flag_name, flag_kind) {.name = flag_name, .kind = flag_kind, .status = ETCD}
/* clang-format on */

static flag_check check_verbosity, check_help, check_version, check_storage_backend,
    check_insecure_port, check_tls_min_version, check_cipher_suites, check_admission_plugins,
    check_runtime_config, check_feature_gates, check_port_range, check_cidrs;

/*
 * The flags of kube-apiserver v1.32 (its command-line reference, checked
 * against cmd/kube-apiserver, pkg/controlplane/apiserver/options and the
 * option sets from k8s.io/apiserver and component-base; flags added in
 * v1.33+ such as --emulation-forward-compatible are left out), then pgkube's
 * own, then removed ones. Sorted by name in each group, the --help order.
 */
static const struct flag flags[] = {
    KEEP("admission-control", LIST, admission_control, NULL,
	 "Deprecated: use --enable-admission-plugins or --disable-admission-plugins.",
	 .check = check_admission_plugins),
    KEEP("admission-control-config-file", STRING, admission_control_config_file, NULL,
	 "File with admission control configuration."),
    KEEP("advertise-address", IP, advertise_address, NULL,
	 "IP address advertised to members of the cluster (default: --bind-address)."),
    KEEP("aggregator-reject-forwarding-redirect", BOOL, aggregator_reject_forwarding_redirect,
	 "true", "Aggregator rejects forwarding redirect responses back to the client."),
    DROP("allow-metric-labels", MAP, "Allow-list of metric label values."),
    DROP("allow-metric-labels-manifest", STRING, "File with the metric label allow-list."),
    KEEP("allow-privileged", BOOL, allow_privileged, NULL, "If true, allow privileged containers."),
    KEEP("anonymous-auth", BOOL, anonymous_auth, "true",
	 "Enables anonymous requests to the secure port (user system:anonymous)."),
    KEEP("api-audiences", LIST, api_audiences, NULL,
	 "Audiences service account tokens must be bound to (default: the issuer)."),
    KEEP("apiserver-count", INT, apiserver_count, "1",
	 "Deprecated: number of apiservers, for --endpoint-reconciler-type=master-count.", .min = 1,
	 .max = INT_MAX),
    DROP("audit-log-batch-buffer-size", INT, "Audit log: events buffered before batching."),
    DROP("audit-log-batch-max-size", INT, "Audit log: maximum batch size."),
    DROP("audit-log-batch-max-wait", DURATION, "Audit log: longest wait to fill a batch."),
    DROP("audit-log-batch-throttle-burst", INT, "Audit log: batch throttling burst."),
    DROP("audit-log-batch-throttle-enable", BOOL, "Audit log: throttle batches."),
    DROP("audit-log-batch-throttle-qps", FLOAT, "Audit log: batches per second."),
    DROP("audit-log-compress", BOOL, "Audit log: gzip rotated files."),
    KEEP("audit-log-format", STRING, audit_log_format, "json", "Audit log format: legacy, json."),
    KEEP("audit-log-maxage", INT, audit_log_maxage, NULL, "Days to keep old audit log files.",
	 .min = 0, .max = INT_MAX),
    KEEP("audit-log-maxbackup", INT, audit_log_maxbackup, NULL,
	 "Old audit log files to keep (0: no limit).", .min = 0, .max = INT_MAX),
    KEEP("audit-log-maxsize", INT, audit_log_maxsize, NULL,
	 "Megabytes an audit log file grows to before rotation.", .min = 0, .max = INT_MAX),
    KEEP("audit-log-mode", STRING, audit_log_mode, "blocking",
	 "Audit log mode: batch, blocking, blocking-strict."),
    KEEP("audit-log-path", STRING, audit_log_path, NULL, "Audit log file; '-' means stdout."),
    DROP("audit-log-truncate-enabled", BOOL, "Audit log: truncate large events."),
    DROP("audit-log-truncate-max-batch-size", INT, "Audit log: largest batch in bytes."),
    DROP("audit-log-truncate-max-event-size", INT, "Audit log: largest event in bytes."),
    DROP("audit-log-version", STRING, "Audit log: API version of the events."),
    KEEP("audit-policy-file", STRING, audit_policy_file, NULL, "File with the audit policy."),
    DROP("audit-webhook-batch-buffer-size", INT, "Audit webhook: events buffered."),
    DROP("audit-webhook-batch-max-size", INT, "Audit webhook: maximum batch size."),
    DROP("audit-webhook-batch-max-wait", DURATION, "Audit webhook: longest batch wait."),
    DROP("audit-webhook-batch-throttle-burst", INT, "Audit webhook: throttling burst."),
    DROP("audit-webhook-batch-throttle-enable", BOOL, "Audit webhook: throttle batches."),
    DROP("audit-webhook-batch-throttle-qps", FLOAT, "Audit webhook: batches per second."),
    KEEP("audit-webhook-config-file", STRING, audit_webhook_config_file, NULL,
	 "Kubeconfig file of the audit webhook."),
    DROP("audit-webhook-initial-backoff", DURATION, "Audit webhook: first retry delay."),
    KEEP("audit-webhook-mode", STRING, audit_webhook_mode, "batch",
	 "Audit webhook mode: batch, blocking, blocking-strict."),
    DROP("audit-webhook-truncate-enabled", BOOL, "Audit webhook: truncate large events."),
    DROP("audit-webhook-truncate-max-batch-size", INT, "Audit webhook: largest batch."),
    DROP("audit-webhook-truncate-max-event-size", INT, "Audit webhook: largest event."),
    DROP("audit-webhook-version", STRING, "Audit webhook: API version of the events."),
    KEEP("authentication-config", STRING, authentication_config, NULL,
	 "File with the structured authentication configuration (JWT, anonymous)."),
    KEEP("authentication-token-webhook-cache-ttl", DURATION,
	 authentication_token_webhook_cache_ttl_seconds, "2m",
	 "How long to cache webhook token authenticator answers."),
    KEEP("authentication-token-webhook-config-file", STRING,
	 authentication_token_webhook_config_file, NULL,
	 "Kubeconfig file of the token authentication webhook."),
    KEEP("authentication-token-webhook-version", STRING, authentication_token_webhook_version,
	 "v1beta1", "TokenReview version sent to the webhook."),
    KEEP("authorization-config", STRING, authorization_config, NULL,
	 "File with the structured authorization configuration."),
    KEEP("authorization-mode", LIST, authorization_mode, NULL,
	 "Authorizers in order: AlwaysAllow, AlwaysDeny, ABAC, Webhook, RBAC, Node."),
    KEEP("authorization-policy-file", STRING, authorization_policy_file, NULL,
	 "ABAC policy file, for --authorization-mode=ABAC."),
    KEEP("authorization-webhook-cache-authorized-ttl", DURATION,
	 authorization_webhook_cache_authorized_ttl_seconds, "5m",
	 "How long to cache 'authorized' webhook answers."),
    KEEP("authorization-webhook-cache-unauthorized-ttl", DURATION,
	 authorization_webhook_cache_unauthorized_ttl_seconds, "30s",
	 "How long to cache 'unauthorized' webhook answers."),
    KEEP("authorization-webhook-config-file", STRING, authorization_webhook_config_file, NULL,
	 "Kubeconfig file of the authorization webhook."),
    KEEP("authorization-webhook-version", STRING, authorization_webhook_version, "v1beta1",
	 "SubjectAccessReview version sent to the webhook."),
    KEEP("bind-address", IP, bind_address, "0.0.0.0", "IP address to listen on for --secure-port."),
    KEEP("cert-dir", STRING, cert_dir, "/var/run/kubernetes",
	 "Directory of the TLS certificates when --tls-cert-file is not given."),
    KEEP("client-ca-file", STRING, client_ca_file, NULL,
	 "CA bundle that authenticates client certificates (CN = user, O = groups)."),
    DROP("cloud-config", STRING, "Cloud provider configuration file (ignored)."),
    DROP("cloud-provider", STRING, "Cloud provider (ignored; only external is left)."),
    DROP("contention-profiling", BOOL, "Go block profiling (ignored)."),
    KEEP("cors-allowed-origins", LIST, cors_allowed_origins, NULL,
	 "Regular expressions of origins allowed by CORS."),
    DROP("debug-socket-path", STRING, "Unix socket for Go profiling (ignored)."),
    KEEP("default-not-ready-toleration-seconds", INT, default_not_ready_toleration_seconds, "300",
	 "tolerationSeconds of the default notReady:NoExecute toleration."),
    KEEP("default-unreachable-toleration-seconds", INT, default_unreachable_toleration_seconds,
	 "300", "tolerationSeconds of the default unreachable:NoExecute toleration."),
    DROP("default-watch-cache-size", INT, "Watch cache size (ignored: no watch cache)."),
    KEEP("delete-collection-workers", INT, delete_collection_workers, "1",
	 "Workers for DeleteCollection calls.", .min = 1, .max = INT_MAX),
    KEEP("disable-admission-plugins", LIST, disable_admission_plugins, NULL,
	 "Admission plugins to disable although enabled by default.",
	 .check = check_admission_plugins),
    DROP("disable-http2-serving", BOOL, "Disable HTTP/2 (pgkube serves HTTP/1.1)."),
    DROP("disabled-metrics", LIST, "Metrics to disable."),
    DROP("egress-selector-config-file", STRING, "Egress selector configuration (ignored)."),
    DROP("emulated-version", LIST, "Version whose behaviour to emulate (ignored)."),
    KEEP("enable-admission-plugins", LIST, enable_admission_plugins, NULL,
	 "Admission plugins to enable besides the default ones.", .check = check_admission_plugins),
    KEEP("enable-aggregator-routing", BOOL, enable_aggregator_routing, NULL,
	 "Route aggregated API requests to endpoint IPs rather than the service IP."),
    KEEP("enable-bootstrap-token-auth", BOOL, enable_bootstrap_token_auth, NULL,
	 "Accept bootstrap token secrets in kube-system for authentication."),
    KEEP("enable-garbage-collector", BOOL, enable_garbage_collector, "true",
	 "Enables the generic garbage collector."),
    DROP("enable-logs-handler", BOOL, "Deprecated: serve /logs (ignored)."),
    KEEP("enable-priority-and-fairness", BOOL, enable_priority_and_fairness, "true",
	 "Queue requests by priority and fairness instead of plain max-in-flight limits."),
    KEEP("encryption-provider-config", STRING, encryption_provider_config, NULL,
	 "File with the encryption-at-rest configuration."),
    KEEP("encryption-provider-config-automatic-reload", BOOL,
	 encryption_provider_config_automatic_reload, NULL,
	 "Reload --encryption-provider-config when the file changes."),
    KEEP("endpoint-reconciler-type", STRING, endpoint_reconciler_type, "lease",
	 "Endpoint reconciler: master-count, lease, none."),
    ETCD_ONLY("etcd-cafile", STRING),
    ETCD_ONLY("etcd-certfile", STRING),
    KEEP("etcd-compaction-interval", DURATION, etcd_compaction_interval_seconds, "5m",
	 "Interval of change-log compaction; 0 disables it."),
    DROP("etcd-count-metric-poll-period", DURATION, "Object count metric period (ignored)."),
    DROP("etcd-db-metric-poll-interval", DURATION, "Database size metric period (ignored)."),
    DROP("etcd-healthcheck-timeout", DURATION, "Storage health check timeout (ignored)."),
    ETCD_ONLY("etcd-keyfile", STRING),
    ETCD_ONLY("etcd-prefix", STRING),
    DROP("etcd-readycheck-timeout", DURATION, "Storage readiness check timeout (ignored)."),
    ETCD_ONLY("etcd-servers", LIST),
    ETCD_ONLY("etcd-servers-overrides", LIST),
    KEEP("event-ttl", DURATION, event_ttl_seconds, "1h", "How long to keep events."),
    KEEP("external-hostname", STRING, external_hostname, NULL,
	 "Hostname for externalized URLs (OpenID discovery)."),
    KEEP("feature-gates", MAP, feature_gates, NULL, "Feature gates, Name=true|false,...",
	 .check = check_feature_gates),
    DROP("goaway-chance", FLOAT, "Fraction of HTTP/2 requests sent GOAWAY (ignored)."),
    DROP("help", BOOL, "Help for pgkube-apiserver.", .shorthand = 'h', .check = check_help),
    DROP("http2-max-streams-per-connection", INT, "HTTP/2 stream limit (ignored)."),
    DROP("identity-lease-duration-seconds", INT, "API server identity lease duration.",
	 .status = HIDDEN),
    DROP("identity-lease-renew-interval-seconds", INT, "API server identity lease renewal.",
	 .status = HIDDEN),
    KEEP("kubelet-certificate-authority", STRING, kubelet_certificate_authority, NULL,
	 "CA file to verify kubelet serving certificates."),
    KEEP("kubelet-client-certificate", STRING, kubelet_client_certificate, NULL,
	 "Client certificate for connections to kubelets."),
    KEEP("kubelet-client-key", STRING, kubelet_client_key, NULL,
	 "Client key for connections to kubelets."),
    KEEP("kubelet-preferred-address-types", LIST, kubelet_preferred_address_types,
	 "Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP",
	 "Node address types to use for kubelet connections, in order."),
    KEEP("kubelet-timeout", DURATION, kubelet_timeout_seconds, "5s",
	 "Timeout for kubelet operations."),
    KEEP("kubernetes-service-node-port", INT, kubernetes_service_node_port, NULL,
	 "If non-zero, the kubernetes service is a NodePort on this port.", .min = 0, .max = 65535),
    KEEP("lease-reuse-duration-seconds", INT, lease_reuse_duration_seconds, "60",
	 "Seconds a lease is reused.", .min = 1, .max = INT_MAX),
    KEEP("livez-grace-period", DURATION, livez_grace_period_seconds, NULL,
	 "Time /livez assumes unfinished start-up hooks will succeed."),
    DROP("log-flush-frequency", DURATION, "Log flush interval (ignored: lines are unbuffered)."),
    DROP("log-json-info-buffer-size", STRING, "JSON log buffer size (ignored)."),
    DROP("log-json-split-stream", BOOL, "JSON logs: errors to stderr (ignored)."),
    DROP("log-text-info-buffer-size", STRING, "Text log buffer size (ignored)."),
    DROP("log-text-split-stream", BOOL, "Text logs: errors to stderr (ignored)."),
    DROP("logging-format", STRING, "Log format (pgkube writes text)."),
    DROP("max-connection-bytes-per-sec", INT64, "Per-connection throttle (ignored)."),
    KEEP("max-mutating-requests-inflight", INT, max_mutating_requests_inflight, "200",
	 "Limit of mutating requests in flight; 0 = no limit.", .min = 0, .max = INT_MAX),
    KEEP("max-requests-inflight", INT, max_requests_inflight, "400",
	 "Limit of non-mutating requests in flight; 0 = no limit.", .min = 0, .max = INT_MAX),
    KEEP("min-request-timeout", INT, min_request_timeout, "1800",
	 "Minimum seconds a watch stays open before timing out.", .min = 0, .max = INT_MAX),
    KEEP("oidc-ca-file", STRING, oidc_ca_file, NULL, "CA bundle of the OpenID issuer."),
    KEEP("oidc-client-id", STRING, oidc_client_id, NULL, "OpenID Connect client ID."),
    KEEP("oidc-groups-claim", STRING, oidc_groups_claim, NULL, "OpenID claim with the groups."),
    KEEP("oidc-groups-prefix", STRING, oidc_groups_prefix, NULL, "Prefix of OpenID groups."),
    KEEP("oidc-issuer-url", STRING, oidc_issuer_url, NULL, "URL of the OpenID issuer (https)."),
    KEEP("oidc-required-claim", MAP, oidc_required_claims, NULL,
	 "key=value claims an ID token must carry."),
    KEEP("oidc-signing-algs", LIST, oidc_signing_algs, "RS256",
	 "JOSE signing algorithms accepted in ID tokens."),
    KEEP("oidc-username-claim", STRING, oidc_username_claim, "sub",
	 "OpenID claim with the user name."),
    KEEP("oidc-username-prefix", STRING, oidc_username_prefix, NULL,
	 "Prefix of OpenID user names; '-' for none."),
    DROP("peer-advertise-ip", STRING, "IP peers proxy to (ignored)."),
    DROP("peer-advertise-port", STRING, "Port peers proxy to (ignored)."),
    DROP("peer-ca-file", STRING, "CA of peer API servers (ignored)."),
    KEEP("permit-address-sharing", BOOL, permit_address_sharing, NULL,
	 "Bind the port with SO_REUSEADDR."),
    KEEP("permit-port-sharing", BOOL, permit_port_sharing, NULL,
	 "Bind the port with SO_REUSEPORT, so several instances can share it."),
    DROP("profiling", BOOL, "Go profiling under /debug/pprof (ignored)."),
    KEEP("proxy-client-cert-file", STRING, proxy_client_cert_file, NULL,
	 "Client certificate for calls to aggregated API servers and webhooks."),
    KEEP("proxy-client-key-file", STRING, proxy_client_key_file, NULL,
	 "Private key of --proxy-client-cert-file."),
    KEEP("request-timeout", DURATION, request_timeout_seconds, "1m",
	 "Default timeout of a request."),
    KEEP("requestheader-allowed-names", LIST, requestheader_allowed_names, NULL,
	 "Client certificate CNs allowed to set user headers; empty = any."),
    KEEP("requestheader-client-ca-file", STRING, requestheader_client_ca_file, NULL,
	 "CA bundle that verifies front proxies before trusting their user headers."),
    KEEP("requestheader-extra-headers-prefix", LIST, requestheader_extra_headers_prefix, NULL,
	 "Header prefixes carrying user extras (X-Remote-Extra-)."),
    KEEP("requestheader-group-headers", LIST, requestheader_group_headers, NULL,
	 "Headers carrying groups (X-Remote-Group)."),
    KEEP("requestheader-uid-headers", LIST, requestheader_uid_headers, NULL,
	 "Headers carrying the user UID (X-Remote-Uid)."),
    KEEP("requestheader-username-headers", LIST, requestheader_username_headers, NULL,
	 "Headers carrying the user name (X-Remote-User)."),
    KEEP("runtime-config", LIST, runtime_config, NULL,
	 "group/version=true|false pairs enabling or disabling built-in APIs.",
	 .check = check_runtime_config),
    KEEP("secure-port", INT, secure_port, "6443", "Port to serve HTTPS on.", .min = 1,
	 .max = 65535),
    KEEP("service-account-extend-token-expiration", BOOL, service_account_extend_token_expiration,
	 "true", "Extend admission-injected service account tokens to one year."),
    KEEP("service-account-issuer", ARRAY, service_account_issuers, NULL,
	 "Issuer of service account tokens; repeat to accept more, the first signs."),
    KEEP("service-account-jwks-uri", STRING, service_account_jwks_uri, NULL,
	 "JWKS URI in the OpenID discovery document."),
    KEEP("service-account-key-file", ARRAY, service_account_key_files, NULL,
	 "PEM keys that verify service account tokens; repeatable."),
    KEEP("service-account-lookup", BOOL, service_account_lookup, "true",
	 "Check that service account tokens still exist."),
    KEEP("service-account-max-token-expiration", DURATION,
	 service_account_max_token_expiration_seconds, NULL,
	 "Longest validity of an issued service account token."),
    KEEP("service-account-signing-endpoint", STRING, service_account_signing_endpoint, NULL,
	 "Socket of an external JWT signer."),
    KEEP("service-account-signing-key-file", STRING, service_account_signing_key_file, NULL,
	 "Private key that signs service account tokens."),
    KEEP("service-cluster-ip-range", STRING, service_cluster_ip_range, NULL,
	 "CIDR (or two, dual-stack) to allocate service cluster IPs from.", .check = check_cidrs),
    KEEP("service-node-port-range", STRING, service_node_port_range, "30000-32767",
	 "Port range N1-N2 (or N+size) reserved for NodePort services.", .check = check_port_range),
    DROP("show-hidden-metrics-for-version", STRING, "Show hidden metrics (ignored)."),
    KEEP("shutdown-delay-duration", DURATION, shutdown_delay_seconds, NULL,
	 "Time to keep serving after TERM while /readyz fails."),
    KEEP("shutdown-send-retry-after", BOOL, shutdown_send_retry_after, NULL,
	 "While draining, answer new requests 429 with Retry-After."),
    KEEP("shutdown-watch-termination-grace-period", DURATION,
	 shutdown_watch_termination_grace_period_seconds, NULL,
	 "Longest wait for watches to drain at shutdown."),
    DROP("storage-backend", STRING, "Storage backend: postgres (etcd3 is not supported).",
	 .check = check_storage_backend),
    DROP("storage-initialization-timeout", DURATION, "Storage start-up timeout (ignored)."),
    DROP("storage-media-type", STRING, "Storage media type (ignored: pgkube stores JSON)."),
    KEEP("strict-transport-security-directives", LIST, strict_transport_security_directives, NULL,
	 "HSTS directives, e.g. max-age=31536000,includeSubDomains."),
    KEEP("tls-cert-file", STRING, tls_cert_file, NULL,
	 "Serving certificate (chain after it) for HTTPS."),
    KEEP("tls-cipher-suites", LIST, tls_cipher_suites, NULL,
	 "Cipher suites, by Go/IANA name (default: OpenSSL's).", .check = check_cipher_suites),
    KEEP("tls-min-version", STRING, tls_min_version, "VersionTLS12",
	 "Minimum TLS version: VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13.",
	 .check = check_tls_min_version),
    KEEP("tls-private-key-file", STRING, tls_private_key_file, NULL,
	 "Private key of --tls-cert-file."),
    KEEP("tls-sni-cert-key", ARRAY, tls_sni_cert_keys, NULL,
	 "cert,key[:domain,...] served by SNI; repeatable."),
    KEEP("token-auth-file", STRING, token_auth_file, NULL, "Static bearer token file."),
    DROP("tracing-config-file", STRING, "Tracing configuration (ignored)."),
    KEEP("v", INT, verbosity, "0", "Log level verbosity.", .min = 0, .max = INT_MAX,
	 .shorthand = 'v', .check = check_verbosity),
    DROP("version", VERSION, "Print version information and quit.", .check = check_version),
    DROP("vmodule", STRING, "Per-file log levels (ignored)."),
    DROP("watch-cache", BOOL, "Watch cache (ignored: watches read the change log)."),
    DROP("watch-cache-sizes", LIST, "Watch cache sizes (ignored)."),

    /* pgkube's own. */
    KEEP("storage-dsn", STRING, storage_dsn, "",
	 "PostgreSQL libpq conninfo or URI (default: the PG* environment)."),
    KEEP("workers", INT, workers, NULL, "Worker processes (default: number of online CPUs).",
	 .min = 1, .max = 4096),

    /* Removed upstream; still in old manifests. */
    GONE("address", STRING, "the insecure port was removed in Kubernetes v1.20"),
    GONE("alsologtostderr", BOOL, "klog flags were removed in v1.26; pgkube logs to stderr"),
    GONE("azure-container-registry-config", STRING, "removed in v1.30"),
    REFUSE("basic-auth-file", STRING,
	   "static password files were removed in Kubernetes v1.19 and are insecure; use client "
	   "certificates or --token-auth-file"),
    GONE("cloud-provider-gce-l7lb-src-cidrs", LIST, "removed with the in-tree cloud providers"),
    GONE("cloud-provider-gce-lb-src-cidrs", LIST, "removed with the in-tree cloud providers"),
    GONE("deserialization-cache-size", INT, "removed in v1.17"),
    GONE("enable-swagger-ui", BOOL, "removed in v1.14; /openapi/v2 is served"),
    GONE("etcd-quorum-read", BOOL, "removed in v1.13; reads are always consistent"),
    GONE("insecure-bind-address", STRING, "the insecure port was removed in Kubernetes v1.20"),
    GONE("insecure-port", INT, "the insecure port was removed in Kubernetes v1.20",
	 .check = check_insecure_port),
    GONE("kubelet-https", BOOL, "removed in v1.22; kubelets are always reached over https"),
    GONE("kubelet-port", INT, "removed in v1.22"),
    GONE("kubelet-read-only-port", INT, "removed in v1.22"),
    GONE("log-backtrace-at", STRING, "klog flags were removed in v1.26"),
    GONE("log-dir", STRING, "klog flags were removed in v1.26; pgkube logs to stderr"),
    GONE("log-file", STRING, "klog flags were removed in v1.26; pgkube logs to stderr"),
    GONE("log-file-max-size", INT, "klog flags were removed in v1.26"),
    GONE("logtostderr", BOOL, "klog flags were removed in v1.26; pgkube logs to stderr"),
    GONE("master-service-namespace", STRING, "removed in v1.27"),
    GONE("one-output", BOOL, "klog flags were removed in v1.26"),
    GONE("port", INT, "the insecure port was removed in Kubernetes v1.20",
	 .check = check_insecure_port),
    GONE("repair-malformed-updates", BOOL, "removed in v1.14"),
    GONE("skip-headers", BOOL, "klog flags were removed in v1.26"),
    GONE("skip-log-headers", BOOL, "klog flags were removed in v1.26"),
    GONE("ssh-keyfile", STRING, "SSH tunnels were removed in v1.22"),
    GONE("ssh-user", STRING, "SSH tunnels were removed in v1.22"),
    GONE("stderrthreshold", STRING, "klog flags were removed in v1.26"),
    GONE("storage-versions", STRING, "removed in v1.13"),
    GONE("target-ram-mb", INT, "removed in v1.26"),
};

#define FLAG_COUNT (sizeof(flags) / sizeof(flags[0]))

struct parse_state {
	struct config *cfg;
	bool seen[FLAG_COUNT]; /* given on the command line (not just defaulted) */
	bool want_help;
	bool want_version;
};

/* Admission plugins kube-apiserver v1.32 registers (pkg/kubeapiserver/options/plugins.go). */
static const char *const admission_plugins[] = {
    "AlwaysAdmit",
    "AlwaysDeny",
    "AlwaysPullImages",
    "CertificateApproval",
    "CertificateSigning",
    "CertificateSubjectRestriction",
    "ClusterTrustBundleAttest",
    "DefaultIngressClass",
    "DefaultStorageClass",
    "DefaultTolerationSeconds",
    "DenyServiceExternalIPs",
    "EventRateLimit",
    "ExtendedResourceToleration",
    "ImagePolicyWebhook",
    "LimitPodHardAntiAffinityTopology",
    "LimitRanger",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionWebhook",
    "NamespaceAutoProvision",
    "NamespaceExists",
    "NamespaceLifecycle",
    "NodeRestriction",
    "OwnerReferencesPermissionEnforcement",
    "PersistentVolumeClaimResize",
    "PodNodeSelector",
    "PodSecurity",
    "PodTolerationRestriction",
    "Priority",
    "ResourceQuota",
    "RuntimeClass",
    "ServiceAccount",
    "StorageObjectInUseProtection",
    "TaintNodesByCondition",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
};

/* Plugins older releases had: named in old manifests, warned about and dropped. */
static const char *const removed_admission_plugins[] = {
    "DenyEscalatingExec", "DenyExecOnPrivileged", "GenericAdmissionWebhook", "InitialResources",
    "Initializers",	  "PVCProtection",	  "PersistentVolumeLabel",   "PodPreset",
    "PodSecurityPolicy",  "SecurityContextDeny",
};

/*
 * --runtime-config keys kube-apiserver v1.32 knows. Others (group-versions
 * upstream has removed, like autoscaling/v2beta1 or settings.k8s.io/v1alpha1)
 * are warned about and dropped.
 */
static const char *const runtime_config_keys[] = {
    "api/all",
    "api/alpha",
    "api/beta",
    "api/ga",
    "api/legacy",
    "api/v1",
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
    "apiregistration.k8s.io/v1",
    "apps/v1",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1",
    "coordination.k8s.io/v1alpha2",
    "discovery.k8s.io/v1",
    "events.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "internal.apiserver.k8s.io/v1alpha1",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "resource.k8s.io/v1alpha3",
    "resource.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storage.k8s.io/v1beta1",
    "storagemigration.k8s.io/v1alpha1",
};

/*
 * Go's crypto/tls suite names (tls.CipherSuites() and InsecureCipherSuites(),
 * plus the two CHACHA20 aliases component-base accepts) and OpenSSL's names.
 * RC4 and 3DES are listed because Go knows them; OpenSSL 3 builds usually
 * lack them, so asking for them fails when the TLS context is built.
 */
static const struct cipher_suite {
	const char *go_name;
	const char *openssl_name;
} cipher_suites[] = {
    {"TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"},
    {"TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"},
    {"TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA"},
    {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA"},
    {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {"TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA"},
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static const char etcd_refusal[] =
    "pgkube stores cluster state in PostgreSQL; use --storage-dsn=<libpq conninfo or URI> instead";

/* Values built from several arguments live for the process, like argv. */
struct kept_string {
	struct kept_string *next;
	char text[];
};
static struct kept_string *kept_strings;

static char *kept_buffer(size_t len)
{
	struct kept_string *kept = malloc(sizeof(*kept) + len + 1);

	if (!kept) {
		log_error("out of memory reading flags");
		exit(2);
	}
	kept->next = kept_strings;
	kept_strings = kept;
	kept->text[len] = '\0';
	return kept->text;
}

static const char *join_values(const char *first, char separator, const char *second)
{
	size_t first_len = strlen(first), second_len = strlen(second);
	char *joined = kept_buffer(first_len + 1 + second_len);

	memcpy(joined, first, first_len);
	joined[first_len] = separator;
	memcpy(joined + first_len + 1, second, second_len);
	return joined;
}

/* Steps through a comma-separated list; items come back trimmed of spaces. */
static bool next_item(const char **cursor, const char **item, size_t *len)
{
	const char *start = *cursor, *comma, *end;

	if (!start)
		return false;
	comma = strchr(start, ',');
	end = comma ? comma : start + strlen(start);
	*cursor = comma ? comma + 1 : NULL;
	while (start < end && *start == ' ')
		start++;
	while (end > start && end[-1] == ' ')
		end--;
	*item = start;
	*len = (size_t)(end - start);
	return true;
}

static bool in_list(const char *const *list, size_t count, const char *item, size_t len)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == len && memcmp(list[i], item, len) == 0)
			return true;
	return false;
}

static bool in_comma_list(const char *list, const char *item, size_t len)
{
	const char *other, *cursor = list;
	size_t other_len;

	while (next_item(&cursor, &other, &other_len))
		if (other_len == len && memcmp(other, item, len) == 0)
			return true;
	return false;
}

/* strconv.ParseBool. */
static bool parse_go_bool(const char *text, bool *out)
{
	static const char *const truths[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const falsehoods[] = {"0", "f", "F", "FALSE", "false", "False"};

	if (in_list(truths, COUNT(truths), text, strlen(text)))
		*out = true;
	else if (in_list(falsehoods, COUNT(falsehoods), text, strlen(text)))
		*out = false;
	else
		return false;
	return true;
}

/* strconv.ParseInt in base 10. */
static bool parse_go_int(const char *text, long long *out, char *why, size_t why_len)
{
	const char *digits = text + (*text == '+' || *text == '-');
	char *end = NULL;

	errno = 0;
	if (*digits >= '0' && *digits <= '9')
		*out = strtoll(text, &end, 10);
	if (!end || *end) {
		snprintf(why, why_len, "strconv.ParseInt: parsing \"%s\": invalid syntax", text);
		return false;
	}
	if (errno == ERANGE) {
		snprintf(why, why_len, "strconv.ParseInt: parsing \"%s\": value out of range",
			 text);
		return false;
	}
	return true;
}

/* time.ParseDuration: "300ms", "-1.5h", "2h45m". Result in nanoseconds. */
static bool parse_go_duration(const char *text, long long *nanoseconds, char *why, size_t why_len)
{
	static const struct {
		const char *name;
		double nanoseconds;
	} units[] = {
	    {"ns", 1},	 {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
	    {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},	  {"h", 3600e9},
	};
	const char *p = text;
	bool negative = *p == '-';
	double total = 0;

	if (*p == '-' || *p == '+')
		p++;
	if (strcmp(p, "0") == 0) {
		*nanoseconds = 0;
		return true;
	}
	if (!*p)
		goto invalid;
	while (*p) {
		const char *unit;
		double value = 0, scale = 1;
		bool digits = false;
		size_t unit_len, i;

		for (; *p >= '0' && *p <= '9'; p++, digits = true)
			value = value * 10 + (*p - '0');
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
				value += (*p - '0') / (scale *= 10);
		if (!digits)
			goto invalid;
		for (unit = p; *p && *p != '.' && !(*p >= '0' && *p <= '9'); p++)
			;
		unit_len = (size_t)(p - unit);
		if (unit_len == 0) {
			snprintf(why, why_len, "time: missing unit in duration \"%s\"", text);
			return false;
		}
		for (i = 0; i < COUNT(units); i++)
			if (strlen(units[i].name) == unit_len &&
			    memcmp(units[i].name, unit, unit_len) == 0)
				break;
		if (i == COUNT(units)) {
			snprintf(why, why_len, "time: unknown unit \"%.*s\" in duration \"%s\"",
				 (int)unit_len, unit, text);
			return false;
		}
		total += value * units[i].nanoseconds;
		if (total >= 9223372036854775808.0)
			goto invalid;
	}
	*nanoseconds = negative ? -(long long)total : (long long)total;
	return true;
invalid:
	snprintf(why, why_len, "time: invalid duration \"%s\"", text);
	return false;
}

static bool parse_ip(const char *text)
{
	unsigned char address[16];

	return inet_pton(AF_INET, text, address) == 1 || inet_pton(AF_INET6, text, address) == 1;
}

/* Reads value the way the flag's kind says and stores it in its field, if any. */
static bool flag_store(struct parse_state *ps, const struct flag *flag, const char *value,
		       char *why, size_t why_len)
{
	void *field = flag->slot ? (char *)ps->cfg + flag->slot - 1 : NULL;
	bool repeated = ps->seen[flag - flags];
	long long number;
	double real;
	char *end;
	bool truth;

	switch (flag->kind) {
	case BOOL:
		if (!parse_go_bool(value, &truth)) {
			snprintf(why, why_len, "strconv.ParseBool: parsing \"%s\": invalid syntax",
				 value);
			return false;
		}
		if (field)
			*(bool *)field = truth;
		return true;
	case INT:
	case INT64:
		if (!parse_go_int(value, &number, why, why_len))
			return false;
		if (flag->kind == INT) {
			int low = flag->min < flag->max ? flag->min : INT_MIN;
			int high = flag->min < flag->max ? flag->max : INT_MAX;

			if (number < low || number > high) {
				snprintf(why, why_len, "must be between %d and %d", low, high);
				return false;
			}
			if (field)
				*(int *)field = (int)number;
		} else if (field) {
			*(long long *)field = number;
		}
		return true;
	case FLOAT:
		real = strtod(value, &end);
		if (!*value || *value == ' ' || *end || end == value) {
			snprintf(why, why_len, "strconv.ParseFloat: parsing \"%s\": invalid syntax",
				 value);
			return false;
		}
		if (field)
			*(double *)field = real;
		return true;
	case DURATION:
		if (!parse_go_duration(value, &number, why, why_len))
			return false;
		number /= 1000000000;
		if (field)
			*(int *)field = number > INT_MAX   ? INT_MAX
					: number < INT_MIN ? INT_MIN
							   : (int)number;
		return true;
	case IP:
		if (!parse_ip(value)) {
			snprintf(why, why_len, "failed to parse IP: \"%s\"", value);
			return false;
		}
		break;
	case MAP:
		if (*value && !strchr(value, '=')) {
			snprintf(why, why_len, "%s must be formatted as key=value", value);
			return false;
		}
		break;
	case STRING:
	case VERSION:
	case LIST:
	case ARRAY:
		break;
	}
	if (field) {
		const char **text = field;

		if (repeated && (flag->kind == LIST || flag->kind == MAP || flag->kind == ARRAY))
			*text = join_values(*text, flag->kind == ARRAY ? '\n' : ',', value);
		else
			*text = value;
	}
	return true;
}

static const char *kind_name(enum flag_kind kind)
{
	static const char *const names[] = {
	    [BOOL] = "",
	    [INT] = "int",
	    [INT64] = "int",
	    [FLOAT] = "float",
	    [DURATION] = "duration",
	    [STRING] = "string",
	    [IP] = "ip",
	    [LIST] = "strings",
	    [ARRAY] = "stringArray",
	    [MAP] = "mapStringString",
	    [VERSION] = "version[=true]",
	};
	return names[kind];
}

/* Applies one value of a flag: store, check, report. Returns 0 or the exit code 2. */
static int flag_use(struct parse_state *ps, const struct flag *flag, const char *value)
{
	char why[1024] = "", display[80];
	enum check_result result;

	switch (flag->status) {
	case ETCD:
		fprintf(stderr, "Error: --%s is not supported: %s\n", flag->name, etcd_refusal);
		return 2;
	case REFUSED:
		fprintf(stderr, "Error: --%s is not supported: %s\n", flag->name, flag->usage);
		return 2;
	case REMOVED:
		if (!flag->check)
			log_warn("--%s is ignored: %s", flag->name, flag->usage);
		break;
	case ACCEPTED:
	case HIDDEN:
		break;
	}
	result = flag_store(ps, flag, value, why, sizeof(why)) ? CHECK_OK : CHECK_BAD_VALUE;
	if (result == CHECK_OK && flag->check)
		result = flag->check(ps, flag, value, why, sizeof(why));
	if (result == CHECK_BAD_VALUE) {
		if (flag->shorthand)
			snprintf(display, sizeof(display), "-%c, --%s", flag->shorthand,
				 flag->name);
		else
			snprintf(display, sizeof(display), "--%s", flag->name);
		fprintf(stderr, "Error: invalid argument \"%s\" for \"%s\" flag: %s\n", value,
			display, why);
		return 2;
	}
	if (result == CHECK_REFUSED) {
		fprintf(stderr, "Error: %s\n", why);
		return 2;
	}
	ps->seen[flag - flags] = true;
	return 0;
}

/* Bool flags never take the next argument; neither does --version (pflag's NoOptDefVal). */
static bool flag_takes_value(const struct flag *flag)
{
	return flag->kind != BOOL && flag->kind != VERSION;
}

static const struct flag *flag_find(const char *name, size_t len)
{
	for (size_t i = 0; i < FLAG_COUNT; i++) {
		const char *candidate = flags[i].name;
		size_t k;

		for (k = 0; k < len; k++)
			if (candidate[k] != (name[k] == '_' ? '-' : name[k]))
				break;
		if (k == len && candidate[len] == '\0')
			return &flags[i];
	}
	return NULL;
}

static const struct flag *flag_find_shorthand(char letter)
{
	for (size_t i = 0; i < FLAG_COUNT; i++)
		if (flags[i].shorthand && flags[i].shorthand == letter)
			return &flags[i];
	return NULL;
}

/* --name, --name=value or --name value. */
static int parse_long_flag(struct parse_state *ps, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *name = arg + 2, *equals = strchr(name, '=');
	size_t len = equals ? (size_t)(equals - name) : strlen(name);
	const struct flag *flag;
	const char *value;

	if (len == 0 || name[0] == '-') {
		fprintf(stderr, "Error: bad flag syntax: %s\n", arg);
		return 2;
	}
	flag = flag_find(name, len);
	if (!flag) {
		fprintf(stderr, "Error: unknown flag: --%.*s\n", (int)len, name);
		return 2;
	}
	if (equals)
		value = equals + 1;
	else if (!flag_takes_value(flag))
		value = "true";
	else if (*i + 1 < argc)
		value = argv[++*i];
	else {
		fprintf(stderr, "Error: flag needs an argument: --%.*s\n", (int)len, name);
		return 2;
	}
	return flag_use(ps, flag, value);
}

/* -v=2, -v 2, -v2, -h; bool shorthands may be grouped like -hv2. */
static int parse_shorthand_flags(struct parse_state *ps, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];

	for (const char *p = arg + 1; *p; p++) {
		const struct flag *flag = flag_find_shorthand(*p);
		const char *value;
		bool rest_is_value = false;
		int rc;

		if (!flag) {
			fprintf(stderr, "Error: unknown shorthand flag: '%c' in %s\n", *p, arg);
			return 2;
		}
		if (p[1] == '=') {
			value = p + 2;
			rest_is_value = true;
		} else if (!flag_takes_value(flag)) {
			value = "true";
		} else if (p[1]) {
			value = p + 1;
			rest_is_value = true;
		} else if (*i + 1 < argc) {
			value = argv[++*i];
		} else {
			fprintf(stderr, "Error: flag needs an argument: '%c' in %s\n", *p, arg);
			return 2;
		}
		rc = flag_use(ps, flag, value);
		if (rc || rest_is_value)
			return rc;
	}
	return 0;
}

static int config_set_defaults(struct parse_state *ps)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(ps->cfg, 0, sizeof(*ps->cfg));
	for (size_t i = 0; i < FLAG_COUNT; i++)
		if (flags[i].def && flag_use(ps, &flags[i], flags[i].def) != 0)
			return 2;
	memset(ps->seen, 0, sizeof(ps->seen));
	ps->cfg->workers = cpus < 1 ? 1 : cpus > 4096 ? 4096 : (int)cpus;
	ps->cfg->shutdown_timeout_seconds = 60;
	return 0;
}

static void print_usage(const char *program)
{
	printf("Usage:\n  %s [flags]\n\nFlags:\n", program);
	for (size_t i = 0; i < FLAG_COUNT; i++) {
		const struct flag *flag = &flags[i];
		char head[128];

		if (flag->status != ACCEPTED)
			continue;
		if (flag->shorthand)
			snprintf(head, sizeof(head), "-%c, --%s %s", flag->shorthand, flag->name,
				 kind_name(flag->kind));
		else
			snprintf(head, sizeof(head), "    --%s %s", flag->name,
				 kind_name(flag->kind));
		printf("  %-60s %s", head, flag->usage);
		if (flag->def && *flag->def && strcmp(flag->def, "0") != 0)
			printf(" (default %s)", flag->def);
		printf("\n");
	}
	fflush(stdout);
}

/* Checks between flags, the way upstream's options Validate() does. */
static int check_combinations(struct parse_state *ps)
{
	const struct config *cfg = ps->cfg;
	const char *item, *cursor = cfg->enable_admission_plugins;
	char overlap[1024] = "";
	size_t len, used = 0;

	if (cfg->admission_control && *cfg->admission_control &&
	    ((cfg->enable_admission_plugins && *cfg->enable_admission_plugins) ||
	     (cfg->disable_admission_plugins && *cfg->disable_admission_plugins))) {
		fprintf(stderr, "Error: admission-control and enable-admission-plugins/"
				"disable-admission-plugins flags are mutually exclusive\n");
		return 2;
	}
	if (!cfg->disable_admission_plugins)
		return 0;
	while (next_item(&cursor, &item, &len))
		if (len && in_comma_list(cfg->disable_admission_plugins, item, len) &&
		    used < sizeof(overlap))
			used += (size_t)snprintf(overlap + used, sizeof(overlap) - used, "%s%.*s",
						 used ? " " : "", (int)len, item);
	if (used) {
		fprintf(stderr,
			"Error: [%s] in enable-admission-plugins and disable-admission-plugins "
			"overlapped\n",
			overlap);
		return 2;
	}
	return 0;
}

/*
 * --authorization-mode as BuiltInAuthorizationOptions.Validate (v1.32)
 * judges it: every error, aggregated as utilerrors prints them.
 */
static int check_authorization(const struct config *cfg)
{
	static const char *const modes[] = {"AlwaysAllow", "AlwaysDeny", "ABAC",
					    "Webhook",	   "RBAC",	 "Node"};
	const char *list = cfg->authorization_mode, *cursor = list, *item;
	char errors[2048] = "", given[1024] = "";
	size_t used = 0, given_used = 0, len, count = 0, num_errors = 0;
	bool abac = false, webhook = false, repeated = false;

	if (!list)
		return 0; /* the default: AlwaysAllow */
#define ADD_ERROR(...)                                                                             \
	do {                                                                                       \
		if (used < sizeof(errors))                                                         \
			used += (size_t)snprintf(errors + used, sizeof(errors) - used, "%s",       \
						 num_errors ? ", " : "");                          \
		if (used < sizeof(errors))                                                         \
			used +=                                                                    \
			    (size_t)snprintf(errors + used, sizeof(errors) - used, __VA_ARGS__);   \
		num_errors++;                                                                      \
	} while (0)
	/* pflag reads an empty value as an empty list. */
	while (*list && next_item(&cursor, &item, &len)) {
		bool known = false;

		if (given_used < sizeof(given))
			given_used +=
			    (size_t)snprintf(given + given_used, sizeof(given) - given_used,
					     "%s\"%.*s\"", count ? " " : "", (int)len, item);
		count++;
		for (size_t i = 0; i < COUNT(modes); i++)
			known =
			    known || (strlen(modes[i]) == len && strncmp(modes[i], item, len) == 0);
		if (!known)
			ADD_ERROR("authorization-mode \"%.*s\" is not a valid mode", (int)len,
				  item);
		if (len == 4 && strncmp(item, "ABAC", 4) == 0) {
			repeated = repeated || abac;
			abac = true;
			if (!cfg->authorization_policy_file)
				ADD_ERROR("authorization-mode ABAC's authorization policy file not "
					  "passed");
		}
		if (len == 7 && strncmp(item, "Webhook", 7) == 0) {
			repeated = repeated || webhook;
			webhook = true;
			if (!cfg->authorization_webhook_config_file)
				ADD_ERROR(
				    "authorization-mode Webhook's authorization config file not "
				    "passed");
		}
		for (const char *p = list; p < item && !repeated; p += strcspn(p, ",") + 1)
			repeated = strcspn(p, ",") == len && strncmp(p, item, len) == 0;
	}
	if (!count)
		ADD_ERROR("at least one authorization-mode must be passed");
	if (cfg->authorization_policy_file && !abac)
		ADD_ERROR("cannot specify --authorization-policy-file without mode ABAC");
	if (cfg->authorization_webhook_config_file && !webhook)
		ADD_ERROR(
		    "cannot specify --authorization-webhook-config-file without mode Webhook");
	if (repeated)
		ADD_ERROR("authorization-mode [%s] has mode specified more than once", given);
#undef ADD_ERROR
	if (!num_errors)
		return 0;
	fprintf(stderr, num_errors > 1 ? "Error: [%s]\n" : "Error: %s\n", errors);
	return 2;
}

int config_parse(struct config *cfg, int argc, char **argv)
{
	struct parse_state ps;
	const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
	const char *program = slash ? slash + 1 : argc > 0 ? argv[0] : "pgkube-apiserver";
	char positional[1024] = "";
	size_t used = 0;
	bool flags_ended = false;
	int rc;

	memset(&ps, 0, sizeof(ps));
	ps.cfg = cfg;
	if (config_set_defaults(&ps) != 0)
		return 2;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (flags_ended || arg[0] != '-' || arg[1] == '\0') {
			/* cobra's check for kube-apiserver skips empty arguments. */
			if (*arg && used < sizeof(positional))
				used +=
				    (size_t)snprintf(positional + used, sizeof(positional) - used,
						     "%s\"%s\"", used ? " " : "", arg);
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			flags_ended = true;
			continue;
		}
		rc = arg[1] == '-' ? parse_long_flag(&ps, argc, argv, &i)
				   : parse_shorthand_flags(&ps, argc, argv, &i);
		if (rc)
			return rc;
	}
	if (ps.want_help) {
		print_usage(program);
		return 1;
	}
	if (used) {
		fprintf(stderr, "Error: \"%s\" does not take any arguments, got [%s]\n", program,
			positional);
		return 2;
	}
	if (ps.want_version) {
		printf("Kubernetes %s\n", PGKUBE_GIT_VERSION);
		fflush(stdout);
		return 1;
	}
	rc = check_combinations(&ps);
	return rc ? rc : check_authorization(cfg);
}

const char *config_openssl_cipher_name(const char *go_name)
{
	for (size_t i = 0; go_name && i < COUNT(cipher_suites); i++)
		if (strcmp(cipher_suites[i].go_name, go_name) == 0)
			return cipher_suites[i].openssl_name;
	return NULL;
}

/* The checks named in the table. */

static enum check_result check_verbosity(struct parse_state *ps, const struct flag *flag,
					 const char *value, char *why, size_t why_len)
{
	log_verbosity = ps->cfg->verbosity;
	return CHECK_OK;
}

static enum check_result check_help(struct parse_state *ps, const struct flag *flag,
				    const char *value, char *why, size_t why_len)
{
	return parse_go_bool(value, &ps->want_help) ? CHECK_OK : CHECK_BAD_VALUE;
}

/* component-base's verflag: true, false, raw, or vX.Y.Z to override the version. */
static enum check_result check_version(struct parse_state *ps, const struct flag *flag,
				       const char *value, char *why, size_t why_len)
{
	if (strcmp(value, "raw") == 0) {
		ps->want_version = true;
		return CHECK_OK;
	}
	if (value[0] == 'v') {
		log_warn("--version=%s: pgkube always reports %s; ignored", value,
			 PGKUBE_GIT_VERSION);
		return CHECK_OK;
	}
	if (!parse_go_bool(value, &ps->want_version)) {
		snprintf(why, why_len, "strconv.ParseBool: parsing \"%s\": invalid syntax", value);
		return CHECK_BAD_VALUE;
	}
	return CHECK_OK;
}

static enum check_result check_storage_backend(struct parse_state *ps, const struct flag *flag,
					       const char *value, char *why, size_t why_len)
{
	if (!*value || strcmp(value, "postgres") == 0)
		return CHECK_OK;
	snprintf(why, why_len, "--storage-backend=%s is not supported: %s", value, etcd_refusal);
	return CHECK_REFUSED;
}

static enum check_result check_insecure_port(struct parse_state *ps, const struct flag *flag,
					     const char *value, char *why, size_t why_len)
{
	if (strtoll(value, NULL, 10) == 0) {
		log_warn("--%s=0 is accepted and ignored: %s", flag->name, flag->usage);
		return CHECK_OK;
	}
	snprintf(why, why_len,
		 "--%s=%s is not supported: %s; only --%s=0 is accepted, serve on --secure-port",
		 flag->name, value, flag->usage, flag->name);
	return CHECK_REFUSED;
}

static enum check_result check_tls_min_version(struct parse_state *ps, const struct flag *flag,
					       const char *value, char *why, size_t why_len)
{
	static const char *const versions[] = {"VersionTLS10", "VersionTLS11", "VersionTLS12",
					       "VersionTLS13"};

	if (!*value || in_list(versions, COUNT(versions), value, strlen(value)))
		return CHECK_OK;
	snprintf(why, why_len, "unknown tls version \"%s\"", value);
	return CHECK_BAD_VALUE;
}

static enum check_result check_cipher_suites(struct parse_state *ps, const struct flag *flag,
					     const char *value, char *why, size_t why_len)
{
	const char *item, *cursor = *value ? value : NULL;
	size_t len;

	while (next_item(&cursor, &item, &len)) {
		size_t i;

		for (i = 0; i < COUNT(cipher_suites); i++)
			if (strlen(cipher_suites[i].go_name) == len &&
			    memcmp(cipher_suites[i].go_name, item, len) == 0)
				break;
		if (i == COUNT(cipher_suites)) {
			snprintf(why, why_len, "Cipher suite %.*s not supported or doesn't exist",
				 (int)len, item);
			return CHECK_BAD_VALUE;
		}
	}
	return CHECK_OK;
}

/* Rewrites *list (comma-separated) without the items keep() rejects. */
static void filter_list(const char **list, bool (*keep)(const char *item, size_t len))
{
	char *kept = kept_buffer(strlen(*list));
	const char *item, *cursor = *list;
	size_t len, used = 0;

	while (next_item(&cursor, &item, &len)) {
		if (len == 0 || !keep(item, len))
			continue;
		if (used)
			kept[used++] = ',';
		memcpy(kept + used, item, len);
		used += len;
	}
	kept[used] = '\0';
	*list = kept;
}

static bool admission_plugin_current(const char *name, size_t len)
{
	return !in_list(removed_admission_plugins, COUNT(removed_admission_plugins), name, len);
}

/*
 * v1.32 plugin names pass; names of removed plugins are warned about and
 * dropped from the stored list; names that never existed fail the way
 * upstream's AdmissionOptions.Validate() words it.
 */
static enum check_result check_admission_plugins(struct parse_state *ps, const struct flag *flag,
						 const char *value, char *why, size_t why_len)
{
	const char *item, *cursor = value;
	size_t len;
	bool dropped = false;

	while (next_item(&cursor, &item, &len)) {
		if (len == 0 || in_list(admission_plugins, COUNT(admission_plugins), item, len))
			continue;
		if (!admission_plugin_current(item, len)) {
			log_warn("--%s: admission plugin %.*s was removed from Kubernetes; ignored",
				 flag->name, (int)len, item);
			dropped = true;
			continue;
		}
		snprintf(why, why_len, "%s plugin \"%.*s\" is unknown", flag->name, (int)len, item);
		return CHECK_REFUSED;
	}
	if (dropped)
		filter_list((const char **)((char *)ps->cfg + flag->slot - 1),
			    admission_plugin_current);
	return CHECK_OK;
}

/* Splits a --runtime-config entry "group/version[/resource][=value]". */
static size_t runtime_config_key_length(const char *entry, size_t len)
{
	const char *equals = memchr(entry, '=', len);

	return equals ? (size_t)(equals - entry) : len;
}

static bool runtime_config_served(const char *entry, size_t len)
{
	size_t key_len = runtime_config_key_length(entry, len);
	const char *slash = memchr(entry, '/', key_len);
	const char *resource =
	    slash ? memchr(slash + 1, '/', key_len - (size_t)(slash + 1 - entry)) : NULL;

	return in_list(runtime_config_keys, COUNT(runtime_config_keys), entry,
		       resource ? (size_t)(resource - entry) : key_len);
}

/*
 * Entries are group/version[/resource]=true|false (an empty value means
 * true). Group-versions v1.32 does not serve are warned about and dropped.
 */
static enum check_result check_runtime_config(struct parse_state *ps, const struct flag *flag,
					      const char *value, char *why, size_t why_len)
{
	const char *item, *cursor = value;
	size_t len;
	bool dropped = false;

	while (next_item(&cursor, &item, &len)) {
		size_t key_len = runtime_config_key_length(item, len);
		int setting_len = key_len < len ? (int)(len - key_len - 1) : 0;
		char setting[8] = "";
		bool enabled;

		if (len == 0)
			continue;
		if (setting_len < (int)sizeof(setting))
			snprintf(setting, sizeof(setting), "%.*s", setting_len, item + key_len + 1);
		if (setting_len && !parse_go_bool(setting, &enabled)) {
			snprintf(why, why_len, "invalid value of %.*s: %.*s", (int)key_len, item,
				 setting_len, item + key_len + 1);
			return CHECK_BAD_VALUE;
		}
		if (!runtime_config_served(item, len)) {
			log_warn(
			    "--runtime-config: %.*s is not served by Kubernetes v%s.%s (removed "
			    "or unknown); ignored",
			    (int)key_len, item, PGKUBE_KUBE_MAJOR, PGKUBE_KUBE_MINOR);
			dropped = true;
		}
	}
	if (dropped)
		filter_list(&ps->cfg->runtime_config, runtime_config_served);
	return CHECK_OK;
}

/* featuregate.Set's syntax; unknown gate names are left to their consumers. */
static enum check_result check_feature_gates(struct parse_state *ps, const struct flag *flag,
					     const char *value, char *why, size_t why_len)
{
	const char *item, *cursor = value;
	size_t len;

	while (next_item(&cursor, &item, &len)) {
		const char *equals = memchr(item, '=', len);
		char setting[16] = "";
		bool enabled;

		if (len == 0)
			continue;
		if (!equals) {
			snprintf(why, why_len, "missing bool value for %.*s", (int)len, item);
			return CHECK_BAD_VALUE;
		}
		snprintf(setting, sizeof(setting), "%.*s", (int)(item + len - equals - 1),
			 equals + 1);
		if (!parse_go_bool(setting, &enabled)) {
			snprintf(why, why_len,
				 "invalid value of %.*s, err: strconv.ParseBool: parsing "
				 "\"%.*s\": invalid syntax",
				 (int)len, item, (int)(item + len - equals - 1), equals + 1);
			return CHECK_BAD_VALUE;
		}
	}
	return CHECK_OK;
}

/* utilnet.PortRange: "N1-N2", "N+size" or "N". */
static enum check_result check_port_range(struct parse_state *ps, const struct flag *flag,
					  const char *value, char *why, size_t why_len)
{
	long low, high;
	char *end;

	low = strtol(value, &end, 10);
	if (*value < '0' || *value > '9' || low > 65535)
		goto invalid;
	if (*end == '-' || *end == '+') {
		const char *second = end + 1;
		long other = strtol(second, &end, 10);

		if (end == second || *second < '0' || *second > '9' || other > 65535)
			goto invalid;
		high = second[-1] == '-' ? other : low + other;
	} else {
		high = low;
	}
	if (*end || high < 0 || high > 65535)
		goto invalid;
	if (high < low) {
		snprintf(why, why_len, "end port cannot be less than start port: %s", value);
		return CHECK_BAD_VALUE;
	}
	ps->cfg->service_node_port_min = (int)low;
	ps->cfg->service_node_port_max = (int)high;
	return CHECK_OK;
invalid:
	snprintf(why, why_len, "unable to parse port range: %s", value);
	return CHECK_BAD_VALUE;
}

/* One CIDR, or two of different families (dual-stack). */
static enum check_result check_cidrs(struct parse_state *ps, const struct flag *flag,
				     const char *value, char *why, size_t why_len)
{
	const char *item, *cursor = *value ? value : NULL;
	int count = 0, families[2] = {0, 0};
	size_t len;

	while (next_item(&cursor, &item, &len)) {
		char address[64];
		unsigned char bytes[16];
		const char *slash = memchr(item, '/', len);
		char *end;
		long prefix;
		int family;

		if (!slash || (size_t)(slash - item) >= sizeof(address))
			goto invalid;
		snprintf(address, sizeof(address), "%.*s", (int)(slash - item), item);
		family = inet_pton(AF_INET, address, bytes) == 1    ? AF_INET
			 : inet_pton(AF_INET6, address, bytes) == 1 ? AF_INET6
								    : 0;
		prefix = strtol(slash + 1, &end, 10);
		if (!family || slash[1] < '0' || slash[1] > '9' || end != item + len ||
		    prefix > (family == AF_INET ? 32 : 128))
			goto invalid;
		if (count == 2 || (count == 1 && families[0] == family)) {
			snprintf(why, why_len,
				 "at most two CIDRs, one IPv4 and one IPv6, may be given");
			return CHECK_BAD_VALUE;
		}
		families[count++] = family;
		continue;
	invalid:
		snprintf(why, why_len, "invalid CIDR address: %.*s", (int)len, item);
		return CHECK_BAD_VALUE;
	}
	return CHECK_OK;
}
