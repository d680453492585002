#!/bin/bash
# The syslog output (plugin/output_syslog.c) against a real rsyslogd: a
# private one, with its own configuration, work directory and listening
# socket ($T/rs/log.sock; the daemon is pointed at it with the test-only
# environment variable AUDISP_ECS_SYSLOG_SOCKET), so /dev/log and any
# system syslog are never touched. rsyslog writes what it received with
# templates: the message (%msg%), the whole datagram (%rawmsg%), the JSON
# mmjsonparse made of it (%$!all-json-plain%) and single fields
# ($!event!sequence..., %syslogseverity-text%, %syslogfacility-text%,
# %programname%). Every daemon also has a file output: the reference.
#
#   cee          syslog_format = cee, the recorded stream and a hostile one:
#                mmjsonparse parses every message; the parsed documents have
#                the same event keys as the file's (ecs-check -k) and are the
#                same documents byte for byte (after undoing json-c's "\/");
#                field by field, sequence/outcome/action equal the file's;
#                facility local5, tag ecs-e2e, severity info for successes
#                and unknown outcomes, notice for failures
#   json         syslog_format = json: every message is exactly the file's
#                line (valid JSON, one line), and mmjsonparse takes it as is
#   summary      syslog_format = summary on the hostile stream: one line per
#                event, no control byte, valid UTF-8, the text of `message`;
#                with message = no a short fallback text
#   truncate     syslog_max_size = 1024: no datagram is larger; a larger
#                document arrives as a short valid one with the same
#                @timestamp/sequence/action/outcome, auditd.truncated = true
#                and auditd.original_size = its size; a long message is cut
#                at a character boundary, "..."; counted and logged once
#   fault        rsyslogd killed (SIGKILL) in the middle of a stream, then
#                started again: the daemon goes on, its file output gets
#                every document, the failure is logged once, drops are
#                counted (SIGUSR1 status and exit lines: output_errors,
#                output_dropped), what was held arrives after the restart and
#                every document is either received or counted as dropped
#   stuck        rsyslogd stopped (SIGSTOP): the daemon does not block (the
#                file output keeps up at once), drops are counted; after
#                SIGCONT messages flow again ("sending again" logged)
#   stream       a stream socket (rsyslog's imptcp on a unix path, as some
#                syslog daemons listen on /dev/log): messages end with '\0',
#                arrive whole and in order, also after rsyslogd restarts
#   late-start   the daemon starts before rsyslogd (as auditd at boot): no
#                error, documents are held and arrive once rsyslogd is up,
#                without new input
#   no-socket    no syslog daemon at all: the daemon runs, the file output
#                is complete, held documents are counted as dropped at exit
#   reload       SIGHUP while rsyslogd is stopped: the documents held are
#                kept and sent, later ones with the new facility/priority
#   flood        20000 events from a file as fast as the daemon reads them:
#                every document is either received by rsyslog or counted as
#                dropped (exactly), and the rate is reported
#   inject       audit data built to inject (inject-lib.sh: newlines, CR,
#                NUL, "PRIORITY=0", "MESSAGE_ID=", forged JSON): one message
#                per event, json exactly the document, summary without
#                control bytes; tag, facility and severity never forged
. "$(dirname "$0")/lib.sh"

RSYSLOGD=${RSYSLOGD:-$(command -v rsyslogd || true)}
[[ -n $RSYSLOGD ]] || skip "rsyslogd not installed (apt-get install rsyslog)"

IDENT=ecs-e2e
RS=$T/rs
SOCK=$RS/log.sock
export AUDISP_ECS_SYSLOG_SOCKET=$SOCK
mkdir -p "$RS/work"
RSPID=

# rs_config MAX_MESSAGE_SIZE [COOKIE [stream]]: the private rsyslogd's
# configuration. Control characters are kept as received (not escaped as
# #ooo) so that the tests see exactly what the daemon sent. The socket is a
# datagram one (imuxsock, as /dev/log), or with "stream" a stream one
# (imptcp; messages end with '\0', as glibc and the daemon send them there).
rs_config() {
	local max=$1 cookie=${2-@cee:} input
	if [[ ${3:-} == stream ]]; then
		input='module(load="imptcp")
input(type="imptcp" path="'$SOCK'" unlink="on" AddtlFrameDelimiter="0")'
	else
		input='module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="'$SOCK'" CreatePath="on" RateLimit.Interval="0")'
	fi
	cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS/work" maxMessageSize="$max"
       parser.escapeControlCharactersOnReceive="off")
