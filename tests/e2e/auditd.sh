#!/bin/bash
# A real auditd with the freshly built plugin. Like ../shared/tools/
# capture-corpus.sh, it starts a private `auditd -f -c DIR` whose auditd.conf
# puts its log and plugins.d in DIR (leaving /etc/audit alone). plugins.d has
# two plugins: audisp-ecs (a root-owned 0750 copy of the build, as auditd
# requires, with `args = -c DIR/audisp-ecs.conf` writing file:DIR/out.json)
# and a recorder (`cat`, SIGTERM ignored) keeping the exact stream auditd
# wrote to its plugins.
#
#   workload  log_format RAW. Rules: execve, a watch on DIR/watched, connect.
#             Workload: execs, file writes in the watched dir, connects to
#             127.0.0.1, `auditctl -m "e2e marker"`. Then auditctl -D and
#             SIGTERM to auditd.
#   sighup    log_format ENRICHED, name_format USER (records carry
#             node=e2e-node). The same workload runs in the background while
#             out.json is renamed (logrotate-style) and auditd gets SIGHUP
#             (it reloads and SIGHUPs its plugins), twice.
#
# Asserts: every event auditd wrote to its plugins (the recorder's stream;
# distinct node+serial+time stamp, EOE excluded) is exactly once in the
# documents (out.json plus any rotated file), every line valid; auditd logged
# (with -f: on stderr, not in log_file) exactly the events it dispatched, so
# every logged event is there too, DAEMON_START and DAEMON_END included (they
# are dispatched like the rest: no exclusion); the workload's events are there
# (rule keys as tags, the connect's destination, the marker message); the
# plugin ran as one process throughout (no crash, no restart by auditd).
#
# Needs root and kernel audit, with no other audit daemon and no rules
# loaded: otherwise it is skipped (exit 77) saying why. Cleans up whatever
# happens: auditd stopped by its pid, auditctl -D, the audit enabled flag
# restored, the directory removed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/auditd-lib.sh"

mode=${1:?mode}
[[ $mode == workload || $mode == sighup ]] || fail "unknown mode $mode"

# --- can we? ------------------------------------------------------------------
need_private_auditd

# --- the private auditd ---------------------------------------------------------
make_auditd_dir
mkdir "$D/watched"
# runs at exit, in this order: stop auditd, remove the rules, restore the
# enabled flag, kill a plugin that outlived auditd, remove DIR
auditd_cleanup '[[ -n ${PLUGIN_PID:-} ]] && kill -KILL "$PLUGIN_PID" 2>/dev/null'

