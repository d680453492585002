#!/bin/bash
# The journal output, against a real systemd-journald of the test's own.
#
# Every test runs in a private mount namespace (unshare -m; root): a tmpfs
# over /run, so journald's sockets (/run/systemd/journal/socket, stdout,
# dev-log) and its volatile storage (/run/log/journal) exist for this test
# only; a tmpfs over /etc/systemd with our journald.conf (Storage=volatile,
# no kernel log, no forwarding, no rate limit); /dev/null over /dev/kmsg.
# journald runs without CAP_AUDIT_CONTROL and CAP_AUDIT_READ in its bounding
# set (setpriv), so it can neither switch kernel auditing on or off nor read
# the audit multicast. A journald already running on the machine is not
# disturbed, nor seen: nothing outside the namespace is touched, and all of
# it goes away with the test's processes.
#
#   entries       capture1-enriched.txt through -o journal -o file: one entry
#                 per document: ECS_JSON is the file's line, every field is
#                 the flattening of the document (checked by an independent
#                 flattener in perl), valid names, PRIORITY, MESSAGE (the
#                 summary), MESSAGE_ID (SHA-256 of the kind, as listed in
#                 README.md), and journalctl field matches find the
#                 same number of events per action as the file has
#   message-json  journal_message = json: MESSAGE is the document
#   message-none  message = no: MESSAGE is "<event.action> <outcome>"
#   limits        an event with 600 arguments, more fields than an entry
#                 takes (ECS_FIELDS_DROPPED, exactly what the budget leaves
#                 out), a 90-character key (cut name), values with newlines,
#                 "FIELD=" text, control and invalid bytes (no injection,
#                 binary-safe)
#   hostile       hostile-gen streams: every document is an entry, whole
#   restart       journald stopped mid-stream (stale socket: ECONNREFUSED),
#                 its socket removed (ENOENT), started again: the daemon goes
#                 on, the file output is complete, the documents sent while
#                 journald was down are counted as dropped (exactly), logged
#                 once, "recovered" once, and later documents reach the journal
#   stall         journald frozen (SIGSTOP): the daemon does not block (the
#                 file output gets 300 documents within ~1 s), every one is in
#                 the journal or counted as dropped, and after SIGCONT new
#                 documents reach it again
#   throughput    events per second into journald (reported)
#   inject        audit data built to inject (inject-lib.sh: newlines, CR,
#                 NUL, "PRIORITY=0", "MESSAGE_ID=", "_PID=", forged JSON,
#                 long and odd keys): one entry per event, each field the
#                 independent flattening of its document, field names only
#                 ECS_* and ours, one PRIORITY (5 or 6), one MESSAGE_ID (the
#                 kind's), one SYSLOG_IDENTIFIER; nothing findable by the
#                 forged values
JOURNALD=${JOURNALD:-/lib/systemd/systemd-journald}

if [[ ${E2E_JOURNAL_NS:-} != 1 ]]; then
	why=
	if ((EUID != 0)); then
		why="needs root (a private mount namespace and a journald of its own)"
	elif [[ ! -x $JOURNALD ]]; then
		why="$JOURNALD not found (Debian package systemd)"
	elif ! command -v journalctl >/dev/null || ! command -v setpriv >/dev/null ||
		! command -v unshare >/dev/null; then
		why="journalctl, setpriv and unshare are needed (systemd, util-linux)"
	elif ! perl -MJSON::PP -MDigest::SHA -e 1 2>/dev/null; then
		why="perl with JSON::PP and Digest::SHA is needed (Debian package perl)"
	elif [[ ! -s /etc/machine-id ]]; then
		why="no /etc/machine-id: journald cannot run"
	elif ! unshare --mount --propagation private true 2>/dev/null; then
		why="cannot create a mount namespace here (unshare -m refused)"
	fi
	if [[ -n $why ]]; then
		echo "SKIP: $why"
		exit 77
	fi
	E2E_JOURNAL_NS=1 exec unshare --mount --propagation private "$BASH" "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"
: "${SOURCE_DIR:?}"
SOCK=/run/systemd/journal/socket

# --- the private journald ---------------------------------------------------

mount -t tmpfs -o mode=0755,size=1g audisp-ecs-e2e /run
mkdir -p /etc/systemd
mount -t tmpfs -o mode=0755 audisp-ecs-e2e /etc/systemd
cat >/etc/systemd/journald.conf <<'EOF'
[Journal]
Storage=volatile
RuntimeMaxUse=768M
RuntimeMaxFileSize=128M
ReadKMsg=no
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
RateLimitIntervalSec=0
RateLimitBurst=0
EOF
if [[ -e /dev/kmsg ]]; then
	mount --bind /dev/null /dev/kmsg
