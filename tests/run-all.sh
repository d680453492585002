#!/bin/bash
# The whole test suite: builds audisp-ecs twice and runs every unit and
# end-to-end test with ctest on both builds:
#   build/       the normal build (also runs the daemon under valgrind)
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer
# Tests that start a real auditd need root and kernel audit; without them they
# are reported as skipped, with the reason. SANITIZE=0 skips the second build.
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
