#!/bin/sh
# recs: split records into per-repo files (rewritten only on change) and summarise a run.
. "$(dirname "$0")/../lib.sh"

cat >"$TMP/in" <<'IN'
{"kind":"card","repo":"org/a","revision":"1"}
{"kind":"card","repo":"org/b","revision":"2"}
{"kind":"note"}
{"kind":"score","repo":"org/a","metric":{"value":1}}
{"kind":"card","repo":"../../x","revision":"3"}
{"kind":"card","revision":"4"}
IN

test_expect_success 'split: one file per repo, records in order, the rest passed on' '
	recs split --dir d --name "{repo}.ndjson" --list paths in >out &&
	printf "d/org--a.ndjson\nd/org--b.ndjson\nd/..--..--x.ndjson\n" >want && test_cmp want paths &&
	test_json out "[r[\"kind\"] for r in recs] == [\"note\", \"card\", \"split\", \"split\", \"split\"]" &&
	test_json out "recs[1] == {\"kind\": \"card\", \"revision\": \"4\"}" &&
	test_lines 2 d/org--a.ndjson && test_lines 1 d/org--b.ndjson && test_lines 1 "d/..--..--x.ndjson" &&
	! test -e x.ndjson && ! test -e ../x.ndjson &&
	head -n 1 d/org--a.ndjson | test_grep "\"revision\":\"1\"" - &&
	! ls d | grep -v ndjson
'

test_expect_success 'split: an unchanged file keeps its mtime; a changed one is rewritten' '
	touch -d "2001-01-01" d/org--a.ndjson d/org--b.ndjson &&
	sed "s/\"revision\":\"2\"/\"revision\":\"9\"/" in >in2 &&
	recs split --dir d in2 >out &&
	test_json out "[(r[\"path\"].split(\"/\")[-1], r[\"changed\"]) for r in recs if r[\"kind\"] == \"split\"] == [(\"org--a.ndjson\", False), (\"org--b.ndjson\", True), (\"..--..--x.ndjson\", False)]" &&
	test "$(stat -c %Y d/org--a.ndjson)" = "$(date -d 2001-01-01 +%s)" &&
	test "$(stat -c %Y d/org--b.ndjson)" != "$(date -d 2001-01-01 +%s)"
'

test_expect_success 'summary: repos, results, pull requests and errors of a run' '
	cat >run <<-IN &&
	{"kind":"card","repo":"a/1"}
	{"kind":"change","repo":"a/1","added":2,"present":1,"conflict":0}
	{"kind":"pr","repo":"a/1","status":"opened"}
	{"kind":"change","repo":"a/2","added":0,"present":3,"conflict":1}
	{"kind":"pr","repo":"a/2","status":"exists"}
	{"kind":"error","repo":"a/3","message":"x"}
	IN
	recs summary run >out &&
	test_json out "recs == [{\"kind\": \"summary\", \"repos\": 3, \"cards\": 1, \"added\": 2, \"present\": 4, \"conflict\": 1, \"pr_opened\": 1, \"pr_exists\": 1, \"errors\": 1}]"
'

test_expect_success 'usage errors, a bad line, /dev/full' '
	test_expect_code 2 recs 2>err && test_grep "^usage:" err &&
	test_expect_code 2 recs split --name "a/{repo}" 2>err && test_grep "no ./." err &&
	printf "{\"kind\":\"card\",\"repo\":\"o/r\"}\nnope\n" >bad &&
	test_expect_code 1 recs split --dir d2 bad >out 2>err &&
	test_json out "recs[0][\"kind\"] == \"error\" and recs[0][\"line\"] == 2" &&
	test_expect_code 2 recs summary run >/dev/full 2>err && test_grep "write error" err
'

test_done
