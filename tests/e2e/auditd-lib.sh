# The private auditd of the end-to-end tests that run a real one (auditd.sh,
# standalone.sh, packaging.sh auditd-entry). Sourced after lib.sh.
#
# A private `auditd -f -c DIR` whose auditd.conf puts its log and plugins.d
# in DIR (leaving /etc/audit alone); DIR is $D. Use, in this order:
#   need_private_auditd      skip unless it can run (root, kernel audit, no
#                            other audit daemon, no rules), take the lock
#   make_auditd_dir          create $D
#   auditd_cleanup [HOOK]    what runs at exit (auditd stopped by its pid,
#                            auditctl -D, enabled flag restored, $D removed)
#   add_recorder, write_auditd_conf, start_auditd, stop_auditd, ...

# need_private_auditd: skips the test (exit 77) saying why unless it can start
# a private auditd: root, auditd/auditctl/flock installed, kernel audit
# available, no audit daemon holding the kernel audit link, the audit
# configuration not locked (enabled 2), no auditd process running, no rules
# loaded. Takes the lock first (fd 9, held until the test exits): one private
# auditd at a time, also across concurrent test runs (ctest's RESOURCE_LOCK
# covers one run only), since the kernel has one audit daemon link. Sets
# old_enabled (the audit enabled flag, restored at exit by auditd_cleanup).
need_private_auditd() {
	local st au_pid p rules
	((EUID == 0)) || skip "needs root: it starts a private auditd"
	command -v auditd >/dev/null && command -v auditctl >/dev/null ||
		skip "auditd/auditctl not installed (apt-get install auditd)"
	command -v flock >/dev/null || skip "flock (util-linux) not installed"
	exec 9>>/tmp/audisp-ecs-e2e-auditd.lock
	flock -w 30 9 || skip "another test run kept the auditd lock (/tmp/audisp-ecs-e2e-auditd.lock) for 30 s"
	if ! st=$(auditctl -s 2>&1); then
		skip "kernel audit not available: auditctl -s: $(head -n 1 <<<"$st")"
	fi
	au_pid=$(awk '$1 == "pid" {print $2}' <<<"$st")
	old_enabled=$(awk '$1 == "enabled" {print $2}' <<<"$st")
	[[ $au_pid == 0 ]] || skip "another audit daemon (pid $au_pid) holds the kernel audit link; stop it (service auditd stop) to run this test"
	[[ $old_enabled != 2 ]] || skip "the audit configuration is locked (enabled 2) until reboot"
	for p in /proc/[0-9]*; do
		if [[ $(cat "$p/comm" 2>/dev/null) == auditd ]]; then
			skip "an auditd is already running (pid ${p#/proc/}); stop it to run this test"
		fi
	done
	rules=$(auditctl -l 2>&1)
	[[ $rules == "No rules" ]] || skip "audit rules are loaded ($(wc -l <<<"$rules")); this test would replace them"
}

# make_auditd_dir: creates DIR ($D, mode 0750) with DIR/plugins.d. DIR is
# short: auditd reads plugins.d lines of at most 160 bytes.
make_auditd_dir() {
	D=$(mktemp -d /tmp/ae2e.XXXXXX)
	chmod 0750 "$D"
	mkdir "$D/plugins.d"
}

# stop_auditd: SIGTERM to the private auditd (by its pid, $AUPID), up to 15 s
# for it to end, then SIGKILL; reaps it. Nothing when none runs.
AUPID=
stop_auditd() {
	[[ -n $AUPID ]] || return 0
	kill -TERM "$AUPID" 2>/dev/null || true
	local i
	for ((i = 0; i < 1500; i++)); do
		kill -0 "$AUPID" 2>/dev/null || break
		[[ $(cut -d' ' -f3 "/proc/$AUPID/stat" 2>/dev/null) == Z ]] && break
		sleep 0.01
	done
	kill -KILL "$AUPID" 2>/dev/null || true
	wait "$AUPID" 2>/dev/null || true
	AUPID=
}

