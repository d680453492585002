#!/bin/bash
# The checkers themselves: a checker that passes everything proves nothing.
#
#   ecs-check     accepts a good document; rejects, naming the line, each
#                 kind of bad line; -k/-s/-c/-u/-e work
#   audit-events  keys of a crafted stream: EOE left out, records of one
#                 event merged, node= kept, garbage skipped, -x, -c, -t
. "$(dirname "$0")/lib.sh"

good='{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"action":"executed","sequence":29317},"ecs":{"version":"8.11.0"}}'

# must_fail NAME LINE_BYTES...: ecs-check rejects the file and names line 2
must_fail() {
	local name=$1
	shift
	{
		printf '%s\n' "$good"
		printf '%b' "$@"
	} >"$T/bad.json"
	if "$ECS_CHECK" -q "$T/bad.json" 2>"$T/err"; then
		fail "ecs-check accepted: $name"
	fi
	grep -q "bad.json:2:" "$T/err" || fail "ecs-check did not name line 2 for: $name ($(cat "$T/err"))"
}

mode=${1:?mode}
case $mode in
ecs-check)
	printf '%s\n' "$good" >"$T/good.json"
	"$ECS_CHECK" -q "$T/good.json" || fail "ecs-check rejects a good document"
	: >"$T/empty.json"
	"$ECS_CHECK" -q -e 0 "$T/empty.json" || fail "ecs-check rejects an empty file"
	g=${good%\}}
	must_fail "no final newline" "$good"
	must_fail "empty line" '\n'
	must_fail "not JSON" 'hello\n'
	must_fail "truncated object" "${good:0:60}\n"
	must_fail "trailing bytes" "$good"'x\n'
	must_fail "two objects" "$good$good\n"
	must_fail "an array" "[$good]\n"
	must_fail "invalid UTF-8" "$g"',"x":"\xff"}\n'
	must_fail "overlong UTF-8" "$g"',"x":"\xc0\xaf"}\n'
	must_fail "UTF-8 surrogate" "$g"',"x":"\xed\xa0\x80"}\n'
	must_fail "lone surrogate escape" "$g"',"x":"\\ud800"}\n'
	must_fail "raw control byte" "$g"',"x":"a\tb"}\n'
	must_fail "duplicate key" "$g"',"ecs":{"version":"8.11.0"}}\n'
	must_fail "duplicate nested key" '{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"action":"a","action":"b","sequence":1},"ecs":{"version":"8.11.0"}}\n'
	# json-c takes these even in strict mode
	must_fail "single-quoted key" '{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"action":"a","sequence":1},"ecs":{"version":"8.11.0"},\x27x\x27:1}\n'
	must_fail "NaN" "$g"',"x":NaN}\n'
	must_fail "Infinity" "$g"',"x":-Infinity}\n'
	must_fail "number 1." "$g"',"x":1.}\n'
	must_fail "no @timestamp" '{"event":{"action":"a","sequence":1},"ecs":{"version":"8.11.0"}}\n'
	must_fail "bad @timestamp" '{"@timestamp":"2026-11-22 07:17:57","event":{"action":"a","sequence":1},"ecs":{"version":"8.11.0"}}\n'
	must_fail "no event.action" '{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"sequence":1},"ecs":{"version":"8.11.0"}}\n'
	must_fail "empty event.action" '{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"action":"","sequence":1},"ecs":{"version":"8.11.0"}}\n'
	must_fail "string event.sequence" '{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"action":"a","sequence":"1"},"ecs":{"version":"8.11.0"}}\n'
	must_fail "negative event.sequence" '{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"action":"a","sequence":-1},"ecs":{"version":"8.11.0"}}\n'
	must_fail "event.sequence > 2^32-1" '{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"action":"a","sequence":4294967296},"ecs":{"version":"8.11.0"}}\n'
	must_fail "wrong ecs.version" '{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"action":"a","sequence":1},"ecs":{"version":"8.10.0"}}\n'
	must_fail "empty host.name" '{"@timestamp":"2026-11-22T07:17:57.763Z","event":{"action":"a","sequence":1},"host":{"name":""},"ecs":{"version":"8.11.0"}}\n'
	# valid escapes and UTF-8 are fine
	printf '%s\n' "$g"',"x":"ünï \u00e9 \ud83d\ude00 \" \\ \n","y":["a",1,true,null,{"z":1.5}]}' >"$T/esc.json"
	"$ECS_CHECK" -q "$T/esc.json" || fail "ecs-check rejects valid escapes and UTF-8"
	# listing and counting
	{
		printf '%s\n' "$good"
		printf '%s\n' '{"@timestamp":"2026-11-22T07:17:57.001Z","event":{"action":"a","sequence":5},"host":{"name":"n1"},"ecs":{"version":"8.11.0"}}'
		printf '%s\n' "$good"
	} >"$T/three.json"
	[[ $("$ECS_CHECK" -q -k "$T/three.json" | tr '\n' ' ') == "29317@2026-11-22T07:17:57.763Z 29317@2026-11-22T07:17:57.763Z n1/5@2026-11-22T07:17:57.001Z " ]] ||
		fail "ecs-check -k: $("$ECS_CHECK" -q -k "$T/three.json" | tr '\n' ' ')"
	[[ $("$ECS_CHECK" -q -s "$T/three.json" | tr '\n' ' ') == "5 29317 29317 " ]] || fail "ecs-check -s"
	[[ $("$ECS_CHECK" -q -c "$T/three.json") == 3 ]] || fail "ecs-check -c"
	"$ECS_CHECK" -q -e 3 "$T/three.json" || fail "ecs-check -e 3"
	! "$ECS_CHECK" -q -e 2 "$T/three.json" 2>/dev/null || fail "ecs-check -e 2 accepted 3 documents"
	! "$ECS_CHECK" -q -u "$T/three.json" 2>/dev/null || fail "ecs-check -u accepted a repeated event"
	pass "ecs-check accepts good documents and names each kind of bad line"
	;;
