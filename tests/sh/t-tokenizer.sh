#!/bin/sh
# lib/eval/tokenizer against the Hugging Face tokenizers library (the oracle):
# ids and decodes on generated strings for the real tokenizers in
# ../shared/testdata/tokenizers (when present) and for small ones trained by
# tests/tokenizer/compare.py, and byte-level sweeps of every code point through
# each normalizer and character class (the Unicode tables); then load errors. EP_TOK_STRINGS sets the number
# of strings per tokenizer (default 10000, 1000 under sanitizers).
. "$(dirname "$0")/../lib.sh"

TOOL=${EP_TESTBIN:-$TOP/build/default/tests}/tokenizer/tok-encode
SHARED=$TOP/../shared/testdata/tokenizers
PY=${EP_PYTHON:-python3}
if [ -n "$EP_SANITIZE" ]; then
	N=${EP_TOK_STRINGS:-1000} LONG=1 STRIDE=16
else
	N=${EP_TOK_STRINGS:-10000} LONG=3 STRIDE=1
fi

if ! "$PY" -c 'import tokenizers' 2>/dev/null; then
	echo "1..0 # SKIP the tokenizers Python package is not installed (make deps)"
	exit 0
fi
if [ ! -x "$TOOL" ]; then
	echo "1..0 # SKIP $TOOL is not built"
	exit 0
fi

# One TAP line of compare.py becomes one test here.
"$PY" "$TOP/tests/tokenizer/compare.py" "$TOOL" --n "$N" --long "$LONG" \
	--sweep-stride "$STRIDE" --shared "$SHARED" >"$TMP/compare.out" 2>"$TMP/compare.err"
echo "compare.py exited with $?" >>"$TMP/compare.err"
while IFS= read -r line; do
	case $line in
	"ok "*"# SKIP"*)
		desc=${line#ok * - }
		test_skip "${desc%% # SKIP*}" "not available"
		;;
	"ok "*)
		test_expect_success "${line#ok * - }" 'true'
		;;
	"not ok "*)
		test_expect_success "${line#not ok * - }" 'cat compare.out >&2; false'
		;;
	esac
done <"$TMP/compare.out"
test_expect_success 'the comparison ran to the end' '
	grep -q "^1\.\." compare.out || { cat compare.err >&2; false; }
'

# Facts read off the files: vocabulary sizes with added tokens, tokenizer_config.json's
# bos/eos (Llama-3, Qwen3), the TemplateProcessing BOS (Mistral), <|endoftext|> (GPT-2).
info_case() {
	name=$1 want=$2
	shift 2
	if [ -d "$SHARED/$name" ]; then
		test_expect_success "$name: vocabulary size and bos/eos" '
			"$TOOL" '"$*"' --info >info &&
			echo '"'$want'"' >expect &&
			test_cmp expect info
		'
	else
		test_skip "$name: vocabulary size and bos/eos" "$SHARED not found"
	fi
}
info_case gpt2 '{"vocab_size": 50257, "bos": 50256, "eos": 50256, "adds_bos": false, "config_add_bos": -1}' \
	--gpt2 "$SHARED/gpt2/vocab.json" "$SHARED/gpt2/merges.txt"
info_case llama3 '{"vocab_size": 128256, "bos": 128000, "eos": 128001, "adds_bos": false, "config_add_bos": -1}' \
	"$SHARED/llama3/tokenizer.json"
info_case qwen3 '{"vocab_size": 151669, "bos": -1, "eos": 151645, "adds_bos": false, "config_add_bos": 0}' \
	"$SHARED/qwen3/tokenizer.json"
info_case mistral '{"vocab_size": 32000, "bos": 1, "eos": -1, "adds_bos": true, "config_add_bos": -1}' \
	"$SHARED/mistral/tokenizer.json"

test_expect_success 'malformed JSON names the file and line' '
	printf "{\"model\": {\n" >bad.json &&
	test_expect_code 2 "$TOOL" bad.json </dev/null 2>err &&
	test_grep "bad.json:" err
'

test_expect_success 'unsupported model type is refused' '
	printf "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}" >uni.json &&
	test_expect_code 2 "$TOOL" uni.json </dev/null 2>err &&
	test_grep "uni.json: model: unsupported model type .Unigram." err
'

test_expect_success 'a pattern outside the supported regex subset is refused' '
	cat >re.json <<-\EOF &&
	{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
	 "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(?<=a)b"},
	                   "behavior": "Isolated", "invert": false}}
	EOF
	test_expect_code 2 "$TOOL" re.json </dev/null 2>err &&
	test_grep "re.json: pre_tokenizer.pattern: regex: lookbehind" err
'

test_expect_success 'a merge with a token outside the vocabulary is refused' '
	printf "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}" >m.json &&
	test_expect_code 2 "$TOOL" m.json </dev/null 2>err &&
	test_grep "m.json: merge 0: token .b. is not in the vocabulary" err
'

test_expect_success 'a missing file is reported' '
	test_expect_code 2 "$TOOL" --gpt2 nope.json nope.txt </dev/null 2>err &&
	test_grep "nope.json" err
'

test_done
