#!/bin/bash
# Runs audisp-ecs on a recorded stream (resolve_ids = yes, the default) and
# compares its event summaries with libauparse's normalizer (auparse-diff).
#
#   differential.sh STREAM     one stream: the report, exit 0 pass / 1 fail
#   differential.sh --all      every stream of tests/data/{live,auparse,laurel}
#                              found now, then a table of the results
#
# Environment (from tests/differential/CMakeLists.txt): AUDISP_ECS,
# AUPARSE_DIFF, TEST_DATA. DIFF_ARGS adds options to auparse-diff (e.g. -v).
# The per-event threshold is 98% for every stream (thresholds.txt may relax
# it for a named stream, each with its reason).
set -euo pipefail
export LC_ALL=C

: "${AUDISP_ECS:?run through ctest}" "${AUPARSE_DIFF:?}" "${TEST_DATA:?}"
here=$(cd "$(dirname "$0")" && pwd)

T=$(mktemp -d "${TMPDIR:-/tmp}/differential.XXXXXX")
trap 'rm -rf "$T"' EXIT

threshold_for() {
	local rel=$1 t=98
	if [[ -f $here/thresholds.txt ]]; then
		local line
		line=$(grep -v '^#' "$here/thresholds.txt" | awk -v f="$rel" '$1 == f { print $2 }' | tail -n1)
		[[ -z $line ]] || t=$line
	fi
	echo "$t"
}

one() {
	local stream=$1 rel out rc=0
	rel=${stream#"$TEST_DATA"/}
	out=$T/$(echo "$rel" | tr / _).json
	"$AUDISP_ECS" -c /dev/null -i "$stream" -o "file:$out" 2>"$T/stderr" || rc=$?
	if ((rc != 0)); then
		cat "$T/stderr" >&2
		echo "FAIL: audisp-ecs exited $rc on $rel" >&2
		return 1
	fi
	[[ -e $out ]] || : >"$out"
	# shellcheck disable=SC2086 # DIFF_ARGS is a list of options
	"$AUPARSE_DIFF" -t "$(threshold_for "$rel")" -n "$rel" ${DIFF_ARGS:-} "$stream" "$out"
}

if [[ ${1:-} == --all ]]; then
	shopt -s nullglob
	fails=0
	printf '%-50s %s\n' stream result >"$T/table"
	for s in "$TEST_DATA"/live/*.txt "$TEST_DATA"/auparse/*.log "$TEST_DATA"/laurel/*.txt; do
		if one "$s" >"$T/report"; then r=pass; else r=FAIL; fails=$((fails + 1)); fi
		cat "$T/report"
		printf '%-50s %s %s\n' "${s#"$TEST_DATA"/}" "$r" \
			"$(sed -n 's/^all fields agree: \([^ ]*\) events = \([^ ]*\).*/\1 \2/p' "$T/report")" >>"$T/table"
	done
	echo
	cat "$T/table"
	((fails == 0))
	exit
fi

stream=${1:?usage: differential.sh STREAM | --all}
[[ -r $stream ]] || { echo "SKIP: $stream is not readable"; exit 77; }
one "$stream"
