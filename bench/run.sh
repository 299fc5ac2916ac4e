#!/usr/bin/env bash
# gemwiki load benchmarks (issue 6): build release, seed data dirs (100 and 100,000 pages),
# start gemwiki, the bare TLS server and agate on 127.0.0.1, measure them in interleaved
# rounds, and print the table for BENCHMARKS.md (raw lines kept in $OUT/raw.txt).
#
#   bench/run.sh                      # everything, 3 rounds, 5 s per measurement
#   ROUNDS=5 DUR=8 bench/run.sh       # longer
#   SKIP_BUILD=1 bench/run.sh         # reuse the last release build
#   SUITE=handshake ROUNDS=5 bench/run.sh   # issue 15 only: page GETs vs bare and agate
#   BIN_B=/tmp/gemwiki-old bench/run.sh     # also measure another build, interleaved (A/B)
#
# Every loop is bounded in time; all servers listen on 127.0.0.1 only and are stopped on exit.
# The 100,000-page database is cached in $CACHE (keyed by the migrations and the page
# generator), so only the first run pays for seeding it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-5}
PORT_BASE=${PORT_BASE:-19650}
WORK=${BENCH_WORK:-/tmp/gemwiki-bench}
CACHE=${BENCH_CACHE:-/tmp/gemwiki-bench-cache}
OUT=${OUT:-$WORK/results}
BIG_PAGES=${BIG_PAGES:-100000}
AGATE=${AGATE:-$(command -v agate || echo /tmp/agate/bin/agate)}
SUITE=${SUITE:-all}
BIN_B=${BIN_B:-}

BIN=$TARGET/release/gemwiki
LOADGEN=$TARGET/release/examples/loadgen
BARE=$TARGET/release/examples/bare
P_SMALL=$PORT_BASE
P_BIG=$((PORT_BASE + 1))
P_BARE=$((PORT_BASE + 2))
P_AGATE=$((PORT_BASE + 3))
P_B=$((PORT_BASE + 4))
CLK_TCK=$(getconf CLK_TCK)

log() { echo "bench: $*" >&2; }
now_ms() { date +%s%3N; }

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap cleanup EXIT

# --- build -------------------------------------------------------------------------------
if [[ -z ${SKIP_BUILD:-} ]]; then
    log "building release binaries"
    (cd "$ROOT" && cargo build --release --examples --bins)
fi
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$WORK" "$CACHE" "$OUT"
: >"$OUT/raw.txt"

