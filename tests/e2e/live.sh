#!/bin/bash
# Live streams: the daemon reads a pipe whose write end stays open (as under
# auditd), so documents must come out while it waits for more input.
#
#   eoe-latency         an event's records then its EOE: its document is on
#                       stdout (a pipe) within 1 s, with stdin still open, even
#                       though end_of_event_timeout is 30 s
#   standalone-latency  a single-record user-space message (no EOE ever
#                       comes): its document is out within 1 s
#   timeout             an event without EOE: out only after
#                       end_of_event_timeout = 0.5 s (not before 0.4 s, and
#                       by 1.5 s)
#   interleaved         the records of three events interleaved, EOEs in a
#                       different order: each document is out once its EOE
#                       is in, whole (all its records, none of the others')
. "$(dirname "$0")/lib.sh"

# The execve of "auditctl -a ... -k net" (SYSCALL, BPRM_FCAPS, EXECVE, CWD,
# PATH, PATH, PROCTITLE, EOE) and the user message of "auditctl -m".
records 29317 >"$T/exec.txt"
records 29989 >"$T/user.txt"
(($(wc -l <"$T/exec.txt") == 8)) || fail "fixture: event 29317 should have 8 records"

# ms_until_lines N LIMIT_MS: waits for $T/stdout to hold N lines; echoes the
# milliseconds it took (or fails after LIMIT_MS).
ms_until_lines() {
	local t0 n=$1 limit=$2
	t0=$(now_us)
	wait_lines "$T/stdout" "$n" "$limit" ||
		fail "document $n not on stdout after ${limit} ms (stdin open, daemon $(alive && echo running || echo gone))"
	echo $((($(now_us) - t0) / 1000))
}

mode=${1:?mode}
case $mode in
eoe-latency)
	c=$(conf slow.conf 'end_of_event_timeout = 30')
	start_daemon -c "$c" -o stdout
	grep -a -v '^type=EOE' "$T/exec.txt" >&3
	sleep 0.3
	(($(nlines "$T/stdout") == 0)) || fail "the event was written before its EOE arrived"
	grep -a '^type=EOE' "$T/exec.txt" >&3
	ms=$(ms_until_lines 1 1000)
	note "document out ${ms} ms after the EOE"
	alive || fail "the daemon exited while its stdin is open"
	events_in "$T/exec.txt" >"$T/want.keys"
	docs_out "$T/stdout" >"$T/got.keys" || fail "invalid document"
	same_keys "eoe" "$T/want.keys" "$T/got.keys"
	# the document carries the event's EXECVE and PATH records
	grep -q '"args":\["auditctl","-a","always,exit"' "$T/stdout" || fail "the EXECVE arguments are missing"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC at end of input"
	(($(nlines "$T/stdout") == 1)) || fail "$(nlines "$T/stdout") documents for one event"
	pass "the document follows its EOE within 1 s (${ms} ms) with stdin open"
	;;
standalone-latency)
	c=$(conf slow.conf 'end_of_event_timeout = 30')
	start_daemon -c "$c" -o stdout
	cat "$T/user.txt" >&3
	ms=$(ms_until_lines 1 1000)
	alive || fail "the daemon exited while its stdin is open"
	grep -q '"message_type":"user"' "$T/stdout" || fail "not the USER message: $(cat "$T/stdout")"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	pass "a single-record user message is written within 1 s (${ms} ms)"
	;;
