#!/bin/sh
# Wall time of each task of the lm-eval oracle runs, eval-gpu vs
# lm-evaluation-harness, on the same tiny models and rows, same machine.
# lm-eval's time is the one recorded in the oracle file (wall_s: the
# simple_evaluate call, model load included); with lm-eval installed in the
# venv (make check-lmeval installs it) it is measured again here.
BIN=${1:-bin} PY=${2:-.venv/bin/python3}
cd "$(dirname "$0")/../.." || exit 2
live=no
"$PY" -c 'import lm_eval' 2>/dev/null && live=yes
printf '%-10s %-15s %5s %12s %12s %8s\n' model task shots eval-gpu_s lm-eval_s speedup
for f in tests/lmeval/fixtures/oracle/*.json; do
	set -- $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["model"], d["task"], d["num_fewshot"], d["wall_s"])' "$f")
	model=$1 task=$2 n=$3 lm=$4
	python3 -c 'import sys; sys.path.insert(0, "tests/lmeval"); import compare; sys.stdout.write(compare.rows_for(sys.argv[1]))' "$task" >/tmp/bench-eval.$$
	extra=
	[ "$task" = generic ] && extra="--text Q --choices choices.text --label answerKey --label-in choices.label"
	t0=$(date +%s.%N)
	"$BIN/eval-gpu" -q -m "tests/lmeval/fixtures/$model" -t "$task" -n "$n" $extra </tmp/bench-eval.$$ >/dev/null
	t1=$(date +%s.%N)
	if [ $live = yes ]; then
		lm=$(HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 "$PY" tests/lmeval/run_lmeval.py --out /tmp/bench-eval-oracle.$$ --only "$model.$task.$n" 2>/dev/null | awk '{print $4}' | tr -d s)
	fi
	awk -v m="$model" -v t="$task" -v n="$n" -v a="$t0" -v b="$t1" -v l="$lm" \
		'BEGIN { e = b - a; printf "%-10s %-15s %5s %12.2f %12.2f %7.1fx\n", m, t, n, e, l, l / e }'
done
rm -rf /tmp/bench-eval.$$ /tmp/bench-eval-oracle.$$
