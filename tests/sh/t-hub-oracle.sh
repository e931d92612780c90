#!/bin/sh
# The local test hub speaks the Hub's API: huggingface_hub itself, pointed at
# it, downloads, lists, reads discussions and opens PRs as against the Hub.
# (TAP from tests/hub/test_oracle.py; it skips when huggingface_hub is missing.)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PY=${EP_PYTHON:-python3}
[ -x "$PY" ] || PY=python3
exec "$PY" "$TOP/tests/hub/test_oracle.py"
