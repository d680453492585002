#!/bin/bash
# Audit data can never inject lines or fields into the JSON output
# (inject-lib.sh has the records; syslog.sh and journal.sh run them against
# a private rsyslogd and journald: modes `inject` there).
#
#   file    -o file: and -o stdout: exactly one line per event, each one
#           valid ECS document (ecs-check); the hostile values arrive whole
#           and exact inside JSON strings (the decoded execve argument, path
#           name and user text equal the bytes sent), never as members of
#           their own: no document has a top-level key outside ECS's, and
#           no "PRIORITY"/"MESSAGE_ID" member anywhere but under auditd.data
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/inject-lib.sh"

mode=${1:?mode}
case $mode in
file)
	inject_input "$T/in.txt"
	"$AUDISP_ECS" -c /dev/null -i "$T/in.txt" -o "file:$T/out.json" -o stdout >"$T/stdout" 2>"$T/stderr" ||
		fail "the daemon failed: $(tail -n 3 "$T/stderr")"
	for f in "$T/out.json" "$T/stdout"; do
		"$ECS_CHECK" -q -e "$INJECT_EVENTS" "$f" || fail "$(basename "$f"): not $INJECT_EVENTS valid documents, one a line"
		(($(nlines "$f") == INJECT_EVENTS)) || fail "$(basename "$f"): $(nlines "$f") lines for $INJECT_EVENTS events"
		(($(tr -c -d '\r' <"$f" | wc -c) == 0)) || fail "$(basename "$f"): a raw CR"
	done
	cmp -s "$T/out.json" "$T/stdout" || fail "file and stdout differ"
	events_in "$T/in.txt" >"$T/want.keys"
	docs_out "$T/out.json" >"$T/got.keys" || fail "invalid documents"
	same_keys "inject" "$T/want.keys" "$T/got.keys"
	# the values, decoded, are exactly the bytes sent; members are where ECS
	# puts them
	EVIL=$INJECT_EVIL perl -MJSON::PP -e '
		my $j = JSON::PP->new->utf8->allow_bignum;
		my $evil = $ENV{EVIL};
		my %top = map { $_ => 1 } qw(@timestamp agent auditd destination ecs error event file group
			host message network process related service source tags user);
		my ($found_arg, $found_path, $bad) = (0, 0, 0);
		sub walk {
			my ($v, $path) = @_;
			if (ref $v eq "HASH") {
				for my $k (keys %$v) {
					if ($k =~ /^(PRIORITY|MESSAGE_ID|SYSLOG_IDENTIFIER|_PID|MESSAGE)$/ && $path !~ /^auditd\.data/) {
						print STDERR "member $k at $path\n"; $bad++;
					}
					walk($v->{$k}, $path eq "" ? $k : "$path.$k");
				}
			} elsif (ref $v eq "ARRAY") {
				walk($_, "$path\[]") for @$v;
			} elsif (defined $v && !ref $v) {
				my $b = $v; utf8::encode($b);
				$found_arg++ if $b eq $evil;
				$found_path++ if $b eq "/tmp/$evil";
			}
		}
		while (my $line = <>) {
			my $d = $j->decode($line);
			for my $k (keys %$d) {
				if (!$top{$k}) { print STDERR "top-level key $k\n"; $bad++ }
			}
			walk($d, "");
		}
		print STDERR "the execve argument is not intact\n", $bad++ unless $found_arg;
		print STDERR "the path name is not intact\n", $bad++ unless $found_path;
		exit($bad ? 1 : 0);' "$T/out.json" || fail "injected members, or values not intact (above)"
	pass "file/stdout: $INJECT_EVENTS events, $INJECT_EVENTS lines, valid JSON, values intact, no forged members"
	;;
*) fail "unknown mode $mode" ;;
esac
