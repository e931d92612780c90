#!/bin/sh
# tests/golden.sh — run every golden case: tests/golden/<filter>/<case>/ holds
#   cmd        the argument line (word-split by the shell; may use $TESTDATA)
#   in.ndjson  stdin (optional)
#   out.ndjson expected stdout
#   err        expected stderr (absent: must be empty)
#   status     expected exit status (absent: 0)
# UPDATE=1 rewrites out.ndjson/err/status from what the filter does now.
LC_ALL=C
export LC_ALL
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN HF_ENDPOINT AA_API_KEY
top=$(cd "$(dirname "$0")/.." && pwd)
: "${EP_BIN:=$top/bin}"
TESTDATA=$top/tests/data
export TESTDATA
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evalpipe-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
HF_HOME=$tmp/hf-home
HF_HUB_OFFLINE=1
export HF_HOME HF_HUB_OFFLINE
n=0 failed=0

for dir in "$top"/tests/golden/*/*/; do
	[ -f "$dir/cmd" ] || continue
	dir=${dir%/}
	filter=$(basename "$(dirname "$dir")")
	name=$filter/$(basename "$dir")
	n=$((n + 1))
	in=$dir/in.ndjson
	[ -f "$in" ] || in=/dev/null
	want_status=0
	[ -f "$dir/status" ] && want_status=$(cat "$dir/status")
	args=$(cat "$dir/cmd")
	(cd "$dir" && eval "\"\$EP_BIN/\$filter\" $args") <"$in" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ -n "$UPDATE" ]; then
		cp "$tmp/out" "$dir/out.ndjson"
		if [ -s "$tmp/err" ]; then cp "$tmp/err" "$dir/err"; else rm -f "$dir/err"; fi
		if [ "$status" != 0 ]; then echo "$status" >"$dir/status"; else rm -f "$dir/status"; fi
		echo "ok $n - $name # updated"
		continue
	fi
	ok=1
	cmp -s "$dir/out.ndjson" "$tmp/out" || { ok=0; diff -u "$dir/out.ndjson" "$tmp/out" | head -40 | sed 's/^/#   /'; }
	if [ -f "$dir/err" ]; then
		cmp -s "$dir/err" "$tmp/err" || { ok=0; diff -u "$dir/err" "$tmp/err" | sed 's/^/#   /'; }
	elif [ -s "$tmp/err" ]; then
		ok=0
		sed 's/^/#   unexpected stderr: /' "$tmp/err"
	fi
	[ "$status" = "$want_status" ] || { ok=0; echo "#   status $status, expected $want_status"; }
	if [ $ok = 1 ]; then echo "ok $n - $name"; else echo "not ok $n - $name"; failed=$((failed + 1)); fi
done
echo "1..$n"
[ "$failed" = 0 ]
