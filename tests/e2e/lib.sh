# Shared helpers of the end-to-end tests (sourced by tests/e2e/*.sh).
#
# The environment comes from tests/e2e/CMakeLists.txt:
#   AUDISP_ECS    the daemon under test
#   ECS_CHECK     tests/tools/ecs-check (validates documents, lists their keys)
#   AUDIT_EVENTS  tests/tools/audit-events (lists the events of a raw stream)
#   HOSTILE_GEN   tests/tools/hostile-gen
#   TEST_DATA     tests/data
# Set E2E_KEEP=1 to keep the scratch directory of a test for a look.
#
# Exit status: 0 pass, 1 fail, 77 skip (SKIP_RETURN_CODE).

set -euo pipefail
export LC_ALL=C

: "${AUDISP_ECS:?run through ctest}" "${ECS_CHECK:?}" "${AUDIT_EVENTS:?}" "${TEST_DATA:?}"
RAW=$TEST_DATA/live/capture1-raw.txt
ENRICHED=$TEST_DATA/live/capture1-enriched.txt

T=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX")
BG_PIDS=()        # background processes this test started
CLEANUP_HOOKS=()  # extra commands run at exit, last first

cleanup() {
	local rc=$? i
	set +e
	for ((i = ${#CLEANUP_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUP_HOOKS[i]}"
	done
	for pid in "${BG_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	if [[ ${E2E_KEEP:-0} == 1 || ($rc != 0 && $rc != 77 && ${E2E_KEEP_FAILED:-0} == 1) ]]; then
		echo "# scratch directory kept: $T"
	else
		rm -rf "$T"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

note() { echo "# $*"; }
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
skip() {
	echo "SKIP: $*"
	exit 77
}
pass() { echo "ok - $*"; }

# Microseconds since the epoch (bash 5's EPOCHREALTIME, no fork).
now_us() {
	local t=$EPOCHREALTIME
	echo $((10#${t/./}))
}

# Number of lines in a file (0 when it does not exist).
nlines() {
	if [[ -e $1 ]]; then
		wc -l <"$1"
	else
		echo 0
	fi
}

# wait_lines FILE N MS: wait until FILE has at least N lines; fail after MS.
wait_lines() {
	local f=$1 n=$2 ms=$3 start
	start=$(now_us)
	while (($(nlines "$f") < n)); do
		if (($(now_us) - start > ms * 1000)); then
			return 1
		fi
		sleep 0.01
	done
}

# wait_grep FILE PATTERN MS: wait until FILE has a line matching PATTERN.
wait_grep() {
	local f=$1 pat=$2 ms=$3 start
	start=$(now_us)
	until grep -q -- "$pat" "$f" 2>/dev/null; do
		if (($(now_us) - start > ms * 1000)); then
			return 1
		fi
		sleep 0.01
	done
}

# wait_count FILE PATTERN N MS: wait until N lines of FILE match PATTERN.
wait_count() {
	local f=$1 pat=$2 n=$3 ms=$4 start
	start=$(now_us)
	until (($(grep -c -- "$pat" "$f" 2>/dev/null) >= n)); do
		if (($(now_us) - start > ms * 1000)); then
			return 1
		fi
		sleep 0.01
	done
}

# wait_exit PID MS: wait for a child to exit; its status in $WAIT_RC. Fails
# the test when it is still running after MS.
wait_exit() {
	local pid=$1 ms=$2 start
	start=$(now_us)
	while kill -0 "$pid" 2>/dev/null; do
		if [[ -r /proc/$pid/stat ]] && [[ $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) == Z ]]; then
			break
		fi
		if (($(now_us) - start > ms * 1000)); then
			fail "process $pid still running after ${ms} ms"
		fi
		sleep 0.01
	done
	WAIT_RC=0
	wait "$pid" || WAIT_RC=$?
}

# The records of one event of the recorded RAW stream, by serial, EOE
# included (grep keeps their order).
records() {
	grep -a -E "^type=[A-Z_]+ msg=audit\([0-9]+\.[0-9]+:$1\): " "$RAW"
}

# fresh_events FIRST COUNT [noeoe] < TEMPLATE: COUNT copies of the records of
# one event read on stdin, each with its own serial (FIRST, FIRST+1, ...) and
# time stamp (1800000000.000 + serial milliseconds); EOE records are left out
# with "noeoe".
fresh_events() {
	awk -v first="$1" -v count="$2" -v noeoe="${3:-}" '
		{ rec[n++] = $0 }
		END {
			for (i = 0; i < count; i++) {
				s = first + i
				sec = 1800000000 + int(s / 1000); ms = s % 1000
				for (j = 0; j < n; j++) {
					line = rec[j]
					if (noeoe == "noeoe" && line ~ /^type=EOE /)
						continue
					sub(/msg=audit\([0-9]+\.[0-9]+:[0-9]+\)/, sprintf("msg=audit(%d.%03d:%d)", sec, ms, s), line)
					print line
				}
			}
		}'
}

# Keys of the events in a raw stream, and of the documents in a JSON lines
# file (which must all be valid); each sorted, one a line.
events_in() { "$AUDIT_EVENTS" "$@"; }
docs_out() { "$ECS_CHECK" -q -k "$@"; }

# same_keys WHAT EXPECTED ACTUAL: the two sorted key lists are equal
# (the first differences are shown when not).
same_keys() {
	local what=$1 exp=$2 act=$3
	if ! cmp -s "$exp" "$act"; then
		echo "--- $what: expected $(wc -l <"$exp") keys, got $(wc -l <"$act"); missing (<) / unexpected (>):" >&2
		diff "$exp" "$act" | grep '^[<>]' | head -n 20 >&2 || true
		fail "$what: the documents written are not exactly the events read"
	fi
}

# no_dups WHAT FILE: no line occurs twice in the sorted FILE.
no_dups() {
	local d
	d=$(uniq -d "$2" | head -n 5)
	[[ -z $d ]] || fail "$1: written more than once: $d"
}

# matching FILE STRING [STRING2]: the number of lines of FILE holding STRING
# (and STRING2), fixed strings. (No `grep | grep -q`: with pipefail, -q's
# early exit can fail the pipeline.)
matching() {
	local f=$1 a=$2
	if (($# > 2)); then
		grep -a -F -- "$a" "$f" | grep -a -c -F -- "$3" || true
	else
		grep -a -c -F -- "$a" "$f" || true
	fi
}

# A configuration file in the scratch directory: conf NAME LINE...
conf() {
	local f=$T/$1
	shift
	printf '%s\n' "$@" >"$f"
	echo "$f"
}

# start_daemon ARGS...: runs the daemon with its stdin on a FIFO whose write
# end stays open in this shell as fd 3; stdout goes through a pipe (another
# FIFO read by cat) into $T/stdout, stderr into $T/stderr. Sets DPID.
start_daemon() {
	rm -f "$T/in.fifo" "$T/out.fifo"
	mkfifo "$T/in.fifo" "$T/out.fifo"
	cat "$T/out.fifo" >"$T/stdout" &
	CAT_PID=$!
	BG_PIDS+=("$CAT_PID")
	"$AUDISP_ECS" "$@" <"$T/in.fifo" >"$T/out.fifo" 2>"$T/stderr" &
	DPID=$!
	BG_PIDS+=("$DPID")
	exec 3>"$T/in.fifo"
}

# start_daemon_i ARGS...: the same with -i FIFO, so that the daemon's log
# messages also go to stderr ($T/stderr); stdout to $T/stdout directly.
start_daemon_i() {
	rm -f "$T/in.fifo"
	mkfifo "$T/in.fifo"
	"$AUDISP_ECS" -i "$T/in.fifo" "$@" >"$T/stdout" 2>"$T/stderr" &
	DPID=$!
	BG_PIDS+=("$DPID")
	exec 3>"$T/in.fifo"
}

# stop_input: closes the daemon's input (end of file) and waits for its exit.
stop_input() {
	exec 3>&-
	wait_exit "$DPID" "${1:-10000}"
	if [[ -n ${CAT_PID:-} ]]; then
		wait "$CAT_PID" 2>/dev/null || true
	fi
}

alive() { kill -0 "$DPID" 2>/dev/null; }

# wait_idle PID MS: wait until the process sleeps in epoll_wait (started,
# signal handlers in place, waiting for input). Where /proc/PID/wchan tells
# nothing (a kernel that shows 0), wait until it catches SIGHUP, SIGUSR1 and
# SIGTERM (SigCgt bits 1, 10 and 15): its watchers are in place just before
# its loop starts.
wait_idle() {
	local pid=$1 ms=$2 start w cgt seen=0
	start=$(now_us)
	while (($(now_us) - start < ms * 1000)); do
		w=$(cat "/proc/$pid/wchan" 2>/dev/null) || return 0
		[[ $w == *epoll* ]] && return 0
		if [[ $w != 0 ]]; then
			seen=1
		elif ((!seen)); then
			cgt=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || return 0
			[[ -n $cgt ]] && (((16#$cgt & 0x4201) == 0x4201)) && return 0
		fi
		sleep 0.01
	done
	fail "process $pid not waiting for input after ${ms} ms (wchan $w)"
}
