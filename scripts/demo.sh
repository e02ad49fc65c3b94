#!/usr/bin/env bash
# Passerelle in two minutes (plus the first build): installs what the build needs, builds the server and
# the CLI, starts passerelle-server on loopback with a fresh data directory, reads the bootstrap admin
# key it writes there, creates a counsellor key and an employer key for the sample's organisation,
# imports the sample cohort (data/sample), prints real matches with their reasons for one candidate and
# one opening, explains one pair, asks the same through the HTTP/JSON gateway (passerelle-gateway, started
# beside the server) with curl, prints the console's address and the demo key, then stops both with SIGTERM.
#
# Usage: scripts/demo.sh [--serve]   (BUILD_DIR and JOBS may be set; DEMO_CANDIDATE picks another person)
#   --serve   keep the server and the gateway running at the end, for the console in a browser, until Ctrl-C
set -euo pipefail
SERVE=0
for arg in "$@"; do
  case "$arg" in
    --serve) SERVE=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
# A person of the sample cohort with several good openings near home (Paris, building trades).
DEMO_CANDIDATE=${DEMO_CANDIDATE:-cand-000379}

if [ -t 1 ]; then BOLD=$'\e[1m'; DIM=$'\e[2m'; RESET=$'\e[0m'; else BOLD=""; DIM=""; RESET=""; fi
step() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
note() { printf '%s%s%s\n' "$DIM" "$*" "$RESET"; }
show() { printf '%s$ %s%s\n' "$DIM" "$*" "$RESET"; "$@"; }

# --- 1. Dependencies and build ------------------------------------------------------------------------
step "Installing build dependencies (Debian packages; quick when already there)"
bash scripts/install-deps.sh

