# Audit records that try to inject fields or lines into the outputs (sourced
# by inject.sh, syslog.sh and journal.sh; needs lib.sh's records/fresh_events).
#
# inject_input FILE: writes the records to FILE and sets INJECT_EVENTS to the
# number of events in it. Values hold newlines, CR, "\n" as text, NUL, '"',
# '\', '}', "MESSAGE_ID=...", "PRIORITY=0", "SYSLOG_IDENTIFIER=...",
# "_PID=1", control bytes and invalid UTF-8; keys are very long or hold '"',
# '}', '.', or are journal field names themselves. They come in the text of
# user-space messages (msg='...'), raw in the line, and hex-encoded as the
# kernel writes names it does not trust (proctitle, execve arguments, path
# names, cwd), which decode to the same bytes.

# the forged journal fields and syslog text everything below tries to pass
INJECT_MSGID=0123456789abcdef0123456789abcdef
INJECT_EVIL=$'evil\nPRIORITY=0\nMESSAGE_ID='$INJECT_MSGID$'\r\n_PID=1\nSYSLOG_IDENTIFIER=forged\n"}\\{"x":"y'

inject_hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F; }

inject_input() {
	local out=$1 long i
	long=$(printf 'K%.0s' $(seq 1 300))
	{
		# user-space messages: the text as the sender wrote it
		printf "type=USER_CMD msg=audit(1800000100.001:990001): pid=1 uid=0 auid=1000 ses=1 msg='cwd=\"/root\" cmd=%s exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'\n" \
			"$(inject_hex "$INJECT_EVIL")"
		printf "type=USER_AUTH msg=audit(1800000100.002:990002): pid=1 uid=0 auid=1000 ses=1 msg='op=PAM:authentication grantors=pam_unix acct=\"a\\\\nPRIORITY=0 \\\\\"}{\" exe=\"/bin/x\\\\r\\\\nMESSAGE_ID=%s\" hostname=h addr=? terminal=\\\\n res=failed'\n" \
			"$INJECT_MSGID"
		# raw control bytes, CR, NUL, DEL, invalid UTF-8 in the line itself
		printf "type=USER_LOGIN msg=audit(1800000100.003:990003): pid=1 uid=0 auid=1000 ses=1 msg='op=login acct=\"x\x01\x1b[2J\rPRIORITY=0\x7f\xff\xfe\" exe=\"/bin/login\x00MESSAGE_ID=%s\" hostname=? addr=? terminal=tty1 res=success'\n" \
			"$INJECT_MSGID"
		# keys: long, odd characters, journal field names
		printf "type=USER_ACCT msg=audit(1800000100.004:990004): pid=1 uid=0 auid=1000 ses=1 msg='op=PAM:accounting %s=1 a\"b=2 c}d=3 e=f=g x.y=4 MESSAGE_ID=%s PRIORITY=0 SYSLOG_IDENTIFIER=forged _PID=1 __CURSOR=x message=\"}\" acct=\"root\" exe=\"/bin/su\" hostname=? addr=? terminal=pts/1 res=success'\n" \
			"$long" "$INJECT_MSGID"
		# a kernel event: hex-encoded argument, path, cwd and proctitle
		records 29317 | fresh_events 990005 1 | awk \
			-v a1="$(inject_hex "$INJECT_EVIL")" \
			-v name="$(inject_hex "/tmp/$INJECT_EVIL")" \
			-v cwd="$(inject_hex $'/tmp\nPRIORITY=0')" \
			-v pt="$(printf 'ls\0-l\nPRIORITY=0\0MESSAGE_ID=%s' "$INJECT_MSGID" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F)" \
			-v long="$long" '
			/^type=SYSCALL/ { sub(/ key=/, " " long "=1 MESSAGE_ID=x PRIORITY=0 key=") }
			/^type=EXECVE/ { sub(/ a1="-a"/, " a1=" a1) }
			/^type=CWD/ { sub(/cwd="[^"]*"/, "cwd=" cwd) }
			/^type=PATH/ && / item=0 / { sub(/name="[^"]*"/, "name=" name) }
			/^type=PROCTITLE/ { sub(/proctitle=[0-9A-F]*/, "proctitle=" pt) }
			{ print }'
	} >"$out"
	INJECT_EVENTS=$("$AUDIT_EVENTS" "$out" | wc -l)
	((INJECT_EVENTS == 5)) || fail "inject_input: $INJECT_EVENTS events, expected 5"
}
