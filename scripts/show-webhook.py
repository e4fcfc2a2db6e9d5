#!/usr/bin/env python3
"""Shows the POSTs Tests/Support/webhook_receiver.py stored in DIR (`make demo`): each
request's path, the receiver's answer, whether the signature verified, and its hits."""
import json
import os
import sys

directory = sys.argv[1]
numbers = sorted(int(name[:-5]) for name in os.listdir(directory) if name.endswith(".json"))
for number in numbers:
    meta = json.load(open(os.path.join(directory, f"{number}.json")))
    document = json.load(open(os.path.join(directory, f"{number}.body"), "rb"))
    signature = {True: "signature verified", False: "SIGNATURE WRONG", None: "unsigned"}[meta["signature"]]
    print(f"POST {meta['path']} -> {meta['status']}, {signature}, {len(document['hits'])} hit(s)")
    for hit in document["hits"]:
        print(f"    {hit['customer']}: {hit['explanation']}")
        print(f"        [{hit['feed']}] {hit['title']}")
if not numbers:
    print("(no POST received)")
