#!/usr/bin/env python3
"""Produce the real-tool fixtures of tests/logs/real/ (run once, commit the output).

    .venv/bin/python tests/logs/make_real.py inspect   DIR   # inspect-ai, offline mockllm model
    .venv/bin/python tests/logs/make_real.py lmeval    DIR   # lm-evaluation-harness, dummy model
    .venv/bin/python tests/logs/make_real.py lighteval DIR   # lighteval, dummy model

Everything runs offline on tiny in-file datasets. The logs keep whatever the
tools write (paths, times, package versions); tests/logs/README.md lists the
tool versions the committed files came from.
"""

import json
import os
import shutil
import sys
import tempfile
import zipfile


def inspect_logs(out):
    from inspect_ai import Task, eval as inspect_eval
    from inspect_ai.dataset import MemoryDataset, Sample
    from inspect_ai.model import ModelOutput, get_model
    from inspect_ai.scorer import choice, match
    from inspect_ai.solver import generate, multiple_choice
    import inspect_ai.model._model as model_mod

    # mockllm counts tokens with tiktoken, whose vocabulary is a download: offline, count words.
    async def count_words(self, text):
        return max(1, len(text.split()))

    model_mod.ModelAPI.count_text_tokens = count_words

    arc = MemoryDataset(
        [Sample(input=f"Question {i}: which letter is right?", choices=["one", "two", "three"],
                target="ABC"[i % 3], id=i) for i in range(6)],
        name="ai2_arc", location="allenai/ai2_arc")
    gsm = MemoryDataset(
        [Sample(input=f"What is {i} + {i}?", target=str(2 * i), id=i) for i in range(4)],
        name="gsm8k", location="openai/gsm8k")
    one = MemoryDataset([Sample(input="What is 2 + 2?", target="4", id=1)], name="gsm8k",
                        location="openai/gsm8k")
    tasks = [
        ("arc_easy", Task(dataset=arc, solver=multiple_choice(), scorer=choice(), name="arc_easy"),
         [ModelOutput.from_content("mockllm/model", "ANSWER: " + "AAB"[i % 3]) for i in range(6)]),
        ("gsm8k", Task(dataset=gsm, solver=generate(), scorer=match(numeric=True), name="gsm8k"),
         [ModelOutput.from_content("mockllm/model", s) for s in ("0", "2", "5", "6")]),
        ("gsm8k_one", Task(dataset=one, solver=generate(), scorer=match(numeric=True),
                           name="gsm8k"),
         [ModelOutput.from_content("mockllm/model", "4")]),
    ]
    for name, t, outputs in tasks:
        for fmt in ("eval", "json"):
            model = get_model("mockllm/model", custom_outputs=list(outputs))
            with tempfile.TemporaryDirectory() as d:
                # samples only in the .eval archives and the one-sample .json
                logs = inspect_eval(t, model=model, log_dir=d, log_format=fmt, display="none",
                                    log_samples=fmt == "eval" or name == "gsm8k_one")
                shutil.copy(logs[0].location, os.path.join(out, f"inspect-{name}.{fmt}"))
    # inspect-ai before 0.3.206 wrote DEFLATE members (level 5): repack one the same way.
    src = os.path.join(out, "inspect-arc_easy.eval")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(
            os.path.join(out, "inspect-arc_easy-deflate.eval"), "w",
            compression=zipfile.ZIP_DEFLATED, compresslevel=5) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))


