#!/bin/sh
# hf-fetch against the local test hub: every subcommand, pagination, errors,
# retries, the token rule, and the behaviour every filter owes its pipeline.
. "$(dirname "$0")/../lib.sh"
HUB_DIR=$TOP/tests/hub
. "$HUB_DIR/hubctl.sh"

# A fixture tree of our own: the shipped one plus a repo with many pull requests.
FX=$TMP/fixtures
cp -R "$HUB_DIR/fixtures" "$FX"
mkdir -p "$FX/models/evalpipe-test/many-prs"
printf -- '---\nlicense: mit\n---\n# many PRs\n' >"$FX/models/evalpipe-test/many-prs/README.md"
python3 - "$FX/models/evalpipe-test/many-prs/.hub.json" <<'PY'
import json, sys
ds = []
for n in range(1, 12):
    # every third is a plain discussion, every fourth PR is closed: 6 open PRs in all
    pr = n % 3 != 0
    status = "closed" if pr and n % 4 == 0 else "open"
    ds.append({"num": n, "title": "change %d" % n, "status": status, "isPullRequest": pr,
               "author": "carol", "description": "d", "createdAt": "2024-02-01T09:00:00.000Z"})
json.dump({"discussions": ds}, open(sys.argv[1], "w"))
PY
hub_start -w "$TMP/hub" "$FX" --page-size 2 --discussions-page-size 2 || exit 1
test_at_exit hub_stop
HF_DATASETS_SERVER=$HF_ENDPOINT
export HF_DATASETS_SERVER
FIX=$FX/models/evalpipe-test

test_expect_success '--help goes to stdout with status 0, --version names the tool' '
	hf-fetch --help >out 2>err &&
	test_grep "^usage: hf-fetch" out && test_must_be_empty err &&
	hf-fetch --version >out &&
	test_grep "^hf-fetch (evalpipe) [0-9]" out
'

test_expect_success 'a bad flag or command gives 2 and stderr begins with usage:' '
	test_expect_code 2 hf-fetch --bogus card x >out 2>err &&
	head -c 6 err >first && printf "usage:" >want && test_cmp want first &&
	test_must_be_empty out &&
	test_expect_code 2 hf-fetch frobnicate 2>err && head -c 6 err >first && test_cmp want first &&
	test_expect_code 2 hf-fetch -j 0 card x 2>err && test_grep "invalid --jobs" err
'

test_expect_success 'card: front_matter + body reproduce README.md byte for byte, revision is the commit' '
	hf-fetch card evalpipe-test/tiny-llama evalpipe-test/crlf-card >out 2>err &&
	test_must_be_empty err &&
	python3 "$TOP/tests/sh/card_check.py" out "$FIX/tiny-llama/README.md" "$FIX/crlf-card/README.md" &&
	hub_state model evalpipe-test/tiny-llama >state &&
	sha=$(python3 -c "import json,sys; print(json.load(open(\"state\"))[\"head\"])") &&
	test_json out "recs[0][\"revision\"] == \"$sha\" and recs[0][\"metadata\"][\"license\"] == \"apache-2.0\""
'

test_expect_success 'card: missing, gated and README-less repos fail alone; order is the input order' '
	printf "%s\n" evalpipe-test/tiny-llama nope/missing gated-org/gated-model \
		evalpipe-test/no-readme evalpipe-test/crlf-card >in &&
	test_expect_code 1 hf-fetch -j 8 card <in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"card\", \"error\", \"error\", \"error\", \"card\"]" &&
	test_json out "[r[\"repo\"] for r in recs] == [l.strip() for l in open(\"in\")]" &&
	test_json out "\"not found\" in recs[1][\"message\"] and \"gated\" in recs[2][\"message\"]" &&
	test_json out "recs[3][\"message\"] == \"no README.md in this repository\"" &&
	test_lines 3 err && test_grep "^hf-fetch: gated-org/gated-model: " err
'

test_expect_success 'card: a token without access to a gated repo gets 403, one with access gets the card' '
	HF_TOKEN=hf_bob_read test_expect_code 1 hf-fetch card gated-org/gated-model >out 2>err &&
	test_json out "\"gated\" in recs[0][\"message\"] and \"403\" in recs[0][\"message\"]" &&
	HF_TOKEN=hf_erin_gated hf-fetch card gated-org/gated-model >out &&
	test_json out "recs[0][\"kind\"] == \"card\""