# auditd_cleanup [HOOK]: registers what runs at exit, whatever happens, in
# this order: stop auditd, remove the rules (auditctl -D), restore the enabled
# flag (old_enabled, from need_private_auditd), HOOK (e.g. kill a plugin that
# outlived auditd), remove DIR (kept with E2E_KEEP=1). Hooks registered after
# this run before all of it.
auditd_cleanup() {
	CLEANUP_HOOKS+=('[[ ${E2E_KEEP:-0} == 1 ]] && echo "# kept: $D" || rm -rf "$D"')
	(($# == 0)) || CLEANUP_HOOKS+=("$1")
	CLEANUP_HOOKS+=("auditctl -e '$old_enabled' >/dev/null 2>&1")
	CLEANUP_HOOKS+=("auditctl -D >/dev/null 2>&1")
	CLEANUP_HOOKS+=("stop_auditd")
}

# add_recorder [--append]: a plugin keeping the exact stream auditd
# dispatches to its plugins: `cat` (SIGTERM and SIGHUP ignored) into
# DIR/stream.txt, appending with --append (for an auditd started more than
# once); its entry DIR/plugins.d/recorder.conf.
add_recorder() {
	local to='>'
	[[ ${1:-} == --append ]] && to='>>'
	printf '#!/bin/sh\ntrap "" TERM HUP\nexec cat %s %s/stream.txt\n' "$to" "$D" >"$D/recorder.sh"
	chmod 0750 "$D/recorder.sh"
	cat >"$D/plugins.d/recorder.conf" <<EOF
active = yes
direction = out
path = $D/recorder.sh
type = always
format = string
EOF
	chmod 0640 "$D/plugins.d/recorder.conf"
}

# write_auditd_conf [LOG_FORMAT [NAME_FORMAT [NAME]]]: DIR/auditd.conf (mode
# 0640): log_file and plugin_dir in DIR, log_format LOG_FORMAT (RAW),
# name_format NAME_FORMAT (NONE), with NAME a `name = NAME` line.
write_auditd_conf() {
	local log_format=${1:-RAW} name_format=${2:-NONE} name_line=
	[[ -z ${3:-} ]] || name_line=$'\n'"name = $3"
	cat >"$D/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $D/audit.log
log_group = root
log_format = $log_format
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 200
num_logs = 2
priority_boost = 4
name_format = $name_format$name_line
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
verify_email = no
action_mail_acct = root
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $D/plugins.d
end_of_event_timeout = 2
EOF
	chmod 0640 "$D/auditd.conf"
}

# start_auditd [--append] TIMEOUT_MESSAGE [TEST PATH]...: starts
# `auditd -f -c DIR` (its output, with -f its log, in DIR/auditd.out; appended
# to it with --append, for an auditd started again), sets AUPID, and waits
# until it holds the kernel audit link and `test TEST PATH` holds for each
# pair (e.g. -e DIR/out.json: the plugin opened its output). Fails when
# auditd exits, or with TIMEOUT_MESSAGE after 10 s (DIR/auditd.out shown).
start_auditd() {
	local append=0 msg i k ok
	[[ $1 == --append ]] && { append=1; shift; }
	msg=$1
	shift
	if ((append)); then
		auditd -f -c "$D" >>"$D/auditd.out" 2>&1 &
	else
		auditd -f -c "$D" >"$D/auditd.out" 2>&1 &
	fi
	AUPID=$!
	BG_PIDS+=("$AUPID")
	for ((i = 0; i < 1000; i++)); do
		if ! kill -0 "$AUPID" 2>/dev/null; then
			cat "$D/auditd.out" >&2
			fail "auditd exited at start"
		fi
		if [[ $(auditctl -s 2>/dev/null | awk '$1 == "pid" {print $2}') == "$AUPID" ]]; then
			ok=1
			for ((k = 1; k < $#; k += 2)); do
				test "${@:k:1}" "${@:k+1:1}" || ok=0
			done
			((ok)) && return 0
		fi
		sleep 0.01
	done
	cat "$D/auditd.out" >&2
	fail "$msg"
}

# pid_of_exe PATH: the pid of a process running the executable PATH (empty
# when none does).
pid_of_exe() {
	local p
	for p in /proc/[0-9]*; do
		[[ $(readlink "$p/exe" 2>/dev/null) == "$1" ]] && { echo "${p#/proc/}"; return 0; }
	done
	return 0
}

# wait_plugin_end PID: fails the test unless PID (auditd's plugin, auditd
# stopped) ends within 10 s.
wait_plugin_end() {
	local i
	for ((i = 0; i < 1000; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.01
	done
	kill -0 "$1" 2>/dev/null && fail "the plugin still runs 10 s after auditd stopped"
	return 0
}

# no_plugin_problem [PATTERN SHOW]: fails the test when auditd's output
# (DIR/auditd.out) has a line matching PATTERN (grep BRE, any case; by
# default a plugin terminated, restarted, exceeded its restarts, or was
# skipped), showing its lines matching SHOW.
no_plugin_problem() {
	local pat='plugin.*\(terminated\|restart\|exceeded\)\|Skipping' show='plugin\|Skipping'
	if (($# == 2)); then
		pat=$1 show=$2
	fi
	if grep -q -i "$pat" "$D/auditd.out"; then
		grep -i "$show" "$D/auditd.out" >&2
		fail "auditd reports a plugin problem"
	fi
}

# add_workload_rules: the rules of the workloads: execve (key e2e-exec), a
# watch on DIR/watched (e2e-watch), connect (e2e-net).
add_workload_rules() {
	auditctl -a always,exit -F arch=b64 -S execve -k e2e-exec >/dev/null
	auditctl -w "$D/watched" -p wa -k e2e-watch >/dev/null
	auditctl -a always,exit -F arch=b64 -S connect -k e2e-net >/dev/null
}

# show_missing < KEYS: for each event key read, "missing: KEY: " and the
# first 3 records of its serial in the recorder's stream, on stderr.
show_missing() {
	local k serial
	while read -r k; do
		serial=${k#*/}
		serial=${serial%@*}
		echo "missing: $k: $(grep -a -m 3 ":$serial): " "$D/stream.txt" | cut -c1-120 | tr '\n' '|')" >&2
	done
}
