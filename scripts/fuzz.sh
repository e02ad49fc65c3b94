#!/usr/bin/env bash
# Runs every libFuzzer target of a PASSERELLE_FUZZ build (tests/fuzz) for a bounded time each, starting
# from its checked-in corpus (tests/fuzz/corpus/<target>). New inputs go to a scratch corpus, never into
# the checked-in one; a crash leaves its input in $OUT_DIR/<target>/ and fails the run. To keep a finding
# as a regression test, fix the bug, then copy the input to tests/fuzz/regressions/<target>/ (CTest
# "fuzz.<target>" replays it).
# Usage: scripts/fuzz.sh [BUILD_DIR] [SECONDS_PER_TARGET]   (defaults: build-asan, 25)
#   The longer run of docs/operations.md: scripts/fuzz.sh build-asan 3600
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build-asan}
SECONDS_PER_TARGET=${2:-25}
OUT_DIR=${OUT_DIR:-$(mktemp -d /tmp/passerelle-fuzz-XXXXXX)}
# The list CMake builds (tests/fuzz/CMakeLists.txt PASSERELLE_FUZZ_TARGETS), read from the build.
targets=$(sed -n 's/^PASSERELLE_FUZZ_TARGETS:INTERNAL=//p' "$BUILD_DIR/CMakeCache.txt" | tr ';' ' ')
if [ -z "$targets" ]; then
  echo "scripts/fuzz.sh: $BUILD_DIR is not a PASSERELLE_FUZZ build" >&2
  exit 1
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for target in $targets; do
  binary="$BUILD_DIR/tests/fuzz/$target"
  [ -x "$binary" ] || { echo "scripts/fuzz.sh: $binary is missing" >&2; exit 1; }
  mkdir -p "$OUT_DIR/$target/corpus"
  echo "== $target: ${SECONDS_PER_TARGET}s"
  if ! "$binary" -max_total_time="$SECONDS_PER_TARGET" -timeout=25 -rss_limit_mb=4096 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$OUT_DIR/$target/" "$OUT_DIR/$target/corpus" \
      "tests/fuzz/corpus/$target" > "$OUT_DIR/$target/log" 2>&1; then
    echo "scripts/fuzz.sh: $target found a bug; input and log under $OUT_DIR/$target/" >&2
    tail -n 60 "$OUT_DIR/$target/log" >&2
    failed=1
  else
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$OUT_DIR/$target/log" | tr '\n' ' '
    echo
  fi
done
exit "$failed"
