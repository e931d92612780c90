#!/bin/sh
# The backfill pipeline end to end against the local test hub:
# hf-fetch | tables2json | merge-index | yaml-emit | pr-open, driven by
# pipelines/backfill.mk. Opens the expected pull requests, each README
# byte-identical outside its model-index block; a rerun writes nothing.
. "$(dirname "$0")/../lib.sh"
HUB_DIR=$TOP/tests/hub
. "$HUB_DIR/hubctl.sh"
hub_start -w "$TMP/hub" "$TOP/examples/hub" || exit 1
test_at_exit hub_stop
HF_TOKEN=hf_alice_write
export HF_TOKEN
printf 'acme/acme-7b\nbench-lab/tiny-instruct\nnope/missing\n' >"$TMP/repos.txt"

backfill() {
	make -s -f "$TOP/pipelines/backfill.mk" BIN="$EP_BIN" REPOS="$TMP/repos.txt" OUT="$TMP/out" -j4 "$@"
}

test_expect_success 'dry run: a pull request shown per repo, the missing repo in errors, nothing written' '
	hub_log_clear &&
	backfill >log 2>&1 &&
	test_json out/summary.json "recs[0][\"pr_dry-run\"] == 2 and recs[0][\"errors\"] == 1 and recs[0][\"added\"] >= 7" &&
	test_json out/errors.ndjson "[r[\"repo\"] for r in recs] == [\"nope/missing\"]" &&
	test $(hub_log_count "." POST) -eq 0
'

# The expected README was checked value by value against the card's table: the
# Acme-7B column (not the bold best of another model), shots from the labels, no Params row.
test_expect_success 'hf-fetch | tables2json | merge-index | yaml-emit gives the expected README' '
	hf-fetch card acme/acme-7b | tables2json | merge-index | yaml-emit >files &&
	python3 -c "
import json, sys
f = [r for r in map(json.loads, open(\"files\")) if r[\"kind\"] == \"file\"]
assert len(f) == 1 and f[0][\"path\"] == \"README.md\"
sys.stdout.write(f[0][\"content\"])
" >README.md &&
	test_cmp "$TOP/tests/data/pipeline/acme-7b.README.expected" README.md
'

test_expect_success 'PUBLISH=1 opens one pull request per repo' '
	backfill PUBLISH=1 >log 2>&1 &&
	test_json out/summary.json "recs[0][\"pr_opened\"] == 2" &&
	test $(hub_log_count "/commit/" POST) -eq 2
'

test_expect_success 'each pull request changes only the model-index block of the README' '
	for r in acme/acme-7b bench-lab/tiny-instruct; do
		hf-fetch card $r >base.ndjson && hf-fetch -r refs/pr/1 card $r >pr.ndjson &&
		python3 - base.ndjson pr.ndjson <<-PY || return 1
		import json, sys
		base, pr = (json.load(open(p)) for p in sys.argv[1:3])
		assert base["body"] == pr["body"], "body changed"
		def drop_model_index(fm):
		    # the front matter without its top-level model-index block
		    out, skip = [], False
		    for line in fm.splitlines(True):
		        if line.startswith("model-index:"):
		            skip = True
		            continue
		        if skip and line.rstrip("\r\n") != "---" and (line[:1] in (" ", "-") or not line.strip()):
		            continue
		        skip = False
		        out.append(line)
		    return "".join(out)
		assert drop_model_index(base["front_matter"]) == drop_model_index(pr["front_matter"])
		mi = pr["metadata"]["model-index"]
		assert any(m["dataset"]["type"] == "cais/mmlu" or m["dataset"]["type"] == "allenai/ai2_arc"
		           for e in mi for m in e["results"]), mi
		PY
	done
'

test_expect_success 'a second run with nothing changed makes no write request' '
	hub_log_clear &&
	backfill PUBLISH=1 >log 2>&1 &&
	test $(hub_log_count "." POST) -eq 0 &&
	test_json out/summary.json "recs[0][\"pr_opened\"] == 2"
'

test_expect_success 'a changed card is processed again; its open PR is found, not duplicated' '
	rm -f out/published/acme--acme-7b.ndjson &&
	hub_log_clear &&
	backfill PUBLISH=1 >log 2>&1 &&
	test_json out/published/acme--acme-7b.ndjson "[r[\"status\"] for r in recs if r[\"kind\"] == \"pr\"] == [\"exists\"]" &&
	test $(hub_log_count "/commit/" POST) -eq 0
'

test_done
