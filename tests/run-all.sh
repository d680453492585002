#!/bin/bash
# The whole test suite: builds audisp-ecs twice and runs every unit and
# end-to-end test with ctest on both builds, then the fuzzers:
#   build/       the normal build (also runs the daemon under valgrind)
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer
#   build-fuzz/  the libFuzzer harnesses (clang): each on the regression
#                inputs, then each fuzzing for FUZZ_SECONDS (default 60), two
#                at a time (ctest -L fuzz, tests/fuzz/run.sh)
# Tests that start a real auditd need root and kernel audit; without them they
# are reported as skipped, with the reason; so are the fuzz tests without
# clang. SANITIZE=0 skips the second build, FUZZ=0 the third, FUZZ_SECONDS=0
# the fuzzing (the regression inputs still run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=$(nproc)

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure --timeout 600

if [[ ${SANITIZE:-1} != 0 ]]; then
	cmake -S "$root" -B "$build-asan" -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON >/dev/null
	cmake --build "$build-asan" -j"$jobs"
	# valgrind and ASan do not mix; the normal build covered memcheck
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --test-dir "$build-asan" --output-on-failure --timeout 600 -E '^e2e\.valgrind\.'
fi

if [[ ${FUZZ:-1} != 0 ]]; then
	export FUZZ_SECONDS=${FUZZ_SECONDS:-60}
	cc=()
	if command -v clang >/dev/null; then
		cc=(-DCMAKE_C_COMPILER=clang)
	else
		echo "fuzz: no clang, the fuzz tests will be skipped (apt-get install clang libclang-rt-14-dev)"
	fi
	cmake -S "$root" -B "$build-fuzz" -DCMAKE_BUILD_TYPE=Debug -DBUILD_FUZZERS=ON "${cc[@]}" >/dev/null
	# only the fuzzers link in this build (the library is instrumented)
	cmake --build "$build-fuzz" -j"$jobs" --target fuzzers
	ctest --test-dir "$build-fuzz" -L fuzz --output-on-failure -j"$jobs" \
		--timeout $((FUZZ_SECONDS + 300))
fi