module(load="mmjsonparse")
$input
template(name="msg" type="string" string="%msg%\n")
template(name="rawmsg" type="string" string="%rawmsg%\n")
template(name="json" type="string" string="%\$!all-json-plain%\n")
template(name="fields" type="string"
         string="%\$!event!sequence% %syslogseverity-text% %syslogfacility-text% %programname% %\$!event!outcome% %\$!event!action% %\$!auditd!truncated% %\$!auditd!original_size%\n")
if \$programname == "$IDENT" then {
	action(type="omfile" file="$RS/msg.log" template="msg")
	action(type="omfile" file="$RS/raw.log" template="rawmsg")
	action(type="mmjsonparse" cookie="$cookie")
	if \$parsesuccess == "OK" then {
		action(type="omfile" file="$RS/parsed.json" template="json")
		action(type="omfile" file="$RS/fields.log" template="fields")
	} else {
		action(type="omfile" file="$RS/unparsed.log" template="msg")
	}
	stop
}
action(type="omfile" file="$RS/other.log")
EOF
	"$RSYSLOGD" -N1 -f "$RS/rsyslog.conf" >"$RS/check.out" 2>&1 ||
		skip "rsyslogd refuses the test configuration (mmjsonparse missing?): $(tail -n 3 "$RS/check.out")"
}

PROBES=0
# start_rsyslog: starts the private rsyslogd (in the foreground, -n) and
# waits until a probe message sent through its socket is written.
start_rsyslog() {
	rm -f "$SOCK" "$RS/rsyslogd.pid"
	# (not holding the daemon's input open: fd 3 is the write end of its FIFO)
	"$RSYSLOGD" -n -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid" >>"$RS/rsyslogd.out" 2>&1 3>&- &
	RSPID=$!
	BG_PIDS+=("$RSPID")
	local start
	start=$(now_us)
	until [[ -S $SOCK ]]; do
		kill -0 "$RSPID" 2>/dev/null || fail "rsyslogd exited: $(tail -n 5 "$RS/rsyslogd.out")"
		(($(now_us) - start < 10000000)) || fail "rsyslogd did not create $SOCK"
		sleep 0.02
	done
	PROBES=$((PROBES + 1))
	until grep -q "probe-$PROBES\$" "$RS/other.log" 2>/dev/null; do
		logger -u "$SOCK" -t probe "probe-$PROBES" 2>/dev/null 3>&- || true
		(($(now_us) - start < 10000000)) || fail "rsyslogd does not write what it receives"
		sleep 0.1
	done
}

stop_rsyslog() {
	[[ -n $RSPID ]] || return 0
	kill -CONT "$RSPID" 2>/dev/null || true
	kill -TERM "$RSPID" 2>/dev/null || true
	wait "$RSPID" 2>/dev/null || true
	RSPID=
}
CLEANUP_HOOKS+=("stop_rsyslog")

# the daemon's configuration: conf_syslog NAME LINE...
conf_syslog() {
	local name=$1
	shift
	conf "$name" "syslog_ident = $IDENT" 'syslog_facility = local5' 'syslog_priority = info' "$@"
}

# run_daemon CONF INPUT...: the daemon on INPUT (-i: it stops at the end),
# outputs syslog and file:$T/out.json (appended); stderr to $T/stderr.
run_daemon() {
	local c=$1 f
	shift
	for f in "$@"; do
		timeout 60 "$AUDISP_ECS" -c "$c" -i "$f" -o syslog -o "file:$T/out.json" \
			2>>"$T/stderr" >/dev/null || fail "the daemon failed on $f: $(tail -n 5 "$T/stderr")"
	done
}

# received FILE N: wait (up to 20 s) until rsyslog has written N lines to FILE.
received() {
	wait_lines "$1" "$2" 20000 ||
		fail "rsyslog wrote $(nlines "$1") of $2 lines to $(basename "$1")"
	sleep 0.2
	(($(nlines "$1") == $2)) || fail "rsyslog wrote $(nlines "$1") lines to $(basename "$1"), expected $2"
}

# fields_of FILE: "SEQUENCE OUTCOME ACTION" of each document of FILE, in order
# (the event section's action, outcome and sequence, written in this order).
fields_of() {
	sed -n 's/.*"action":"\([^"]*\)","outcome":"\([a-z]*\)","sequence":\([0-9]*\).*/\3 \2 \1/p' "$1"
}

