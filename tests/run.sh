#!/bin/sh
# Run the test groups (unit, golden, sh; all by default), print each failure,
# and close with the line "N passed, N failed, N skipped".
# Environment: EP_BIN (filters), EP_UNIT (unit test binaries), V=1 shows every line.
LC_ALL=C
export LC_ALL
top=$(cd "$(dirname "$0")/.." && pwd)
groups=${*:-unit golden sh}
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM
pass=0 fail=0 skip=0

# run NAME CMD...: run one TAP producer and add up its lines.
run() {
	name=$1
	shift
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	s=$(grep -c '^ok .*# *SKIP' "$log")
	f=$(grep -c '^not ok ' "$log")
	p=$((p - s))
	if [ "$rc" = 77 ] || grep -q '^1\.\.0 *# *SKIP' "$log"; then
		s=$((s + 1))
		echo "skip $name: $(grep -m1 'SKIP' "$log" | sed 's/.*SKIP *//')"
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc"
	fi
	if [ -n "$V" ] || [ "$f" != 0 ]; then
		sed "s|^|$name: |" "$log"
	fi
	echo "# $name: $p passed, $f failed, $s skipped"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

for g in $groups; do
	case $g in
	unit)
		for t in "$EP_UNIT"/test_*; do
			case $t in *.o | *.d) continue ;; esac
			[ -x "$t" ] && run "unit/$(basename "$t")" "$t"
		done
		;;
	golden)
		run golden sh "$top/tests/golden.sh"
		;;
	sh)
		for t in "$top"/tests/sh/t-*.sh; do
			[ -f "$t" ] && run "sh/$(basename "$t" .sh)" sh "$t"
		done
		;;
	*)
		echo "run.sh: unknown group '$g'" >&2
		exit 2
		;;
	esac
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
