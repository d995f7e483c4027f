#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests, kept in one
# directory: initdb + pg_ctl, unix socket only, database "pgkube" owned by
# role "pgkube" with trust authentication (only the socket directory's owner,
# and root, can connect: that directory is mode 0700).
#
#   dev-postgres.sh DIR start     initdb if needed, start, create the database
#   dev-postgres.sh DIR stop      fast shutdown (no error when not running)
#   dev-postgres.sh DIR status    exit 0 when running, 3 when not
#   dev-postgres.sh DIR dsn       print the libpq conninfo
#   dev-postgres.sh DIR destroy   stop, then remove the cluster's files
#
# Layout: DIR/data (PGDATA), DIR/log/postgresql.log, DIR/run (socket
# directory). A unix socket path must fit in 107 bytes, so when
# DIR/run/.s.PGSQL.5432 would be too long the socket lives in a short
# /tmp/pgkube-sock.XXXXXX directory instead. DIR/socketdir always names the
# socket directory in use while the server runs.
#
# PostgreSQL refuses to run as root. As root this script runs the server as
# the system user "pgkube" (created when missing). When that user cannot reach
# DIR (e.g. DIR is under /root, mode 0700), the cluster lives under
# /var/lib/pgkube-dev/<sha1 of DIR>/ and DIR/data and DIR/log are symlinks to
# it; a cluster there whose DIR no longer exists is removed at the next start.
set -euo pipefail

readonly PORT=5432
readonly RUN_USER=pgkube
readonly OUT_OF_TREE_ROOT=/var/lib/pgkube-dev
readonly MAX_SOCKET_PATH=100

die() {
	echo "dev-postgres: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 DIR {start|stop|status|dsn|destroy}" >&2
	exit 2
}

