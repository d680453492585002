#!/bin/bash
# Output faults, with the daemon reading a pipe that stays open (as under
# auditd) through -i FIFO, so that its log lines, the status line included,
# also go to stderr ($T/stderr). Every mode also checks the counters of the
# status line ("status: ..." on SIGUSR1, "stopped: ..." at exit).
#
#   disk-full       the output directory is a 256 KiB tmpfs, nearly filled
#                   by a ballast file. The first 96 events of the recorded
#                   stream (160 KiB of documents) arrive in chunks: the disk
#                   fills. Whenever the daemon waits for input the file holds
#                   only whole, valid lines; it keeps running; output_errors
#                   and the file's own errors= count the failures; nothing is
#                   dropped (well under the 4 MiB it keeps). The ballast is
#                   deleted: within the 1 s retry every kept document is
#                   written, later events arrive at once, and the file holds
#                   every event exactly once.
#   disk-full-drop  the same beyond the 4 MiB bound: an 8 MiB tmpfs with
#                   512 KiB free, 6 renumbered copies of the recorded stream
#                   (4362 events, 7 MB of documents). output_dropped > 0, and
#                   every event is accounted for: documents in the file +
#                   output_dropped = events in, none written twice, all of
#                   those sent after the space was freed present.
#   removed         the output file is removed (twice) while the daemon runs:
#                   the next documents are in a new file at the same path
#                   (mode 0600), exactly those; output_reopens = 2.
#   rotate          rotate_size = 64k, rotate_keep = 3, the recorded stream
#                   in chunks: at every look and at the end at most 4 files
#                   (FILE, FILE.1..3), none larger than 64 KiB, all lines
#                   valid, each event at most once, each document one that a
#                   run without rotation writes; output_rotations counted.
#   rotate-all      rotate_size = 64k, rotate_keep = 50, the recorded stream
#                   at once: FILE.N ... FILE.1 FILE hold byte for byte the
#                   documents of a run without rotation (every event once;
#                   compared sorted: lone user-space events complete when the
#                   input goes idle, so their order follows its timing);
#                   N = output_rotations.
#   fsync           fsync = always gives the same bytes as fsync = never
#                   (with strace, when it can trace: fsync is called after
#                   writes with always, never with never).
#   logrotate       the shipped logrotate file (conf/logrotate.d/audisp-ecs)
#                   pointed at a scratch directory, its postrotate signalling
#                   this test's daemon only: two `logrotate -f` runs rotate
#                   the file to FILE.1, then FILE.1 to FILE.2.gz (delaycompress)
#                   while the daemon starts a new FILE each time (SIGHUP);
#                   each batch of events is in its file, none lost or
#                   written twice.
#   status          status_interval = 1 logs the status line every second;
#                   with status_interval = 0 none comes by itself, and SIGUSR1
#                   logs it with each output's own errors= (an output on
#                   /dev/full fails, the other does not).
#
# Known daemon bugs (registered with WILL_FAIL until they are fixed):
#   disk-full-hup   SIGHUP (logrotate's postrotate) while the disk is full
#                   and documents are kept: once space is back, every kept
#                   document must be written, or counted in output_dropped.
#   disk-full-exit  the input ends while the disk is full: the documents that
#                   could not be written must be counted in output_dropped
#                   (documents in the file + dropped = events in).
#   rotate-small    rotate_size = 16k, below the write buffer: no file
#                   above rotate_size unless it holds a single document.
. "$(dirname "$0")/lib.sh"

mode=${1:?mode}

# an exec event (8 records, EOE last) as the template of generated events
records 29317 >"$T/template.txt"
gen() { fresh_events "$@" <"$T/template.txt"; }

# --- helpers --------------------------------------------------------------------

