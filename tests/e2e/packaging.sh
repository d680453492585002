#!/bin/bash
# What `cmake --install` puts on a system, installed into a scratch root
# (DESTDIR) from the build the test belongs to (the one holding AUDISP_ECS).
#
#   install        exactly 8 files: the binary (runs, -V says the project's
#                  version, -h names every option main.c's getopt takes);
#                  /etc/audit/audisp-ecs.conf (mode 0640, the commented file,
#                  accepted by `audisp-ecs -t -c`); /etc/audit/plugins.d/
#                  audisp-ecs.conf (mode 0640, active, always, string format,
#                  path = /sbin/audisp-ecs for prefix /usr, a path that reaches
#                  the installed binary through this system's /sbin); the
#                  logrotate file (the source's, parsed by `logrotate -d`
#                  without error); both man pages (no warning from
#                  `man --warnings -l`; audisp-ecs(8) names every option,
#                  audisp-ecs.conf(5) every key of the example file); the
#                  systemd unit (`systemd-analyze verify` silent on a copy
#                  whose ExecStart is the installed binary, with MANPATH at the
#                  installed pages for Documentation=; ExecStart reads auditd's
#                  af_unix socket, the path of the shipped af_unix.conf); the
#                  README.
#   auditd-entry   a real auditd accepts the installed plugins.d entry: a
#                  private `auditd -f -c DIR` (as in auditd.sh) whose
#                  plugins.d holds the installed entry with only its path line
#                  changed, to a root-owned 0750 wrapper that runs the
#                  installed binary with -c DIR/ecs.conf (so that the test
#                  writes nothing outside DIR). auditd starts the plugin, an
#                  `auditctl -m` marker arrives as a document, the plugin
#                  exits with auditd, and auditd reports no plugin problem.
#   prefix-override  `cmake --install BUILD --prefix /opt/...` puts the
#                  binary under /opt/.../sbin: the plugins.d entry's path and
#                  the unit's ExecStart must point there.
#
# auditd-entry needs root and kernel audit, with no other audit daemon and no
# rules loaded (otherwise skipped, exit 77).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/auditd-lib.sh"

mode=${1:?mode}

# the build directory: the one above AUDISP_ECS holding CMakeCache.txt
BUILD=$(dirname "$AUDISP_ECS")
while [[ $BUILD != / && ! -e $BUILD/CMakeCache.txt ]]; do
	BUILD=$(dirname "$BUILD")
done
[[ -e $BUILD/CMakeCache.txt ]] || fail "no CMakeCache.txt above $AUDISP_ECS"
CMAKE=${CMAKE_COMMAND:-cmake}
command -v "$CMAKE" >/dev/null || skip "cmake not in PATH"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
[[ -n $prefix ]] || fail "no CMAKE_INSTALL_PREFIX in $BUILD/CMakeCache.txt"

# install [ARGS...]: DESTDIR=$T/root cmake --install BUILD ARGS
R=$T/root
install_root() {
	rm -rf "$R"
	DESTDIR=$R "$CMAKE" --install "$BUILD" "$@" >"$T/install.log" 2>&1 ||
		{ cat "$T/install.log" >&2; fail "cmake --install failed"; }
}
# key FILE KEY: the value of "KEY = VALUE" in an auditd-style file
key() { sed -n "s/^$2 *= *\(.*[^ ]\) *\$/\1/p" "$1"; }
mode_of() { stat -c %a "$1"; }

