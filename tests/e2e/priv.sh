#!/bin/bash
# Least privilege (plugin/privs.c), the configuration file check
# (config_check_file) and how outputs are created, on the running daemon.
#
#   caps           as root: once started, /proc/PID/status shows no
#                  capability in any set (effective, permitted, inheritable,
#                  bounding, ambient), NoNewPrivs 1, uid 0; it says so once
#                  in its log; logrotate (rename + SIGHUP) still works
#   user           user = nobody (root): uid/gid 65534 everywhere, no
#                  capability; the output file it was started with is given
#                  to nobody; SIGHUP reopens it in place, and after a rename
#                  + SIGHUP in a directory nobody may write a new file is
#                  created (owned by nobody, mode 0600); events go on
#   bad-user       user = a name that does not exist: a configuration error
#                  naming FILE:LINE (-t and start exit 1)
#   config-perms   a configuration file that is group-writable, one owned by
#                  nobody, a symbolic link to a world-writable one, a
#                  group-writable normalizations file: refused at start
#                  (exit 1, the message names the file, owner and mode) and
#                  on SIGHUP (the running configuration goes on); -c
#                  /dev/null is fine
#   outputs        an output path that is a symbolic link is refused with a
#                  clear message; under umask 0 the file created, the
#                  rotated one and one created again after removal are 0600
#   no-caps-start  started without any capability, as systemd starts the
#                  standalone unit (CapabilityBoundingSet=, and
#                  SystemCallFilter=~@privileged, which kills a process that
#                  calls capset or setgroups): it runs, calls neither (strace,
#                  when installed), and with user = nobody it exits 1 saying
#                  why, still without calling them
#   badlines       a stream of 5000 lines that are not records and 20 lines
#                  over 1 MiB amid good events: the log has a bounded number
#                  of bad-input lines, each reason is there with an escaped
#                  sample (no control byte), and the counts add up to the
#                  status line's lines_bad and lines_truncated
. "$(dirname "$0")/lib.sh"

records 29317 >"$T/template.txt"
gen() { fresh_events "$@" <"$T/template.txt"; }

# status_of PID FIELD: a line of /proc/PID/status, its value only
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }

# no_caps PID: every capability set is empty and no_new_privs is set
no_caps() {
	local pid=$1 set v
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		v=$(status_of "$pid" $set)
		[[ -z $v || $v == 0000000000000000 ]] || fail "$set is $v, expected none"
	done
	[[ $(status_of "$pid" NoNewPrivs) == 1 ]] || fail "NoNewPrivs is not set"
}

need_root() { ((EUID == 0)) || skip "needs root (capabilities, chown, another user)"; }

# expect_refused WHAT PATTERN ARGS...: the daemon exits 1 at start, the
# message matching PATTERN
expect_refused() {
	local what=$1 pat=$2 rc=0
	shift 2
	timeout 10 "$AUDISP_ECS" "$@" </dev/null >"$T/stdout" 2>"$T/stderr" || rc=$?
	((rc == 1)) || fail "$what: exit status $rc, expected 1 ($(head -c 300 "$T/stderr"))"
	grep -q -E -- "$pat" "$T/stderr" || fail "$what: no message matching '$pat': $(head -c 400 "$T/stderr")"
}

mode=${1:?mode}
case $mode in
caps)
	need_root
	start_daemon_i -c /dev/null -o "file:$T/out.json"
	wait_idle "$DPID" 5000
	no_caps "$DPID"
	[[ $(status_of "$DPID" Uid) == $'0\t0\t0\t0' ]] || fail "Uid: $(status_of "$DPID" Uid)"
	wait_grep "$T/stderr" 'privileges dropped: .* -> none; no_new_privs set; running as uid 0' 2000 ||
		fail "the drop is not logged: $(head -c 300 "$T/stderr")"
	(($(matching "$T/stderr" 'privileges dropped') == 1)) || fail "the drop is logged more than once"
	# logrotate still works without capabilities
	gen 800001 3 >&3
	wait_lines "$T/out.json" 3 3000 || fail "events not written"
	mv "$T/out.json" "$T/out.json.1"
	kill -HUP "$DPID"
	wait_grep "$T/stderr" 'configuration reloaded' 3000 || fail "no reload"
	gen 800101 2 >&3
	wait_lines "$T/out.json" 2 3000 || fail "no new file after rename + SIGHUP"
	no_caps "$DPID"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	pass "no capability in any set, no_new_privs, uid 0, logged once; rotation still works"
	;;
