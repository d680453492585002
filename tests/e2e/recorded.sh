#!/bin/bash
# Recorded streams (tests/data/live): what auditd 3.0.9 really wrote on a
# plugin's stdin, RAW and ENRICHED. The daemon must write exactly one valid
# document per event (events counted by audit-events, not by the daemon), and
# exit 0 at end of input.
#
#   raw-file, enriched-file     audisp-ecs -c /dev/null -i FILE -o file:OUT
#   raw-stdin, enriched-stdin   cat FILE | audisp-ecs -c /dev/null -o stdout
#                               (and the same documents as with -i)
#   audit-log                   both streams concatenated as an audit.log
#                               would hold them (EOE records removed, as auditd
#                               does not log them), through -i
. "$(dirname "$0")/lib.sh"

mode=${1:?mode}
case $mode in
raw-*) in=$RAW ;;
enriched-*) in=$ENRICHED ;;
audit-log)
	grep -a -v '^type=EOE ' "$RAW" >"$T/audit.log"
	grep -a -v '^type=EOE ' "$ENRICHED" >>"$T/audit.log"
	in=$T/audit.log
	;;
*) fail "unknown mode $mode" ;;
esac

events_in "$in" >"$T/expected.keys"
n_events=$(wc -l <"$T/expected.keys")
# the fixtures hold 727 events each (691 end with an EOE, 36 are
# single-record user-space and daemon messages): a check of audit-events too
case $mode in
audit-log) want=1454 ;;
*) want=727 ;;
esac
((n_events == want)) || fail "audit-events finds $n_events events in $in, the fixture has $want"
note "$(basename "$in"): $(wc -l <"$in") records, $n_events events"

run_file() {
	local rc=0
	"$AUDISP_ECS" -c /dev/null -i "$in" -o "file:$T/out.json" >"$T/stdout" 2>"$T/stderr" || rc=$?
	((rc == 0)) || { cat "$T/stderr" >&2; fail "exit status $rc, expected 0"; }
	[[ ! -s $T/stdout ]] || fail "-o file:... also wrote to stdout"
	out=$T/out.json
}

run_stdin() {
	local rc=0
	# shellcheck disable=SC2002 # a pipe on purpose, not a file
	cat "$in" | "$AUDISP_ECS" -c /dev/null -o stdout >"$T/out.json" 2>"$T/stderr" || rc=$?
	((rc == 0)) || { cat "$T/stderr" >&2; fail "exit status $rc, expected 0"; }
	out=$T/out.json
}

case $mode in
*-file | audit-log) run_file ;;
*-stdin) run_stdin ;;
esac

# every line a valid ECS document (ecs-check names the bad line)
"$ECS_CHECK" -k "$out" >"$T/actual.keys" || fail "invalid documents in the output"
n_docs=$(nlines "$out")
no_dups "$mode" "$T/actual.keys"
same_keys "$mode" "$T/expected.keys" "$T/actual.keys"
((n_docs == n_events)) || fail "$n_docs documents for $n_events events"
# real records are all records: none may be dropped as garbage
if grep -q 'not an audit record' "$T/stderr"; then
	grep 'not an audit record' "$T/stderr" | head -n 3 >&2
	fail "records of a real stream were dropped as garbage"
fi

if [[ $mode == *-stdin ]]; then
	# the same input gives the same documents, whichever way it comes
	sort "$out" >"$T/stdin.sorted"
	"$AUDISP_ECS" -c /dev/null -i "$in" -o "file:$T/via-i.json" 2>/dev/null ||
		fail "-i run failed"
	sort "$T/via-i.json" >"$T/i.sorted"
	cmp -s "$T/stdin.sorted" "$T/i.sorted" ||
		fail "the documents from stdin differ from those of -i: $(diff "$T/stdin.sorted" "$T/i.sorted" | head -c 600)"
fi
pass "$mode: $n_docs valid documents for $n_events events, each exactly once"
