#!/bin/bash
# audisp-ecs benchmark (issue 5). Rerun it any time; it needs no python.
#
#   tests/bench/run.sh [--build DIR] [--quick] [SECTIONS...] [OPTIONS...]
#   cmake --build DIR --target bench        (or bench-quick)
#
# Sections (default: --throughput --callgrind --latency; --all adds --rss):
#   --throughput  CPU time (user+sys), wall time and peak RSS of
#                 audisp-ecs (stdin through a pipe, and -i FILE), Laurel,
#                 a libauparse-based baseline and `wc -l`, on an in-order and
#                 an interleaved stream; the contenders alternate in every
#                 round, the table shows the median over the rounds.
#   --callgrind   instructions per event of audisp-ecs under
#                 valgrind --tool=callgrind (stable on a noisy machine), in
#                 order and interleaved; the per-function profile
#                 (callgrind_annotate, top 25 exclusive and inclusive) is
#                 saved to OUT/profile.txt.
#   --profile     --callgrind, and print the profile.
#   --latency     EOE -> document latency on an idle stream (latency.c).
#   --rss         RSS of the daemon over a long stream (10 million events,
#                 generated on the fly into the pipe), sampled every second.
#   --all         all of the above.
# Options:
#   --quick           30k events, 3 rounds, 5k under callgrind, 100 latency
#                     events, 1M events for --rss (about 30 s without --rss)
#   --events N        events per throughput stream (default 100000)
#   --rounds R        rounds (default 5)
#   --k K             events in flight in the interleaved streams (default 8)
#   --format F        template: enriched (default: auditd's default
#                     log_format), raw, or a path to a recorded plugin stream
#   --cg-events N     events under callgrind (default 20000)
#   --lat-events N    latency: events measured (default 200)
#   --lat-gap MS      latency: idle gap between events (default 5)
#   --rss-events N    --rss: events (default 10000000)
#   --no-laurel       leave Laurel out
#   --out DIR         results and scratch files (default /tmp/audisp-ecs-bench)
#   --keep            keep the generated streams and outputs
#   --build DIR       the build tree (Release!) whose binaries to use;
#                     default: the environment (AUDISP_ECS, STREAM_GROW,
#                     AUPARSE_BASELINE, BENCH_LATENCY, BENCH_RUSAGE, set by
#                     the cmake targets), else ./build; the bench tools are
#                     built there if needed.
#
# Needs the packages valgrind (--callgrind) and laurel (optional: left out
# with a note when missing); times come from wait4 (bench-rusage, rusage.c).
# Streams are generated into OUT (never committed) and removed at the end
# unless --keep. See tests/bench/README.md.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)

die() { echo "bench: $*" >&2; exit 2; }
note() { echo "bench: $*" >&2; }

# --- arguments ----------------------------------------------------------------
quick=0 keep=0 laurel=1
do_tp=0 do_cg=0 do_lat=0 do_rss=0 print_profile=0 any=0
events='' rounds='' k='' format='' cg_events='' lat_events='' lat_gap='' rss_events=''
OUT=/tmp/audisp-ecs-bench
BUILD=''
while (($#)); do
	case $1 in
	--throughput) do_tp=1 any=1 ;;
	--callgrind) do_cg=1 any=1 ;;
	--profile) do_cg=1 print_profile=1 any=1 ;;
	--latency) do_lat=1 any=1 ;;
	--rss) do_rss=1 any=1 ;;
	--all) do_tp=1 do_cg=1 do_lat=1 do_rss=1 any=1 ;;
	--quick) quick=1 ;;
	--keep) keep=1 ;;
	--no-laurel) laurel=0 ;;
	--events) events=${2:?} && shift ;;
	--rounds) rounds=${2:?} && shift ;;
	--k) k=${2:?} && shift ;;
	--format) format=${2:?} && shift ;;
	--cg-events) cg_events=${2:?} && shift ;;
	--lat-events) lat_events=${2:?} && shift ;;
	--lat-gap) lat_gap=${2:?} && shift ;;
	--rss-events) rss_events=${2:?} && shift ;;
	--out) OUT=${2:?} && shift ;;
	--build) BUILD=${2:?} && shift ;;
	-h | --help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) die "unknown argument $1 (see --help)" ;;
	esac
	shift
