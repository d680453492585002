#!/bin/bash
# Hostile input: the recorded RAW and ENRICHED streams with garbage mixed in
# by tests/tools/hostile-gen (random bytes, NUL runs, 3 MiB lines, truncated
# records, invalid UTF-8, control bytes, broken headers, thousands of fields,
# no final newline...). Three seeds per run.
#
#   file    audisp-ecs -c /dev/null -i HOSTILE -o file:OUT
#   stdin   cat HOSTILE | audisp-ecs -c /dev/null -o stdout
#
# The daemon exits 0, every output line is a valid ECS document (ecs-check),
# every good event comes out exactly once, and so does every fake event whose
# header survived (the big 3 MiB EXECVE event, records with hostile bodies).
. "$(dirname "$0")/lib.sh"
: "${HOSTILE_GEN:?}"

mode=${1:?mode}
problems=()
for seed in 1 2 3; do
	case $seed in
	2) good=$ENRICHED ;;
	*) good=$RAW ;;
	esac
	"$HOSTILE_GEN" -s "$seed" -k "$T/fake.keys" "$good" >"$T/hostile.txt" || fail "hostile-gen failed"
	events_in "$good" >"$T/good.keys"
	sort "$T/good.keys" "$T/fake.keys" >"$T/want.keys"
	no_dups "generator" "$T/want.keys"
	rm -f "$T/out.json"
	rc=0
	case $mode in
	file)
		timeout 30 "$AUDISP_ECS" -c /dev/null -i "$T/hostile.txt" -o "file:$T/out.json" \
			>/dev/null 2>"$T/stderr" || rc=$?
		;;
	stdin)
		timeout 30 "$AUDISP_ECS" -c /dev/null -o stdout <"$T/hostile.txt" \
			>"$T/out.json" 2>"$T/stderr" || rc=$?
		;;
	*) fail "unknown mode $mode" ;;
	esac
	((rc == 0)) || { tail -n 5 "$T/stderr" >&2; fail "seed $seed: exit status $rc, expected 0"; }
	"$ECS_CHECK" -k "$T/out.json" >"$T/got.keys" || problems+=("seed $seed: invalid documents (see above)")
	# every wanted key exactly once; other documents (from records whose
	# header was cut into something else) may exist but must be valid
	uniq -d "$T/got.keys" >"$T/dup.keys"
	comm -12 "$T/want.keys" "$T/dup.keys" >"$T/bad.keys"
	[[ ! -s $T/bad.keys ]] || problems+=("seed $seed: events written twice: $(head -n 3 "$T/bad.keys" | tr '\n' ' ')")
	sort -u "$T/got.keys" >"$T/got.u"
	comm -23 "$T/want.keys" "$T/got.u" >"$T/missing.keys"
	if [[ -s $T/missing.keys ]]; then
		problems+=("seed $seed: $(wc -l <"$T/missing.keys") of $(wc -l <"$T/want.keys") events did not come out as valid documents: $(head -n 5 "$T/missing.keys" | tr '\n' ' ')")
	fi
	note "seed $seed: $(wc -c <"$T/hostile.txt") bytes in, $(wc -l <"$T/good.keys") good + $(wc -l <"$T/fake.keys") fake events, $(wc -l <"$T/got.keys") documents out"
done
if ((${#problems[@]})); then
	printf '%s\n' "${problems[@]}" >&2
	fail "hostile input ($mode): ${#problems[@]} problems"
fi
pass "hostile input ($mode): exit 0, every line valid, every good event once"
