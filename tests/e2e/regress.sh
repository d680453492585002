#!/bin/bash
# Inputs that once broke the daemon (tests/data/regress): each must give exit
# status 0 and only valid documents, with every optional field switched on.
# Only the files at the top are byte streams; the directories hold inputs of
# one fuzz harness each (tests/fuzz/run.sh runs those).
source "$(dirname "$0")/lib.sh"

case ${1:?mode} in
corpus)
	c=$(conf all.conf 'include_raw = yes' 'include_warnings = yes' 'message = yes')
	n=0
	for f in "$TEST_DATA"/regress/*; do
		[[ -f $f && $f != *.md ]] || continue
		rm -f "$T/out.json"
		rc=0
		"$AUDISP_ECS" -c "$c" -i "$f" -o "file:$T/out.json" 2>"$T/stderr" || rc=$?
		((rc == 0)) || { tail -n 20 "$T/stderr"; fail "$(basename "$f"): exit status $rc"; }
		[[ -s $T/out.json ]] || fail "$(basename "$f"): no document"
		"$ECS_CHECK" -q "$T/out.json" || fail "$(basename "$f"): invalid documents"
		n=$((n + 1))
	done
	((n > 0)) || fail "no regression inputs in $TEST_DATA/regress"
	pass "$n regression inputs: exit 0, valid documents"
	;;
*) fail "unknown mode $1" ;;
esac