user)
	need_root
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	uid=$(id -u nobody) gid=$(id -g nobody)
	chmod 0711 "$T" # nobody must reach its directory
	mkdir "$T/logs"
	chown nobody "$T/logs"
	chmod 0700 "$T/logs"
	out=$T/logs/out.json
	c=$(conf user.conf 'user = nobody' "output = file:$out")
	chmod 0644 "$c" # read again on SIGHUP, by nobody now
	start_daemon_i -c "$c"
	wait_idle "$DPID" 5000
	no_caps "$DPID"
	[[ $(status_of "$DPID" Uid) == "$uid"$'\t'"$uid"$'\t'"$uid"$'\t'"$uid" ]] || fail "Uid: $(status_of "$DPID" Uid)"
	[[ $(status_of "$DPID" Gid) == "$gid"$'\t'"$gid"$'\t'"$gid"$'\t'"$gid" ]] || fail "Gid: $(status_of "$DPID" Gid)"
	[[ $(status_of "$DPID" Groups) == "$gid"* ]] || fail "Groups: $(status_of "$DPID" Groups)"
	grep -q "running as user nobody (uid $uid, gid $gid)" "$T/stderr" || fail "the switch is not logged"
	[[ $(stat -c %u "$out") == "$uid" ]] || fail "the output file is not nobody's"
	gen 810001 3 >&3
	wait_lines "$out" 3 3000 || fail "events not written"
	# a reload reopens the file in place...
	kill -HUP "$DPID"
	wait_count "$T/stderr" 'configuration reloaded' 1 3000 || fail "no reload: $(tail -n 3 "$T/stderr")"
	gen 810101 2 >&3
	wait_lines "$out" 5 3000 || fail "events not written after the reload"
	# ... and after logrotate's rename a new file is created by nobody
	mv "$out" "$out.1"
	kill -HUP "$DPID"
	wait_count "$T/stderr" 'configuration reloaded' 2 3000 || fail "no second reload"
	gen 810201 2 >&3
	wait_lines "$out" 2 3000 || fail "no new file after rename + SIGHUP: $(tail -n 3 "$T/stderr")"
	[[ $(stat -c '%u %a' "$out") == "$uid 600" ]] || fail "new file: $(stat -c '%U %a' "$out"), expected nobody 600"
	alive || fail "the daemon died"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	! grep -q -i -E 'denied|cannot|refused' "$T/stderr" || fail "errors logged: $(grep -i -E 'denied|cannot|refused' "$T/stderr" | head -n 3)"
	grep -q 'stopped: .* output_errors=0 ' "$T/stderr" || fail "output errors counted"
	pass "user = nobody: uid/gid $uid/$gid, no capability, reload and rotation work"
	;;
bad-user)
	c=$(conf bad.conf '# x' 'user = no-such-user-e2e')
	expect_refused "-t" "$c:2: user: no user 'no-such-user-e2e'" -t -c "$c"
	expect_refused "start" "$c:2: user: no user 'no-such-user-e2e'" -c "$c" -o stdout
	pass "an unknown user is a configuration error naming FILE:LINE"
	;;
