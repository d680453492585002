#!/bin/bash
# Conformance tests: the daemon's output for every recorded stream in
# tests/data, checked against ECS 8.11 and for sane documents.
#
#   conform.sh ecs GROUP      ECS conformance (tests/tools/ecs-conform) of the
#                             documents written for each stream of GROUP
#   conform.sh sanity GROUP   exit code 0; every line valid (ecs-check); one
#                             document per distinct event of the input (same
#                             count, same keys as audit-events lists); no
#                             empty/unknown event.action or
#                             auditd.summary.action; no event that fell to the
#                             rule table's record_default
#   conform.sh tool           ecs-conform rejects what it must
#
# GROUP is a folder of tests/data, globbed when the test runs:
#   live          live/*.txt
#   laurel        laurel/*.txt (record-*, line-*, process traces) and
#                 laurel/tree/[0-9]*.txt concatenated as one stream
#   auparse       auparse/*.log
#   beats-reader  beats-reader/*.log
#   auditbeat     auditbeat/*.log, *.txt               (skipped when absent)
#   go-libaudit   go-libaudit/**/*.log, *.txt, except
#                 upper-case names (LICENSE, NOTICE...), and the records of
#                 each go-libaudit/**/*.yaml (the indented "type=" lines of
#                 aucoalesce's test cases) as a stream   (skipped when absent)
#
# Environment (from tests/conformance/CMakeLists.txt): AUDISP_ECS,
# ECS_CONFORM, ECS_CHECK, AUDIT_EVENTS, TEST_DATA, RULES (the daemon's
# plugin/normalizations.json, for the record_default check).
# CONFORMANCE_KEEP=1 keeps the scratch directory (outputs, stderr).
#
# Exit status: 0 pass, 1 fail, 77 skip.

set -euo pipefail
export LC_ALL=C

: "${AUDISP_ECS:?run through ctest}" "${ECS_CONFORM:?}" "${ECS_CHECK:?}" "${AUDIT_EVENTS:?}" "${TEST_DATA:?}" "${RULES:?}"
ECS_DIR=$TEST_DATA/ecs
MAX_NAMED=${CONFORMANCE_MAX_NAMED:-20}

T=$(mktemp -d "${TMPDIR:-/tmp}/conformance.XXXXXX")
cleanup() {
	local rc=$?
	if [[ ${CONFORMANCE_KEEP:-0} == 1 ]]; then
		echo "# scratch directory kept: $T"
	else
		rm -rf "$T"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

skip() {
	echo "SKIP: $*"
	exit 77
}

# streams GROUP: "NAME<TAB>FILE" lines, one per input stream of the group.
streams() {
	local g=$1 f d=$TEST_DATA/$1
	case $g in
	live | laurel | auparse | beats-reader) [[ -d $d ]] || { echo "no folder $d" >&2; return 1; } ;;
	auditbeat | go-libaudit) [[ -d $d ]] || return 0 ;;
	*) echo "unknown group $g" >&2; return 1 ;;
	esac
	case $g in
	live | laurel)
		for f in "$d"/*.txt; do
			[[ -f $f ]] && printf '%s\t%s\n' "$g/${f##*/}" "$f"
		done
		if [[ $g == laurel ]] && compgen -G "$d/tree/[0-9]*.txt" >/dev/null; then
			cat "$d"/tree/[0-9]*.txt >"$T/laurel-tree.txt"
			printf '%s\t%s\n' "laurel/tree/*.txt" "$T/laurel-tree.txt"
		fi
		;;
	auparse | beats-reader)
		for f in "$d"/*.log; do
			[[ -f $f ]] && printf '%s\t%s\n' "$g/${f##*/}" "$f"
		done
		;;
	auditbeat | go-libaudit)
		find "$d/" -type f \( -name '*.log' -o -name '*.txt' \) ! -name '[A-Z]*' | sort |
			while read -r f; do
				printf '%s\t%s\n' "$g/${f#"$d"/}" "$f"
			done
		# go-libaudit's aucoalesce tests hold raw events in YAML blocks,
		# one record a line: those lines, unindented, are a stream
		local i=0
		while read -r f; do
			i=$((i + 1))
			sed -n 's/^[[:space:]]\{1,\}\(\(node=[^ ]* \)\{0,1\}type=\)/\1/p' "$f" >"$T/yaml.$i.txt"
			[[ -s $T/yaml.$i.txt ]] && printf '%s\t%s\n' "$g/${f#"$d"/} (records)" "$T/yaml.$i.txt"
		done < <(find "$d/" -type f -name '*.yaml' | sort)
		;;
	esac
}

