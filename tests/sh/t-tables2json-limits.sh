#!/bin/sh
# tables2json on hostile or huge input: clear errors or correct output, no
# crash, bounded time and memory.
. "$(dirname "$0")/../lib.sh"

# card_of FILE REPO: a card record whose body is the text of FILE.
card_of() {
	hf-fetch local --repo "$2" "$1"
}

# max RSS in KiB of the last `measure` run
measure() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o rss "$@"
	else
		"$@" && echo 0 >rss
	fi
}

test_expect_success 'a table of 10,000 rows' '
	python3 -c "
print(\"| Benchmark | Big-1B | Other |\")
print(\"|---|---|---|\")
for i in range(10000): print(\"| MMLU-%d | %d.5 | 11.0 |\" % (i, 10 + i % 80))
" >big.md &&
	card_of big.md o/Big-1B >in &&
	measure tables2json in >out 2>err &&
	test_must_be_empty err &&
	test_json out "len(recs) == 10001 and recs[-1][\"metric\"][\"value\"] == 89.5 and recs[-1][\"metric\"][\"name\"] == \"MMLU-9999\"" &&
	echo "rss $(cat rss) KiB" &&
	test "$(cat rss)" -lt 400000
'

test_expect_success 'a 10 MB README with a table at the end' '
	python3 -c "
import sys
para = \"Lorem ipsum <b>dolor</b> sit amet, *consectetur* [adipiscing](http://x) elit | not | a | table.\\n\\n\"
sys.stdout.write(para * (10_000_000 // len(para)))
sys.stdout.write(\"| Benchmark | Huge-1B |\\n|---|---|\\n| MMLU | 41.5 |\\n\")
" >huge.md &&
	card_of huge.md o/Huge-1B >in &&
	measure tables2json in >out 2>err &&
	test_must_be_empty err &&
	test_json out "len(recs) == 2 and recs[1][\"metric\"][\"value\"] == 41.5" &&
	echo "rss $(cat rss) KiB" &&
	test "$(cat rss)" -lt 800000
'

test_expect_success 'a 10 MB HTML table' '
	python3 -c "
import sys
sys.stdout.write(\"<table><tr><th>Benchmark</th><th>Wide-1B</th></tr>\\n\")
row = \"<tr><td>Task-%d</td><td><b>%d.25</b></td></tr>\\n\"
n = 0
out = []
size = 0
while size < 10_000_000:
    s = row % (n, 10 + n % 80); out.append(s); size += len(s); n += 1
sys.stdout.write(\"\".join(out))
sys.stdout.write(\"<tr><td>MMLU</td><td>40.0</td></tr></table>\\n\")
open(\"rows\", \"w\").write(\"%d\\n\" % n)
" >wide.md &&
	card_of wide.md o/Wide-1B >in &&
	measure tables2json in >out 2>err &&
	test_must_be_empty err &&
	test "$(wc -l <out)" -eq "$(($(cat rows) + 2))" &&
	tail -n1 out >last &&
	test_json last "recs[0][\"metric\"][\"name\"] == \"MMLU\" and recs[0][\"metric\"][\"value\"] == 40" &&
	echo "rss $(cat rss) KiB"
'

test_expect_success 'colspan 100000 and rowspan 10^9 are capped and reported' '
	printf "%s\n" "<table><tr><th>Benchmark</th><th>Cap-1B</th><th colspan=100000>x</th></tr>" \
		"<tr><td rowspan=1000000000>MMLU</td><td>50.5</td></tr></table>" >cap.md &&
	card_of cap.md o/Cap-1B >in &&
	measure tables2json in >out 2>err &&
	test_grep "table 1: colspan 100000 capped at 1024" err &&
	test_grep "table 1: table cut at 1024 columns" err &&
	test_json out "len(recs) == 2 and recs[1][\"metric\"][\"value\"] == 50.5" &&
	test "$(cat rss)" -lt 200000
'

test_expect_success 'tables nested 5,000 deep and 100,000 unclosed tags' '
	python3 -c "
import sys
sys.stdout.write(\"<table><tr><td>\" * 5000 + \"x\\n\\n\")
sys.stdout.write(\"<table>\" + \"<tr><td><b><i>\" * 100000 + \"\\n\")
" >deep.md &&
	card_of deep.md o/Deep-1B >in &&
	tables2json in >out 2>err &&
	test_json out "len(recs) == 1"
'

test_expect_success 'unparseable markdown and HTML: no crash, no scores' '
	python3 -c "
import random, sys
random.seed(7)
alphabet = \"<>/|-=:*_[]()!&#;\\\"\\x27 \\n\\tabtdrhle0123456789\"
sys.stdout.write(\"\".join(random.choice(alphabet) for _ in range(200000)))
sys.stdout.write(\"<table<tr<td>>><td colspan=x rowspan=-3><!-- <td><![CDATA[ <//td> &#xFFFFFFFF; &#99999999; &\")
" >junk.md &&
	card_of junk.md o/Junk-1B >in &&
	tables2json -q in >out 2>err &&
	test_json out "recs[0][\"kind\"] == \"card\""
'

test_expect_success 'invalid UTF-8 in the card text: an error record for that line only' '
	{ echo "{\"kind\":\"a\"}";
	  printf "{\"kind\":\"card\",\"repo\":\"o/m\",\"body\":\"| B | m |\\\\n|---|---|\\\\n| MMLU | \377\376 |\"}\n";
	  printf "{\"kind\":\"card\",\"repo\":\"o/m\",\"body\":\"x \\\\udc80 y\"}\n";
	  echo "{\"kind\":\"b\"}"; } >in &&
	test_expect_code 1 tables2json in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"a\", \"error\", \"error\", \"b\"] and recs[1][\"line\"] == 2 and recs[2][\"line\"] == 3" &&
	test_grep "in:2: invalid JSON" err
'

test_expect_success 'a line over the size limit is an error, the next line is read' '
	python3 -c "
import json
print(json.dumps({\"kind\":\"card\",\"repo\":\"o/m\",\"body\":\"x\" * (65 << 20)}))
print(json.dumps({\"kind\":\"z\"}))
" >in &&
	test_expect_code 1 tables2json in >out 2>err &&
	test_json out "[r[\"kind\"] for r in recs] == [\"error\", \"z\"]" &&
	test_grep "line longer than" err
'

test_done
