#!/usr/bin/env bash
# Builds Passerelle and runs every test: the full build with CTest, then the engine's and the catalog's
# concurrency tests again under ThreadSanitizer. Usage: scripts/test.sh   (BUILD_DIR and JOBS may be set)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS"

# Under ThreadSanitizer: the index's lock-free reads (engine tests) and the catalog's concurrent writers
# and multi-threaded start-up (store tests). No gRPC code is built here, only the protobuf messages.
cmake -S . -B "$BUILD_DIR-tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPASSERELLE_SANITIZE=thread \
  -DPASSERELLE_BUILD_SERVICE=ON -DPASSERELLE_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$BUILD_DIR-tsan" -j "$JOBS" --target passerelle_engine_tests passerelle_store_tests
TSAN_OPTIONS="halt_on_error=1" "$BUILD_DIR-tsan/tests/passerelle_engine_tests" \
  --gtest_filter='ConcurrencyTest.*:MatchIndexTest.*:KernelConsistencyTest.*'
# Debian's RocksDB is not instrumented: tests/store/tsan.supp says why these suppressions and options.
TSAN_OPTIONS="halt_on_error=1 suppressions=tests/store/tsan.supp" \
  "$BUILD_DIR-tsan/tests/store/passerelle_store_tests" --gtest_filter='-*Concurrent*'
TSAN_OPTIONS="halt_on_error=1 ignore_noninstrumented_modules=1 suppressions=tests/store/tsan.supp" \
  "$BUILD_DIR-tsan/tests/store/passerelle_store_tests" --gtest_filter='*Concurrent*'