# run_daemon FILE OUT ERR: the daemon over one stream; its exit status.
run_daemon() {
	local rc=0
	rm -f "$2"
	timeout -k 5 120 "$AUDISP_ECS" -c /dev/null -i "$1" -o "file:$2" 2>"$3" </dev/null || rc=$?
	[[ -e $2 ]] || : >"$2"
	return "$rc"
}

# kv KEY LINE: the value of KEY=... in an ecs-conform -s line
kv() {
	local k=$1 l=$2
	l=" $l "
	l=${l#* "$k"=}
	echo "${l%% *}"
}

indent() { sed 's/^/    /'; }

mode_ecs() {
	local g=$1 list name f n=0 bad=0 rc out err s
	list=$(streams "$g") || exit 1
	[[ -n $list ]] || skip "no streams in $TEST_DATA/$g"
	printf '# %-46s %5s %6s %6s %6s %6s %6s %6s\n' stream exit docs nonecs type value warn ctwarn
	while IFS=$'\t' read -r name f; do
		n=$((n + 1))
		out=$T/out.$n.json err=$T/err.$n
		rc=0
		run_daemon "$f" "$out" "$err" || rc=$?
		s=$("$ECS_CONFORM" -d "$ECS_DIR" -s -q -m "$MAX_NAMED" "$out" 2>"$T/conf.$n") || true
		if [[ -z $s ]]; then
			echo "FAIL: $name: ecs-conform did not run:" >&2
			indent <"$T/conf.$n" >&2
			bad=$((bad + 1))
			continue
		fi
		printf '# %-46s %5s %6s %6s %6s %6s %6s %6s\n' "$name" "$rc" "$(kv docs "$s")" \
			"$(kv nonecs "$s")" "$(kv type "$s")" \
			"$(($(kv value "$s") + $(kv json "$s")))" \
			"$(kv warnings "$s")" "$(kv cattype_warnings "$s")"
		if [[ $(kv failures "$s") != 0 ]]; then
			bad=$((bad + 1))
			echo "FAIL: $name: $(kv failures "$s") ECS conformance failures (output of $f):" >&2
			sed "s|$out|$name.json|" "$T/conf.$n" | { grep -v '[]:] warning: ' || true; } | indent >&2
		fi
		if [[ $(kv warnings "$s") != 0 ]]; then
			echo "# $name: warnings:"
			sed "s|$out|$name.json|" "$T/conf.$n" | { grep '[]:] warning: ' || true; } | indent
		fi
	done <<<"$list"
	((bad == 0)) || { echo "FAIL: $bad of $n streams of $g not ECS 8.11 conformant" >&2; exit 1; }
	echo "ok - $n streams of $g: every document ECS 8.11 conformant"
}

mode_sanity() {
	local g=$1 list name f n=0 bad=0 rc out err s ndocs nev why
	list=$(streams "$g") || exit 1
	[[ -n $list ]] || skip "no streams in $TEST_DATA/$g"
	printf '# %-46s %5s %6s %6s %s\n' stream exit docs events problems
	while IFS=$'\t' read -r name f; do
		n=$((n + 1))
		out=$T/out.$n.json err=$T/err.$n
		why=()
		rc=0
		run_daemon "$f" "$out" "$err" || rc=$?
		if ((rc == 124 || rc == 137)); then
			why+=("did not exit within 120 s")
		elif ((rc > 128)); then
			why+=("killed by signal $((rc - 128))")
		elif ((rc != 0)); then
			why+=("exit status $rc")
		fi
		if ! "$ECS_CHECK" -q -k "$out" >"$T/docs.$n" 2>"$T/check.$n"; then
			why+=("invalid lines (ecs-check)")
		fi
		"$AUDIT_EVENTS" "$f" >"$T/events.$n"
		ndocs=$(nlines "$out")
		nev=$(nlines "$T/events.$n")
		if ((ndocs != nev)); then
			why+=("$ndocs documents for $nev events")
		elif ! cmp -s "$T/events.$n" "$T/docs.$n"; then
			why+=("document keys differ from event keys")
		fi
		s=$("$ECS_CONFORM" -d "$ECS_DIR" -n "$RULES" -S -A -s -q -m "$MAX_NAMED" "$out" 2>"$T/conf.$n") || true
		if [[ -z $s ]]; then
			why+=("ecs-conform did not run")
		elif [[ $(kv failures "$s") != 0 ]]; then
			why+=("$(($(kv action "$s") - $(kv record_default "$s"))) empty/unknown actions, $(kv record_default "$s") record_default events")
		fi
		printf '# %-46s %5s %6s %6s %s\n' "$name" "$rc" "$ndocs" "$nev" "$(IFS=';'; echo "${why[*]:-ok}")"
		if ((${#why[@]})); then
			bad=$((bad + 1))
			(
				set +e +o pipefail
				echo "FAIL: $name ($f): $(IFS=';'; echo "${why[*]}")"
				if ((rc != 0)); then
					echo "  daemon stderr (last lines):"
					tail -n 5 "$err" | cut -c1-300 | indent
				fi
				if [[ -s $T/check.$n ]]; then
					echo "  ecs-check:"
					head -n "$MAX_NAMED" "$T/check.$n" | indent
				fi
				if ! cmp -s "$T/events.$n" "$T/docs.$n"; then
					echo "  event keys of the input (<) vs document keys (>):"
					diff "$T/events.$n" "$T/docs.$n" | grep '^[<>]' | head -n "$MAX_NAMED" | indent
					echo "  daemon: $(grep -o 'done_standalone=[0-9]*\|late_records=[0-9]*\|lines_bad=[0-9]*\|events_failed=[0-9]*' "$err" | tr '\n' ' ')"
				fi
				if [[ $(kv failures "${s:-failures=1}") != 0 ]]; then
					echo "  actions:"
					sed "s|$out|$name.json|" "$T/conf.$n" | indent
				fi
			) >&2
		fi
	done <<<"$list"
	((bad == 0)) || { echo "FAIL: $bad of $n streams of $g" >&2; exit 1; }
	echo "ok - $n streams of $g: exit 0, valid lines, one document per event, every action named"
}

nlines() {
	if [[ -e $1 ]]; then
		wc -l <"$1"
	else
		echo 0
	fi
}

# --- the checker itself ------------------------------------------------------

GOOD='{"@timestamp":"2024-01-02T03:04:05.678Z","event":{"kind":"event","module":"auditd","category":["process"],"type":["start"],"action":"executed","outcome":"success","sequence":7},"process":{"pid":1,"parent":{"pid":0},"args":["ls","-l"],"args_count":2},"user":{"id":"0","name":"root"},"source":{"ip":"10.0.0.1","port":22},"related":{"user":["root"],"ip":["10.0.0.1"]},"labels":{"a":"b"},"tags":["k"],"auditd":{"message_type":"syscall","event_kind":"audit-rule","summary":{"action":"executed"},"paths":[{"item":"0"}],"data":{"x":{"y":[1,{"z":2}]}}},"ecs":{"version":"8.11.0"}}'

# doc EDIT...: GOOD with sed expressions applied
doc() {
	local d=$GOOD e
	for e in "$@"; do
		d=$(sed -e "$e" <<<"$d")
	done
	printf '%s\n' "$d"
}

# expect WANT(0|1) WHAT GREP OPTIONS... < LINES: runs ecs-conform over the
# lines; its exit status must be WANT and a problem must match GREP (when
# not empty; for WANT 0 that is a warning).
expect() {
	local want=$1 what=$2 pat=$3 rc=0
	shift 3
	cat >"$T/in.json"
	"$ECS_CONFORM" -d "$ECS_DIR" -q "$@" "$T/in.json" >"$T/tool.out" 2>"$T/tool.err" || rc=$?
	if ((rc != want)); then
		echo "FAIL: ecs-conform on $what: exit $rc, wanted $want" >&2
		indent <"$T/tool.err" >&2
		echo "$what" >>"$T/tool.bad"
	elif [[ -n $pat ]] && ! grep -q -- "$pat" "$T/tool.err"; then
		echo "FAIL: ecs-conform on $what: no problem matching '$pat'" >&2
		indent <"$T/tool.err" >&2
		echo "$what" >>"$T/tool.bad"
	else
		echo "ok - $what"
	fi
}

mode_tool() {
	: >"$T/tool.bad"
	local A=(-A -n "$RULES")
	doc | expect 0 "a good document" ""
	doc | expect 0 "a good document, actions checked" "" "${A[@]}"
	doc 's/"user":{/"user":{"uid":"0",/' | expect 1 "a field that is not ECS" "user.uid: not an ECS 8.11 field"
	doc 's/"ecs":{/"foo":{"bar":[1]},"ecs":{/' | expect 1 "a field set that is not ECS" "foo.bar: not an ECS"
	doc 's/"process":{"pid":1,/"process":{"pid":1,"parent":{"pid":0,"x":1},/; s/"parent":{"pid":0},//' |
		expect 1 "a non-ECS leaf below an ECS prefix" "process.parent.x: not an ECS"
	doc 's/"process":{/"process":[{"pid":1}],"x":{/' | expect 1 "an array of objects at a non-nested field" "process: not an ECS"
	doc 's/"pid":1,/"pid":"1",/' | expect 1 "a string for a long" "process.pid: ECS type long, JSON string"
	doc 's/"pid":1,/"pid":1.5,/' | expect 1 "a double for a long" "process.pid: ECS type long, JSON double"
	doc 's/"id":"0"/"id":0/' | expect 1 "a number for a keyword" "user.id: ECS type keyword, JSON int"
	doc 's/"port":22/"port":70000/' | expect 1 "a port out of range" "source.port: 70000 out of range"
	doc 's/"ip":"10.0.0.1"/"ip":"10.0.0.300"/' | expect 1 "a bad IP address" "is not an IP address"
	doc 's/"category":\["process"\]/"category":"process"/' | expect 1 "event.category not an array" "event.category: must be an array"
	doc 's/"tags":\["k"\]/"tags":"k"/' | expect 1 "tags not an array" "tags: must be an array"
	doc 's/"args":\["ls","-l"\]/"args":["ls",["-l"]]/' | expect 1 "an array in an array" "array element JSON array"
	doc 's/"kind":"event"/"kind":"events"/' | expect 1 "a bad event.kind" 'event.kind: "events" is not an ECS 8.11 allowed value'
	doc 's/"category":\["process"\]/"category":["proc"]/' | expect 1 "a bad event.category" 'event.category: "proc"'
	doc 's/"type":\["start"\]/"type":["started"]/' | expect 1 "a bad event.type" 'event.type: "started"'
	doc 's/"outcome":"success"/"outcome":"ok"/' | expect 1 "a bad event.outcome" 'event.outcome: "ok"'
	doc 's/"type":\["start"\]/"type":["start","creation"]/' | expect 0 "an unexpected category/type pair is a warning" "process.*creation"
	doc 's/"type":\["start"\]/"type":["creation"]/' | expect 1 "an orphan event.type with -W" "expected by none" -W
	doc 's/05.678Z/05Z/' | expect 1 "@timestamp without milliseconds" "@timestamp: .* is not YYYY"
	doc 's/05.678Z/05.678+00:00/' | expect 1 "@timestamp with an offset" "@timestamp: "
	doc 's/"@timestamp":"[^"]*",//' | expect 1 "no @timestamp" "@timestamp: missing"
	doc 's/"8.11.0"/"8.10.0"/' | expect 1 "a wrong ecs.version" "ecs.version"
	doc 's/"name":"root"/"name":"?"/' | expect 1 "auditd's placeholder as a user name" 'user.name: "?" is auditd'"'"'s placeholder'
	doc 's/"id":"0"/"id":"(null)"/' | expect 1 "auditd's (null) as a user id" 'user.id: "(null)"'
	doc 's/"id":"0"/"id":"\\"0\\""/' | expect 1 "a value still in quotes" "user.id: .* still in auditd's quotes"
	doc 's/"args":\["ls","-l"\]/"args":["ls","?"]/' | expect 0 "a free-text argument \"?\" is fine" ""
	doc 's/"args_count":2/"args_count":3/' | expect 1 "args_count not the length of args" "process.args_count: 3"
	doc 's/"labels":{"a":"b"}/"labels":"a"/' | expect 1 "labels not an object" "labels: ECS type object"
	doc 's/"ecs":{/"network":{"direction":"in"},"ecs":{/' | expect 1 "a bad network.direction" "network.direction"
	doc 's/"action":"executed",//' | expect 1 "no event.action, actions checked" "event.action: missing" "${A[@]}"
	doc 's/"action":"executed"}/"action":""}/' | expect 1 "an empty auditd.summary.action" "auditd.summary.action: empty" "${A[@]}"
	doc 's/"executed"/"unknown"/g; s/"audit-rule"/"unknown"/' | expect 1 "a record_default event" "fell to record_default (message_type syscall)" "${A[@]}"
	doc 's/"user":{/"user":{"uid":"0",/' | expect 0 "-S skips the schema" "" -S "${A[@]}"
	printf '%s' "$(doc)" | expect 1 "an unterminated line" "not terminated"
	printf '\n' | expect 1 "an empty line" "empty line"
	doc 's/"root"/"r\xffot"/' | expect 1 "invalid UTF-8" "invalid UTF-8"
	doc 's/"root"/"r\toot"/' | expect 1 "a raw control byte" "raw control byte"
	doc 's/"k"\]/"k",]/' | expect 1 "a trailing comma (strict)" "not JSON"
	doc 's/$/ {}/' | expect 1 "text after the object" "not JSON\|text after"
	echo '[1]' | expect 1 "an array, not an object" "not an object"
	# (expect runs in a pipeline's subshell: its verdicts go through a file)
	[[ ! -s $T/tool.bad ]] || { echo "FAIL: ecs-conform wrong on $(wc -l <"$T/tool.bad") cases" >&2; exit 1; }
}

case ${1:-} in
ecs) mode_ecs "${2:?group}" ;;
sanity) mode_sanity "${2:?group}" ;;
tool) mode_tool ;;
*) echo "usage: $0 ecs|sanity GROUP | tool" >&2; exit 2 ;;
esac
