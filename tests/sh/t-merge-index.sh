#!/bin/sh
# merge-index: the behaviour every filter shows, and its options.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/behaviour.sh"

test_filter_behaviour merge-index \
	'{"kind":"card","repo":"o/m","front_matter":null,"metadata":null,"body":"x\n"}'

test_done
