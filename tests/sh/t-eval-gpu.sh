#!/bin/sh
# eval-gpu as a filter: options, errors, passthrough, plain rows, jobs, bad rows.
. "$(dirname "$0")/../lib.sh"

M=$TOP/tests/lmeval/fixtures/gpt2tiny
D=$TOP/tests/lmeval/fixtures/data

# rows TASKDIR SPLIT [DATASET]: row records of one fixture split
rows() {
	python3 -c '
import json, sys
for i, l in enumerate(open(sys.argv[1], encoding="utf-8")):
    print(json.dumps({"kind": "row", "dataset": sys.argv[3], "config": None, "split": sys.argv[2],
                      "index": i, "row": json.loads(l)}, ensure_ascii=False))' "$D/$1/$2.jsonl" "$2" "${3:-x/y}"
}

test_expect_success '--help and --version go to stdout' '
	eval-gpu --help >out 2>err &&
	grep -q "^usage: eval-gpu" out && test_must_be_empty err &&
	eval-gpu --version >out && grep -q "^eval-gpu (evalpipe) " out
'

test_expect_success 'a bad flag or task is a usage error' '
	test_expect_code 2 eval-gpu --bogus </dev/null >out 2>err &&
	grep -q "^usage:" err &&
	test_expect_code 2 eval-gpu -t nosuchtask </dev/null >out 2>err &&
	grep -q "unknown task" err &&
	test_expect_code 2 eval-gpu -t generic -m x </dev/null 2>err &&
	grep -q "needs --text" err
'

test_expect_success 'a missing input file is fatal' '
	test_expect_code 2 eval-gpu -t piqa -m "$M" nosuchfile >out 2>err &&
	grep -q "cannot open" err
'

test_expect_success 'piqa: scores from row records, other kinds pass through in order' '
	{ echo "{\"kind\":\"card\",\"repo\":\"a/b\"}"; rows piqa train; rows piqa validation;
	  echo "{\"kind\":\"other\",\"n\":1}"; } >in &&
	eval-gpu -t piqa -m "$M" -n 1 --limit 5 --threads 1 in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"card\", \"other\", \"score\", \"score\"] and recs[2][\"metric\"][\"type\"] == \"acc\" and recs[2][\"origin\"][\"n_samples\"] == 5 and recs[2][\"dataset\"][\"args\"][\"num_fewshot\"] == 1 and recs[2][\"origin\"][\"backend\"] == \"cpu\""
'

test_expect_success 'plain JSON rows and --fewshot FILE give the same scores as row records' '
	rows piqa train >shots && rows piqa validation >evalrows &&
	cat shots evalrows >both &&
	eval-gpu -t piqa -m "$M" -n 2 --limit 6 --threads 1 both >a 2>/dev/null &&
	cp "$D/piqa/train.jsonl" plainshots &&
	eval-gpu -t piqa -m "$M" -n 2 --limit 6 --threads 1 --fewshot plainshots "$D/piqa/validation.jsonl" >b 2>/dev/null &&
	python3 -c "
import json,sys
v=lambda f:[(r[\"metric\"][\"type\"],r[\"metric\"][\"value\"]) for r in map(json.loads,open(f))]
sys.exit(v(\"a\")!=v(\"b\"))"
'

test_expect_success 'a job record runs the rows after it; --details writes sample records' '
	{ echo "{\"kind\":\"job\",\"model\":\"$M\",\"task\":\"boolq\",\"num_fewshot\":0,\"limit\":3}";
	  rows boolq validation; } >in &&
	eval-gpu --details --threads 1 in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"sample\"]*3 + [\"score\"] and recs[3][\"task\"][\"name\"] == \"boolq\""
'

test_expect_success 'bad rows give error records naming the row; the rest is scored' '
	{ rows arc_easy train; rows arc_easy test | head -n 4;
	  echo "{\"kind\":\"row\",\"split\":\"test\",\"index\":90,\"row\":{\"question\":\"q\"}}";
	  echo "{\"kind\":\"row\",\"split\":\"test\",\"index\":91,\"row\":{\"question\":\"q\",\"choices\":{\"text\":[\"a\",\"b\"],\"label\":[\"A\",\"B\"]},\"answerKey\":\"E\"}}";
	  echo "not json"; } >in &&
	test_expect_code 1 eval-gpu -t arc_easy -m "$M" --threads 1 in >out 2>err &&
	grep -q "row 90: column .choices. is missing" err &&
	grep -q "row 91: answerKey .E. is not one of the choice labels" err &&
	test_json out "sum(r[\"kind\"] == \"error\" for r in recs) == 3 and [r for r in recs if r[\"kind\"] == \"score\"][0][\"origin\"][\"n_samples\"] == 4"
'

test_expect_success 'a label out of range is an error record' '
	echo "{\"goal\":\"g\",\"sol1\":\"a\",\"sol2\":\"b\",\"label\":7}" >in &&
	test_expect_code 1 eval-gpu -t piqa -m "$M" in >out 2>err &&
	grep -q "label 7 in column .label. is out of range for 2 choices" err
'

test_expect_success 'an empty dataset is an error record, not a crash' '
	rows piqa train >in &&
	test_expect_code 1 eval-gpu -t piqa -m "$M" in >out 2>err &&
	grep -q "no piqa rows to score" err && test_json out "recs[0][\"kind\"] == \"error\""
'

test_expect_success 'a model that is not there is an error record' '
	echo "{\"goal\":\"g\",\"sol1\":\"a\",\"sol2\":\"b\",\"label\":1}" >in &&
	HF_HUB_CACHE=$TMP/nocache test_expect_code 1 eval-gpu -t piqa -m org/none in >out 2>err &&
	grep -q "not in the HF cache" err
'

test_expect_success 'a Hub id is found in the HF cache' '
	c=$TMP/cache/models--org--tiny && mkdir -p "$c/refs" "$c/snapshots" &&
	echo 0123456789abcdef0123456789abcdef01234567 >"$c/refs/main" &&
	cp -r "$M" "$c/snapshots/0123456789abcdef0123456789abcdef01234567" &&
	echo "{\"goal\":\"g\",\"sol1\":\"a\",\"sol2\":\"b\",\"label\":1}" >in &&
	HF_HUB_CACHE=$TMP/cache eval-gpu -t piqa -m org/tiny in >out 2>err &&
	test_json out "recs[0][\"origin\"][\"model_revision\"] == \"0123456789abcdef0123456789abcdef01234567\""
'

test_expect_success 'write errors: /dev/full is fatal, a closed pipe is silent' '
	echo "{\"kind\":\"other\"}" >in &&
	test_expect_code 2 eval-gpu -t piqa -m "$M" in >/dev/full 2>err &&
	grep -q "write error" err &&
	yes "{\"kind\":\"other\"}" | head -n 20000 >many &&
	{ eval-gpu -t piqa -m "$M" many 2>err; echo $? >st; } | head -n 1 >/dev/null &&
	test "$(cat st)" = 141 && test_must_be_empty err
'

test_expect_success 'output is flushed line by line' '
	mkfifo fifo &&
	{ eval-gpu -t piqa -m "$M" <fifo >out 2>err & } &&
	exec 9>fifo && echo "{\"kind\":\"other\"}" >&9 &&
	i=0; while [ ! -s out ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done &&
	test -s out && exec 9>&- && wait
'

test_done
