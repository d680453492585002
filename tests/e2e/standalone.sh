#!/bin/bash
# Standalone mode (-i unix:PATH) against a real auditd. A private
# `auditd -f -c DIR` (as in auditd.sh: log and plugins.d in DIR, /etc/audit
# left alone) runs two plugins: auditd's builtin af_unix plugin (the shipped
# /etc/audit/plugins.d/af_unix.conf, with active = yes and args = 0640
# DIR/sock) and a recorder (`cat`, SIGTERM ignored) keeping the exact stream
# auditd dispatched. audisp-ecs runs on its own, not started by auditd:
#   audisp-ecs -c DIR/ecs.conf -i unix:DIR/sock
#
#   reconnect  rules (execve, a watch, connect) and a workload; then auditd
#              is stopped (SIGTERM to its pid) and started again with the
#              same configuration, and the workload runs again.
#
# Asserts: auditd logged exactly the events it dispatched (its log vs the
# recorder's stream, DAEMON_CONFIG excepted, as in auditd.sh); af_unix
# sends only to a connected reader, so from the moment the reader is known to
# be connected (the first `auditctl -m` probe whose document arrives) to
# auditd's stop, every event of the stream is a document, exactly once, every
# line valid, and no document is for an event auditd did not dispatch; when
# auditd stops, the daemon logs "PATH closed; reconnecting", keeps running
# (same pid), logs "connected to PATH" after auditd's restart, and the
# events after the restart arrive too; the workload's documents are there
# (rule keys as tags, the connect's destination). SIGTERM then stops it, exit
# 0, with a "stopped:" status line.
#
# Needs root and kernel audit, with no other audit daemon and no rules
# loaded: otherwise it is skipped (exit 77) saying why. Cleans up whatever
# happens: the daemon and auditd stopped by their pids, auditctl -D, the
# audit enabled flag restored, the directory removed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/auditd-lib.sh"

mode=${1:?mode}
[[ $mode == reconnect ]] || fail "unknown mode $mode"

# --- can we? (as auditd.sh) -------------------------------------------------------
need_private_auditd

# --- the private auditd -----------------------------------------------------------
make_auditd_dir
mkdir "$D/watched"
EPID=
auditd_cleanup
CLEANUP_HOOKS+=('[[ -n $EPID ]] && kill -KILL "$EPID" 2>/dev/null')

# the af_unix entry: auditd's own, only activated and pointed at DIR/sock
if [[ -r /etc/audit/plugins.d/af_unix.conf ]] && grep -q '^path *= *builtin_af_unix' /etc/audit/plugins.d/af_unix.conf; then
	sed -e 's|^active *=.*|active = yes|' -e "s|^args *=.*|args = 0640 $D/sock|" \
		/etc/audit/plugins.d/af_unix.conf >"$D/plugins.d/af_unix.conf"
else
	printf '%s\n' 'active = yes' 'direction = out' 'path = builtin_af_unix' 'type = builtin' \
		"args = 0640 $D/sock" 'format = string' >"$D/plugins.d/af_unix.conf"
fi
grep -q -x "args = 0640 $D/sock" "$D/plugins.d/af_unix.conf" && grep -q -x 'active = yes' "$D/plugins.d/af_unix.conf" ||
	fail "could not write the af_unix entry"
