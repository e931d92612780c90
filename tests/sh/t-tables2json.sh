#!/bin/sh
# Behaviour of tables2json as a filter: options, exit codes, passthrough,
# flushing, errors (STYLE §12.2), plus what it does with card records.
. "$(dirname "$0")/../lib.sh"
CARDS=$TOP/tests/tables/cards
MKCARD="hf-fetch local"

test_expect_success '--help goes to stdout with status 0' '
	tables2json --help >out 2>err &&
	test_must_be_empty err &&
	head -n1 out >first &&
	test_grep "^usage: tables2json " first
'

test_expect_success '--version prints the package version' '
	tables2json --version >out 2>err &&
	echo "tables2json (evalpipe) 0.1.0" >want &&
	test_cmp want out &&
	test_must_be_empty err
'

test_expect_success 'a bad flag gives status 2 and stderr starting with usage:' '
	test_expect_code 2 tables2json --bogus </dev/null >out 2>err &&
	test_must_be_empty out &&
	head -n1 err >first &&
	test_grep "^usage: tables2json" first &&
	test_grep "unknown option .--bogus." err &&
	test_expect_code 2 tables2json --table 0 </dev/null 2>err &&
	test_grep "^usage:" err &&
	test_expect_code 2 tables2json --model-column 2 </dev/null 2>err &&
	test_grep "need --table" err &&
	test_expect_code 2 tables2json --table 1 --model-row 2 --model-column 2 </dev/null 2>err &&
	test_grep "exclude each other" err
'

test_expect_success 'a missing input file gives status 2 and a cannot-open message' '
	test_expect_code 2 tables2json no-such-file >out 2>err &&
	test_must_be_empty out &&
	test_grep "^tables2json: cannot open .no-such-file.: No such file or directory$" err
'

test_expect_success 'a write error on stdout gives status 2' '
	echo "{\"kind\":\"x\"}" >in &&
	test_expect_code 2 tables2json in >/dev/full 2>err &&
	test_grep "^tables2json: write error" err
'

test_expect_success 'a reader that goes away: SIGPIPE (141) and nothing on stderr' '
	i=0 && while [ $i -lt 2000 ]; do echo "{\"kind\":\"x\",\"i\":$i}"; i=$((i + 1)); done >in &&
	{ tables2json in 2>err; echo $? >status; } | head -n1 >out &&
	echo 141 >want && test_cmp want status &&
	test_must_be_empty err &&
	test_lines 1 out
'

test_expect_success 'records of other kinds pass through unchanged and in order' '
	$MKCARD --repo evalpipe-test/Baz-3B $CARDS/03-md-single-score >card &&
	{ echo "{\"kind\":\"repo\",\"repo\":\"a/b\",\"x\":[1,2]}"; cat card;
	  echo "{\"kind\":\"pr\",\"n\":1.5}"; } >in &&
	tables2json in >out 2>err &&
	test_must_be_empty err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"repo\", \"card\"] + [\"score\"] * 6 + [\"pr\"]" &&
	test_json out "recs[0] == {\"kind\":\"repo\",\"repo\":\"a/b\",\"x\":[1,2]} and recs[-1][\"n\"] == 1.5" &&
	head -n2 out | tail -n1 >card_out &&
	python3 -c "import json,sys; a=[json.loads(l) for l in open(\"card\")]; b=[json.loads(l) for l in open(\"card_out\")]; sys.exit(a != b)"
'

