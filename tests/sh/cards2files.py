"""cards2files.py [TAG] < cards > files: for each card record, a `change` record and a
`file` record whose README.md differs from the card by one front-matter line
(`evalpipe_test: TAG`) — a stand-in for merge-index | yaml-emit in pr-open tests."""
import json
import sys

tag = sys.argv[1] if len(sys.argv) > 1 else "1"
for line in sys.stdin:
    card = json.loads(line)
    if card.get("kind") != "card":
        print(line, end="")
        continue
    fm, body = card["front_matter"], card["body"]
    if fm:
        eol = "\r\n" if "\r\n" in fm else "\n"
        close = fm.rstrip("\r\n").rfind(eol + "---")
        fm = fm[:close] + eol + "evalpipe_test: " + tag + fm[close:]
    else:
        fm = "---\nevalpipe_test: " + tag + "\n---\n"
    print(json.dumps({"kind": "change", "repo": card["repo"], "entries": [
        {"status": "added", "dataset": "cais/mmlu", "metric": "acc", "value": 0.5,
         "source": {"name": "test", "url": "https://example.org"}}]}))
    print(json.dumps({"kind": "file", "repo": card["repo"], "type": card["type"],
                      "path": "README.md", "content": fm + body,
                      "base_revision": card["revision"]}))
