#!/bin/bash
# The whole test suite: builds audisp-ecs and runs every unit and end-to-end
# test with ctest. Tests that start a real auditd need root and kernel audit;
# without them they are reported as skipped, with the reason.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure --timeout 300