done
((any)) || { do_tp=1 do_cg=1 do_lat=1; }
if ((quick)); then
	: "${events:=30000}" "${rounds:=3}" "${cg_events:=5000}" "${lat_events:=100}" "${rss_events:=1000000}"
fi
: "${events:=100000}" "${rounds:=5}" "${k:=8}" "${format:=enriched}" "${cg_events:=20000}"
: "${lat_events:=200}" "${lat_gap:=5}" "${rss_events:=10000000}"

case $format in
enriched | raw) TEMPLATE=$SRC/tests/data/live/capture1-$format.txt ;;
*) TEMPLATE=$format && format=$(basename "$format") ;;
esac
[[ -r $TEMPLATE ]] || die "no template $TEMPLATE"

# --- binaries -------------------------------------------------------------------
if [[ -n $BUILD || -z ${AUDISP_ECS:-} ]]; then
	BUILD=${BUILD:-$SRC/build}
	[[ -e $BUILD/CMakeCache.txt ]] || die "no build tree at $BUILD (cmake -S $SRC -B $BUILD -DCMAKE_BUILD_TYPE=Release)"
	# twice if need be: a first build that re-runs cmake may not know new targets yet
	tools="audisp-ecs stream-grow auparse-baseline bench-latency bench-rusage"
	cmake --build "$BUILD" --target $tools >"$BUILD/bench-build.log" 2>&1 ||
		cmake --build "$BUILD" --target $tools >"$BUILD/bench-build.log" 2>&1 ||
		{ tail -20 "$BUILD/bench-build.log" >&2; die "building the bench tools in $BUILD failed"; }
	AUDISP_ECS=$BUILD/plugin/audisp-ecs
	STREAM_GROW=$BUILD/tests/bench/stream-grow
	AUPARSE_BASELINE=$BUILD/tests/bench/auparse-baseline
	BENCH_LATENCY=$BUILD/tests/bench/bench-latency
	BENCH_RUSAGE=$BUILD/tests/bench/bench-rusage
	BENCH_BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
fi
for v in AUDISP_ECS STREAM_GROW AUPARSE_BASELINE BENCH_LATENCY BENCH_RUSAGE; do
	[[ -n ${!v:-} && -x ${!v} ]] || die "$v: no program at '${!v:-}' (run with --build DIR)"
done
[[ ${BENCH_BUILD_TYPE:-} == Release ]] ||
	note "WARNING: audisp-ecs is a '${BENCH_BUILD_TYPE:-?}' build, not Release: figures are not comparable"
# CPU time, wall time, peak RSS: wait4's rusage (microseconds; /usr/bin/time
# would round the CPU times to 10 ms, too coarse for wc -l)
TIME=$BENCH_RUSAGE
if ((do_cg)); then
	command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
		die "valgrind missing: apt-get install valgrind"
fi
LAUREL=$(command -v laurel || true)
[[ -z $LAUREL ]] && [[ -x /usr/sbin/laurel ]] && LAUREL=/usr/sbin/laurel
if ((laurel)) && [[ -z $LAUREL ]] && ((do_tp)); then
	note "laurel not installed (apt-get install laurel): left out"
	laurel=0
fi
[[ -n $LAUREL ]] || laurel=0

mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
S=$OUT/streams
mkdir -p "$S" "$OUT/laurel"
cleanup() {
	((keep)) && return
	rm -rf "$S" "$OUT/laurel/out.jsonl"* "$OUT/o.json" "$OUT/o.txt" "$OUT/cg.json"
}
trap cleanup EXIT

ECS_VERSION=$("$AUDISP_ECS" -V 2>&1 | head -1)
echo "audisp-ecs benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n), $(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  audisp-ecs: $AUDISP_ECS ($ECS_VERSION, ${BENCH_BUILD_TYPE:-?} build, git $(git -C "$SRC" describe --always --dirty 2>/dev/null || echo ?))"
((laurel)) && echo "  laurel:     $LAUREL ($("$LAUREL" --version 2>&1 | head -1))"
echo "  template:   $TEMPLATE ($format); results in $OUT"

# grow STREAMFILE N K: an in-order (K=1) or interleaved stream of N events
grow() {
	"$STREAM_GROW" -q -n "$2" -k "$3" "$TEMPLATE" >"$1" || die "stream-grow failed"
}