test_expect_success 'output is flushed line by line (FIFO)' '
	mkfifo fifo || exit 1
	tables2json <fifo >fifo.out 2>fifo.err &
	pid=$!
	exec 3>fifo &&
	echo "{\"kind\":\"x\",\"n\":1}" >&3 &&
	n=0 && while [ ! -s fifo.out ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done &&
	test_lines 1 fifo.out &&
	exec 3>&- &&
	wait $pid
'

test_expect_success 'one bad line: status 1, an error record with its line, the rest intact' '
	{ echo "{\"kind\":\"a\"}"; echo "{not json"; echo "[1]"; echo "{\"kind\":\"b\"}"; } >in &&
	test_expect_code 1 tables2json in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"a\", \"error\", \"error\", \"b\"]" &&
	test_json out "recs[1][\"line\"] == 2 and recs[2][\"line\"] == 3 and recs[1][\"tool\"] == \"tables2json\" and recs[1][\"message\"].startswith(\"in:2: invalid JSON\")" &&
	test_grep "^tables2json: in:2: invalid JSON" err &&
	test_grep "^tables2json: in:3: record is not a JSON object" err
'

test_expect_success 'a card without a body: error record after the card, status 1' '
	echo "{\"kind\":\"card\",\"repo\":\"o/m\",\"body\":null}" >in &&
	test_expect_code 1 tables2json in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"card\", \"error\"] and recs[1][\"repo\"] == \"o/m\"" &&
	test_grep "^tables2json: o/m: card record without a .body. string" err
'

test_expect_success 'scores: card first, then its scores with origin and source' '
	$MKCARD --repo evalpipe-test/Foo-7B $CARDS/01-md-models-columns-bold | tables2json >out 2>err &&
	test_must_be_empty err &&
	test_json out "recs[0][\"kind\"] == \"card\" and len(recs) == 7" &&
	test_json out "all(r[\"origin\"][\"tool\"] == \"tables2json\" and r[\"origin\"][\"table\"] == 1 and r[\"source\"][\"url\"] == \"https://huggingface.co/evalpipe-test/Foo-7B\" and r[\"metric\"][\"verified\"] is False for r in recs[1:])" &&
	test_json out "recs[1][\"origin\"][\"cell\"] == \"61.8\" and recs[2][\"origin\"][\"cell\"] == \"**82.0**\" and recs[1][\"origin\"][\"column\"] == \"Foo-7B\" and recs[1][\"origin\"][\"row\"] == \"MMLU (5-shot)\"" &&
	test_json out "all(None not in r[\"metric\"].values() and None not in r[\"dataset\"].values() for r in recs[1:])"
'

test_expect_success '--inspect: a table record per table instead of the card and scores' '
	$MKCARD --repo evalpipe-test/Nova-1.3B $CARDS/35-multi-table | tables2json --inspect >out 2>err &&
	test_must_be_empty err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"table\"] * 3 and [r[\"table\"] for r in recs] == [1, 2, 3]" &&
	test_json out "recs[1][\"model\"] == {\"row\": 4, \"label\": \"Nova-1.3B\", \"how\": \"exact\"} and recs[1][\"orientation\"] == \"models-as-rows\" and recs[1][\"scores\"] == 4" &&
	test_json out "recs[2][\"model\"][\"how\"] == \"single-model\" and recs[0][\"numeric_share\"] == 0 and recs[1][\"header\"][:2] == [\"Model\", \"ARC-E\"]"
'

test_expect_success '--table, --model-column, --model-name and --task-type' '
	$MKCARD --repo evalpipe-test/Pi-1B $CARDS/20-absent-model >card &&
	tables2json --table 1 --model-column 3 --task-type text2text-generation card >out 2>err &&
	test_must_be_empty err &&
	test_json out "[r[\"metric\"][\"value\"] for r in recs[1:]] == [60.9, 41.2, 61.7] and recs[1][\"task\"][\"type\"] == \"text2text-generation\"" &&
	tables2json --table 2 card >out 2>err &&
	test_grep "no table 2 (the card has 1)" err &&
	$MKCARD --repo evalpipe-test/omega-chat-7b-v2 $CARDS/43-model-name-needed >card &&
	tables2json --model-name "OmegaChat v2 (7B)" card >out 2>err &&
	test_json out "len(recs) == 4 and recs[1][\"model\"] == \"omega-chat-7b-v2\""
'

test_expect_success '-q silences warnings, -v adds the reasons tables gave nothing' '
	$MKCARD --repo evalpipe-test/Pi-1B $CARDS/20-absent-model >card &&
	tables2json card >out 2>err &&
	test_grep "warning: evalpipe-test/Pi-1B: table 1: no column or row matches" err &&
	tables2json -q card >out 2>err &&
	test_must_be_empty err &&
	$MKCARD --repo evalpipe-test/Omega-7B-GGUF $CARDS/30-gguf-no-eval >card &&
	tables2json card >out 2>err &&
	test_must_be_empty err &&
	tables2json -v card >out 2>err &&
	test_grep "tables2json: evalpipe-test/Omega-7B-GGUF: table 1: no column or row matches" err
'

test_done