# last_counter NAME: the value of NAME=... in the daemon's last status line.
last_counter() {
	grep -a -o "$1=[0-9]*" "$T/stderr" | tail -n 1 | cut -d= -f2
}

# the exec event of the recorded stream, as the template of generated events
records 29317 >"$T/template.txt"
gen() { fresh_events "$@" <"$T/template.txt"; }

mode=${1:?mode}
case $mode in
cee)
	rs_config 64k
	start_rsyslog
	"$HOSTILE_GEN" -s 1 "$RAW" >"$T/hostile.txt" || fail "hostile-gen failed"
	c=$(conf_syslog d.conf 'syslog_format = cee' 'syslog_max_size = 64k')
	run_daemon "$c" "$RAW" "$T/hostile.txt"
	n=$(nlines "$T/out.json")
	received "$RS/msg.log" "$n"
	received "$RS/parsed.json" "$n"
	[[ ! -s $RS/unparsed.log ]] || fail "mmjsonparse could not parse $(nlines "$RS/unparsed.log") messages: $(head -c 300 "$RS/unparsed.log")"
	grep -q '^ *@cee: {' "$RS/msg.log" || fail "no @cee: cookie in the messages"
	# the same events...
	docs_out "$T/out.json" >"$T/want.keys" || fail "invalid documents in the file output"
	docs_out "$RS/parsed.json" >"$T/got.keys" || fail "invalid documents parsed by rsyslog"
	same_keys "cee through rsyslog" "$T/want.keys" "$T/got.keys"
	# ... and the same documents: json-c writes "/" as "\/" and DEL raw, and
	# cuts strings at U+0000 (rsyslog's own limit: those are only counted);
	# documents larger than 64k arrive shortened (checked in `truncate`)
	sed -e 's#\\/#/#g' -e $'s/\x7f/\\\\u007f/g' "$RS/parsed.json" >"$T/parsed.norm"
	awk -v out="$T/compare.txt" '
		NR == FNR { want[FNR] = $0; next }
		{
			if ($0 == want[FNR]) same++
			else if (index(want[FNR], "\\u0000")) nul++
			else if (index($0, "\"auditd\":{\"truncated\":true,\"original_size\":" length(want[FNR]) "}}")) short++
			else { bad++; if (bad <= 3) print "line " FNR ":\n  file:   " substr(want[FNR], 1, 300) "\n  syslog: " substr($0, 1, 300) > "/dev/stderr" }
		}
		END { printf "%d %d %d %d\n", same, nul, short, bad > out }' "$T/out.json" "$T/parsed.norm"
	read -r same nul short bad <"$T/compare.txt"
	((bad == 0)) || fail "$bad documents differ after rsyslog (see above)"
	((same > 700)) || fail "only $same documents compared equal"
	note "$same documents identical, $nul with U+0000 (cut by json-c), $short shortened"
	# field by field, from rsyslog's own parse
	fields_of "$T/out.json" >"$T/want.fields"
	awk '{ print $1, $5, $6 }' "$RS/fields.log" >"$T/got.fields"
	cmp -s "$T/want.fields" "$T/got.fields" || {
		diff "$T/want.fields" "$T/got.fields" | head -n 10 >&2
		fail "event.sequence/outcome/action differ between the file and rsyslog"
	}
	# facility, tag, severity by outcome
	awk '
		$3 != "local5" { print "facility " $3 ": " $0; bad++ }
		$4 != "ecs-e2e" { print "tag " $4 ": " $0; bad++ }
		$5 == "failure" && $2 != "notice" { print "severity: " $0; bad++ }
		$5 != "failure" && $2 != "info" { print "severity: " $0; bad++ }
		{ n[$5]++ }
		END {
			if (!n["success"] || !n["failure"] || !n["unknown"]) { print "outcomes missing"; bad++ }
			exit bad > 0
		}' "$RS/fields.log" >&2 || fail "facility, tag or severity wrong (see above)"
	pass "cee: $n documents parsed by mmjsonparse, same keys, same content, local5, tag $IDENT, info/notice by outcome"
	;;