fi
if pgrep -x systemd-journal >/dev/null 2>&1; then
	note "a journald runs on this machine: left alone (this test has its own, in a private /run)"
fi

start_journald() {
	local start
	rm -f "$SOCK"
	SYSTEMD_LOG_TARGET=console setpriv --bounding-set -audit_control,-audit_read -- \
		"$JOURNALD" </dev/null >>"$T/journald.log" 2>&1 3>&- &
	JPID=$!
	BG_PIDS+=("$JPID")
	start=$(now_us)
	until [[ -S $SOCK ]]; do
		kill -0 "$JPID" 2>/dev/null || { cat "$T/journald.log" >&2; fail "journald did not start"; }
		(($(now_us) - start < 10000000)) || fail "journald: no $SOCK after 10 s"
		sleep 0.02
	done
	# it must not be able to change the kernel's audit state
	local bnd
	bnd=$(awk '/^CapBnd:/ { print $2 }' "/proc/$JPID/status")
	(((0x$bnd >> 30 & 1) == 0 && (0x$bnd >> 37 & 1) == 0)) ||
		fail "journald runs with CAP_AUDIT_CONTROL or CAP_AUDIT_READ (CapBnd $bnd)"
}

stop_journald() {
	kill -TERM "$JPID"
	wait_exit "$JPID" 10000
}

jctl() { journalctl --directory=/run/log/journal --no-pager -q "$@"; }
# every entry journald has received is in the files
jsync() { journalctl --sync || fail "journalctl --sync failed"; }
# our entries only (not the daemon's own syslog messages, should /dev/log reach this journald)
entries() { jctl SYSLOG_IDENTIFIER=audisp-ecs _TRANSPORT=journal "$@"; }
n_entries() { entries "$@" -o cat --output-fields=ECS_EVENT_SEQUENCE | wc -l; }

# --- the independent checker ------------------------------------------------

# check_export MODE JSONOUT KINDSOUT < `journalctl -o export`: checks each
# entry against its own ECS_JSON, flattened here by other code than the
# daemon's (MODE: summary, json or none, what MESSAGE must be); writes the
# ECS_JSON values (one a line) to JSONOUT and "kind id" pairs to KINDSOUT.
cat >"$T/check.pl" <<'EOF'
use strict;
use warnings;
use JSON::PP;
use Digest::SHA qw(sha256_hex);

my ($mode, $jsonout, $kindsout) = @ARGV;
my $json = JSON::PP->new->utf8->allow_bignum;
binmode STDIN;
my $in = do { local $/; <STDIN> };

# the export format: NAME=value lines, or NAME, a 64-bit length, the bytes
my (@entries, @cur);
my $pos = 0;
while ($pos < length $in) {
	my $nl = index($in, "\n", $pos);
	die "export: truncated\n" if $nl < 0;
	if ($nl == $pos) {
		push @entries, [@cur] if @cur;
		@cur = ();
		$pos++;
		next;
	}
	my $line = substr($in, $pos, $nl - $pos);
	my $eq = index($line, '=');
	if ($eq >= 0) {
		push @cur, [substr($line, 0, $eq), substr($line, $eq + 1)];
		$pos = $nl + 1;
	} else {
		my $n = unpack('Q<', substr($in, $nl + 1, 8));
		push @cur, [$line, substr($in, $nl + 9, $n)];
		die "export: bad binary field $line\n" if substr($in, $nl + 9 + $n, 1) ne "\n";
		$pos = $nl + 9 + $n + 1;
	}
}
push @entries, [@cur] if @cur;

sub fnv32 {
	my $h = 2166136261;
	for my $c (unpack('C*', $_[0])) {
		$h = (($h ^ $c) * 16777619) & 0xffffffff;
	}
	return $h;
}

sub name_of {
	my ($path) = @_;    # the keys, as UTF-8 bytes
	my $n = join('_', 'ECS', map { my $k = $_; $k =~ s/[^A-Za-z0-9]/_/g; uc $k } @$path);
	$n =~ s/_+/_/g;
	if (length $n > 64) {
		my $keep = substr($n, 54, 1) eq '_' ? 54 : 55;
		$n = substr($n, 0, $keep) . sprintf('_%08X', fnv32($n));
	}
	return $n;
}

# the same in the document's order, from its text (JSON::PP forgets the order
# of keys): what the cap keeps depends on it
sub str_end {
	my ($t, $p) = @_;    # $p: after the opening quote
	while (1) {
		my $q = index($t, '"', $p);
		die "unterminated string\n" if $q < 0;
		my $b = 0;
		$b++ while substr($t, $q - 1 - $b, 1) eq '\\';
		return $q if $b % 2 == 0;
		$p = $q + 1;
	}
}

