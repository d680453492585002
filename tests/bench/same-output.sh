#!/bin/bash
# same-output: does an optimization change what the daemon writes?
#
#   tests/bench/same-output.sh [--events N] [--out DIR] OLD_BIN NEW_BIN
#
# Runs two audisp-ecs binaries (say, main's and a branch's) with default
# configuration on every recorded stream and fixture in tests/data, and on
# three streams grown from the live capture (enriched, raw, and enriched
# with 8 events in flight; N events each, default 20000), and compares the
# documents and exit statuses byte for byte. Prints each input whose output
# differs and exits 1 if any does; 0 when all are identical.
#
# Every optimization of the pipeline in issue 5 was checked this way after
# each step: speed work must not change a single byte. Needs stream-grow
# (built next to NEW_BIN's build, or set STREAM_GROW).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA=$(cd "$HERE/../data" && pwd)
events=20000 out=/tmp/audisp-ecs-same-output

while [[ $# -gt 2 ]]; do
	case $1 in
	--events) events=${2:?} && shift ;;
	--out) out=${2:?} && shift ;;
	*) break ;;
	esac
	shift
done
[[ $# -eq 2 ]] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
old=$1 new=$2
for b in "$old" "$new"; do
	[[ -x $b ]] || { echo "same-output: $b is not an executable" >&2; exit 2; }
done
grow=${STREAM_GROW:-$(dirname "$new")/../tests/bench/stream-grow}
[[ -x $grow ]] || { echo "same-output: no stream-grow at $grow (build target stream-grow, or set STREAM_GROW)" >&2; exit 2; }

rm -rf "$out" && mkdir -p "$out/streams" "$out/old" "$out/new" || exit 2
"$grow" -q -n "$events" "$DATA/live/capture1-enriched.txt" >"$out/streams/enriched.txt" &&
	"$grow" -q -n "$events" "$DATA/live/capture1-raw.txt" >"$out/streams/raw.txt" &&
	"$grow" -q -n "$events" -k 8 "$DATA/live/capture1-enriched.txt" >"$out/streams/interleaved.txt" ||
	{ echo "same-output: stream-grow failed" >&2; exit 2; }

inputs=()
while IFS= read -r f; do inputs+=("$f"); done < <(
	find "$DATA" -type f \( -name '*.txt' -o -name '*.log' -o -name '*.bin' \) \
		! -name 'LICENSE*' ! -name 'NOTICE*' ! -name 'SOURCE_COMMIT*' | sort)
inputs+=("$out"/streams/*.txt)

differ=0
for f in "${inputs[@]}"; do
	name=$(echo "${f#"$DATA"/}" | tr / _)
	for side in old new; do
		bin=$old && [[ $side == new ]] && bin=$new
		"$bin" -c /dev/null -i "$f" -o "file:$out/$side/$name.json" 2>/dev/null
		echo "exit status $?" >>"$out/$side/$name.json"
	done
	if ! cmp -s "$out/old/$name.json" "$out/new/$name.json"; then
		echo "differs: $f (diff $out/old/$name.json $out/new/$name.json)"
		differ=1
	fi
done
if ((differ)); then
	echo "same-output: outputs differ (kept in $out)"
	exit 1
fi
echo "same-output: all ${#inputs[@]} outputs identical"
rm -rf "$out"
