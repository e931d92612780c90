#!/bin/sh
# card + score records | merge-index | yaml-emit gives the expected README for
# every fixture card (tests/data/pipeline/expected), one repo at a time and
# all in one stream, cards before or after their scores.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/records.sh"

data=$TOP/tests/data
for f in "$data"/pipeline/expected/*.md; do
	n=$(basename "$f" .md)
	test_expect_success "pipeline: $n" "
		mkcard '$data/cards/$n.md' >in &&
		grep '\"repo\":\"test/$n\"' '$data/pipeline/scores.ndjson' >>in &&
		merge-index in >merged 2>err &&
		yaml-emit merged >out 2>>err &&
		test_must_be_empty err &&
		extract_files out files &&
		cmp '$f' files/$n/README.md
	"
done

test_expect_success 'pipeline: every card in one stream, scores first' '
	for f in "$data"/pipeline/expected/*.md; do
		n=$(basename "$f" .md)
		grep "\"repo\":\"test/$n\"" "$data/pipeline/scores.ndjson"
		mkcard "$data/cards/$n.md"
	done >in &&
	merge-index in | yaml-emit >out 2>err &&
	test_must_be_empty err &&
	extract_files out files &&
	for f in "$data"/pipeline/expected/*.md; do
		n=$(basename "$f" .md) &&
		cmp "$f" "files/$n/README.md" || exit 1
	done &&
	test_lines 14 files/index
'

test_expect_success 'pipeline: merging the merged cards again changes nothing' '
	for f in "$data"/pipeline/expected/*.md; do
		mkcard "$f"
	done >in &&
	cat "$data/pipeline/scores.ndjson" >>in &&
	sort_by_repo() { python3 -c "
import json, sys
recs = [json.loads(l) for l in sys.stdin]
recs.sort(key=lambda r: r[\"repo\"])
for r in recs:
    print(json.dumps(r, ensure_ascii=False))
"; } &&
	sort_by_repo <in >sorted &&
	merge-index sorted >merged 2>err &&
	test_must_be_empty err &&
	test_json merged "all(r[\"added\"] == 0 and r[\"conflict\"] == 0 for r in recs if r[\"kind\"] == \"change\")" &&
	yaml-emit merged >out &&
	test_json out "all(not r[\"changed\"] for r in recs if r[\"kind\"] == \"file\")"
'

test_done