config-perms)
	need_root
	c=$(conf g.conf 'max_inflight = 10')
	chmod 0664 "$c"
	expect_refused "group-writable" "$c: refused: writable by group or others; .*mode 0664" -t -c "$c"
	expect_refused "group-writable, start" "$c: refused" -c "$c" -o stdout
	chmod 0644 "$c"
	chown nobody "$c"
	expect_refused "owned by nobody" "$c: refused: not owned by root; .*owner uid [0-9]+ \(nobody\), mode 0644" -t -c "$c"
	w=$(conf w.conf 'max_inflight = 10')
	chmod 0646 "$w"
	ln -s "$w" "$T/link.conf"
	expect_refused "symlink to a world-writable file" "$T/link.conf: refused: .*mode 0646" -t -c "$T/link.conf"
	echo '{"version": 1}' >"$T/norm.json"
	chmod 0620 "$T/norm.json"
	n=$(conf n.conf "normalizations = $T/norm.json")
	expect_refused "normalizations file" "$T/norm.json: refused: .*mode 0620" -t -c "$n"
	# fine: root's 0644 file, and /dev/null
	chmod 0644 "$T/norm.json"
	timeout 10 "$AUDISP_ECS" -t -c "$n" >/dev/null 2>&1 || fail "a good configuration refused"
	timeout 10 "$AUDISP_ECS" -t -c /dev/null >/dev/null 2>&1 || fail "-c /dev/null refused"
	# on SIGHUP: refused, the running configuration goes on
	g=$(conf good.conf "output = file:$T/a.json")
	start_daemon_i -c "$g"
	wait_idle "$DPID" 5000
	gen 820001 2 >&3
	wait_lines "$T/a.json" 2 3000 || fail "events not written"
	printf 'output = file:%s\n' "$T/b.json" >"$g"
	chmod 0666 "$g"
	kill -HUP "$DPID"
	wait_grep "$T/stderr" "reload refused, keeping the running configuration: $g: refused" 3000 ||
		fail "the reload was not refused: $(tail -n 3 "$T/stderr")"
	gen 820101 2 >&3
	wait_lines "$T/a.json" 4 3000 || fail "the running configuration stopped"
	[[ ! -e $T/b.json ]] || fail "the world-writable configuration was applied"
	chmod 0644 "$g"
	kill -HUP "$DPID"
	wait_grep "$T/stderr" 'configuration reloaded' 3000 || fail "a good reload was refused"
	gen 820201 1 >&3
	wait_lines "$T/b.json" 1 3000 || fail "the good reload did not switch the output"
	stop_input
	pass "group/world-writable, foreign and symlinked configuration files refused, at start and on SIGHUP"
	;;
outputs)
	ln -s "$T/target.json" "$T/link.json"
	expect_refused "output through a symlink" "$T/link.json: .*\(a symbolic link: refused\)" \
		-c /dev/null -i /dev/null -o "file:$T/link.json"
	[[ ! -e $T/target.json ]] || fail "created the symlink's target"
	gen 830001 40 >"$T/in.txt"
	c=$(conf rot.conf "output = file:$T/o/out.json" 'rotate_size = 8k' 'rotate_keep = 2')
	# umask 0, as a careless parent could leave it
	(umask 0 && timeout 20 "$AUDISP_ECS" -c "$c" -i "$T/in.txt" 2>"$T/stderr") ||
		fail "the daemon failed: $(tail -n 3 "$T/stderr")"
	[[ -e $T/o/out.json.1 ]] || fail "no rotation happened"
	for f in "$T/o/out.json" "$T/o/out.json.1"; do
		[[ $(stat -c %a "$f") == 600 ]] || fail "$f: mode $(stat -c %a "$f"), expected 600"
	done
	# mkdir 0750 under the daemon's own umask 077
	[[ $(stat -c %a "$T/o") == 700 ]] || fail "the directory created: mode $(stat -c %a "$T/o"), expected 700"
	# created again after removal, still 0600
	rm -rf "$T/o"
	umask 0
	start_daemon_i -c /dev/null -o "file:$T/r.json"
	umask 077
	gen 830101 1 >&3
	wait_lines "$T/r.json" 1 3000 || fail "no event"
	rm "$T/r.json"
	gen 830201 1 >&3
	wait_lines "$T/r.json" 1 3000 || fail "not created again"
	[[ $(stat -c %a "$T/r.json") == 600 ]] || fail "created again with mode $(stat -c %a "$T/r.json")"
	stop_input
	pass "a symlinked output is refused; files created, rotated and re-created are 0600 under umask 0"
	;;
