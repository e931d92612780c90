#!/bin/sh
# tables2json throughput, peak memory and accuracy:
#   - the fixture cards (tests/tables/cards), read R times over;
#   - N synthetic cards from tests/bench/gen-cards.py (fixed seed);
#   - values expected / recovered / wrong on the fixtures (tests/tables/check.py).
# usage: tests/bench/bench-tables.sh [N] [R]
set -eu
N=${1:-1000}
R=${2:-20}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${EP_BIN:-$TOP/bin}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/evalpipe-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# fixture cards, each with its repo id from its expectations
for d in "$TOP"/tests/tables/cards/*/; do
	repo=$(sed -n 's/^repo | //p' "$d/expected")
	args=$(sed -n 's/^args | //p' "$d/expected")
	[ -z "$args" ] || continue # cards that need options are left out of the timing
	"$BIN/hf-fetch" local --repo "$repo" "$d" >>"$TMP/fixtures.ndjson"
done
i=0
while [ $i -lt "$R" ]; do cat "$TMP/fixtures.ndjson"; i=$((i + 1)); done >"$TMP/fixtures-x$R.ndjson"
python3 "$TOP/tests/bench/gen-cards.py" "$N" 1 "$TMP/synthetic.expect" >"$TMP/synthetic.ndjson"

# run NAME FILE: one pass; cards/s by CPU time (user+sys) and by wall time, peak RSS
run() {
	cards=$(grep -c '"kind":"card"' "$2")
	bytes=$(wc -c <"$2")
	rc=0
	/usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$BIN/tables2json" -q "$2" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ $rc -le 1 ] || { cat "$TMP/err" >&2; exit 1; } # 1: the ragged-row fixture's error records
	scores=$(grep -c '"kind":"score"' "$TMP/out" || true)
	python3 - "$1" "$cards" "$bytes" "$scores" $(tail -n1 "$TMP/time") <<'PY'
import sys
name, cards, size, scores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wall, user, system, rss = float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
cpu = max(user + system, 0.001)
print("%-16s %6d %6.1f %8.3f %8.3f %10.0f %10.0f %7.1f %7d %9.1f" % (
    name, cards, size / 1e6, cpu, wall, cards / cpu, cards / max(wall, 0.001), size / 1e6 / cpu,
    scores, rss / 1024.0))
PY
}

echo "tables2json on $(uname -m), $(nproc) CPU(s), load $(cut -d' ' -f1 /proc/loadavg)"
echo "(cards/s by CPU time; the wall-clock rate depends on what else the machine runs)"
printf '%-16s %6s %6s %8s %8s %10s %10s %7s %7s %9s\n' input cards MB cpu-s wall-s cards/s wall-c/s MB/s scores peak-MiB
run "fixtures x$R" "$TMP/fixtures-x$R.ndjson"
run "synthetic $N" "$TMP/synthetic.ndjson"
echo
# the synthetic cards' own values against what was emitted (per card, as multisets)
python3 - "$TMP/synthetic.expect" "$TMP/out" <<'PY'
import collections, json, sys
want = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    want[e["repo"]] = collections.Counter(round(v, 6) for v in e["values"])
got = collections.defaultdict(collections.Counter)
for line in open(sys.argv[2]):
    r = json.loads(line)
    if r["kind"] == "score":
        got[r["repo"]][round(float(r["metric"]["value"]), 6)] += 1
expected = sum(sum(c.values()) for c in want.values())
recovered = sum(sum((want[k] & got[k]).values()) for k in want)
wrong = sum(sum((got[k] - want.get(k, collections.Counter())).values()) for k in got)
print("# synthetic %d: values expected %d, recovered %d (%.1f%%), wrong %d" % (
    len(want), expected, recovered, 100.0 * recovered / max(1, expected), wrong))
PY
python3 "$TOP/tests/tables/check.py" --summary-only "$BIN" "$TOP/tests/tables/cards"
