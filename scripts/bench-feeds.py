#!/usr/bin/python3
"""make bench-feeds: the feed side's speed, beside Python feedparser (Debian's
python3-feedparser). Not a test: the numbers depend on the machine.

    /usr/bin/python3 scripts/bench-feeds.py [--feeds 1000] [--items 50] [--repeat 5] [--out /tmp/watchlistd-bench-feeds]

1. Parse throughput. Generates large feeds (RSS 2.0 and Atom, 5,000 items each, English,
   Chinese and Japanese text with HTML descriptions; one GB18030 copy) and times
   `watchlistd-bench parse` and feedparser.parse on the same bytes (best of --repeat,
   both in-process, file already in memory).
1b. Hostile documents (100,000 nested elements; a 100 KB entity referenced 20,000 times):
   their parse time, which the tests do not assert (they check the outcome only).
2. An HTML source (`format: html`): a 1 MB leak-site page of 500 cards, read with the
   same XPath expressions by `watchlistd-bench html` and by Python lxml
   (scripts/html-xpath-lxml.py), whole process each (start-up, import, read, parse,
   select, extract), best and median of --repeat runs.
3. A whole cycle: --feeds RSS feeds of --items items each from a local HTTP server
   (Tests/Support/http_server.py: ETag, 304), through `watchlistd-bench cycle`: fetch,
   decode, parse, deduplicate, match against the example watchlists, store in SQLite.
   Then a second cycle in which every feed answers 304. Peak RSS of the process.
   --watchlists DIR matches against other watchlists (e.g. a corpus of
   ../shared/bench/gen_corpus.py with 20,000 entities).
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_BIN = os.path.join(ROOT, ".build", "release", "watchlistd-bench")

WORDS = ("leak database customers dump sale price combolist access credentials vpn internal "
         "employees passport scans invoices contracts source code backup").split()
CJK = ["客户数据库出售", "内部邮件泄露", "社内資料が流出", "顧客情報の販売", "员工护照扫描件", "财务报表", "源代码备份"]
NAMES = ["Orion Shipping", "Kestrel Bank", "Lumen Pharma", "凯斯特银行", "ルーメン製薬", "Acme Widgets", "Northwind"]


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def title(rng):
    return f"{rng.choice(NAMES)} {rng.choice(CJK)} {' '.join(rng.choice(WORDS) for _ in range(5))}"


def description(rng):
    html = f"<p>{' '.join(rng.choice(WORDS) for _ in range(30))} <b>{rng.choice(CJK)}</b></p><ul><li>{rng.choice(WORDS)}</li></ul>"
    return escape(html)


def rss(rng, count, feed):
    items = "".join(
        f"<item><title>{escape(title(rng))}</title><link>http://127.0.0.1/{feed}/{i}</link>"
        f"<guid>{feed}-{i}</guid><pubDate>Thu, 26 Nov 2026 10:{i % 60:02d}:00 +0000</pubDate>"
        f"<description>{description(rng)}</description></item>\n" for i in range(count))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{feed}</title>\n{items}</channel></rss>\n'


def atom(rng, count, feed):
    entries = "".join(
        f'<entry><title type="html">{escape(title(rng))}</title><link rel="alternate" href="http://127.0.0.1/{feed}/{i}"/>'
        f"<id>tag:{feed},2026:{i}</id><updated>2026-11-26T10:{i % 60:02d}:00Z</updated>"
        f'<content type="html">{description(rng)}</content></entry>\n' for i in range(count))
    return f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>{feed}</title>\n{entries}</feed>\n'


def bench_parse(folder, files, repeat, binary=BENCH_BIN):
    """Writes `files` (name: bytes) to `folder`; `watchlistd-bench parse` on them: (paths, results)."""
    paths = []
    for name, data in files.items():
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    ours = subprocess.run([binary, "parse", str(repeat)] + paths, check=True, capture_output=True, text=True).stdout
    return paths, [json.loads(line) for line in ours.splitlines()]


def parse_bench(out, repeat):
    import feedparser
    rng = random.Random(7)
    folder = os.path.join(out, "parse")
    os.makedirs(folder, exist_ok=True)
    files = {}
    files["rss-5000.xml"] = rss(rng, 5000, "big").encode("utf-8")
    files["atom-5000.xml"] = atom(rng, 5000, "big").encode("utf-8")
    files["rss-5000-gb18030.xml"] = rss(rng, 5000, "big").replace('encoding="UTF-8"', 'encoding="GB18030"').encode("gb18030")
    paths, ours = bench_parse(folder, files, repeat)
    ours = {r["file"]: r for r in ours}
    print("parse throughput (best of %d, in-process)" % repeat)
    print(f"  {'file':24} {'MB':>6} {'items':>6} {'watchlistd s':>13} {'feedparser s':>13} {'speed-up':>9}")
    for path in paths:
        data = open(path, "rb").read()
        times = []
        entries = 0
        for _ in range(repeat):
            start = time.perf_counter()
            entries = len(feedparser.parse(data).entries)
            times.append(time.perf_counter() - start)
        peer = min(times)
        mine = ours[path]
        print(f"  {os.path.basename(path):24} {len(data) / 1e6:6.2f} {mine['items']:6} {mine['best']:13.3f} {peer:13.3f} "
              f"{peer / mine['best']:8.1f}x   (feedparser found {entries} entries; watchlistd "
              f"{len(data) / 1e6 / mine['best']:.0f} MB/s)")


def hostile_bench(out, repeat, binary=BENCH_BIN):
    """Parse time of the hostile documents the tests check only for their outcome (refused,
    or read without expanding anything): the time limits the tests no longer assert."""
    folder = os.path.join(out, "hostile")
    os.makedirs(folder, exist_ok=True)
    depth = 100_000
    entity = "a" * 100_000
    files = {
        "deep-100000.xml": ("<rss><channel><item><title>" + "<b>" * depth + "x" + "</b>" * depth
                            + "</title></item></channel></rss>"),
        "quadratic-20000.xml": (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{entity}">]><rss><channel><item><title>'
                                + "&big;" * 20_000 + "</title></item></channel></rss>"),
    }
    _, ours = bench_parse(folder, {name: text.encode() for name, text in files.items()}, repeat, binary)
    print("hostile documents (best of %d, in-process; items -1: refused)" % repeat)
    for r in ours:
        print(f"  {os.path.basename(r['file']):24} {r['bytes'] / 1e6:6.2f} MB {r['items']:6} items {r['best']:8.3f} s")


HTML_EXPRESSIONS = ['//div[@class="card"]', 'normalize-space(.//h3)', './/a[@class="more"]/@href',
                    './/span[@class="date"]', './/p[@class="desc"] | .//div[@class="timer"]']


def leak_page(rng, cards):
    """A leak-site page: navigation, a script, then `cards` cards of about 2 KB each."""
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>leaks</title>',
             '<style>' + ".card{border:1px solid #333;padding:4px}" * 40 + '</style>',
             '<script>' + "var x = [1,2,3].map(function (n) { return n * 2; });" * 40 + '</script></head><body>',
             '<nav>' + "".join(f'<a href="/p/{i}">page {i}</a> ' for i in range(30)) + '</nav><div class="grid">']
    for i in range(cards):
        name = f"{rng.choice(NAMES)} {rng.choice(WORDS).title()} {i}"
        desc = " ".join(rng.choice(WORDS + CJK) for _ in range(150))
        parts.append(f'<div class="card"><h3 class="title">  {escape(name)} </h3><a class="more" href="/post/{i}">read more</a>'
                     f'<div class="meta"><span class="date">2024-03-{1 + i % 28:02d} 10:{i % 60:02d}</span> '
                     f'<span class="views">Views: {rng.randint(1, 99999)}</span></div>'
                     f'<p class="desc">{escape(desc)}<br>sample &amp; proof</p><div class="timer">{i % 9}d {i % 24:02d}h</div></div>\n')
    parts.append('</div><footer>contact: tox only</footer></body></html>\n')
    return "".join(parts)


def html_bench(out, repeat):
    rng = random.Random(13)
    folder = os.path.join(out, "html")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "leak-500.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(leak_page(rng, 500))
    runs = {"watchlistd": [BENCH_BIN, "html", path] + HTML_EXPRESSIONS,
            "lxml": ["/usr/bin/python3", os.path.join(ROOT, "scripts", "html-xpath-lxml.py"), path] + HTML_EXPRESSIONS}
    times = {name: [] for name in runs}
    results = {}
    for _ in range(repeat):
        for name, command in runs.items():  # interleaved, so both see the same machine load
            start = time.perf_counter()
            results[name] = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            times[name].append(time.perf_counter() - start)
    size = os.path.getsize(path)
    print(f"html source: {size / 1e6:.2f} MB page, {results['watchlistd']['items']} cards; whole process, best / median of {repeat}")
    for name in runs:
        t = sorted(times[name])
        print(f"  {name:11} {t[0]:7.3f} s / {t[len(t) // 2]:7.3f} s   ({results[name]['items']} items, "
              f"{results[name]['seconds']:.3f} s inside the process)")
    best = min(times["lxml"]) / min(times["watchlistd"])
    print(f"  watchlistd is {best:.1f}x lxml's speed (best against best)")
    if results["watchlistd"]["items"] != results["lxml"]["items"] or \
            results["watchlistd"]["first_title"] != results["lxml"]["first_title"]:
        print(f"  WARNING: the two read different items: {results['watchlistd']} vs {results['lxml']}")


def cycle_bench(out, feeds, items, watchlists):
    rng = random.Random(11)
    folder = os.path.join(out, f"cycle-{feeds}x{items}")
    served = os.path.join(folder, "feeds")
    os.makedirs(served, exist_ok=True)
    for f in range(feeds):
        path = os.path.join(served, f"f{f}.xml")
        if not os.path.exists(path):
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(rss(rng, items, f"f{f}"))
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests", "Support", "http_server.py"), served],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        db = os.path.join(folder, "bench.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        config = os.path.join(folder, "bench.conf")
        with open(config, "w") as fh:
            fh.write(f"watchlists: {watchlists}\ndatabase: {db}\n")
            for f in range(feeds):
                fh.write(f"feed: http://127.0.0.1:{port}/f{f}.xml\n  name: f{f}\n")
        result = json.loads(subprocess.run([BENCH_BIN, "cycle", config], check=True, capture_output=True, text=True).stdout)
    finally:
        server.kill()
    print(f"whole cycle: {feeds} feeds x {items} items from a local server (fetch, parse, dedup, match, store); watchlists {watchlists}")
    print(f"  first cycle:  {result['first_seconds']:.2f} s  ({result['first_fetched']} fetched, {result['first_failed']} failed, "
          f"{result['items']} items stored, {result['hits']} hits)")
    print(f"  second cycle: {result['second_seconds']:.2f} s  ({result['second_not_modified']} answered 304)")
    print(f"  peak RSS:     {result['peak_rss_mb']:.0f} MB  (concurrency {result['concurrency']})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default="/tmp/watchlistd-bench-feeds")
    parser.add_argument("--skip-parse", action="store_true")
    parser.add_argument("--only-html", action="store_true", help="only the HTML source line")
    parser.add_argument("--watchlists", default=os.path.join(ROOT, "Tests", "Fixtures", "watchlists"),
                        help="the watchlists to match against (default: the tests' three small ones)")
    args = parser.parse_args()
    if not os.path.exists(BENCH_BIN):
        sys.exit(f"bench-feeds: {BENCH_BIN} missing; run `make bench-feeds` (it builds it)")
    if args.only_html:
        html_bench(args.out, args.repeat)
        return
    if not args.skip_parse:
        parse_bench(args.out, args.repeat)
        hostile_bench(args.out, args.repeat)
    html_bench(args.out, args.repeat)
    cycle_bench(args.out, args.feeds, args.items, args.watchlists)


if __name__ == "__main__":
    main()