# counter NAME LINE: the value of NAME=N in a status line
counter() {
	local v
	v=$(sed -n "s/.* $1=\([0-9][0-9]*\)\( .*\)\{0,1\}\$/\1/p" <<<"$2")
	[[ -n $v ]] || fail "no $1= in the status line: $2"
	echo "$v"
}
# status_line WHICH: the last "WHICH: ..." line the daemon logged (status,
# stopped)
status_line() {
	grep -a ": $1: lines_in=" "$T/stderr" | tail -n 1
}
# usr1: asks for a status line and waits for it; sets STATUS
usr1() {
	local n
	n=$(grep -a -c ': status: lines_in=' "$T/stderr" || true)
	kill -USR1 "$DPID"
	wait_count "$T/stderr" ': status: lines_in=' $((n + 1)) 3000 || fail "no status line after SIGUSR1"
	STATUS=$(status_line status)
}
# stop: end of input, exit 0, the "stopped:" line in STOPPED
stop() {
	stop_input 20000
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC at end of input, expected 0"
	STOPPED=$(status_line stopped)
	[[ -n $STOPPED ]] || fail "no 'stopped:' status line at exit"
	note "$STOPPED"
}
# whole FILE: FILE ends with a newline (or is empty)
whole() { [[ ! -s $1 || $(tail -c 1 "$1" | wc -l) == 1 ]]; }

# look FILE...: a look at the files while the daemon runs, after it went
# back to waiting for input: each holds whole lines only, every one a valid
# document. A partial last line could be a write in progress: it is looked
# at again a moment later, and it must have been cut off or completed.
TRANSIENT=0
look() {
	local f snap=$T/snap.json
	sleep 0.05
	wait_idle "$DPID" 5000
	alive || fail "the daemon died ($(tail -n 3 "$T/stderr" | tr '\n' '|'))"
	for f in "$@"; do
		[[ -e $f ]] || continue
		cp "$f" "$snap"
		if ! whole "$snap"; then
			TRANSIENT=$((TRANSIENT + 1))
			sleep 0.3
			wait_idle "$DPID" 5000
			cp "$f" "$snap"
			whole "$snap" || fail "$f ends in a partial line while the daemon waits for input ($(stat -c %s "$f") bytes)"
		fi
		"$ECS_CHECK" -q "$snap" >/dev/null || fail "$f: invalid lines (see above)"
	done
}

# feed FILE LINES FILE...: writes FILE to the daemon LINES lines at a time,
# looking at the output files after each chunk
feed() {
	local in=$1 n=$2
	shift 2
	rm -f "$T"/chunk.*
	split -l "$n" -a 4 "$in" "$T/chunk."
	for c in "$T"/chunk.*; do
		cat "$c" >&3
		look "$@"
	done
	rm -f "$T"/chunk.*
}

# copies N FILE: N copies of a recorded stream, serials shifted by 100000 per
# copy (time stamps kept), so that every copy's events are new events
copies() {
	awk -v n="$1" '
		{ rec[NR] = $0 }
		END {
			for (i = 1; i <= n; i++)
				for (j = 1; j <= NR; j++) {
					line = rec[j]
					if (match(line, /msg=audit\([0-9]+\.[0-9]+:[0-9]+\)/)) {
						stamp = substr(line, RSTART, RLENGTH)
						c = index(stamp, ":")
						serial = substr(stamp, c + 1, length(stamp) - c - 1) + i * 100000
						line = substr(line, 1, RSTART - 1) substr(stamp, 1, c) serial \
							substr(line, RSTART + RLENGTH - 1)
					}
					print line
				}
		}' "$2"
}

# a tmpfs at DIR of SIZE, unmounted at exit (the daemon killed first: a
# busy tmpfs cannot be unmounted)
MNT=
mount_tmpfs() {
	((EUID == 0)) || skip "needs root: it mounts a tmpfs"
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2,mode=0700" e2e-faults "$1" 2>"$T/mount.err" ||
		skip "cannot mount a tmpfs: $(head -n 1 "$T/mount.err")"
	MNT=$1
	CLEANUP_HOOKS+=('umount_tmpfs')
}
umount_tmpfs() {
	[[ -n ${DPID:-} ]] && kill -KILL "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	umount "$MNT" 2>/dev/null || umount -l "$MNT"
}
# ballast FREE: a file filling the tmpfs but FREE bytes
ballast() {
	cat /dev/zero >"$MNT/ballast" 2>/dev/null || true
	truncate -s "-$1" "$MNT/ballast"
	note "tmpfs: $(df -k --output=size,avail "$MNT" | tail -n 1 | awk '{print $1 " KiB, " $2 " KiB free"}')"
}