install -o root -g root -m 0750 "$AUDISP_ECS" "$D/audisp-ecs"
add_recorder
printf '%s\n' "output = file:$D/out.json" 'end_of_event_timeout = 2' >"$D/audisp-ecs.conf"
chmod 0640 "$D/audisp-ecs.conf"
cat >"$D/plugins.d/audisp-ecs.conf" <<EOF
active = yes
direction = out
path = $D/audisp-ecs
type = always
args = -c $D/audisp-ecs.conf
format = string
EOF
chmod 0640 "$D"/plugins.d/*.conf

if [[ $mode == workload ]]; then
	log_format=RAW name_format=NONE
else
	log_format=ENRICHED name_format=USER
fi
write_auditd_conf "$log_format" "$name_format" e2e-node

# ready: auditd holds the audit link, the plugin runs and opened its output
start_auditd "auditd or the plugin did not start within 10 s" -e "$D/out.json"

# the plugin's pid: a child of auditd running our copy
plugin_pid() { pid_of_exe "$D/audisp-ecs"; }
PLUGIN_PID=$(plugin_pid)
[[ -n $PLUGIN_PID ]] || fail "the plugin process is not running"
note "auditd $AUPID, plugin $PLUGIN_PID, in $D"
# it got its arguments: -c DIR/audisp-ecs.conf
cmdline=$(tr '\0' ' ' <"/proc/$PLUGIN_PID/cmdline")
[[ $cmdline == *"-c $D/audisp-ecs.conf"* ]] || fail "the plugin runs without -c $D/audisp-ecs.conf: $cmdline"

# --- rules and workload ---------------------------------------------------------
add_workload_rules

workload() {
	local i
	for ((i = 0; i < ${1:-1}; i++)); do
		/bin/true
		/bin/echo "arg with spaces" "ünïcödé" $'tab\there' >/dev/null
		echo "data $i" >"$D/watched/f$i"
		mv "$D/watched/f$i" "$D/watched/g$i"
		rm -f "$D/watched/g$i"
		(exec 5<>/dev/tcp/127.0.0.1/9) 2>/dev/null || true
	done
}

rotations=0
if [[ $mode == workload ]]; then
	workload 20
else
	# the workload runs while auditd reloads twice; the first time the
	# output is renamed first, as logrotate does
	(workload 60) &
	WPID=$!
	BG_PIDS+=("$WPID")
	sleep 0.5
	mv "$D/out.json" "$D/out.json.1"
	rotations=1
	kill -HUP "$AUPID"
	wait_lines "$D/out.json" 1 5000 || fail "no new out.json after SIGHUP (did the plugin get it?)"
	sleep 0.5
	kill -HUP "$AUPID"
	sleep 0.5
	wait "$WPID" || fail "workload failed"
	[[ $(plugin_pid) == "$PLUGIN_PID" ]] || fail "the plugin was restarted by the reload (pid $PLUGIN_PID -> $(plugin_pid))"
fi
auditctl -m "e2e marker" >/dev/null
sleep 0.5
auditctl -D >/dev/null
sleep 0.5

# --- stop ---------------------------------------------------------------------
[[ $(plugin_pid) == "$PLUGIN_PID" ]] || fail "the plugin died or was restarted during the run"
t0=$(now_us)
stop_auditd
wait_plugin_end "$PLUGIN_PID"
PLUGIN_PID=
note "auditd and the plugin stopped in $((($(now_us) - t0) / 1000)) ms"
no_plugin_problem

# --- compare --------------------------------------------------------------------
# auditd -f writes its log to stderr instead of log_file: the records of
# auditd.out are the log (its other lines are no records, audit-events skips them)
[[ -s $D/stream.txt ]] || fail "the recorder got nothing"
events_in "$D/stream.txt" >"$T/stream.keys"
# auditd 3.0.9 logs DAEMON_CONFIG (its reload on SIGHUP) but does not
# dispatch it to plugins (seen in this test's own runs); every other record,
# DAEMON_START and DAEMON_END included, goes to both
events_in -x DAEMON_CONFIG "$D/auditd.out" >"$T/log.keys"
[[ -s $T/log.keys ]] || fail "auditd logged nothing"
# auditd -f writes its own messages and the records to the same stderr, and
# a record may land in the middle of one of its messages: count the records
# wherever they start, not only at the start of a line
n_reloads=$({ grep -a -o 'type=DAEMON_CONFIG msg=audit([0-9.:]*): op=reconfigure' "$D/auditd.out" || true; } | wc -l)
if [[ $mode == sighup ]]; then
	((n_reloads == 2)) || fail "auditd logged $n_reloads reloads, expected 2"
fi
outs=("$D/out.json")
[[ -e $D/out.json.1 ]] && outs=("$D/out.json.1" "$D/out.json")
cat "${outs[@]}" >"$T/all.json"
"$ECS_CHECK" -k "$T/all.json" >"$T/out.keys" || fail "invalid documents from the real stream"
note "log: $(wc -l <"$T/log.keys") events; stream to plugins: $(wc -l <"$T/stream.keys") events, $(grep -a -c . "$D/stream.txt") records; documents: $(wc -l <"$T/out.keys") in ${#outs[@]} file(s)"
((rotations == 0)) || [[ -s $D/out.json.1 && -s $D/out.json ]] || fail "the rotation left an empty file"

# what auditd logged, it gave the plugins, and nothing else
same_keys "auditd's log (but DAEMON_CONFIG) vs its plugin stream" "$T/log.keys" "$T/stream.keys"

no_dups "documents" "$T/out.keys"
if ! cmp -s "$T/stream.keys" "$T/out.keys"; then
	show_missing < <(comm -23 "$T/stream.keys" "$T/out.keys" | head -n 10)
	comm -13 "$T/stream.keys" "$T/out.keys" | head -n 5 | sed 's/^/unexpected: /' >&2
	fail "the documents are not exactly the events auditd wrote to the plugin ($(wc -l <"$T/stream.keys") events, $(wc -l <"$T/out.keys") documents)"
fi

# the workload is in there, decoded
n_iter=20
[[ $mode == sighup ]] && n_iter=60
all=$T/all.json
n=$(matching "$all" '"tags":["e2e-exec"]' '"args":["/bin/true"]')
((n == n_iter)) || fail "$n documents for the $n_iter execs of /bin/true"
n=$(matching "$all" '"tags":["e2e-exec"]' '"args":["/bin/echo","arg with spaces","ünïcödé","tab\there"]')
((n == n_iter)) || fail "$n documents with the echo's arguments decoded, expected $n_iter"
n=$(matching "$all" '"tags":["e2e-watch"]' "\"$D/watched/f1\"")
((n >= 1)) || fail "no document for the writes in the watched dir"
n=$(matching "$all" '"tags":["e2e-net"]' '"destination":{"ip":"127.0.0.1"')
((n == n_iter)) || fail "$n documents for the $n_iter connects to 127.0.0.1"
(($(matching "$all" '"message_type":"user"' 'e2e marker') == 1)) || fail "no document for the auditctl -m marker"
(($(matching "$all" '"message_type":"daemon_start"') == 1)) || fail "no document for DAEMON_START"
(($(matching "$all" '"message_type":"daemon_end"') == 1)) || fail "no document for DAEMON_END"
if [[ $mode == sighup ]]; then
	(($(matching "$all" '"host":{"name":"e2e-node"}') == $(wc -l <"$all"))) ||
		fail "not every document has host.name e2e-node (from node=e2e-node)"
fi
pass "$mode: $(wc -l <"$T/out.keys") events from a real auditd, each written exactly once"
