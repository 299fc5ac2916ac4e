#!/usr/bin/env python3
"""Turn bench/run.sh's raw lines into the Markdown tables of BENCHMARKS.md.

Usage: report.py RAW.txt

Every figure is the median over rounds; a ratio is the median of the per-round ratios (the
runs of one round are adjacent in time, so they share the machine's state).
"""
import statistics
import sys
from collections import defaultdict


def parse(path):
    runs = defaultdict(dict)  # name -> round -> fields
    for line in open(path):
        fields = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        if "name" not in fields:
            continue
        runs[fields["name"]][fields.get("round", "1")] = fields
    return runs


def num(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def median(runs, name, key):
    values = [num(r.get(key)) for r in runs.get(name, {}).values()]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def total(runs, name, key):
    return sum(num(r.get(key)) or 0 for r in runs.get(name, {}).values())


def ratio(runs, a, b, key):
    """Median over rounds of a[key] / b[key]."""
    ra, rb = runs.get(a, {}), runs.get(b, {})
    values = []
    for rnd in ra:
        x, y = num(ra[rnd].get(key)), num(rb.get(rnd, {}).get(key))
        if x is not None and y:
            values.append(x / y)
    return statistics.median(values) if values else None


def fmt(value, digits=1, suffix=""):
    if value is None:
        return "–"
    return f"{value:.{digits}f}{suffix}"


def mark(ok):
    return "–" if ok is None else ("✅ met" if ok else "❌ missed")


def main():
    runs = parse(sys.argv[1])
    rounds = max((len(r) for r in runs.values()), default=0)

    print(f"### Raw medians ({rounds} interleaved rounds)\n")
    print("| run | requests/s | p50 ms | p90 ms | p99 ms | max ms | server CPU ms/req | errors (all rounds) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in runs:
        if "rps" not in next(iter(runs[name].values())):
            continue
        print(
            f"| {name} | {fmt(median(runs, name, 'rps'))} | {fmt(median(runs, name, 'p50_ms'), 2)}"
            f" | {fmt(median(runs, name, 'p90_ms'), 2)} | {fmt(median(runs, name, 'p99_ms'), 2)}"
            f" | {fmt(median(runs, name, 'max_ms'), 2)}"
            f" | {fmt(median(runs, name, 'cpu_ms_per_req'), 3)} | {int(total(runs, name, 'errors'))} |"
        )
    print()

    rows = []

    def row(target, figure, ok):
        rows.append((target, figure, mark(ok)))

    for c in (16, 64):
        g, a = median(runs, f"page100-c{c}", "cpu_ms_per_req"), median(runs, f"agate-c{c}", "cpu_ms_per_req")
        row(
            f"server CPU per page GET ≤ agate's (c={c})",
            f"gemwiki {fmt(g, 3)} ms, agate {fmt(a, 3)} ms, bare {fmt(median(runs, f'bare-c{c}', 'cpu_ms_per_req'), 3)} ms",
            None if g is None or a is None else g <= a,
        )
    for c in (16, 64):
        r = ratio(runs, f"page100-c{c}", f"agate-c{c}", "rps")
        row(
            f"page GET requests/s ≥ agate's (c={c})",
            f"{fmt(median(runs, f'page100-c{c}', 'rps'), 0)} vs {fmt(median(runs, f'agate-c{c}', 'rps'), 0)} /s = {fmt(r, 2)}×",
            None if r is None else r >= 1.0,
        )
    for c in (16, 64):
        r = ratio(runs, f"page100-c{c}", f"bare-c{c}", "rps")
        row(
            f"page GET ≥ 90 % of bare (c={c})",
            f"{fmt(median(runs, f'page100-c{c}', 'rps'), 0)} vs {fmt(median(runs, f'bare-c{c}', 'rps'), 0)} /s = {fmt(r and r * 100, 0, ' %')}",
            None if r is None else r >= 0.9,
        )
    g, a, b = (median(runs, f"{n}-x25519-c16", "cpu_ms_per_req") for n in ("page100", "agate", "bare"))
    r = ratio(runs, "page100-x25519-c16", "agate-x25519-c16", "rps")
    rb = ratio(runs, "page100-x25519-c16", "bare-x25519-c16", "rps")
    row(
        "(info) the same at c=16 with X25519 only (no ML-KEM hybrid)",
        f"CPU gemwiki {fmt(g, 3)} / agate {fmt(a, 3)} / bare {fmt(b, 3)} ms; "
        f"requests/s {fmt(r, 2)}× agate, {fmt(rb and rb * 100, 0, ' %')} of bare",
        None,
    )
    for c in (16, 64):
        r = ratio(runs, f"page100-cert-c{c}", f"page100-c{c}", "rps")
        row(
            f"(info) page GET with a client certificate, c={c}",
            f"{fmt(median(runs, f'page100-cert-c{c}', 'rps'), 0)} /s = {fmt(r and r * 100, 0, ' %')} of without; "
            f"CPU {fmt(median(runs, f'page100-cert-c{c}', 'cpu_ms_per_req'), 3)} ms/req",
            None,
        )
    r1 = ratio(runs, "page100k-c1", "page100-c1", "p50_ms")
    row(
        "/page/<name> latency at 100k pages within 10 % of 100 (c=1, p50)",
        f"{fmt(median(runs, 'page100k-c1', 'p50_ms'), 2)} vs {fmt(median(runs, 'page100-c1', 'p50_ms'), 2)} ms = {fmt(r1, 2)}×",
        None if r1 is None else r1 <= 1.1,
    )
    r16 = ratio(runs, "page100k-c16", "page100-c16", "rps")
    row(
        "page GET throughput at 100k pages within 10 % of 100 (c=16)",
        f"{fmt(median(runs, 'page100k-c16', 'rps'), 0)} vs {fmt(median(runs, 'page100-c16', 'rps'), 0)} /s = {fmt(r16, 2)}×",
        None if r16 is None else r16 >= 0.9,
    )
    s = median(runs, "startup100k", "startup_ms")
    row("start-up with 100k pages < 1 s", f"{fmt(s, 0)} ms (launch to first answer)", None if s is None else s < 1000)
    for name, label in (("search100k-rare-c1", "`/do/search?lighthouse` (1 % of pages)"),
                        ("search100k-medium-c1", "`/do/search?harbour` (10 % of pages)"),
                        ("search100k-common-c1", "`/do/search?tide` (every page)")):
        p = median(runs, name, "p99_ms")
        row(f"{label} p99 ≤ 20 ms at 100k", f"{fmt(p, 2)} ms (p50 {fmt(median(runs, name, 'p50_ms'), 2)})",
            None if p is None else p <= 20)
    for name, label in (("changes100k-c1", "`/do/changes`"), ("index100k-c1", "`/do/index`")):
        p = median(runs, name, "p99_ms")
        row(f"{label} first page p99 ≤ 10 ms at 100k", f"{fmt(p, 2)} ms (p50 {fmt(median(runs, name, 'p50_ms'), 2)})",
            None if p is None else p <= 10)
    t, e = median(runs, "titan100-c16", "rps"), total(runs, "titan100-c16", "errors")
    statuses = sorted({k for r in runs.get("titan100-c16", {}).values() for k in r if k.startswith("status_")})
    row(
        "≥ 300 durable Titan edits/s at c=16, no errors",
        f"{fmt(t, 0)} edits/s, {int(e)} errors ({', '.join(statuses) or 'no answers'})",
        None if t is None else (t >= 300 and e == 0),
    )
    rss = [num(r.get("rss_max_kib")) for r in runs.get("rss100k-c256", {}).values()]
    rss = [v for v in rss if v is not None]
    hwms = [num(r.get("vm_hwm_kib")) for r in runs.get("rss100k-c256", {}).values()]
    hwm = max((v for v in hwms if v is not None), default=None)
    row(
        "RSS ≤ 64 MiB with 256 connections",
        f"max VmRSS {fmt(max(rss) / 1024 if rss else None, 1)} MiB, max VmHWM {fmt(hwm and hwm / 1024, 1)} MiB "
        f"({fmt(median(runs, 'rss100k-c256', 'rps'), 0)} req/s, {int(total(runs, 'rss100k-c256', 'errors'))} errors)",
        None if not rss else max(rss) <= 64 * 1024,
    )
    r = ratio(runs, "page100-resume-c16", "page100-c16", "rps")
    row(
        "(info) page GET with TLS session resumption, c=16",
        f"{fmt(median(runs, 'page100-resume-c16', 'rps'), 0)} /s = {fmt(r, 2)}× full handshakes; "
        f"CPU {fmt(median(runs, 'page100-resume-c16', 'cpu_ms_per_req'), 3)} ms/req",
        None,
    )
    seed = runs.get("seed-big", {})
    if seed:
        f = next(iter(seed.values()))
        row("(info) seeding with `gemwiki page import`", f"{f.get('pages')} pages in {fmt(num(f.get('import_ms')) / 1000, 1)} s", None)

    cg = {n[len("callgrind-"):]: num(next(iter(r.values())).get("ir_per_req"))
          for n, r in runs.items() if n.startswith("callgrind-")}
    if cg:
        print("### Instructions per request (callgrind, user space only)\n")
        print("| server | key exchange | instructions/request | × bare | × agate |")
        print("|---|---|---:|---:|---:|")
        for tag in ("default", "x25519"):
            for server in ("bare", "agate", "page100"):
                v = cg.get(f"{server}-{tag}")
                if v is None:
                    continue
                bare, agate = cg.get(f"bare-{tag}"), cg.get(f"agate-{tag}")
                label = "gemwiki /page/<name>" if server == "page100" else server
                kx = "client default (X25519MLKEM768 offered first)" if tag == "default" else "X25519 only"
                print(f"| {label} | {kx} | {v / 1e6:.2f} M | {fmt(bare and v / bare, 2)} | {fmt(agate and v / agate, 2)} |")
        print()

    handshake_targets(runs)

    print("### Targets of issue 6\n")
    print("| target | measured (medians) | verdict |")
    print("|---|---|---|")
    for target, figure, verdict in rows:
        print(f"| {target} | {figure} | {verdict} |")


def handshake_targets(runs):
    """Issue 15: gemwiki against agate and its own bare server, as per-round ratios."""
    if "page100-c16" not in runs:
        return
    rows = []

    def row(target, figure, ok):
        rows.append((target, figure, mark(ok)))

    cpu = "cpu_ms_per_req"
    have_agate = "agate-c16" in runs
    for c in (1, 16, 64):
        if not have_agate:
            break
        r = ratio(runs, f"page100-c{c}", f"agate-c{c}", cpu)
        row(f"page GET server CPU ≤ 0.75× agate's (c={c})",
            f"{fmt(median(runs, f'page100-c{c}', cpu), 3)} vs {fmt(median(runs, f'agate-c{c}', cpu), 3)} ms = {fmt(r, 2)}×",
            None if r is None else r <= 0.75)
    for c in (16, 64):
        if not have_agate:
            break
        r = ratio(runs, f"page100-c{c}", f"agate-c{c}", "rps")
        row(f"page GET requests/s ≥ 1.1× agate's (c={c})",
            f"{fmt(median(runs, f'page100-c{c}', 'rps'), 0)} vs {fmt(median(runs, f'agate-c{c}', 'rps'), 0)} /s = {fmt(r, 2)}×",
            None if r is None else r >= 1.1)
    for c in (1, 16, 64):
        r = ratio(runs, f"page100-cert-c{c}", f"page100-c{c}", cpu)
        row(f"with a client certificate ≤ 1.15× anonymous CPU (c={c})",
            f"{fmt(median(runs, f'page100-cert-c{c}', cpu), 3)} vs {fmt(median(runs, f'page100-c{c}', cpu), 3)} ms = {fmt(r, 2)}×",
            None if r is None else r <= 1.15)
    r = ratio(runs, "page100-resume-c16", "page100-c16", cpu)
    row("resumed ≤ 0.8× a full handshake (CPU, c=16)",
        f"{fmt(median(runs, 'page100-resume-c16', cpu), 3)} vs {fmt(median(runs, 'page100-c16', cpu), 3)} ms = {fmt(r, 2)}× "
        f"(bare resumed {fmt(median(runs, 'bare-resume-c16', cpu), 3)} ms)",
        None if r is None else r <= 0.8)
    for c in (16, 64):
        r = ratio(runs, f"page100-c{c}", f"bare-c{c}", "rps")
        rc = ratio(runs, f"page100-c{c}", f"bare-c{c}", cpu)
        row(f"≥ 95 % of the bare server (c={c})",
            f"requests/s {fmt(r and r * 100, 0, ' %')}; CPU per request {fmt(rc, 2)}× bare's",
            None if r is None else r >= 0.95)
    r16 = ratio(runs, "page100k-c16", "page100-c16", "rps")
    r1 = ratio(runs, "page100k-c1", "page100-c1", "p50_ms")
    row("flat: `/page` at 100,000 pages within 5 % of 100",
        f"c=16 requests/s {fmt(r16, 2)}×; c=1 p50 {fmt(r1, 2)}×",
        None if r16 is None or r1 is None else (r16 >= 0.95 and r1 <= 1.05))
    if "pageB-c16" in runs:
        for c in (1, 16, 64):
            r = ratio(runs, f"page100-c{c}", f"pageB-c{c}", cpu)
            rc = ratio(runs, f"page100-cert-c{c}", f"pageB-cert-c{c}", cpu)
            row(f"(A/B) this build's CPU per request ÷ BIN_B's (c={c})",
                f"anonymous {fmt(median(runs, f'page100-c{c}', cpu), 3)} vs {fmt(median(runs, f'pageB-c{c}', cpu), 3)} ms = {fmt(r, 3)}×; "
                f"with a certificate {fmt(rc, 3)}×", None)

    print("### Targets of issue 15 (per-round ratios, medians)\n")
    print("| target | measured | verdict |")
    print("|---|---|---|")
    for target, figure, verdict in rows:
        print(f"| {target} | {figure} | {verdict} |")
    print()


if __name__ == "__main__":
    main()
