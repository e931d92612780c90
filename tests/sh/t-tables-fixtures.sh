#!/bin/sh
# Every fixture card under tests/tables/cards against its hand-written
# expectations (tests/tables/check.py prints one TAP line per card).
LC_ALL=C
export LC_ALL
TOP=$(cd "$(dirname "$0")/../.." && pwd)
: "${EP_BIN:=$TOP/bin}"
exec python3 "$TOP/tests/tables/check.py" "$EP_BIN" "$TOP/tests/tables/cards"
