#!/bin/bash
# Signals, while the daemon reads a pipe that stays open (as under auditd).
#
#   sigterm             events without EOE held open (end_of_event_timeout =
#                       60): SIGTERM writes every one of them (file output),
#                       exit 0
#   sigint              the same with SIGINT and stdout (a pipe)
#   sigterm-drain       what auditd does when it stops: it writes its last
#                       records, then at once SIGTERMs the plugin (and gives
#                       it 3 s). Records already in the pipe when SIGTERM
#                       arrives must still be written.
#   sighup-rotate       logrotate: rename A to A.1, SIGHUP; documents before
#                       the reload are in A.1, after it in a new A (mode
#                       0600), none lost or written twice
#   sighup-rotate-busy  five rename+SIGHUP while 3000 events stream in: the
#                       union of A.1..A.5 and A is every event, exactly once
#   sighup-bad-config   a reload with an unknown key, and one with an output
#                       that cannot be opened, are refused (logged, naming
#                       FILE:LINE) and the running configuration goes on; a
#                       good reload switches the output
#   startup             SIGUSR1 and SIGHUP sent while the daemon starts (its
#                       input a FIFO no one has opened yet, so it cannot get
#                       past opening it) wait for it instead of killing it:
#                       once a writer comes, the status line is logged and
#                       the events are written; SIGTERM at the same point
#                       still stops it
. "$(dirname "$0")/lib.sh"

# an exec event (8 records, EOE last) as the template of generated events
records 29317 >"$T/template.txt"
# gen FIRST COUNT [noeoe] > FILE: generated events with serials FIRST...
gen() { fresh_events "$@" <"$T/template.txt"; }

mode=${1:?mode}
case $mode in
sigterm | sigint)
	c=$(conf hold.conf 'end_of_event_timeout = 60')
	if [[ $mode == sigterm ]]; then
		sig=TERM out=$T/out.json
		start_daemon -c "$c" -o "file:$out"
	else
		sig=INT out=$T/stdout
		start_daemon -c "$c" -o stdout
	fi
	gen 700001 3 >"$T/done.txt"
	gen 700101 5 noeoe >"$T/open.txt"
	cat "$T/done.txt" "$T/open.txt" >&3
	wait_lines "$out" 3 2000 || fail "the 3 complete events were not written"
	sleep 0.3
	(($(nlines "$out") == 3)) || fail "events without EOE were written before the signal"
	kill -"$sig" "$DPID"
	wait_exit "$DPID" 5000
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC after SIG$sig, expected 0"
	[[ -n ${CAT_PID:-} ]] && wait "$CAT_PID" 2>/dev/null
	cat "$T/done.txt" "$T/open.txt" | events_in >"$T/want.keys"
	docs_out "$out" >"$T/got.keys" || fail "invalid documents"
	same_keys "SIG$sig" "$T/want.keys" "$T/got.keys"
	exec 3>&-
	pass "SIG$sig writes the 5 open events (and exits 0 with stdin still open)"
	;;
sigterm-drain)
	# a race: run it 20 times (a daemon that stops reading at SIGTERM loses
	# the pipe's records in about a third of the runs)
	gen 710001 40 >"$T/batch.txt"
	events_in "$T/batch.txt" >"$T/want.keys"
	bad_runs=0 first_bad=
	for run in $(seq 1 20); do
		rm -f "$T/out.json"
		start_daemon -c /dev/null -o "file:$T/out.json"
		# the daemon waits in epoll; 40 complete events (~57 KiB, within a
		# pipe's 64 KiB) are written while it is stopped, so that SIGTERM is
		# pending before it reads any of them
		wait_idle "$DPID" 5000
		kill -STOP "$DPID"
		cat "$T/batch.txt" >&3
		kill -TERM "$DPID"
		kill -CONT "$DPID"
		wait_exit "$DPID" 5000
		exec 3>&-
		((WAIT_RC == 0)) || fail "run $run: exit status $WAIT_RC after SIGTERM"
		docs_out "$T/out.json" >"$T/got.keys" || fail "run $run: invalid documents"
		if ! cmp -s "$T/want.keys" "$T/got.keys"; then
			bad_runs=$((bad_runs + 1))
			[[ -n $first_bad ]] || first_bad="run $run: $(wc -l <"$T/got.keys") of 40 documents"
		fi
	done
	((bad_runs == 0)) || fail "records already in the pipe at SIGTERM were lost in $bad_runs of 20 runs (first: $first_bad)"
	pass "records already in the pipe when SIGTERM arrives are written (20 runs)"
	;;
