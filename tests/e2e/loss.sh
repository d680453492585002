#!/bin/bash
# Nothing lost unnoticed (issue 6): every event read is written, or counted
# as dropped; every record is in the status line's accounting:
#
#   records_in = records_out + records_failed + records_eoe_alone
#                + records_pending
#
# which every status line checked here must satisfy (SIGUSR1 mid-stream, and
# the "stopped:" line at exit). Streams are grown from the recorded ones with
# fresh, gapless serials (tests/bench/stream-grow), so documents are counted
# by serial (seq-check: exactly once each); ecs-check validates a sample.
# Under the sanitizers (E2E_SANITIZE=1) the streams are half as long.
#
#   burst-enriched  1,000,000 events of the enriched stream through a pipe
#                   into -o file:OUT: documents out = events in, exactly
#                   (every serial once), nothing dropped, lost_possible = 0;
#                   events/s reported
#   burst-raw       the same with the raw stream, 8 events interleaved
#   status          the equation holds in status lines asked for (SIGUSR1)
#                   while a stream goes in, at exit, and on a hostile stream
#                   (hostile-gen: orphan EOEs, broken records, late ones)
#   stall           back-pressure: the file output is a FIFO whose reader is
#                   stopped (SIGSTOP: a write to it would block), a second
#                   output a regular file; 200,000 events are pushed into
#                   stdin. The writer finishes in bounded time (stdin never
#                   stalls), the regular file gets every event, RSS stays
#                   bounded (VmHWM), drops are logged (warning) and counted;
#                   after SIGCONT the held documents come out without new
#                   input; at exit lines in the FIFO's file + FIFO.dropped =
#                   events in, exactly, none twice, none cut
#   sighup-storm    SIGHUP every few ms while 250,000 events stream in, and a
#                   logrotate-style rename + SIGHUP every 0.3 s: every event
#                   once across the files, nothing dropped
#   sigterm-burst   SIGTERM in the middle of a stream: exit 0, nothing
#                   pending or held at exit, every event read is in the file
#                   once (documents = events_out)
. "$(dirname "$0")/lib.sh"

: "${STREAM_GROW:?}" "${SEQ_CHECK:?}" "${HOSTILE_GEN:?}"
mode=${1:?mode}
SAN=${E2E_SANITIZE:-0}
[[ $SAN == 1 || $SAN == ON || $SAN == TRUE ]] && SAN=1 || SAN=0
# scale N: N, or N/2 under the sanitizers
scale() { if ((SAN)); then echo $(($1 / 2)); else echo "$1"; fi; }

# value NAME LINE: the value of the token NAME=V of a status line
value() {
	local tok
	for tok in $2; do
		if [[ $tok == "$1="* ]]; then
			echo "${tok#*=}"
			return
		fi
	done
	fail "no $1= in the status line: $2"
}

# balanced LINE: the record equation holds in a status line
balanced() {
	local l=$1 in out failed alone pending
	in=$(value records_in "$l")
	out=$(value records_out "$l")
	failed=$(value records_failed "$l")
	alone=$(value records_eoe_alone "$l")
	pending=$(value records_pending "$l")
	((in == out + failed + alone + pending)) ||
		fail "records_in=$in != records_out=$out + records_failed=$failed + records_eoe_alone=$alone + records_pending=$pending: $l"
}

# all_balanced: every status line so far (status:, drops:, stopped:); sets NLINES
all_balanced() {
	local l
	NLINES=0
	while IFS= read -r l; do
		balanced "$l"
		NLINES=$((NLINES + 1))
	done < <(grep -a -E ': (status|drops|stopped): lines_in=' "$T/stderr" | sed 's/^[^:]*: //')
}

stopped_line() {
	local l
	l=$(grep -a ': stopped: lines_in=' "$T/stderr" | tail -n 1)
	[[ -n $l ]] || fail "no 'stopped:' status line at exit: $(tail -n 3 "$T/stderr")"
	echo "${l#*: }"
}

# grow N FIRST TEMPLATE [ARGS]: a stream of N events, serials FIRST...; the
# number of records in $T/grow.records
grow() {
	local n=$1 first=$2 tpl=$3
	shift 3
	"$STREAM_GROW" -n "$n" -S "$first" "$@" "$tpl" 2>"$T/grow.err"
}
grow_records() { sed -n 's/.* records=\([0-9]*\) .*/\1/p' "$T/grow.err"; }

