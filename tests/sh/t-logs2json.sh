#!/bin/sh
# logs2json: values against the logs read independently (Python's json, and
# inspect-ai's own reader when it is installed), broken files in a batch,
# and the behaviour every filter owes its pipeline.
. "$(dirname "$0")/../lib.sh"
PY=${EP_PYTHON:-python3}
[ -x "$PY" ] || PY=python3
LOGS=$TOP/tests/logs
GOOD="$LOGS/real/inspect-arc_easy.eval $LOGS/real/inspect-arc_easy-deflate.eval
$LOGS/real/inspect-arc_easy.json $LOGS/real/inspect-gsm8k.eval $LOGS/real/inspect-gsm8k.json
$LOGS/real/inspect-gsm8k_one.eval $LOGS/real/inspect-gsm8k_one.json
$LOGS/real/lighteval-arc-mmlu.json $LOGS/real/lighteval-gsm8k.json
$LOGS/real/lmeval-arc_easy.json $LOGS/real/lmeval-gsm8k-mmlu.json
$LOGS/hand/lighteval-0.8-suite-keys.json $LOGS/hand/lmeval-0.4.2-string-args.json
$LOGS/hand/lmeval-0.3-plain-keys.json $LOGS/hand/inspect-registry-task.json
$LOGS/hand/inspect-stored.eval $LOGS/hand/inspect-multiframe.eval"

test_expect_success '--help goes to stdout with status 0, --version names the tool' '
	logs2json --help >out 2>err &&
	test_grep "^usage: logs2json" out && test_must_be_empty err &&
	logs2json --version >out &&
	test_grep "^logs2json (evalpipe) 0.1.0$" out
'

test_expect_success 'a bad flag gives 2 and stderr begins with usage:' '
	test_expect_code 2 logs2json --bogus >out 2>err &&
	head -c 6 err >first && printf "usage:" >want && test_cmp want first &&
	test_must_be_empty out &&
	test_expect_code 2 logs2json --format csv x 2>err && test_grep "unknown --format" err &&
	test_expect_code 2 logs2json --source-name x y 2>err && test_grep "needs --source-url" err
'

test_expect_success 'every value and stderr matches the log read by an independent reader' '
	logs2json $GOOD >out 2>err &&
	"$PY" "$TOP/tests/sh/logs_oracle.py" out $GOOD >tap &&
	! grep -q "^not ok" tap && test_grep "^1\.\.17$" tap
'

test_expect_success 'a .eval archive gives what the same run'"'"'s .json log gives (zstd and deflate members)' '
	for f in arc_easy.eval arc_easy-deflate.eval arc_easy.json gsm8k.eval gsm8k.json; do
		logs2json "$LOGS/real/inspect-$f" >"$f.out" || return 1
		sed "s/\"file\":\"[^\"]*\"//" "$f.out" >"$f.cmp" || return 1
	done &&
	test_cmp arc_easy.json.cmp arc_easy.eval.cmp && test_cmp arc_easy.json.cmp arc_easy-deflate.eval.cmp &&
	test_cmp gsm8k.json.cmp gsm8k.eval.cmp
'

test_expect_success 'repo: the log'"'"'s model when it is a Hub id, --repo otherwise; never a provider name' '
	logs2json "$LOGS/real/lmeval-arc_easy.json" "$LOGS/real/inspect-gsm8k.json" \
		"$LOGS/hand/inspect-registry-task.json" >out &&
	test_json out "[r.get(\"repo\") for r in recs] == [\"evalpipe-test/tiny-gpt2\"] * 2 + [None] + [\"example-org/Example-1B\"] * 2" &&
	logs2json -r org/m "$LOGS/real/inspect-gsm8k.json" >out &&
	test_json out "recs[0][\"repo\"] == \"org/m\""
'

test_expect_success 'a missing operand gives 2 and "cannot open", before anything is written' '
	test_expect_code 2 logs2json "$LOGS/real/lmeval-arc_easy.json" nope.json >out 2>err &&
	test_grep "^logs2json: cannot open .nope.json.: " err && test_must_be_empty out
'

test_expect_success 'broken logs in a batch: one error record each, status 1, the rest intact' '
	for f in hand/lmeval-truncated.json hand/inspect-truncated.eval real/lmeval-arc_easy.json \
		hand/inspect-bad-crc.eval hand/inspect-unfinished.eval real/inspect-gsm8k.eval; do
		echo "$LOGS/$f"
	done >in &&
	test_expect_code 1 logs2json <in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"error\", \"error\", \"score\", \"score\", \"error\", \"error\", \"score\"]" &&
	test_json out "[r.get(\"line\") for r in recs if r[\"kind\"] == \"error\"] == [1, 2, 4, 5]" &&
	test_lines 4 err
'

test_expect_success 'a corrupt byte anywhere in a .eval archive: an error or the right scores, never a crash' '
	"$PY" - "$LOGS/real/inspect-gsm8k.eval" <<-PY &&
	import random, sys
	data = open(sys.argv[1], "rb").read()
	rng = random.Random(8878)
	for i in range(60):
	    b = bytearray(data)
	    b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
	    open("c%02d.eval" % i, "wb").write(bytes(b))
	PY
	logs2json c*.eval >out 2>err; rc=$? &&
	test "$rc" -le 1 &&
	test_json out "all(r[\"kind\"] == \"error\" or r[\"metric\"][\"value\"] == 0.75 for r in recs) and len(recs) == 60"
'

test_expect_success '> /dev/full gives 2 and a write error' '
	test_expect_code 2 logs2json "$LOGS/real/lmeval-arc_easy.json" >/dev/full 2>err &&
	test_grep "write error" err
'

test_expect_success '| head -n1 ends with SIGPIPE (141) and prints nothing on stderr' '
	"$PY" -c "import json; print(json.dumps({\"results\": {\"t%d\" % i: {\"acc,none\": 0.5, \"acc_stderr,none\": 0.1} for i in range(20000)}, \"versions\": {}}))" >big.json &&
	{ logs2json big.json 2>err; echo $? >status; } | head -n 1 >out &&
	test_lines 1 out && test "$(cat status)" = 141 && test_must_be_empty err
'

test_expect_success 'records pass through in order; a bad line in the middle gives 1 and an error record' '
	cat >in <<-IN &&
	{"kind":"note","n":1}
	{"kind":"log","path":"$LOGS/real/lmeval-arc_easy.json"}
	{"kind":"note","n":2
	{"kind":"card","repo":"x/y"}
	IN
	test_expect_code 1 logs2json <in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"note\", \"score\", \"score\", \"error\", \"card\"]" &&
	test_json out "recs[3][\"line\"] == 3" && test_lines 1 err
'

# Feed one record through a FIFO and read the answer back while the writer still holds it open.
flush_check() {
	mkfifo fifo || return 1
	(exec 3>fifo; printf '{"kind":"note"}\n' >&3; sleep 5) &
	writer=$!
	logs2json <fifo >out 2>err &
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
