# tests/lib.sh — shared harness for tests/sh/t-*.sh (git t/README style).
#
#   . "$(dirname "$0")/../lib.sh"
#   test_expect_success 'title' '
#       cmd1 &&
#       cmd2
#   '
#   test_done
#
# Each test runs in a subshell inside $TMP (a fresh directory removed at
# exit). Run programs with output redirected to files, never piped, so the
# status is seen. EP_BIN names the directory of the filters; it is put first
# in PATH.
LC_ALL=C
export LC_ALL
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN HF_HUB_OFFLINE HF_ENDPOINT AA_API_KEY
TOP=$(cd "$(dirname "$0")/../.." && pwd)
: "${EP_BIN:=$TOP/bin}"
PATH=$EP_BIN:$PATH
export PATH TOP
TMP=$(mktemp -d "${TMPDIR:-/tmp}/evalpipe-test.XXXXXX")
HF_HOME=$TMP/hf-home
export HF_HOME
test_count=0
test_failed=0
test_cleanups=
trap 'eval "$test_cleanups"; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# Run CMD at exit (e.g. stopping a server).
test_at_exit() {
	test_cleanups="$test_cleanups
$1"
}

test_expect_success() {
	test_count=$((test_count + 1))
	if (cd "$TMP" && eval "$2") >"$TMP/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TMP/.out"
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# test_expect_code N CMD...: CMD must exit with exactly N.
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "expected status $want, got $got: $*" >&2
		return 1
	fi
}

# test_cmp EXPECTED ACTUAL
test_cmp() {
	cmp -s "$1" "$2" || {
		diff -u "$1" "$2" >&2
		return 1
	}
}

# test_must_be_empty FILE
test_must_be_empty() {
	if [ -s "$1" ]; then
		echo "'$1' is not empty:" >&2
		cat "$1" >&2
		return 1
	fi
}

# test_grep PATTERN FILE (a failing grep shows the file)
test_grep() {
	grep -q -e "$1" "$2" || {
		echo "no '$1' in $2:" >&2
		cat "$2" >&2
		return 1
	}
}

# test_lines N FILE
test_lines() {
	n=$(wc -l <"$2")
	[ "$n" -eq "$1" ] || {
		echo "$2 has $n lines, expected $1" >&2
		cat "$2" >&2
		return 1
	}
}

# JSON field check with the test Python (stdlib only): test_json FILE 'python expr over recs'
# e.g. test_json out 'len(recs) == 2 and recs[0]["kind"] == "card"'
test_json() {
	python3 - "$1" "$2" <<'PYEOF' >&2
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
ok = eval(sys.argv[2], {"recs": recs})
if not ok:
    print("test_json failed:", sys.argv[2])
    for r in recs[:20]:
        print("  ", json.dumps(r)[:300])
sys.exit(0 if ok else 1)
PYEOF
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" = 0 ]
}
