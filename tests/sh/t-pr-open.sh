#!/bin/sh
# pr-open against the local test hub: one pull request per repo, never a
# duplicate, exact request bodies, failures reported per repo, safe reruns.
. "$(dirname "$0")/../lib.sh"
HUB_DIR=$TOP/tests/hub
. "$HUB_DIR/hubctl.sh"
hub_start -w "$TMP/hub" "$HUB_DIR/fixtures" --discussions-page-size 2 --synthetic-models 60 \
	--synthetic-org bench || exit 1
test_at_exit hub_stop
HF_TOKEN=hf_alice_write
export HF_TOKEN

# files TAG REPO...: file records changing each repo's README by one line
files() {
	tag=$1
	shift
	hf-fetch card "$@" | python3 "$TOP/tests/sh/cards2files.py" "$tag"
}

# open_prs REPO: how many open pull requests the repo has now
open_prs() {
	hub_state model "$1" | python3 -c "
import json, sys
print(sum(1 for d in json.load(sys.stdin)[\"discussions\"] if d[\"isPullRequest\"] and d[\"status\"] == \"open\"))"
}

test_expect_success '--help, --version, a bad flag, a missing input file' '
	pr-open --help >out && test_grep "^usage: pr-open" out &&
	pr-open --version >out && test_grep "^pr-open (evalpipe) " out &&
	test_expect_code 2 pr-open --nope 2>err && head -c 6 err >first && printf "usage:" >want &&
	test_cmp want first &&
	test_expect_code 2 pr-open missing.ndjson 2>err && test_grep "^pr-open: cannot open .missing.ndjson." err
'

test_expect_success 'opens one PR whose commit body is exactly the expected NDJSON; token only to the hub' '
	files a evalpipe-test/crlf-card >in &&
	hub_log_clear &&
	pr-open <in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"change\", \"pr\"] and recs[1][\"status\"] == \"opened\"" &&
	test_json out "recs[1][\"number\"] == 1 and recs[1][\"url\"].endswith(\"/evalpipe-test/crlf-card/discussions/1\")" &&
	hub_log | python3 "$TOP/tests/sh/check_commit.py" in evalpipe-test/crlf-card create_pr &&
	hf-fetch -r refs/pr/1 card evalpipe-test/crlf-card >pr1 &&
	python3 -c "
import json
want = [json.loads(l) for l in open(\"in\")][1][\"content\"]
got = json.load(open(\"pr1\"))
assert (got[\"front_matter\"] or \"\") + got[\"body\"] == want
"
'

test_expect_success 'a rerun finds the open PR (status exists) and sends no commit' '
	hub_log_clear &&
	pr-open <in >out &&
	test_json out "recs[1][\"status\"] == \"exists\" and recs[1][\"number\"] == 1" &&
	test $(hub_log_count "/commit/" POST) -eq 0 && test $(open_prs evalpipe-test/crlf-card) -eq 1
'

test_expect_success 'a file the branch already holds is unchanged: nothing is sent' '
	hf-fetch card evalpipe-test/tiny-llama | python3 -c "
import json, sys
c = json.load(sys.stdin)
print(json.dumps({\"kind\": \"file\", \"repo\": c[\"repo\"], \"path\": \"README.md\",
                  \"content\": (c[\"front_matter\"] or \"\") + c[\"body\"], \"base_revision\": c[\"revision\"]}))
" >same &&
	hub_log_clear && pr-open <same >out &&
	test_json out "recs[0][\"status\"] == \"unchanged\"" && test $(hub_log_count "/commit/") -eq 0
'

test_expect_success '--dry-run shows title, description and a unified diff, and writes nothing' '
	files b evalpipe-test/tiny-llama >in &&
	hub_log_clear && pr-open --dry-run <in >out &&
	test_json out "recs[1][\"status\"] == \"dry-run\" and \"+evalpipe_test: b\" in recs[1][\"diff\"]" &&
	test_json out "recs[1][\"diff\"].startswith(\"--- a/README.md\\n+++ b/README.md\\n@@ \")" &&
	test_json out "\"| cais/mmlu | acc | 0.5 |\" in recs[1][\"description\"] and \"evalpipe-change: sha256:\" in recs[1][\"description\"]" &&
	test $(hub_log_count "." POST) -eq 0
'

test_expect_success 'an unrelated open PR does not block; --force opens another anyway' '
	files c evalpipe-test/with-prs >in &&
	before=$(open_prs evalpipe-test/with-prs) &&
	pr-open <in >out && test_json out "recs[-1][\"status\"] == \"opened\"" &&
	pr-open <in >out && test_json out "recs[-1][\"status\"] == \"exists\"" &&
	pr-open --force <in >out && test_json out "recs[-1][\"status\"] == \"opened\"" &&
	test $(open_prs evalpipe-test/with-prs) -eq $((before + 2))
'

test_expect_success 'an open PR by someone else with the same files (no marker) is found, pages past the first' '
	files m bench/model-0055 >in &&
	python3 - "$HF_ENDPOINT" <<-PY &&
	import base64, json, sys, urllib.request
	recs = [json.loads(l) for l in open("in")]
	f = recs[1]
	def commit(summary, content):
	    body = json.dumps({"key": "header", "value": {"summary": summary, "description": "by hand"}}) + "\\n"
	    body += json.dumps({"key": "file", "value": {"path": "README.md", "encoding": "base64",
	        "content": base64.b64encode(content.encode()).decode()}}) + "\\n"
	    req = urllib.request.Request(sys.argv[1] + "/api/models/bench/model-0055/commit/main?create_pr=1",
	        data=body.encode(), method="POST", headers={"Authorization": "Bearer hf_carol_write",
	        "Content-Type": "application/x-ndjson"})
	    urllib.request.urlopen(req).read()
	commit("same change, made by hand", f["content"])
	for i in range(3):
	    commit("unrelated %d" % i, f["content"] + "x" * (i + 1))
	PY
	hub_log_clear &&
	pr-open <in >out &&
	test_json out "recs[-1][\"status\"] == \"exists\" and recs[-1][\"number\"] == 1" &&
	test $(hub_log_count "/commit/" POST) -eq 0 &&
	test $(hub_log_count "/discussions$") -ge 2
'

test_expect_success '--direct commits to the branch; a rerun is unchanged; a stale base gives 412' '
	files d evalpipe-test/no-card-yaml >in &&
	pr-open --direct <in >out && test_json out "recs[-1][\"status\"] == \"committed\"" &&
	pr-open --direct <in >out && test_json out "recs[-1][\"status\"] == \"unchanged\"" &&
	files e evalpipe-test/no-card-yaml >e.ndjson &&
	files f evalpipe-test/no-card-yaml >f.ndjson &&
	pr-open --direct <e.ndjson >out &&
	test_expect_code 1 pr-open --direct <f.ndjson >out 2>err &&
	test_grep "branch moved since revision .* (HTTP 412)" err &&
	test_json out "recs[-1][\"kind\"] == \"error\" and recs[-1][\"repo\"] == \"evalpipe-test/no-card-yaml\""
'

test_expect_success 'no token, or a read-only one: an error per repo, the others go on' '
	files g evalpipe-test/tiny-llama evalpipe-test/sharded-model >in &&
	HF_TOKEN=hf_bob_read test_expect_code 1 pr-open <in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"change\", \"error\", \"change\", \"error\"]" &&
	test_json out "\"403\" in recs[1][\"message\"]" &&
	unset HF_TOKEN && test_expect_code 1 pr-open <in >out 2>err &&
	test_grep "no token" err && test_json out "\"401\" in recs[1][\"message\"]"
'

test_expect_success 'a commit that lands but answers 500 is found, not sent again' '
	files h evalpipe-test/sharded-model >in &&
	hub_fault "{\"path\": \"/commit/\", \"method\": \"POST\", \"apply\": true, \"status\": 500}" &&
	hub_log_clear &&
	pr-open <in >out &&
	test_json out "recs[-1][\"status\"] == \"opened\"" &&
	test $(hub_log_count "/commit/" POST) -eq 1 && test $(open_prs evalpipe-test/sharded-model) -eq 1
'

test_expect_success 'a lost reply (reset after the write) and a 429 before it: still one PR' '
	files i evalpipe-test/tiny-llama >in &&
	hub_fault "[{\"path\": \"/commit/\", \"method\": \"POST\", \"status\": 429, \"retry_after\": 0},
	            {\"path\": \"/commit/\", \"method\": \"POST\", \"apply\": true, \"action\": \"reset\"}]" &&
	hub_log_clear &&
	pr-open <in >out &&
	test_json out "recs[-1][\"status\"] == \"opened\"" &&
	test $(hub_log_count "/commit/" POST) -eq 2 && test $(open_prs evalpipe-test/tiny-llama) -eq 1
'

test_expect_success 'records of a repo split by another repo are an error, not a second PR' '
	files j evalpipe-test/crlf-card evalpipe-test/sharded-model >in &&
	sed -n 1,2p in >split && sed -n 3,4p in >>split && sed -n 2p in >>split &&
	test_expect_code 1 pr-open --dry-run <split >out 2>err &&
	test_grep "come after other repos" err
'

test_expect_success 'a 50-repo batch: rerun opens 0 new PRs; killed half-way and rerun: one PR per repo' '
	i=0; while [ $i -lt 50 ]; do printf "bench/model-%04d\n" $i; i=$((i + 1)); done >repos &&
	hf-fetch -j 8 card <repos | python3 "$TOP/tests/sh/cards2files.py" k >batch &&
	hub_latency 40 &&
	{ pr-open <batch >part 2>/dev/null & pid=$!; sleep 1.5; kill -9 $pid; wait $pid; } ;
	hub_latency 0 &&
	opened=$(grep -c "\"status\":\"opened\"" part) &&
	test $opened -gt 0 && test $opened -lt 50 &&
	pr-open <batch >run1 &&
	again=$(grep -c "\"status\":\"opened\"" run1) && found=$(grep -c "\"status\":\"exists\"" run1) &&
	test $((again + found)) -eq 50 && test $found -ge $opened &&
	hub_log_clear &&
	pr-open <batch >run2 &&
	test $(grep -c "\"status\":\"exists\"" run2) -eq 50 &&
	test $(hub_log_count "/commit/" POST) -eq 0 &&
	for r in $(cat repos); do test $(open_prs $r) -eq 1 || return 1; done
'

test_expect_success 'a bad line in the middle: status 1, an error record with the line, the rest done' '
	files l evalpipe-test/crlf-card >in &&
	{ echo "{\"kind\":\"note\"}"; echo "not json"; cat in; } >mixed &&
	test_expect_code 1 pr-open --dry-run <mixed >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"note\", \"error\", \"change\", \"pr\"] and recs[1][\"line\"] == 2"
'

test_expect_success '> /dev/full gives 2; | head -n1 gives 141 and no message' '
	test_expect_code 2 pr-open --dry-run <in >/dev/full 2>err && test_grep "write error" err &&
	yes "{\"kind\":\"note\",\"pad\":\"01234567890123456789012345678901234567890123456789012345678901234567890123456789\"}" | head -n 2000 >many &&
	cat many in >big &&
	{ pr-open --dry-run <big 2>err; echo $? >status; } | head -n 1 >/dev/null &&
	test "$(cat status)" = 141 && test_must_be_empty err
'

test_done
