#!/usr/bin/env python3
"""Compare lib/eval/tokenizer with the Hugging Face `tokenizers` library.

    compare.py TOOL [--n N] [--seed S] [--shared DIR] [--only NAME]

TOOL is the tok-encode test driver. For every tokenizer (the real ones in
DIR, default ../shared/testdata/tokenizers, when present, plus small ones
trained here with `tokenizers` itself: byte-level BPE, Split-regex BPE,
sentencepiece-style BPE with byte fallback, ...) it generates N strings
with a seeded generator, encodes them with and without special tokens in
both implementations and compares the ids, then decodes the ids with and
without skip_special_tokens and compares the text. Prints TAP, one line
per tokenizer; mismatches are listed with the escaped string and both id
lists. Exit status 0 when everything matched.
"""
import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import unicodedata

try:
    from tokenizers import (AddedToken, Regex, Tokenizer, decoders, models, normalizers,
                            pre_tokenizers, processors, trainers)
except ImportError:
    print("1..0 # SKIP the tokenizers Python package is not installed")
    sys.exit(0)

LLAMA3_RE = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
             r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN_RE = LLAMA3_RE.replace(r"\p{N}{1,3}", r"\p{N}")

# ----------------------------------------------------------------- strings

WORDS = ("the of and to in is that it was for on are with as be at by this have from or "
         "had not but what all were when we there can an your which their said if do will "
         "each about how up out them then she many some so these would other into has more "
         "her two like him see time could no make than first been its who now people my made "
         "over did down only way find use may water long little very after words called just "
         "where most know Hello World OpenAI HTTP JSON tokenizer évaluation naïve café Zürich "
         "Ελληνικά русский Москва العربية עברית हिन्दी ภาษาไทย 日本語 中文 한국어").split()
SPACES = [" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", " \n", "\n ", "\u00a0", "\u3000",
          "\u2009", "\x0b", "\x0c", "\x85", "\u2028", " \t ", "    ", "\u200b"]
PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + list("…—–«»¿¡“”‘’•·§¶†‡※") + ["...", "?!", "--", "'''"]
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'Ll", "'LL",
                "'D", "'M", "’s", "'ſ", "'x", "''", "'"]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "1️⃣", "❤️", "🤗", "🧑🏿‍🚀", "🏳️‍🌈", "☺", "✌️", "🫠", "𝄞"]
SCRIPTS = ["مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "क्षत्रिय", "สวัสดีชาวโลก", "Γειά σου Κόσμε",
           "Привет мир", "こんにちは世界", "カタカナ", "안녕하세요", "你好，世界！", "ⅫⅣ", "①②③",
           "ﬁﬂ", "ＡＢＣ１２３", "x²³", "㎏㎞", "Å", "Ω", "ǅ", "İstanbul", "ß", "ẞ", "ﬀ", "µ", "Ǆ"]
SPECIAL_TEXT = ["<|endoftext|>", "<s>", "</s>", "<unk>", "<|begin_of_text|>", "<|end_of_text|>",
                "<|im_start|>", "<|im_end|>", "<tool_call>", "<|endof", "<0x41>", "<<s>>", "<s",
                "[SPECIAL]", "[spec]", "<pad>", "<|eot_id|>", "<|bos|>", "<|eos|>", " hello",
                "gonna", "WORD", "word"]
ODD = ["\ufffd", "\ue000", "\U000f0000", "\u0301", "\u0301\u0301", "\ufeff", "\u200d", "\x00",
       "\x01", "\x1f", "\x7f", "\x80", "\U0001E4D0", "\U0001E5D0", "\u0d3b", "\u07fd",
       "\U0001e08f", "\uffff", "\U0010fffd", "\u1100\u1161\u11a8", "\uac00\u11a8", "e\u0328\u0301",
       "a\u0301\u0316", "\u0041\u030a", "\u212b", "\u1e9b\u0323", "\u0958", "\U0001d15e"]


