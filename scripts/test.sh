#!/usr/bin/env bash
# Builds Passerelle and runs every test: the full build with CTest, then the engine's concurrency tests
# again under ThreadSanitizer. Usage: scripts/test.sh   (BUILD_DIR and JOBS may be set)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS"

# The index's lock-free reads checked by ThreadSanitizer (engine only: small and quick to build).
cmake -S . -B "$BUILD_DIR-tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPASSERELLE_SANITIZE=thread \
  -DPASSERELLE_BUILD_SERVICE=OFF -DPASSERELLE_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$BUILD_DIR-tsan" -j "$JOBS" --target passerelle_engine_tests
TSAN_OPTIONS="halt_on_error=1" "$BUILD_DIR-tsan/tests/passerelle_engine_tests" \
  --gtest_filter='ConcurrencyTest.*:MatchIndexTest.*:KernelConsistencyTest.*'