case $mode in
disk-full | disk-full-drop)
	if [[ $mode == disk-full ]]; then
		mount_tmpfs "$T/mnt" 256k
		ballast 48k
		# the first 596 lines of the recorded stream end with an EOE and
		# share no event with the rest: 96 whole events
		head -n 596 "$RAW" >"$T/phase1.txt"
		chunk=40
	else
		mount_tmpfs "$T/mnt" 8m
		ballast 512k
		copies 6 "$RAW" >"$T/phase1.txt"
		chunk=4027
	fi
	events_in "$T/phase1.txt" >"$T/phase1.keys"
	n1=$(wc -l <"$T/phase1.keys")
	out=$MNT/out.json
	c=$(conf out.conf "output = file:$out" 'status_interval = 0')
	start_daemon_i -c "$c"
	feed "$T/phase1.txt" "$chunk" "$out"
	look "$out"
	full=$(nlines "$out")
	note "disk full: $full of $n1 documents in the file ($(stat -c %s "$out") bytes)"
	((full < n1)) || fail "the disk did not fill ($full documents written)"
	usr1
	note "$STATUS"
	errors=$(counter output_errors "$STATUS")
	dropped=$(counter output_dropped "$STATUS")
	events_out=$(counter events_out "$STATUS")
	((errors > 0)) || fail "output_errors=0 while the disk is full"
	[[ $STATUS == *" file:$out.errors="[1-9]* ]] || fail "the file's own errors= not counted: $STATUS"
	((events_out == n1)) || fail "events_out=$events_out, expected $n1"
	grep -a -q "output file:$out: write: No space left on device" "$T/stderr" ||
		fail "the failure was not logged"
	if [[ $mode == disk-full ]]; then
		((dropped == 0)) || fail "$dropped documents dropped, far below the 4 MiB kept"
	else
		((dropped > 0)) || fail "nothing dropped beyond the 4 MiB kept"
		note "kept $((n1 - full - dropped)) documents, dropped $dropped"
	fi

	# space again: what was kept is written within the 1 s retry
	t0=$(now_us)
	rm -f "$MNT/ballast"
	wait_lines "$out" $((n1 - dropped)) 3000 ||
		fail "$(nlines "$out") documents 3 s after space was freed, expected $((n1 - dropped))"
	note "kept documents written $((($(now_us) - t0) / 1000)) ms after space was freed"
	look "$out"
	gen 800001 20 >"$T/phase2.txt"
	cat "$T/phase2.txt" >&3
	wait_lines "$out" $((n1 - dropped + 20)) 3000 || fail "the events sent after space was freed did not arrive"
	look "$out"
	grep -a -q "output file:$out: writing again" "$T/stderr" || fail "the recovery was not logged"
	stop
	whole "$out" || fail "the file ends in a partial line"
	errors=$(counter output_errors "$STOPPED")
	dropped=$(counter output_dropped "$STOPPED")
	((errors > 0)) || fail "output_errors=0 at exit"

	# accounting: events in = documents in the file + dropped
	cat "$T/phase1.txt" "$T/phase2.txt" | events_in >"$T/want.keys"
	docs_out "$out" >"$T/got.keys" || fail "invalid documents"
	n_in=$(wc -l <"$T/want.keys")
	n_docs=$(wc -l <"$T/got.keys")
	no_dups "documents" "$T/got.keys"
	[[ -z $(comm -13 "$T/want.keys" "$T/got.keys") ]] || fail "documents for events that were not sent"
	gen 800001 20 | events_in >"$T/phase2.keys"
	[[ -z $(comm -23 "$T/phase2.keys" "$T/got.keys") ]] || fail "events sent after space was freed are missing"
	((n_docs + dropped == n_in)) ||
		fail "accounting: $n_docs documents + $dropped dropped != $n_in events in"
	[[ $mode == disk-full-drop ]] || same_keys "disk full" "$T/want.keys" "$T/got.keys"
	pass "$mode: $n_in events in = $n_docs documents + $dropped dropped; output_errors=$errors; partial lines seen mid-write: $TRANSIENT"
	;;

