#!/bin/bash
# The daemon under valgrind's memcheck: the recorded streams and a hostile one
# must run with no memory error and no leak, and still give valid documents.
source "$(dirname "$0")/lib.sh"
: "${HOSTILE_GEN:?}"

command -v valgrind >/dev/null || skip "valgrind is not installed (apt-get install valgrind)"

vg() {
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect "$@"
}

case ${1:?mode} in
recorded)
	for f in "$RAW" "$ENRICHED"; do
		vg "$AUDISP_ECS" -c /dev/null -i "$f" -o "file:$T/out.json" 2>"$T/vg.log" ||
			{ cat "$T/vg.log"; fail "valgrind reported errors on $(basename "$f")"; }
		"$ECS_CHECK" -q "$T/out.json" || fail "invalid documents from $(basename "$f")"
		want=$(events_in "$f" | wc -l)
		got=$(nlines "$T/out.json")
		[[ $want == "$got" ]] || fail "$(basename "$f"): $want events in, $got documents out"
		rm -f "$T/out.json"
	done
	pass "recorded streams clean under memcheck"
	;;
hostile)
	"$HOSTILE_GEN" -s 7 -k "$T/fake.keys" "$RAW" >"$T/hostile.txt"
	vg "$AUDISP_ECS" -c /dev/null -o "file:$T/out.json" <"$T/hostile.txt" 2>"$T/vg.log" ||
		{ grep -v '^audisp-ecs' "$T/vg.log" | head -50; fail "valgrind reported errors on hostile input"; }
	"$ECS_CHECK" -q "$T/out.json" || fail "invalid documents from hostile input"
	pass "hostile input clean under memcheck"
	;;
*) fail "unknown mode $1" ;;
esac
