#!/bin/sh
# aa-import against the Artificial Analysis look-alike of the local test hub:
# the key header and where it goes, one request per run, 401/429/5xx,
# truncated and malformed replies, and the behaviour every filter owes its
# pipeline.
. "$(dirname "$0")/../lib.sh"
HUB_DIR=$TOP/tests/hub
. "$HUB_DIR/hubctl.sh"
hub_start -w "$TMP/hub" "$HUB_DIR/fixtures" --aa-key aa_test_key || exit 1
test_at_exit hub_stop
AA="--base-url $HUB_URL/api/v2 --date 2026-01-02"
AA_API_KEY=aa_test_key
export AA_API_KEY
M=examplelab/example-8b-instruct

test_expect_success '--help goes to stdout with status 0, --version names the tool' '
	aa-import --help >out 2>err &&
	test_grep "^usage: aa-import" out && test_must_be_empty err &&
	aa-import --version >out &&
	test_grep "^aa-import (evalpipe) 0.1.0$" out
'

test_expect_success 'a bad flag gives 2 and stderr begins with usage:' '
	test_expect_code 2 aa-import --bogus >out 2>err &&
	head -c 6 err >first && printf "usage:" >want && test_cmp want first &&
	test_must_be_empty out &&
	test_expect_code 2 aa-import --date 2026-1-2 -m x 2>err && test_grep "invalid --date" err &&
	test_expect_code 2 aa-import -a 2>err && test_grep "needs --map" err
'

test_expect_success 'scores of one model: the key goes in x-api-key, the Hub token stays home' '
	hub_log_clear &&
	HF_TOKEN=hf_alice_write aa-import $AA -m $M=evalpipe-test/example >out 2>err &&
	test_must_be_empty err && test_lines 9 out &&
	test_json out "all(r[\"repo\"] == \"evalpipe-test/example\" and r[\"source\"] == {\"name\": \"Artificial Analysis\", \"url\": \"https://artificialanalysis.ai/\"} for r in recs)" &&
	test_json out "[r[\"metric\"][\"scale\"] for r in recs[:4]] == [\"percent\"] * 3 + [\"fraction\"]" &&
	test_json out "all(r[\"origin\"][\"date\"] == \"2026-01-02\" for r in recs)" &&
	hub_log >log &&
	test_json log "len(recs) == 1 and recs[0][\"headers\"][\"x-api-key\"] == \"aa_test_key\"" &&
	test_json log "\"authorization\" not in recs[0][\"headers\"]"
'

test_expect_success 'the catalogue is fetched once per run, however many models and records' '
	hub_log_clear &&
	printf "{\"kind\":\"repo\",\"repo\":\"a/b\",\"aa_model\":\"evalpipe-test/tiny-llama-chat\"}\n" >in &&
	aa-import $AA -m $M -m examplelab/example-70b-reasoning - <in >out 2>err &&
	test $(hub_log_count "/api/v2/data/llms/models") -eq 1 &&
	test_json out "recs[-1][\"repo\"] == \"a/b\" and len(recs) == 9 + 7 + 1 + 4"
'

test_expect_success 'without AA_API_KEY: status 2 and a clear message, no request' '
	hub_log_clear &&
	AA_API_KEY= test_expect_code 2 aa-import $AA -m $M >out 2>err &&
	test_grep "AA_API_KEY is not set" err && test_must_be_empty out &&
	test $(hub_log_count ".") -eq 0
'

test_expect_success 'a refused key (401): status 2, the message says so, the key is never shown' '
	AA_API_KEY=aa_secret_wrong_key test_expect_code 2 aa-import -v $AA -m $M >out 2>err &&
	test_grep "HTTP 401: the API key in AA_API_KEY was refused" err &&
	! grep -q aa_secret_wrong_key err out
'

test_expect_success '429 with Retry-After is waited out and retried' '
	hub_log_clear &&
	hub_fault "{\"path\": \"/api/v2/data/llms/models\", \"status\": 429, \"retry_after\": 1, \"times\": 1}" &&
	aa-import -v $AA -m $M >out 2>err &&
	test_lines 9 out && test_grep "retrying" err &&
	test $(hub_log_count "/api/v2/data/llms/models") -eq 2 &&
	! grep -q aa_test_key err
'

test_expect_success 'a 429 that does not go away: status 2, "rate limit exceeded"' '
	hub_fault "{\"path\": \"/api/v2/data/llms/models\", \"status\": 429, \"retry_after\": 0, \"times\": -1}" &&
	test_expect_code 2 aa-import $AA -m $M >out 2>err &&
	hub_faults_clear &&
	test_grep "HTTP 429: rate limit exceeded" err && test_must_be_empty out
