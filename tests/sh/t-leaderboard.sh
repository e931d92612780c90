#!/bin/sh
# leaderboard: the behaviour every filter owes (STYLE §12.2), and the bench50
# fixture against the independent oracle and its hand-checked boards.
. "$(dirname "$0")/../lib.sh"
DATA=$TOP/tests/data/leaderboard
ORACLE="python3 $DATA/oracle.py"

# scores N BOARDS: N score records spread over BOARDS boards, with notes between them
scores() {
	python3 - "$1" "$2" <<-'PY'
	import json, sys
	n, boards = int(sys.argv[1]), int(sys.argv[2])
	for i in range(n):
	    if i % 7 == 0:
	        print(json.dumps({"kind": "note", "i": i}))
	    print(json.dumps({"kind": "score", "repo": "org/m%05d" % (i // boards),
	                      "dataset": {"type": "bench/b%03d" % (i % boards), "split": "test"},
	                      "metric": {"type": "accuracy", "value": (i * 7919 % 1000) / 10, "scale": "percent"}}))
	PY
}

test_expect_success '--help, --version, a bad flag, a missing input file' '
	leaderboard --help >out 2>err && test_grep "^usage: leaderboard " out && test_must_be_empty err &&
	leaderboard -h >out && test_grep "^usage: leaderboard " out &&
	leaderboard --version >out && echo "leaderboard (evalpipe) 0.1.0" >want && test_cmp want out &&
	leaderboard -V >out && test_cmp want out &&
	test_expect_code 2 leaderboard --nope </dev/null >out 2>err && head -c 6 err >first &&
	printf "usage:" >want && test_cmp want first && test_must_be_empty out &&
	test_expect_code 2 leaderboard -f </dev/null >out 2>err && test_grep "^usage:" err &&
	test_expect_code 2 leaderboard --top=-1 </dev/null >out 2>err && test_grep "^usage:" err &&
	test_expect_code 2 leaderboard --scale raw </dev/null >out 2>err && test_grep "^usage:" err &&
	test_expect_code 2 leaderboard missing.ndjson >out 2>err &&
	test_grep "^leaderboard: cannot open .missing.ndjson.: No such file or directory$" err &&
	test_expect_code 2 leaderboard -f md "$DATA/bench50.ndjson" missing.ndjson >out 2>err &&
	test_grep "^leaderboard: cannot open .missing.ndjson." err
'

test_expect_success 'the bench50 boards match the oracle, and the oracle the hand-checked boards' '
	leaderboard "$DATA/bench50.ndjson" >out 2>err && test_must_be_empty err &&
	$ORACLE summary out >got && $ORACLE expect "$DATA/bench50.ndjson" >want &&
	test_cmp want got && test_cmp "$DATA/bench50.expected" want
'

test_expect_success 'the boards do not depend on the input order, but for ties broken by it' '
	for seed in 1 2; do
		python3 -c "
import random, sys
lines = open(sys.argv[1]).readlines()
random.Random(int(sys.argv[2])).shuffle(lines)
sys.stdout.writelines(lines)" "$DATA/bench50.ndjson" $seed >shuffled &&
		leaderboard shuffled >out && $ORACLE summary out >got &&
		$ORACLE expect shuffled >want && test_cmp want got || return 1
	done
'

test_expect_success 'operands are read in turn, - is stdin; scores of one model join across files' '
	head -n 30 "$DATA/bench50.ndjson" >a && tail -n +31 "$DATA/bench50.ndjson" >b &&
	leaderboard a - <b >out && $ORACLE summary out >got && test_cmp "$DATA/bench50.expected" got
'

test_expect_success 'json: other kinds pass through unchanged and in order, boards come at the end' '
	scores 40 3 >in && printf "%s\n" "{\"kind\":\"x\",\"z\":[1,{\"b\":null}],\"a\":\"\\u00e9\"}" >>in &&
	leaderboard in >out &&
	python3 -c "
import json, sys
recs = lambda f, skip: [json.loads(l) for l in open(f) if json.loads(l)[\"kind\"] != skip]
sys.exit(recs(\"in\", \"score\") != recs(\"out\", \"board\"))" &&
	test_json out "[r[\"kind\"] for r in recs][-3:] == [\"board\"] * 3" &&
	test_json out "[r[\"dataset\"][\"type\"] for r in recs[-3:]] == [\"bench/b000\", \"bench/b001\", \"bench/b002\"]"
'

test_expect_success 'md and html: other records are left out, and counted in one warning' '
	scores 20 2 >in && echo "{\"kind\":\"error\",\"tool\":\"x\",\"message\":\"m\"}" >>in &&
	leaderboard -f md in >out 2>err &&
	test_grep "^leaderboard: warning: not in the markdown output: 3 note records, 1 error record$" err &&
	! grep -q "kind" out && test_grep "^## bench/b000" out &&
	leaderboard -f html in >out 2>err &&
	test_grep "^leaderboard: warning: not in the HTML output: 3 note records, 1 error record$" err &&
	leaderboard -q -f html in >out 2>err && test_must_be_empty err &&
	head -n 1 out >first && echo "<!DOCTYPE html>" >want && test_cmp want first &&
	tail -n 1 out >last && echo "</html>" >want && test_cmp want last
'

test_expect_success 'a bad line in the middle: status 1, an error record with its line, the rest intact' '
	scores 10 1 >in && sed -n 1,5p in >bad && echo "{\"kind\":\"score\" oops" >>bad &&
	echo "{\"kind\":\"score\",\"repo\":\"o/x\",\"metric\":{\"type\":\"accuracy\",\"value\":1}}" >>bad &&
	sed -n "6,\$p" in >>bad &&
	test_expect_code 1 leaderboard bad >out 2>err &&
	test_json out "[r[\"line\"] for r in recs if r[\"kind\"] == \"error\"] == [6, 7]" &&
	test_grep "^leaderboard: bad:6: invalid JSON" err && test_grep "^leaderboard: o/x: score has no dataset" err &&
	leaderboard in >good && grep "\"kind\":\"board\"" good >want &&
	grep "\"kind\":\"board\"" out >got && test_cmp want got &&
	test_expect_code 1 leaderboard -f md bad >out 2>err &&
	leaderboard -f md in >want && test_cmp want out && test_grep "bad:6: invalid JSON" err
'

test_expect_success '> /dev/full gives 2 and a write error, in every format' '
	for f in json md html; do
		test_expect_code 2 leaderboard -f $f "$DATA/bench50.ndjson" >/dev/full 2>err &&
		test_grep "^leaderboard: write error: No space left on device$" err || return 1
	done
'

test_expect_success '| head -n1 ends with SIGPIPE (141) and prints nothing on stderr' '
	scores 6000 20 >big &&
	for f in json md html; do
		{ leaderboard -f $f big 2>err; echo $? >status; } | head -n 1 >out &&
		test_lines 1 out && test "$(cat status)" = 141 && test_must_be_empty err || return 1
	done
'

# Feed one record through a FIFO and read it back while the writer still holds it open.
flush_check() {
	mkfifo fifo || return 1
	(exec 3>fifo; printf '{"kind":"note"}\n' >&3; sleep 3) &
	writer=$!
	leaderboard <fifo >out 2>err &
	reader=$!
	i=0
	while [ ! -s out ] && [ $i -lt 60 ]; do sleep 0.05; i=$((i + 1)); done
	test_json out "recs == [{\"kind\": \"note\"}]"
	rc=$?
	kill $writer 2>/dev/null
	wait $reader
	return $rc
}

test_expect_success 'output is line-flushed: a passed-through record comes back before the input ends' '
	flush_check
'

test_expect_success 'many models on many boards: every board, every model once' '
	scores 10000 20 >big && leaderboard big >out &&
	test_json out "sum(1 for r in recs if r[\"kind\"] == \"board\") == 20" &&
	test_json out "all(r[\"models\"] == 500 == len(r[\"rows\"]) == len({x[\"repo\"] for x in r[\"rows\"]}) for r in recs if r[\"kind\"] == \"board\")"
'

test_expect_success 'selection: --dataset also matches the dataset name, --metric the metric name' '
	leaderboard -d Bench-50 -m Accuracy -f json "$DATA/bench50.ndjson" >out &&
	test_json out "[r[\"metric\"][\"type\"] for r in recs if r[\"kind\"] == \"board\"] == [\"accuracy\"]" &&
	leaderboard -d nothing-like-it "$DATA/bench50.ndjson" >out &&
	test_json out "not any(r[\"kind\"] in (\"board\", \"score\") for r in recs)"
'

test_done