no-caps-start)
	need_root
	command -v setpriv >/dev/null || skip "setpriv not installed (util-linux)"
	tracer=()
	if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
		tracer=(strace -f -o "$T/strace" -e trace=capset,setgroups,setuid,setgid)
		# (LeakSanitizer cannot run under ptrace: an ASan build's leak check is off here)
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	else
		note "strace not usable: the system calls are not checked"
	fi
	gen 870001 2 >"$T/in.txt"
	setpriv --bounding-set=-all --inh-caps=-all -- "${tracer[@]}" \
		"$AUDISP_ECS" -c /dev/null -i "$T/in.txt" -o "file:$T/out.json" 2>"$T/stderr" ||
		fail "the daemon failed without capabilities: $(tail -n 3 "$T/stderr")"
	(($(nlines "$T/out.json") == 2)) || fail "events not written"
	grep -q 'privileges dropped: .* -> none; no_new_privs set; running as uid 0' "$T/stderr" || fail "no drop logged"
	if ((${#tracer[@]})); then
		! grep -E '(capset|setgroups|setuid|setgid)\(' "$T/strace" || fail "a system call @privileged forbids"
	fi
	c=$(conf user.conf 'user = nobody' "output = file:$T/u.json")
	rc=0
	setpriv --bounding-set=-all --inh-caps=-all -- "${tracer[@]}" \
		"$AUDISP_ECS" -c "$c" -i "$T/in.txt" 2>"$T/stderr" || rc=$?
	((rc == 1)) || fail "user = nobody without capabilities: exit status $rc, expected 1"
	grep -q 'user nobody: switching needs CAP_SETUID, CAP_SETGID and CAP_CHOWN' "$T/stderr" ||
		fail "no clear message: $(tail -n 3 "$T/stderr")"
	if ((${#tracer[@]})); then
		! grep -E '(capset|setgroups|setuid|setgid)\(' "$T/strace" || fail "a system call @privileged forbids"
	fi
	pass "started without capabilities: runs without capset/setgroups; user = refused with a clear message"
	;;
badlines)
	# 5000 lines that are not records, 20 lines of 1.5 MiB, 100 good events
	{
		for i in $(seq 1 50); do
			gen $((840000 + i)) 1
			for j in $(seq 1 100); do
				printf 'garbage %d\x1b[2J\xff "quoted" \\ line\r\n' "$j"
			done
		done
		for i in $(seq 1 20); do
			printf 'type=USER_LOGIN msg=audit(1800000000.%03d:%d): msg=%s\n' "$i" $((850000 + i)) \
				"$(head -c 1572864 /dev/zero | tr '\0' 'A')"
		done
		gen 860001 50
	} >"$T/in.txt"
	timeout 60 "$AUDISP_ECS" -c /dev/null -i "$T/in.txt" -o "file:$T/out.json" 2>"$T/stderr" ||
		fail "the daemon failed: $(tail -n 3 "$T/stderr")"
	n=$(matching "$T/stderr" 'bad input: ')
	note "$n bad-input log lines"
	((n >= 2 && n <= 6)) || fail "$n bad-input log lines, expected 2 to 6"
	grep -q 'bad input: not an audit record, dropped (1 so far): "garbage 1\\x1b\[2J\\xff \\"quoted\\" \\\\ line"' "$T/stderr" ||
		fail "the first bad line is not logged, escaped: $(grep 'bad input' "$T/stderr" | head -n 2)"
	grep -q 'bad input: line longer than the input bound, cut (1 so far): "type=USER_LOGIN msg=audit(1800000000.001:850001): msg=A*\.\.\."' "$T/stderr" ||
		fail "the first cut line is not logged"
	# no raw control byte from the input in the log (the escape is \x1b)
	! grep -q $'\x1b' "$T/stderr" || fail "a raw control byte reached the log"
	# the counts add up
	sum() {
		grep -a "bad input: .*$1" "$T/stderr" | sed -n -e 's/.*bad input: \([0-9]*\) more lines*: .*/\1/p' \
			-e 's/.*bad input: [a-z].*(1 so far).*/1/p' | awk '{ s += $1 } END { print s + 0 }'
	}
	bad=$(grep -a -o 'stopped: .*' "$T/stderr" | grep -o 'lines_bad=[0-9]*' | cut -d= -f2)
	cut=$(grep -a -o 'stopped: .*' "$T/stderr" | grep -o 'lines_truncated=[0-9]*' | cut -d= -f2)
	((bad == 5000)) || fail "lines_bad=$bad, expected 5000"
	((cut == 20)) || fail "lines_truncated=$cut, expected 20"
	(($(sum 'not an audit record') == bad)) || fail "logged $(sum 'not an audit record') bad lines, counted $bad"
	(($(sum 'line longer than') == cut)) || fail "logged $(sum 'line longer than') cut lines, counted $cut"
	"$ECS_CHECK" -q "$T/out.json" || fail "invalid documents"
	pass "5000 bad and 20 cut lines: $n log lines, escaped samples, counts equal the status line"
	;;
*) fail "unknown mode $mode" ;;
esac
