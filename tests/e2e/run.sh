#!/usr/bin/env bash
# Runs the end-to-end suites: one private PostgreSQL and one dev PKI for the
# run, then every tests/e2e/test_*.py (or those named in $E2E_TESTS).
# Python is Debian's /usr/bin/python3 (stdlib only).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tmp=$root/tests/tmp/e2e
# A server left running by an interrupted run would, once it noticed its
# data directory gone, remove the socket of the one started below.
deploy/dev-postgres.sh "$tmp/pg" stop >/dev/null 2>&1 || true
deploy/dev-postgres.sh "$tmp/readyz-pg" stop >/dev/null 2>&1 || true
rm -rf "$tmp"
mkdir -p "$tmp"
chmod 755 "$tmp"

cleanup() { "$root/deploy/dev-postgres.sh" "$tmp/pg" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

deploy/dev-postgres.sh "$tmp/pg" start >/dev/null
deploy/dev-pki.sh "$tmp/pki" >/dev/null
# A client certificate from a CA the server does not trust.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj "/O=system:masters/CN=kubernetes-admin" -keyout "$tmp/pki/rogue.key" \
	-out "$tmp/pki/rogue.crt" 2>/dev/null
export PGKUBE_E2E_TMP=$tmp
export PGKUBE_E2E_PKI=$tmp/pki
PGKUBE_E2E_DSN=$(deploy/dev-postgres.sh "$tmp/pg" dsn)
export PGKUBE_E2E_DSN
export PGKUBE_BIN=$root/build/san/pgkube-apiserver
export KUBECACHEDIR=$tmp/kube-cache

cd tests/e2e
if [ -n "${E2E_TESTS:-}" ]; then
	# shellcheck disable=SC2086
	/usr/bin/python3 -m unittest -v $E2E_TESTS
else
	/usr/bin/python3 -m unittest discover -v -s . -p 'test_*.py'
fi
