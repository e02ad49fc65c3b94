#!/usr/bin/env bash
# Runs the benchmark suite at one scale and writes benchmarks/results/<YYYY-MM-DD>/: report.md, one JSON
# file per benchmark, the logs, and PNG plots (gnuplot). See docs/benchmarks.md, "Report".
#
#   benchmarks/run_report.sh [small|medium|large]        (default: medium)
#
#   scale    batch cohort     served over gRPC   durability benchmark   match benchmark points
#   small    -                10k / 1k           100k candidates        10k/1k, 100k/10k
#   medium   100k / 10k       100k / 10k         1M candidates          10k/1k, 100k/10k
#   large    1M / 100k        100k / 10k         1M candidates          10k/1k, 100k/10k, 1M/100k
#
# (The gRPC targets are stated at a served cohort of 100k candidates / 10k openings; start-up and memory at
# 1M stored are the durability benchmark's.)
#
# Steps: Release build (cmake -G Ninja into build-bench, -j2); passerelle_match_benchmark at every point
# (with --postgres when PostgreSQL 15 is installed and the binary knows the flag; without it otherwise, or
# when that run fails); passerelle_batch_benchmark (medium and large); passerelle_micro_benchmark (kernels,
# top-k, updates under queries) at every point; passerelle_durability_benchmark;
# then passerelle-server on 127.0.0.1 (a free port) over a temporary data directory, the generated cohort
# imported with `passerelle import`, passerelle-load for each rpc at concurrency 1, 4 and 16 next to the
# health rpc (and the match rpcs again without explanations), a timed restart over the imported data, and SIGTERM. Every network call stays on loopback;
# every load run is bounded in requests and time.
#
# Environment overrides: BUILD_DIR (build-bench), RESULTS_DIR (benchmarks/results/<date>), JOBS (2),
# LOAD_CONCURRENCY (1,4,16), LOAD_REQUESTS (200000), LOAD_SECONDS (10), DURABILITY_CANDIDATES,
# MATCH_POINTS ("10000x1000 100000x10000"), SERVED ("100000x10000": the cohort served over gRPC), POSTGRES
# (auto|off), NATIVE (on|off; on by default at medium and large: a second build with -DPASSERELLE_NATIVE=ON runs
# the micro benchmark and the largest match point without PostgreSQL, reported beside the portable build's
# figures), PROFILE (auto|off; auto = when `perf` can record here: every benchmark, one extra load run per
# match rpc, and an extra import (server and client, into a second, fresh server) are sampled with `perf record
# -F 499` (flat, by symbol; a 499 Hz sample costs well under 1% of a core; the timed import and load runs are
# not sampled) and logs/profile-*.txt keep the top symbols, which the report quotes under
# "Where the time goes"). Each step's start is logged with /proc/stat's CPU counters (logs/cpu-time.tsv): the
# report says how much of the cores' time the hypervisor took for other guests (steal), step by step.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SCALE=${1:-medium}
case "$SCALE" in
  small) CANDIDATES=10000 OPENINGS=1000 DURABILITY=100000 POINTS="10000x1000 100000x10000" SERVED_DEFAULT=10000x1000 ;;
  medium) CANDIDATES=100000 OPENINGS=10000 DURABILITY=1000000 POINTS="10000x1000 100000x10000" SERVED_DEFAULT=100000x10000 ;;
  large) CANDIDATES=1000000 OPENINGS=100000 DURABILITY=1000000 POINTS="10000x1000 100000x10000 1000000x100000" SERVED_DEFAULT=100000x10000 ;;
  -h | --help)
    sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "usage: $0 [small|medium|large]" >&2
    exit 2
    ;;
