#!/usr/bin/env bash
# Instructions per request, counted by callgrind: unlike CPU time, the count does not depend
# on what else the machine is running, so it compares servers on a busy machine too.
#
#   bench/callgrind.sh NAME URL [LOADGEN-ARGS…] -- SERVER-COMMAND…
#
# Starts SERVER-COMMAND under callgrind with instrumentation off, waits until URL answers,
# switches it on, sends $N requests (4 connections), dumps, stops the server and
# prints `name=… requests=… ir_per_req=…` plus the top functions (inclusive) to
# $OUT/NAME.callgrind.txt. Example:
#
#   bench/callgrind.sh bare gemini://127.0.0.1:19660/ -- \
#       target/release/examples/bare --listen 127.0.0.1:19660 --data-dir /tmp/bare
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
LOADGEN=${LOADGEN:-$TARGET/release/examples/loadgen}
N=${N:-300}
OUT=${OUT:-/tmp/gemwiki-bench/callgrind}
mkdir -p "$OUT"

name=$1 url=$2
shift 2
args=()
while [[ $# -gt 0 && $1 != -- ]]; do
    args+=("$1")
    shift
done
shift # --
[[ $# -gt 0 ]] || { echo "usage: $0 NAME URL [LOADGEN-ARGS…] -- SERVER-COMMAND…" >&2; exit 2; }

rm -f "$OUT/$name".cg.*
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/$name.cg.%p" \
    "$@" >"$OUT/$name.server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
"$LOADGEN" --wait-ready 120 --timeout 20 --url "$url" "${args[@]}" >/dev/null
callgrind_control -i on "$pid" >/dev/null 2>&1
# A few requests first, so one-time costs (lazy initialisation, pool growth) stay out.
timeout 300 "$LOADGEN" -n 20 -c 4 --timeout 60 --url "$url" "${args[@]}" >/dev/null
callgrind_control -z "$pid" >/dev/null 2>&1
line=$(timeout 600 "$LOADGEN" -n "$N" -c 4 --timeout 60 --url "$url" "${args[@]}")
callgrind_control -d "$pid" >/dev/null 2>&1
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
trap - EXIT

dump=$(ls "$OUT/$name".cg.*.1 | head -1)
total=$(callgrind_annotate --auto=no "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}' || true)
requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
callgrind_annotate --auto=no --inclusive=yes "$dump" 2>/dev/null >"$OUT/$name.callgrind.txt" || true
echo "name=$name requests=$requests errors=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$line") ir_total=$total ir_per_req=$((total / requests))"
