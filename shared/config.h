/*
 * config.h - the server's configuration, filled from kube-apiserver style
 * command-line flags by config_parse() (shared/flags.c, a table of every
 * flag kube-apiserver v1.32 accepts plus pgkube's own).
 *
 * Strings point into argv or are static defaults; a flag given several
 * times (lists, maps) gets a joined copy that, like argv, lives for the
 * process. The struct lives for the life of the process and is inherited
 * by workers through fork().
 *
 * Value conventions: durations are whole seconds (rounded down); a list
 * flag (`strings` upstream) is one comma-separated string; a repeatable
 * flag whose values may contain commas (`stringArray` upstream: key files,
 * issuers, SNI cert/key pairs) is one string with the values separated by
 * '\n'; a map flag is the comma-separated key=value pairs as given. NULL
 * means the flag was not given and has no default.
 */
#ifndef PGKUBE_CONFIG_H
#define PGKUBE_CONFIG_H

#include <stdbool.h>

#define PGKUBE_VERSION	   "0.1.0"
#define PGKUBE_KUBE_MAJOR  "1"
#define PGKUBE_KUBE_MINOR  "32"
#define PGKUBE_GIT_VERSION "v" PGKUBE_KUBE_MAJOR "." PGKUBE_KUBE_MINOR ".0+pgkube." PGKUBE_VERSION

struct config {
	/* Serving. */
	const char *bind_address;	  /* --bind-address, default "0.0.0.0" */
	int secure_port;		  /* --secure-port, default 6443 */
	const char *tls_cert_file;	  /* --tls-cert-file */
	const char *tls_private_key_file; /* --tls-private-key-file */
	const char *client_ca_file;	  /* --client-ca-file */
	const char *tls_min_version; /* --tls-min-version: VersionTLS12 (default), VersionTLS13 */
	const char
	    *tls_cipher_suites;	    /* --tls-cipher-suites: comma list of Go/IANA names, or NULL */
	bool anonymous_auth;	    /* --anonymous-auth, default true */
	int shutdown_delay_seconds; /* --shutdown-delay-duration (seconds), default 0 */
	int shutdown_timeout_seconds; /* bound on draining in-flight requests: 60 upstream */
	int max_requests_inflight;    /* --max-requests-inflight, default 400 */
	int request_timeout_seconds;  /* --request-timeout, default 60 */
	int min_request_timeout;      /* --min-request-timeout, default 1800 */

	/* Storage (pgkube's own flags). */
	const char *storage_dsn; /* --storage-dsn, libpq conninfo; "" = PG* environment */
	int workers;		 /* --workers, default: number of online CPUs */
	int etcd_compaction_interval_seconds; /* --etcd-compaction-interval, default 300 */

	/* Logging. */
	int verbosity; /* --v, default 0 */

	/* More serving. */
	const char *advertise_address; /* --advertise-address (an IP) */
	const char *external_hostname; /* --external-hostname */
	const char *cert_dir;	       /* --cert-dir, default "/var/run/kubernetes" */
	const char *tls_sni_cert_keys; /* --tls-sni-cert-key, '\n'-separated "cert,key[:names]" */
	bool permit_port_sharing;      /* --permit-port-sharing: SO_REUSEPORT */
	bool permit_address_sharing;   /* --permit-address-sharing: SO_REUSEADDR */
	const char *cors_allowed_origins; /* --cors-allowed-origins, comma list of regexps */
	const char
	    *strict_transport_security_directives; /* --strict-transport-security-directives */
	int max_mutating_requests_inflight; /* --max-mutating-requests-inflight, default 200 */
	bool enable_priority_and_fairness;  /* --enable-priority-and-fairness, default true */
	int livez_grace_period_seconds;	    /* --livez-grace-period */
	bool shutdown_send_retry_after;	    /* --shutdown-send-retry-after */
	int shutdown_watch_termination_grace_period_seconds; /* --shutdown-watch-termination-... */

	/* Authentication. */
	const char *token_auth_file;	   /* --token-auth-file */
	bool enable_bootstrap_token_auth;  /* --enable-bootstrap-token-auth */
	const char *authentication_config; /* --authentication-config */
	const char
	    *authentication_token_webhook_config_file;	    /* --authentication-token-webhook-... */
	const char *authentication_token_webhook_version;   /* default "v1beta1" */
	int authentication_token_webhook_cache_ttl_seconds; /* default 120 */
	const char *requestheader_client_ca_file;	    /* --requestheader-client-ca-file */
	const char *requestheader_allowed_names;	    /* comma list of CNs */
	const char *requestheader_username_headers;	    /* comma list */
	const char *requestheader_uid_headers;		    /* comma list */
	const char *requestheader_group_headers;	    /* comma list */
	const char *requestheader_extra_headers_prefix;	    /* comma list */
	const char *service_account_key_files; /* --service-account-key-file, '\n'-separated */
	const char *service_account_signing_key_file; /* --service-account-signing-key-file */
	const char *service_account_signing_endpoint; /* --service-account-signing-endpoint */
	const char
	    *service_account_issuers; /* --service-account-issuer, '\n'-separated; first signs */
	const char *service_account_jwks_uri;	      /* --service-account-jwks-uri */
	bool service_account_lookup;		      /* --service-account-lookup, default true */
	bool service_account_extend_token_expiration; /* default true */
	int service_account_max_token_expiration_seconds; /* 0 = no maximum */
	const char *api_audiences;			  /* --api-audiences, comma list */
	const char *oidc_issuer_url;			  /* --oidc-issuer-url */
	const char *oidc_client_id;			  /* --oidc-client-id */
	const char *oidc_ca_file;			  /* --oidc-ca-file */
	const char *oidc_username_claim;		  /* default "sub" */
	const char *oidc_username_prefix;		  /* --oidc-username-prefix */
	const char *oidc_groups_claim;			  /* --oidc-groups-claim */
	const char *oidc_groups_prefix;			  /* --oidc-groups-prefix */
	const char *oidc_signing_algs;			  /* comma list, default "RS256" */
	const char *oidc_required_claims; /* --oidc-required-claim, key=value list */

