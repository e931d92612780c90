#!/bin/sh
# Hostile strings (":", "#", "---", quotes, line breaks, unicode) in names,
# values, keys and the model name: the README yaml-emit writes keeps its front
# matter where it was, every other key as it was, and reads back (with
# lib/yamlin, PyYAML and huggingface_hub) as exactly what merge-index meant.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/records.sh"

data=$TOP/tests/data
hostile_name='Evil: "model" # x
---
license: evil
---
'
PY=${EP_PYTHON:-python3}

for card in basic plain comments indented crlf; do
	test_expect_success "injection: $card" "
		mkcard -r test/basic '$data/cards/$card.md' >in &&
		cat '$data/injection/scores.ndjson' >>in &&
		merge-index -n '$hostile_name' in >merged 2>err &&
		test_must_be_empty err &&
		test_json merged 'recs[1][\"added\"] == 2' &&
		yaml-emit merged >out 2>err &&
		test_must_be_empty err &&
		extract_files out files &&
		mkcard -r test/basic files/basic/README.md >back &&
		python3 - merged back '$data/cards/$card.md' files/basic/README.md <<'PYEOF'
import json, re, sys
merged = json.loads(open(sys.argv[1], encoding='utf-8').readline())
back = json.loads(open(sys.argv[2], encoding='utf-8').readline())
assert back['metadata'] == merged['metadata'], 'metadata differs after the round trip'
old = open(sys.argv[3], 'rb').read().decode()
new = open(sys.argv[4], 'rb').read().decode()
# the Hub's front matter regex finds the same block end: the body is intact
rx = re.compile(r'^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))')
mo, mn = rx.match(old), rx.match(new)
assert mn, 'no front matter in the new README'
assert (old[mo.end():] if mo else old) == new[mn.end():], 'the body changed'
assert 'evil' not in json.dumps(back['metadata'].get('license'))
PYEOF
	"
done

if "$PY" -c 'import yaml, huggingface_hub' 2>/dev/null; then
	test_expect_success 'injection: PyYAML and huggingface_hub read what was meant' '
		mkcard -r test/basic "$data/cards/basic.md" >in &&
		cat "$data/injection/scores.ndjson" >>in &&
		merge-index -n "$hostile_name" in >merged &&
		yaml-emit merged >out &&
		extract_files out files &&
		"$PY" - merged files/basic/README.md <<-PYEOF
		import json, sys, yaml
		from huggingface_hub import ModelCard
		from huggingface_hub.repocard import REGEX_YAML_BLOCK
		merged = json.loads(open(sys.argv[1], encoding="utf-8").readline())
		text = open(sys.argv[2], "rb").read().decode()
		data = yaml.safe_load(REGEX_YAML_BLOCK.search(text).group(2))
		assert data["model-index"] == merged["metadata"]["model-index"], "PyYAML reads another model-index"
		assert data["license"] == "apache-2.0" and data["base_model"] == "meta-llama/Llama-2-7b-hf"
		card = ModelCard(text, ignore_metadata_errors=False)
		assert card.data.model_name == merged["metadata"]["model-index"][0]["name"]
		assert len(card.data.eval_results) == 2
		PYEOF
	'
	test_expect_success 'injection: .eval_results files read back with PyYAML' '
		cat "$data/injection/scores.ndjson" >in &&
		echo "{\"kind\":\"score\",\"repo\":\"test/basic\",\"dataset\":{\"type\":\"cais/hle\"},\"metric\":{\"value\":22.1},\"source\":{\"url\":\"https://x/#a: b\",\"name\":\"--- # \\\"n\\\"\",\"org\":\"yes\"}}" >>in &&
		test_expect_code 1 yaml-emit -e -d 2026-01-14 -N "no: tools
---
# x" in >out 2>err &&
		grep -q "is not a number" err &&
		extract_files out files &&
		"$PY" - files/basic/.eval_results <<-PYEOF
		import os, sys, yaml
		d = sys.argv[1]
		hle = yaml.safe_load(open(os.path.join(d, "hle.yaml"), encoding="utf-8"))
		assert hle == [{"dataset": {"id": "cais/hle", "task_id": "default"}, "value": 22.1,
		                "date": "2026-01-14",
		                "source": {"url": "https://x/#a: b", "name": "--- # \"n\"", "org": "yes"},
		                "notes": "no: tools\n---\n# x"}], hle
		mmlu = yaml.safe_load(open(os.path.join(d, "mmlu.yaml"), encoding="utf-8"))
		assert mmlu[0]["value"] == 71.3 and isinstance(mmlu[0]["value"], float)
		PYEOF
	'
else
	test_skip 'injection: PyYAML and huggingface_hub read what was meant' 'no PyYAML/huggingface_hub'
	test_skip 'injection: .eval_results files read back with PyYAML' 'no PyYAML'
fi

test_done
