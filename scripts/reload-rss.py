#!/usr/bin/env python3
"""Resident memory of the daemon across reloads, with a large generated watchlist.

    scripts/reload-rss.py [--names 20000] [--burst 100] [--serial 10] [--bin PATH]

Starts `watchlistd run` on one local file feed and a watchlist of --names made-up
companies, then (1) sends --burst SIGHUPs within about a second and counts the reloads
they cause, and (2) runs --serial reloads one after another (each SIGHUP sent once the
previous reload is logged). Prints RSS (VmRSS) at start, after the burst and after the
serial reloads. A figure, not a test: reloads take seconds each with many names.
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


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=20000)
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--serial", type=int, default=10)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "watchlistd"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="watchlistd-reload-")
    os.makedirs(os.path.join(work, "lists"))
    rng = random.Random(1)
    syllables = ["ka", "to", "ri", "mo", "zen", "lux", "var", "quin", "bel", "dor", "fen", "gal", "hul", "jor", "kem"]
    with open(os.path.join(work, "lists", "big.watch"), "w") as fh:
        fh.write("customer: Big\nemail: soc@big.example\n")
        for i in range(args.names):
            fh.write("entity: %s %s Trading %d\n" % ("".join(rng.choice(syllables) for _ in range(3)).title(),
                                                     "".join(rng.choice(syllables) for _ in range(2)).title(), i))
    with open(os.path.join(work, "w.conf"), "w") as fh:
        fh.write(f"watchlists: lists\ndatabase: db.sqlite\nemail-dir: out\n"
                 f"feed: file://{ROOT}/Tests/Fixtures/feeds/rss2.xml\n  name: rss\n")
    log_path = os.path.join(work, "daemon.log")
    log = open(log_path, "w")
    daemon = subprocess.Popen([args.bin, "run", "--config", os.path.join(work, "w.conf")], stderr=log, stdout=log)

    def reloads():
        with open(log_path) as f:
            return sum(1 for line in f if "reloaded" in line)

    def wait_for(condition, limit=1800):
        deadline = time.time() + limit
        while time.time() < deadline and not condition():
            time.sleep(0.2)

    def settle():  # until no reload has finished for 3 reload-lengths' worth of quiet
        last, since = reloads(), time.time()
        while time.time() - since < 15:
            time.sleep(0.5)
            if reloads() != last:
                last, since = reloads(), time.time()

    wait_for(lambda: "watchlistd running" in open(log_path).read())
    time.sleep(2)
    start = rss_mb(daemon.pid)
    print(f"{args.names} names; RSS at start {start:.0f} MB", flush=True)
    for _ in range(args.burst):
        daemon.send_signal(signal.SIGHUP)
        time.sleep(1.0 / args.burst)
    settle()
    burst = reloads()
    print(f"after {args.burst} SIGHUPs in about a second: {burst} reloads, RSS {rss_mb(daemon.pid):.0f} MB", flush=True)
    for i in range(args.serial):
        before = reloads()
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: reloads() > before)
    time.sleep(1)
    print(f"after {args.serial} more reloads one after another: RSS {rss_mb(daemon.pid):.0f} MB", flush=True)
    daemon.send_signal(signal.SIGTERM)
    daemon.wait()
    log.close()
    subprocess.run(["rm", "-rf", work])
    return 0


if __name__ == "__main__":
    sys.exit(main())
