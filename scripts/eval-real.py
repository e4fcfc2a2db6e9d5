#!/usr/bin/env python3
"""Real-data evaluation of the matcher (docs/matching.md, "Evaluation on real text").

    python3 scripts/eval-real.py [--out /tmp/watchlistd-real] [--bin .build/release/watchlistd] [--judged FILE]

1. Builds bulk watchlists from public registries, as filed (../shared/data; nothing is copied
   into the repository): EDINET listed companies (English name as filed, Japanese name as an
   alias), TWSE-listed and TPEx-listed companies (English short name as filed, the full and
   short Chinese names as aliases, the website's domain): three customers.
2. Takes every distinct post title of ../shared/data/ransomwatch/posts.json (real leak-site
   titles) and, as bodies, the ransomware.live descriptions of ../shared/data/ransomware.live.
3. Runs `watchlistd match` over them (threshold 0.8, and 0.5 for the pool of near misses).
4. Writes a judging sheet (hits.tsv: one (listing, customer, entity) pair a line) and, with
   --judged (the sheet with a `verdict` column filled in: y = a mention an analyst wants, n = not),
   prints precision, and recall against the pool of every pair judged y.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "data")


def watchlists(out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(DATA, "edinet", "EdinetcodeDlInfo.utf8.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))[2:]
    with open(os.path.join(out, "edinet.watch"), "w", encoding="utf-8") as w:
        w.write("customer: EDINET listed\n")
        n = 0
        seen = set()
        for r in rows:
            if r[2] != "Listed company" or not r[7].strip() or r[7].strip().lower() in seen:
                continue  # (three English names are filed twice, by different companies: the first is kept)
            seen.add(r[7].strip().lower())
            w.write(f"entity: {r[7].strip()}\n  alias: {r[6].strip()}\n")
            n += 1
    counts = {"edinet": n}
    for part, customer in (("L", "TWSE listed"), ("O", "TPEx listed")):
        with open(os.path.join(DATA, "twse", f"t187ap03_{part}_names.csv"), encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        with open(os.path.join(out, f"twse-{part}.watch"), "w", encoding="utf-8") as w:
            w.write(f"customer: {customer}\n")
            n = 0
            seen = set()
            for r in rows:
                en = r["英文簡稱"].strip()
                if not en or en.lower() in seen:
                    continue
                seen.add(en.lower())
                w.write(f"entity: {en}\n  alias: {r['公司名稱'].strip()}\n")
                short = r["公司簡稱"].strip()
                if short and short != r["公司名稱"].strip():
                    w.write(f"  alias: {short}\n")
                site = re.sub(r"^(https?://)?(www\.)?", "", r["網址"].strip().lower()).split("/")[0]
                if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", site):
                    w.write(f"  domain: {site}\n")
                n += 1
        counts[part] = n
    return counts


def listings(out):
    with open(os.path.join(DATA, "ransomwatch", "posts.json"), encoding="utf-8") as f:
        posts = json.load(f)
    titles = sorted({p["post_title"] for p in posts})
    bodies = {}
    for name in ("posts_2023-03-13.csv", "posts_2024-03-19.csv"):
        with open(os.path.join(DATA, "ransomware.live", name), encoding="utf-8", errors="replace") as f:
            for r in csv.DictReader(f):
                if r.get("description") and r.get("post_title"):
                    bodies.setdefault(r["post_title"], r["description"])
    path = os.path.join(out, "listings.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for i, t in enumerate(titles):
            f.write(json.dumps({"id": f"R{i:05d}", "title": t, "body": bodies.get(t, "")}, ensure_ascii=False) + "\n")
    return path, len(titles), sum(1 for t in titles if t in bodies)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/watchlistd-real")
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "watchlistd"))
    ap.add_argument("--judged", help="hits.tsv with the verdict column filled in")
    args = ap.parse_args()
    wl = os.path.join(args.out, "watchlists")
    counts = watchlists(wl)
    path, n, with_body = listings(args.out)
    print(f"watchlists: {counts}; listings: {n} titles ({with_body} with a description)", file=sys.stderr)
    by_id = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            by_id[o["id"]] = o
    pairs = {}
    for threshold in ("0.5", "0.8"):
        res = subprocess.run([args.bin, "match", "--watchlists", wl, "--threshold", threshold], stdin=open(path, "rb"),
                             capture_output=True, check=True)
        for line in res.stdout.decode().splitlines():
            h = json.loads(line)
            key = (h["id"], h["customer"], h["entity"])
            best = pairs.get(key)
            if best is None or h["score"] > best["score"]:
                pairs[key] = h
    sheet = os.path.join(args.out, "hits.tsv")
    verdicts = {}
    if args.judged:
        with open(args.judged, encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                verdicts[(r["id"], r["customer"], r["entity"])] = r.get("verdict", "").strip().lower()
    with open(sheet, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t")
        w.writerow(["id", "customer", "entity", "name", "matched", "score", "field", "title", "body", "verdict"])
        for key in sorted(pairs):
            h = pairs[key]
            o = by_id[key[0]]
            w.writerow([key[0], key[1], key[2], h["name"], h["matched"], h["score"], h.get("field", ""),
                        o["title"], o["body"][:300].replace("\t", " ").replace("\n", " "), verdicts.get(key, "")])
    hits = [k for k, h in pairs.items() if h["score"] >= 0.8]
    print(f"pairs: {len(hits)} at the default threshold, {len(pairs) - len(hits)} more near misses (0.5-0.8); sheet: {sheet}")
    if verdicts:
        judged_hits = [k for k in hits if verdicts.get(k) in ("y", "n")]
        tp = sum(1 for k in judged_hits if verdicts[k] == "y")
        relevant = {k for k, v in verdicts.items() if v == "y"}
        found = sum(1 for k in relevant if k in pairs and pairs[k]["score"] >= 0.8)
        print(f"precision {tp}/{len(judged_hits)} = {tp / max(1, len(judged_hits)):.3f}; "
              f"recall against the judged pool {found}/{len(relevant)} = {found / max(1, len(relevant)):.3f}")
        unjudged = [k for k in hits if k not in verdicts]
        if unjudged:
            print(f"{len(unjudged)} hits not judged yet")


if __name__ == "__main__":
    main()