step "Building passerelle-server, passerelle-gateway and the passerelle CLI into ./$BUILD_DIR"
note "The first build compiles the engine, the API and the server: several minutes on a small machine."
BUILD_LOG="$BUILD_DIR/demo-build.log"
mkdir -p "$BUILD_DIR"
if ! { cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$BUILD_DIR" -j "$JOBS" --target passerelle-server passerelle-gateway passerelle; } >"$BUILD_LOG" 2>&1; then
  tail -n 40 "$BUILD_LOG"
  echo "Build failed; the full log is in $BUILD_LOG" >&2
  exit 1
fi
echo "Built. Below, 'passerelle' is $BUILD_DIR/clients/passerelle. (build log: $BUILD_LOG)"
SERVER_BIN="$ROOT/$BUILD_DIR/server/passerelle-server"
GATEWAY_BIN="$ROOT/$BUILD_DIR/server/gateway/passerelle-gateway"
CLI_BIN="$ROOT/$BUILD_DIR/clients/passerelle"
passerelle() { "$CLI_BIN" "$@"; }

# --- 2. Server ----------------------------------------------------------------------------------------
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-demo.XXXXXX")
SERVER_PID=""
GATEWAY_PID=""
cleanup() {
  if [ -n "$GATEWAY_PID" ] && kill -0 "$GATEWAY_PID" 2>/dev/null; then
    kill -TERM "$GATEWAY_PID" 2>/dev/null || true
    wait "$GATEWAY_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT

step "Starting passerelle-server on loopback with a fresh data directory"
# Port 0: the system picks a free port, so the demo never collides with a server already running.
"$SERVER_BIN" --listen=127.0.0.1:0 --data_dir="$WORK_DIR/data" --port_file="$WORK_DIR/port" \
  2>"$WORK_DIR/server.log" &
SERVER_PID=$!
for _ in $(seq 1 300); do
  [ -s "$WORK_DIR/port" ] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    cat "$WORK_DIR/server.log" >&2
    echo "passerelle-server stopped before serving; its log is above." >&2
    exit 1
  fi
  sleep 0.1
done
[ -s "$WORK_DIR/port" ] || { echo "passerelle-server did not start within 30 s" >&2; exit 1; }
export PASSERELLE_SERVER="127.0.0.1:$(cat "$WORK_DIR/port")"
passerelle health --wait 30 >/dev/null
echo "Serving on $PASSERELLE_SERVER (data in $WORK_DIR/data, logs in $WORK_DIR/server.log; pid $SERVER_PID)."

# --- 3. Keys ------------------------------------------------------------------------------------------
step "API keys: the bootstrap admin key creates one key per role the demo needs"
ADMIN_KEY_FILE="$WORK_DIR/data/bootstrap-admin.key"
note "A fresh data directory gets an admin key, in $ADMIN_KEY_FILE (mode $(stat -c %a "$ADMIN_KEY_FILE"))."
note "The sample's records belong to the organisation \"sample\": a counsellor key writes its candidates,"
note "an employer key its openings. Every call carries one as 'authorization: Bearer <key>'."
for role in counsellor employer; do
  note "\$ passerelle keys create --organisation sample --role $role --key-file $ADMIN_KEY_FILE --secret-only >$role.key"
  (umask 077 && passerelle keys create --organisation sample --role "$role" --description demo \
    --key-file "$ADMIN_KEY_FILE" --secret-only >"$WORK_DIR/$role.key")
done
show passerelle keys list --key-file "$ADMIN_KEY_FILE"
# From here on the CLI acts as the counsellor (PASSERELLE_KEY_FILE), except for the openings' import.
export PASSERELLE_KEY_FILE="$WORK_DIR/counsellor.key"

# --- 4. Data ------------------------------------------------------------------------------------------
step "Importing the sample cohort (synthetic people, real places and occupations)"
show passerelle import candidates data/sample/candidates.jsonl
show passerelle import openings data/sample/openings.jsonl --key-file "$WORK_DIR/employer.key"
# France Travail offers as published (a search response), mapped on the server (docs/francetravail.md).
# Two of them name only a département and are rejected with the field and reason: exit code 3.
show passerelle import francetravail data/sample/francetravail_offers.json --sync --quiet \
  --key-file "$WORK_DIR/employer.key" || [ $? -eq 3 ]

# --- 5. Matches ---------------------------------------------------------------------------------------
# The best opening of the demo candidate, read from the JSON answer (no jq needed).
best_opening() {
  passerelle match openings --candidate "$1" --k 1 --no-explain --json |
    grep -o '"id": "[^"]*"' | head -n 1 | cut -d '"' -f 4
}
OPENING=$(best_opening "$DEMO_CANDIDATE")
if [ -z "$OPENING" ]; then
  # The sample was regenerated and this person has no match any more: take the first who has one.
  for i in $(seq 0 499); do
    DEMO_CANDIDATE=$(printf 'cand-%06d' "$i")
    OPENING=$(best_opening "$DEMO_CANDIDATE")
    [ -n "$OPENING" ] && break
  done
fi

step "Who candidate $DEMO_CANDIDATE is (pseudonymous: no name, origin, age or gender is ever stored)"
show passerelle get candidate "$DEMO_CANDIDATE"

step "The best openings for candidate $DEMO_CANDIDATE"
note "Scores are in [0, 1]; each column is one criterion of docs/scoring.md. Near-misses are openings that"
note "only support can unlock (French course, housing, licence, distance)."
show passerelle match openings --candidate "$DEMO_CANDIDATE" --k 5 --near-misses 2 --reasons 2

step "The best candidates for opening $OPENING"
show passerelle match candidates --opening "$OPENING" --k 5 --reasons 1

step "Why candidate $DEMO_CANDIDATE and opening $OPENING match, for a counsellor (in French)"
note "The contributions add up to the score; the same numbers drive the ranking above."
show passerelle explain --candidate "$DEMO_CANDIDATE" --opening "$OPENING" --lang fr

# --- 6. The HTTP/JSON gateway and the console ----------------------------------------------------------
step "The same API as JSON over HTTP: passerelle-gateway, a gRPC client of the server (docs/api.md)"
"$GATEWAY_BIN" --listen=127.0.0.1:0 --server="$PASSERELLE_SERVER" --port_file="$WORK_DIR/gateway-port" \
  2>"$WORK_DIR/gateway.log" &
GATEWAY_PID=$!
for _ in $(seq 1 300); do
  [ -s "$WORK_DIR/gateway-port" ] && break
  if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
    cat "$WORK_DIR/gateway.log" >&2
    echo "passerelle-gateway stopped before serving; its log is above." >&2
    exit 1
  fi
  sleep 0.1
done
[ -s "$WORK_DIR/gateway-port" ] || { echo "passerelle-gateway did not start within 30 s" >&2; exit 1; }
GATEWAY="http://127.0.0.1:$(cat "$WORK_DIR/gateway-port")"
COUNSELLOR_KEY=$(cat "$WORK_DIR/counsellor.key")
note "\$ curl -H \"Authorization: Bearer \$KEY\" \"$GATEWAY/v1/candidates/$DEMO_CANDIDATE:matchOpenings?k=2&explain=false\""
ANSWER=$(curl -sS -f -H "Authorization: Bearer $COUNSELLOR_KEY" \
  "$GATEWAY/v1/candidates/$DEMO_CANDIDATE:matchOpenings?k=2&explain=false")
printf '%s...\n' "${ANSWER:0:600}"
echo
echo "${BOLD}Console:${RESET}  $GATEWAY/console/"
echo "${BOLD}Demo key${RESET} (counsellor of the organisation \"sample\"): $COUNSELLOR_KEY"
echo "Employer key: $(cat "$WORK_DIR/employer.key")"
if [ "$SERVE" -eq 1 ]; then
  note "Serving until Ctrl-C (server log: $WORK_DIR/server.log, gateway log: $WORK_DIR/gateway.log)."
  trap 'echo; echo "Stopping."' INT
  wait "$GATEWAY_PID" || true
  trap - INT
else
  note "Run 'scripts/demo.sh --serve' to keep them running and open the console in a browser."
fi

# --- 7. Stop ------------------------------------------------------------------------------------------
step "Stopping the gateway and the server (SIGTERM: in-flight calls finish, storage is closed)"
if kill -0 "$GATEWAY_PID" 2>/dev/null; then kill -TERM "$GATEWAY_PID"; fi
wait "$GATEWAY_PID" 2>/dev/null || true
GATEWAY_PID=""
kill -TERM "$SERVER_PID" 2>/dev/null || true
SERVER_STATUS=0
wait "$SERVER_PID" || SERVER_STATUS=$?
SERVER_PID=""
if [ "$SERVER_STATUS" -ne 0 ]; then
  cat "$WORK_DIR/server.log" >&2
  echo "passerelle-server exited with status $SERVER_STATUS" >&2
  exit 1
fi
echo "Stopped cleanly."
echo
echo "Next: 'scripts/test.sh' runs every test; '$BUILD_DIR/clients/passerelle --help' lists the CLI's commands;"
echo "docs/api.md describes the API and the CLI."