audit-events)
	cat >"$T/stream.txt" <<'EOF'
type=SYSCALL msg=audit(1795331877.763:29317): arch=c000003e syscall=59
type=EXECVE msg=audit(1795331877.763:29317): argc=1 a0="x"
type=SYSCALL msg=audit(1795331877.764:29318): arch=c000003e syscall=59
type=PATH msg=audit(1795331877.763:29317): item=0 name="/x"
type=EOE msg=audit(1795331877.763:29317): 
type=EOE msg=audit(1795331877.900:99999): 
node=host1 type=USER msg=audit(1795331877.763:29317): pid=1 msg='text=x'
type=DAEMON_START msg=audit(1795331875.767:9945): op=start res=success
garbage line
type=SYSCALL msg=audit(1795331877.763:29317
type=SYSCALL msg=audit(1795331877.1000:5): a=b
type=CWD msg=audit(1795331877.763:29319): cwd="/"
EOF
	want='29317@2026-11-22T07:17:57.763Z 29318@2026-11-22T07:17:57.764Z 29319@2026-11-22T07:17:57.763Z 9945@2026-11-22T07:17:55.767Z host1/29317@2026-11-22T07:17:57.763Z '
	got=$("$AUDIT_EVENTS" "$T/stream.txt" | tr '\n' ' ')
	[[ $got == "$want" ]] || fail "audit-events: got '$got', want '$want'"
	[[ $("$AUDIT_EVENTS" -c "$T/stream.txt") == 5 ]] || fail "audit-events -c"
	[[ $("$AUDIT_EVENTS" -c -x DAEMON_ "$T/stream.txt") == 4 ]] || fail "audit-events -x DAEMON_"
	[[ $("$AUDIT_EVENTS" -t "$T/stream.txt" | head -n 1) == "29317@2026-11-22T07:17:57.763Z SYSCALL" ]] ||
		fail "audit-events -t: $("$AUDIT_EVENTS" -t "$T/stream.txt" | head -n 1)"
	[[ $("$AUDIT_EVENTS" <"$T/stream.txt" | tr '\n' ' ') == "$want" ]] || fail "audit-events on stdin"
	pass "audit-events lists the distinct events of a stream"
	;;
*) fail "unknown mode $mode" ;;
esac
