#!/usr/bin/env bash
# Installs, with apt-get (Debian 12), the packages pgkube needs to build, test
# and run, and only those that are missing. `make run` calls this every time,
# so when everything is present it must be a quick no-op (one dpkg-query).
#
# PGKUBE_DEPS_EXTRA adds packages (space or comma separated), e.g. "gdb strace".
#
# PostgreSQL comes from Debian, but we only ever run our own embedded cluster
# (deploy/dev-postgres.sh). When we are the ones installing postgresql-common,
# we first tell it not to create and start the system "main" cluster.
# Likewise etcd (the bench's baseline, tests/bench/etcd.sh, which starts its
# own): when we install etcd-server, its system service is stopped and
# disabled.
set -euo pipefail

packages=(
	build-essential pkg-config
	libssl-dev libjansson-dev libpq-dev libyaml-dev
	check libsubunit-dev
	postgresql-15 postgresql-client-15
	openssl curl python3 python3-kubernetes procps
	wrk nginx-light etcd-server etcd-client
	clang libclang-rt-14-dev clang-format
)
extra_list=${PGKUBE_DEPS_EXTRA:-}
read -r -a extra <<<"${extra_list//,/ }"
packages+=("${extra[@]}")

# One dpkg-query for all packages; unknown ones print nothing (and make
# dpkg-query exit 1, which is fine: they are simply missing).
declare -A installed=()
while read -r name want eflag status; do
	if [[ $want == install || $want == hold ]] && [[ $eflag == ok && $status == installed ]]; then
		installed[$name]=1
	fi
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)

missing=()
for pkg in "${packages[@]}"; do
	[[ -n ${installed[$pkg]:-} ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

apt_install=(apt-get install -y -o DPkg::Lock::Timeout=300)
if ((EUID == 0)); then
	as_root=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
else
	{
		echo "pgkube: missing packages: ${missing[*]}"
		echo "pgkube: install them as root with:"
		echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
	} >&2
	exit 1
fi

echo "pgkube: installing: ${missing[*]}" >&2
"${as_root[@]}" apt-get update -o DPkg::Lock::Timeout=300

# Debian's postgresql-15 postinst creates and starts a "main" cluster unless
# createcluster.conf says create_main_cluster = false. That file is generated
# by postgresql-common's postinst (through ucf), so install postgresql-common
# alone first, then add a drop-in (its createcluster.conf reads
# createcluster.d/*.conf) rather than editing the admin-owned file.
common_status=$(dpkg-query -W -f='${Status}' postgresql-common 2>/dev/null || true)
if [[ $common_status != *" ok installed" && " ${missing[*]} " == *" postgresql-15 "* ]]; then
	"${as_root[@]}" "${apt_install[@]}" postgresql-common
	"${as_root[@]}" mkdir -p /etc/postgresql-common/createcluster.d
	echo "create_main_cluster = false" |
		"${as_root[@]}" tee /etc/postgresql-common/createcluster.d/pgkube-no-main-cluster.conf >/dev/null
fi

"${as_root[@]}" "${apt_install[@]}" "${missing[@]}"

# etcd-server's postinst enables its service and starts a system etcd on
# 127.0.0.1:2379 (unless a policy-rc.d forbids it, as in containers). The
# bench needs none, and one idling there would take memory and CPU from the
# figures, so stop it and keep it from starting at boot.
if [[ " ${missing[*]} " == *" etcd-server "* ]]; then
	if [[ -d /run/systemd/system ]]; then
		"${as_root[@]}" systemctl disable --now etcd.service
	else
		"${as_root[@]}" /etc/init.d/etcd stop >/dev/null 2>&1 || true
		# systemctl works on the unit files without a running systemd, and
		# disables the init script too.
		if command -v systemctl >/dev/null; then
			"${as_root[@]}" systemctl disable etcd.service >/dev/null 2>&1
		else
			"${as_root[@]}" update-rc.d etcd disable >/dev/null
		fi
	fi
fi