# the median of the numbers on stdin
median() {
	sort -g | awk '{ a[NR] = $1 } END { if (!NR) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# --- throughput -----------------------------------------------------------------
# Laurel as an auditd plugin, reading stdin, with its enrichment and
# translations off: it parses, reassembles and writes JSON lines to a file.
cat >"$OUT/laurel/laurel.toml" <<EOF
# written by tests/bench/run.sh: Laurel as a plain filter, enrichment off
directory = "$OUT/laurel"
statusreport-period = 0
# no user = ...: when run as root Laurel keeps root ("Not dropping privileges")
[auditlog]
file = "out.jsonl"
size = 1000000000000
generations = 1
[transform]
execve-argv = [ "array" ]
[translate]
universal = false
user-db = false
[enrich]
pid = false
execve-env = []
container = false
script = false
[label-process]
label-keys = []
propagate-labels = []
EOF

# run_one ROUND STREAM_LABEL STREAM_FILE CONTENDER: one measured run, a line in raw.tsv
run_one() {
	local round=$1 label=$2 f=$3 c=$4 tf=$OUT/time.txt docs rc
	rm -f "$OUT/o.json" "$OUT/o.txt" "$OUT/laurel/out.jsonl"*
	case $c in
	ecs-pipe)
		cat "$f" | "$TIME" "$tf" "$AUDISP_ECS" -c /dev/null -o "file:$OUT/o.json" 2>"$OUT/err.txt"
		rc=$?
		docs=$(wc -l <"$OUT/o.json") ;;
	ecs-file)
		"$TIME" "$tf" "$AUDISP_ECS" -c /dev/null -o "file:$OUT/o.json" -i "$f" 2>"$OUT/err.txt"
		rc=$?
		docs=$(wc -l <"$OUT/o.json") ;;
	laurel)
		cat "$f" | "$TIME" "$tf" "$LAUREL" -c "$OUT/laurel/laurel.toml" 2>"$OUT/err.txt"
		rc=$?
		docs=$(cat "$OUT/laurel/out.jsonl"* | wc -l) ;;
	auparse)
		cat "$f" | "$TIME" "$tf" "$AUPARSE_BASELINE" >"$OUT/o.txt" 2>"$OUT/err.txt"
		rc=$?
		docs=$(wc -l <"$OUT/o.txt") ;;
	wc)
		cat "$f" | "$TIME" "$tf" wc -l >"$OUT/o.txt" 2>"$OUT/err.txt"
		rc=$?
		docs=$(cat "$OUT/o.txt") ;;
	esac
	((rc == 0)) || { cat "$OUT/err.txt" >&2; die "$c on $label exited with status $rc"; }
	echo "$label $c $round $(tail -1 "$tf") $docs" >>"$OUT/raw.tsv"
}