removed)
	out=$T/out.json
	start_daemon_i -c "$(conf out.conf "output = file:$out")"
	gen 720001 30 >"$T/b1.txt"
	cat "$T/b1.txt" >&3
	wait_lines "$out" 30 3000 || fail "the first batch was not written"
	for b in 2 3; do
		rm -f "$out"
		gen $((720001 + 100 * b)) 30 >"$T/b$b.txt"
		cat "$T/b$b.txt" >&3
		wait_lines "$out" 30 3000 || fail "no new $out after it was removed (batch $b)"
		look "$out"
		[[ $(stat -c %a "$out") == 600 ]] || fail "the new file has mode $(stat -c %a "$out"), expected 600"
		events_in "$T/b$b.txt" >"$T/want.keys"
		docs_out "$out" >"$T/got.keys" || fail "invalid documents"
		same_keys "batch $b after removal" "$T/want.keys" "$T/got.keys"
	done
	grep -a -q "output file:$out: the file was removed; creating it again" "$T/stderr" ||
		fail "the removal was not logged"
	stop
	reopens=$(counter output_reopens "$STOPPED")
	((reopens == 2)) || fail "output_reopens=$reopens after 2 removals"
	(($(counter output_errors "$STOPPED") == 0)) || fail "output errors counted"
	(($(counter output_dropped "$STOPPED") == 0)) || fail "documents dropped"
	pass "removed twice: the later documents in a new file each time, output_reopens=$reopens"
	;;

