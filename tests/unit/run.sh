#!/usr/bin/env bash
# Runs the Check unit suites given as arguments with one private PostgreSQL
# for the run (PGKUBE_TEST_DSN, PGKUBE_TEST_PGDIR), from the repo root.
# Scripts (*.sh) get the DSN as their argument.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$PWD/tests/tmp/unit-pg
cleanup() { deploy/dev-postgres.sh "$dir" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
deploy/dev-postgres.sh "$dir" start >/dev/null
PGKUBE_TEST_DSN=$(deploy/dev-postgres.sh "$dir" dsn)
export PGKUBE_TEST_DSN PGKUBE_TEST_PGDIR=$dir
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "$@"; do
	echo "== $t"
	case $t in
	*.sh) "$t" "$PGKUBE_TEST_DSN" || status=1 ;;
	*.py) /usr/bin/python3 "$t" --self-test shared/resources.json || status=1 ;;
	*) "$t" || status=1 ;;
	esac
done
exit "$status"
