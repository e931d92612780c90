#!/bin/sh
# leaderboard's HTML page in headless Chromium: it loads without console
# errors, runs no script from the input, sorts on a click (numbers as
# numbers), and leaves screenshots in tests/out/. Needs Debian's chromium and
# Playwright for Python (make deps installs both); skips without them.
. "$(dirname "$0")/../lib.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PY=${EP_PYTHON:-$TOP/.venv/bin/python3}
if [ ! -x "$CHROMIUM" ]; then
	echo "1..0 # SKIP no Chromium at $CHROMIUM (make deps installs Debian's chromium)"
	exit 0
fi
if ! "$PY" -c 'import playwright.sync_api' 2>/dev/null; then
	echo "1..0 # SKIP Playwright for Python is not installed in $PY (make deps: pip install playwright)"
	exit 0
fi
mkdir -p "$TOP/tests/out" &&
	leaderboard -f html --title 'Bench-50 leaderboard' "$TOP/tests/data/leaderboard/bench50.ndjson" \
		>"$TMP/page.html" 2>"$TMP/err" || {
	echo "not ok 1 - leaderboard writes the page"
	cat "$TMP/err"
	exit 1
}
cp "$TMP/page.html" "$TOP/tests/out/leaderboard.html"
"$PY" "$TOP/tests/sh/leaderboard_browser.py" "$CHROMIUM" "$TMP/page.html" "$TOP/tests/out"
