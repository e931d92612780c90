#!/bin/sh
# hf-fetch and huggingface_hub share one cache: what either downloads, the
# other finds offline. The oracle is huggingface_hub (skipped without it).
. "$(dirname "$0")/../lib.sh"
HUB_DIR=$TOP/tests/hub
. "$HUB_DIR/hubctl.sh"
PY=${EP_PYTHON:-python3}
if ! "$PY" -c 'import huggingface_hub' 2>/dev/null; then
	echo "1..0 # SKIP huggingface_hub is not installed (make deps installs it)"
	exit 0
fi
hub_start -w "$TMP/hub" "$HUB_DIR/fixtures" || exit 1
test_at_exit hub_stop
FIX=$HUB_DIR/fixtures/models/evalpipe-test

test_expect_success 'huggingface_hub finds offline what hf-fetch downloaded' '
	HF_HOME=$TMP/c1 hf-fetch download evalpipe-test/sharded-model evalpipe-test/tiny-llama >out &&
	HF_HOME=$TMP/c1 HF_HUB_OFFLINE=1 "$PY" - "$FIX" <<-PY
	import filecmp, os, sys
	from huggingface_hub import hf_hub_download, snapshot_download
	fix = sys.argv[1]
	for repo, f in [("evalpipe-test/tiny-llama", "model.safetensors"),
	                ("evalpipe-test/tiny-llama", "config.json"),
	                ("evalpipe-test/sharded-model", "model-00002-of-00002.safetensors")]:
	    p = hf_hub_download(repo, f)
	    assert filecmp.cmp(p, os.path.join(fix, repo.split("/")[1], f), shallow=False), p
	d = snapshot_download("evalpipe-test/sharded-model")
	want = [f for f in os.listdir(os.path.join(fix, "sharded-model")) if not f.startswith(".")]
	assert sorted(os.listdir(d)) == sorted(want), os.listdir(d)
	PY
'

test_expect_success 'hf-fetch finds offline, and does not download again, what huggingface_hub fetched' '
	HF_HOME=$TMP/c2 "$PY" -c "
from huggingface_hub import snapshot_download
snapshot_download(\"evalpipe-test/tiny-llama\")
" &&
	HF_HOME=$TMP/c2 HF_HUB_OFFLINE=1 hf-fetch download --include model.safetensors evalpipe-test/tiny-llama >out &&
	test_json out "recs[0][\"files\"] == [\"model.safetensors\"] and recs[0][\"cached\"] == 1" &&
	p=$(python3 -c "import json; print(json.load(open(\"out\"))[\"path\"])") &&
	cmp "$p/model.safetensors" "$FIX/tiny-llama/model.safetensors" &&
	hub_log_clear &&
	HF_HOME=$TMP/c2 hf-fetch download evalpipe-test/tiny-llama >out &&
	test_json out "recs[0][\"downloaded\"] == 0 and recs[0][\"cached\"] == 3" &&
	test $(hub_log_count "/resolve/") -eq 0
'

test_done