(($# == 2)) || usage
command=$2
case $command in
start | stop | status | dsn | destroy) ;;
*) usage ;;
esac
DIR=$(realpath -m -- "$1")
readonly DIR
# pg_ctl hands paths to /bin/sh inside double quotes, and libpq splits a host
# list on commas.
if [[ $DIR == *[\",\$\`\\]* || $DIR == *$'\n'* ]]; then
	die "DIR must not contain any of: \" , \$ \` \\ or a newline: $DIR"
fi
if [[ $command == start ]]; then
	mkdir -p "$DIR"
elif [[ ! -d $DIR ]]; then
	case $command in
	status) echo "not running" && exit 3 ;;
	stop | destroy) exit 0 ;;
	esac
fi

bindir=$(pg_config --bindir 2>/dev/null || true)
[[ -n $bindir && -x $bindir/pg_ctl ]] || bindir=/usr/lib/postgresql/15/bin
[[ -x $bindir/pg_ctl ]] || die "PostgreSQL server binaries not found (is postgresql-15 installed? see deploy/install-deps.sh)"
readonly bindir

as_root=false
if ((EUID == 0)); then
	as_root=true
fi

# Runs a command as the user the server runs as, from / so that a current
# directory that user cannot enter does not matter, and without fd 9 (the
# DIR/lock flock): a postmaster that inherited it would hold the lock forever.
as_pg() {
	if $as_root; then
		(cd / && runuser -u "$RUN_USER" -- "$@") 9>&-
	else
		"$@" 9>&-
	fi
}

# The data directory as the server user sees it: symlinks resolved, since
# that user may be unable to traverse DIR itself.
pgdata() {
	if [[ -L $DIR/data ]]; then
		readlink -f "$DIR/data"
	else
		echo "$DIR/data"
	fi
}

logfile() {
	if [[ -L $DIR/log ]]; then
		echo "$(readlink -f "$DIR/log")/postgresql.log"
	else
		echo "$DIR/log/postgresql.log"
	fi
}

is_running() {
	local data
	data=$(pgdata)
	[[ -f $data/PG_VERSION ]] || return 1
	as_pg "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1
}

socket_dir() {
	if [[ -s $DIR/socketdir ]]; then
		cat "$DIR/socketdir"
	else
		echo "$DIR/run"
	fi
}

# libpq conninfo value: bare when safe, else single-quoted with escapes.
conninfo_value() {
	local v=$1
	if [[ $v =~ ^[A-Za-z0-9_./-]+$ ]]; then
		printf '%s' "$v"
	else
		v=${v//\\/\\\\}
		printf "'%s'" "${v//\'/\\\'}"
	fi
}

# postgresql.conf string literal: single quotes doubled.
conf_string() {
	printf "'%s'" "${1//\'/\'\'}"
}

ensure_run_user() {
	id -u "$RUN_USER" >/dev/null 2>&1 && return 0
	useradd --system --no-create-home --shell /usr/sbin/nologin --user-group "$RUN_USER" ||
		id -u "$RUN_USER" >/dev/null 2>&1 ||
		die "could not create system user $RUN_USER"
}

# Removes out-of-tree clusters whose DIR is gone and whose server is not
# running: nothing can reach them any more.
collect_orphans() {
	local home owner_dir
	for home in "$OUT_OF_TREE_ROOT"/*/; do
		home=${home%/}
		[[ -f $home/path ]] || continue
		owner_dir=$(cat "$home/path")
		if [[ -e $owner_dir || -L $owner_dir ]]; then
			continue
		fi
		if [[ -f $home/data/PG_VERSION ]] &&
			as_pg "$bindir/pg_ctl" status -D "$home/data" >/dev/null 2>&1; then
			continue
		fi
		echo "dev-postgres: removing orphaned cluster $home (was $owner_dir)" >&2
		rm -rf -- "$home"
	done
}

# Where the cluster's files go, decided once, before initdb. Prints the
# directory that holds data/ and log/ (and run/ when out of tree).
choose_home() {
	if ! $as_root || (cd / && runuser -u "$RUN_USER" -- test -x "$(dirname "$DIR")"); then
		echo "$DIR"
		return
	fi
	local home
	home=$OUT_OF_TREE_ROOT/$(printf '%s' "$DIR" | sha1sum | cut -d' ' -f1)
	mkdir -p "$home"
	chmod 0755 "$OUT_OF_TREE_ROOT"
	chmod 0700 "$home"
	printf '%s\n' "$DIR" >"$home/path"
	chown "$RUN_USER:$RUN_USER" "$home"
	# DIR/data is missing, so whatever is here belonged to an earlier DIR at
	# the same path (removed and made again): it is not ours to reuse.
	if [[ -e $home/data ]]; then
		echo "dev-postgres: discarding $home/data, left by an earlier $DIR" >&2
		if as_pg "$bindir/pg_ctl" status -D "$home/data" >/dev/null 2>&1; then
			as_pg "$bindir/pg_ctl" stop -D "$home/data" -m fast -w -t 60 -s
		fi
		rm -rf -- "$home/data" "$home/log"
	fi
	echo "$home"
}

initialise() {
	local home=$1 data
	if [[ $home == "$DIR" ]]; then
		if $as_root; then
			chown "$RUN_USER:$RUN_USER" "$DIR"
		fi
	else
		mkdir -p "$home/log"
		chown "$RUN_USER:$RUN_USER" "$home/log"
		rm -f "$DIR/data" "$DIR/log"
		ln -s "$home/data" "$DIR/data"
		ln -s "$home/log" "$DIR/log"
	fi
	ensure_log_dir
	data=$(pgdata)
	echo "dev-postgres: initdb $data" >&2
	if ! as_pg "$bindir/initdb" -D "$data" --auth=trust --username=pgkube \
		--encoding=UTF8 --locale=C --no-instructions >"$(logfile).initdb" 2>&1; then
		cat "$(logfile).initdb" >&2
		die "initdb failed"
	fi
	echo "include_if_exists = 'pgkube.conf'" | as_pg tee -a "$data/postgresql.conf" >/dev/null
}

# The log directory is DIR/log, or a symlink to the out-of-tree one.
ensure_log_dir() {
	[[ -L $DIR/log ]] && return 0
	mkdir -p "$DIR/log"
	if $as_root; then
		chown "$RUN_USER:$RUN_USER" "$DIR/log"
	fi
}

# The socket directory for this start: DIR/run (or the out-of-tree run/)
# when the socket path fits, else a fresh short directory under /tmp.
prepare_socket_dir() {
	local data=$1 dir
	dir=$(dirname "$data")/run
	if ((${#dir} + ${#PORT} + 10 > MAX_SOCKET_PATH)); then
		dir=$(mktemp -d /tmp/pgkube-sock.XXXXXX)
	else
		mkdir -p "$dir"
	fi
	chmod 0700 "$dir"
	if $as_root; then
		chown "$RUN_USER:$RUN_USER" "$dir"
	fi
	printf '%s\n' "$dir" >"$DIR/socketdir"
}

write_settings() {
	local data=$1 sockdir
	sockdir=$(socket_dir)
	as_pg tee "$data/pgkube.conf" >/dev/null <<-EOF
		# Written by deploy/dev-postgres.sh at every start; edits are lost.
		listen_addresses = ''
		port = $PORT
		unix_socket_directories = $(conf_string "$sockdir")
		fsync = on
		max_connections = 200
		shared_buffers = 128MB
		logging_collector = off
		log_line_prefix = '%m [%p] %q%u@%d '
	EOF
}

remove_socket_dir() {
	local sockdir
	[[ -s $DIR/socketdir ]] || return 0
	sockdir=$(cat "$DIR/socketdir")
	if [[ $sockdir == /tmp/pgkube-sock.* ]]; then
		rm -rf -- "$sockdir"
	fi
	rm -f "$DIR/socketdir"
}

create_database() {
	local sockdir exists
	sockdir=$(socket_dir)
	local psql=("$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sockdir" -p "$PORT" -U pgkube -d postgres)
	local query="SELECT 1 FROM pg_database WHERE datname = 'pgkube'"
	exists=$(as_pg "${psql[@]}" -tAc "$query")
	if [[ $exists == 1 ]]; then
		return 0
	fi
	# A concurrent start may win the race; only its absence is an error.
	if ! as_pg "${psql[@]}" -c 'CREATE DATABASE pgkube' 2>/dev/null &&
		[[ $(as_pg "${psql[@]}" -tAc "$query") != 1 ]]; then
		die "could not create database pgkube"
	fi
}

start() {
	local data
	if $as_root; then
		ensure_run_user
		if [[ -d $OUT_OF_TREE_ROOT ]]; then
			collect_orphans
		fi
	fi
	if is_running; then
		create_database
		return 0
	fi
	data=$(pgdata)
	if [[ ! -f $data/PG_VERSION ]]; then
		initialise "$(choose_home)"
		data=$(pgdata)
	fi
	ensure_log_dir
	remove_socket_dir
	prepare_socket_dir "$data"
	write_settings "$data"
	if ! as_pg "$bindir/pg_ctl" start -D "$data" -l "$(logfile)" -w -t 60 -s; then
		tail -n 30 "$(logfile)" >&2 || true
		die "PostgreSQL did not start; log: $DIR/log/postgresql.log"
	fi
	create_database
}

stop() {
	if is_running; then
		as_pg "$bindir/pg_ctl" stop -D "$(pgdata)" -m fast -w -t 60 -s
	fi
	remove_socket_dir
}

destroy() {
	local home
	stop
	home=$(dirname "$(pgdata)")
	if [[ -L $DIR/data && $home == "$OUT_OF_TREE_ROOT"/* ]]; then
		rm -rf -- "$home"
	fi
	rm -rf -- "$DIR/data" "$DIR/log" "$DIR/run" "$DIR/lock"
}

# start, stop and destroy of one DIR run one at a time.
if [[ $command == start || $command == stop || $command == destroy ]]; then
	exec 9>"$DIR/lock"
	flock -w 120 9 || die "$DIR/lock is held by another dev-postgres.sh for 120s"
fi

case $command in
start) start ;;
stop) stop ;;
destroy) destroy ;;
status)
	if is_running; then
		echo "running (pid $(head -n 1 "$(pgdata)/postmaster.pid"))"
	else
		echo "not running"
		exit 3
	fi
	;;
dsn)
	echo "host=$(conninfo_value "$(socket_dir)") port=$PORT dbname=pgkube user=pgkube"
	;;
esac