sub ordered {
	my ($t) = @_;
	my @out;
	my $p = 0;
	my $ws = sub { $p++ while substr($t, $p, 1) =~ /^[ \t\r\n]$/ };
	my $str = sub {
		my $q = str_end($t, $p + 1);
		my $s = $json->decode(substr($t, $p, $q - $p + 1));
		utf8::encode($s);
		$p = $q + 1;
		return $s;
	};
	my $val;
	$val = sub {
		my ($path) = @_;
		$ws->();
		my $c = substr($t, $p, 1);
		if ($c eq '{' || $c eq '[') {
			my $close = $c eq '{' ? '}' : ']';
			$p++;
			$ws->();
			if (substr($t, $p, 1) eq $close) {
				$p++;
				return;
			}
			while (1) {
				if ($c eq '{') {
					$ws->();
					my $k = $str->();
					$ws->();
					die "no ':' at $p\n" if substr($t, $p++, 1) ne ':';
					$val->([@$path, $k]);
				} else {
					$val->($path);
				}
				$ws->();
				my $d = substr($t, $p++, 1);
				return if $d eq $close;
				die "no ',' at $p\n" if $d ne ',';
			}
		} elsif ($c eq '"') {
			push @out, name_of($path) . '=' . $str->();
		} elsif ((pos($t) = $p) >= 0
			&& $t =~ /\G(true|false|null|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)/gc) {
			$p += length $1;
			push @out, name_of($path) . "=$1" if $1 ne 'null';
		} else {
			die "unexpected '$c' at $p\n";
		}
	};
	$val->([]);
	return @out;
}

sub flatten {
	my ($path, $v, $out) = @_;
	if (ref $v eq 'HASH') {
		for my $k (keys %$v) {
			my $kb = $k;
			utf8::encode($kb);
			flatten([@$path, $kb], $v->{$k}, $out);
		}
	} elsif (ref $v eq 'ARRAY') {
		flatten($path, $_, $out) for @$v;
	} elsif (!defined $v) {
	} elsif (JSON::PP::is_bool($v)) {
		push @$out, name_of($path) . '=' . ($v ? 'true' : 'false');
	} else {
		my $s = "$v";
		utf8::encode($s);
		push @$out, name_of($path) . "=$s";
	}
}