rotate | rotate-all)
	mkdir "$T/r"
	out=$T/r/out.json
	if [[ $mode == rotate ]]; then keep=3; else keep=50; fi
	c=$(conf rot.conf "output = file:$out" 'rotate_size = 64k' "rotate_keep = $keep")
	start_daemon_i -c "$c"
	# every file there: FILE.N ... FILE.1 FILE, oldest first
	files() {
		local k
		for ((k = keep + 1; k >= 1; k--)); do
			[[ -e $out.$k ]] && echo "$out.$k"
		done
		[[ -e $out ]] && echo "$out"
		return 0
	}
	# at most keep + 1 files, named FILE or FILE.1..keep, none above 64 KiB
	check_files() {
		local f n=0
		for f in "$T"/r/*; do
			n=$((n + 1))
			[[ $f == "$out" || $f =~ ^$out\.([0-9]+)$ && ${BASH_REMATCH[1]} -ge 1 && ${BASH_REMATCH[1]} -le $keep ]] ||
				fail "unexpected file $f"
			(($(stat -c %s "$f") <= 65536)) || fail "$f has $(stat -c %s "$f") bytes, above rotate_size 65536"
		done
		((n <= keep + 1)) || fail "$n files, rotate_keep = $keep allows $((keep + 1))"
	}
	if [[ $mode == rotate ]]; then
		feed "$RAW" 200 "$out"
		look $(files)
		check_files
	else
		cat "$RAW" >&3
	fi
	stop
	check_files
	mapfile -t fs < <(files)
	rotations=$(counter output_rotations "$STOPPED")
	note "${#fs[@]} files, output_rotations=$rotations, sizes: $(stat -c %s "${fs[@]}" | tr '\n' ' ')"
	for f in "${fs[@]}"; do
		whole "$f" || fail "$f ends in a partial line"
		[[ -s $f ]] || fail "$f is empty"
	done
	cat "${fs[@]}" >"$T/all.json"
	docs_out "$T/all.json" >"$T/got.keys" || fail "invalid documents"
	no_dups "documents across the files" "$T/got.keys"
	events_in "$RAW" >"$T/want.keys"
	[[ -z $(comm -13 "$T/want.keys" "$T/got.keys") ]] || fail "documents for events that were not sent"
	"$AUDISP_ECS" -c /dev/null -i "$RAW" -o "file:$T/ref.json" 2>/dev/null || fail "the reference run failed"
	# documents are built the same whatever the timing; only the order of
	# lone user-space events may differ (they complete when the input goes
	# idle): compare sorted
	sort "$T/ref.json" >"$T/ref.sorted"
	sort "$T/all.json" >"$T/all.sorted"
	if [[ $mode == rotate ]]; then
		((rotations > keep)) || fail "output_rotations=$rotations: the stream should have rotated more than $keep times"
		((${#fs[@]} == keep + 1)) || fail "${#fs[@]} files after $rotations rotations, expected $((keep + 1))"
		[[ -z $(comm -13 "$T/ref.sorted" "$T/all.sorted" | head -c 300) ]] ||
			fail "the kept files hold documents a run without rotation does not write"
		pass "rotate_keep=3: ${#fs[@]} files of at most 64 KiB after $rotations rotations, the newest $(wc -l <"$T/got.keys") documents"
	else
		((${#fs[@]} == rotations + 1)) || fail "${#fs[@]} files but output_rotations=$rotations"
		cmp -s "$T/ref.sorted" "$T/all.sorted" ||
			fail "the rotated files hold other documents than a run without rotation"
		same_keys "rotated files" "$T/want.keys" "$T/got.keys"
		pass "rotate_keep=50: $rotations rotations, ${#fs[@]} files, every event exactly once"
	fi
	;;

fsync)
	for policy in always never; do
		start_daemon_i -c "$(conf "$policy.conf" "output = file:$T/$policy.json" "fsync = $policy")"
		feed "$RAW" 500 "$T/$policy.json"
		stop
		(($(counter output_errors "$STOPPED") == 0)) || fail "fsync = $policy: output errors"
	done
	docs_out "$T/always.json" >"$T/got.keys" || fail "invalid documents with fsync = always"
	events_in "$RAW" >"$T/want.keys"
	same_keys "fsync = always" "$T/want.keys" "$T/got.keys"
	# (the order of lone user-space events follows the input's timing)
	cmp -s <(sort "$T/always.json") <(sort "$T/never.json") ||
		fail "fsync = always and fsync = never wrote different documents"
	traced="(strace not installed: fsync calls not counted)"
	if command -v strace >/dev/null; then
		for policy in always never; do
			if strace -f -qq -e trace=fsync,fdatasync -o "$T/$policy.strace" \
				"$AUDISP_ECS" -c "$T/$policy.conf" -i "$RAW" -o "file:$T/$policy.2.json" 2>/dev/null; then
				:
			else
				traced="(strace cannot trace here: fsync calls not counted)"
				break
			fi
			declare "n_$policy=$(grep -c 'fsync(' "$T/$policy.strace" || true)"
		done
		if [[ -n ${n_never:-} ]]; then
			((n_always > 0)) || fail "fsync = always: no fsync call"
			((n_never == 0)) || fail "fsync = never: $n_never fsync calls"
			traced="(fsync calls: $n_always with always, 0 with never)"
		fi
	fi
	pass "fsync = always writes the same $(wc -l <"$T/got.keys") documents as fsync = never $traced"
	;;

logrotate)
	command -v logrotate >/dev/null || skip "logrotate not installed (apt-get install logrotate)"
	shipped=$SOURCE_DIR/conf/logrotate.d/audisp-ecs
	hup='kill -HUP $(pidof audisp-ecs) 2>/dev/null || true'
	grep -q -x -F "		$hup" "$shipped" || fail "the shipped postrotate line ($hup) is not in $shipped"
	grep -q -F '/var/log/audisp-ecs/*.json {' "$shipped" || fail "the shipped file does not rotate /var/log/audisp-ecs/*.json"
	mkdir -m 0750 "$T/log"
	out=$T/log/audisp-ecs.json
	start_daemon_i -c "$(conf lr.conf "output = file:$out")"
	# the shipped file, pointed at the scratch directory; pidof would also
	# find the daemons of tests running in parallel: signal ours only
	sed -e "s|/var/log/audisp-ecs/\*\.json|$T/log/*.json|" \
		-e "s|kill -HUP \$(pidof audisp-ecs)|kill -HUP $DPID|" "$shipped" >"$T/logrotate.conf"
	# logrotate ignores a configuration file writable by group or others
	chmod 0644 "$T/logrotate.conf"
	grep -q -F "$T/log/*.json {" "$T/logrotate.conf" && grep -q -F "kill -HUP $DPID 2>" "$T/logrotate.conf" ||
		fail "could not rewrite the logrotate file"
	! grep -q pidof "$T/logrotate.conf" || fail "pidof still in the rewritten logrotate file"
	rot() {
		logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf" >"$T/logrotate.out" 2>&1 ||
			{ cat "$T/logrotate.out" >&2; fail "logrotate failed"; }
		# nocreate: the daemon creates the new file when it gets SIGHUP
		local i
		for ((i = 0; i < 300; i++)); do
			[[ -e $out ]] && break
			sleep 0.01
		done
		[[ -e $out ]] || fail "no new $out after logrotate (did the daemon get SIGHUP?)"
		wait_idle "$DPID" 5000
	}
	for b in 1 2 3; do
		gen $((730001 + 100 * b)) 25 >"$T/b$b.txt"
		cat "$T/b$b.txt" >&3
		wait_lines "$out" 25 3000 || fail "batch $b was not written"
		((b < 3)) && rot
	done
	stop
	ls -l "$T/log" | sed 's/^/# /'
	[[ ! -e $out.1.gz ]] || fail "$out.1 compressed at once (delaycompress)"
	[[ -e $out.1 && -e $out.2.gz && ! -e $out.2 && ! -e $out.3.gz ]] ||
		fail "expected $out, $out.1 and $out.2.gz: $(ls "$T/log" | tr '\n' ' ')"
	gzip -dc "$out.2.gz" >"$T/f2.json" || fail "$out.2.gz is not gzip"
	for pair in "1:$T/f2.json" "2:$out.1" "3:$out"; do
		b=${pair%%:*} f=${pair#*:}
		events_in "$T/b$b.txt" >"$T/want.keys"
		docs_out "$f" >"$T/got.keys" || fail "invalid documents in $f"
		same_keys "batch $b in $f" "$T/want.keys" "$T/got.keys"
	done
	[[ $(stat -c %a "$out") == 600 ]] || fail "the new file has mode $(stat -c %a "$out"), expected 600"
	(($(counter output_errors "$STOPPED") == 0)) || fail "output errors counted"
	pass "logrotate twice: batch 1 in .2.gz, batch 2 in .1, batch 3 in the new file, each exactly once"
	;;

status)
	out=$T/out.json
	# status_interval = 1: a line every second, by itself
	start_daemon_i -c "$(conf s1.conf "output = file:$out" 'status_interval = 1')"
	gen 740001 10 >&3
	wait_lines "$out" 10 3000 || fail "events not written"
	t0=$(now_us)
	wait_count "$T/stderr" ': status: lines_in=' 1 2500 || fail "no status line within 2.5 s with status_interval = 1"
	t1=$(now_us)
	wait_count "$T/stderr" ': status: lines_in=' 4 4500 || fail "fewer than 4 status lines within 4.5 s more"
	t4=$(now_us)
	gap=$(((t4 - t1) / 3000))
	((gap >= 700 && gap <= 1400)) || fail "status lines every $gap ms, expected every 1000"
	line=$(status_line status)
	[[ $line == *" events_out=10 "* && $line == *" file:$out.errors=0 "* ]] || fail "unexpected status line: $line"
	stop
	note "status_interval = 1: a line every $gap ms"

	# status_interval = 0: none by itself; SIGUSR1, with per-output errors
	rm -f "$T/stderr" "$out"
	start_daemon_i -c "$(conf s0.conf "output = file:$out" 'output = file:/dev/full' 'status_interval = 0')"
	gen 740101 5 >&3
	wait_lines "$out" 5 3000 || fail "events not written"
	sleep 1.5
	! grep -a -q ': status: ' "$T/stderr" || fail "a status line with status_interval = 0"
	usr1
	note "$STATUS"
	full_errors=$(sed -n 's|.* file:/dev/full\.errors=\([0-9]*\).*|\1|p' <<<"$STATUS")
	[[ $STATUS == *" file:$out.errors=0 "* ]] || fail "no errors=0 for $out: $STATUS"
	[[ -n $full_errors ]] && ((full_errors > 0)) || fail "no errors for file:/dev/full: $STATUS"
	(($(counter output_errors "$STATUS") == full_errors)) || fail "output_errors is not the sum of the outputs' errors"
	(($(counter events_out "$STATUS") == 5)) || fail "events_out is not 5"
	usr1
	stop
	pass "status lines every second with status_interval = 1; SIGUSR1: file:/dev/full.errors=$full_errors, the other output 0"
	;;

disk-full-hup | disk-full-exit)
	# the disk-full setup, with documents kept when the disk is full
	mount_tmpfs "$T/mnt" 256k
	ballast 48k
	head -n 596 "$RAW" >"$T/phase1.txt"
	events_in "$T/phase1.txt" >"$T/want.keys"
	n1=$(wc -l <"$T/want.keys")
	out=$MNT/out.json
	start_daemon_i -c "$(conf out.conf "output = file:$out" 'status_interval = 0')"
	cat "$T/phase1.txt" >&3
	look "$out"
	full=$(nlines "$out")
	((full < n1)) || fail "the disk did not fill ($full documents written)"
	if [[ $mode == disk-full-hup ]]; then
		# logrotate's postrotate while the disk is full; then space again
		kill -HUP "$DPID"
		wait_grep "$T/stderr" 'configuration reloaded' 3000 || fail "the reload was not logged"
		rm -f "$MNT/ballast"
		wait_lines "$out" "$n1" 3000 || true
		stop
	else
		# the input ends while the disk is still full
		stop
	fi
	dropped=$(counter output_dropped "$STOPPED")
	docs_out "$out" >"$T/got.keys" || fail "invalid documents"
	n_docs=$(wc -l <"$T/got.keys")
	note "$n1 events in, $full documents written before the disk filled, $n_docs in the file at the end, output_dropped=$dropped"
	((n_docs + dropped == n1)) ||
		fail "accounting: $n_docs documents + $dropped dropped != $n1 events in ($((n1 - n_docs - dropped)) documents lost without a trace)"
	[[ $mode == disk-full-exit ]] || same_keys "kept across SIGHUP" "$T/want.keys" "$T/got.keys"
	pass "$mode: $n1 events in = $n_docs documents + $dropped dropped"
	;;

rotate-small)
	# rotate_size below the 64 KiB write buffer
	mkdir "$T/r"
	out=$T/r/out.json
	start_daemon_i -c "$(conf rot.conf "output = file:$out" 'rotate_size = 16k' 'rotate_keep = 200')"
	cat "$RAW" >&3
	stop
	big=0 largest=0
	for f in "$T"/r/*; do
		s=$(stat -c %s "$f")
		((s > largest)) && largest=$s
		# a single document above rotate_size cannot be split
		((s <= 16384 || $(nlines "$f") == 1)) || big=$((big + 1))
	done
	note "$(ls "$T/r" | wc -l) files, output_rotations=$(counter output_rotations "$STOPPED"), the largest $largest bytes"
	((big == 0)) || fail "$big files above rotate_size = 16k (16384 bytes) holding more than one document, the largest $largest bytes"
	pass "rotate_size = 16k: no file above it"
	;;

*) fail "unknown mode $mode" ;;
esac
