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


def main():
    what, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    {"inspect": inspect_logs}[what](out)


if __name__ == "__main__":
    main()
