#!/bin/sh
# eval-gpu against lm-evaluation-harness: the committed oracle files under
# tests/lmeval/fixtures/oracle/ hold what lm-eval 0.4.13 computed on the
# fixture models and rows (HINT: regenerate with `make check-lmeval`, which
# runs tests/lmeval/run_lmeval.py with lm-eval installed, then compares).
# compare.py prints one TAP line per metric and per task's documents.
. "$(dirname "$0")/../lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP no python3"
	exit 0
fi
exec python3 "$TOP/tests/lmeval/compare.py" "$EP_BIN/eval-gpu"
