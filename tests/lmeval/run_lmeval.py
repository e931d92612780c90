#!/usr/bin/env python3
"""Run lm-evaluation-harness itself on the fixture models and rows and write
what it computed to tests/lmeval/fixtures/oracle/<model>.<task>.<n>shot.json.

Each task is lm-eval's own YAML, pulled in with `include:` from the installed
lm_eval package, so prompts, choices, targets, few-shot sampling, filters and
metrics are lm-eval's; only the task name and the dataset (the local JSON
files of tests/lmeval/fixtures/data) are overridden. MMLU is a group of the 57
subject tasks with lm-eval's size-weighted aggregate. `generic` is a plain
multiple-choice YAML written here, the oracle for eval-gpu's generic task.

Run from the repository root (needs lm-eval[hf], pinned in the Makefile):
    .venv/bin/python3 tests/lmeval/run_lmeval.py [--out DIR] [--only MODEL.TASK.N]
The HF backend runs in float32 with batch size 1 on the CPU.
"""
import argparse
import json
import os
import sys
import tempfile
import time

FIX = "tests/lmeval/fixtures"

# (model, task, num_fewshot)
RUNS = [
    ("gpt2tiny", "hellaswag", 0), ("gpt2tiny", "hellaswag", 3),
    ("gpt2tiny", "arc_easy", 0), ("gpt2tiny", "arc_challenge", 2),
    ("gpt2tiny", "mmlu", 5), ("gpt2tiny", "winogrande", 0), ("gpt2tiny", "winogrande", 3),
    ("gpt2tiny", "piqa", 2), ("gpt2tiny", "boolq", 1),
    ("gpt2tiny", "truthfulqa_mc1", 0), ("gpt2tiny", "truthfulqa_mc2", 0),
    ("gpt2tiny", "gsm8k", 5), ("gpt2tiny", "generic", 2),
    ("llamatiny", "hellaswag", 2), ("llamatiny", "arc_easy", 1), ("llamatiny", "mmlu", 5),
    ("llamatiny", "winogrande", 1), ("llamatiny", "piqa", 0), ("llamatiny", "boolq", 0),
    ("llamatiny", "truthfulqa_mc2", 0), ("llamatiny", "gsm8k", 5),
]

# task -> (lm-eval yaml under lm_eval/tasks, data dir, {split: file})
TASKS = {
    "hellaswag": ("hellaswag/hellaswag.yaml", "hellaswag", ("train", "validation")),
    "arc_easy": ("arc/arc_easy.yaml", "arc_easy", ("train", "test")),
    "arc_challenge": ("arc/arc_challenge.yaml", "arc_challenge", ("train", "test")),
    "winogrande": ("winogrande/default.yaml", "winogrande", ("train", "validation")),
    "piqa": ("piqa/piqa.yaml", "piqa", ("train", "validation")),
    "boolq": ("super_glue/boolq/default.yaml", "boolq", ("train", "validation")),
    "truthfulqa_mc1": ("truthfulqa/truthfulqa_mc1.yaml", "truthfulqa", ("validation",)),
    "truthfulqa_mc2": ("truthfulqa/truthfulqa_mc2.yaml", "truthfulqa", ("validation",)),
    "gsm8k": ("gsm8k/gsm8k.yaml", "gsm8k", ("train", "test")),
}

# The generic multiple-choice task, as eval-gpu's --task generic with
# --template 'Q: {{question}}\nA:' --choices choices.text --label answer_idx.
GENERIC_YAML = """task: ep_generic
dataset_path: json
dataset_kwargs:
  data_files:
    train: %(data)s/arc_easy/train.jsonl
    test: %(data)s/arc_easy/test.jsonl
output_type: multiple_choice
training_split: train
test_split: test
fewshot_split: train
doc_to_text: "Q: {{question}}\\nA:"
doc_to_choice: "{{choices.text}}"
doc_to_target: "{{choices.label.index(answerKey)}}"
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
  - metric: acc_norm
    aggregation: mean
    higher_is_better: true
"""


