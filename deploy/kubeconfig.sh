#!/usr/bin/env bash
# Writes a self-contained kubeconfig (CA, client certificate and key embedded
# as base64) for cluster "pgkube", user "kubernetes-admin", and makes context
# "kubernetes-admin@pgkube" current. The file is mode 0600.
#
#   kubeconfig.sh PKIDIR SERVER_URL USER_CERT USER_KEY OUTFILE
#   e.g. kubeconfig.sh var/pki https://127.0.0.1:6443 \
#            var/pki/admin.crt var/pki/admin.key var/admin.kubeconfig
set -euo pipefail

if (($# != 5)); then
	echo "usage: $0 PKIDIR SERVER_URL USER_CERT USER_KEY OUTFILE" >&2
	exit 2
fi
pki=$1 server=$2 cert=$3 key=$4 out=$5

for file in "$pki/ca.crt" "$cert" "$key"; do
	[[ -r $file ]] || {
		echo "kubeconfig: cannot read $file" >&2
		exit 1
	}
done
if [[ ! $server =~ ^https://[^[:space:]\"\\]+$ ]]; then
	echo "kubeconfig: SERVER_URL must be an https:// URL, got: $server" >&2
	exit 2
fi

umask 077
mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT

cat >"$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pgkube
  cluster:
    server: "$server"
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: kubernetes-admin
  user:
    client-certificate-data: $(base64 -w0 "$cert")
    client-key-data: $(base64 -w0 "$key")
contexts:
- name: kubernetes-admin@pgkube
  context:
    cluster: pgkube
    user: kubernetes-admin
current-context: kubernetes-admin@pgkube
preferences: {}
EOF
chmod 0600 "$tmp"
mv -f -- "$tmp" "$out"