def rand_char(r):
    """A random code point, weighted toward assigned ones, never a surrogate."""
    while True:
        plane = r.random()
        if plane < 0.6:
            cp = r.randrange(0x80, 0x3000)
        elif plane < 0.8:
            cp = r.randrange(0x3000, 0x10000)
        else:
            cp = r.randrange(0x10000, 0x110000)
        if not 0xD800 <= cp <= 0xDFFF:
            return chr(cp)


def fragment(r):
    k = r.random()
    if k < 0.25:
        w = r.choice(WORDS)
        return w.upper() if r.random() < 0.1 else w.capitalize() if r.random() < 0.2 else w
    if k < 0.40:
        return r.choice(SPACES)
    if k < 0.47:
        return "".join(r.choice("0123456789") for _ in range(r.randint(1, 20)))
    if k < 0.55:
        return "".join(r.choice(PUNCT) for _ in range(r.randint(1, 3)))
    if k < 0.62:
        return r.choice(CONTRACTIONS)
    if k < 0.67:
        return r.choice(EMOJI)
    if k < 0.74:
        s = r.choice(SCRIPTS)
        return unicodedata.normalize(r.choice(["NFC", "NFD", "NFKC", "NFKD"]), s) if r.random() < 0.3 else s
    if k < 0.80:
        return r.choice(SPECIAL_TEXT)
    if k < 0.86:
        return r.choice(ODD)
    if k < 0.92:
        return "".join(rand_char(r) for _ in range(r.randint(1, 4)))
    w = r.choice(WORDS)
    return unicodedata.normalize("NFD", w) + "".join(r.choice("\u0300\u0301\u0308\u0323\u0327\u0316")
                                                   for _ in range(r.randint(0, 3)))


def make_string(r):
    k = r.random()
    if k < 0.05:
        return ""
    if k < 0.10:
        return r.choice(SPACES) * r.randint(1, 8)
    if k < 0.14:
        return "".join(r.choice("0123456789") for _ in range(r.randint(1, 60)))
    n = r.randint(1, 40) if k < 0.95 else r.randint(100, 400)
    return "".join(fragment(r) for _ in range(n))


def make_strings(n, seed, long_count):
    r = random.Random(seed)
    out = [make_string(r) for _ in range(n)]
    for i in range(long_count):
        parts = []
        size = 0
        while size < 100_000:
            parts.append(fragment(r))
            size += len(parts[-1].encode())
        out[r.randrange(n)] = "".join(parts)
    return out


# ----------------------------------------------------------------- tokenizers

def corpus(seed=7, n=1200):
    r = random.Random(seed)
    lines = []
    for _ in range(n):
        lines.append(" ".join(r.choice(WORDS) for _ in range(r.randint(3, 15))) + r.choice([".", "!", "?", ""]))
        lines.append(make_string(r))
    return lines


ADDED = [
    AddedToken("[SPECIAL]", special=True, normalized=False),
    AddedToken("[spec]", special=False, normalized=True),
    AddedToken("gonna", special=False, single_word=True, normalized=False),
    AddedToken(" hello", special=False, lstrip=True, normalized=False),
    AddedToken("WORD", special=False, rstrip=True, single_word=True, normalized=True),
]


def train(tok, trainer, lines):
    tok.train_from_iterator(lines, trainer=trainer)
    return tok


def add_bytes(tok):
    """Give a trained sentencepiece-style BPE its <0xNN> tokens, as such models have."""
    d = json.loads(tok.to_str())
    vocab = d["model"]["vocab"]
    for b in range(256):
        name = "<0x%02X>" % b
        if name not in vocab:
            vocab[name] = len(vocab)
    return Tokenizer.from_str(json.dumps(d))