# sample FILE: ecs-check on every 97th line and the last 10
sample() {
	{ sed -n '1~97p' "$1"; tail -n 10 "$1"; } >"$T/sample.json"
	"$ECS_CHECK" -q "$T/sample.json" >/dev/null || fail "$1: invalid documents in the sample"
}

# usr1: a status line now; waits for it, sets STATUS
usr1() {
	local n
	n=$(grep -a -c ': status: lines_in=' "$T/stderr" || true)
	kill -USR1 "$DPID"
	wait_count "$T/stderr" ': status: lines_in=' $((n + 1)) 5000 || fail "no status line after SIGUSR1"
	STATUS=$(grep -a ': status: lines_in=' "$T/stderr" | tail -n 1)
	STATUS=${STATUS#*: }
}

case $mode in
burst-enriched | burst-raw)
	N=$(scale 1000000) FIRST=1000001
	OUT=$T/out.json
	c=$(conf burst.conf 'status_interval = 0')
	if [[ $mode == burst-enriched ]]; then
		tpl=$ENRICHED args=()
	else
		tpl=$RAW args=(-k 8 -s 6)
	fi
	t0=$(now_us)
	grow "$N" "$FIRST" "$tpl" "${args[@]}" | "$AUDISP_ECS" -i - -c "$c" -o "file:$OUT" 2>"$T/stderr" ||
		fail "the pipeline failed (exit $?): $(tail -n 3 "$T/stderr")"
	t1=$(now_us)
	records=$(grow_records)
	[[ -n $records ]] || fail "stream-grow said nothing: $(cat "$T/grow.err")"
	S=$(stopped_line)
	note "$S"
	"$SEQ_CHECK" "$FIRST" "$N" "$OUT" >"$T/seq.txt" || fail "documents != events: $(cat "$T/seq.txt")"
	note "seq-check: $(cat "$T/seq.txt")"
	sample "$OUT"
	balanced "$S"
	(($(value records_in "$S") == records)) || fail "records_in=$(value records_in "$S"), $records written into the pipe"
	(($(value records_out "$S") == records)) || fail "records_out=$(value records_out "$S"), expected all $records"
	(($(value events_out "$S") == N)) || fail "events_out=$(value events_out "$S"), expected $N"
	for k in output_dropped output_errors events_failed lost_possible records_pending output_held lines_bad; do
		(($(value $k "$S") == 0)) || fail "$k=$(value $k "$S"), expected 0"
	done
	secs=$(((t1 - t0) / 1000))
	rate=$((N * 1000 / (secs ? secs : 1)))
	pass "$mode: $N events ($records records) in $((secs / 1000)).$(printf %03d $((secs % 1000))) s through a pipe, $rate events/s: $N documents, each serial once, nothing dropped"
	;;

