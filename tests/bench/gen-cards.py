#!/usr/bin/env python3
"""Write N synthetic `card` records (NDJSON) for benchmarking tables2json.

usage: gen-cards.py [N] [SEED] [EXPECT_FILE]

Each card is a README of the shapes real model cards have: prose, a
multi-model comparison (markdown, models as columns or as rows, bold best
scores), lm-evaluation-harness output, an HTML table with spans inside
<details>, a GGUF file table, code fences. The same N and SEED give the same
bytes, so timings are comparable between runs. With EXPECT_FILE, the values
of each card's own model are written there, one JSON line per card
({"repo": ..., "values": [...]}), so a run can be scored.
"""
import json
import random
import sys

BENCH = ["MMLU", "MMLU-Pro", "GSM8K", "MATH", "HumanEval", "MBPP", "ARC-C", "ARC-E",
         "HellaSwag", "Winogrande", "TruthfulQA", "PIQA", "BoolQ", "GPQA", "BBH", "IFEval",
         "C-Eval", "CMMLU", "TriviaQA", "DROP", "MyDomainEval", "LongBench"]
FAMILIES = ["Llama-3.1", "Qwen2.5", "Gemma-2", "Mistral", "Phi-3", "Falcon", "OLMo"]
SIZES = ["0.5B", "1.5B", "3B", "7B", "8B", "13B", "32B", "70B"]
PROSE = ("This model was trained on a mixture of public web data, code and math. "
         "It is intended for research use; see the license for details. ")


def score(r):
    return "%.1f" % r.uniform(10, 90)


def md_columns(r, ours, others, benches, exp):
    head = "| Benchmark | " + " | ".join(others[:2] + [ours] + others[2:]) + " |"
    lines = [head, "|" + "---|" * (len(others) + 2)]
    for b in benches:
        vals = [score(r) for _ in range(len(others) + 1)]
        exp.append(float(vals[2]))
        best = max(range(len(vals)), key=lambda i: float(vals[i]))
        vals[best] = "**%s**" % vals[best]
        shots = r.choice(["", " (5-shot)", " (0-shot)", " (8-shot, CoT)"])
        lines.append("| %s%s | %s |" % (b, shots, " | ".join(vals)))
    return "\n".join(lines)


def md_rows(r, ours, others, benches, exp):
    lines = ["| Model | " + " | ".join(benches) + " | Avg |", "|" + "---|" * (len(benches) + 2)]
    models = others[:]
    models.insert(r.randrange(len(models) + 1), "[%s](https://huggingface.co/org/%s)" % (ours, ours))
    for m in models:
        vals = [score(r) for _ in benches]
        if ours in m:
            exp.extend(float(v) for v in vals)
        lines.append("| %s | %s | %s |" % (m, " | ".join(vals), score(r)))
    return "\n".join(lines)


def lmeval(r, benches, exp):
    lines = ["|    Tasks     |Version|Filter|n-shot| Metric |   |Value |   |Stderr|",
             "|--------------|------:|------|-----:|--------|---|-----:|---|-----:|"]
    for b in benches:
        task = b.lower().replace("-", "_")
        acc, norm = "%.4f" % r.uniform(.2, .9), "%.4f" % r.uniform(.2, .9)
        exp.extend([float(acc), float(norm)])
        lines.append("|%s|1|none|0|acc|\u2191|%s|\u00b1|%.4f|" % (task, acc, r.uniform(.001, .02)))
        lines.append("| |  |none|0|acc_norm|\u2191|%s|\u00b1|%.4f|" % (norm, r.uniform(.001, .02)))
    return "\n".join(lines)


def html(r, ours, others, benches, exp):
    out = ["<details><summary>More results</summary>", "", "<table>",
           "<tr><th rowspan=\"2\">Model</th><th colspan=\"%d\">Reasoning</th></tr>" % len(benches),
           "<tr>" + "".join("<th>%s</th>" % b for b in benches) + "</tr>"]
    for m in [ours] + others:
        vals = [score(r) for _ in benches]
        if m == ours:
            exp.extend(float(v) for v in vals)
        out.append("<tr><td>%s</td>%s</tr>" % (m, "".join("<td>%s</td>" % v for v in vals)))
    out += ["</table>", "", "</details>"]
    return "\n".join(out)


def gguf(ours):
    lines = ["| Name | Quant method | Bits | Size | Use case |", "|---|---|---|---|---|"]
    for q, b, sz in [("Q2_K", 2, "3.1 GB"), ("Q4_K_M", 4, "4.4 GB"), ("Q8_0", 8, "7.7 GB")]:
        lines.append("| %s.%s.gguf | %s | %d | %s | general |" % (ours.lower(), q, q, b, sz))
    return "\n".join(lines)


def card(r, i, exp):
    fam = r.choice(FAMILIES)
    ours = "%s-%s-%s" % (r.choice(["Nova", "Kite", "Orca", "Lark", "Wren"]), fam.split("-")[0], r.choice(SIZES))
    if r.random() < 0.3:
        ours += "-Instruct"
    others = r.sample(["%s-%s" % (f, s) for f in FAMILIES for s in SIZES], r.randint(2, 5))
    benches = r.sample(BENCH, r.randint(4, 12))
    parts = ["# %s" % ours, "", PROSE * r.randint(1, 6), "", "## Evaluation", ""]
    shape = r.random()
    if shape < 0.35:
        parts.append(md_columns(r, ours, others, benches, exp))
    elif shape < 0.65:
        parts.append(md_rows(r, ours, others, benches, exp))
    elif shape < 0.8:
        parts.append(lmeval(r, benches, exp))
    else:
        parts.append(html(r, ours, others, benches, exp))
    if r.random() < 0.4:
        parts += ["", "### Details", "", html(r, ours, others, r.sample(BENCH, 5), exp)]
    if r.random() < 0.3:
        parts += ["", "## Files", "", gguf(ours)]
    parts += ["", "## Usage", "", "```python", "from transformers import AutoModel",
              "| not | a | table |", "```", "", PROSE * r.randint(1, 4), ""]
    fm = "---\nlicense: apache-2.0\npipeline_tag: text-generation\n---\n"
    return {"kind": "card", "repo": "bench%d/%s" % (i, ours), "type": "model", "revision": None,
            "path": "README.md", "front_matter": fm,
            "metadata": {"license": "apache-2.0", "pipeline_tag": "text-generation"},
            "body": "\n".join(parts)}


def main(argv):
    n = int(argv[0]) if argv else 1000
    r = random.Random(int(argv[1]) if len(argv) > 1 else 1)
    expect = open(argv[2], "w") if len(argv) > 2 else None
    for i in range(n):
        exp = []
        rec = card(r, i, exp)
        sys.stdout.write(json.dumps(rec, separators=(",", ":")) + "\n")
        if expect:
            expect.write(json.dumps({"repo": rec["repo"], "values": exp}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