json)
	rs_config 64k ""
	start_rsyslog
	c=$(conf_syslog d.conf 'syslog_format = json' 'syslog_max_size = 64k')
	run_daemon "$c" "$RAW" "$ENRICHED"
	n=$(nlines "$T/out.json")
	received "$RS/msg.log" "$n"
	# rsyslog's MSG keeps the space after "TAG:"
	sed 's/^ //' "$RS/msg.log" >"$T/msg.json"
	"$ECS_CHECK" -q -e "$n" "$T/msg.json" || fail "the messages are not valid ECS documents, one a line"
	cmp -s "$T/out.json" "$T/msg.json" || {
		cmp "$T/out.json" "$T/msg.json" >&2 || true
		fail "the messages are not exactly the file output's lines"
	}
	received "$RS/parsed.json" "$n"
	[[ ! -s $RS/unparsed.log ]] || fail "mmjsonparse could not parse a message"
	pass "json: $n messages, each exactly the document, valid JSON after rsyslog"
	;;
summary)
	rs_config 64k
	start_rsyslog
	"$HOSTILE_GEN" -s 1 "$RAW" >"$T/hostile.txt" || fail "hostile-gen failed"
	c=$(conf_syslog d.conf 'syslog_format = summary')
	run_daemon "$c" "$T/hostile.txt"
	n=$(nlines "$T/out.json")
	received "$RS/msg.log" "$n"
	ctl=$(LC_ALL=C tr -d -c '\000-\011\013-\037\177' <"$RS/msg.log" | wc -c)
	((ctl == 0)) || fail "$ctl control bytes in the received summaries"
	iconv -f UTF-8 -t UTF-8 "$RS/msg.log" >/dev/null || fail "the received summaries are not valid UTF-8"
	grep -q -a $'\xc2[\x80-\x9f]' "$RS/msg.log" && fail "C1 control characters in the summaries"
	# the text is the document's message where that holds no escape
	sed -n 's/^{"@timestamp":"[^"]*","message":"\([^"\\]*\)",.*/\1/p; t; s/.*/-/p' "$T/out.json" >"$T/want.msg"
	sed 's/^ //' "$RS/msg.log" >"$T/got.msg"
	awk 'NR == FNR { w[FNR] = $0; next }
	     w[FNR] != "-" { if (w[FNR] == $0) same++; else if (length($0) < 8000 || substr($0, length($0) - 2) != "...") { bad++; print "line " FNR ": " substr(w[FNR], 1, 200) " | " substr($0, 1, 200) } }
	     END { print same " same" > "/dev/stderr"; exit bad > 0 }' "$T/want.msg" "$T/got.msg" ||
		fail "summaries differ from the documents' message"
	# no message in the documents: the fallback text
	rm -f "$T/out.json"
	records 29317 >"$T/one.txt"
	c2=$(conf_syslog d2.conf 'syslog_format = summary' 'message = no')
	run_daemon "$c2" "$T/one.txt"
	received "$RS/msg.log" $((n + 1))
	tail -n 1 "$RS/msg.log" | grep -q '^ *audit event 29317: executed, succeeded' ||
		fail "fallback summary: '$(tail -n 1 "$RS/msg.log")'"
	pass "summary: $n one-line messages, no control byte, valid UTF-8; fallback without message"
	;;
