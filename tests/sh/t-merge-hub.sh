#!/bin/sh
# The whole write path against the local test hub:
#   hf-fetch card | (scores) | merge-index | yaml-emit | pr-open
# The README each pull request proposes is the expected one, based on the
# commit hf-fetch read; a second run finds the open pull request and proposes
# nothing new, and merging again from the pull request's own README adds nothing.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/records.sh"
HUB_DIR=$TOP/tests/hub
. "$HUB_DIR/hubctl.sh"

data=$TOP/tests/data
names=$(cd "$data/pipeline/expected" && ls | sed 's/\.md$//')
FX=$TMP/fixtures
for n in $names; do
	mkdir -p "$FX/models/evalpipe-test/$n" &&
		cp "$data/cards/$n.md" "$FX/models/evalpipe-test/$n/README.md" || exit 1
done
hub_start -w "$TMP/hub" "$FX" || exit 1
test_at_exit hub_stop
sed 's|"repo":"test/|"repo":"evalpipe-test/|' "$data/pipeline/scores.ndjson" >"$TMP/scores.ndjson"

# in REV: each repo's card at REV (default main), then its scores
fetch_with_scores() {
	for n in $names; do
		hf-fetch ${1:+-r "$1"} card "evalpipe-test/$n" || return 1
		grep "\"repo\":\"evalpipe-test/$n\"" "$TMP/scores.ndjson"
	done
}

test_expect_success 'hub: the READMEs are the expected ones, based on the fetched commit' '
	fetch_with_scores >in &&
	merge-index in >merged 2>err &&
	yaml-emit merged >files 2>>err &&
	test_must_be_empty err &&
	extract_files files out &&
	for n in $names; do
		cmp "$data/pipeline/expected/$n.md" "out/$n/README.md" || exit 1
	done &&
	test_json files "(all(len(r[\"base_revision\"]) == 40 for r in recs if r[\"kind\"] == \"file\")
		and [r[\"base_revision\"] for r in recs if r[\"kind\"] == \"file\"] ==
		[r[\"revision\"] for r in recs if r[\"kind\"] == \"change\"])"
'

test_expect_success 'hub: pr-open -n proposes one pull request per changed repo' '
	HF_TOKEN=hf_carol_write pr-open -n files >prs 2>err &&
	test_must_be_empty err &&
	test_json prs "(sorted(r[\"status\"] for r in recs if r[\"kind\"] == \"pr\") ==
		[\"dry-run\"] * 13 + [\"unchanged\"])"
'

test_expect_success 'hub: pr-open opens them; each pull request holds the expected README' '
	HF_TOKEN=hf_carol_write pr-open files >prs 2>err &&
	test_json prs "[r[\"status\"] for r in recs if r[\"kind\"] == \"pr\"].count(\"opened\") == 13" &&
	for n in $names; do
		[ "$n" = rounding ] && continue
		hf-fetch -r refs/pr/1 card "evalpipe-test/$n" >card &&
		python3 -c "
import json, sys
c = json.loads(open(\"card\").readline())
sys.stdout.buffer.write(((c[\"front_matter\"] or \"\") + c[\"body\"]).encode())
" >readme &&
		cmp "$data/pipeline/expected/$n.md" readme || exit 1
	done
'

test_expect_success 'hub: a second run finds the open pull requests' '
	fetch_with_scores >in &&
	merge-index in | yaml-emit >files2 &&
	HF_TOKEN=hf_carol_write pr-open files2 >prs2 2>err &&
	test_json prs2 "(sorted(r[\"status\"] for r in recs if r[\"kind\"] == \"pr\") ==
		[\"exists\"] * 13 + [\"unchanged\"])"
'

test_expect_success 'hub: merging the same scores into the pull requests adds nothing' '
	for n in $names; do
		[ "$n" = rounding ] && continue
		hf-fetch -r refs/pr/1 card "evalpipe-test/$n" &&
		grep "\"repo\":\"evalpipe-test/$n\"" "$TMP/scores.ndjson" || exit 1
	done >in &&
	merge-index in >merged 2>err &&
	test_must_be_empty err &&
	test_json merged "all(not r[\"changed\"] for r in recs if r[\"kind\"] == \"change\")" &&
	yaml-emit merged >files3 &&
	test_json files3 "all(not r[\"changed\"] for r in recs if r[\"kind\"] == \"file\")"
'

test_done
