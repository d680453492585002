#!/bin/bash
# The command line contract of `audisp-ecs -h` (plugin/main.c):
#   exit 0 on end of input or a stop signal; 1 when the configuration, an
#   output or the input cannot be used; 2 on a usage error.
. "$(dirname "$0")/lib.sh"

# run ARGS...: runs the daemon with stdin from /dev/null; sets RC, and
# $T/stdout, $T/stderr.
run() {
	RC=0
	timeout 10 "$AUDISP_ECS" "$@" </dev/null >"$T/stdout" 2>"$T/stderr" || RC=$?
}
expect_rc() {
	((RC == $1)) || {
		echo "--- stdout:" >&2
		head -c 1000 "$T/stdout" >&2
		echo "--- stderr:" >&2
		head -c 1000 "$T/stderr" >&2
		fail "$2: exit status $RC, expected $1"
	}
}
# Two events from the recorded stream, a SYSCALL (execve) and a USER message.
small_input() {
	{ records 29317; records 29989; } >"$T/small.txt"
	events_in "$T/small.txt" >"$T/small.keys"
	(($(wc -l <"$T/small.keys") == 2)) || fail "test input: expected 2 events"
}

mode=${1:?mode}
case $mode in
help)
	run -h
	expect_rc 0 "-h"
	grep -q '^SYNOPSIS' "$T/stdout" || fail "-h: no SYNOPSIS on stdout"
	grep -q 'audisp-ecs \[-c FILE\] \[-i FILE\] \[-o SPEC\]\.\.\. \[-t\]' "$T/stdout" ||
		fail "-h: the synopsis is not the documented one"
	for opt in -c -i -o -t -h -V SIGHUP SIGTERM 'EXIT STATUS'; do
		grep -q -- "$opt" "$T/stdout" || fail "-h does not mention $opt"
	done
	[[ ! -s $T/stderr ]] || fail "-h wrote to stderr: $(head -c 200 "$T/stderr")"
	# an unknown option prints the usage on stderr, exit 2
	run -Z
	expect_rc 2 "-Z"
	grep -q 'SYNOPSIS' "$T/stderr" || fail "-Z: no usage on stderr"
	pass "-h prints the usage and exits 0; an unknown option exits 2"
	;;
version)
	run -V
	expect_rc 0 "-V"
	[[ $(cat "$T/stdout") == "audisp-ecs $EXPECTED_VERSION" ]] ||
		fail "-V printed '$(cat "$T/stdout")', expected 'audisp-ecs $EXPECTED_VERSION'"
	pass "-V prints 'audisp-ecs $EXPECTED_VERSION'"
	;;
check-good)
	c=$(conf good.conf '# a comment' "output = file:$T/never-opened/out.json" 'resolve_ids = no' \
		'end_of_event_timeout = 0.5' 'max_inflight = 10')
	run -t -c "$c"
	expect_rc 0 "-t -c good.conf"
	grep -q 'fine' "$T/stdout" || fail "-t: says nothing about the configuration"
	[[ ! -e $T/never-opened ]] || fail "-t opened the outputs"
	pass "-t with a good configuration exits 0 and opens nothing"
	;;
check-shipped)
	# the commented example installed to /etc/audit is itself valid
	run -t -c "$SOURCE_DIR/conf/audisp-ecs.conf"
	expect_rc 0 "-t -c conf/audisp-ecs.conf"
	pass "the shipped conf/audisp-ecs.conf passes -t"
	;;
check-bad)
	c=$(conf bad.conf '# comment' 'resolve_ids = yes' 'no_such_key = 1' 'max_inflight = 10')
	run -t -c "$c"
	((RC != 0)) || fail "-t accepted an unknown key"
	grep -q -- "$c:3" "$T/stderr" || fail "-t: the error does not name $c:3: $(cat "$T/stderr")"
	# the same configuration when starting for real: exit 1 before reading
	run -c "$c" -o stdout
	expect_rc 1 "start with an unknown key"
	grep -q -- "$c:3" "$T/stderr" || fail "start: the error does not name $c:3"
	# a bad value, a key given twice, a comment after a value
	for body in 'end_of_event_timeout = 0' 'max_inflight = many' 'resolve_ids = perhaps' \
		'output = file:relative.json' 'max_inflight = 10  # a note'; do
		c=$(conf bad2.conf '# first line' "$body")
		run -t -c "$c"
		((RC != 0)) || fail "-t accepted '$body'"
		grep -q -- "$c:2" "$T/stderr" || fail "'$body': the error does not name $c:2: $(cat "$T/stderr")"
	done
	c=$(conf twice.conf 'max_inflight = 10' 'max_inflight = 20')
	run -t -c "$c"
	((RC != 0)) || fail "-t accepted a key given twice"
	grep -q -- "$c:2" "$T/stderr" || fail "key twice: the error does not name $c:2"
	pass "-t with a bad configuration exits non-zero naming FILE:LINE"
	;;