status)
	# a stream through a FIFO, SIGUSR1 while it goes in
	N=$(scale 300000) FIRST=2000001
	OUT=$T/out.json
	c=$(conf st.conf "output = file:$OUT" 'status_interval = 0')
	grow "$N" "$FIRST" "$RAW" -k 8 -s 3 >"$T/in.txt"
	records=$(grow_records)
	start_daemon_i -c "$c"
	cat "$T/in.txt" >&3 &
	WPID=$!
	BG_PIDS+=("$WPID")
	k=0
	while kill -0 "$WPID" 2>/dev/null; do
		usr1
		k=$((k + 1))
		sleep 0.05
	done
	wait "$WPID" || fail "the writer failed"
	usr1
	stop_input 60000
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	all_balanced
	S=$(stopped_line)
	(($(value records_in "$S") == records && $(value records_out "$S") == records)) ||
		fail "records_in/out are not the $records records written: $S"
	"$SEQ_CHECK" "$FIRST" "$N" "$OUT" >"$T/seq.txt" || fail "documents != events: $(cat "$T/seq.txt")"
	mid=$NLINES
	pending_seen=$(grep -a ': status: ' "$T/stderr" | grep -c -v ' records_pending=0 ' || true)

	# a hostile stream: bad lines, orphan EOEs, late records, cut events
	rm -f "$T/stderr" "$OUT"
	"$HOSTILE_GEN" -s 11 "$RAW" >"$T/hostile.txt" || fail "hostile-gen failed"
	start_daemon_i -c "$c"
	(
		split -n l/8 "$T/hostile.txt" "$T/h."
		for f in "$T"/h.*; do
			cat "$f"
			sleep 0.1
		done
	) >&3 &
	WPID=$!
	BG_PIDS+=("$WPID")
	while kill -0 "$WPID" 2>/dev/null; do
		usr1
		sleep 0.1
	done
	wait "$WPID" || fail "the hostile writer failed"
	stop_input 60000
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC on the hostile stream"
	all_balanced
	S=$(stopped_line)
	note "hostile: $S"
	(($(value records_eoe_alone "$S") > 0)) || fail "the hostile stream has orphan EOEs: records_eoe_alone=0"
	(($(value records_pending "$S") == 0)) || fail "records pending at exit: $S"
	"$ECS_CHECK" -q "$OUT" >/dev/null || fail "invalid documents on the hostile stream"
	(($(nlines "$OUT") == $(value events_out "$S"))) || fail "$(nlines "$OUT") documents, events_out=$(value events_out "$S")"
	pass "the record equation holds in $mid status lines during and after a $N-event stream ($pending_seen with records pending) and in $NLINES on a hostile one"
	;;

stall)
	N=$(scale 200000) FIRST=3000001
	FIFO=$T/out.fifo GOT=$T/got.json REF=$T/ref.json
	mkfifo "$FIFO"
	cat "$FIFO" >"$GOT" &
	RPID=$!
	BG_PIDS+=("$RPID")
	c=$(conf stall.conf "output = file:$FIFO" "output = file:$REF" 'status_interval = 0')
	grow "$N" "$FIRST" "$ENRICHED" >"$T/in.txt"
	records=$(grow_records)
	start_daemon_i -c "$c"
	wait_idle "$DPID" 5000
	kill -STOP "$RPID"
	CLEANUP_HOOKS+=('kill -CONT $RPID 2>/dev/null')
	t0=$(now_us)
	cat "$T/in.txt" >&3 &
	WPID=$!
	BG_PIDS+=("$WPID")
	limit=$((SAN ? 300000 : 60000))
	wait_exit "$WPID" "$limit"
	((WAIT_RC == 0)) || fail "the writer failed"
	t1=$(now_us)
	wait_lines "$REF" "$N" 30000 || fail "the regular file output got $(nlines "$REF") of $N documents while the FIFO was stalled"
	usr1
	note "stalled: $STATUS"
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$DPID/status")
	held=$(value "file:$FIFO.held" "$STATUS")
	dropped=$(value "file:$FIFO.dropped" "$STATUS")
	((dropped > 0 && held > 0)) || fail "with the reader stopped: file:$FIFO.held=$held dropped=$dropped"
	(($(value "file:$REF.dropped" "$STATUS") == 0)) || fail "the regular file output dropped documents"
	(($(value output_dropped "$STATUS") == dropped)) || fail "output_dropped is not the FIFO's drops"
	balanced "$STATUS"
	grep -a -q 'documents dropped: an output does not keep up' "$T/stderr" || fail "drops not logged"
	# 4 MiB held + the pipe's 64 KiB + the daemon's own (a few MiB; more
	# under the sanitizers)
	bound=$((SAN ? 256 * 1024 : 32 * 1024))
	((hwm < bound)) || fail "VmHWM ${hwm} kB, bound $bound kB"
	kill -CONT "$RPID"
	# the held documents come out by themselves (housekeeping, every second)
	want=$((N - dropped))
	wait_lines "$GOT" "$want" 10000 || fail "after SIGCONT: $(nlines "$GOT") documents, expected $want (held $held)"
	stop_input 30000
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	wait "$RPID" 2>/dev/null || true
	all_balanced
	S=$(stopped_line)
	note "$S"
	d_end=$(value "file:$FIFO.dropped" "$S")
	got=$(nlines "$GOT")
	((got + d_end == N)) || fail "$got documents + $d_end dropped != $N events"
	(($(value events_out "$S") == N && $(value output_held "$S") == 0)) || fail "events_out != $N or held at exit: $S"
	"$SEQ_CHECK" -p "$FIRST" "$N" "$GOT" >"$T/seq.txt" || fail "FIFO output: $(cat "$T/seq.txt")"
	"$SEQ_CHECK" "$FIRST" "$N" "$REF" >"$T/seqr.txt" || fail "regular output: $(cat "$T/seqr.txt")"
	sample "$GOT"
	ms=$(((t1 - t0) / 1000))
	pass "stalled FIFO reader: $N events pushed in $ms ms, VmHWM $hwm kB, $held held and written after SIGCONT without new input ($got lines in all), $d_end dropped and counted: $got + $d_end = $N; the other output complete"
	;;

