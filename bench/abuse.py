#!/usr/bin/env python3
"""Issue 11's attacks against a running gemwiki, each bounded in count and time, with a probe
from another loopback address (127.0.0.2) measuring what a legitimate visitor waits, and the
server's CPU and RSS read from /proc. Driven by bench/abuse.sh; loopback targets only.

usage: abuse.py PID PORT WORKDIR   (prints one `attack=… key=value…` line per measurement)
"""
import os
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time

PID, PORT, WORK = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
HOST = "127.0.0.1"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_s():
    fields = open(f"/proc/{PID}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mib(key="VmRSS"):
    for line in open(f"/proc/{PID}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def context(cert=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if cert:
        ctx.load_cert_chain(*cert)
    return ctx


PLAIN = context()


def request(path, source="127.0.0.1", cert=None, timeout=20.0, read=True):
    """One Gemini request; returns (header, body bytes, seconds) or raises."""
    started = time.monotonic()
    raw = socket.create_connection((HOST, PORT), timeout=timeout, source_address=(source, 0))
    tls = (context(cert) if cert else PLAIN).wrap_socket(raw, server_hostname="localhost")
    tls.sendall(f"gemini://localhost:{PORT}{path}\r\n".encode())
    if not read:
        return tls
    data = b""
    while True:
        try:
            chunk = tls.recv(65536)
        except (ssl.SSLError, OSError):
            break
        if not chunk:
            break
        data += chunk
    tls.close()
    head, _, body = data.partition(b"\r\n")
    return head.decode(errors="replace"), body, time.monotonic() - started


class Probe:
    """Requests /page/Welcome from 127.0.0.2 every 0.2 s; records latencies (timeouts as 10 s)."""

    def __init__(self):
        self.latencies, self.failures, self.stop = [], 0, threading.Event()
        self.rss = 0.0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            self.rss = max(self.rss, rss_mib())
            try:
                head, _, took = request("/page/Welcome", source="127.0.0.2", timeout=10)
                self.latencies.append(took if head.startswith("20") else 10.0)
                self.failures += 0 if head.startswith("20") else 1
            except OSError:
                self.latencies.append(10.0)
                self.failures += 1
            self.stop.wait(0.2)

    def __enter__(self):
        self.cpu0 = cpu_s()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(15)
        self.cpu = cpu_s() - self.cpu0

    def summary(self):
        lat = sorted(self.latencies) or [0.0]
        return (f"probes={len(lat)} probe_failures={self.failures} "
                f"probe_p50_ms={statistics.median(lat) * 1000:.1f} "
                f"probe_max_ms={lat[-1] * 1000:.1f} rss_max_mib={self.rss:.1f}")


def report(attack, text):
    print(f"attack={attack} {text}", flush=True)


def attack_diff():
    with Probe() as probe:
        head, body, took = request("/diff/Big/2")
    report("diff-100k-disjoint",
           f"status={head[:2]} answer_ms={took * 1000:.0f} bytes={len(body)} {probe.summary()}")


def attack_search():
    words = "tide harbour lighthouse keeper stone north wind boat net salt gull rope " \
            "anchor sail reef shore"
    for label, query in [("16-words", words), ("3-common-words", "tide harbour keeper")]:
        cpu0 = cpu_s()
        runs = [request("/do/search?" + query.replace(" ", "%20"))[2] for _ in range(3)]
        report(f"search-{label}", f"words={len(query.split())} "
               f"server_cpu_ms={(cpu_s() - cpu0) / 3 * 1000:.0f} answer_ms={max(runs) * 1000:.0f}")


def attack_idle_sockets(count=4000, hold=6.0):
    socks = []
    with Probe() as probe:
        for _ in range(count):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex((HOST, PORT))
            socks.append(s)
        time.sleep(hold)
    closed = 0
    for s in socks:
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    report(f"idle-sockets-{count}",
           f"closed_by_server={closed} {probe.summary()} server_cpu_s={probe.cpu:.2f}")


def attack_table_page(clients=20, hold=6.0):
    cpu0 = cpu_s()
    head, body, took = request("/page/Tables")
    cold = cpu_s() - cpu0
    cpu0 = cpu_s()
    views = [request("/page/Tables")[2] for _ in range(5)]
    warm = (cpu_s() - cpu0) / 5
    report("table-page-98k", f"status={head[:2]} output_bytes={len(body)} "
           f"first_view_cpu_ms={cold * 1000:.0f} cached_view_cpu_ms={warm * 1000:.1f} "
           f"cached_view_ms={statistics.median(views) * 1000:.1f}")
    with Probe() as probe:
        held = [request("/page/Tables", read=False) for _ in range(clients)]
        time.sleep(hold)
    for tls in held:
        tls.close()
    report(f"table-page-{clients}-non-reading", probe.summary())


def attack_registrations(count=40):
    certs = []
    for i in range(count):
        pem, key = f"{WORK}/reg-{i}.pem", f"{WORK}/reg-{i}-key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj",
                        f"/CN=flood{i}", "-keyout", key, "-out", pem],
                       check=True, capture_output=True)
        certs.append((pem, key))
    statuses = {}
    started = time.monotonic()
    for i, cert in enumerate(certs):
        source = "127.0.0.1" if i % 2 == 0 else "127.0.0.3"
        # As a client registers: /do/register answers 30 to its tokenized prompt (issue 10),
        # which takes the name.
        head = request("/do/register", source=source, cert=cert)[0]
        if head.startswith("30 /do/register/"):
            head = request(f"{head[3:]}?flood{i}", source=source, cert=cert)[0]
        statuses[head[:2]] = statuses.get(head[:2], 0) + 1
        if head.startswith("44"):
            last44 = head
    took = time.monotonic() - started
    report(f"registration-flood-{count}-from-2-addresses",
           " ".join(f"status_{k}={v}" for k, v in sorted(statuses.items()))
           + f" elapsed_s={took:.1f} meta=\"{last44 if statuses.get('44') else '-'}\"")


def attack_deep_changes():
    for page in [1, 59, 100]:
        runs = [request(f"/do/changes?page={page}")[2] for _ in range(5)]
        report(f"changes-page-{page}", f"p50_ms={statistics.median(runs) * 1000:.1f}")


if __name__ == "__main__":
    attack_diff()
    attack_search()
    attack_deep_changes()
    attack_table_page()
    attack_idle_sockets()
    attack_registrations()
    report("whole-run", f"rss_now_mib={rss_mib():.1f} rss_peak_mib={rss_mib('VmHWM'):.1f} "
           f"server_cpu_s={cpu_s():.1f}")