truncate)
	rs_config 64k
	start_rsyslog
	# an event whose message (two 900-byte paths) is longer than the limit
	long=$(printf 'x%.0s' $(seq 1 900))
	sed "s#\"/usr/sbin/auditctl\"#\"/usr/sbin/$long\"#g" "$T/template.txt" >"$T/long.txt"
	grep -q xxxx "$T/long.txt" || fail "test input: no long path"
	# long paths (auditd's hex) of "é", U+0001, '"', U+1F600, '\', 'x' (17
	# bytes in JSON) after 0..16 a's: the cut falls on every position of
	# a two-byte, a four-byte character and of three kinds of escapes
	for k in $(seq 0 16); do
		hex=$({
			printf '/tmp/a%s' "$(printf "%${k}s" '' | tr ' ' a)"
			for i in $(seq 1 120); do printf '\xc3\xa9\x01"\xf0\x9f\x98\x80\\x'; done
		} | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F)
		sed "s#\"/usr/sbin/auditctl\"#$hex#g" "$T/template.txt" | fresh_events $((960000 + k)) 1
	done >"$T/long2.txt"
	# and the hostile stream: messages with escapes and multi-byte characters
	# to cut, 3 MiB documents
	"$HOSTILE_GEN" -s 3 "$RAW" >"$T/hostile.txt" || fail "hostile-gen failed"
	c=$(conf_syslog d.conf 'syslog_format = json' 'syslog_max_size = 1024')
	run_daemon "$c" "$RAW" "$T/long.txt" "$T/long2.txt" "$T/hostile.txt"
	n=$(nlines "$T/out.json")
	received "$RS/raw.log" "$n"
	received "$RS/msg.log" "$n"
	sed 's/^ //' "$RS/msg.log" >"$T/msg.json"
	docs_out "$T/out.json" >"$T/want.keys" || fail "invalid documents in the file output"
	docs_out "$T/msg.json" >"$T/got.keys" || fail "invalid documents received"
	same_keys "shortened documents" "$T/want.keys" "$T/got.keys"
	fields_of "$T/out.json" >"$T/want.fields"
	fields_of "$T/msg.json" >"$T/got.fields"
	cmp -s "$T/want.fields" "$T/got.fields" || fail "event.sequence/outcome/action changed by shortening"
	# line by line: whole and small enough, or shortened, necessarily, with
	# its original size; no datagram above 1024 bytes
	awk -v rawf="$RS/raw.log" -v msgf="$T/msg.json" -v out="$T/short.txt" '
		{
			getline raw <rawf; getline msg <msgf
			hdr = length(raw) - length(msg)
			if (length(raw) > 1024) { bad++; print "line " NR ": datagram of " length(raw) " bytes" }
			if (msg == $0) whole++
			else if (index(msg, ",\"auditd\":{\"truncated\":true,\"original_size\":" length($0) "}}") &&
				 hdr + length($0) > 1024 && index(msg, "\"ecs\":{\"version\":\"8.11.0\"}") &&
				 substr(msg, 1, 40) == substr($0, 1, 40)) {
				short++
				if (index(msg, "xxxx...\",\"event\":")) cut++
			} else { bad++; print "line " NR ": " substr(msg, 1, 300) }
		}
		END { print whole, short, cut > out; exit bad > 0 }' "$T/out.json" >&2 ||
		fail "a datagram is too large or a document was changed otherwise than shortened"
	read -r whole short cut <"$T/short.txt"
	((short > 100 && whole > 10)) || fail "$short shortened, $whole whole: expected many of each"
	((cut == 1)) || fail "the long message was not cut with '...'"
	cut2=$(grep -c 'executed /tmp/a.*\.\.\.","event":{' "$T/msg.json")
	((cut2 == 17)) || fail "$cut2 of the 17 messages with escapes and multi-byte characters were cut"
	(($(grep -c 'sent shortened' "$T/stderr") == 4)) ||
		fail "the shortening should be logged once per run: $(grep 'shortened' "$T/stderr")"
	counted=$(awk '/output syslog: closed: / { for (i = 1; i < NF; i++) if ($(i + 1) == "shortened,") s += $i } END { print s + 0 }' "$T/stderr")
	((counted == short)) || fail "$counted shortened documents counted, $short received"
	pass "truncate: $whole whole, $short shortened to valid documents of at most 1024 bytes (auditd.truncated, original_size)"
	;;
