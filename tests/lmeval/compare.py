#!/usr/bin/env python3
"""Compare eval-gpu with lm-evaluation-harness, side by side, as TAP.

For each oracle file tests/lmeval/fixtures/oracle/MODEL.TASK.Nshot.json
(written by run_lmeval.py from lm-eval itself), feed eval-gpu the same rows
as `row` records and check, per (sub)task:
  - acc / acc_norm / exact_match: equal (both printed to 15 significant
    digits, the precision of every evalpipe record); truthfulqa_mc2's acc is
    a probability mass of exp(log-likelihoods), compared to 1e-5
  - stderr: within 1e-9 (mc2: 1e-5); "N/A" in lm-eval is null here
  - per document: the prompt text(s) and continuations identical, every
    log-likelihood within 5e-4 (fp32 sums of different kernels), is_greedy
    equal; for generation the generated text and both filtered answers equal
Standard library only. Usage: compare.py EVAL_GPU [ORACLE_JSON ...]
"""
import glob
import json
import os
import subprocess
import sys

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")

DATA = {  # task -> (data dir, dataset id, config, [splits])
    "hellaswag": ("hellaswag", "Rowan/hellaswag", None, ["train", "validation"]),
    "arc_easy": ("arc_easy", "allenai/ai2_arc", "ARC-Easy", ["train", "test"]),
    "arc_challenge": ("arc_challenge", "allenai/ai2_arc", "ARC-Challenge", ["train", "test"]),
    "mmlu": ("mmlu", "cais/mmlu", None, ["dev", "test"]),
    "winogrande": ("winogrande", "allenai/winogrande", "winogrande_xl", ["train", "validation"]),
    "piqa": ("piqa", "baber/piqa", None, ["train", "validation"]),
    "boolq": ("boolq", "aps/super_glue", "boolq", ["train", "validation"]),
    "truthfulqa_mc1": ("truthfulqa", "truthfulqa/truthful_qa", "multiple_choice", ["validation"]),
    "truthfulqa_mc2": ("truthfulqa", "truthfulqa/truthful_qa", "multiple_choice", ["validation"]),
    "gsm8k": ("gsm8k", "openai/gsm8k", "main", ["train", "test"]),
    "generic": ("arc_easy", "local/arc-like", None, ["train", "test"]),
}
GENERIC = ["--text", "Q: {{question}}\nA:", "--choices", "choices.text", "--label", "answerKey",
           "--label-in", "choices.label"]

n_test = 0
n_fail = 0


def tap(ok, msg):
    global n_test, n_fail
    n_test += 1
    n_fail += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", n_test, msg), flush=True)


def rows_for(task):
    sub, ds, cfg, splits = DATA[task]
    out = []
    for split in splits:
        with open(os.path.join(FIX, "data", sub, split + ".jsonl"), encoding="utf-8") as f:
            for i, line in enumerate(f):
                row = json.loads(line)
                c = row.get("subject", cfg) if task == "mmlu" else cfg
                out.append({"kind": "row", "dataset": ds, "config": c, "split": split,
                            "index": i, "row": row})
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out)


def g15(x):
    return None if x is None or x == "N/A" else float("%.15g" % x)