case $mode in
install)
	install_root
	sbin=$R$prefix/sbin/audisp-ecs
	conf=$R/etc/audit/audisp-ecs.conf
	entry=$R/etc/audit/plugins.d/audisp-ecs.conf
	lr=$R/etc/logrotate.d/audisp-ecs
	man8=$R$prefix/share/man/man8/audisp-ecs.8
	man5=$R$prefix/share/man/man5/audisp-ecs.conf.5
	readme=$R$prefix/share/doc/audisp-ecs/README.md
	mapfile -t units < <(find "$R" -name audisp-ecs.service)
	((${#units[@]} == 1)) || fail "${#units[@]} audisp-ecs.service files installed"
	unit=${units[0]}
	[[ $unit == */systemd/system/audisp-ecs.service ]] || fail "the unit is not in a systemd system unit directory: ${unit#"$R"}"
	for f in "$sbin" "$conf" "$entry" "$lr" "$man8" "$man5" "$readme"; do
		[[ -f $f ]] || fail "not installed: ${f#"$R"}"
	done
	n=$(find "$R" -type f | wc -l)
	((n == 8)) || fail "$n files installed, expected 8: $(find "$R" -type f | sed "s|^$R||" | tr '\n' ' ')"
	note "installed: $(find "$R" -type f | sed "s|^$R||" | sort | tr '\n' ' ')"

	# the binary
	[[ -x $sbin ]] || fail "${sbin#"$R"} is not executable"
	[[ $("$sbin" -V) == "audisp-ecs $EXPECTED_VERSION" ]] || fail "-V says '$("$sbin" -V)', expected 'audisp-ecs $EXPECTED_VERSION'"
	"$sbin" -h >"$T/help.txt" || fail "-h failed"
	optstring=$(grep -o 'getopt(argc, argv, "[^"]*")' "$SOURCE_DIR/plugin/main.c" | sed 's/.*"\(.*\)".*/\1/')
	[[ -n $optstring ]] || fail "no getopt() option string in plugin/main.c"
	MANWIDTH=80 man -l "$man8" 2>/dev/null >"$T/man8.txt" || true
	for o in $(tr -d ':' <<<"$optstring" | grep -o .); do
		grep -q -e "^ *-$o\b" -e "[ [|]-$o\b" "$T/help.txt" || fail "-h does not mention -$o"
		if [[ -s $T/man8.txt ]]; then
			grep -q -e "-$o\b" "$T/man8.txt" || fail "audisp-ecs(8) does not mention -$o"
		fi
	done

	# the configuration file
	[[ $(mode_of "$conf") == 640 ]] || fail "${conf#"$R"} has mode $(mode_of "$conf"), expected 640"
	cmp -s "$conf" "$SOURCE_DIR/conf/audisp-ecs.conf" || fail "${conf#"$R"} is not conf/audisp-ecs.conf"
	out=$("$sbin" -t -c "$conf" 2>&1) || fail "audisp-ecs -t -c ${conf#"$R"} refused it: $out"
	[[ $out == "audisp-ecs: configuration $conf is fine" ]] || fail "unexpected -t output: $out"

	# the plugins.d entry
	[[ $(mode_of "$entry") == 640 ]] || fail "${entry#"$R"} has mode $(mode_of "$entry"), expected 640"
	[[ $(key "$entry" active) == yes && $(key "$entry" direction) == out && $(key "$entry" type) == always &&
		$(key "$entry" format) == string ]] || fail "${entry#"$R"}: not active/out/always/string: $(grep -v '^#' "$entry" | tr '\n' ' ')"
	[[ -z $(key "$entry" args) ]] || fail "the entry passes args: $(key "$entry" args)"
	path=$(key "$entry" path)
	if [[ $prefix == /usr ]]; then
		[[ $path == /sbin/audisp-ecs ]] || fail "path = $path, expected /sbin/audisp-ecs for prefix /usr"
	else
		[[ $path == "$prefix/sbin/audisp-ecs" ]] || fail "path = $path, expected $prefix/sbin/audisp-ecs"
	fi
	# through this system's symbolic links (merged /usr: /sbin -> usr/sbin)
	real=$(readlink -f "$(dirname "$path")")/audisp-ecs
	[[ -x $R$real ]] || fail "the entry's path $path ($real on this system) does not reach the installed binary"

	# logrotate
	cmp -s "$lr" "$SOURCE_DIR/conf/logrotate.d/audisp-ecs" || fail "${lr#"$R"} is not conf/logrotate.d/audisp-ecs"
	[[ $(mode_of "$lr") == 644 ]] || fail "${lr#"$R"} has mode $(mode_of "$lr"): logrotate ignores group/world-writable files"
	if command -v logrotate >/dev/null; then
		logrotate -d -s "$T/lr.state" "$lr" >"$T/lr.out" 2>&1 || { cat "$T/lr.out" >&2; fail "logrotate -d failed on ${lr#"$R"}"; }
		! grep -i 'error' "$T/lr.out" >&2 || fail "logrotate -d reports errors in ${lr#"$R"}"
		grep -q -F 'rotating pattern: /var/log/audisp-ecs/*.json' "$T/lr.out" ||
			fail "logrotate -d did not read the rule: $(head -n 5 "$T/lr.out" | tr '\n' '|')"
		lr_note="logrotate -d clean"
	else
		lr_note="logrotate not installed: not parsed"
	fi

	# man pages
	if command -v man >/dev/null; then
		for m in "$man8" "$man5"; do
			w=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null) || true
			[[ -z $w ]] || fail "man --warnings -l ${m#"$R"}: $w"
			[[ $(MANWIDTH=80 man -l "$m" 2>/dev/null | wc -l) -gt 20 ]] || fail "${m#"$R"} renders to almost nothing"
		done
		MANWIDTH=80 man -l "$man5" 2>/dev/null >"$T/man5.txt"
		for k in $(sed -n 's/^# \{0,1\}\([a-z_]*\) = .*/\1/p' "$SOURCE_DIR/conf/audisp-ecs.conf" | sort -u); do
			grep -q -w -- "$k" "$T/man5.txt" || fail "audisp-ecs.conf(5) does not describe $k"
		done
		man_note="man pages render without warnings"
	elif command -v mandoc >/dev/null; then
		for m in "$man8" "$man5"; do
			mandoc -T lint -W warning "$m" >&2 || fail "mandoc -T lint: ${m#"$R"}"
		done
		man_note="mandoc -T lint clean"
	else
		man_note="neither man nor mandoc installed: man pages not checked"
	fi

	# the systemd unit
	exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
	[[ $exec_start == "$prefix/sbin/audisp-ecs -i unix:/var/run/audispd_events" ]] ||
		fail "ExecStart=$exec_start, expected $prefix/sbin/audisp-ecs -i unix:/var/run/audispd_events"
	if [[ -r /etc/audit/plugins.d/af_unix.conf ]]; then
		sock=$(key /etc/audit/plugins.d/af_unix.conf args | awk '{print $NF}')
		[[ $exec_start == *" -i unix:$sock" ]] || fail "ExecStart reads unix:${exec_start##*unix:}, auditd's af_unix.conf says $sock"
	fi
	if command -v systemd-analyze >/dev/null; then
		mkdir "$T/unit"
		sed "s|^ExecStart=[^ ]*|ExecStart=$sbin|" "$unit" >"$T/unit/audisp-ecs.service"
		MANPATH=$R$prefix/share/man systemd-analyze verify "$T/unit/audisp-ecs.service" >"$T/verify.out" 2>&1 ||
			{ cat "$T/verify.out" >&2; fail "systemd-analyze verify failed"; }
		[[ ! -s $T/verify.out ]] || { cat "$T/verify.out" >&2; fail "systemd-analyze verify complains about the unit"; }
		unit_note="systemd-analyze verify clean"
	else
		unit_note="systemd-analyze not installed: unit not verified"
	fi

	cmp -s "$readme" "$SOURCE_DIR/README.md" || fail "the installed README is not README.md"
	pass "8 files installed where expected; -t accepts the conf; $lr_note; $man_note; $unit_note"
	;;

prefix-override)
	install_root --prefix /opt/audisp-ecs-e2e
	[[ -x $R/opt/audisp-ecs-e2e/sbin/audisp-ecs ]] || fail "the binary is not in /opt/audisp-ecs-e2e/sbin"
	path=$(key "$R/etc/audit/plugins.d/audisp-ecs.conf" path)
	exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$(find "$R" -name audisp-ecs.service)")
	bad=
	[[ $path == /opt/audisp-ecs-e2e/sbin/audisp-ecs ]] || bad+="plugins.d path = $path; "
	[[ $exec_start == /opt/audisp-ecs-e2e/sbin/audisp-ecs ]] || bad+="ExecStart=$exec_start; "
	[[ -z $bad ]] || fail "installed with --prefix /opt/audisp-ecs-e2e, the binary is in /opt/audisp-ecs-e2e/sbin but: $bad"
	pass "--prefix at install time: the plugins.d entry and the unit point at the installed binary"
	;;

auditd-entry)
	need_private_auditd

	install_root
	sbin=$R$prefix/sbin/audisp-ecs
	make_auditd_dir
	auditd_cleanup '[[ -n ${PLUGIN_PID:-} ]] && kill -KILL "$PLUGIN_PID" 2>/dev/null'

	install -o root -g root -m 0750 "$sbin" "$D/audisp-ecs.bin"
	printf '#!/bin/sh\nexec %s -c %s "$@"\n' "$D/audisp-ecs.bin" "$D/ecs.conf" >"$D/audisp-ecs"
	chown root:root "$D/audisp-ecs"
	chmod 0750 "$D/audisp-ecs"
	printf '%s\n' "output = file:$D/out.json" >"$D/ecs.conf"
	chmod 0640 "$D/ecs.conf"
	# the installed entry, its path line only changed
	sed "s|^path *=.*|path = $D/audisp-ecs|" "$R/etc/audit/plugins.d/audisp-ecs.conf" >"$D/plugins.d/audisp-ecs.conf"
	chmod 0640 "$D/plugins.d/audisp-ecs.conf"
	changed=$(diff "$R/etc/audit/plugins.d/audisp-ecs.conf" "$D/plugins.d/audisp-ecs.conf" | grep -c '^>' || true)
	((changed == 1)) || fail "rewriting the entry's path changed $changed lines"
	write_auditd_conf RAW NONE
	start_auditd "auditd did not start the plugin of the installed entry within 10 s" -e "$D/out.json"
	PLUGIN_PID=$(pid_of_exe "$D/audisp-ecs.bin")
	[[ -n $PLUGIN_PID ]] || fail "the plugin is not running"
	[[ $(awk '{print $4}' "/proc/$PLUGIN_PID/stat") == "$AUPID" ]] || fail "the plugin is not auditd's child"
	auditctl -m "e2e installed entry" >/dev/null
	wait_grep "$D/out.json" '"text":"e2e installed entry"' 5000 || fail "the marker did not arrive through the installed entry"
	stop_auditd
	wait_plugin_end "$PLUGIN_PID"
	PLUGIN_PID=
	no_plugin_problem 'plugin.*\(terminated\|restart\|exceeded\|error\)\|Skipping\|not found' 'plugin\|Skipping\|not found'
	"$ECS_CHECK" -q "$D/out.json" >/dev/null || fail "invalid documents"
	(($(matching "$D/out.json" '"message_type":"daemon_end"') == 1)) || fail "no DAEMON_END document: the plugin did not run to auditd's end"
	pass "auditd accepted the installed plugins.d entry: plugin started, $(wc -l <"$D/out.json") documents, stopped with auditd"
	;;

*) fail "unknown mode $mode" ;;
esac
