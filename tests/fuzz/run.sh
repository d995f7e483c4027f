#!/usr/bin/env bash
# run.sh - runs the libFuzzer targets built in build/fuzz over their corpora.
#
#   run.sh check     replay each target's seed corpus once, then fuzz each
#                    for 15 seconds; new inputs go to a temporary directory,
#                    never into the repository.
#   run.sh fuzz N    fuzz each target for N seconds, then merge into the
#                    repository corpus the inputs that add coverage.
#
# Target build/fuzz/fuzz_NAME uses tests/fuzz/corpus/NAME. Crash inputs are
# written to build/fuzz/artifacts/. Exits nonzero if any target crashed.
set -euo pipefail

cd "$(dirname "$0")/../.."

fuzz_dir=${FUZZ_BUILD_DIR:-build/fuzz}
corpus_root=tests/fuzz/corpus
artifacts=$fuzz_dir/artifacts/

# Undefined behaviour is a crash, not a log line.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

usage() {
	echo "usage: $0 check | fuzz SECONDS" >&2
	exit 2
}

mode=${1:-}
case $mode in
check)
	seconds=15
	;;
fuzz)
	seconds=${2:-}
	[[ $seconds =~ ^[0-9]+$ ]] || usage
	;;
*)
	usage
	;;
esac

shopt -s nullglob
targets=()
for t in "$fuzz_dir"/fuzz_*; do
	[[ -f $t && -x $t ]] && targets+=("$t")
done
if ((${#targets[@]} == 0)); then
	echo "run.sh: no fuzz targets in $fuzz_dir (make fuzz builds them)" >&2
	exit 1
fi

mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# run_logged LOG CMD...: runs CMD with its output in LOG, shown only on failure.
run_logged() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		cat "$log" >&2
		return 1
	fi
}

failed=()
for t in "${targets[@]}"; do
	name=${t##*/fuzz_}
	corpus=$corpus_root/$name
	log=$scratch/$name.log
	new_inputs=$scratch/$name.new
	mkdir -p "$corpus" "$new_inputs"

	if [[ $mode == check ]]; then
		echo "== $name: replaying $corpus"
		if ! run_logged "$log" "$t" -runs=0 -artifact_prefix="$artifacts" "$corpus"; then
			failed+=("$name (corpus)")
			continue
		fi
	fi

	# New inputs go to the first directory, a scratch one.
	echo "== $name: fuzzing for ${seconds}s"
	if ! run_logged "$log" "$t" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$artifacts" "$new_inputs" "$corpus"; then
		failed+=("$name")
		continue
	fi
	grep -E '^Done [0-9]+ runs' "$log" || true

	if [[ $mode == fuzz ]]; then
		# Keep only the finds that add coverage: the corpus stays small.
		before=$(find "$corpus" -type f | wc -l)
		if ! run_logged "$log" "$t" -merge=1 -artifact_prefix="$artifacts" \
			"$corpus" "$new_inputs"; then
			failed+=("$name (merge)")
			continue
		fi
		echo "$name: $(($(find "$corpus" -type f | wc -l) - before)) inputs added to $corpus"
	fi
done

if ((${#failed[@]} > 0)); then
	echo "run.sh: crashed: ${failed[*]} (inputs in $artifacts)" >&2
	exit 1
fi
echo "run.sh: ${#targets[@]} targets, no crashes"
