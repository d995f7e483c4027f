#!/usr/bin/env bash
# A development PKI, made with the openssl CLI:
#
#   DIR/ca.crt ca.key          CA "pgkube-dev-ca", 10 years
#   DIR/server.crt server.key  "kube-apiserver", serverAuth, 1 year; SANs
#                              127.0.0.1, ::1, localhost, kubernetes[.default
#                              [.svc[.cluster.local]]] and $PGKUBE_EXTRA_SANS
#                              (e.g. "IP:10.0.0.5,DNS:lb.example")
#   DIR/admin.crt admin.key    "kubernetes-admin" in group system:masters,
#                              clientAuth, 1 year
#   DIR/sa.key sa.pub          RSA 2048 service-account signing key pair
#
# Certificate keys are EC P-256; private keys are mode 0600. Idempotent:
# existing files are kept. A certificate is only remade when it no longer
# verifies against the CA (new CA, expired) or, for the server, when its
# SAN list changed.
set -euo pipefail

(($# == 1)) || {
	echo "usage: $0 DIR" >&2
	exit 2
}
dir=$1
umask 077
mkdir -p "$dir"

san_list="IP:127.0.0.1,IP:::1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default"
san_list+=",DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
if [[ -n ${PGKUBE_EXTRA_SANS:-} ]]; then
	extra=${PGKUBE_EXTRA_SANS// /}
	extra=${extra%,}
	if [[ ! $extra =~ ^((IP|DNS|URI|email):[^,]+)(,(IP|DNS|URI|email):[^,]+)*$ ]]; then
		echo "dev-pki: PGKUBE_EXTRA_SANS must look like IP:10.0.0.5,DNS:lb.example" >&2
		exit 2
	fi
	san_list+=",$extra"
fi

work=$(mktemp -d "$dir/.tmp.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

cat >"$work/openssl.cnf" <<EOF
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
[ ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[ server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $san_list
[ client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

# Files are made in $work and moved into place, so an interrupted run never
# leaves a half-written key or certificate behind.
install_file() {
	mv -f "$work/$1" "$dir/$1"
	echo "dev-pki: wrote $dir/$1"
}

new_ec_key() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/$1" 2>/dev/null
}

serial() {
	echo "0x$(openssl rand -hex 16)"
}

# leaf NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA.
leaf() {
	local name=$1 subject=$2 extensions=$3
	if [[ -s $dir/$name.key ]]; then
		cp "$dir/$name.key" "$work/$name.key"
	else
		new_ec_key "$name.key"
	fi
	openssl req -new -key "$work/$name.key" -subj "$subject" \
		-config "$work/openssl.cnf" -out "$work/$name.csr"
	openssl x509 -req -in "$work/$name.csr" -days 365 -set_serial "$(serial)" \
		-CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
		-extfile "$work/openssl.cnf" -extensions "$extensions" \
		-out "$work/$name.crt" 2>/dev/null
	[[ -s $dir/$name.key ]] || install_file "$name.key"
	install_file "$name.crt"
}

valid_leaf() {
	[[ -s $dir/$1.key && -s $dir/$1.crt ]] &&
		openssl verify -CAfile "$dir/ca.crt" "$dir/$1.crt" >/dev/null 2>&1
}

if [[ ! -s $dir/ca.crt || ! -s $dir/ca.key ]]; then
	new_ec_key ca.key
	openssl req -x509 -new -key "$work/ca.key" -subj "/CN=pgkube-dev-ca" -days 3650 \
		-set_serial "$(serial)" -config "$work/openssl.cnf" -extensions ca \
		-out "$work/ca.crt"
	install_file ca.key
	install_file ca.crt
fi

if ! valid_leaf server || [[ $(cat "$dir/server.sans" 2>/dev/null) != "$san_list" ]]; then
	leaf server "/CN=kube-apiserver" server
	printf '%s\n' "$san_list" >"$dir/server.sans"
fi

if ! valid_leaf admin; then
	leaf admin "/O=system:masters/CN=kubernetes-admin" client
fi

if [[ ! -s $dir/sa.key ]]; then
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/sa.key" 2>/dev/null
	install_file sa.key
	rm -f "$dir/sa.pub"
fi
if [[ ! -s $dir/sa.pub ]]; then
	openssl pkey -in "$dir/sa.key" -pubout -out "$work/sa.pub"
	install_file sa.pub
fi
chmod 0644 "$dir"/*.crt "$dir/sa.pub" "$dir/server.sans"
chmod 0600 "$dir"/*.key