bad-output)
	for spec in bogus file: file:relative/out.json 'file:' 'stdout2' 'FILE:/tmp/x' ''; do
		run -c /dev/null -o "$spec"
		expect_rc 2 "-o '$spec'"
		[[ ! -s $T/stdout ]] || fail "-o '$spec' wrote to stdout"
		grep -q . "$T/stderr" || fail "-o '$spec': no message"
	done
	# an extra argument is a usage error too
	run -c /dev/null stray-argument
	expect_rc 2 "a stray argument"
	pass "bad -o specs and stray arguments exit 2"
	;;
devnull)
	small_input
	run -c /dev/null -i "$T/small.txt" -o "file:$T/out.json"
	expect_rc 0 "-c /dev/null -i FILE -o file:"
	docs_out "$T/out.json" >"$T/out.keys" || fail "invalid documents"
	same_keys "-c /dev/null" "$T/small.keys" "$T/out.keys"
	# and -o twice: every document to both outputs, in the same order
	run -c /dev/null -i "$T/small.txt" -o "file:$T/a.json" -o stdout
	expect_rc 0 "two outputs"
	cmp -s "$T/a.json" "$T/stdout" || fail "the two outputs differ"
	docs_out "$T/a.json" >"$T/a.keys" || fail "invalid documents"
	same_keys "two outputs" "$T/small.keys" "$T/a.keys"
	# -i - is standard input
	RC=0
	"$AUDISP_ECS" -c /dev/null -i - -o stdout <"$T/small.txt" >"$T/stdout" 2>"$T/stderr" || RC=$?
	expect_rc 0 "-i -"
	docs_out "$T/stdout" >"$T/dash.keys" || fail "invalid documents"
	same_keys "-i -" "$T/small.keys" "$T/dash.keys"
	pass "-c /dev/null runs on the defaults; two -o get the same documents; -i - reads stdin"
	;;
missing-input)
	run -c /dev/null -i "$T/no-such-file" -o "file:$T/out.json"
	expect_rc 1 "-i missing file"
	grep -q "no-such-file" "$T/stderr" || fail "the message does not name the missing file"
	pass "a missing -i file exits 1 naming it"
	;;
missing-config)
	run -c "$T/no-such.conf" -o stdout
	expect_rc 1 "-c missing file"
	grep -q "no-such.conf" "$T/stderr" || fail "the message does not name the missing file"
	pass "a missing -c file exits 1 naming it"
	;;
bad-usage)
	for args in "-c" "-i" "-o" "-x" "--bogus"; do
		# shellcheck disable=SC2086
		run $args
		expect_rc 2 "'$args'"
	done
	pass "missing option arguments and unknown options exit 2"
	;;
unusable-output)
	# an output that cannot be opened: exit 1 before reading anything
	small_input
	run -c /dev/null -i "$T/small.txt" -o "file:$T/a/b/c/out.json"
	expect_rc 1 "-o file: in a missing directory tree"
	ln -s "$T/target.json" "$T/link.json"
	run -c /dev/null -i "$T/small.txt" -o "file:$T/link.json"
	expect_rc 1 "-o file: through a symbolic link"
	[[ ! -e $T/target.json ]] || fail "wrote through a symbolic link"
	mkdir "$T/dir.json"
	run -c /dev/null -i "$T/small.txt" -o "file:$T/dir.json"
	expect_rc 1 "-o file: on a directory"
	pass "unusable outputs (missing tree, symlink, directory) exit 1"
	;;
*) fail "unknown mode $mode" ;;
esac
