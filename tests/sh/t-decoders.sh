#!/bin/sh
# lib/inflate, lib/zstdec and lib/zipdir against independent implementations:
# Python's zlib and zipfile, and the zstandard package (its checks skip when
# it is not installed). DECODER_CASES sets the number of generated inputs.
. "$(dirname "$0")/../lib.sh"
PY=${EP_PYTHON:-python3}
[ -x "$PY" ] || PY=python3
ZIPTOOL=${EP_UNIT:-$TOP/build/default/tests/unit}/ziptool
if [ ! -x "$ZIPTOOL" ]; then
	echo "1..0 # SKIP ziptool not built"
	exit 0
fi
"$PY" "$TOP/tests/sh/decoders_oracle.py" "$ZIPTOOL" "$TMP/work" "${DECODER_CASES:-150}"
