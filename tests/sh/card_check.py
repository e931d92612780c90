"""card_check.py OUT FILE...: the Nth card record of OUT reproduces FILE N byte for byte."""
import json
import sys

recs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
cards = [r for r in recs if r["kind"] == "card"]
files = sys.argv[2:]
if len(cards) != len(files):
    sys.exit("expected %d cards, got %d" % (len(files), len(cards)))
for card, path in zip(cards, files):
    want = open(path, "rb").read()
    got = ((card["front_matter"] or "") + card["body"]).encode("utf-8")
    if got != want:
        sys.exit("%s: card text differs from the file" % path)