'

test_expect_success 'a 503 is retried; a truncated reply is retried and then reported' '
	hub_fault "{\"path\": \"/api/v2/data/llms/models\", \"status\": 503, \"retry_after\": 0, \"times\": 1}" &&
	aa-import $AA -m $M >out 2>err && test_lines 9 out &&
	hub_fault "{\"path\": \"/api/v2/data/llms/models\", \"action\": \"truncate\", \"times\": -1}" &&
	test_expect_code 2 aa-import $AA -m $M >out 2>err &&
	hub_faults_clear &&
	test_must_be_empty out && test_grep "^aa-import: http.*api/v2/data/llms/models: " err
'

test_expect_success 'a reply that is not the catalogue: status 2, "malformed reply"' '
	hub_fault "{\"path\": \"/api/v2/data/llms/models\", \"status\": 200, \"body\": \"<html>maintenance</html>\", \"times\": 1}" &&
	test_expect_code 2 aa-import $AA -m $M >out 2>err &&
	test_grep "malformed reply from" err &&
	hub_fault "{\"path\": \"/api/v2/data/llms/models\", \"status\": 200, \"body\": {\"status\": 200}, \"times\": 1}" &&
	test_expect_code 2 aa-import $AA -m $M >out 2>err &&
	test_grep "no \"data\" list" err
'

test_expect_success 'the key does not follow a redirect to another host' '
	hub_log_clear &&
	test_expect_code 2 aa-import --base-url $HUB_URL/api/v2/moved -m $M >out 2>err &&
	hub_log >log &&
	test_json log "len(recs) == 2 and recs[0][\"headers\"].get(\"x-api-key\") == \"aa_test_key\"" &&
	test_json log "recs[1][\"host\"] == \"cdn\" and \"x-api-key\" not in recs[1][\"headers\"]"
'

test_expect_success 'HF_HUB_OFFLINE: no request is sent' '
	hub_log_clear &&
	HF_HUB_OFFLINE=1 test_expect_code 2 aa-import $AA -m $M >out 2>err &&
	test_grep "offline mode" err && test $(hub_log_count ".") -eq 0
'

test_expect_success 'a missing input file gives 2 and "cannot open"' '
	test_expect_code 2 aa-import $AA nope.ndjson >out 2>err &&
	test_grep "^aa-import: cannot open .nope.ndjson.: " err
'

test_expect_success '> /dev/full gives 2 and a write error' '
	test_expect_code 2 aa-import $AA -m $M >/dev/full 2>err &&
	test_grep "write error" err
'

test_expect_success '| head -n1 ends with SIGPIPE (141) and prints nothing on stderr' '
	python3 -c "import json; print(json.dumps({\"data\": [{\"slug\": \"m%d\" % i, \"name\": \"M %d\" % i, \"model_creator\": {\"slug\": \"c\", \"name\": \"C\"}, \"evaluations\": {}} for i in range(20000)]}))" >big.json &&
	{ aa-import --catalogue big.json --list 2>err; echo $? >status; } | head -n 1 >out &&
	test_lines 1 out && test "$(cat status)" = 141 && test_must_be_empty err
'

test_expect_success 'records pass through in order; a bad line in the middle gives 1 and an error record' '
	cat >in <<-IN &&
	{"kind":"note","n":1}
	{"kind":"repo","repo":"a/b","aa_model":"evalpipe-test/tiny-llama-chat"}
	{"kind":"note","n":2
	{"kind":"card","repo":"x/y"}
	IN
	test_expect_code 1 aa-import $AA <in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"note\", \"repo\"] + [\"score\"] * 4 + [\"error\", \"card\"]" &&
	test_json out "recs[6][\"line\"] == 3" && test_lines 1 err
'

# Feed one record through a FIFO and read the answer back while the writer still holds it open.
flush_check() {
	mkfifo fifo || return 1
	(exec 3>fifo; printf '{"kind":"note"}\n' >&3; sleep 5) &
	writer=$!
	aa-import $AA <fifo >out 2>err &
	reader=$!
	i=0
	while [ ! -s out ] && [ $i -lt 60 ]; do sleep 0.05; i=$((i + 1)); done
	test_json out "recs == [{\"kind\": \"note\"}]"
	rc=$?
	kill $writer 2>/dev/null
	wait $reader
	return $rc
}

test_expect_success 'output is line-flushed: a record comes back before the input ends' '
	flush_check
'

test_done
