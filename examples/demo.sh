#!/bin/sh
# The backfill job on a built-in example, with no account and no network:
# the local test hub serves two example model repos (examples/hub); the
# backfill pipeline fetches their cards, extracts the benchmark tables, merges
# the scores into model-index metadata and shows the pull request it would
# open for each repo (a dry run: nothing is written).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${EP_BIN:-$TOP/bin}
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
printf 'acme/acme-7b\nbench-lab/tiny-instruct\n' >"$WORK/repos.txt"
echo "# local test hub at $HF_ENDPOINT serving examples/hub"
echo "# make -f pipelines/backfill.mk REPOS=repos.txt -j4   (hf-fetch | tables2json | merge-index | yaml-emit | pr-open --dry-run)"
make -s -f "$TOP/pipelines/backfill.mk" BIN="$BIN" REPOS="$WORK/repos.txt" OUT="$WORK/out" -j4 \
	>"$WORK/make.log" 2>&1 || { cat "$WORK/make.log"; exit 1; }
python3 - "$WORK/out" <<'PY'
import json, os, sys
out = sys.argv[1]
for name in sorted(os.listdir(os.path.join(out, "dry-run"))):
    for line in open(os.path.join(out, "dry-run", name), encoding="utf-8"):
        r = json.loads(line)
        if r["kind"] != "pr":
            continue
        print("=" * 78)
        print("Pull request for %s (%s, nothing sent)" % (r["repo"], r["status"]))
        print("=" * 78)
        print("Title: " + r.get("title", ""))
        print()
        print(r.get("description", ""))
        print(r.get("diff", ""))
print("# summary: " + open(os.path.join(out, "summary.json")).read().strip())
PY
exit 0
