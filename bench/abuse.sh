#!/usr/bin/env bash
# Issue 11's abuse harness: a release gemwiki on 127.0.0.1 with a generated wiki (3,000 pages
# of 30 KiB, a 100 KiB page of the 16 searched words, a page with two disjoint 100 KiB
# revisions, a 98 KB padded-tables Markdown page), then bench/abuse.py's attacks (each bounded
# in count and time, probed from 127.0.0.2) and examples/chain_cost.rs. About 3 minutes.
#
#   bench/abuse.sh                 # build release, seed, attack
#   SKIP_BUILD=1 PAGES=3000 bench/abuse.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PAGES=${PAGES:-3000}
PORT=${PORT:-19650}
WORK=${WORK:-/tmp/gemwiki-abuse}
BIN=$TARGET/release/gemwiki
log() { echo "[abuse] $*" >&2; }

# 4,000 idle sockets need as many descriptors in the client and the server.
ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[[ ${SKIP_BUILD:-0} == 1 ]] || (cd "$ROOT" && cargo build --release --bins --examples)
# A shared CARGO_TARGET_DIR may be rebuilt from another tree at any time: run a copy.
mkdir -p "$WORK.bin"
cp "$TARGET/release/gemwiki" "$TARGET/release/examples/chain_cost" "$WORK.bin/"
BIN=$WORK.bin/gemwiki

rm -rf "$WORK"
mkdir -p "$WORK/data" "$WORK/pages" "$WORK/rev2"
cat >"$WORK/data/config.toml" <<CONF
hostnames = ["127.0.0.1", "localhost"]
listen = ["127.0.0.1:$PORT"]

[limits]
# The attacks and the probe would otherwise measure the request limiter.
requests_per_minute = 1000000000
edits_per_minute = 1000000000
CONF

python3 - "$WORK" "$PAGES" <<'PY'
import sys
work, pages = sys.argv[1], int(sys.argv[2])
WORDS = ("tide harbour lighthouse keeper stone north wind boat net salt gull rope "
         "anchor sail reef shore").split()
def text(seed, size, words=WORDS[:12]):
    out, i, length = [], seed, 0
    while length < size:
        i = (i * 6364136223846793005 + 1442695040888963407) % 2**64
        out.append(words[(i >> 33) % len(words)] + ("\n" if (i >> 20) % 11 == 0 else " "))
        length += len(out[-1])
    return "".join(out)
for n in range(pages):
    open(f"{work}/pages/Page-{n:06}.gmi", "w").write(text(n, 30 * 1024))
open(f"{work}/pages/Words.gmi", "w").write(text(7, 100 * 1000, WORDS))
open(f"{work}/pages/Big.gmi", "w").write("".join(f"a-{i:07}\n" for i in range(10_000)))
open(f"{work}/rev2/Big.gmi", "w").write("".join(f"b-{i:07}\n" for i in range(10_000)))
# The issue's page: 25 columns padded to 40 characters, then ~49,000 one-cell rows.
header = "| " + " | ".join(["h" * 40] * 25) + " |\n|" + "-|" * 25 + "\n"
open(f"{work}/pages/Tables.md", "w").write(header + "x\n" * ((98_000 - len(header)) // 2))
PY
t0=$(date +%s)
find "$WORK/pages" -type f -print0 | xargs -0 -n 1000 "$BIN" --data-dir "$WORK/data" page import >/dev/null
"$BIN" --data-dir "$WORK/data" page import "$WORK/rev2/Big.gmi" >/dev/null
log "seeded $PAGES pages in $(($(date +%s) - t0)) s"

"$BIN" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
    sleep 0.1
done
log "server pid $SERVER on 127.0.0.1:$PORT"
timeout 240 python3 "$ROOT/bench/abuse.py" "$SERVER" "$PORT" "$WORK" | tee "$WORK/results.txt"
timeout 120 "$WORK.bin/chain_cost" --handshakes 20 | tee -a "$WORK/results.txt"
kill -INT $SERVER
wait $SERVER || true