'

test_expect_success 'card: repo records and plain lines on stdin; other records pass through in order' '
	cat >in <<-IN &&
	{"kind":"note","n":1}
	{"kind":"repo","repo":"evalpipe-test/crlf-card","type":"model","revision":"main"}
	# a comment

	evalpipe-test/tiny-llama
	{"kind":"note","n":2}
	IN
	hf-fetch card <in >out &&
	test_json out "[r[\"kind\"] for r in recs] == [\"note\", \"card\", \"card\", \"note\"]" &&
	test_json out "recs[0] == {\"kind\":\"note\",\"n\":1} and recs[3][\"n\"] == 2"
'

test_expect_success 'a bad line in the middle: status 1, an error record with the line, the rest intact' '
	printf "%s\n" evalpipe-test/tiny-llama "{\"kind\": oops" "{\"kind\":\"repo\",\"repo\":\"a/b/c\"}" \
		evalpipe-test/crlf-card >in &&
	test_expect_code 1 hf-fetch card <in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"card\", \"error\", \"error\", \"card\"]" &&
	test_json out "recs[1][\"line\"] == 2 and \"invalid JSON\" in recs[1][\"message\"]" &&
	test_json out "recs[2][\"line\"] == 3 and \"invalid repo id\" in recs[2][\"message\"]"
'

test_expect_success 'list: every page by author, search and filter (Link rel=next)' '
	hf-fetch list --author evalpipe-test >out &&
	test_json out "len(recs) == 7 and all(r[\"kind\"] == \"repo\" for r in recs)" &&
	test $(hub_log_count "^/api/models$" GET) -ge 4 &&
	hf-fetch list --search crlf >out && test_json out "[r[\"repo\"] for r in recs] == [\"evalpipe-test/crlf-card\"]" &&
	hf-fetch list --author evalpipe-test --limit 3 >out && test_lines 3 out &&
	hf-fetch -t dataset list --author evalpipe-test >out &&
	test_json out "all(r[\"type\"] == \"dataset\" for r in recs) and len(recs) == 3"
'

test_expect_success 'list: filter=dataset:... selects tagged repos only' '
	hf-fetch list --filter dataset:Rowan/hellaswag >out &&
	python3 - "$FX" out <<-PY
	import json, os, sys
	fx, out = sys.argv[1], sys.argv[2]
	got = sorted(json.loads(l)["repo"] for l in open(out))
	assert got, "nothing listed"
	for repo in got:
	    card = open(os.path.join(fx, "models", repo, "README.md"), encoding="utf-8").read()
	    assert "Rowan/hellaswag" in card, repo
	PY
'

test_expect_success 'prs: open pull requests across pages, others left out' '
	hf-fetch prs evalpipe-test/many-prs evalpipe-test/with-prs >out &&
	test_json out "[r[\"number\"] for r in recs] == [11, 10, 7, 5, 2, 1, 1]" &&
	test_json out "recs[0][\"ref\"] == \"refs/pr/11\" and recs[0][\"url\"].endswith(\"/evalpipe-test/many-prs/discussions/11\")" &&
	test $(hub_log_count "/api/models/evalpipe-test/many-prs/discussions") -eq 3
'

test_expect_success 'rows: paged 100 at a time, offset and limit' '
	hf-fetch -t dataset rows --split validation evalpipe-test/hellaswag-mini >out &&
	n=$(python3 -c "import json; print(sum(1 for _ in open(\"$FX/datasets/evalpipe-test/hellaswag-mini/data/validation.jsonl\")))") &&
	test_lines $n out &&
	test_json out "[r[\"index\"] for r in recs] == list(range(len(recs))) and recs[0][\"split\"] == \"validation\"" &&
	hf-fetch -t dataset rows --config ARC-Easy --split test --offset 5 --limit 3 evalpipe-test/arc-mini >out &&
	test_json out "[r[\"index\"] for r in recs] == [5, 6, 7] and recs[0][\"config\"] == \"ARC-Easy\"" &&
	test_expect_code 1 hf-fetch -t dataset rows evalpipe-test/arc-mini >out 2>err &&
	test_grep "several configs/splits" err