throughput() {
	local contenders="ecs-pipe ecs-file"
	((laurel)) && contenders+=" laurel"
	contenders+=" auparse wc"
	local -a order
	read -ra order <<<"$contenders"
	local n=${#order[@]}
	echo
	echo "== Throughput: $format stream, $events events, $rounds rounds, median shown"
	grow "$S/inorder.txt" "$events" 1
	grow "$S/interleaved.txt" "$events" "$k"
	local bytes records
	bytes=$(stat -c %s "$S/inorder.txt")
	records=$(wc -l <"$S/inorder.txt")
	echo "   streams: $records records, $((bytes / 1000000)) MB each; interleaved: $k events in flight, seeded random"
	: >"$OUT/raw.tsv"
	local r label c i t0=$SECONDS
	for ((r = 1; r <= rounds; r++)); do
		for label in inorder interleaved; do
			# each round starts with the next contender: none always follows the same one
			for ((i = 0; i < n; i++)); do
				c=${order[(i + r - 1) % n]}
				run_one "$r" "$label" "$S/$label.txt" "$c"
			done
		done
		echo "   round $r/$rounds done ($((SECONDS - t0)) s)"
	done

	# the table: medians per (stream, contender)
	local out=$OUT/table.txt
	{
		printf '%-12s %-26s %9s %8s %8s %13s %8s %8s\n' stream contender documents "CPU s" "min CPU" "events/CPU-s" "wall s" "RSS MiB"
		for label in inorder interleaved; do
			for c in $contenders; do
				local cpu mincpu wall rss docs name
				cpu=$(awk -v l=$label -v c=$c '$1 == l && $2 == c { print $4 + $5 }' "$OUT/raw.tsv" | median)
				mincpu=$(awk -v l=$label -v c=$c '$1 == l && $2 == c { print $4 + $5 }' "$OUT/raw.tsv" | sort -g | head -1)
				wall=$(awk -v l=$label -v c=$c '$1 == l && $2 == c { print $6 }' "$OUT/raw.tsv" | median)
				rss=$(awk -v l=$label -v c=$c '$1 == l && $2 == c { print $7 }' "$OUT/raw.tsv" | median)
				docs=$(awk -v l=$label -v c=$c '$1 == l && $2 == c { print $8 }' "$OUT/raw.tsv" | sort -u | tr '\n' '/' | sed 's:/$::')
				case $c in
				ecs-pipe) name="audisp-ecs (stdin pipe)" ;;
				ecs-file) name="audisp-ecs (-i FILE)" ;;
				laurel) name="Laurel (stdin pipe)" ;;
				auparse) name="libauparse baseline (pipe)" ;;
				wc) name="wc -l (pipe; lines)" ;;
				esac
				echo "$label $c $cpu $wall $rss" >>"$OUT/medians.tsv"
				awk -v l="$label" -v n="$name" -v d="$docs" -v cpu="$cpu" -v mc="$mincpu" -v w="$wall" -v m="$rss" -v e="$events" \
					'BEGIN { printf "%-12s %-26s %9s %8.3f %8.3f %13.0f %8.2f %8.1f\n", l, n, d, cpu, mc, (cpu > 0 ? e / cpu : 0), w, m / 1024 }'
				[[ $c == wc || $docs == "$events" ]] || echo "   ^ NOTE: $docs documents for $events events"
			done
		done
	} >"$out"
	cat "$out"
	# ratios, from the medians
	med() { awk -v l=$1 -v c=$2 -v i=$3 '$1 == l && $2 == c { print $i }' "$OUT/medians.tsv" | tail -1; }
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2fx", a / b; else printf "n/a" }'; }
	{
		echo
		echo "CPU-time ratios (how many times audisp-ecs's CPU time the other takes; in order | interleaved):"
		local ip ii
		ip=$(med inorder ecs-pipe 3) ii=$(med interleaved ecs-pipe 3)
		((laurel)) && printf '  %-40s %8s | %s\n' "Laurel / audisp-ecs" "$(ratio "$(med inorder laurel 3)" "$ip")" "$(ratio "$(med interleaved laurel 3)" "$ii")"
		printf '  %-40s %8s | %s\n' "libauparse baseline / audisp-ecs" "$(ratio "$(med inorder auparse 3)" "$ip")" "$(ratio "$(med interleaved auparse 3)" "$ii")"
		printf '  %-40s %8s | %s\n' "audisp-ecs / wc -l (reading floor)" "$(ratio "$ip" "$(med inorder wc 3)")" "$(ratio "$ii" "$(med interleaved wc 3)")"
		printf '  %-40s %8s | %s\n' "audisp-ecs -i FILE / stdin pipe" "$(ratio "$(med inorder ecs-file 3)" "$ip")" "$(ratio "$(med interleaved ecs-file 3)" "$ii")"
		echo "audisp-ecs in order vs interleaved ($k in flight), events per CPU-second:"
		awk -v e="$events" -v a="$ip" -v b="$ii" 'BEGIN { printf "  stdin pipe: %.0f in order, %.0f interleaved (interleaved/in-order throughput %.2f)\n", e / a, e / b, a / b }'
		awk -v e="$events" -v a="$(med inorder ecs-file 3)" -v b="$(med interleaved ecs-file 3)" 'BEGIN { printf "  -i FILE:    %.0f in order, %.0f interleaved (interleaved/in-order throughput %.2f)\n", e / a, e / b, a / b }'
		echo "(CPU s = user + sys, median of $rounds rounds, and the least of them; wall and RSS: medians. documents: lines"
		echo " written, each round; wc -l counts records. Per-round figures: $OUT/raw.tsv (stream contender round user sys wall maxrss_kb documents))"
	} | tee -a "$out"
	rm -f "$OUT/medians.tsv"
}