timeout)
	c=$(conf fast.conf 'end_of_event_timeout = 0.5')
	start_daemon -c "$c" -o stdout
	t0=$(now_us)
	grep -a -v '^type=EOE' "$T/exec.txt" >&3
	wait_lines "$T/stdout" 1 3000 || fail "the event without EOE never came out (timeout 0.5 s)"
	ms=$((($(now_us) - t0) / 1000))
	note "document out after ${ms} ms (end_of_event_timeout = 0.5)"
	((ms >= 400)) || fail "written after ${ms} ms: before end_of_event_timeout (500 ms)"
	((ms <= 1500)) || fail "written after ${ms} ms: far after end_of_event_timeout (500 ms)"
	alive || fail "the daemon exited while its stdin is open"
	# a second one, a while later: the timer is re-armed for it
	sleep 0.2
	records 29330 | grep -a -v '^type=EOE' >"$T/second.txt"
	[[ -s $T/second.txt ]] || fail "fixture: no event 29330"
	t0=$(now_us)
	cat "$T/second.txt" >&3
	wait_lines "$T/stdout" 2 3000 || fail "the second event without EOE never came out"
	ms2=$((($(now_us) - t0) / 1000))
	((ms2 >= 400 && ms2 <= 1500)) || fail "second event written after ${ms2} ms, expected ~500"
	# its late EOE must not make a document of its own
	grep -a '^type=EOE' "$T/exec.txt" >&3
	sleep 0.3
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	cat "$T/exec.txt" "$T/second.txt" | events_in >"$T/want.keys"
	docs_out "$T/stdout" >"$T/got.keys" || fail "invalid documents"
	same_keys "timeout" "$T/want.keys" "$T/got.keys"
	pass "events without EOE are written after end_of_event_timeout (${ms} ms, ${ms2} ms)"
	;;
interleaved)
	c=$(conf slow.conf 'end_of_event_timeout = 30')
	start_daemon -c "$c" -o stdout
	records 29317 | fresh_events 500001 1 >"$T/a.txt"
	records 29317 | fresh_events 500002 1 >"$T/b.txt"
	records 29318 | fresh_events 500003 1 >"$T/c.txt"
	# round-robin the records of a, b, c (their EOEs last in each), then the
	# EOEs in the order c, a, b
	paste -d '\n' <(grep -v '^type=EOE' "$T/a.txt") <(grep -v '^type=EOE' "$T/b.txt") \
		<(grep -v '^type=EOE' "$T/c.txt") | grep -a . >&3
	sleep 0.3
	(($(nlines "$T/stdout") == 0)) || fail "an event was written before its EOE"
	for e in c a b; do
		n=$(($(nlines "$T/stdout") + 1))
		grep '^type=EOE' "$T/$e.txt" >&3
		ms_until_lines "$n" 1000 >/dev/null
		events_in "$T/$e.txt" >"$T/want.keys"
		tail -n 1 "$T/stdout" | docs_out >"$T/got.keys" || fail "invalid document"
		same_keys "interleaved $e" "$T/want.keys" "$T/got.keys"
	done
	# each document holds its own event's records only: a and b are execs with
	# 2 PATH records each, c has none
	for seq in 500001 500002; do
		doc=$(grep -F "\"sequence\":$seq," "$T/stdout")
		[[ $doc == *'"args":["auditctl"'* ]] || fail "event $seq lost its EXECVE record"
		[[ $(grep -o '"item":' <<<"$doc" | wc -l) == 2 ]] ||
			fail "event $seq does not have exactly its 2 PATH records"
	done
	(($(matching "$T/stdout" '"sequence":500003,' '"item":') == 0)) ||
		fail "event 500003 got PATH records of another event"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	(($(nlines "$T/stdout") == 3)) || fail "$(nlines "$T/stdout") documents for 3 events"
	pass "interleaved events are reassembled by serial and written as their EOEs arrive"
	;;
stall)
	# The daemon is stopped (or busy) past end_of_event_timeout while the
	# rest of an event, EOE included, waits in the pipe: when it runs again
	# the event must come out whole, not cut by its timeout.
	c=$(conf fast.conf 'end_of_event_timeout = 0.5')
	start_daemon -c "$c" -o stdout
	wait_idle "$DPID" 2000
	head -n 1 "$T/exec.txt" >&3
	sleep 0.1
	kill -STOP "$DPID"
	tail -n +2 "$T/exec.txt" >&3
	sleep 1.5
	kill -CONT "$DPID"
	wait_lines "$T/stdout" 1 3000 || fail "the event never came out"
	sleep 0.8
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	(($(nlines "$T/stdout") == 1)) ||
		fail "$(nlines "$T/stdout") documents for one event cut by its timeout while stopped"
	events_in "$T/exec.txt" >"$T/want.keys"
	docs_out "$T/stdout" >"$T/got.keys" || fail "invalid document"
	same_keys "stall" "$T/want.keys" "$T/got.keys"
	grep -q '"paths"' "$T/stdout" || fail "the document lacks the records sent while stopped"
	pass "an event whose end waited in the pipe while the daemon was stopped comes out whole"
	;;
*) fail "unknown mode $mode" ;;
esac