def local_dataset(root, repo, configs):
    """A local directory named like a Hub dataset: datasets.load_dataset(repo, config) finds it
    before the Hub, so lm-eval's registered tasks run unchanged, offline.
    configs: {config: {split: [rows]}}."""
    path = os.path.join(root, repo)
    lines = ["---", "configs:"]
    for config, splits in configs.items():
        lines += [f"- config_name: {config}", "  data_files:"]
        for split, rows in splits.items():
            os.makedirs(os.path.join(path, config), exist_ok=True)
            with open(os.path.join(path, config, split + ".jsonl"), "w") as f:
                for row in rows:
                    f.write(json.dumps(row) + "\n")
            lines += [f"  - split: {split}", f"    path: {config}/{split}.jsonl"]
    lines.append("---")
    with open(os.path.join(path, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def lmeval_data(root):
    arc = [{"id": f"q{i}", "question": f"Which one is number {i}?",
            "choices": {"text": [f"number {i}", "a cat", "the sky", "blue"],
                        "label": ["A", "B", "C", "D"]}, "answerKey": "ABCD"[i % 4]}
           for i in range(8)]
    local_dataset(root, "allenai/ai2_arc",
                  {"ARC-Easy": {"train": arc, "validation": arc, "test": arc}})
    gsm = [{"question": f"What is {i} plus {i}?", "answer": f"{i} + {i} = {2 * i}\n#### {2 * i}"}
           for i in range(6)]
    local_dataset(root, "openai/gsm8k", {"main": {"train": gsm, "test": gsm[:3]}})
    mmlu = {}
    for subject in ("anatomy", "astronomy"):
        rows = [{"question": f"{subject} question {i}?", "subject": subject,
                 "choices": ["one", "two", "three", "four"], "answer": i % 4} for i in range(5)]
        mmlu[subject] = {"test": rows, "validation": rows, "dev": rows}
    local_dataset(root, "cais/mmlu", mmlu)


def tiny_model(root):
    """A randomly initialised two-layer GPT-2 with GPT-2's tokenizer, saved as a local repo."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    torch.manual_seed(0)
    tok_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                           "shared", "testdata", "tokenizers", "gpt2")
    tok_dir = os.environ.get("GPT2_TOKENIZER_DIR", tok_dir)
    tok = GPT2TokenizerFast.from_pretrained(tok_dir)
    model = GPT2LMHeadModel(GPT2Config(n_layer=2, n_head=2, n_embd=16, n_positions=256,
                                       vocab_size=len(tok)))
    path = os.path.join(root, "evalpipe-test", "tiny-gpt2")
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def lmeval_logs(out):
    """lm-eval's own arc_easy (2-shot), gsm8k (default 5-shot, two filters) and a group of two
    MMLU subtasks, on the tiny model, through lm-eval's CLI."""
    import lm_eval.__main__ as cli

    work = tempfile.mkdtemp()
    old = os.getcwd()
    os.chdir(work)
    lmeval_data(work)
    tiny_model(work)
    os.makedirs(os.path.join(work, "groups"))
    with open(os.path.join(work, "groups", "mmlu_mini.yaml"), "w") as f:
        f.write("group: mmlu_mini\ntask:\n  - mmlu_anatomy\n  - mmlu_astronomy\n"
                "aggregate_metric_list:\n  - metric: acc\n    weight_by_size: true\n"
                "metadata:\n  version: 2\n")
    try:
        for tasks, extra in (("arc_easy", ["--num_fewshot", "2"]),
                             ("gsm8k,mmlu_mini", ["--include_path", os.path.join(work, "groups")])):
            sys.argv = ["lm_eval", "--model", "hf", "--model_args",
                        "pretrained=evalpipe-test/tiny-gpt2,dtype=float32", "--tasks", tasks,
                        "--device", "cpu", "--batch_size", "4", "--gen_kwargs", "max_gen_toks=8",
                        "--output_path", os.path.join(work, "results"), "--seed", "0"] + extra
            try:
                cli.cli_evaluate()
            except SystemExit as e:
                if e.code:
                    raise
    finally:
        os.chdir(old)
    found = []
    for dirpath, _, files in os.walk(os.path.join(work, "results")):
        found += [os.path.join(dirpath, n) for n in files if n.startswith("results_")]
    for name, path in zip(("lmeval-arc_easy.json", "lmeval-gsm8k-mmlu.json"), sorted(found)):
        shutil.copy(path, os.path.join(out, name))
    shutil.rmtree(work)


def lighteval_logs(out):
    """lighteval's own arc:easy (2-shot), gsm8k and two MMLU subtasks on the tiny model, through
    lighteval's CLI (transformers backend)."""
    import types

    import requests

    # Importing lighteval's task registry runs tiny_benchmarks.py, which fetches a file from
    # GitHub at import time and only checks the status: offline, answer 404 instead.
    requests.get = lambda *a, **k: types.SimpleNamespace(status_code=404, content=b"")
    # The registry also builds the LLM-judge metrics of tasks we do not run; with this
    # huggingface_hub their Hub lookup (list_models(model_name=…)) is a TypeError: skip it.
    import huggingface_hub

    huggingface_hub.HfApi.list_models = lambda self, *a, **k: [None]
    # lighteval 0.13 hashes str with xxhash, which newer xxhash releases refuse: encode first.
    import xxhash

    xxh64 = xxhash.xxh64
    xxhash.xxh64 = lambda d=b"", *a, **k: xxh64(d.encode() if isinstance(d, str) else d, *a, **k)
    from lighteval.__main__ import app

    work = tempfile.mkdtemp()
    old = os.getcwd()
    os.chdir(work)
    lmeval_data(work)
    mmlu = {}
    for subject in ("anatomy", "astronomy"):
        rows = [{"question": f"{subject} question {i}?", "subject": subject,
                 "choices": ["one", "two", "three", "four"], "answer": i % 4} for i in range(5)]
        mmlu[subject] = {"test": rows, "validation": rows, "dev": rows}
    local_dataset(work, "lighteval/mmlu", mmlu)
    tiny_model(work)
    try:
        for n, tasks in enumerate(("arc:easy|2,mmlu:anatomy|0,mmlu:astronomy|0", "gsm8k|0")):
            try:
                app(["accelerate", "model_name=evalpipe-test/tiny-gpt2,dtype=float32,batch_size=4",
                     tasks, "--output-dir", os.path.join(work, f"out{n}"), "--max-samples", "4"])
            except SystemExit as e:
                if e.code:
                    raise
    finally:
        os.chdir(old)
    for n, name in enumerate(("lighteval-arc-mmlu.json", "lighteval-gsm8k.json")):
        for dirpath, _, files in os.walk(os.path.join(work, f"out{n}", "results")):
            for f in files:
                if f.startswith("results_"):
                    shutil.copy(os.path.join(dirpath, f), os.path.join(out, name))
    shutil.rmtree(work)


def main():
    what, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    {"inspect": inspect_logs, "lmeval": lmeval_logs, "lighteval": lighteval_logs}[what](out)


if __name__ == "__main__":
    main()