sighup-rotate)
	A=$T/A
	c=$(conf rot.conf "output = file:$A" 'end_of_event_timeout = 30')
	start_daemon_i -c "$c"
	gen 600001 200 >"$T/b1.txt"
	gen 600201 200 >"$T/b2.txt"
	cat "$T/b1.txt" >&3
	wait_lines "$A" 200 5000 || fail "batch 1: $(nlines "$A") of 200 documents"
	mv "$A" "$A.1"
	kill -HUP "$DPID"
	wait_grep "$T/stderr" 'reloaded' 3000 || fail "no reload message after SIGHUP: $(cat "$T/stderr")"
	cat "$T/b2.txt" >&3
	wait_lines "$A" 200 5000 || fail "batch 2: $(nlines "$A") of 200 documents in the new file"
	alive || fail "the daemon died"
	[[ $(stat -c %a "$A") == 600 ]] || fail "the new file has mode $(stat -c %a "$A"), expected 600"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	events_in "$T/b1.txt" >"$T/want1.keys"
	events_in "$T/b2.txt" >"$T/want2.keys"
	docs_out "$A.1" >"$T/got1.keys" || fail "invalid documents in A.1"
	docs_out "$A" >"$T/got2.keys" || fail "invalid documents in A"
	same_keys "A.1 (before SIGHUP)" "$T/want1.keys" "$T/got1.keys"
	same_keys "A (after SIGHUP)" "$T/want2.keys" "$T/got2.keys"
	pass "after rename + SIGHUP documents go to a new file; nothing lost or doubled"
	;;
sighup-rotate-busy)
	A=$T/A
	c=$(conf rot.conf "output = file:$A" 'end_of_event_timeout = 30')
	start_daemon_i -c "$c"
	gen 800001 3000 >"$T/all.txt"
	mkdir "$T/chunks"
	split -l 400 -d -a 3 "$T/all.txt" "$T/chunks/c"
	(
		for f in "$T"/chunks/c*; do
			cat "$f" >&3
			sleep 0.01
		done
	) &
	WPID=$!
	BG_PIDS+=("$WPID")
	hups=0
	for k in 1 2 3 4 5; do
		sleep 0.15
		if [[ -e $A ]]; then
			mv "$A" "$A.$k"
			kill -HUP "$DPID"
			hups=$((hups + 1))
			# one reload at a time: signals sent faster would merge
			wait_count "$T/stderr" reloaded "$hups" 3000 || fail "no reload after SIGHUP $k"
		fi
	done
	wait "$WPID" || fail "the writer failed"
	stop_input 20000
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	((hups >= 3)) || fail "only $hups rotations happened: the stream was too short to test this"
	rotated=$(ls "$T"/A.* | wc -l)
	note "$hups rotations; lines per file: $(wc -l "$T"/A.* "$A" | awk '$2 != "total" {printf "%s ", $1}')"
	events_in "$T/all.txt" >"$T/want.keys"
	cat "$T"/A.* "$A" | docs_out >"$T/got.keys" || fail "invalid documents"
	no_dups "rotation" "$T/got.keys"
	same_keys "A.1..A.$rotated + A" "$T/want.keys" "$T/got.keys"
	(($(grep -c reloaded "$T/stderr") == hups)) || fail "$hups SIGHUPs, $(grep -c reloaded "$T/stderr") reloads"
	pass "$hups rotations under a stream of 3000 events: every event once across the files"
	;;