fault)
	rs_config 64k
	start_rsyslog
	c=$(conf_syslog d.conf 'syslog_format = cee')
	gen 900001 300 >"$T/b1.txt"
	gen 900301 4000 >"$T/b2.txt"
	gen 904301 300 >"$T/b3.txt"
	start_daemon_i -c "$c" -o syslog -o "file:$T/out.json"
	cat "$T/b1.txt" >&3
	received "$RS/parsed.json" 300
	kill -KILL "$RSPID"
	wait "$RSPID" 2>/dev/null || true
	RSPID=
	# rsyslogd is gone (its socket file stays, refusing): 4000 documents,
	# more than the 4 MiB the output holds
	cat "$T/b2.txt" >&3
	wait_lines "$T/out.json" 4300 10000 || fail "the file output got $(nlines "$T/out.json") of 4300 documents while rsyslogd was down"
	alive || fail "the daemon died with rsyslogd"
	wait_grep "$T/stderr" 'output syslog: .*documents are held' 2000 || fail "the failure is not logged"
	kill -USR1 "$DPID"
	wait_grep "$T/stderr" 'status: ' 2000 || fail "no status line after SIGUSR1"
	dropped=$(last_counter output_dropped)
	errors=$(last_counter output_errors)
	((dropped > 0 && errors > 0)) || fail "nothing counted while rsyslogd was down: output_errors=$errors output_dropped=$dropped"
	start_rsyslog
	sleep 0.3 # past the reconnection interval
	# one event: the daemon reconnects and sends what it held, in order,
	# then that event (while the input is idle); then the others
	head -n 8 "$T/b3.txt" >&3
	wait_grep "$RS/fields.log" '^904301 ' 20000 || fail "nothing arrives after the restart"
	tail -n +9 "$T/b3.txt" >&3
	wait_grep "$RS/fields.log" '^904600 ' 20000 || fail "documents after the restart did not arrive"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	cat "$T/b1.txt" "$T/b2.txt" "$T/b3.txt" | events_in >"$T/want.keys"
	docs_out "$T/out.json" >"$T/file.keys" || fail "invalid documents in the file output"
	same_keys "file output next to a failing syslog" "$T/want.keys" "$T/file.keys"
	docs_out "$RS/parsed.json" >"$T/got.keys" || fail "invalid documents received"
	b3=$(events_in "$T/b3.txt" | comm -12 - "$T/got.keys" | wc -l)
	((b3 == 300)) || fail "$b3 of 300 documents sent after the restart arrived"
	got=$(wc -l <"$T/got.keys")
	dropped=$(grep -a 'stopped: ' "$T/stderr" | grep -o 'output_dropped=[0-9]*' | cut -d= -f2)
	(($(grep -c 'output syslog: .*documents are held' "$T/stderr") == 1)) ||
		fail "the failure should be logged once: $(grep -c 'documents are held' "$T/stderr") times"
	grep -q 'output syslog: .*sending again' "$T/stderr" || fail "the recovery is not logged"
	((got + dropped == 4600)) || fail "received $got + dropped $dropped != 4600 sent"
	pass "fault: rsyslogd killed and restarted: file output complete, $dropped dropped and counted, $got received, logged once"
	;;
stuck)
	rs_config 64k
	start_rsyslog
	c=$(conf_syslog d.conf 'syslog_format = cee')
	gen 910001 100 >"$T/b1.txt"
	gen 910101 4000 >"$T/b2.txt"
	gen 914101 100 >"$T/b3.txt"
	start_daemon_i -c "$c" -o syslog -o "file:$T/out.json"
	cat "$T/b1.txt" >&3
	received "$RS/parsed.json" 100
	kill -STOP "$RSPID"
	t0=$(now_us)
	cat "$T/b2.txt" >&3
	wait_lines "$T/out.json" 4100 10000 || fail "the daemon blocked: the file output got $(nlines "$T/out.json") of 4100 documents"
	t1=$(now_us)
	note "4000 documents written with rsyslogd stopped in $(((t1 - t0) / 1000)) ms"
	alive || fail "the daemon died"
	wait_grep "$T/stderr" 'output syslog: .*documents are held' 3000 || fail "the failure is not logged"
	kill -CONT "$RSPID"
	sleep 0.3 # rsyslogd reads what its socket holds
	head -n 8 "$T/b3.txt" >&3
	wait_grep "$RS/fields.log" '^914101 ' 20000 || fail "nothing arrives after SIGCONT"
	tail -n +9 "$T/b3.txt" >&3
	wait_grep "$RS/fields.log" '^914200 ' 20000 || fail "the last documents did not arrive after SIGCONT"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	cat "$T/b1.txt" "$T/b2.txt" "$T/b3.txt" | events_in >"$T/want.keys"
	docs_out "$T/out.json" >"$T/file.keys" || fail "invalid documents in the file output"
	same_keys "file output next to a stuck syslog" "$T/want.keys" "$T/file.keys"
	received "$RS/parsed.json" "$(nlines "$RS/parsed.json")"
	got=$(nlines "$RS/parsed.json")
	dropped=$(grep -a 'stopped: ' "$T/stderr" | grep -o 'output_dropped=[0-9]*' | cut -d= -f2)
	((dropped > 0)) || fail "no drops counted"
	((got + dropped == 4200)) || fail "received $got + dropped $dropped != 4200 sent"
	grep -q 'output syslog: .*sending again' "$T/stderr" || fail "the recovery is not logged"
	pass "stuck: rsyslogd stopped: no blocking, file output complete, $dropped dropped and counted, recovered"
	;;
