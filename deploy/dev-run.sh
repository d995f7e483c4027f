#!/usr/bin/env bash
# `make run`: a development server on https://127.0.0.1:6443 backed by a
# private PostgreSQL cluster in var/pg, with a development PKI in var/pki and
# an admin kubeconfig in var/admin.kubeconfig. The server runs in the
# foreground; when it exits (Ctrl-C), PostgreSQL is stopped too.
#
# Extra server flags: arguments to this script, or ARGS (make run ARGS=--v=2).
set -euo pipefail
cd "$(dirname "$0")/.."

server=bin/pgkube-apiserver
if [[ ! -x $server ]]; then
	echo "dev-run: $server is missing; run 'make' first" >&2
	exit 1
fi

read -r -a extra_args <<<"${ARGS:-}"

# During set-up a signal ends the script; while the server runs, the whole
# foreground process group got it (Ctrl-C), so we wait for the server to exit.
server_running=false
trap 'deploy/dev-postgres.sh var/pg stop || true' EXIT
trap '$server_running || exit 130' INT TERM

deploy/dev-postgres.sh var/pg start
deploy/dev-pki.sh var/pki
deploy/kubeconfig.sh var/pki https://127.0.0.1:6443 var/pki/admin.crt var/pki/admin.key var/admin.kubeconfig
dsn=$(deploy/dev-postgres.sh var/pg dsn)

echo "dev-run: export KUBECONFIG=$PWD/var/admin.kubeconfig; kubectl get --raw /version"

server_running=true
status=0
"$server" \
	--bind-address=127.0.0.1 \
	--secure-port=6443 \
	--tls-cert-file=var/pki/server.crt \
	--tls-private-key-file=var/pki/server.key \
	--client-ca-file=var/pki/ca.crt \
	--authorization-mode=Node,RBAC \
	--allow-privileged=true \
	--service-cluster-ip-range=10.96.0.0/12 \
	--enable-admission-plugins=NodeRestriction \
	--service-account-key-file=var/pki/sa.pub \
	--service-account-signing-key-file=var/pki/sa.key \
	--service-account-issuer=https://kubernetes.default.svc.cluster.local \
	--storage-dsn="$dsn" \
	"${extra_args[@]}" "$@" || status=$?

if ((status == 0 || status == 130)); then
	exit 0
fi
echo "dev-run: $server exited with status $status" >&2
exit "$status"
