#!/usr/bin/env python3
"""The long-run check: the daemon against a local HTTP server for a long while, its
resident memory and open files sampled, and a verdict on their growth.

    scripts/longrun.py [--feeds 50] [--interval 10] [--minutes 20] [--sample 30] [--bin PATH]

Serves --feeds RSS feeds from Tests/Support/http_server.py on 127.0.0.1 (every minute a
few of them get new listings, some naming the test watchlists' customers, so the daemon
stores, matches and alerts as it would in service; alerts go to .eml files), runs
`watchlistd run` on them at --interval seconds, and every --sample seconds reads
/proc/PID/status (VmRSS, threads) and /proc/PID/fd. Prints a table, the fetches the
server saw against those expected, and a verdict: RSS growth after the first 5 minutes
(warm-up: caches, SQLite's page cache, the WAL) and open-file growth. Not a test: it
takes --minutes; `make longrun` runs it.
"""
import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ["Orion Shipping", "Kestrel Bank", "Pacific Bank", "Acme Plumbing", "Nobody Ltd"]


def rss_document(feed, serial, rng, items=20):
    out = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>f%d</title>' % feed]
    for i in range(items):
        n = serial * items + i
        name = rng.choice(NAMES)
        out.append(f"<item><title>{name} data dump {feed}-{n}</title><link>http://127.0.0.1/f{feed}/{n}</link>"
                   f"<guid>f{feed}-{n}</guid><description>listing {n} of feed {feed}, "
                   f"{'x' * rng.randint(50, 400)}</description></item>")
    out.append("</channel></rss>")
    return "".join(out)


def sample(pid):
    rss_kb = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss_kb / 1024, fds, threads


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--interval", type=int, default=10, help="seconds (the grammar's minimum is 10)")
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--sample", type=int, default=30, help="seconds between samples")
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "watchlistd"))
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, database)")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="watchlistd-longrun-")
    served = os.path.join(work, "feeds")
    os.makedirs(served)
    rng = random.Random(7)
    serial = [0] * args.feeds
    for f in range(args.feeds):
        with open(os.path.join(served, f"f{f}.xml"), "w") as fh:
            fh.write(rss_document(f, 0, rng))
    # The test server ends itself after 15 minutes unless told otherwise.
    env = dict(os.environ, WATCHLISTD_TEST_SERVER_SECONDS=str(args.minutes * 60 + 300))
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests", "Support", "http_server.py"), served],
                              stdout=subprocess.PIPE, text=True, env=env)
    port = int(server.stdout.readline())
    config = os.path.join(work, "watchlistd.conf")
    with open(config, "w") as fh:
        fh.write(f"watchlists: {os.path.join(ROOT, 'Tests', 'Fixtures', 'watchlists')}\n"
                 f"database: {os.path.join(work, 'state', 'db.sqlite')}\nemail-dir: {os.path.join(work, 'outbox')}\n"
                 f"concurrency: 8\n")
        for f in range(args.feeds):
            fh.write(f"feed: http://127.0.0.1:{port}/f{f}.xml\n  name: f{f}\n  interval: {args.interval}s\n")
    log = open(os.path.join(work, "daemon.log"), "w")
    daemon = subprocess.Popen([args.bin, "run", "--config", config], stderr=log, stdout=log)
    print(f"longrun: {args.feeds} feeds every {args.interval} s for {args.minutes:g} min, sampled every {args.sample} s; "
          f"daemon pid {daemon.pid}, work folder {work}", flush=True)
    print(f"{'min':>6} {'RSS MB':>8} {'fds':>5} {'threads':>8}", flush=True)
    samples = []
    started = time.time()
    next_sample = started + 5
    next_churn = started + 60
    try:
        while time.time() - started < args.minutes * 60:
            time.sleep(1)
            if daemon.poll() is not None:
                print(f"longrun: the daemon exited with status {daemon.returncode}; see {work}/daemon.log")
                return 1
            now = time.time()
            if now >= next_churn:  # a fifth of the feeds get 20 new listings each minute
                next_churn += 60
                for f in rng.sample(range(args.feeds), max(1, args.feeds // 5)):
                    serial[f] += 1
                    with open(os.path.join(served, f"f{f}.xml"), "w") as fh:
                        fh.write(rss_document(f, serial[f], rng))
            if now >= next_sample:
                next_sample += args.sample
                rss, fds, threads = sample(daemon.pid)
                samples.append(((now - started) / 60, rss, fds, threads))
                print(f"{samples[-1][0]:6.1f} {rss:8.1f} {fds:5d} {threads:8d}", flush=True)
    finally:
        daemon.send_signal(signal.SIGTERM)
        status = daemon.wait()
        server.kill()
        log.close()
    with open(os.path.join(work, "requests.log")) as fh:
        fetches = sum(1 for _ in fh)
    expected = args.feeds * args.minutes * 60 / args.interval
    mails = len(os.listdir(os.path.join(work, "outbox"))) if os.path.isdir(os.path.join(work, "outbox")) else 0
    print(f"fetches: {fetches} (about {expected:.0f} expected at the interval); alert e-mails written: {mails}; "
          f"exit status after SIGTERM: {status}")
    warm = [s for s in samples if s[0] >= 5] or samples
    rss_growth = warm[-1][1] - warm[0][1]
    fd_growth = samples[-1][2] - samples[0][2]
    print(f"RSS: {samples[0][1]:.1f} MB at start, {warm[0][1]:.1f} MB at {warm[0][0]:.1f} min, {warm[-1][1]:.1f} MB at the end "
          f"(growth after warm-up {rss_growth:+.1f} MB, max {max(s[1] for s in samples):.1f} MB)")
    print(f"open files: {samples[0][2]} at start, {samples[-1][2]} at the end ({fd_growth:+d}); threads {samples[0][3]} -> {samples[-1][3]}")
    ok = rss_growth <= max(10.0, 0.1 * warm[0][1]) and fd_growth <= 4 and status == 0 and fetches >= 0.8 * expected
    print("verdict: " + ("STEADY (no growth beyond noise, fetches on schedule, clean stop)" if ok else
                         "CHECK: RSS or open files grew, fetches fell behind, or the stop was not clean"))
    if not args.keep:
        subprocess.run(["rm", "-rf", work])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