stream)
	rs_config 64k "" stream
	start_rsyslog
	c=$(conf_syslog d.conf 'syslog_format = json' 'syslog_max_size = 64k')
	gen 940001 200 >"$T/b1.txt"
	gen 940201 200 >"$T/b2.txt"
	start_daemon_i -c "$c" -o syslog -o "file:$T/out.json"
	cat "$T/b1.txt" >&3
	received "$RS/msg.log" 200
	# a restart closes the connection: the daemon connects again
	stop_rsyslog
	start_rsyslog
	cat "$T/b2.txt" >&3
	received "$RS/msg.log" 400
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	sed 's/^ //' "$RS/msg.log" >"$T/msg.json"
	cmp -s "$T/out.json" "$T/msg.json" || fail "the messages are not exactly the file output's lines"
	grep -q 'output_dropped=0' <(grep 'stopped: ' "$T/stderr") || fail "documents dropped: $(grep 'stopped: ' "$T/stderr")"
	pass "stream: a SOCK_STREAM socket (imptcp, NUL-terminated), reconnected after a restart, nothing lost"
	;;
late-start)
	rs_config 64k
	c=$(conf_syslog d.conf 'syslog_format = cee')
	gen 920001 100 >"$T/b1.txt"
	gen 920101 1 >"$T/b2.txt"
	start_daemon_i -c "$c" -o syslog -o "file:$T/out.json"
	cat "$T/b1.txt" >&3
	wait_lines "$T/out.json" 100 5000 || fail "the file output got $(nlines "$T/out.json") of 100"
	alive || fail "the daemon died without a syslog socket"
	start_rsyslog
	# no new input: the daemon's retry every second sends what it held
	received "$RS/parsed.json" 100
	cat "$T/b2.txt" >&3
	received "$RS/parsed.json" 101
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	grep -q 'output_dropped=0' <(grep 'stopped: ' "$T/stderr") || fail "documents dropped: $(grep 'stopped: ' "$T/stderr")"
	pass "late-start: documents held until rsyslogd came up, sent without new input, none lost"
	;;
no-socket)
	# no syslog daemon at all: the daemon runs, the file output is complete,
	# and what was held is counted as dropped at exit
	c=$(conf_syslog d.conf 'syslog_format = cee')
	gen 925001 100 >"$T/b1.txt"
	start_daemon_i -c "$c" -o syslog -o "file:$T/out.json"
	cat "$T/b1.txt" >&3
	wait_lines "$T/out.json" 100 5000 || fail "the file output got $(nlines "$T/out.json") of 100"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	grep 'stopped: ' "$T/stderr" | grep -q 'output_dropped=100 .* syslog.errors=100' ||
		fail "held documents not counted at exit: $(grep 'stopped: ' "$T/stderr")"
	grep -q 'output syslog: closed: 0 documents sent, 0 shortened, 100 dropped' "$T/stderr" ||
		fail "no closing line: $(cat "$T/stderr")"
	pass "no-socket: the daemon runs without syslog; 100 held documents counted as dropped at exit"
	;;
reload)
	# SIGHUP keeps the output and what it holds, and applies new settings
	rs_config 64k
	start_rsyslog
	c=$T/d.conf
	conf_syslog d.conf 'syslog_format = cee' >/dev/null
	gen 926001 100 >"$T/b1.txt"
	gen 926101 100 >"$T/b2.txt"
	start_daemon_i -c "$c" -o syslog -o "file:$T/out.json"
	kill -STOP "$RSPID"
	cat "$T/b1.txt" >&3
	wait_lines "$T/out.json" 100 5000 || fail "the file output got $(nlines "$T/out.json") of 100"
	conf d.conf "syslog_ident = $IDENT" 'syslog_facility = local6' 'syslog_priority = warning' \
		'syslog_format = cee' >/dev/null
	kill -HUP "$DPID"
	wait_grep "$T/stderr" 'reloaded' 3000 || fail "no reload message: $(cat "$T/stderr")"
	kill -CONT "$RSPID"
	cat "$T/b2.txt" >&3
	received "$RS/fields.log" 200
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	grep -q 'output_dropped=0' <(grep 'stopped: ' "$T/stderr") || fail "documents dropped: $(grep 'stopped: ' "$T/stderr")"
	# held documents as they were sent; the new ones with the new settings
	old=$(awk '$1 < 926101 && $3 == "local5" && ($2 == ($5 == "failure" ? "notice" : "info"))' "$RS/fields.log" | wc -l)
	new=$(awk '$1 >= 926101 && $3 == "local6" && ($2 == ($5 == "failure" ? "err" : "warning"))' "$RS/fields.log" | wc -l)
	((old == 100 && new == 100)) || fail "settings: $old of 100 held with the old ones, $new of 100 with the new ones"
	pass "reload: held documents kept across SIGHUP, new facility and priority applied"
	;;
