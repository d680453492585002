#!/bin/bash
# Runs one libFuzzer harness for ctest (tests/CMakeLists.txt, label fuzz):
#
#   run.sh regress NAME   every input in tests/data/regress/ (byte streams)
#                         and tests/data/regress/NAME/, once each
#   run.sh fuzz NAME      fuzz for FUZZ_SECONDS (default 60; 0 skips) from
#                         seeds made from tests/data by mkseeds, plus the
#                         corpus kept in BUILD/fuzz/corpus/NAME
#
# Environment (set by ctest): FUZZ_BIN (the harness), MKSEEDS, SOURCE_DIR,
# FUZZ_WORK (a scratch directory in the build tree). Exit status 0 (pass),
# 1 (fail: a crash, leak, timeout or failed check; the reproducer's path and
# what to do with it are printed), 77 (skipped, with the reason).
set -uo pipefail

mode=${1:?mode} name=${2:?harness}
: "${FUZZ_BIN:?} ${MKSEEDS:?} ${SOURCE_DIR:?} ${FUZZ_WORK:?}"
data=$SOURCE_DIR/tests/data
regress=$data/regress
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# stack traces with names: Debian's llvm-14 has the symbolizer off PATH
if ! command -v llvm-symbolizer >/dev/null && [[ -z ${ASAN_SYMBOLIZER_PATH:-} ]]; then
	for s in /usr/lib/llvm-*/bin/llvm-symbolizer; do
		[[ -x $s ]] && export ASAN_SYMBOLIZER_PATH=$s
	done
fi

# -error_exitcode: libFuzzer's default, 77, would read as "skipped" to ctest
common=(-error_exitcode=1 -timeout_exitcode=1 -rss_limit_mb=2560 -timeout=60)
case $name in
fuzz_pipeline) max_len=16384 ;;
*) max_len=4096 ;;
esac

# the regression inputs: the streams at the top (also read by the daemon in
# e2e.regress.corpus) and this harness's own directory
regress_inputs() {
	local f
	for f in "$regress"/* "$regress/$name"/*; do
		[[ -f $f && $f != *.md ]] && printf '%s\n' "$f"
	done
}

how_to_keep() {
	cat <<EOF

To keep a reproducer as a regression test (README.md, "Fuzzing"):
  1. copy it to tests/data/regress/$name/SHORT-NAME (fuzz_pipeline's inputs
     are byte streams: put them in tests/data/regress/ itself, where the
     daemon's e2e.regress.corpus reads them too);
  2. add its line to tests/data/regress/PROVENANCE.md (found by, what broke);
  3. reproduce: $FUZZ_BIN FILE; fix; then ctest -L fuzz -R regress passes.
EOF
}

case $mode in
regress)
	mapfile -t inputs < <(regress_inputs)
	if ((${#inputs[@]} == 0)); then
		echo "no regression inputs for $name"
		exit 0
	fi
	log=$FUZZ_WORK/logs/$name.regress.log
	mkdir -p "${log%/*}"
	if ! "$FUZZ_BIN" "${common[@]}" "${inputs[@]}" >"$log" 2>&1; then
		tail -n 60 "$log"
		echo "FAIL: $name broke on a regression input (the last 'Running:' line above names it)"
		exit 1
	fi
	echo "$name: ${#inputs[@]} regression inputs pass"
	;;
fuzz)
	secs=${FUZZ_SECONDS:-60}
	if [[ ! $secs =~ ^[0-9]+$ ]]; then
		echo "FUZZ_SECONDS must be a whole number of seconds, not '$secs'"
		exit 1
	fi
	if ((secs == 0)); then
		echo "skipped: FUZZ_SECONDS=0"
		exit 77
	fi
	corpus=$FUZZ_WORK/corpus/$name
	seeds=$FUZZ_WORK/seeds/$name
	artifacts=$FUZZ_WORK/artifacts/$name
	log=$FUZZ_WORK/logs/$name.log
	rm -rf "$seeds" "$artifacts"
	mkdir -p "$corpus" "$seeds" "$artifacts" "${log%/*}"

	# seeds from every record stream in tests/data
	mapfile -t streams < <(grep -rlE --exclude='*.md' '^(node=[^ ]* )?type=[A-Z_]+' "$data" | sort)
	case $name in
	fuzz_reassembly) kind=reasm ;;
	fuzz_pipeline) kind=chunks ;;
	*) kind=lines ;;
	esac
	"$MKSEEDS" "$kind" "$seeds" "${streams[@]}" || exit 1
	dirs=("$corpus" "$seeds")
	mapfile -t inputs < <(regress_inputs)
	[[ -d $regress/$name ]] && dirs+=("$regress/$name")
	if [[ $name == fuzz_pipeline ]]; then
		mkdir -p "$FUZZ_WORK/regress-streams"
		for f in "${inputs[@]}"; do cp "$f" "$FUZZ_WORK/regress-streams/"; done
		dirs+=("$FUZZ_WORK/regress-streams")
	fi

	echo "$name: fuzzing for $secs s; log $log"
	rc=0
	"$FUZZ_BIN" "${common[@]}" -max_total_time="$secs" -max_len="$max_len" \
		-print_final_stats=1 -artifact_prefix="$artifacts/" "${dirs[@]}" >"$log" 2>&1 || rc=$?
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log"
	shopt -s nullglob
	found=("$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*)
	if ((rc == 0 && ${#found[@]} == 0)); then
		echo "$name: no crash in $secs s"
		exit 0
	fi
	grep -E -m1 -B2 -A40 '^==[0-9]+==|check failed|ERROR: libFuzzer|runtime error' "$log" || tail -n 60 "$log"
	echo
	echo "FAIL: $name (libFuzzer exit status $rc); full log: $log"
	for f in "${found[@]}"; do
		echo "reproducer saved: $f ($(stat -c %s "$f") bytes)"
		# CI machines do not last: the log keeps small reproducers too
		if (($(stat -c %s "$f") <= 8192)); then
			echo "  base64: $(base64 -w0 "$f")"
		fi
	done
	how_to_keep
	exit 1
	;;
*)
	echo "unknown mode $mode"
	exit 1
	;;
esac
