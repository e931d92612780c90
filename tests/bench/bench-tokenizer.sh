#!/bin/sh
# make bench-tokenizer: tokens/s of lib/eval/tokenizer vs the tokenizers library.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
TOOL=${EP_TESTBIN:-$TOP/build/default/tests}/tokenizer/tok-encode
PY=${EP_PYTHON:-$TOP/.venv/bin/python3}
exec "$PY" "$TOP/tests/bench/bench_tokenizer.py" "$TOOL" --shared "$TOP/../shared/testdata/tokenizers" "$@"
