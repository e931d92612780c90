#!/bin/sh
# yaml-emit: the behaviour every filter shows, and its options.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/behaviour.sh"

test_filter_behaviour yaml-emit \
	'{"kind":"card","repo":"o/m","front_matter":null,"metadata":null,"body":"x\n"}'

test_done
