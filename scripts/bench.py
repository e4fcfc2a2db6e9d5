#!/usr/bin/env python3
"""make bench: watchlistd's matcher beside the Python peer, on the shared benchmark corpus.

    python3 scripts/bench.py [--sizes 2000,20000] [--seeds 1] [--out /tmp/watchlistd-bench]

For each size and seed it generates the corpus with ../shared/bench/gen_corpus.py (once,
cached under --out), runs `watchlistd match` (release build, all cores, and one thread),
runs ../shared/bench/peer_match.py on one core in the same run, scores both with
../shared/bench/score.py, and prints one table (whole-process wall time, start-up and
load included; peak RSS of each process). It also times loading a generated 100,000-name
watchlist. Nothing here is a test: numbers depend on the machine.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
BENCH = os.path.join(SHARED, "bench")
BIN = os.path.join(ROOT, ".build", "release", "watchlistd")


def run(cmd, stdin_path=None, stdout_path=None, env=None):
    """Runs cmd; returns (wall seconds, peak RSS in MB)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed with status {status}")
    return wall, usage.ru_maxrss / 1024


def score(corpus, hits):
    out = subprocess.run([sys.executable, os.path.join(BENCH, "score.py"), "--labels", os.path.join(corpus, "labels.jsonl"),
                          "--hits", hits, "--json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def ensure_corpus(out, size, seed):
    corpus = os.path.join(out, f"e{size}-s{seed}")
    if not os.path.exists(os.path.join(corpus, "labels.jsonl")):
        print(f"generating corpus: {size} entities, seed {seed} …", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_corpus.py"), "--out", corpus, "--seed", str(seed),
                        "--entities", str(size)], check=True, stdout=subprocess.DEVNULL)
    return corpus


def ensure_peer(out):
    venv = os.path.join(out, "peer-venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        print("installing the peer's packages (pyahocorasick, rapidfuzz, OpenCC) …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "-r", os.path.join(BENCH, "requirements.txt")], check=True)
    return python


def hundred_thousand_names(out):
    directory = os.path.join(out, "names100k")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "big.watch")
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as f:
            f.write("customer: Load Test\n")
            for i in range(25000):
                f.write(f"entity: Synthetic Holdings {i} Co., Ltd.\n  alias: 合成控股{i}有限公司\n"
                        f"  alias: Synthetic Trading Company {i}\n  domain: synh{i}.example\n")
    return directory


def tenant_check(corpus, hits_all, customers=3):
    """Hits of a customer with every watchlist loaded must equal its hits with its file alone."""
    watchlists = os.path.join(corpus, "watchlists")
    files = sorted(f for f in os.listdir(watchlists) if f.endswith(".watch"))[:customers]
    all_lines = open(hits_all, encoding="utf-8").read().splitlines()
    differing = 0
    for name in files:
        alone = os.path.join(corpus, "alone", name[:-6])
        os.makedirs(alone, exist_ok=True)
        with open(os.path.join(watchlists, name), encoding="utf-8") as src, \
                open(os.path.join(alone, name), "w", encoding="utf-8") as dst:
            text = src.read()
            dst.write(text)
        customer = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("customer:"))
        out = os.path.join(alone, "hits.jsonl")
        run([BIN, "match", "--watchlists", alone], stdin_path=os.path.join(corpus, "listings.jsonl"), stdout_path=out)
        canon = lambda line: json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False)
        mine = sorted(canon(l) for l in all_lines if json.loads(l)["customer"] == customer)
        own = sorted(canon(l) for l in open(out, encoding="utf-8").read().splitlines())
        if mine != own:
            differing += 1
            print(f"tenant check: {customer}: {len(set(mine) ^ set(own))} hits differ with other customers' files loaded",
                  file=sys.stderr)
    return len(files), differing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="2000,20000")
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--out", default="/tmp/watchlistd-bench")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs of watchlistd per corpus (the median is reported)")
    args = ap.parse_args()
    if not os.path.isdir(BENCH):
        sys.exit(f"bench: {BENCH} not found; the benchmark needs the shared folder beside the repository")
    os.makedirs(args.out, exist_ok=True)
    peer = None if args.no_peer else ensure_peer(args.out)
    cores = os.cpu_count()
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        for seed in [int(s) for s in args.seeds.split(",")]:
            corpus = ensure_corpus(args.out, size, seed)
            listings = os.path.join(corpus, "listings.jsonl")
            watchlists = os.path.join(corpus, "watchlists")
            n = sum(1 for _ in open(listings, "rb"))
            mb = os.path.getsize(listings) / 1e6
            load, _ = run([BIN, "match", "--watchlists", watchlists], stdin_path="/dev/null")
            variants = [("watchlistd", [BIN, "match", "--watchlists", watchlists], "ours"),
                        ("watchlistd, 1 thread", [BIN, "match", "--watchlists", watchlists, "--threads", "1"], "ours1")]
            if peer:
                variants.append(("peer (Python), 1 core", ["taskset", "-c", "0", peer, os.path.join(BENCH, "peer_match.py"),
                                                           "--watchlists", watchlists], "peer"))
            for label, cmd, tag in variants:
                hits = os.path.join(corpus, f"hits.{tag}.jsonl")
                runs = [run(cmd, stdin_path=listings, stdout_path=hits) for _ in range(1 if tag == "peer" else args.repeat)]
                runs.sort()
                wall, rss = runs[len(runs) // 2]
                s = score(corpus, hits)
                rows.append((size, seed, label, wall, n / wall, mb / wall, rss, s, load if tag != "peer" else None))
    print()
    print(f"machine: {cores} cores; corpus: ../shared/bench/gen_corpus.py, 100,000 listings; wall = whole process, "
          f"start-up and load included (watchlistd: median of {args.repeat} runs); load s = start-up with empty input")
    print()
    print("| entities | seed | matcher | wall s | listings/s | MB/s | peak RSS MB | load s | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for size, seed, label, wall, lps, mbps, rss, s, load in rows:
        load_text = f"{load:.2f}" if load is not None else "–"
        print(f"| {size:,} | {seed} | {label} | {wall:.2f} | {lps:,.0f} | {mbps:.1f} | {rss:.0f} | {load_text} | "
              f"{s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} |")
    by = {}
    for size, seed, label, wall, *_ in rows:
        by[(size, seed, label)] = wall
    print()
    for size, seed, label, wall, *_ in rows:
        peer_wall = by.get((size, seed, "peer (Python), 1 core"))
        if peer_wall and label.startswith("watchlistd"):
            print(f"speed-up over the peer, {size:,} entities, seed {seed}, {label}: {peer_wall / wall:.1f}x")
    for size in [int(s) for s in args.sizes.split(",")]:
        corpus = ensure_corpus(args.out, size, int(args.seeds.split(",")[0]))
        checked, differing = tenant_check(corpus, os.path.join(corpus, "hits.ours.jsonl"))
        print(f"tenant independence, {size:,} entities: {checked - differing} of {checked} customers get the same hits "
              f"with every watchlist loaded as with their own file alone")
    big = hundred_thousand_names(args.out)
    wall, rss = run([BIN, "match", "--watchlists", big], stdin_path="/dev/null")
    empty = os.path.join(args.out, "empty")
    os.makedirs(empty, exist_ok=True)
    base, _ = run([BIN, "match", "--watchlists", empty], stdin_path="/dev/null")
    print(f"100,000-name watchlist (25,000 entities): start-up and load {wall:.2f} s "
          f"(empty watchlists: {base:.2f} s), peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