def trained_tokenizers(lines):
    out = {}
    # GPT-2 style byte-level BPE.
    t = Tokenizer(models.BPE())
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    t.decoder = decoders.ByteLevel()
    t.post_processor = processors.ByteLevel(trim_offsets=False)
    out["trained-bytelevel"] = train(t, trainers.BpeTrainer(
        vocab_size=1500, special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False), lines)
    out["trained-bytelevel"].add_tokens(ADDED)
    # Llama-3 style: NFC, Split regex + ByteLevel, ignore_merges, BOS/EOS template.
    t = Tokenizer(models.BPE(ignore_merges=True))
    t.normalizer = normalizers.NFC()
    t.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_RE), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    t.decoder = decoders.ByteLevel()
    train(t, trainers.BpeTrainer(vocab_size=2000, special_tokens=["<|bos|>", "<|eos|>"],
                                 initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                 show_progress=False), lines)
    t.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|bos|> $A <|eos|>", special_tokens=[
            ("<|bos|>", t.token_to_id("<|bos|>")), ("<|eos|>", t.token_to_id("<|eos|>"))])])
    t.add_tokens(ADDED)
    out["trained-split-nfc"] = t
    # Qwen style digits + GPT-2 ByteLevel with add_prefix_space and its own regex.
    t = Tokenizer(models.BPE())
    t.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_RE), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True)])
    t.decoder = decoders.ByteLevel()
    out["trained-prefix-space"] = train(t, trainers.BpeTrainer(
        vocab_size=1200, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=["<|endoftext|>"], show_progress=False), lines)
    # Sentencepiece style (newer conversions): Metaspace + byte fallback + unk.
    t = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    t.decoder = decoders.Sequence([decoders.Metaspace(replacement="▁", prepend_scheme="first"),
                                   decoders.ByteFallback(), decoders.Fuse()])
    train(t, trainers.BpeTrainer(vocab_size=1500, special_tokens=["<unk>", "<s>", "</s>"],
                                 limit_alphabet=200, show_progress=False), lines)
    t = add_bytes(t)
    t.post_processor = processors.TemplateProcessing(
        single="<s> $A", special_tokens=[("<s>", t.token_to_id("<s>"))])
    t.add_tokens(ADDED)
    out["trained-metaspace"] = t
    # Sentencepiece style (legacy Llama-2/Mistral): Prepend + Replace normalizer, no pre-tokenizer.
    t = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    t.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    t.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(),
                                   decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    train(t, trainers.BpeTrainer(vocab_size=1500, special_tokens=["<unk>", "<s>", "</s>"],
                                 limit_alphabet=150, show_progress=False), lines)
    t = add_bytes(t)
    t.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", t.token_to_id("<s>")), ("</s>", t.token_to_id("</s>"))])
    out["trained-sp-legacy"] = t
    # Odds and ends: NFKD + Lowercase + Strip, Split behaviours, unk without byte fallback,
    # end-of-word suffix, no decoder.
    t = Tokenizer(models.BPE(unk_token="[UNK]", end_of_word_suffix="</w>"))
    t.normalizer = normalizers.Sequence([normalizers.NFKD(), normalizers.Lowercase(),
                                         normalizers.Strip(), normalizers.Replace(Regex(r"\d"), "0")])
    t.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(" ", behavior="removed"),
        pre_tokenizers.Split(Regex(r"[\p{P}\p{S}]"), behavior="merged_with_next"),
        pre_tokenizers.Split(Regex(r"\p{N}+"), behavior="merged_with_previous"),
        pre_tokenizers.Split(Regex(r"\s"), behavior="contiguous"),
        pre_tokenizers.Split(Regex(r"[aeiou]{2,}"), behavior="isolated", invert=True)])
    out["trained-misc"] = train(t, trainers.BpeTrainer(
        vocab_size=800, special_tokens=["[UNK]"], end_of_word_suffix="</w>", limit_alphabet=100,
        show_progress=False), lines)
    out["trained-misc"].add_tokens(ADDED)
    # NFKC with a Metaspace that always prepends and does not split, continuing prefix.
    t = Tokenizer(models.BPE(unk_token="<unk>", continuing_subword_prefix="##"))
    t.normalizer = normalizers.NFKC()
    t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="_", prepend_scheme="always", split=False)
    t.decoder = decoders.Metaspace(replacement="_", prepend_scheme="always")
    out["trained-nfkc-prefix"] = train(t, trainers.BpeTrainer(
        vocab_size=900, special_tokens=["<unk>"], continuing_subword_prefix="##", limit_alphabet=120,
        show_progress=False), lines)
    return out


