#!/bin/sh
# The backfill job on a built-in example, with no account and no network:
# start the local test hub on examples/hub (two example model repos), list
# the repos of two authors, and fetch their cards.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${EP_BIN:-$TOP/bin}
PATH=$BIN:$PATH
HUB_DIR=$TOP/tests/hub
. "$HUB_DIR/hubctl.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/evalpipe-demo.XXXXXX")
cleanup() {
	set +e
	hub_stop
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
hub_start -w "$WORK/hub" "$TOP/examples/hub" >/dev/null
unset HF_TOKEN
echo "# local test hub at $HF_ENDPOINT (examples/hub)"
echo "\$ hf-fetch list --author acme; hf-fetch list --author bench-lab   # repos"
{ hf-fetch list --author acme; hf-fetch list --author bench-lab; } >"$WORK/repos"
cat "$WORK/repos"
echo "\$ hf-fetch -j 8 card <repos                                        # their model cards"
hf-fetch -j 8 card <"$WORK/repos" >"$WORK/cards"
python3 - "$WORK/cards" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["kind"] != "card":
        print(line, end="")
        continue
    print("card %-26s revision %s  metadata keys: %s  body: %d bytes" % (
        r["repo"], r["revision"][:12], ", ".join(r["metadata"]), len(r["body"])))
PY
exit 0
