#!/usr/bin/env python3
"""Write `card` records for README files (stdlib only).

usage: mkcard.py [--repo ORG/NAME] PATH...

PATH is a README file or a directory holding README.md. The front matter is
split off with the Hub's regex; the body is everything after the block. The
metadata is read with a small YAML subset reader (block maps, block lists and
plain or quoted scalars), enough for test cards. Without --repo the repo is
"local/<directory name>".
"""
import json
import os
import re
import sys

FM_RE = re.compile(r"^([\s\ufeff]*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")


def scalar(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    if s in ("", "~", "null"):
        return None
    if s in ("true", "false"):
        return s == "true"
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    if re.fullmatch(r"-?\d+\.\d*", s):
        return float(s)
    if s == "[]":
        return []
    if s == "{}":
        return {}
    return s


def parse_block(lines, i, indent):
    """Parse lines[i:] at this indent; returns (value, next index)."""
    if i < len(lines) and lines[i][1].startswith("- "):
        out = []
        while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
            rest = lines[i][1][2:]
            if ":" in rest and not rest.lstrip().startswith(("'", '"')):
                # a map inside a list item: re-read the item as a block at indent + 2
                lines[i] = (indent + 2, rest)
                val, i = parse_block(lines, i, indent + 2)
            else:
                val, i = scalar(rest), i + 1
            out.append(val)
        return out, i
    out = {}
    while i < len(lines) and lines[i][0] == indent:
        key, _, rest = lines[i][1].partition(":")
        i += 1
        if rest.strip():
            out[key.strip()] = scalar(rest)
        elif i < len(lines) and lines[i][0] > indent:
            out[key.strip()], i = parse_block(lines, i, lines[i][0])
        elif i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
            out[key.strip()], i = parse_block(lines, i, indent)
        else:
            out[key.strip()] = None
    return out, i


def parse_yaml(text):
    lines = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        lines.append((len(raw) - len(raw.lstrip(" ")), raw.strip()))
    if not lines:
        return None
    val, _ = parse_block(lines, 0, lines[0][0])
    return val


def card(path, repo):
    if os.path.isdir(path):
        name = os.path.basename(os.path.abspath(path))
        path = os.path.join(path, "README.md")
    else:
        name = os.path.basename(os.path.dirname(os.path.abspath(path)))
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    m = FM_RE.match(text)
    rec = {"kind": "card", "repo": repo or "local/" + name, "type": "model", "path": "README.md"}
    if m:
        rec["front_matter"] = m.group(0)
        rec["metadata"] = parse_yaml(m.group(2))
        rec["body"] = text[m.end():]
    else:
        rec["front_matter"] = None
        rec["metadata"] = None
        rec["body"] = text
    return rec


def main(argv):
    repo = None
    if len(argv) >= 2 and argv[0] == "--repo":
        repo, argv = argv[1], argv[2:]
    if not argv:
        sys.stderr.write("usage: mkcard.py [--repo ORG/NAME] PATH...\n")
        return 2
    for p in argv:
        sys.stdout.write(json.dumps(card(p, repo), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