sighup-storm)
	N=$(scale 250000) FIRST=4000001
	A=$T/A
	c=$(conf hup.conf "output = file:$A" 'status_interval = 0')
	grow "$N" "$FIRST" "$RAW" -k 4 -s 9 >"$T/in.txt"
	records=$(grow_records)
	start_daemon_i -c "$c"
	wait_idle "$DPID" 5000
	cat "$T/in.txt" >&3 &
	WPID=$!
	BG_PIDS+=("$WPID")
	hups=0 rot=0 last=$(now_us)
	while kill -0 "$WPID" 2>/dev/null; do
		kill -HUP "$DPID"
		hups=$((hups + 1))
		if (($(now_us) - last > 300000)) && [[ -e $A ]]; then
			rot=$((rot + 1))
			mv "$A" "$A.$rot"
			kill -HUP "$DPID"
			last=$(now_us)
		fi
		sleep 0.003
	done
	wait "$WPID" || fail "the writer failed"
	stop_input 60000
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	alive && fail "still running"
	all_balanced
	S=$(stopped_line)
	note "$S"
	reloads=$(grep -a -c 'configuration reloaded' "$T/stderr" || true)
	((reloads >= 5)) || fail "only $reloads reloads happened"
	files=("$A".* "$A")
	"$SEQ_CHECK" "$FIRST" "$N" "${files[@]}" >"$T/seq.txt" || fail "across ${#files[@]} files: $(cat "$T/seq.txt")"
	for k in output_dropped output_errors events_failed lost_possible records_pending; do
		(($(value $k "$S") == 0)) || fail "$k=$(value $k "$S"), expected 0"
	done
	(($(value records_out "$S") == records)) || fail "records_out != $records"
	sample "$A.1"
	pass "$hups SIGHUPs ($reloads reloads), $rot renames, $N events: each once across ${#files[@]} files, nothing dropped"
	;;

sigterm-burst)
	N=$(scale 400000) FIRST=5000001
	OUT=$T/out.json
	c=$(conf term.conf "output = file:$OUT" 'status_interval = 0')
	grow "$N" "$FIRST" "$ENRICHED" >"$T/in.txt"
	start_daemon_i -c "$c"
	wait_idle "$DPID" 5000
	cat "$T/in.txt" >&3 2>/dev/null &
	WPID=$!
	BG_PIDS+=("$WPID")
	# SIGTERM once it is well into the stream
	wait_lines "$OUT" $((N / 10)) 60000 || fail "the stream did not start"
	kill -TERM "$DPID"
	wait_exit "$DPID" 30000
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC after SIGTERM"
	exec 3>&-
	wait "$WPID" 2>/dev/null || true
	all_balanced
	S=$(stopped_line)
	note "$S"
	for k in records_pending output_held pending_events output_dropped; do
		(($(value $k "$S") == 0)) || fail "$k=$(value $k "$S") at exit after SIGTERM"
	done
	out=$(value events_out "$S")
	((out < N)) || note "the whole stream was read before SIGTERM"
	"$SEQ_CHECK" -p "$FIRST" "$N" "$OUT" >"$T/seq.txt" || fail "$(cat "$T/seq.txt")"
	(($(nlines "$OUT") == out)) || fail "$(nlines "$OUT") documents, events_out=$out"
	sample "$OUT"
	pass "SIGTERM mid-stream: $out of $N events read, all written once; nothing pending or held at exit"
	;;
*) fail "unknown mode $mode" ;;
esac
