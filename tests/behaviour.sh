# tests/behaviour.sh — the behaviour every filter must show (STYLE §12.2), as
# one function a tests/sh/t-*.sh script calls after sourcing tests/lib.sh:
#
#   test_filter_behaviour PROG CONSUMED
#
# CONSUMED is one record (a line of JSON) PROG consumes and answers with at
# least one output line. Checks: --help and --version on stdout with 0; a bad
# flag gives 2 and "usage:" first on stderr; a missing input gives 2 and
# "PROG: cannot open 'x': ..."; > /dev/full gives 2 and a write error;
# | head -n1 gives 141 and no stderr; unknown kinds pass through in order;
# output is flushed line by line (a FIFO); a bad line in the middle gives 1,
# an error record with "line", and every other record intact.

test_filter_behaviour() {
	prog=$1
	consumed=$2
	printf '%s\n' "$consumed" >"$TMP/consumed.ndjson"

	test_expect_success "$prog: --help on stdout, status 0" "
		$prog --help >out 2>err &&
		test_must_be_empty err &&
		head -n1 out | grep -q '^usage: $prog '
	"
	test_expect_success "$prog: --version" "
		$prog --version >out 2>err &&
		test_must_be_empty err &&
		echo '$prog (evalpipe) 0.1.0' >want &&
		test_cmp want out
	"
	test_expect_success "$prog: a bad flag gives 2 and the usage" "
		test_expect_code 2 $prog --no-such-flag >out 2>err </dev/null &&
		test_must_be_empty out &&
		head -n1 err | grep -q '^usage: $prog '
	"
	test_expect_success "$prog: a missing input file gives 2" "
		test_expect_code 2 $prog does-not-exist.ndjson >out 2>err &&
		grep -q \"^$prog: cannot open 'does-not-exist.ndjson': \" err
	"
	test_expect_success "$prog: a full disk gives 2 and a write error" "
		test_expect_code 2 $prog consumed.ndjson >/dev/full 2>err &&
		grep -q '^$prog: write error' err
	"
	test_expect_success "$prog: a closed pipe gives 141 and says nothing" "
		i=0 &&
		while [ \$i -lt 5000 ]; do
			echo '{\"kind\":\"other\",\"n\":'\$i',\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}'
			i=\$((i + 1))
		done >many.ndjson &&
		{ $prog many.ndjson 2>err; echo \$? >status; } | head -n1 >out &&
		echo 141 >want && test_cmp want status &&
		test_must_be_empty err &&
		test_lines 1 out
	"
	test_expect_success "$prog: unknown kinds pass through, in order" "
		{
			echo '{\"kind\":\"alpha\",\"n\":1}'
			cat consumed.ndjson
			echo '{\"kind\":\"beta\",\"n\":2,\"nested\":{\"z\":[1,2.5,\"x\"]}}'
			echo '{\"kind\":\"alpha\",\"n\":3}'
		} >in &&
		$prog in >out 2>err &&
		grep -v '\"kind\":\"\\(card\\|score\\|file\\|change\\|check\\)\"' out >passed &&
		{
			echo '{\"kind\":\"alpha\",\"n\":1}'
			echo '{\"kind\":\"beta\",\"n\":2,\"nested\":{\"z\":[1,2.5,\"x\"]}}'
			echo '{\"kind\":\"alpha\",\"n\":3}'
		} >want &&
		test_cmp want passed
	"
	test_expect_success "$prog: each output line is flushed at once" "
		mkfifo fifo &&
		{ $prog <fifo >out 2>err & } &&
		exec 3>fifo &&
		echo '{\"kind\":\"ping\"}' >&3 &&
		n=0 &&
		while [ ! -s out ] && [ \$n -lt 100 ]; do sleep 0.05; n=\$((n + 1)); done &&
		exec 3>&- &&
		wait &&
		echo '{\"kind\":\"ping\"}' >want &&
		test_cmp want out
	"
	test_expect_success "$prog: a bad line in the middle gives 1 and an error record" "
		{
			echo '{\"kind\":\"alpha\",\"n\":1}'
			echo 'this is not json'
			cat consumed.ndjson
			echo '{\"kind\":\"alpha\",\"n\":3}'
		} >in &&
		test_expect_code 1 $prog in >out 2>err &&
		grep -q '\"kind\":\"error\",\"tool\":\"$prog\",\"line\":2,' out &&
		grep -q '^$prog: in:2: ' err &&
		grep -q '\"n\":1' out && grep -q '\"n\":3' out &&
		test \$(grep -c -v '\"kind\":\"error\"' out) -ge 3
	"
}