def sweep_tokenizers():
    """Byte-level vocabularies without merges, so the ids spell out the bytes the
    normalizer produced, or which characters a Split removed: with the sweep
    strings (every code point) they check the Unicode tables one by one."""
    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    out = {}
    for name, norm, pattern in (
            ("sweep-nfc", normalizers.NFC(), None), ("sweep-nfd", normalizers.NFD(), None),
            ("sweep-nfkc", normalizers.NFKC(), None), ("sweep-nfkd", normalizers.NFKD(), None),
            ("sweep-lowercase", normalizers.Lowercase(), None),
            ("sweep-letters", None, r"\p{L}+"), ("sweep-numbers", None, r"\p{N}"),
            ("sweep-spaces", None, r"\s"), ("sweep-word", None, r"\w"),
            ("sweep-digits", None, r"\d"),
            ("sweep-classes", None, r"[\p{Lu}\p{Mn}\p{Pd}\p{Sc}\p{Zs}\p{Cf}]|(?i:k|s)")):
        t = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
        if norm:
            t.normalizer = norm
        steps = [pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]
        if pattern:
            steps.insert(0, pre_tokenizers.Split(Regex(pattern), behavior="removed"))
        t.pre_tokenizer = pre_tokenizers.Sequence(steps)
        t.decoder = decoders.ByteLevel()
        out[name] = t
    return out


def sweep_strings():
    """Every code point but the surrogates, 256 consecutive ones per string."""
    cps = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    return ["".join(chr(c) for c in cps[i:i + 256]) for i in range(0, len(cps), 256)]


def gpt2_oracle(vocab, merges):
    t = Tokenizer(models.BPE.from_file(vocab, merges))
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    t.decoder = decoders.ByteLevel()
    t.post_processor = processors.ByteLevel(trim_offsets=False)
    t.add_special_tokens([AddedToken("<|endoftext|>", special=True, normalized=True)])
    return t


# ----------------------------------------------------------------- comparison

def esc(s, limit=300):
    e = json.dumps(s, ensure_ascii=True)
    return e if len(e) <= limit else e[:limit] + "...(%d chars)" % len(s)


def start_tool(tool, args, inputs):
    """Start tok-encode on the inputs; returns a function that waits for its answers."""
    inp = tempfile.TemporaryFile()
    for s, sp in inputs:
        inp.write((json.dumps({"t": s, "s": sp}) + "\n").encode())
    inp.seek(0)
    out = tempfile.TemporaryFile()
    p = subprocess.Popen([tool] + args, stdin=inp, stdout=out, stderr=subprocess.PIPE)

    def wait():
        err = p.stderr.read()
        inp.close()
        if p.wait() != 0:
            raise RuntimeError("tok-encode failed (%d): %s" % (p.returncode, err.decode()[:500]))
        out.seek(0)
        lines = out.read().decode().splitlines()
        out.close()
        return [json.loads(line) for line in lines]
    return wait


def oracle(tok, inputs, decode):
    """ids, decode and decode(skip_special) from the library, batched per add_special value."""
    ids = [None] * len(inputs)
    for flag in (False, True):
        idx = [i for i, (_, sp) in enumerate(inputs) if sp == flag]
        for i, enc in zip(idx, tok.encode_batch([inputs[i][0] for i in idx], add_special_tokens=flag)):
            ids[i] = enc.ids
    if not decode:
        return ids, None, None
    return ids, tok.decode_batch(ids, skip_special_tokens=False), tok.decode_batch(ids, skip_special_tokens=True)