flood)
	rs_config 64k
	start_rsyslog
	gen 930001 20000 >"$T/flood.txt"
	c=$(conf_syslog d.conf 'syslog_format = cee')
	t0=$(now_us)
	timeout 120 "$AUDISP_ECS" -c "$c" -i "$T/flood.txt" -o syslog 2>"$T/stderr" ||
		fail "the daemon failed: $(tail -n 3 "$T/stderr")"
	t1=$(now_us)
	sent=$(grep -o 'closed: [0-9]* documents sent' "$T/stderr" | grep -o '[0-9]*')
	dropped=$(grep -a 'stopped: ' "$T/stderr" | grep -o 'output_dropped=[0-9]*' | cut -d= -f2)
	received "$RS/parsed.json" "$sent"
	t2=$(now_us)
	((sent + dropped == 20000)) || fail "sent $sent + dropped $dropped != 20000"
	note "20000 events: $sent received by rsyslogd, $dropped dropped (counted); daemon $(((t1 - t0) / 1000)) ms, rsyslogd done after $(((t2 - t0) / 1000)) ms"
	pass "flood: every document received or counted as dropped ($((sent * 1000000 / (t1 - t0))) documents/s into rsyslogd)"
	;;
inject)
	# audit data holding newlines, CR, NUL, control bytes, "PRIORITY=0",
	# "MESSAGE_ID=...", forged JSON (inject-lib.sh): json, then summary;
	# each event is one message, from our tag, facility and severity only
	. "$(dirname "$0")/inject-lib.sh"
	inject_input "$T/in.txt"
	rs_config 64k ""
	start_rsyslog
	c=$(conf_syslog j.conf 'syslog_format = json' 'syslog_max_size = 64k')
	run_daemon "$c" "$T/in.txt"
	n=$(nlines "$T/out.json")
	((n == INJECT_EVENTS)) || fail "$n documents for $INJECT_EVENTS events"
	received "$RS/msg.log" "$n"
	sed 's/^ //' "$RS/msg.log" >"$T/msg.json"
	"$ECS_CHECK" -q -e "$n" "$T/msg.json" || fail "json: the messages are not $n valid documents"
	cmp -s "$T/out.json" "$T/msg.json" || fail "json: the messages are not exactly the documents"
	c=$(conf_syslog s.conf 'syslog_format = summary')
	run_daemon "$c" "$T/in.txt"
	received "$RS/msg.log" $((2 * n))
	tail -n "$n" "$RS/msg.log" >"$T/summary.txt"
	ctl=$(tr -d -c '\000-\011\013-\037\177' <"$T/summary.txt" | wc -c)
	((ctl == 0)) || fail "summary: $ctl control bytes in the messages"
	(($(matching "$T/summary.txt" ' At ') == n)) || fail "summary: not one summary a message"
	# every message has our tag, facility and severity, and nothing else
	# arrived from the daemon (no forged program name or priority)
	received "$RS/fields.log" "$n"
	awk '$3 != "local5" || $4 != "ecs-e2e" || ($2 != "info" && $2 != "notice") { print; bad++ }
		END { exit bad > 0 }' "$RS/fields.log" >&2 || fail "a message with another facility, tag or severity (above)"
	received "$RS/raw.log" $((2 * n))
	grep -a -v -E '^<17[34]>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} ecs-e2e\[[0-9]+\]: ' "$RS/raw.log" |
		head -n 3 >"$T/badpri.txt" || true
	[[ ! -s $T/badpri.txt ]] || fail "a datagram with another priority or header: $(cat "$T/badpri.txt")"
	! grep -a -q -E 'forged|PRIORITY' "$RS/other.log" || fail "audit data reached rsyslog as a message of its own"
	pass "inject: $n events, one message each (json exact, summary clean), tag/facility/severity never forged"
	;;
*)
	fail "unknown mode $mode"
	;;
esac
