#!/usr/bin/env python3
"""Probe of the misspelling model with names romanised or heard another way (docs/matching.md).

    python3 scripts/probe-romanisation.py BIN [WATCHLIST_DIR]

WATCHLIST_DIR holds the registry watchlists that `scripts/eval-real.py` writes (default
/tmp/watchlistd-real/watchlists). For every entity name with a run of four letters, one
change a person makes (Hepburn/Kunrei shi/si, tsu/tu, chi/ti; Wade-Giles/pinyin hs/x, ch/j/q;
ou/o long vowels; sound-alikes c/k, ph/f, l/r, v/b; a doubled letter written once) is applied
at a random place where it fits, and "<variant> data leaked" is matched against all the
watchlists. Prints, per change, how many variants found their entity and how many hits went
to other entities (a rough guard: some variants are not names an analyst would recognise,
such as a changed three-letter acronym). Seeded: runs are comparable.
"""
import collections
import json
import os
import random
import re
import subprocess
import sys

RULES = [
    ("shi", "si"), ("si", "shi"), ("tsu", "tu"), ("tsu", "tzu"), ("chi", "ti"), ("ou", "o"), ("oh", "o"),
    ("o", "ou"), ("fu", "hu"), ("ji", "zi"), ("sha", "sya"), ("sho", "syo"), ("hs", "x"), ("x", "hs"),
    ("ch", "j"), ("j", "ch"), ("q", "ch"), ("ts", "c"), ("zh", "j"), ("ung", "ong"), ("ong", "ung"),
    ("hui", "huei"), ("ph", "f"), ("f", "ph"), ("c", "k"), ("k", "c"), ("x", "ks"), ("l", "r"), ("r", "l"),
    ("v", "b"), ("tion", "sion"), ("kk", "k"), ("ss", "s"), ("tt", "t"), ("pp", "p"), ("mb", "nb"),
    ("mp", "np"), ("ii", "i"), ("uu", "u"), ("oo", "o"),
]


def main():
    binary = sys.argv[1]
    directory = sys.argv[2] if len(sys.argv) > 2 else "/tmp/watchlistd-real/watchlists"
    random.seed(7)
    entities = []
    for name in sorted(os.listdir(directory)):
        customer = None
        for line in open(os.path.join(directory, name), encoding="utf-8"):
            if line.startswith("customer: "):
                customer = line[10:].strip()
            elif line.startswith("entity: "):
                entities.append((customer, line[8:].strip()))
    variants = []
    for customer, name in entities:
        if not re.search("[A-Za-z]{4}", name):
            continue
        low = name.lower()
        for old, new in RULES:
            places = [m.start() for m in re.finditer(old, low)]
            if not places:
                continue
            i = random.choice(places)
            written = new.upper() if name[i:i + len(old)].isupper() else new
            title = name[:i] + written + name[i + len(old):] + " data leaked"
            variants.append({"id": str(len(variants)), "rule": f"{old}>{new}", "key": (customer, name), "title": title})
    random.shuffle(variants)
    variants = variants[:4000]
    listings = "\n".join(json.dumps({"id": v["id"], "title": v["title"], "body": ""}) for v in variants)
    out = subprocess.run([binary, "match", "--watchlists", directory], input=listings.encode(), capture_output=True)
    hits = collections.defaultdict(set)
    for line in out.stdout.decode().splitlines():
        hit = json.loads(line)
        hits[hit["id"]].add((hit["customer"], hit["entity"]))
    total, found, other = collections.Counter(), collections.Counter(), collections.Counter()
    missed = collections.defaultdict(list)
    for v in variants:
        total[v["rule"]] += 1
        if v["key"] in hits[v["id"]]:
            found[v["rule"]] += 1
        else:
            missed[v["rule"]].append(v["title"])
        other[v["rule"]] += len(hits[v["id"]] - {v["key"]})
    print("found", sum(found.values()), "of", sum(total.values()), "; hits on other entities", sum(other.values()))
    for rule in sorted(total, key=lambda r: -total[r]):
        print(f"{rule:10} {found[rule]}/{total[rule]}  other {other[rule]}  missed e.g. {missed[rule][:3]}")


if __name__ == "__main__":
    main()