sighup-bad-config)
	A=$T/A B=$T/B
	c=$(conf d.conf "output = file:$A" 'end_of_event_timeout = 30')
	start_daemon_i -c "$c"
	for i in 1 2 3 4; do gen $((900000 + i * 100)) 50 >"$T/b$i.txt"; done
	cat "$T/b1.txt" >&3
	wait_lines "$A" 50 5000 || fail "batch 1 not written"
	# an unknown key: refused, naming the file and line
	printf '%s\n' "output = file:$B" 'bogus_key = 1' >"$c"
	kill -HUP "$DPID"
	wait_grep "$T/stderr" 'refused' 3000 || fail "no message about the refused reload: $(cat "$T/stderr")"
	grep -q -- "$c:2" "$T/stderr" || fail "the message does not name $c:2: $(cat "$T/stderr")"
	cat "$T/b2.txt" >&3
	wait_lines "$A" 100 5000 || fail "after a refused reload, batch 2 did not reach the old output"
	[[ ! -e $B ]] || fail "the refused configuration's output was opened"
	# a good one: the output switches to B
	printf '%s\n' "output = file:$B" 'end_of_event_timeout = 30' >"$c"
	kill -HUP "$DPID"
	wait_grep "$T/stderr" 'reloaded' 3000 || fail "no reload message"
	cat "$T/b3.txt" >&3
	wait_lines "$B" 50 5000 || fail "after a good reload, batch 3 is not in the new output"
	# an output that cannot be opened: refused, B goes on
	printf '%s\n' "output = file:$T/no/such/dir/out.json" >"$c"
	n_refused=$(grep -c refused "$T/stderr")
	kill -HUP "$DPID"
	wait_count "$T/stderr" refused $((n_refused + 1)) 3000 ||
		fail "a reload with an unusable output was not refused: $(cat "$T/stderr")"
	alive || fail "the daemon died on a reload with an unusable output"
	cat "$T/b4.txt" >&3
	wait_lines "$B" 100 5000 || fail "after a refused reload (bad output), batch 4 is not in B"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	(($(nlines "$A") == 100)) || fail "A has $(nlines "$A") documents, expected 100"
	cat "$T/b1.txt" "$T/b2.txt" | events_in >"$T/wantA.keys"
	cat "$T/b3.txt" "$T/b4.txt" | events_in >"$T/wantB.keys"
	docs_out "$A" >"$T/gotA.keys" || fail "invalid documents in A"
	docs_out "$B" >"$T/gotB.keys" || fail "invalid documents in B"
	same_keys "A" "$T/wantA.keys" "$T/gotA.keys"
	same_keys "B" "$T/wantB.keys" "$T/gotB.keys"
	pass "bad reloads are refused with FILE:LINE and the old setup runs on; a good one switches output"
	;;
startup)
	# held WAIT_MS: wait until the daemon is past its first line of main
	# (SIGHUP and SIGUSR1 held: bits 1 and 10 of SigBlk); after WAIT_MS go on
	# anyway, so that a daemon that does not hold them fails on the signal
	held() {
		local start blk
		start=$(now_us)
		while (($(now_us) - start < $1 * 1000)); do
			blk=$(awk '/^SigBlk:/ { print $2 }' "/proc/$DPID/status" 2>/dev/null) || return 0
			[[ -n $blk ]] && (((16#$blk & 0x201) == 0x201)) && return 0
			sleep 0.01
		done
	}
	mkfifo "$T/in.fifo"
	gen 720001 3 >"$T/batch.txt"
	"$AUDISP_ECS" -i "$T/in.fifo" -o "file:$T/out.json" 2>"$T/stderr" &
	DPID=$!
	BG_PIDS+=("$DPID")
	held 3000
	kill -USR1 "$DPID"
	kill -HUP "$DPID"
	sleep 0.2
	alive || { wait "$DPID" || true; fail "SIGUSR1/SIGHUP during start-up killed the daemon: $(cat "$T/stderr")"; }
	exec 3>"$T/in.fifo"
	cat "$T/batch.txt" >&3
	wait_grep "$T/stderr" ': status: lines_in=' 3000 || fail "the SIGUSR1 sent during start-up gave no status line"
	wait_lines "$T/out.json" 3 3000 || fail "the events after a start-up SIGHUP were not written"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	events_in "$T/batch.txt" >"$T/want.keys"
	docs_out "$T/out.json" >"$T/got.keys" || fail "invalid documents"
	same_keys "after start-up signals" "$T/want.keys" "$T/got.keys"

	# SIGTERM is not held: it stops a daemon stuck opening its input
	"$AUDISP_ECS" -i "$T/in.fifo" -o "file:$T/out2.json" 2>"$T/stderr2" &
	DPID=$!
	BG_PIDS+=("$DPID")
	held 3000
	kill -TERM "$DPID"
	wait_exit "$DPID" 3000
	((WAIT_RC == 143)) || fail "SIGTERM during start-up: exit status $WAIT_RC, expected 143 (killed by it)"
	pass "SIGUSR1 and SIGHUP during start-up wait for the daemon; SIGTERM still stops it"
	;;
*) fail "unknown mode $mode" ;;
esac
