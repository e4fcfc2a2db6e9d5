#!/usr/bin/python3
"""The peer of `watchlistd-bench html` for make bench-feeds: Python lxml (Debian's
python3-lxml, libxml2's HTML parser and XPath engine underneath too) reading one page
with the same expressions and the same rules: items, then per item the first node's
text of title/link/date, every node's text of body, whitespace collapsed, links made
absolute. Prints JSON like watchlistd-bench.

    html-xpath-lxml.py FILE ITEMS TITLE LINK DATE BODY
"""
import json
import sys
import time
from urllib.parse import urljoin

start = time.perf_counter()
from lxml import etree  # noqa: E402  (imported after the clock starts: it is part of the work)


def text(node):
    if isinstance(node, str):
        return node
    return "".join(node.itertext())


def value(item, expression, all_nodes):
    result = expression(item)
    if isinstance(result, list):
        parts = [text(n) for n in (result if all_nodes else result[:1])]
        return " ".join(" ".join(p.split()) for p in parts).strip()
    if isinstance(result, float) and result.is_integer():
        result = int(result)
    return " ".join(str(result).split())


def main():
    path, items, title, link, date, body = sys.argv[1:7]
    with open(path, "rb") as f:
        data = f.read()
    root = etree.fromstring(data, etree.HTMLParser(no_network=True, huge_tree=False))
    fields = [etree.XPath(e) for e in (title, link, date, body)]
    base = "https://leaks.example/"
    found = []
    for item in etree.XPath(items)(root):
        t, l, d, b = (value(item, fields[i], i == 3) for i in range(4))
        if t:
            found.append((t, urljoin(base, l) if l else None, d, b))
    print(json.dumps({"items": len(found), "seconds": time.perf_counter() - start,
                      "first_title": found[0][0] if found else "", "last_link": found[-1][1] if found else ""}))


main()
