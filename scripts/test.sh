#!/usr/bin/env bash
# Builds Passerelle and runs every test: the full build with CTest (the contents-checking crash test's 50
# kill -9 cycles and the disk-fault tests included); the tests labelled "*-tsan" (the index's lock-free
# reads, the kernels, the catalog's concurrent writers and multi-threaded start-up) again in a
# ThreadSanitizer build; the CTest suite (the browser test excepted) again under AddressSanitizer + UndefinedBehaviorSanitizer
# in one clang-14 tree that also builds the libFuzzer targets, which then run for a bounded time each.
# Usage: scripts/test.sh   (BUILD_DIR, JOBS, PASSERELLE_WERROR and FUZZ_SECONDS may be set)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
# ON turns compiler warnings into errors (-Werror).
WERROR=${PASSERELLE_WERROR:-ON}

# What every test tree shares, to keep CI within its hour on two cores: line tables only (-g1, as much as
# sanitizer and test stack traces print; full -g made objects ~5x larger and compiles ~25% slower), lld
# (links ~4x faster than GNU ld; package lld) and unity builds (CMake joins up to 8 sources of a target into
# one translation unit: most of a file's compile time is parsing gRPC, protobuf and gtest headers, ~15 s of
# a 20 s server test, so a batch parses them once; the normal tree built in 12 minutes instead of 19 from
# a clean clone, docs/operations.md). Override with TEST_TREE_FLAGS_OFF=1 (benchmarks/run_report.sh's Release trees build file by file,
# so a source that compiles only inside its batch still fails there).
tree_flags=()
if [ -z "${TEST_TREE_FLAGS_OFF:-}" ]; then
  tree_flags=(-DCMAKE_UNITY_BUILD=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld
    -DCMAKE_MODULE_LINKER_FLAGS=-fuse-ld=lld)
fi

# PASSERELLE_KERNEL_FLATTEN=OFF: the same arithmetic, compiled in seconds rather than minutes per vector path
# (the speed it buys is measured by benchmarks/run_report.sh, whose Release build keeps it on).
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPASSERELLE_WERROR="$WERROR" \
  -DPASSERELLE_KERNEL_FLATTEN=OFF "${tree_flags[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS"

# Under ThreadSanitizer: only the test binaries that hold "*-tsan" tests are built (no gRPC code, only the
# protobuf messages); each test carries its TSAN_OPTIONS (tests/CMakeLists.txt, tests/store/tsan.supp).
cmake -S . -B "$BUILD_DIR-tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPASSERELLE_SANITIZE=thread \
  -DPASSERELLE_BUILD_SERVICE=ON -DPASSERELLE_BUILD_BENCHMARKS=OFF -DPASSERELLE_WERROR="$WERROR" "${tree_flags[@]}" >/dev/null
cmake --build "$BUILD_DIR-tsan" -j "$JOBS" --target passerelle_engine_concurrency_tests passerelle_store_tests
ctest --test-dir "$BUILD_DIR-tsan" --output-on-failure -j "$JOBS" -L tsan --no-tests=error

# Under AddressSanitizer + UndefinedBehaviorSanitizer (clang-14, UBSan aborting on its first report): every
# CTest test, the fuzz targets' corpus replays ("fuzz.*") included, in one tree built without benchmarks.
# Debian's RocksDB, gRPC, protobuf and Abseil are not instrumented: docs/operations.md ("Failure modes",
# sanitizers) says what that leaves out.
cmake -S . -B "$BUILD_DIR-asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DPASSERELLE_SANITIZE=address,undefined -DPASSERELLE_FUZZ=ON -DPASSERELLE_BUILD_BENCHMARKS=OFF \
  -DPASSERELLE_WERROR="$WERROR" "${tree_flags[@]}" >/dev/null
cmake --build "$BUILD_DIR-asan" -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$BUILD_DIR-asan" --output-on-failure -j "$JOBS"
# Each fuzz target for FUZZ_SECONDS (default 20) from its checked-in corpus.
bash scripts/fuzz.sh "$BUILD_DIR-asan" "${FUZZ_SECONDS:-20}"
