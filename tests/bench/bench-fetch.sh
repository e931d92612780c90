#!/bin/sh
# Fetch N cards from the local test hub with L ms of injected latency per
# request at -j 1, 8 and 32; print cards/s next to the ideal N*L/jobs.
# usage: tests/bench/bench-fetch.sh [N] [LATENCY_MS]
set -eu
N=${1:-1000}
LAT=${2:-20}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${EP_BIN:-$TOP/bin}
HUB_DIR=$TOP/tests/hub
. "$HUB_DIR/hubctl.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/evalpipe-bench.XXXXXX")
cleanup() {
	set +e
	hub_stop
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$TMP/empty/models"
hub_start -w "$TMP/hub" "$TMP/empty" --synthetic-models "$N" --synthetic-org bench >/dev/null
unset HF_TOKEN
"$BIN/hf-fetch" list --author bench >"$TMP/repos"
got=$(wc -l <"$TMP/repos")
[ "$got" -eq "$N" ] || { echo "bench-fetch: listed $got repos, expected $N" >&2; exit 1; }
hub_latency "$LAT"
printf '%-6s %10s %12s %14s %8s\n' jobs seconds cards/s ideal-cards/s share
for j in 1 8 32; do
	start=$(date +%s.%N)
	"$BIN/hf-fetch" -q -j "$j" card <"$TMP/repos" >"$TMP/cards"
	end=$(date +%s.%N)
	cards=$(grep -c '"kind":"card"' "$TMP/cards")
	[ "$cards" -eq "$N" ] || { echo "bench-fetch: $cards cards at -j $j" >&2; exit 1; }
	python3 - "$start" "$end" "$N" "$LAT" "$j" <<'PY'
import sys
start, end, n, lat, j = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
secs = end - start
ideal = j / (lat / 1000.0)
rate = n / secs
print("%-6d %10.2f %12.1f %14.1f %7.0f%%" % (j, secs, rate, ideal, 100.0 * rate / ideal))
PY
done
exit 0