	/* Authorization. */
	const char
	    *authorization_mode; /* comma list; NULL = AlwaysAllow unless --authorization-config */
	const char *authorization_config;	       /* --authorization-config */
	const char *authorization_policy_file;	       /* --authorization-policy-file (ABAC) */
	const char *authorization_webhook_config_file; /* --authorization-webhook-config-file */
	const char *authorization_webhook_version;     /* default "v1beta1" */
	int authorization_webhook_cache_authorized_ttl_seconds;	  /* default 300 */
	int authorization_webhook_cache_unauthorized_ttl_seconds; /* default 30 */

	/* Admission. */
	const char *enable_admission_plugins;	    /* comma list, v1.32 names only */
	const char *disable_admission_plugins;	    /* comma list, v1.32 names only */
	const char *admission_control;		    /* deprecated --admission-control, comma list */
	const char *admission_control_config_file;  /* --admission-control-config-file */
	bool allow_privileged;			    /* --allow-privileged */
	int default_not_ready_toleration_seconds;   /* default 300 */
	int default_unreachable_toleration_seconds; /* default 300 */

	/* API surface and built-in controllers. */
	const char *runtime_config; /* --runtime-config, key=value list; unserved entries dropped */
	const char *feature_gates;  /* --feature-gates, Name=bool list as given */
	const char *service_cluster_ip_range; /* one or two (dual-stack) CIDRs, comma-separated */
	const char *service_node_port_range;  /* as given, default "30000-32767" */
	int service_node_port_min;	      /* parsed from --service-node-port-range */
	int service_node_port_max;
	int kubernetes_service_node_port;     /* --kubernetes-service-node-port, 0 = ClusterIP */
	int event_ttl_seconds;		      /* --event-ttl, default 3600 */
	bool enable_garbage_collector;	      /* default true */
	int delete_collection_workers;	      /* default 1 */
	const char *endpoint_reconciler_type; /* default "lease" */
	int apiserver_count;		      /* deprecated --apiserver-count, default 1 */
	int lease_reuse_duration_seconds;     /* default 60 */
	bool enable_aggregator_routing;	      /* --enable-aggregator-routing */
	bool aggregator_reject_forwarding_redirect;  /* default true */
	const char *proxy_client_cert_file;	     /* --proxy-client-cert-file */
	const char *proxy_client_key_file;	     /* --proxy-client-key-file */
	const char *kubelet_client_certificate;	     /* --kubelet-client-certificate */
	const char *kubelet_client_key;		     /* --kubelet-client-key */
	const char *kubelet_certificate_authority;   /* --kubelet-certificate-authority */
	const char *kubelet_preferred_address_types; /* comma list */
	int kubelet_timeout_seconds;		     /* default 5 */

	/* Encryption at rest. */
	const char *encryption_provider_config;		  /* --encryption-provider-config */
	bool encryption_provider_config_automatic_reload; /* --encryption-provider-config-... */

	/* Audit. */
	const char *audit_policy_file;	       /* --audit-policy-file */
	const char *audit_log_path;	       /* --audit-log-path, "-" = stdout */
	const char *audit_log_format;	       /* default "json" */
	const char *audit_log_mode;	       /* default "blocking" */
	int audit_log_maxage;		       /* days */
	int audit_log_maxbackup;	       /* files */
	int audit_log_maxsize;		       /* megabytes */
	const char *audit_webhook_config_file; /* --audit-webhook-config-file */
	const char *audit_webhook_mode;	       /* default "batch" */
};

/*
 * Parses argv (argv[0] is the program) into *cfg after setting defaults.
 * Returns 0 on success; on a bad flag prints a message to stderr and
 * returns 2 (the exit code kube-apiserver uses for flag errors); returns
 * 1 after printing --help or --version output (the caller exits 0).
 */
int config_parse(struct config *cfg, int argc, char **argv);

/*
 * Maps a Go/IANA cipher suite name (as --tls-cipher-suites takes them) to
 * OpenSSL's name: a TLS 1.2 name for SSL_CTX_set_cipher_list(), or for
 * TLS 1.3 suites the same TLS_* name for SSL_CTX_set_ciphersuites().
 * Returns NULL for a name Go does not know.
 */
const char *config_openssl_cipher_name(const char *go_name);

#endif