# --- callgrind ----------------------------------------------------------------------
# cg_run NAME STREAM: total instructions (Ir) of audisp-ecs reading STREAM through a pipe
cg_run() {
	cat "$2" | valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$1.out" \
		"$AUDISP_ECS" -c /dev/null -o "file:$OUT/cg.json" >/dev/null 2>"$OUT/callgrind.$1.log" ||
		{ tail "$OUT/callgrind.$1.log" >&2; die "callgrind run $1 failed"; }
	sed -n 's/^summary: *//p' "$OUT/callgrind.$1.out"
}

# top25 FILE [ANNOTATE-OPTIONS]: callgrind_annotate's 25 heaviest functions
# (TOP=N for another number)
top25() {
	local f=$1
	shift
	callgrind_annotate --threshold=100 "$@" "$f" 2>/dev/null |
		awk -v top="${TOP:-25}" '/file:function/ { on = 1; getline; next } on && NF { print; if (++n == top) exit }' |
		sed -E 's#[^ ]*/(sysdeps|string|libio|stdlib|malloc|misc)/[^:]*:#libc:#; s# \[/[^]]*/([^/]*)\]$# [\1]#'
}

callgrind() {
	echo
	echo "== Instructions per event (valgrind --tool=callgrind), $cg_events events, $format"
	grow "$S/cg-inorder.txt" "$cg_events" 1
	grow "$S/cg-interleaved.txt" "$cg_events" "$k"
	: >"$S/empty.txt"
	local ir0 ir1 ir2
	rm -f "$OUT/cg.json"
	ir0=$(cg_run empty "$S/empty.txt")
	rm -f "$OUT/cg.json"
	ir1=$(cg_run inorder "$S/cg-inorder.txt")
	local docs1
	docs1=$(wc -l <"$OUT/cg.json")
	rm -f "$OUT/cg.json"
	ir2=$(cg_run interleaved "$S/cg-interleaved.txt")
	local records
	records=$(wc -l <"$S/cg-inorder.txt")
	awk -v a="$ir0" -v b="$ir1" -v c="$ir2" -v n="$cg_events" -v r="$records" -v d="$docs1" 'BEGIN {
		printf "  start-up and exit (empty input): %d instructions\n", a
		printf "  in order:    %d instructions = %.0f per event (%.0f per record), start-up excluded; %d documents%s\n", b, (b - a) / n, (b - a) / r, d, (d == n ? "" : " (not one per event: see README, stale time)")
		printf "  interleaved: %d instructions = %.0f per event (%.0f per record), start-up excluded\n", c, (c - a) / n, (c - a) / r
	}' | tee "$OUT/callgrind.txt"
	{
		echo "audisp-ecs per-function profile: callgrind, $cg_events events ($format, in order) through a pipe"
		echo "binary: $AUDISP_ECS (${BENCH_BUILD_TYPE:-?} build: static functions may be inlined into their callers)"
		echo
		echo "-- top 25, exclusive (instructions in the function itself)"
		top25 "$OUT/callgrind.inorder.out"
		echo
		echo "-- top 25, inclusive (the function and what it calls; the start-up chain above 99% left out)"
		TOP=60 top25 "$OUT/callgrind.inorder.out" --inclusive=yes |
			awk '{ p = $0; sub(/^[^(]*\(/, "", p); sub(/%.*/, "", p) } p + 0 < 99 { print; if (++n == 25) exit }'
		echo "   ... (see the full callgrind_annotate output for the rest)"
		echo
		echo "-- interleaved ($k in flight): top 25, exclusive"
		top25 "$OUT/callgrind.interleaved.out"
	} >"$OUT/profile.txt"
	echo "  profile: $OUT/profile.txt (callgrind_annotate $OUT/callgrind.inorder.out for all of it)"
	if ((print_profile)); then
		echo
		cat "$OUT/profile.txt"
	fi
}