def compare(evalgpu, path):
    o = json.load(open(path, encoding="utf-8"))
    model, task, n = o["model"], o["task"], o["num_fewshot"]
    label = "%s %s %d-shot" % (model, task, n)
    cmd = [evalgpu, "--threads", "1", "-m", os.path.join(FIX, model), "-t", task, "-n", str(n),
           "--details"]
    if task == "generic":
        cmd += GENERIC
    p = subprocess.run(cmd, input=rows_for(task).encode(), capture_output=True)
    if p.returncode != 0:
        tap(False, "%s: eval-gpu exited %d: %s" % (label, p.returncode, p.stderr.decode()[-500:]))
        return
    recs = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
    scores = {}
    for r in recs:
        if r["kind"] == "score":
            m = r["metric"]
            scores[(r["task"]["name"], m["type"], m.get("config", "none"))] = m
    for t, res in sorted(o["results"].items()):
        for key, v in sorted(res.items()):
            if "stderr" in key or key == "n" or "," not in key:
                continue
            metric, filt = key.split(",")
            got = scores.get((t, metric, filt))
            se_ref = res.get("%s_stderr,%s" % (metric, filt))
            if got is None:
                tap(False, "%s %s %s: no score record" % (label, t, key))
                continue
            mc2 = t == "truthfulqa_mc2"
            ok_v = abs(got["value"] - v) <= 1e-5 if mc2 else g15(got["value"]) == g15(v)
            if se_ref in (None, "N/A"):
                ok_s = got["stderr"] is None
            else:
                ok_s = got["stderr"] is not None and abs(got["stderr"] - se_ref) <= (1e-5 if mc2 else 1e-9)
            tap(ok_v and ok_s, "%s %-22s %-28s lm-eval %.15g ± %s  eval-gpu %.15g ± %s"
                % (label, t, key, v, se_ref if se_ref == "N/A" else "%.6g" % se_ref,
                   got["value"], "N/A" if got["stderr"] is None else "%.6g" % got["stderr"]))
    samples = {}
    for r in recs:
        if r["kind"] == "sample":
            samples.setdefault(r["task"], []).append(r)
    bad, worst = [], 0.0
    total = 0
    for t, ss in o["samples"].items():
        mine = samples.get(t, [])
        if ss and "generation" in ss[0]:
            # lm-eval logs a generated doc once per filter: fold them together.
            by_doc = {}
            for a in ss:
                by_doc.setdefault(a["doc_id"], dict(a, filtered_all=[]))["filtered_all"].append(
                    a["filtered"][0] if isinstance(a["filtered"], list) else a["filtered"])
            ss = [by_doc[k] for k in sorted(by_doc)]
        if len(mine) != len(ss):
            bad.append("%s: %d samples, lm-eval has %d" % (t, len(mine), len(ss)))
            continue
        for a, b in zip(ss, mine):
            total += 1
            if "generation" in a:
                if a["context"] != b["context"]:
                    bad.append("%s doc %d: prompt differs" % (t, a["doc_id"]))
                if a["generation"] != b["generation"]:
                    bad.append("%s doc %d: generation %r != %r" % (t, a["doc_id"], a["generation"][:80], b["generation"][:80]))
                if sorted(a["filtered_all"]) != sorted(b["filtered"].values()):
                    bad.append("%s doc %d: filtered %r != %r" % (t, a["doc_id"], a["filtered_all"], b["filtered"]))
                continue
            if a["contexts"] != sorted(set(b["contexts"]), key=b["contexts"].index) and a["contexts"] != b["contexts"] * len(a["contexts"]):
                if not (len(set(a["contexts"])) == 1 and b["contexts"] == [a["contexts"][0]]) and a["contexts"] != b["contexts"]:
                    bad.append("%s doc %d: prompt differs" % (t, a["doc_id"]))
            if a["continuations"] != b["continuations"]:
                bad.append("%s doc %d: continuations differ" % (t, a["doc_id"]))
            for x, y in zip(a["ll"], b["ll"]):
                worst = max(worst, abs(x - y))
                if abs(x - y) > 5e-4:
                    bad.append("%s doc %d: ll %.6f != %.6f" % (t, a["doc_id"], x, y))
            if a["greedy"] != b["greedy"]:
                bad.append("%s doc %d: is_greedy differs" % (t, a["doc_id"]))
    tap(not bad, "%s: %d docs: prompts, continuations, is_greedy equal; max |ll diff| %.2g%s"
        % (label, total, worst, "".join("\n#   " + b for b in bad[:10])))


def main():
    evalgpu = sys.argv[1]
    files = sys.argv[2:] or sorted(glob.glob(os.path.join(FIX, "oracle", "*.json")))
    if not files:
        print("1..0 # SKIP no oracle files")
        return 0
    for f in files:
        compare(evalgpu, f)
    print("1..%d" % n_test)
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