# --- certificates ------------------------------------------------------------------------
CLIENT_FP=$("$LOADGEN" --write-cert "$WORK/client.pem" --write-key "$WORK/client-key.pem")
CLIENT_FP=${CLIENT_FP#fingerprint=}
"$LOADGEN" --write-cert "$WORK/server.pem" --write-key "$WORK/server-key.pem" >/dev/null

write_config() { # DIR PORT
    cat >"$1/config.toml" <<EOF
hostnames = ["127.0.0.1", "localhost"]
listen = ["127.0.0.1:$2"]

[limits]
# The defaults (120 requests, 20 edits a minute per client) would measure the limiter.
requests_per_minute = 1000000000
edits_per_minute = 1000000000
# The default (32 open connections per network) would shed the c=64 runs.
connections_per_client = 100000
EOF
}

# --- seed --------------------------------------------------------------------------------
gen_pages() { # DIR COUNT
    [[ -f $1/.done ]] && return
    rm -rf "$1"
    python3 "$ROOT/bench/gen_pages.py" "$1" "$2"
    touch "$1/.done"
}

import_pages() { # DATA_DIR PAGES_DIR [BINARY]
    find "$2" -name '*.gmi' -print0 | sort -z |
        xargs -0 -n 2000 "${3:-$BIN}" --data-dir "$1" page import >/dev/null
}

KEY=$(cat "$ROOT"/migrations/*.sql "$ROOT/bench/gen_pages.py" | sha256sum | cut -c1-12)
BIG=$CACHE/big-$BIG_PAGES-$KEY
if [[ ! -f $BIG/.seeded ]]; then
    rm -rf "$BIG"
    mkdir -p "$BIG"
    gen_pages "$CACHE/pages-$BIG_PAGES" "$BIG_PAGES"
    log "seeding $BIG_PAGES pages with \`gemwiki page import\` (cached for later runs)"
    t0=$(now_ms)
    import_pages "$BIG" "$CACHE/pages-$BIG_PAGES"
    t1=$(now_ms)
    echo "name=seed-big pages=$BIG_PAGES import_ms=$((t1 - t0))" | tee -a "$CACHE/seed-$KEY.txt"
    touch "$BIG/.seeded"
    rm -rf "$CACHE/pages-$BIG_PAGES" # 400 MB of files; the generator is deterministic
fi
cat "$CACHE/seed-$KEY.txt" >>"$OUT/raw.txt" 2>/dev/null || true
write_config "$BIG" "$P_BIG"
"$BIN" --data-dir "$BIG" account add-cert bench "$CLIENT_FP" >/dev/null 2>&1 || true

SMALL=$WORK/small
rm -rf "$SMALL"
mkdir -p "$SMALL"
gen_pages "$WORK/pages-100" 100
t0=$(now_ms)
import_pages "$SMALL" "$WORK/pages-100"
log "imported 100 pages in $(($(now_ms) - t0)) ms"
write_config "$SMALL" "$P_SMALL"
"$BIN" --data-dir "$SMALL" account add-cert bench "$CLIENT_FP" >/dev/null

# A 2 KiB page for agate: the same generated text gemwiki serves.
rm -rf "$WORK/agate"
mkdir -p "$WORK/agate/content" "$WORK/agate/certs"
cp "$WORK/pages-100/Page-000001.gmi" "$WORK/agate/content/page.gmi"
cp "$WORK/server.der" "$WORK/agate/certs/cert.der"
cp "$WORK/server-key.der" "$WORK/agate/certs/key.der"

# --- servers -----------------------------------------------------------------------------
wait_ready() { # URL → prints ready_ms
    "$LOADGEN" --wait-ready 20 --timeout 2 --url "$1"
}

start_gemwiki() { # DATA_DIR PORT VAR [BINARY]
    "${4:-$BIN}" --data-dir "$1" serve --listen "127.0.0.1:$2" >>"$WORK/$(basename "$1").log" 2>&1 &
    printf -v "$3" %s $!
    PIDS+=($!)
}

start_gemwiki "$SMALL" "$P_SMALL" PID_SMALL
start_gemwiki "$BIG" "$P_BIG" PID_BIG
if [[ -n $BIN_B ]]; then
    # The other build serves the same 100 pages, imported by itself (its schema may differ).
    rm -rf "$WORK/small-b"
    mkdir -p "$WORK/small-b"
    import_pages "$WORK/small-b" "$WORK/pages-100" "$BIN_B"
    write_config "$WORK/small-b" "$P_B"
    "$BIN_B" --data-dir "$WORK/small-b" account add-cert bench "$CLIENT_FP" >/dev/null
    start_gemwiki "$WORK/small-b" "$P_B" PID_B "$BIN_B"
fi
"$BARE" --listen "127.0.0.1:$P_BARE" --cert "$WORK/server.pem" --key "$WORK/server-key.pem" \
    2>"$WORK/bare.log" &
PID_BARE=$!
PIDS+=($!)
HAVE_AGATE=
if [[ -x $AGATE ]]; then
    "$AGATE" --content "$WORK/agate/content" --certs "$WORK/agate/certs" \
        --addr "127.0.0.1:$P_AGATE" 2>"$WORK/agate.log" &
    PID_AGATE=$!
    PIDS+=($!)
    HAVE_AGATE=1
else
    log "agate not found (set AGATE=/path/to/agate); skipping the peer comparison"
fi

S=gemini://127.0.0.1:$P_SMALL
B=gemini://127.0.0.1:$P_BIG
wait_ready "$S/" >/dev/null
wait_ready "$B/" >/dev/null
wait_ready "gemini://127.0.0.1:$P_BARE/" >/dev/null
if [[ -n $BIN_B ]]; then
    wait_ready "gemini://127.0.0.1:$P_B/" >/dev/null
fi
if [[ -n $HAVE_AGATE ]]; then
    wait_ready "gemini://127.0.0.1:$P_AGATE/page.gmi" >/dev/null
fi

# URL lists: every small page; 1,000 pages spread over the big wiki.
for i in $(seq 1 100); do printf '%s/page/Page-%06d\n' "$S" "$i"; done >"$WORK/urls-small"
for i in $(seq 1 1000); do
    printf '%s/page/Page-%06d\n' "$B" $(((i * 7919) % BIG_PAGES + 1))
done >"$WORK/urls-big"
for i in $(seq 1 100); do printf 'gemini://127.0.0.1:%s/page/Page-%06d\n' "$P_B" "$i"; done >"$WORK/urls-b"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure NAME PID LOADGEN-ARGS… → one raw line with the server's CPU per request.
measure() {
    local name=$1 pid=$2
    shift 2
    local before after line requests cpu
    before=$(cpu_ticks "$pid")
    line=$(timeout $((DUR * 3 + 30)) "$LOADGEN" -d "$DUR" "$@" 2>>"$WORK/loadgen.err" || echo "requests=0 errors=1 failed=1")
    after=$(cpu_ticks "$pid")
    requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
    cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="${requests:-0}" \
        'BEGIN { if (n > 0) printf "%.4f", t * 1000 / hz / n; else print "nan" }')
    echo "name=$name round=$ROUND $line cpu_ms_per_req=$cpu load=$(cut -d' ' -f1 /proc/loadavg)" |
        tee -a "$OUT/raw.txt" >&2
}

# RSS of PID while 256 connections are open.
measure_rss() { # NAME PID LOADGEN-ARGS…
    local name=$1 pid=$2 max=0 rss
    shift 2
    "$LOADGEN" -d "$DUR" "$@" >"$WORK/rss.line" 2>>"$WORK/loadgen.err" &
    local lg=$!
    local deadline=$(($(now_ms) + DUR * 1000 + 20000))
    while kill -0 "$lg" 2>/dev/null && (($(now_ms) < deadline)); do
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
        ((rss > max)) && max=$rss
        sleep 0.1
    done
    kill "$lg" 2>/dev/null || true
    wait "$lg" 2>/dev/null || true
    local hwm
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    echo "name=$name round=$ROUND $(cat "$WORK/rss.line") rss_max_kib=$max vm_hwm_kib=$hwm" |
        tee -a "$OUT/raw.txt" >&2
}

CERT=(--cert "$WORK/client.pem" --key "$WORK/client-key.pem")
for ROUND in $(seq 1 "$ROUNDS"); do
    log "round $ROUND of $ROUNDS"
    for c in 1 16 64; do
        measure "bare-c$c" "$PID_BARE" -c "$c" --url "gemini://127.0.0.1:$P_BARE/"
        if [[ -n $HAVE_AGATE ]]; then
            measure "agate-c$c" "$PID_AGATE" -c "$c" --url "gemini://127.0.0.1:$P_AGATE/page.gmi"
        fi
        measure "page100-c$c" "$PID_SMALL" -c "$c" --url-file "$WORK/urls-small"
        # Next to page100 in time, so the 100k-vs-100 ratio compares like with like.
        if [[ $c != 64 ]]; then
            measure "page100k-c$c" "$PID_BIG" -c "$c" --url-file "$WORK/urls-big"
        fi
        measure "page100-cert-c$c" "$PID_SMALL" -c "$c" --url-file "$WORK/urls-small" "${CERT[@]}"
        if [[ -n $BIN_B ]]; then
            measure "pageB-c$c" "$PID_B" -c "$c" --url-file "$WORK/urls-b"
            measure "pageB-cert-c$c" "$PID_B" -c "$c" --url-file "$WORK/urls-b" "${CERT[@]}"
        fi
    done
    measure "page100-resume-c16" "$PID_SMALL" -c 16 --url-file "$WORK/urls-small" --resume
    measure "bare-resume-c16" "$PID_BARE" -c 16 --url "gemini://127.0.0.1:$P_BARE/" --resume
    [[ $SUITE == all ]] || continue
    # The same three with classic X25519 only: OpenSSL 3.5+ clients (like loadgen) offer the
    # hybrid X25519MLKEM768 first, which agate (rustls + ring) does not implement.
    X=(-c 16 --groups X25519)
    measure "bare-x25519-c16" "$PID_BARE" "${X[@]}" --url "gemini://127.0.0.1:$P_BARE/"
    if [[ -n $HAVE_AGATE ]]; then
        measure "agate-x25519-c16" "$PID_AGATE" "${X[@]}" --url "gemini://127.0.0.1:$P_AGATE/page.gmi"
    fi
    measure "page100-x25519-c16" "$PID_SMALL" "${X[@]}" --url-file "$WORK/urls-small"
    measure "search100k-rare-c1" "$PID_BIG" -c 1 --url "$B/do/search?lighthouse"
    measure "search100k-medium-c1" "$PID_BIG" -c 1 --url "$B/do/search?harbour"
    measure "search100k-common-c1" "$PID_BIG" -c 1 --url "$B/do/search?tide"
    measure "changes100k-c1" "$PID_BIG" -c 1 --url "$B/do/changes"
    measure "index100k-c1" "$PID_BIG" -c 1 --url "$B/do/index"
    measure "titan100-c16" "$PID_SMALL" -c 16 "${CERT[@]}" --titan-size 2048 \
        --url "titan://127.0.0.1:$P_SMALL/raw/Bench-{worker}"
    measure_rss "rss100k-c256" "$PID_BIG" -c 256 --url-file "$WORK/urls-big"

    # Start-up with 100,000 pages: stop the big server, start it again, time the first answer.
    kill "$PID_BIG"
    wait "$PID_BIG" 2>/dev/null || true
    t0=$(now_ms)
    start_gemwiki "$BIG" "$P_BIG" PID_BIG
    ready=$(wait_ready "$B/page/Page-000001")
    echo "name=startup100k round=$ROUND startup_ms=$(($(now_ms) - t0)) $ready" |
        tee -a "$OUT/raw.txt" >&2
done

# Instructions per request under callgrind: independent of other load on the machine.
if [[ ${CALLGRIND:-1} == 1 ]] && command -v valgrind >/dev/null; then
    log "counting instructions per request with callgrind"
    cg() { N=${CALLGRIND_N:-200} OUT=$WORK/callgrind LOADGEN=$LOADGEN "$ROOT/bench/callgrind.sh" "$@"; }
    SRV=(--cert "$WORK/server.pem" --key "$WORK/server-key.pem")
    for groups in default X25519; do
        g=()
        [[ $groups == default ]] || g=(--groups "$groups")
        tag=${groups,,}
        cg "callgrind-bare-$tag" "gemini://127.0.0.1:$((PORT_BASE + 10))/" "${g[@]}" -- \
            "$BARE" --listen "127.0.0.1:$((PORT_BASE + 10))" "${SRV[@]}"
        if [[ -n $HAVE_AGATE ]]; then
            cg "callgrind-agate-$tag" "gemini://127.0.0.1:$((PORT_BASE + 11))/page.gmi" "${g[@]}" -- \
                "$AGATE" --content "$WORK/agate/content" --certs "$WORK/agate/certs" \
                --addr "127.0.0.1:$((PORT_BASE + 11))"
        fi
        cg "callgrind-page100-$tag" "gemini://127.0.0.1:$((PORT_BASE + 12))/page/Page-000042" "${g[@]}" -- \
            "$BIN" --data-dir "$SMALL" serve --listen "127.0.0.1:$((PORT_BASE + 12))"
        if [[ -n $BIN_B ]]; then
            kill "$PID_B" 2>/dev/null || true # its port and data copy are reused below
            wait "$PID_B" 2>/dev/null || true
            cg "callgrind-pageB-$tag" "gemini://127.0.0.1:$((PORT_BASE + 13))/page/Page-000042" "${g[@]}" -- \
                "$BIN_B" --data-dir "$WORK/small-b" serve --listen "127.0.0.1:$((PORT_BASE + 13))"
        fi
    done 2>>"$WORK/callgrind.err" | tee -a "$OUT/raw.txt" >&2
fi

{
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo ' (+ uncommitted changes in src/)')"
    echo "load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "rounds: $ROUNDS × $DUR s per measurement"
    echo
    python3 "$ROOT/bench/report.py" "$OUT/raw.txt"
} | tee "$OUT/table.md"
log "raw lines: $OUT/raw.txt; table: $OUT/table.md"