def compare(name, tok, tool, args, strings, seed, decode=True):
    tok.no_truncation()
    tok.no_padding()
    r = random.Random(seed)
    inputs = [(s, r.random() < 0.5) for s in strings]
    wait = start_tool(tool, args, inputs)
    want_ids, want_dec, want_decs = oracle(tok, inputs, decode)
    got = wait()
    bad = []
    for i, ((s, sp), g) in enumerate(zip(inputs, got)):
        want = want_ids[i]
        if "error" in g or g["ids"] != want:
            bad.append("ids differ for %s (add_special=%s):\n#   want %s\n#   got  %s" %
                       (esc(s), sp, want[:60], g["ids"][:60] if "ids" in g else g["error"]))
            continue
        if not decode:
            continue
        for key, d, skip in (("dec", want_dec[i], False), ("decs", want_decs[i], True)):
            if g[key] != d:
                bad.append("decode(skip_special=%s) differs for %s:\n#   want %s\n#   got  %s" %
                           (skip, esc(s), esc(d), esc(g[key])))
    if len(got) != len(inputs):
        bad.append("tok-encode answered %d of %d lines" % (len(got), len(inputs)))
    return bad


def load_oracle(kind, paths):
    if kind == "gpt2":
        return gpt2_oracle(paths[0], paths[1])
    return Tokenizer.from_file(paths[0])


def run_case(job):
    """One tokenizer, in a worker process: returns (name, mismatch list)."""
    name, kind, paths, args, tool, n, seed, long_count, stride, num = job
    sweep = name.startswith("sweep-")
    strings = sweep_strings()[::stride] if sweep else make_strings(n, seed, long_count)
    # Sweeps check ids only: their decoder is plain ByteLevel, covered by the other cases.
    bad = compare(name, load_oracle(kind, paths), tool, args, strings, seed + num, not sweep)
    return name, bad, len(strings)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--long", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--shared", default=None)
    ap.add_argument("--only", default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sweep-stride", type=int, default=1,
                    help="use every K-th string of the all-code-points sweeps")
    a = ap.parse_args()
    tool = os.path.abspath(a.tool)
    jobs = []
    skipped = []
    if a.shared and os.path.isdir(a.shared):
        g = os.path.join(a.shared, "gpt2")
        paths = [g + "/vocab.json", g + "/merges.txt"]
        jobs.append(("gpt2", "gpt2", paths, ["--gpt2"] + paths))
        for n in ("llama3", "qwen3", "mistral"):
            p = os.path.join(a.shared, n, "tokenizer.json")
            jobs.append((n, "json", [p], [p]))
    else:
        skipped.append("real tokenizers: %s not found" % a.shared)
    tmp = tempfile.mkdtemp(prefix="tok-compare.")
    made = trained_tokenizers(corpus())
    made.update(sweep_tokenizers())
    for n, t in made.items():
        p = os.path.join(tmp, n + ".json")
        t.save(p)
        jobs.append((n, "json", [p], [p]))
    if a.only:
        jobs = [j for j in jobs if j[0].startswith(a.only)]
    work = [j + (tool, a.n, a.seed, a.long, a.sweep_stride, i + 1) for i, j in enumerate(jobs)]
    ctx = multiprocessing.get_context("spawn")
    failed = num = 0
    os.environ["TOKENIZERS_PARALLELISM"] = "false"  # one core per worker
    with ctx.Pool(max(1, a.jobs)) as pool:
        for name, bad, n in pool.imap(run_case, work):
            num += 1
            if bad:
                failed += 1
                print("not ok %d - %s: %d of %d strings differ" % (num, name, len(bad), n))
                for b in bad[:8]:
                    print("#   " + b)
            else:
                what = ("strings sweeping the code points, ids identical" if name.startswith("sweep-")
                        else "strings, ids and decodes identical")
                print("ok %d - %s: %d %s" % (num, name, n, what))
            sys.stdout.flush()
    for s in skipped:
        num += 1
        print("ok %d - %s # SKIP" % (num, s))
    print("1..%d" % num)
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