my (@problems, %kinds);
my ($capped, $n) = (0, 0);
open(my $jo, '>', $jsonout) or die "$jsonout: $!\n";
binmode $jo;
for my $e (@entries) {
	$n++;
	my (%one, @ecs, %count);
	my $where = "entry $n";
	for my $f (@$e) {
		my ($k, $v) = @$f;
		next if $k =~ /^_/;    # journald's own
		$count{$k}++;
		push @problems, "$where: invalid field name '$k'"
		  unless $k =~ /^[A-Z][A-Z0-9_]{0,63}$/ && $k !~ /^AUDIT_FIELD_/;
		if ($k =~ /^ECS_/ && $k ne 'ECS_JSON' && $k ne 'ECS_FIELDS_DROPPED') {
			push @ecs, "$k=$v";
		} elsif ($k !~ /^(SYSLOG_IDENTIFIER|MESSAGE|PRIORITY|MESSAGE_ID|ECS_JSON|ECS_FIELDS_DROPPED)$/)
		{
			push @problems, "$where: unexpected field $k";
		} else {
			$one{$k} = $v;
		}
	}
	for my $k (qw(SYSLOG_IDENTIFIER MESSAGE PRIORITY MESSAGE_ID ECS_JSON)) {
		push @problems, "$where: $k " . ($count{$k} // 0) . " times"
		  unless ($count{$k} // 0) == 1;
	}
	next unless defined $one{ECS_JSON};
	print $jo $one{ECS_JSON}, "\n";
	my $doc = eval { $json->decode($one{ECS_JSON}) };
	if (!$doc) {
		push @problems, "$where: ECS_JSON is not JSON: $@";
		next;
	}
	my $seq = $doc->{event}{sequence} // '?';
	$where = "entry $n (sequence $seq)";
	my (@want, @all);
	flatten([], $doc, \@want);
	@all = eval { ordered($one{ECS_JSON}) };
	push @problems, "$where: ordered flattening: $@" if $@;
	{	# the two flattenings agree (a check of this checker)
		my %a;
		$a{$_}++ for @all;
		$a{$_}-- for @want;
		push @problems, "$where: the checker's flattenings disagree" if grep { $_ } values %a;
	}
	# what fits: sd_journal_sendv takes 2 iovecs per field, 5 for a value
	# with a newline; 1024 at most, 15 for the fixed fields
	my ($iovs, @sent) = (0);
	for my $f (@all) {
		my $cost = $f =~ /\n/ ? 5 : 2;
		last if $iovs + $cost > 1024 - 15 || @sent == 1024 - 6;
		$iovs += $cost;
		push @sent, $f;
	}
	my $dropped = @all - @sent;
	# journald keeps one copy of a FIELD=value an entry holds twice (two
	# paths with the same mode): compare the sets
	my (%g, %w);
	$g{$_} = 1 for @ecs;
	$w{$_} = 1 for @sent;
	my @got = sort keys %g;
	my @more = grep { !$w{$_} } @got;
	my @miss = grep { !$g{$_} } sort keys %w;
	if ($dropped) {
		$capped++;
		my $d = $one{ECS_FIELDS_DROPPED} // 'none';
		push @problems, "$where: ECS_FIELDS_DROPPED=$d, expected $dropped" if $d ne $dropped;
	}
	{
		if (@miss || @more) {
			push @problems, "$where: fields differ from the document; missing: "
			  . join(' | ', map { substr($_, 0, 120) } @miss[0 .. ($#miss < 4 ? $#miss : 4)])
			  . "; unexpected: "
			  . join(' | ', map { substr($_, 0, 120) } @more[0 .. ($#more < 4 ? $#more : 4)]);
		}
		push @problems, "$where: ECS_FIELDS_DROPPED without a reason"
		  if defined $one{ECS_FIELDS_DROPPED} && !$dropped;
	}
	my $outcome = $doc->{event}{outcome} // 'unknown';
	my $prio = $outcome eq 'failure' ? 5 : 6;
	push @problems, "$where: PRIORITY=$one{PRIORITY}, expected $prio (outcome $outcome)"
	  if $one{PRIORITY} ne $prio;
	my $kind = $doc->{auditd}{event_kind} // 'unknown';
	utf8::encode($kind);
	my $id = substr(sha256_hex("audisp-ecs:MESSAGE_ID:$kind"), 0, 32);
	push @problems, "$where: MESSAGE_ID=$one{MESSAGE_ID}, expected $id (kind $kind)"
	  if $one{MESSAGE_ID} ne $id;
	$kinds{$kind} = $one{MESSAGE_ID};
	my $msg;
	if ($mode eq 'json') {
		$msg = $one{ECS_JSON};
	} elsif ($mode eq 'summary' && defined $doc->{message}) {
		$msg = $doc->{message};
		utf8::encode($msg);
	} else {
		$msg = ($doc->{event}{action} // '') . " $outcome";
		utf8::encode($msg);
	}
	push @problems, "$where: MESSAGE='" . substr($one{MESSAGE}, 0, 100) . "', expected '"
	  . substr($msg, 0, 100) . "'"
	  if $one{MESSAGE} ne $msg;
	push @problems, "$where: SYSLOG_IDENTIFIER=$one{SYSLOG_IDENTIFIER}"
	  if $one{SYSLOG_IDENTIFIER} ne 'audisp-ecs';
}
close $jo;
open(my $ko, '>', $kindsout) or die "$kindsout: $!\n";
print $ko "$_ $kinds{$_}\n" for sort keys %kinds;
close $ko;
print "# $n entries checked, $capped at the field cap\n";
if (@problems) {
	print STDERR "$_\n" for @problems[0 .. ($#problems < 19 ? $#problems : 19)];
	print STDERR scalar(@problems) . " problems\n";
	exit 1;
}
EOF

# check_journal MODE FILE: the journal holds exactly one entry per line of
# FILE (the documents), each checked by check.pl.
check_journal() {
	local mode=$1 file=$2
	jsync
	entries -o export >"$T/export" || fail "journalctl -o export failed"
	perl "$T/check.pl" "$mode" "$T/journal.json" "$T/kinds" <"$T/export" ||
		fail "the journal entries do not match their documents (above)"
	"$ECS_CHECK" -q "$T/journal.json" || fail "an ECS_JSON value is not a valid document"
	sort "$T/journal.json" >"$T/journal.sorted"
	sort "$file" >"$T/file.sorted"
	if ! cmp -s "$T/journal.sorted" "$T/file.sorted"; then
		echo "--- file: $(wc -l <"$file") documents, journal: $(wc -l <"$T/journal.json") entries; only in the file (<) / only in the journal (>):" >&2
		diff "$T/file.sorted" "$T/journal.sorted" | grep '^[<>]' | cut -c1-200 | head -n 10 >&2 || true
		fail "the journal's ECS_JSON values are not exactly the file's documents"
	fi
}

# The documents' event.action values, one a line, from a JSON lines file.
actions_of() {
	perl -MJSON::PP -ne 'BEGIN { $j = JSON::PP->new->utf8->allow_bignum } print $j->decode($_)->{event}{action}, "\n"' "$1"
}

# stat_of NAME FILE: the last value of NAME= in FILE's status lines
stat_of() {
	grep -a -o "[ :]$1=[0-9]*" "$2" | tail -n 1 | cut -d= -f2
}

# a generated exec event (8 records) as the template of the live tests
records 29317 >"$T/template.txt"
gen() { fresh_events "$@" <"$T/template.txt"; }

mode=${1:?mode}
case $mode in
entries | message-json | message-none)
	case $mode in
	entries) c=$(conf j.conf 'message = yes') m=summary ;;
	message-json) c=$(conf j.conf 'journal_message = json') m=json ;;
	message-none) c=$(conf j.conf 'message = no') m=none ;;
	esac
	start_journald
	rc=0
	"$AUDISP_ECS" -c "$c" -i "$ENRICHED" -o journal -o "file:$T/out.json" 2>"$T/stderr" || rc=$?
	((rc == 0)) || { tail -n 5 "$T/stderr" >&2; fail "exit status $rc"; }
	grep -q 'stopped: .* output_errors=0 output_dropped=0' "$T/stderr" ||
		{ tail -n 3 "$T/stderr" >&2; fail "output errors or drops with a healthy journald"; }
	ndocs=$(nlines "$T/out.json")
	((ndocs > 700)) || fail "only $ndocs documents from the capture"
	check_journal "$m" "$T/out.json"
	if [[ $mode == entries ]]; then
		# MESSAGE_ID: the ids listed in README.md
		while read -r kind id; do
			grep -q -F -- "| \`$kind\` | \`$id\` |" "$SOURCE_DIR/README.md" ||
				fail "MESSAGE_ID $id of kind $kind is not the one README.md lists"
		done <"$T/kinds"
		(($(wc -l <"$T/kinds") >= 3)) || fail "fewer than 3 event kinds in the capture"
		# journald's own field matching: as many entries per action as the file has
		actions_of "$T/out.json" | sort | uniq -c >"$T/actions"
		while read -r count action; do
			got=$(n_entries "ECS_EVENT_ACTION=$action")
			((got == count)) || fail "ECS_EVENT_ACTION=$action: $got entries, the file has $count"
		done <"$T/actions"
		want=$(perl -MJSON::PP -ne '$d = decode_json($_); $n++ if $d->{event}{action} eq "executed" && ($d->{user}{name} // "") eq "root"; END { print $n + 0 }' "$T/out.json")
		got=$(n_entries ECS_EVENT_ACTION=executed ECS_USER_NAME=root)
		((want > 0 && got == want)) || fail "ECS_EVENT_ACTION=executed ECS_USER_NAME=root: $got entries, the file has $want"
		fails=$(matching "$T/out.json" '"outcome":"failure"')
		got=$(n_entries PRIORITY=5)
		((fails > 0 && got == fails)) || fail "PRIORITY=5: $got entries, $fails failures in the file"
		got=$(n_entries ECS_PROCESS_ARGS=-la ECS_PROCESS_EXECUTABLE=/usr/bin/ls)
		((got >= 1)) || fail "no entry for ls -la (ECS_PROCESS_ARGS=-la ECS_PROCESS_EXECUTABLE=/usr/bin/ls)"
		note "$(wc -l <"$T/actions") actions, $(wc -l <"$T/kinds") event kinds, $fails failures"
	fi
	pass "$mode: $ndocs documents, $ndocs journal entries, each the flattening of its document"
	;;
limits)
	# event 1: 600 arguments (the parser keeps 511), more than fit in an entry;
	# event 2: a 90-character field name; a file name with a newline and
	# "PRIORITY=0"; an argument with "MESSAGE_ID=..." after a newline, control
	# bytes and invalid UTF-8 (hex-encoded, as auditd writes them)
	hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F; }
	long=$(printf 'k%.0s' $(seq 1 90))
	gen 900001 1 | awk '
		/^type=EXECVE/ {
			sub(/argc=[0-9]+ .*/, "argc=600 a0=\"ls\"")
			for (i = 1; i < 600; i++)
				$0 = $0 " a" i "=\"arg" i "\""
		}
		{ print }' >"$T/limits.txt"
	gen 900002 1 | awk -v long="$long" \
		-v a1="$(hex $'x\nMESSAGE_ID=00000000000000000000000000000000\n\x01\x02\xff\xfe=')" \
		-v name="$(hex $'/tmp/evil\nPRIORITY=0\n_PID=1')" '
		/^type=SYSCALL/ { sub(/ key=/, " " long "=1 key=") }
		/^type=EXECVE/ { sub(/ a1="-a"/, " a1=" a1) }
		/^type=PATH/ && / item=0 / { sub(/name="[^"]*"/, "name=" name) }
		{ print }' >>"$T/limits.txt"
	start_journald
	rc=0
	"$AUDISP_ECS" -c /dev/null -i "$T/limits.txt" -o journal -o "file:$T/out.json" 2>"$T/stderr" || rc=$?
	((rc == 0)) || { tail -n 5 "$T/stderr" >&2; fail "exit status $rc"; }
	grep -q 'stopped: .* output_errors=0 output_dropped=0' "$T/stderr" ||
		{ tail -n 3 "$T/stderr" >&2; fail "output errors or drops"; }
	(($(nlines "$T/out.json") == 2)) || fail "expected 2 documents"
	check_journal summary "$T/out.json"
	dropped=$(entries ECS_EVENT_SEQUENCE=900001 -o cat --output-fields=ECS_FIELDS_DROPPED)
	[[ $dropped =~ ^[0-9]+$ ]] && ((dropped > 0)) || fail "ECS_FIELDS_DROPPED='$dropped'"
	nargs=$(entries ECS_EVENT_SEQUENCE=900001 -o export | grep -a -c '^ECS_PROCESS_ARGS=')
	(($(n_entries ECS_EVENT_SEQUENCE=900002 ECS_FILE_PATH=$'/tmp/evil\nPRIORITY=0\n_PID=1') == 1)) ||
		fail "the file name with newlines is not one intact ECS_FILE_PATH value"
	[[ $(entries ECS_EVENT_SEQUENCE=900002 -o cat --output-fields=PRIORITY) == 6 ]] || fail "PRIORITY was injected"
	(($(n_entries _PID=1) == 0)) || fail "_PID was injected"
	(($(n_entries MESSAGE_ID=00000000000000000000000000000000) == 0)) || fail "MESSAGE_ID was injected"
	name=$(entries -o export | grep -a -o "^ECS_AUDITD_DATA_KKK[A-Z0-9_]*" | head -n 1)
	((${#name} == 64)) && [[ $name =~ _[0-9A-F]{8}$ ]] || fail "long field name not cut to 64: '$name'"
	pass "limits: $nargs arguments kept, ECS_FIELDS_DROPPED=$dropped; long key as $name; no injection, binary values intact"
	;;
hostile)
	: "${HOSTILE_GEN:?}"
	start_journald
	: >"$T/all.json"
	for seed in 1 2; do
		case $seed in
		2) good=$ENRICHED ;;
		*) good=$RAW ;;
		esac
		"$HOSTILE_GEN" -s "$seed" -k "$T/fake.keys" "$good" >"$T/hostile.txt" || fail "hostile-gen failed"
		rm -f "$T/out.json"
		rc=0
		timeout 120 "$AUDISP_ECS" -c /dev/null -i "$T/hostile.txt" -o journal -o "file:$T/out.json" \
			>/dev/null 2>"$T/stderr" || rc=$?
		((rc == 0)) || { tail -n 5 "$T/stderr" >&2; fail "seed $seed: exit status $rc"; }
		grep -q 'stopped: .* output_errors=0 output_dropped=0' "$T/stderr" ||
			{ tail -n 3 "$T/stderr" >&2; fail "seed $seed: output errors or drops"; }
		note "seed $seed: $(wc -c <"$T/hostile.txt") bytes in, $(nlines "$T/out.json") documents"
		cat "$T/out.json" >>"$T/all.json"
	done
	check_journal summary "$T/all.json"
	pass "hostile: $(nlines "$T/all.json") documents, each a whole journal entry ($(grep -c . "$T/kinds") kinds)"
	;;
restart)
	# 20 events while journald runs, 20 after it stopped (its socket stays:
	# ECONNREFUSED), 20 after the socket is removed (ENOENT, which libsystemd
	# reports as success), 20 after it started again
	for i in 1 2 3 4; do gen $((910000 + i * 100)) 20 >"$T/part$i.txt"; done
	start_journald
	start_daemon_i -c /dev/null -o journal -o "file:$T/out.json"
	cat "$T/part1.txt" >&3
	wait_lines "$T/out.json" 20 5000 || fail "part 1 not written to the file"
	jsync
	(($(n_entries) == 20)) || fail "part 1: $(n_entries) entries, expected 20"
	stop_journald
	[[ -S $SOCK ]] || fail "journald removed its socket when it stopped"
	cat "$T/part2.txt" >&3
	wait_lines "$T/out.json" 40 5000 || fail "part 2 (journald stopped) not written to the file"
	alive || fail "the daemon died when journald stopped"
	kill -USR1 "$DPID"
	wait_grep "$T/stderr" 'status: .* output_errors=20 output_dropped=20' 5000 ||
		{ tail -n 3 "$T/stderr" >&2; fail "part 2: the 20 documents journald missed are not counted"; }
	rm "$SOCK"
	cat "$T/part3.txt" >&3
	wait_lines "$T/out.json" 60 5000 || fail "part 3 (no socket) not written to the file"
	alive || fail "the daemon died when the journal socket went away"
	kill -USR1 "$DPID"
	wait_count "$T/stderr" 'status: .* output_errors=40 output_dropped=40' 1 5000 ||
		{ tail -n 3 "$T/stderr" >&2; fail "part 3: the 20 documents sent to no socket are not counted"; }
	start_journald
	cat "$T/part4.txt" >&3
	wait_lines "$T/out.json" 80 5000 || fail "part 4 not written to the file"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	grep -q 'stopped: .* output_errors=40 output_dropped=40' "$T/stderr" ||
		{ tail -n 3 "$T/stderr" >&2; fail "at exit: not 40 documents dropped"; }
	(($(grep -c 'cannot send to journald' "$T/stderr") == 1)) ||
		fail "the failure is not logged exactly once: $(grep -c 'cannot send to journald' "$T/stderr")"
	(($(grep -c 'journal output recovered, 40 documents dropped' "$T/stderr") == 1)) ||
		fail "the recovery is not logged exactly once"
	cat "$T/part"{1,2,3,4}.txt | events_in >"$T/want.keys"
	docs_out "$T/out.json" >"$T/got.keys" || fail "invalid documents in the file"
	same_keys "file output" "$T/want.keys" "$T/got.keys"
	sed -n '1,20p;61,80p' "$T/out.json" >"$T/reached.json"
	check_journal summary "$T/reached.json"
	pass "restart: 80 documents in the file, 40 in the journal, 40 counted as dropped (ECONNREFUSED, ENOENT), logged once, recovered"
	;;
stall)
	# journald's socket queues max_dgram_qlen entries before a send waits
	qlen=$(cat /proc/sys/net/unix/max_dgram_qlen 2>/dev/null || echo 512)
	n2=$((qlen + 300))
	total=$((n2 + 40))
	gen 920001 20 >"$T/part1.txt"
	gen 930001 "$n2" >"$T/part2.txt"
	gen 950001 20 >"$T/part3.txt"
	start_journald
	start_daemon_i -c /dev/null -o journal -o "file:$T/out.json"
	cat "$T/part1.txt" >&3
	wait_lines "$T/out.json" 20 5000 || fail "part 1 not written to the file"
	jsync
	kill -STOP "$JPID"
	t0=$(now_us)
	cat "$T/part2.txt" >&3
	wait_lines "$T/out.json" $((n2 + 20)) 10000 || fail "a frozen journald blocks the other outputs"
	t1=$(now_us)
	(((t1 - t0) < 4000000)) || fail "a frozen journald held the other outputs for $(((t1 - t0) / 1000)) ms"
	alive || fail "the daemon died"
	kill -CONT "$JPID"
	sleep 1.2 # the next try of a stalled journal output comes 1 s after the last one
	cat "$T/part3.txt" >&3
	wait_lines "$T/out.json" "$total" 5000 || fail "part 3 not written to the file"
	stop_input
	((WAIT_RC == 0)) || fail "exit status $WAIT_RC"
	dropped=$(stat_of output_dropped "$T/stderr")
	jsync
	got=$(n_entries)
	((dropped > 0)) || fail "nothing dropped while journald was frozen"
	((got + dropped == total)) || fail "$got entries + $dropped dropped != $total documents"
	for s in $(seq 950001 950020); do
		(($(n_entries ECS_EVENT_SEQUENCE=$s) == 1)) || fail "event $s, after journald came back, is not in the journal"
	done
	grep -q 'journal output recovered' "$T/stderr" || fail "no recovery logged"
	pass "stall: the file output got $n2 documents in $(((t1 - t0) / 1000)) ms while journald was frozen; $got entries + $dropped dropped = $total; back after SIGCONT"
	;;
throughput)
	n=${JOURNAL_EVENTS:-20000}
	gen 1000001 "$n" >"$T/many.txt"
	start_journald
	t0=$(now_us)
	"$AUDISP_ECS" -c /dev/null -i "$T/many.txt" -o "file:$T/out.json" 2>"$T/stderr.file"
	t1=$(now_us)
	"$AUDISP_ECS" -c /dev/null -i "$T/many.txt" -o journal 2>"$T/stderr" || fail "exit status $?"
	jsync
	t2=$(now_us)
	grep -q 'stopped: .* output_errors=0 output_dropped=0' "$T/stderr" || fail "drops"
	got=$(n_entries)
	((got == n)) || fail "$got entries for $n events"
	note "file output: $((n * 1000000 / (t1 - t0))) events/s; journal output: $((n * 1000000 / (t2 - t1))) events/s into journald ($(awk '{ s += length($0) + 1 } END { printf "%d", s / NR }' "$T/out.json") bytes a document)"
	pass "throughput: $n events into journald, $((n * 1000000 / (t2 - t1))) events/s"
	;;
inject)
	. "$(dirname "$0")/inject-lib.sh"
	inject_input "$T/in.txt"
	start_journald
	rc=0
	"$AUDISP_ECS" -c /dev/null -i "$T/in.txt" -o journal -o "file:$T/out.json" 2>"$T/stderr" || rc=$?
	((rc == 0)) || { tail -n 5 "$T/stderr" >&2; fail "exit status $rc"; }
	grep -q 'stopped: .* output_errors=0 output_dropped=0' "$T/stderr" || fail "output errors or drops"
	(($(nlines "$T/out.json") == INJECT_EVENTS)) || fail "$(nlines "$T/out.json") documents for $INJECT_EVENTS events"
	check_journal summary "$T/out.json"
	(($(n_entries) == INJECT_EVENTS)) || fail "$(n_entries) entries for $INJECT_EVENTS events"
	# every field of every entry of ours: names and the fixed fields
	entries -o export >"$T/export"
	MSGID=$INJECT_MSGID perl -e '
		binmode STDIN;
		my $in = do { local $/; <STDIN> };
		my ($pos, $bad, %f, $n) = (0, 0);
		my $check = sub {
			return unless %f;
			$n++;
			for my $k (qw(PRIORITY MESSAGE_ID SYSLOG_IDENTIFIER MESSAGE ECS_JSON)) {
				my $c = scalar @{ $f{$k} || [] };
				if ($c != 1) { print STDERR "entry $n: $k $c times\n"; $bad++ }
			}
			my ($p, $id, $si) = ($f{PRIORITY}[0] // "", $f{MESSAGE_ID}[0] // "", $f{SYSLOG_IDENTIFIER}[0] // "");
			if ($p !~ /^[56]$/) { print STDERR "entry $n: PRIORITY=$p\n"; $bad++ }
			if ($id !~ /^[0-9a-f]{32}$/ || $id eq $ENV{MSGID}) { print STDERR "entry $n: MESSAGE_ID=$id\n"; $bad++ }
			if ($si ne "audisp-ecs") { print STDERR "entry $n: SYSLOG_IDENTIFIER=$si\n"; $bad++ }
			my @pid = @{ $f{_PID} || [] };
			if (@pid != 1 || $pid[0] eq "1") { print STDERR "entry $n: _PID=@pid\n"; $bad++ }
			for my $k (keys %f) {
				next if $k =~ /^(ECS_[A-Z0-9_]+|PRIORITY|MESSAGE_ID|SYSLOG_IDENTIFIER|MESSAGE)$/;
				# fields journald itself adds (trusted): no client can send them
				next if $k =~ /^__?[A-Z0-9_]+$/;
				print STDERR "entry $n: field $k\n"; $bad++;
			}
			%f = ();
		};
		while ($pos < length $in) {
			my $nl = index($in, "\n", $pos);
			last if $nl < 0;
			if ($nl == $pos) { $check->(); $pos++; next }
			my $line = substr($in, $pos, $nl - $pos);
			my $eq = index($line, "=");
			if ($eq >= 0) {
				push @{ $f{substr($line, 0, $eq)} }, substr($line, $eq + 1);
				$pos = $nl + 1;
			} else {
				my $len = unpack("Q<", substr($in, $nl + 1, 8));
				push @{ $f{$line} }, substr($in, $nl + 9, $len);
				$pos = $nl + 9 + $len + 1;
			}
		}
		$check->();
		print STDERR "$n entries checked\n";
		exit($bad ? 1 : 0);' <"$T/export" 2>"$T/fields.err" || { cat "$T/fields.err" >&2; fail "forged or unexpected journal fields (above)"; }
	(($(n_entries PRIORITY=0) == 0)) || fail "an entry with PRIORITY=0"
	(($(n_entries MESSAGE_ID=$INJECT_MSGID) == 0)) || fail "an entry with the forged MESSAGE_ID"
	(($(jctl SYSLOG_IDENTIFIER=forged -o cat | wc -l) == 0)) || fail "an entry with the forged SYSLOG_IDENTIFIER"
	(($(n_entries ECS_PROCESS_ARGS="$INJECT_EVIL") == 1)) || fail "the argument is not one intact ECS_PROCESS_ARGS value"
	pass "inject: $INJECT_EVENTS entries, every field from its document, no forged PRIORITY, MESSAGE_ID, SYSLOG_IDENTIFIER or field name"
	;;
*)
	fail "unknown mode $mode"
	;;
esac
