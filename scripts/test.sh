#!/usr/bin/env bash
# Builds Passerelle and runs every test: the full build with CTest, then the tests labelled "*-tsan" (the
# index's lock-free reads, the kernels, the catalog's concurrent writers and multi-threaded start-up) again
# in a ThreadSanitizer build. Usage: scripts/test.sh   (BUILD_DIR, JOBS and PASSERELLE_WERROR may be set)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
# ON turns compiler warnings into errors (-Werror).
WERROR=${PASSERELLE_WERROR:-ON}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPASSERELLE_WERROR="$WERROR" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS"

# Under ThreadSanitizer: only the test binaries that hold "*-tsan" tests are built (no gRPC code, only the
# protobuf messages); each test carries its TSAN_OPTIONS (tests/CMakeLists.txt, tests/store/tsan.supp).
cmake -S . -B "$BUILD_DIR-tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPASSERELLE_SANITIZE=thread \
  -DPASSERELLE_BUILD_SERVICE=ON -DPASSERELLE_BUILD_BENCHMARKS=OFF -DPASSERELLE_WERROR="$WERROR" >/dev/null
cmake --build "$BUILD_DIR-tsan" -j "$JOBS" --target passerelle_engine_tests passerelle_store_tests
ctest --test-dir "$BUILD_DIR-tsan" --output-on-failure -j "$JOBS" -L tsan --no-tests=error