# --- latency ------------------------------------------------------------------------
latency() {
	echo
	echo "== Latency: last record (EOE) written -> document read, idle stream, ${lat_gap} ms gaps"
	echo "   (audisp-ecs -c /dev/null -o stdout, pipes on stdin and stdout; events taken evenly across the template)"
	# one whole cycle of the template: latency.c takes events evenly across it
	grow "$S/lat.txt" "$(grep -o 'msg=audit([0-9.:]*)' "$TEMPLATE" | sort -u | wc -l)" 1
	"$BENCH_LATENCY" -n "$lat_events" -g "$lat_gap" "$S/lat.txt" -- \
		"$AUDISP_ECS" -c /dev/null -o stdout 2>"$OUT/latency.err" | sed 's/^/  /' | tee "$OUT/latency.txt"
	local rc=${PIPESTATUS[0]}
	case $rc in
	0) echo "  every EOE-terminated event's document came within 1 ms" ;;
	1) echo "  NOT MET: some EOE-terminated event took more than 1 ms (or never came)" ;;
	*) cat "$OUT/latency.err" >&2; die "latency measurement failed" ;;
	esac
	# the control: the same pipes and wake-ups, no work (grep answers each EOE)
	echo "   control, the floor set by pipes and the scheduler: grep --line-buffered type=EOE instead of audisp-ecs"
	"$BENCH_LATENCY" -E -n "$lat_events" -g "$lat_gap" "$S/lat.txt" -- \
		grep --line-buffered 'type=EOE' 2>>"$OUT/latency.err" | grep -E '^(EOE|slowest)' | sed 's/^/  control /' |
		tee -a "$OUT/latency.txt"
}

# --- RSS over a long stream ------------------------------------------------------------
rss() {
	echo
	echo "== RSS over $rss_events events ($format, $k in flight), generated on the fly into the pipe"
	echo "   (audisp-ecs -c /dev/null -o stdout | wc -l; VmRSS of the daemon sampled every second)"
	local log=$OUT/rss.tsv t0=$SECONDS job pid st docs
	echo "seconds vmrss_kb vmhwm_kb" >"$log"
	rm -f "$OUT/rss.pid"
	(
		"$STREAM_GROW" -q -n "$rss_events" -k "$k" "$TEMPLATE" |
			(echo $BASHPID >"$OUT/rss.pid" && exec "$AUDISP_ECS" -c /dev/null -o stdout 2>"$OUT/rss.err") |
			wc -l >"$OUT/rss.count"
	) &
	job=$!
	while [[ ! -s $OUT/rss.pid ]] && kill -0 $job 2>/dev/null; do sleep 0.01; done
	pid=$(cat "$OUT/rss.pid" 2>/dev/null)
	while [[ -n $pid ]] && kill -0 $job 2>/dev/null && [[ -r /proc/$pid/status ]]; do
		awk -v t=$((SECONDS - t0)) '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { if (r) print t, r, h }' \
			"/proc/$pid/status" 2>/dev/null >>"$log"
		sleep 1
	done
	wait $job
	st=$?
	((st == 0)) || { cat "$OUT/rss.err" >&2; die "the stream-grow | audisp-ecs | wc -l pipeline failed ($st)"; }
	docs=$(cat "$OUT/rss.count")
	local secs=$((SECONDS - t0))
	# the first 2 s are start-up (the daemon's buffers and caches filling)
	awk -v n="$rss_events" -v s="$secs" -v d="$docs" 'NR > 1 && $2 { all++; if ($3 > h) h = $3; if ($1 >= 2) x[++c] = $2 }
	END {
		printf "  %d documents for %d events, %d s (%.0f events/s wall), %d samples\n", d, n, s, n / (s ? s : 1), all
		if (c < 2) { printf "  too few samples after the first 2 s; peak (VmHWM) %.1f MiB\n", h / 1024; exit }
		min = max = x[1]; for (i = 1; i <= c; i++) { if (x[i] < min) min = x[i]; if (x[i] > max) max = x[i] }
		q = int(c / 4); if (q < 1) q = 1
		for (i = 1; i <= q; i++) a += x[i]; for (i = c - q + 1; i <= c; i++) b += x[i]
		printf "  VmRSS after the first 2 s: first %.2f MiB, last %.2f MiB, min %.2f MiB, max %.2f MiB\n", x[1] / 1024, x[c] / 1024, min / 1024, max / 1024
		printf "  mean of the first quarter %.2f MiB, of the last quarter %.2f MiB (growth %+.2f MiB)\n", a / q / 1024, b / q / 1024, (b - a) / q / 1024
		printf "  peak (VmHWM) %.2f MiB: %s\n", h / 1024, (h < 16 * 1024 ? "under 16 MiB" : "NOT under 16 MiB")
	}' "$log" | tee "$OUT/rss.txt"
	[[ $docs == "$rss_events" ]] || echo "  NOTE: $docs documents for $rss_events events"
}

((do_tp)) && throughput
((do_cg)) && callgrind
((do_lat)) && latency
((do_rss)) && rss
echo
echo "bench: done; results in $OUT"
