#!/usr/bin/env python3
"""Tokens per second of lib/eval/tokenizer (tok-encode --bench) against the
tokenizers library, on the same ~5 MB generated text, measured in one run.

    bench_tokenizer.py TOOL [--mb 5] [--shared DIR]

Rows: the C tokenizer (one thread, the whole text as one string); the
library's encode() on the whole text (one thread); its encode_batch() on
~2 KB chunks (all cores, for reference). Token counts are checked equal.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

try:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
except ImportError:
    print("bench: the tokenizers Python package is not installed")
    sys.exit(0)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tokenizer"))
from compare import WORDS, SCRIPTS, EMOJI  # noqa: E402


def make_text(mb, seed=1):
    """Prose-like text: sentences of common words, numbers, some other scripts."""
    r = random.Random(seed)
    eng = [w for w in WORDS if w.isascii()]
    out, size = [], 0
    while size < mb * 1_000_000:
        words = [r.choice(eng) for _ in range(r.randint(5, 25))]
        if r.random() < 0.2:
            words.insert(r.randrange(len(words)), str(r.randint(0, 100000)))
        if r.random() < 0.05:
            words.insert(r.randrange(len(words)), r.choice(SCRIPTS + EMOJI))
        s = " ".join(words).capitalize() + r.choice([".", ".", ",", "!", "?", "'s", ":"])
        s += r.choice([" ", " ", " ", "\n", "\n\n"])
        out.append(s)
        size += len(s.encode())
    return "".join(out)


def c_bench(tool, args, path, reps):
    p = subprocess.run([tool] + args + ["--bench", path, str(reps)], stdout=subprocess.PIPE,
                       check=True)
    return json.loads(p.stdout)


def gpt2_oracle(vocab, merges):
    t = Tokenizer(models.BPE.from_file(vocab, merges))
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    t.decoder = decoders.ByteLevel()
    t.post_processor = processors.ByteLevel(trim_offsets=False)
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--mb", type=float, default=5)
    ap.add_argument("--shared", default=None)
    a = ap.parse_args()
    text = make_text(a.mb)
    fd, path = tempfile.mkstemp(suffix=".txt")
    with os.fdopen(fd, "wb") as f:
        f.write(text.encode())
    chunks = [text[i:i + 2000] for i in range(0, len(text), 2000)]
    cases = []
    if a.shared and os.path.isdir(a.shared):
        g = os.path.join(a.shared, "gpt2")
        cases.append(("gpt2", lambda: gpt2_oracle(g + "/vocab.json", g + "/merges.txt"),
                      ["--gpt2", g + "/vocab.json", g + "/merges.txt"]))
        for n in ("llama3", "qwen3", "mistral"):
            p = os.path.join(a.shared, n, "tokenizer.json")
            cases.append((n, lambda p=p: Tokenizer.from_file(p), [p]))
    else:
        print("bench: %s not found; nothing to measure" % a.shared)
    print("text: %.1f MB, %d chunks of 2000 chars for encode_batch; cpus: %d" %
          (len(text.encode()) / 1e6, len(chunks), os.cpu_count()))
    print("%-8s %10s %14s %14s %14s %8s" % ("", "tokens", "C tok/s", "HF encode", "HF batch", "C/HF"))
    for name, make, args in cases:
        tok = make()
        c = c_bench(a.tool, args, path, 1)
        t0 = time.perf_counter()
        hf = tok.encode(text, add_special_tokens=False).ids
        t1 = time.perf_counter()
        enc = tok.encode_batch(chunks, add_special_tokens=False)
        t2 = time.perf_counter()
        nb = sum(len(e.ids) for e in enc)
        if c["tokens"] != len(hf):
            print("bench: %s: token counts differ: C %d, tokenizers %d" % (name, c["tokens"], len(hf)))
        c_rate = c["tokens"] / c["seconds"]
        hf_rate = len(hf) / (t1 - t0)
        print("%-8s %10d %14.0f %14.0f %14.0f %7.1fx" % (name, c["tokens"], c_rate, hf_rate,
                                                       nb / (t2 - t1), c_rate / hf_rate))
        sys.stdout.flush()
    os.unlink(path)


if __name__ == "__main__":
    main()