'

test_expect_success 'retries: 429 with Retry-After is waited out and retried (the log shows it)' '
	hub_log_clear &&
	hub_fault "{\"path\": \"/tiny-llama/resolve/\", \"action\": \"status\", \"status\": 429, \"retry_after\": 1, \"times\": 1}" &&
	hf-fetch -v card evalpipe-test/tiny-llama >out 2>err &&
	test_json out "recs[0][\"kind\"] == \"card\"" &&
	test_grep "retrying .* in 1.0s" err &&
	hub_log | python3 -c "
import json, sys
ts = [e for e in map(json.loads, sys.stdin) if \"/tiny-llama/resolve/\" in e[\"path\"]]
assert [e[\"status\"] for e in ts] == [429, 200], [e[\"status\"] for e in ts]
gap = ts[1][\"time\"] - ts[0][\"time\"]
assert gap >= 0.95, gap
"
'

test_expect_success 'retries: 503 twice, then a reset connection and a truncated body, then success' '
	hub_log_clear &&
	hub_fault "[{\"path\": \"/crlf-card/resolve/\", \"action\": \"status\", \"status\": 503, \"times\": 2},
	            {\"path\": \"/crlf-card/resolve/\", \"action\": \"reset\", \"times\": 1},
	            {\"path\": \"/crlf-card/resolve/\", \"action\": \"truncate\", \"times\": 1}]" &&
	hf-fetch --retries 5 card evalpipe-test/crlf-card >out 2>err &&
	test_must_be_empty err &&
	python3 "$TOP/tests/sh/card_check.py" out "$FIX/crlf-card/README.md" &&
	test $(hub_log_count "/crlf-card/resolve/") -eq 5
'

test_expect_success 'retries: a 429 that never ends fails that repo only, after the retry budget' '
	hub_fault "{\"path\": \"/tiny-llama/resolve/\", \"action\": \"status\", \"status\": 429, \"retry_after\": 0, \"times\": -1}" &&
	test_expect_code 1 hf-fetch --retries 2 card evalpipe-test/tiny-llama evalpipe-test/crlf-card >out 2>err &&
	hub_faults_clear &&
	test_json out "[r[\"kind\"] for r in recs] == [\"error\", \"card\"]" &&
	test_json out "recs[0][\"message\"] == \"README.md: rate limited (HTTP 429) after 3 attempts\""
'

test_expect_success 'retries: a spent RateLimit quota (r=0;t=1) is waited out' '
	hub_log_clear &&
	hub_fault "{\"path\": \"/crlf-card/resolve/\", \"action\": \"status\", \"status\": 429, \"ratelimit\": {\"r\": 0, \"t\": 1}, \"times\": 1}" &&
	hf-fetch -v card evalpipe-test/crlf-card >out 2>err &&
	test_grep "retrying .* in 1.0s" err &&
	test_json out "recs[0][\"kind\"] == \"card\""
'

test_expect_success 'concurrency: -j 3 never has more than 3 requests in flight' '
	hub_log_clear && hub_latency 150 &&
	for i in 1 2 3; do echo evalpipe-test/tiny-llama; echo evalpipe-test/crlf-card; echo evalpipe-test/no-card-yaml; done >in &&
	hf-fetch -j 3 card <in >out &&
	hub_latency 0 &&
	test_lines 9 out &&
	hub_log | python3 -c "
import json, sys
es = [json.loads(l) for l in sys.stdin if \"/resolve/\" in l]
assert len(es) == 9, len(es)
spans = [(e[\"time\"], e[\"time\"] + e[\"ms\"] / 1000.0) for e in es]
peak = max(sum(1 for a, b in spans if a <= t < b) for t, _ in spans)
assert 2 <= peak <= 3, peak
"
'

test_expect_success 'token: sent to the endpoint, never to the LFS redirect host, never printed' '
	hub_log_clear &&
	HF_TOKEN=hf_alice_write HF_HOME=$TMP/cache-a hf-fetch -v download evalpipe-test/tiny-llama >out 2>err &&
	! grep -q hf_alice_write out err &&
	hub_log | python3 -c "
import json, sys
es = [json.loads(l) for l in sys.stdin]
hub = [e for e in es if e[\"host\"] == \"hub\"]
cdn = [e for e in es if e[\"host\"] == \"cdn\"]
assert hub and cdn, (len(hub), len(cdn))
assert all(e[\"headers\"].get(\"authorization\") == \"Bearer hf_alice_write\" for e in hub)
assert not any(\"authorization\" in e[\"headers\"] for e in cdn)
assert all(e[\"headers\"][\"user-agent\"].startswith(\"evalpipe/\") for e in es)
"
'

test_expect_success 'token: read from $HF_HOME/token; an invalid one is reported, not printed' '
	mkdir -p tokhome && printf "  hf_nobody_xyz \n" >tokhome/token &&
	HF_HOME=$TMP/tokhome test_expect_code 1 hf-fetch -v card private-org/secret-model >out 2>err &&
	! grep -q hf_nobody_xyz out err &&
	hub_log | tail -n 1 | test_grep "Bearer hf_nobody_xyz" -
'

test_expect_success 'download: files land in the HF cache layout (blobs, snapshots, refs)' '
	HF_HOME=$TMP/cache-b hf-fetch download evalpipe-test/sharded-model >out &&
	d=$TMP/cache-b/hub/models--evalpipe-test--sharded-model &&
	sha=$(cat $d/refs/main) &&
	test_json out "recs[0][\"revision\"] == \"$sha\" and recs[0][\"downloaded\"] == 5" &&
	for f in config.json model.safetensors.index.json model-00001-of-00002.safetensors; do
		test -L $d/snapshots/$sha/$f && cmp $d/snapshots/$sha/$f "$FIX/sharded-model/$f" || return 1
	done &&
	readlink $d/snapshots/$sha/config.json | test_grep "^\.\./\.\./blobs/[0-9a-f]\{40\}$" - &&
	HF_HOME=$TMP/cache-b hf-fetch download evalpipe-test/sharded-model >out &&
	test_json out "recs[0][\"downloaded\"] == 0 and recs[0][\"cached\"] == 5"
'

test_expect_success 'download: --include picks files; an interrupted blob is resumed with Range' '
	d=$TMP/cache-c/hub/models--evalpipe-test--tiny-llama &&
	HF_HOME=$TMP/cache-c hf-fetch download --include "*.json" evalpipe-test/tiny-llama >out &&
	test_json out "recs[0][\"files\"] == [\"config.json\"]" &&
	sha=$(cat $d/refs/main) &&
	key=$(printf "%s/model.safetensors" $sha | sha256sum | cut -c1-64) &&
	head -c 100 "$FIX/tiny-llama/model.safetensors" >$d/blobs/$key.incomplete &&
	hub_log_clear &&
	HF_HOME=$TMP/cache-c hf-fetch download --include "*.safetensors" evalpipe-test/tiny-llama >out &&
	cmp $d/snapshots/$sha/model.safetensors "$FIX/tiny-llama/model.safetensors" &&
	hub_log | test_grep "\"range\": \"bytes=100-\"" - &&
	! ls $d/blobs/*.incomplete 2>/dev/null
'

test_expect_success 'download: a corrupt partial blob is caught by its checksum and not kept' '
	d=$TMP/cache-d/hub/models--evalpipe-test--tiny-llama &&
	HF_HOME=$TMP/cache-d hf-fetch download --include config.json evalpipe-test/tiny-llama >out &&
	sha=$(cat $d/refs/main) &&
	key=$(printf "%s/model.safetensors" $sha | sha256sum | cut -c1-64) &&
	printf "garbage that is not the start of the file, longer than nothing at all......" >$d/blobs/$key.incomplete &&
	HF_HOME=$TMP/cache-d test_expect_code 1 hf-fetch download --include model.safetensors evalpipe-test/tiny-llama >out 2>err &&
	test_grep "does not match its ETag" err && ! test -e $d/blobs/$key.incomplete &&
	HF_HOME=$TMP/cache-d hf-fetch download --include model.safetensors evalpipe-test/tiny-llama >out &&
	cmp $d/snapshots/$sha/model.safetensors "$FIX/tiny-llama/model.safetensors"
'

test_expect_success 'offline: no request is sent; download resolves from the cache' '
	hub_log_clear &&
	HF_HUB_OFFLINE=1 test_expect_code 1 hf-fetch card evalpipe-test/tiny-llama >out 2>err &&
	test_grep "offline mode" err &&
	HF_HUB_OFFLINE=1 HF_HOME=$TMP/cache-b hf-fetch download --include config.json evalpipe-test/sharded-model >out &&
	test_json out "recs[0][\"files\"] == [\"config.json\"]" &&
	test $(hub_log_count ".") -eq 0
'

test_expect_success '> /dev/full gives 2 and a write error' '
	test_expect_code 2 hf-fetch card evalpipe-test/tiny-llama >/dev/full 2>err &&
	test_grep "write error" err
'

test_expect_success '| head -n1 ends with SIGPIPE (141) and prints nothing on stderr' '
	python3 -c "print(\"---\\na: 1\\n---\\n\" + \"x\" * 30000)" >big.md &&
	{ hf-fetch local big.md big.md big.md big.md big.md 2>err; echo $? >status; } | head -n 1 >out &&
	test_lines 1 out && test "$(cat status)" = 141 && test_must_be_empty err
'

# Feed one record through a FIFO and read the answer back while the writer still holds it open.
flush_check() {
	mkfifo fifo || return 1
	(exec 3>fifo; printf '{"kind":"note"}\n' >&3; sleep 5) &
	writer=$!
	hf-fetch card <fifo >out 2>err &
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

test_expect_success 'local: README files and clones become the same card records (no network)' '
	mkdir -p clone/.git/refs/heads &&
	cp "$FIX/crlf-card/README.md" clone/README.md &&
	echo "ref: refs/heads/main" >clone/.git/HEAD &&
	echo 0123456789abcdef0123456789abcdef01234567 >clone/.git/refs/heads/main &&
	HF_HUB_OFFLINE=1 hf-fetch local clone "$FIX/tiny-llama/README.md" >out &&
	python3 "$TOP/tests/sh/card_check.py" out clone/README.md "$FIX/tiny-llama/README.md" &&
	test_json out "recs[0][\"revision\"] == \"0123456789abcdef0123456789abcdef01234567\" and recs[0][\"repo\"] == \"local/clone\"" &&
	test_json out "recs[1][\"repo\"] == \"local/tiny-llama\" and recs[1][\"revision\"] is None"
'

test_expect_success 'local: edge cases of the front matter round-trip byte for byte' '
	printf "\357\273\277---\nlicense: mit\n---\nbody\n" >bom.md &&
	printf -- "---\n---\nnot front matter\n" >fences.md &&
	printf -- "---\n\n---\nempty yaml\n" >empty.md &&
	printf "# no front matter\n" >none.md &&
	printf -- "---\na: 1\n---\n\`\`\`\n---\ncode\n---\n\`\`\`\n" >code.md &&
	printf -- "---\r\na: 1\r\n---\r\nx\r\n" >crlf.md &&
	hf-fetch local bom.md fences.md empty.md none.md code.md crlf.md >out &&
	python3 "$TOP/tests/sh/card_check.py" out bom.md fences.md empty.md none.md code.md crlf.md &&
	test_json out "[r[\"front_matter\"] is None for r in recs] == [False, True, False, True, False, False]" &&
	test_json out "recs[0][\"metadata\"] == {\"license\": \"mit\"} and recs[2][\"metadata\"] == {}"
'

test_expect_success 'local: bad YAML and invalid UTF-8 are clear errors naming the file and line' '
	printf -- "---\na: [1, 2\n---\nbody\n" >bad.md &&
	printf -- "---\na: 1\n---\nbad \377 byte\n" >latin.md &&
	test_expect_code 1 hf-fetch local bad.md latin.md none.md >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"card\", \"error\", \"error\", \"card\"]" &&
	test_json out "recs[0][\"metadata\"] is None and recs[0][\"metadata_error\"].startswith(\"front matter: line 3, column 1:\")" &&
	test_json out "\"latin.md: not valid UTF-8 at byte 17 (line 4)\" in recs[2][\"message\"]" &&
	test_expect_code 2 hf-fetch local 2>err && test_grep "^usage:" err
'

test_done