def write_yamls(d, lm_tasks, data):
    for name, (yml, sub, splits) in TASKS.items():
        files = "".join("    %s: %s/%s/%s.jsonl\n" % (s, data, sub, s) for s in splits)
        with open(os.path.join(d, "ep_%s.yaml" % name), "w") as f:
            f.write("include: %s\ntask: ep_%s\ntag: []\ndataset_path: json\ndataset_name: null\n"
                    "dataset_kwargs:\n  data_files:\n%s" % (os.path.join(lm_tasks, yml), name, files))
    with open(os.path.join(d, "ep_generic.yaml"), "w") as f:
        f.write(GENERIC_YAML % {"data": data})
    # MMLU: one file per subject and split, then the group in lm-eval's order.
    subj_rows = {}
    for split in ("dev", "test"):
        with open(os.path.join(data, "mmlu", split + ".jsonl"), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                subj_rows.setdefault((r["subject"], split), []).append(line)
    mdir = os.path.join(d, "mmlu_data")
    os.makedirs(mdir)
    from gen_fixtures import MMLU
    order = []
    for cat in ("stem", "other", "social_sciences", "humanities"):
        order += [s.split(":")[0] for s in MMLU if s.endswith(":" + cat)]
    for s in order:
        for split in ("dev", "test"):
            with open(os.path.join(mdir, "%s_%s.jsonl" % (s, split)), "w", encoding="utf-8") as f:
                f.writelines(subj_rows.get((s, split), []))
        with open(os.path.join(d, "ep_mmlu_%s.yaml" % s), "w") as f:
            f.write("include: %s\ntask: ep_mmlu_%s\ntag: []\ndataset_path: json\n"
                    "dataset_name: null\ndataset_kwargs:\n  data_files:\n"
                    "    dev: %s/%s_dev.jsonl\n    test: %s/%s_test.jsonl\n"
                    % (os.path.join(lm_tasks, "mmlu/default/mmlu_%s.yaml" % s), s, mdir, s, mdir, s))
    with open(os.path.join(d, "ep_mmlu.yaml"), "w") as f:
        f.write("group: ep_mmlu\ntask:\n%saggregate_metric_list:\n  - metric: acc\n"
                "    weight_by_size: True\n" % "".join("  - ep_mmlu_%s\n" % s for s in order))
    return order


def sample_entry(s, output_type):
    args = [a for a in s["arguments"]] if isinstance(s["arguments"], list) else s["arguments"]
    e = {"doc_id": s["doc_id"]}
    if isinstance(args, dict):
        args = [args[k] for k in sorted(args, key=lambda k: int(k.split("_")[-1]))]
    pairs = [[a["arg_0"], a["arg_1"]] if isinstance(a, dict) else list(a) for a in args]
    if output_type == "generate_until":
        e["context"] = pairs[0][0]
        e["generation"] = s["resps"][0][0]
        e["filtered"] = s["filtered_resps"][0] if isinstance(s["filtered_resps"], list) else s["filtered_resps"]
    else:
        e["contexts"] = [p[0] for p in pairs]
        e["continuations"] = [p[1] for p in pairs]
        e["ll"] = [float(r[0][0]) for r in s["resps"]]
        e["greedy"] = [bool(r[0][1]) for r in s["resps"]]
    for k in ("acc", "acc_norm", "exact_match"):
        if k in s:
            e[k] = s[k]
    return e


def run(model, task, nshot, inc, out):
    import lm_eval
    from lm_eval.tasks import TaskManager

    tm = TaskManager(include_path=inc)
    t0 = time.time()
    res = lm_eval.simple_evaluate(
        model="hf", model_args="pretrained=%s/%s,dtype=float32" % (os.path.abspath(FIX), model),
        tasks=["ep_" + task], num_fewshot=nshot, batch_size=1, device="cpu",
        log_samples=True, task_manager=tm)
    wall = time.time() - t0
    doc = {"lm_eval": lm_eval.__version__ if hasattr(lm_eval, "__version__") else None,
           "model": model, "task": task, "num_fewshot": nshot, "wall_s": round(wall, 3),
           "results": {}, "samples": {}}
    import importlib.metadata as md
    for p in ("lm_eval", "torch", "transformers", "tokenizers"):
        doc.setdefault("versions", {})[p] = md.version(p.replace("_", "-"))
    for t, r in res["results"].items():
        doc["results"][t[3:]] = {k: v for k, v in r.items() if k != "alias" and "," in k}
        doc["results"][t[3:]]["n"] = res["n-samples"].get(t, {}).get("effective") if t in res.get("n-samples", {}) else None
    for t, ss in res["samples"].items():
        otype = res["configs"][t]["output_type"]
        doc["samples"][t[3:]] = [sample_entry(s, otype) for s in sorted(ss, key=lambda s: s["doc_id"])]
    path = os.path.join(out, "%s.%s.%dshot.json" % (model, task, nshot))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    print("%-10s %-15s %d-shot  %6.1fs  %s" % (model, task, nshot, wall,
          {t: {k: v for k, v in r.items() if "stderr" not in k and k != "n"}
           for t, r in doc["results"].items() if not t.startswith("mmlu_")}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=FIX + "/oracle")
    ap.add_argument("--only", action="append", default=[])
    a = ap.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import lm_eval

    os.makedirs(a.out, exist_ok=True)
    lm_tasks = os.path.join(os.path.dirname(lm_eval.__file__), "tasks")
    with tempfile.TemporaryDirectory() as inc:
        write_yamls(inc, lm_tasks, os.path.abspath(FIX + "/data"))
        for model, task, n in RUNS:
            if a.only and "%s.%s.%d" % (model, task, n) not in a.only:
                continue
            run(model, task, n, inc, a.out)


if __name__ == "__main__":
    main()