esac
DURABILITY=${DURABILITY_CANDIDATES:-$DURABILITY}
POINTS=${MATCH_POINTS:-$POINTS}
SERVED=${SERVED:-$SERVED_DEFAULT}
SERVED_CANDIDATES=${SERVED%x*} SERVED_OPENINGS=${SERVED#*x}
PROFILE=${PROFILE:-auto}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
JOBS=${JOBS:-2}
DATE=$(date +%F)
OUT=${RESULTS_DIR:-$ROOT/benchmarks/results/$DATE}
LOAD_CONCURRENCY=${LOAD_CONCURRENCY:-1,4,16}
LOAD_REQUESTS=${LOAD_REQUESTS:-200000}
LOAD_SECONDS=${LOAD_SECONDS:-10}
POSTGRES=${POSTGRES:-auto}
if [ "$SCALE" = small ]; then NATIVE=${NATIVE:-off}; else NATIVE=${NATIVE:-on}; fi

# Each step also records the machine's CPU counters (the "cpu" line of /proc/stat) in logs/cpu-time.tsv, so
# that the report can say how much of each step's time the hypervisor gave to other guests (steal) and how
# busy the cores were: on a shared VM that is what makes two runs of the same code differ.
cpu_mark() { printf '%s\t%s\t%s\n' "$(date +%s.%N)" "$1" "$(head -n 1 /proc/stat)" >>"$OUT/logs/cpu-time.tsv"; }
step() {
  printf '\n==> %s\n' "$*"
  [ -d "$OUT/logs" ] && cpu_mark "$*"
  return 0
}
# A folder from an earlier run the same day: its figures go, so that none is mixed with this run's. Its
# hand-written analysis is kept aside (it describes the earlier figures, so the new report leaves it out).
if [ -d "$OUT" ]; then
  rm -rf "$OUT"/*.json "$OUT"/*.png "$OUT/report.md" "$OUT/plot-data" "$OUT/logs"
  if [ -f "$OUT/notes.md" ]; then
    mv "$OUT/notes.md" "$OUT/notes-previous-run.md"
    echo "kept the earlier run's analysis as $OUT/notes-previous-run.md"
  fi
fi
mkdir -p "$OUT/logs"

step "Machine"
LOAD_AT_START=$(cut -d ' ' -f 1-3 /proc/loadavg)
MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
MEM_KIB=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
# The vector extensions the kernels' run-time dispatch chooses among (docs/benchmarks.md, "Kernel paths").
VECTOR_EXTENSIONS=$(grep -m 1 '^flags' /proc/cpuinfo | tr ' ' '\n' |
  grep -E '^(sse4_2|avx|avx2|fma|avx512f|avx512bw|avx512dq|avx512vl|avx512_vnni)$' | paste -sd ' ' -)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo true || echo false)
cat >"$OUT/machine.json" <<EOF
{"date": "$DATE", "started": "$(date -u +%FT%TZ)", "scale": "$SCALE", "nproc": $(nproc), "cpu_model": "$MODEL",
 "memory_bytes": $((MEM_KIB * 1024)), "vector_extensions": "$VECTOR_EXTENSIONS", "load_average_at_start": "$LOAD_AT_START", "kernel": "$(uname -r)",
 "commit": "$COMMIT", "tree_modified": $DIRTY, "candidates": $CANDIDATES, "openings": $OPENINGS,
 "served_candidates": $SERVED_CANDIDATES, "served_openings": $SERVED_OPENINGS,
 "durability_candidates": $DURABILITY, "match_points": "$POINTS", "load_concurrency": "$LOAD_CONCURRENCY",
 "load_requests": $LOAD_REQUESTS, "load_seconds": $LOAD_SECONDS}
EOF
cat "$OUT/machine.json"

step "Dependencies (scripts/install-deps.sh; quick when installed)"
bash scripts/install-deps.sh

step "Release build into $BUILD_DIR (-j$JOBS)"
if [ -f "$BUILD_DIR/CMakeCache.txt" ]; then
  CACHED_SOURCE=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$BUILD_DIR/CMakeCache.txt")
  if [ -n "$CACHED_SOURCE" ] && [ "$(cd "$CACHED_SOURCE" 2>/dev/null && pwd -P)" != "$(pwd -P)" ]; then
    echo "$BUILD_DIR was configured for $CACHED_SOURCE, not $ROOT: set BUILD_DIR to another folder or remove it" >&2
    exit 1
  fi
fi
TARGETS="passerelle-server passerelle passerelle-generate passerelle-load passerelle_match_benchmark
         passerelle_batch_benchmark passerelle_durability_benchmark passerelle_micro_benchmark"
if ! { cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release &&
       cmake --build "$BUILD_DIR" -j "$JOBS" --target $TARGETS; } >"$OUT/logs/build.log" 2>&1; then
  tail -n 40 "$OUT/logs/build.log" >&2
  echo "build failed; the log is in $OUT/logs/build.log" >&2
  exit 1
fi
BIN="$BUILD_DIR"
MATCH_BIN="$BIN/benchmarks/passerelle_match_benchmark"

# PostgreSQL peer: when PostgreSQL is installed and the benchmark knows --postgres.
USE_PG=false
if [ "$POSTGRES" != off ] && { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } &&
   grep -aq -- '--postgres' "$MATCH_BIN"; then
  USE_PG=true
fi
echo "PostgreSQL peer: $USE_PG"

# perf sampling (PROFILE): flat profiles by symbol, so that a missed target comes with where its time goes.
PERF_DIR=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-perf.XXXXXX")
if [ "$PROFILE" = auto ] && command -v perf >/dev/null 2>&1 &&
   perf record -q -F 499 -o "$PERF_DIR/probe.data" -- true >/dev/null 2>&1; then
  PROFILE=on
else
  PROFILE=off
fi
echo "perf profiles: $PROFILE"
# Runs a command, sampled by perf when PROFILE=on (perf returns the command's exit status).
profiled() {
  local name=$1
  shift
  if [ "$PROFILE" = on ]; then
    perf record -q -F 499 -o "$PERF_DIR/$name.data" -- "$@"
  else
    "$@"
  fi
}
# Samples a running process until stop_sampling; one at a time.
SAMPLER_PID=""
sample_process() {
  [ "$PROFILE" = on ] || return 0
  perf record -q -F 499 -p "$1" -o "$PERF_DIR/$2.data" >/dev/null 2>&1 &
  SAMPLER_PID=$!
  sleep 0.5 # perf attaches before the work starts
}
stop_sampling() {
  [ -n "$SAMPLER_PID" ] || return 0
  kill -INT "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
}
# logs/profile-<name>.txt: the symbols above 0.5% of the samples, heaviest first.
summarise_profiles() {
  [ "$PROFILE" = on ] || return 0
  local data name
  for data in "$PERF_DIR"/*.data; do
    name=$(basename "$data" .data)
    [ "$name" = probe ] && continue
    perf report -i "$data" --stdio --no-children --sort dso,symbol --percent-limit 0.5 2>/dev/null |
      grep -v '^#' | grep -v '^[[:space:]]*$' | sed 's/[[:space:]]*-[[:space:]]*-[[:space:]]*$//' | cut -c 1-220 | head -n 40 >"$OUT/logs/profile-$name.txt" || true
  done
}

# Google Benchmark colours its console output even into a file.
strip_colours() { sed -i 's/\x1b\[[0-9;]*m//g' "$1"; }
FAILURES=()
for point in $POINTS; do
  c=${point%x*} o=${point#*x}
  step "Match benchmark at $c candidates / $o openings (postgres: $USE_PG)"
  log="$OUT/logs/match-$point.log" json="$OUT/match-$point.json"
  rm -f "$json"
  if $USE_PG; then
    if profiled "match-$point" "$MATCH_BIN" --candidates="$c" --openings="$o" --postgres --json="$json" >"$log" 2>&1; then
      strip_colours "$log"
      tail -n 6 "$log"
      continue
    fi
    strip_colours "$log"
    # It ran to the end (the JSON has PostgreSQL's times) but exited 1: a peer was faster, or a check failed.
    if [ -s "$json" ] && grep -q postgres_s "$json"; then
      FAILURES+=("match benchmark $point exited non-zero (see logs/match-$point.log: FAIL or MISMATCH lines)")
      tail -n 6 "$log"
      continue
    fi
    echo "with --postgres it failed (log: $log); again without PostgreSQL" >&2
    mv "$log" "$OUT/logs/match-$point-postgres-failed.log"
    FAILURES+=("match benchmark $point with --postgres failed: logs/match-$point-postgres-failed.log")
  fi
  if ! profiled "match-$point" "$MATCH_BIN" --candidates="$c" --openings="$o" --json="$json" >"$log" 2>&1; then
    FAILURES+=("match benchmark $point exited non-zero (see logs/match-$point.log: FAIL or MISMATCH lines)")
  fi
  strip_colours "$log"
  tail -n 6 "$log"
done

KERNEL_PATH=$(sed -n 's/^kernel path: \([a-z0-9_]*\).*/\1/p' "$OUT"/logs/match-*.log 2>/dev/null | head -n 1)
echo "kernel path that ran: ${KERNEL_PATH:-unknown}"

if [ "$SCALE" != small ]; then
  step "Batch benchmark at $CANDIDATES / $OPENINGS"
  if ! profiled batch "$BIN/benchmarks/passerelle_batch_benchmark" --candidates="$CANDIDATES" --openings="$OPENINGS" \
      --json="$OUT/batch-${CANDIDATES}x$OPENINGS.json" >"$OUT/logs/batch.log" 2>&1; then
    FAILURES+=("batch benchmark exited non-zero: logs/batch.log")
  fi
  tail -n 8 "$OUT/logs/batch.log"
fi

for point in $POINTS; do
  c=${point%x*} o=${point#*x}
  step "Micro benchmarks at $c / $o (kernels, top-k, updates under queries)"
  if ! profiled "micro-${c}x$o" "$BIN/benchmarks/passerelle_micro_benchmark" --candidates="$c" --openings="$o" \
      --json="$OUT/micro-${c}x$o.json" >"$OUT/logs/micro-${c}x$o.log" 2>&1; then
    FAILURES+=("micro benchmark at $point exited non-zero: logs/micro-${c}x$o.log")
  fi
  tail -n 5 "$OUT/logs/micro-${c}x$o.log"
done

if [ "$NATIVE" = on ]; then
  # The same benchmarks compiled for this CPU (-march=native everywhere, not only in the kernels' variants):
  # what a portable binary gives up here. The PostgreSQL peer is left out: the portable run measured it.
  NATIVE_DIR="$BUILD_DIR-native"
  LARGEST=${POINTS##* }
  step "Native build (-DPASSERELLE_NATIVE=ON) into $NATIVE_DIR; micro and match benchmarks at $LARGEST"
  if { cmake -S "$ROOT" -B "$NATIVE_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPASSERELLE_NATIVE=ON &&
       cmake --build "$NATIVE_DIR" -j "$JOBS" --target passerelle_match_benchmark passerelle_micro_benchmark; } \
      >"$OUT/logs/build-native.log" 2>&1; then
    c=${LARGEST%x*} o=${LARGEST#*x}
    if ! "$NATIVE_DIR/benchmarks/passerelle_micro_benchmark" --candidates="$c" --openings="$o" \
        --json="$OUT/native-micro-${c}x$o.json" >"$OUT/logs/native-micro-${c}x$o.log" 2>&1; then
      FAILURES+=("native micro benchmark at $LARGEST exited non-zero: logs/native-micro-${c}x$o.log")
    fi
    if ! "$NATIVE_DIR/benchmarks/passerelle_match_benchmark" --candidates="$c" --openings="$o" \
        --json="$OUT/native-match-${c}x$o.json" >"$OUT/logs/native-match-${c}x$o.log" 2>&1; then
      FAILURES+=("native match benchmark at $LARGEST exited non-zero: logs/native-match-${c}x$o.log")
    fi
    strip_colours "$OUT/logs/native-micro-${c}x$o.log"
    strip_colours "$OUT/logs/native-match-${c}x$o.log"
    tail -n 4 "$OUT/logs/native-match-${c}x$o.log"
  else
    FAILURES+=("native build failed: logs/build-native.log")
  fi
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-report.XXXXXX")
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_sampling
  stop_server
  rm -rf "$WORK" "$PERF_DIR"
}
trap cleanup EXIT

step "Durability benchmark: $DURABILITY candidates"
if ! profiled durability "$BIN/benchmarks/passerelle_durability_benchmark" --candidates="$DURABILITY" --dir="$WORK/durability" \
    --json="$OUT/durability-$DURABILITY.json" >"$OUT/logs/durability.log" 2>&1; then
  FAILURES+=("durability benchmark exited non-zero: logs/durability.log")
fi
rm -rf "$WORK/durability"
cat "$OUT/logs/durability.log"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
divide() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
rss_of() { awk '/^VmRSS:/ { printf "%d", $2 * 1024 }' "/proc/$1/status"; }
# Starts passerelle-server over $1 (default $WORK/data); sets SERVER_PID, PORT and STARTUP_S (launch to
# serving).
start_server() {
  local data_dir=${1:-$WORK/data}
  rm -f "$WORK/port"
  local t0
  t0=$(now)
  "$BIN/server/passerelle-server" --listen=127.0.0.1:0 --data_dir="$data_dir" --port_file="$WORK/port" \
    2>>"$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 1 1200); do
    [ -s "$WORK/port" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      tail -n 20 "$WORK/server.log" >&2
      echo "passerelle-server stopped before serving" >&2
      exit 1
    fi
    sleep 0.05
  done
  [ -s "$WORK/port" ] || { echo "passerelle-server did not serve within 60 s" >&2; exit 1; }
  STARTUP_S=$(since "$t0")
  PORT=$(cat "$WORK/port")
}

step "Cohort: $SERVED_CANDIDATES candidates, $SERVED_OPENINGS openings (passerelle-generate, seed 42)"
"$BIN/clients/passerelle-generate" --seed 42 --candidates "$SERVED_CANDIDATES" --openings "$SERVED_OPENINGS" --threads 2 \
  --out-dir "$WORK/cohort" >"$OUT/logs/generate.log" 2>&1

step "passerelle-server on 127.0.0.1, fresh data directory"
start_server
FRESH_STARTUP_S=$STARTUP_S
SERVER="127.0.0.1:$PORT"
RSS_EMPTY=$(rss_of "$SERVER_PID")
CLI=("$BIN/clients/passerelle" --server "$SERVER")
"${CLI[@]}" health --wait 30 >/dev/null
# Keys of the generated cohort's organisation ("sample"), made with the bootstrap admin key: the CLI and
# passerelle-load act as its counsellor (PASSERELLE_KEY), the openings' import as its employer.
for role in counsellor employer; do
  (umask 077 && "${CLI[@]}" keys create --organisation sample --role "$role" --secret-only \
    --key-file "$WORK/data/bootstrap-admin.key" >"$WORK/$role.key")
done
PASSERELLE_KEY=$(cat "$WORK/counsellor.key")
export PASSERELLE_KEY

step "Import over gRPC (passerelle import, synced batches of 1000)"
# Timed without a profiler: perf's start and its write-up at the client's exit took about a second of a
# 3-second import (2026-12-03-b). The import is profiled afterwards on a second server (below).
t0=$(now)
"${CLI[@]}" import candidates "$WORK/cohort/candidates.jsonl" --quiet | tee "$OUT/logs/import.log"
IMPORT_CANDIDATES_S=$(since "$t0")
t0=$(now)
"${CLI[@]}" import openings "$WORK/cohort/openings.jsonl" --quiet --key-file "$WORK/employer.key" |
  tee -a "$OUT/logs/import.log"
IMPORT_OPENINGS_S=$(since "$t0")
RSS_LOADED=$(rss_of "$SERVER_PID")
echo "server VmRSS: $RSS_EMPTY bytes empty, $RSS_LOADED bytes with the cohort"

step "Load: passerelle-load, concurrency $LOAD_CONCURRENCY, each run at most $LOAD_REQUESTS answers and $LOAD_SECONDS s"
if ! "$BIN/benchmarks/passerelle-load" --server="$SERVER" \
    --rpc=match_openings,match_candidates,explain,put_candidate --concurrency="$LOAD_CONCURRENCY" \
    --requests="$LOAD_REQUESTS" --duration_seconds="$LOAD_SECONDS" --candidates="$SERVED_CANDIDATES" \
    --openings="$SERVED_OPENINGS" --json="$OUT/load.json" 2>&1 | tee "$OUT/logs/load.log"; then
  FAILURES+=("passerelle-load failed: logs/load.log")
fi
step "Load without explanations (match rpcs, explain=false): what the sentences cost"
if ! "$BIN/benchmarks/passerelle-load" --server="$SERVER" --rpc=match_openings,match_candidates --explain=false \
    --concurrency="$LOAD_CONCURRENCY" --requests="$LOAD_REQUESTS" --duration_seconds="$LOAD_SECONDS" \
    --candidates="$SERVED_CANDIDATES" --openings="$SERVED_OPENINGS" --json="$OUT/load-no-explain.json" 2>&1 |
    tee "$OUT/logs/load-no-explain.log"; then
  FAILURES+=("passerelle-load (explain=false) failed: logs/load-no-explain.log")
fi
RSS_AFTER_LOAD=$(rss_of "$SERVER_PID")
if [ "$PROFILE" = on ]; then
  step "Profiles of the server: each match rpc at concurrency 1 for 5 s, sampled (not part of the figures)"
  for rpc in match_openings match_candidates; do
    sample_process "$SERVER_PID" "server-$rpc"
    "$BIN/benchmarks/passerelle-load" --server="$SERVER" --rpc="$rpc" --concurrency=1 --requests="$LOAD_REQUESTS" \
      --duration_seconds=5 --candidates="$SERVED_CANDIDATES" --openings="$SERVED_OPENINGS" \
      >"$OUT/logs/profile-load-$rpc.log" 2>&1 || FAILURES+=("profile load run $rpc failed: logs/profile-load-$rpc.log")
    stop_sampling
  done
fi

step "Restart over the imported data (SIGTERM, then start until serving)"
t0=$(now)
stop_server
STOP_S=$(since "$t0")
start_server
RESTART_S=$STARTUP_S
RSS_RESTARTED=$(rss_of "$SERVER_PID")
"$BIN/clients/passerelle" --server "127.0.0.1:$PORT" health --wait 30 >/dev/null
stop_server
echo "stop ${STOP_S} s, start ${RESTART_S} s (fresh start was ${FRESH_STARTUP_S} s)"
grep -h '"event":"load"' "$WORK/server.log" | tail -n 1 >"$OUT/logs/server-load-event.json" || true
grep -h '"event":"\(fatal\|invalid_record\)"' "$WORK/server.log" >"$OUT/logs/server-errors.log" || true
if [ "$PROFILE" = on ]; then
  # The same import into a fresh data directory (an import into the first would replace every record, a
  # different path), both sides sampled.
  step "Profile of the import: a second server on a fresh data directory, sampled (not part of the figures)"
  start_server "$WORK/profile-data"
  PROFILE_CLI=("$BIN/clients/passerelle" --server "127.0.0.1:$PORT")
  "${PROFILE_CLI[@]}" health --wait 30 >/dev/null
  PROFILE_KEY=$("${PROFILE_CLI[@]}" keys create --organisation sample --role counsellor --secret-only \
    --key-file "$WORK/profile-data/bootstrap-admin.key")
  sample_process "$SERVER_PID" import-server
  PASSERELLE_KEY=$PROFILE_KEY profiled import-client "${PROFILE_CLI[@]}" import candidates \
    "$WORK/cohort/candidates.jsonl" --quiet >"$OUT/logs/profile-import.log" 2>&1 ||
    FAILURES+=("profiled import failed: logs/profile-import.log")
  stop_sampling
  stop_server
fi

cat >"$OUT/server.json" <<EOF
{"candidates": $SERVED_CANDIDATES, "openings": $SERVED_OPENINGS, "fresh_startup_s": $FRESH_STARTUP_S,
 "import_candidates_s": $IMPORT_CANDIDATES_S, "import_openings_s": $IMPORT_OPENINGS_S,
 "import_candidates_per_s": $(divide "$SERVED_CANDIDATES" "$IMPORT_CANDIDATES_S"),
 "rss_empty_bytes": $RSS_EMPTY, "rss_loaded_bytes": $RSS_LOADED, "rss_after_load_bytes": $RSS_AFTER_LOAD,
 "rss_restarted_bytes": $RSS_RESTARTED, "stop_s": $STOP_S, "restart_s": $RESTART_S}
EOF

FAILURES_JSON=$(printf '%s\n' "${FAILURES[@]:-}" | python3 -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin if l.strip()]))')
echo "{\"failures\": $FAILURES_JSON, \"load_average_at_end\": \"$(cut -d ' ' -f 1-3 /proc/loadavg)\", \"postgres\": $USE_PG, \"kernel_path\": \"${KERNEL_PATH:-unknown}\", \"native\": \"$NATIVE\", \"profile\": \"$PROFILE\"}" \
  >"$OUT/run.json"

cpu_mark end
summarise_profiles
step "Report"
python3 "$ROOT/benchmarks/report.py" "$OUT"
echo "Written: $OUT/report.md"
if [ ${#FAILURES[@]} -gt 0 ]; then
  printf 'failures:\n' >&2
  printf '  %s\n' "${FAILURES[@]}" >&2
fi