add_recorder --append
chmod 0640 "$D"/plugins.d/*.conf
write_auditd_conf RAW NONE
# start_auditd_sock: auditd (its log appended: it is started twice) holds the
# audit link, the socket is there, the recorder runs
start_auditd_sock() {
	start_auditd --append "auditd, its socket or the recorder not there within 10 s" -S "$D/sock" -e "$D/stream.txt"
}

# probe: af_unix writes to a reader only once auditd accepted it (events
# before are not kept): send `auditctl -m` markers until one arrives as a
# document. Sets PROBE to the marker that arrived.
n_probe=0
probe() {
	local i
	for ((i = 0; i < 30; i++)); do
		n_probe=$((n_probe + 1))
		auditctl -m "e2e probe $n_probe" >/dev/null
		# the USER record's document (the exec of auditctl has the text
		# too once the execve rule is loaded, but JSON-escaped)
		if wait_grep "$D/out.json" "\"text\":\"e2e probe $n_probe\"" 500; then
			PROBE="msg='text=e2e probe $n_probe exe="
			return 0
		fi
	done
	fail "no probe arrived in 15 s: the daemon is not connected"
}
# stream_line TEXT: the number of the stream's first line holding TEXT
stream_line() {
	local n
	n=$(grep -a -n -m 1 -F -- "$1" "$D/stream.txt" | cut -d: -f1)
	[[ -n $n ]] || fail "'$1' is not in the stream auditd dispatched"
	echo "$n"
}

workload() {
	local i
	for ((i = 0; i < $1; i++)); do
		/bin/true
		/bin/echo "arg with spaces" "ünïcödé" >/dev/null
		echo "data $i" >"$D/watched/f$i"
		rm -f "$D/watched/f$i"
		(exec 5<>/dev/tcp/127.0.0.1/9) 2>/dev/null || true
	done
}

printf '%s\n' "output = file:$D/out.json" 'end_of_event_timeout = 2' 'status_interval = 0' >"$D/ecs.conf"

# --- run 1 ------------------------------------------------------------------------
start_auditd_sock
"$AUDISP_ECS" -c "$D/ecs.conf" -i "unix:$D/sock" >"$D/ecs.stdout" 2>"$D/ecs.err" &
EPID=$!
BG_PIDS+=("$EPID")
note "auditd $AUPID, audisp-ecs $EPID, in $D"
probe
from1=$(stream_line "$PROBE")
add_workload_rules
workload 10
auditctl -m "e2e run 1 done" >/dev/null
wait_grep "$D/out.json" '"text":"e2e run 1 done"' 5000 || fail "the end of run 1 did not arrive"

# --- auditd restarts ----------------------------------------------------------------
stop_auditd
# the recorder has its last records once auditd is gone
sleep 0.2
to1=$(wc -l <"$D/stream.txt")
wait_count "$D/ecs.err" "$D/sock closed; reconnecting" 1 5000 || fail "the daemon did not log '$D/sock closed; reconnecting' when auditd stopped"
kill -0 "$EPID" 2>/dev/null || fail "the daemon exited when auditd stopped"
t0=$(now_us)
start_auditd_sock
wait_grep "$D/ecs.err" "connected to $D/sock" 15000 || fail "the daemon did not reconnect within 15 s"
note "reconnected $((($(now_us) - t0) / 1000)) ms after auditd was started again"
probe
from2=$(stream_line "$PROBE")
workload 10
auditctl -m "e2e run 2 done" >/dev/null
wait_grep "$D/out.json" '"text":"e2e run 2 done"' 5000 || fail "the end of run 2 did not arrive"
auditctl -D >/dev/null
sleep 0.5

# --- stop -------------------------------------------------------------------------
stop_auditd
sleep 0.2
wait_count "$D/ecs.err" "$D/sock closed; reconnecting" 2 5000 || fail "no second 'closed; reconnecting'"
kill -0 "$EPID" 2>/dev/null || fail "the daemon exited when auditd stopped"
[[ $(cat "/proc/$EPID/cmdline" | tr '\0' ' ') == *"-i unix:$D/sock"* ]] || fail "pid $EPID is not our daemon any more"
kill -TERM "$EPID"
wait_exit "$EPID" 5000
EPID=
((WAIT_RC == 0)) || fail "exit status $WAIT_RC after SIGTERM"
stopped=$(grep -a ': stopped: lines_in=' "$D/ecs.err" | tail -n 1)
[[ -n $stopped ]] || fail "no 'stopped:' status line"
note "$stopped"
no_plugin_problem

# --- compare ------------------------------------------------------------------------
events_in "$D/stream.txt" >"$T/stream.keys"
events_in -x DAEMON_CONFIG "$D/auditd.out" >"$T/log.keys"
same_keys "auditd's log (but DAEMON_CONFIG) vs its plugin stream" "$T/log.keys" "$T/stream.keys"
# what went to the socket while the daemon was connected: from the first
# probe that arrived to auditd's stop, in each run
{
	sed -n "${from1},${to1}p" "$D/stream.txt"
	sed -n "${from2},\$p" "$D/stream.txt"
} | events_in >"$T/want.keys"
"$ECS_CHECK" -k "$D/out.json" >"$T/out.keys" || fail "invalid documents"
no_dups "documents" "$T/out.keys"
extra=$(comm -13 "$T/stream.keys" "$T/out.keys" | head -n 5)
[[ -z $extra ]] || fail "documents for events auditd did not dispatch: $extra"
missing=$(comm -23 "$T/want.keys" "$T/out.keys")
if [[ -n $missing ]]; then
	show_missing < <(head -n 10 <<<"$missing")
	fail "$(wc -l <<<"$missing") events sent while the daemon was connected have no document"
fi
note "stream: $(wc -l <"$T/stream.keys") events in 2 runs; while connected: $(wc -l <"$T/want.keys"); documents: $(wc -l <"$T/out.keys")"
all=$D/out.json
# the workload of each run: 10 execs of /bin/true, 10 connects
for run in 1 2; do
	if ((run == 1)); then
		sed -n "${from1},${to1}p" "$D/stream.txt" | events_in >"$T/run.keys"
	else
		sed -n "${from2},\$p" "$D/stream.txt" | events_in >"$T/run.keys"
	fi
	grep -a -F '"tags":["e2e-exec"]' "$all" | grep -a -F '"args":["/bin/true"]' >"$T/run.json" || true
	n=$(docs_out "$T/run.json" | comm -12 - "$T/run.keys" | wc -l)
	((n == 10)) || fail "run $run: $n documents for the 10 execs of /bin/true"
	grep -a -F '"tags":["e2e-net"]' "$all" | grep -a -F '"destination":{"ip":"127.0.0.1"' >"$T/run.json" || true
	n=$(docs_out "$T/run.json" | comm -12 - "$T/run.keys" | wc -l)
	((n == 10)) || fail "run $run: $n documents for the 10 connects to 127.0.0.1"
done
(($(matching "$all" '"tags":["e2e-watch"]') >= 20)) || fail "too few documents for the writes in the watched dir"
# auditd writes its DAEMON_END to the socket before closing it (its
# DAEMON_START goes out before any reader can be connected)
(($(matching "$all" '"message_type":"daemon_end"') == 2)) || fail "not one DAEMON_END document per auditd run"
(($(matching "$all" '"text":"e2e run 1 done"') == 1 && $(matching "$all" '"text":"e2e run 2 done"') == 1)) || fail "the end markers are not there once each"
pass "$mode: $(wc -l <"$T/out.keys") events from a real auditd over its af_unix socket, across a restart of auditd, each written exactly once"
