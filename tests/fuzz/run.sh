#!/bin/sh
# Run each libFuzzer target for SECONDS, seeded from tests/fuzz/corpus/<target>/
# and the fixtures, and report how long each ran clean.
# usage: tests/fuzz/run.sh BINDIR SECONDS TARGET...
bindir=$1
secs=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${FUZZ_WORK:-$top/build/fuzz/work}
status=0
for t in "$@"; do
	corpus=$work/$t
	mkdir -p "$corpus"
	seeds=$top/tests/fuzz/corpus/$t
	[ -d "$seeds" ] || seeds=
	case $t in
	fuzz_card | fuzz_tables* | fuzz_yamledit) extra=$(find "$top/tests" "$top/examples" -name '*.md' -size -64k 2>/dev/null | head -200) ;;
	fuzz_ndjson) extra=$(find "$top/tests/golden" -name '*.ndjson' -size -64k 2>/dev/null | head -200) ;;
	fuzz_zipdir) extra=$(find "$top/tests/logs" -name '*.eval' -size -64k 2>/dev/null | head -50) ;;
	fuzz_pyjson | fuzz_evallog) extra=$(find "$top/tests/logs" -name '*.json' -size -64k 2>/dev/null | head -100) ;;
	fuzz_safetensors) extra=$(find "$top/tests/eval/fixtures" -name '*.safetensors' 2>/dev/null) ;;
	fuzz_config) extra=$(find "$top/tests/eval/fixtures" -name 'config.json' 2>/dev/null) ;;
	*) extra= ;;
	esac
	seeddir=$work/$t.seeds
	rm -rf "$seeddir" && mkdir -p "$seeddir"
	for f in $extra; do cp "$f" "$seeddir/$(echo "$f" | cksum | cut -d' ' -f1)"; done
	dict=
	[ -f "$top/tests/fuzz/$t.dict" ] && dict=-dict=$top/tests/fuzz/$t.dict
	if "$bindir/$t" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/$t-" \
		$dict "$corpus" "$seeddir" $seeds >"$work/$t.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
		echo "ok - $t: ran clean for ${secs}s ($runs inputs)"
	else
		echo "not ok - $t: crashed, see $work/$t.log"
		status=1
	fi
done
exit $status
