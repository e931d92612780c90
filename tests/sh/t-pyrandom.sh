#!/bin/sh
# lib/eval/pyrandom against CPython's random module (python3 is the oracle;
# standard library only): seeds, getrandbits, randrange, sample with both of
# its algorithms, shuffle, and successive samples from one generator.
. "$(dirname "$0")/../lib.sh"

DUMP=$EP_TESTBIN/lmeval/pyrandom-dump
REF=$TOP/tests/lmeval/pyrandom_ref.py

if ! command -v python3 >/dev/null 2>&1; then
	test_skip 'pyrandom matches CPython random' 'no python3'
	test_done
fi

test_expect_success 'fixed cases: seed 1234 samples as lm-eval draws them' '
	printf "sample 1234 10042 10\nseq 1234 100 5 4\nsample 1234 21 5\nsample 1234 22 6\nsample 0 1 1\n" >req &&
	"$DUMP" <req >c.out &&
	python3 "$REF" <req >py.out &&
	test_cmp py.out c.out
'

test_expect_success '4000 random requests agree with CPython' '
	python3 "$REF" --requests 4000 20240901 >req &&
	"$DUMP" <req >c.out &&
	python3 "$REF" <req >py.out &&
	test_cmp py.out c.out
'

test_done
