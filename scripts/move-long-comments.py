#!/usr/bin/python3
"""Part of `make format`: moves each end-of-line comment that swift-format reports as
too long for the line ([EndOfLineComment], which its formatter leaves in place) onto a
line of its own above the code it annotates, at the code's indentation.

    swift format lint ... 2>&1 | python3 scripts/move-long-comments.py

Reads the lint findings on standard input; edits only the reported comments (the column
swift-format gives, in characters, must hold the `//`); prints what it moved and any
finding it left alone.
"""
import re
import sys

FINDING = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): \w+: \[EndOfLineComment\]")


def main():
    places = {}
    for text in sys.stdin:
        match = FINDING.match(text)
        if match:
            places.setdefault(match["path"], set()).add((int(match["line"]), int(match["column"])))
    moved = 0
    for path, found in sorted(places.items()):
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for number, column in sorted(found, reverse=True):  # bottom-up: earlier line numbers stay valid
            line = lines[number - 1]
            start = column - 1
            if line[start:start + 2] != "//":
                print(f"{path}:{number}:{column}: no end-of-line comment there; move it by hand", file=sys.stderr)
                continue
            indent = line[: len(line) - len(line.lstrip())]
            lines[number - 1: number] = [indent + line[start:].rstrip(), line[:start].rstrip()]
            moved += 1
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
    print(f"move-long-comments: {moved} end-of-line comment(s) moved above their line")


if __name__ == "__main__":
    main()
