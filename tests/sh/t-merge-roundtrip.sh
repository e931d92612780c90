#!/bin/sh
# For every fixture card, yaml-emit(merge-index(card, no scores)) is the card's
# README byte for byte, and so is yaml-emit(card) alone.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/records.sh"

for f in "$TOP"/tests/data/cards/*.md; do
	n=$(basename "$f" .md)
	[ "$n" = broken-yaml ] && continue
	test_expect_success "round trip: $n" "
		mkcard '$f' >card &&
		merge-index card >merged 2>err &&
		test_must_be_empty err &&
		yaml-emit merged >out 2>err &&
		test_must_be_empty err &&
		extract_files out files &&
		cmp '$f' files/$n/README.md &&
		echo '$n/README.md unchanged' >want &&
		test_cmp want files/index &&
		yaml-emit card >out2 &&
		grep '\"kind\":\"file\"' out >file1 &&
		test_cmp file1 out2
	"
done

test_expect_success 'a card whose YAML does not parse is never rewritten' '
	mkcard "$TOP/tests/data/cards/broken-yaml.md" >card &&
	echo "{\"kind\":\"score\",\"repo\":\"test/broken-yaml\",\"task\":{\"type\":\"text-generation\"},\"dataset\":{\"type\":\"d\"},\"metric\":{\"type\":\"acc\",\"value\":1}}" >>card &&
	test_expect_code 1 merge-index card >merged 2>err &&
	test_json merged "len(recs) == 1 and recs[0][\"kind\"] == \"error\" and \"does not parse\" in recs[0][\"message\"]" &&
	grep -q "^merge-index: test/broken-yaml: card metadata does not parse" err &&
	test_expect_code 1 yaml-emit card >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"error\", \"score\"]" &&
	grep -q "^yaml-emit: test/broken-yaml: card metadata does not parse" err
'

test_done
