#!/usr/bin/env python3
"""Write the test hub's fixture trees.

  mkfixtures.py default OUT       the default fixture set (tests/hub/fixtures)
  mkfixtures.py synthetic OUT N   N generated model repos OUT/models/bench/model-NNNN

The default set is committed; rerun this script after editing it here.  The
output is deterministic.  For the card benchmark, `testhub.py
--synthetic-models N` serves the same generated repos without writing files.
"""

import json
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hub_store  # noqa: E402

LEADERBOARD = "https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard"

TINY_LLAMA_CARD = f"""---
language:
- en
license: apache-2.0
library_name: transformers
tags:
- text-generation
- evalpipe-fixture
datasets:
- allenai/ai2_arc
- Rowan/hellaswag
pipeline_tag: text-generation
model-index:
- name: tiny-llama
  results:
  - task:
      type: text-generation
      name: Text Generation
    dataset:
      name: AI2 Reasoning Challenge (25-Shot)
      type: ai2_arc
      config: ARC-Challenge
      split: test
      args:
        num_few_shot: 25
    metrics:
    - type: acc_norm
      value: 45.39
      name: normalized accuracy
    source:
      url: {LEADERBOARD}
      name: Open LLM Leaderboard
  - task:
      type: text-generation
      name: Text Generation
    dataset:
      name: HellaSwag (10-Shot)
      type: hellaswag
      split: validation
      args:
        num_few_shot: 10
    metrics:
    - type: acc_norm
      value: 71.82
      name: normalized accuracy
    source:
      url: {LEADERBOARD}
      name: Open LLM Leaderboard
---

# tiny-llama

A tiny fixture model used by the evalpipe test suite.

## Evaluation

| Benchmark | Score |
|-----------|-------|
| ARC-Challenge (25-shot) | 45.39 |
| HellaSwag (10-shot) | 71.82 |
"""

PLAIN_CARD = """# no-card-yaml

This model card has no YAML front matter at all.

It still has a config.json and is otherwise a normal repository.
"""

CRLF_CARD = """---
license: mit
tags:
- evalpipe-fixture
- crlf
datasets:
- Rowan/hellaswag
model-index:
- name: crlf-card
  results:
  - task:
      type: text-generation
    dataset:
      name: HellaSwag
      type: Rowan/hellaswag
      split: validation
    metrics:
    - type: acc
      value: 0.512
---

# crlf-card

This README uses CRLF line endings throughout.
""".replace("\n", "\r\n")

SHARDED_CARD = """---
license: apache-2.0
library_name: transformers
pipeline_tag: text-generation
tags:
- evalpipe-fixture
- sharded
---

# sharded-model

Weights are split in two safetensors shards with an index file.
"""

WITH_PRS_CARD = """---
license: apache-2.0
library_name: transformers
pipeline_tag: text-generation
tags:
- evalpipe-fixture
model-index:
- name: with-prs
  results:
  - task:
      type: text-generation
    dataset:
      name: AI2 Reasoning Challenge (25-Shot)
      type: ai2_arc
      config: ARC-Challenge
      split: test
    metrics:
    - type: acc_norm
      value: 38.1
---

# with-prs

A repository with many pre-existing discussions and pull requests.
"""

EVAL_RESULTS_YAML = """- dataset:
    id: Rowan/hellaswag
    task_id: hellaswag
  value: 62.5
  source:
    url: https://example.org/eval-logs/with-prs
    name: Example Evals
"""

GATED_CARD = """---
license: other
extra_gated_prompt: You agree to the test terms.
tags:
- evalpipe-fixture
---

# gated-model

Access requires approval.
"""

PRIVATE_CARD = """---
license: mit
---

# private-model

Only members of private-org can see this repository.
"""

OTHER_CARD = """---
license: mit
datasets:
- Rowan/hellaswag
tags:
- evalpipe-fixture
pipeline_tag: text-classification
library_name: transformers
---

# small-model

A model owned by another organisation.
"""

HELLASWAG_CARD = """---
license: mit
task_categories:
- text-generation
pretty_name: HellaSwag (mini)
configs:
- config_name: default
  data_files:
  - split: validation
    path: data/validation.jsonl
  - split: test
    path: data/test.jsonl
---

# hellaswag-mini

A synthetic 250-row dataset with the HellaSwag schema.
"""

ARC_CARD = """---
license: cc-by-sa-4.0
pretty_name: ARC (mini)
---

# arc-mini

A synthetic dataset with the AI2 ARC schema, in two configurations.
"""

USERS = {
    "hf_alice_write": {"name": "alice", "fullname": "Alice Maintainer", "orgs": ["evalpipe-test"],
                       "role": "write", "gated_access": ["gated-org/gated-model"]},
    "hf_bob_read": {"name": "bob", "fullname": "Bob Reader", "orgs": [], "role": "read"},
    "hf_carol_write": {"name": "carol", "fullname": "Carol Contributor", "orgs": [], "role": "write"},
    "hf_dave_private": {"name": "dave", "fullname": "Dave Insider", "orgs": ["private-org"],
                        "role": "write"},
    "hf_erin_gated": {"name": "erin", "fullname": "Erin Approved", "orgs": [], "role": "read",
                      "gated_access": ["gated-org/gated-model", "evalpipe-test/gated-bench"]},
}

WORDS = ("the man woman child dog team chef player person camera ball water kitchen field stage "
         "slowly quickly then carefully again finally begins continues stops lifts throws cuts "
         "pours runs walks jumps smiles talks shows picks holds puts").split()
ACTIVITIES = ["Baking cookies", "Playing guitar", "Washing dishes", "Skateboarding",
              "Painting a wall", "Shoveling snow", "Making a sandwich", "Tennis serve"]


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
        f.write(data)


def write_json(path, obj):
    write(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def safetensors_bytes(tensors):
    """A small but valid safetensors file: {name: (shape, seed)} of F32 tensors."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, (shape, seed) in tensors.items():
        count = 1
        for dim in shape:
            count *= dim
        data = struct.pack(f"<{count}f", *[(seed + i) / 10.0 for i in range(count)])
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + b"".join(blobs)


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def hellaswag_rows(split, count, rng):
    rows = []
    for i in range(count):
        activity = ACTIVITIES[i % len(ACTIVITIES)]
        ctx_a, ctx_b = sentence(rng, 9) + ".", sentence(rng, 4).lower()
        rows.append({
            "ind": 1000 * (1 if split == "validation" else 2) + i,
            "activity_label": activity,
            "ctx_a": ctx_a, "ctx_b": ctx_b, "ctx": f"{ctx_a} {ctx_b.capitalize()}",
            "endings": [sentence(rng, 7).lower() + "." for _ in range(4)],
            "source_id": f"activitynet~v_{rng.randrange(16**8):08x}",
            "split": "val" if split == "validation" else "test",
            "split_type": "indomain" if i % 2 == 0 else "zeroshot",
            "label": str(rng.randrange(4)) if split == "validation" else "",
        })
    return rows


HELLASWAG_FEATURES = [
    {"name": "ind", "type": {"dtype": "int32", "_type": "Value"}},
    {"name": "activity_label", "type": {"dtype": "string", "_type": "Value"}},
    {"name": "ctx_a", "type": {"dtype": "string", "_type": "Value"}},
    {"name": "ctx_b", "type": {"dtype": "string", "_type": "Value"}},
    {"name": "ctx", "type": {"dtype": "string", "_type": "Value"}},
    {"name": "endings", "type": {"feature": {"dtype": "string", "_type": "Value"}, "_type": "List"}},
    {"name": "source_id", "type": {"dtype": "string", "_type": "Value"}},
    {"name": "split", "type": {"dtype": "string", "_type": "Value"}},
    {"name": "split_type", "type": {"dtype": "string", "_type": "Value"}},
    {"name": "label", "type": {"dtype": "string", "_type": "Value"}},
]


def arc_rows(config, count, rng):
    rows = []
    for i in range(count):
        labels = ["A", "B", "C", "D"] if i % 5 else ["1", "2", "3", "4"]
        rows.append({
            "id": f"{'Mercury' if config == 'ARC-Challenge' else 'NYSEDREGENTS'}_{7000 + i}",
            "question": sentence(rng, 10) + "?",
            "choices": {"text": [sentence(rng, 3).lower() for _ in labels], "label": labels},
            "answerKey": labels[rng.randrange(4)],
        })
    return rows


def jsonl(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def model_repos(out):
    m = os.path.join(out, "models")
    tiny = os.path.join(m, "evalpipe-test", "tiny-llama")
    write(os.path.join(tiny, "README.md"), TINY_LLAMA_CARD)
    write_json(os.path.join(tiny, "config.json"), {"architectures": ["LlamaForCausalLM"],
                                                   "model_type": "llama", "hidden_size": 8,
                                                   "num_hidden_layers": 1, "vocab_size": 32})
    write(os.path.join(tiny, "model.safetensors"), safetensors_bytes({"lm_head.weight": ((4, 8), 1)}))
    write_json(os.path.join(tiny, ".hub.json"), {"downloads": 1234, "likes": 5,
                                                 "lastModified": "2024-03-01T12:00:00.000Z"})

    plain = os.path.join(m, "evalpipe-test", "no-card-yaml")
    write(os.path.join(plain, "README.md"), PLAIN_CARD)
    write_json(os.path.join(plain, "config.json"), {"model_type": "bert", "hidden_size": 4})
    write_json(os.path.join(plain, ".hub.json"), {"downloads": 10, "likes": 0, "tags": ["evalpipe-fixture"]})

    crlf = os.path.join(m, "evalpipe-test", "crlf-card")
    write(os.path.join(crlf, "README.md"), CRLF_CARD)
    write_json(os.path.join(crlf, "config.json"), {"model_type": "gpt2"})
    write_json(os.path.join(crlf, ".hub.json"), {"downloads": 99, "likes": 2, "pipeline_tag": "text-generation"})

    sharded = os.path.join(m, "evalpipe-test", "sharded-model")
    write(os.path.join(sharded, "README.md"), SHARDED_CARD)
    write_json(os.path.join(sharded, "config.json"), {"model_type": "llama", "hidden_size": 4})
    shard1 = safetensors_bytes({"model.embed.weight": ((8, 4), 3)})
    shard2 = safetensors_bytes({"lm_head.weight": ((4, 8), 7)})
    write(os.path.join(sharded, "model-00001-of-00002.safetensors"), shard1)
    write(os.path.join(sharded, "model-00002-of-00002.safetensors"), shard2)
    write_json(os.path.join(sharded, "model.safetensors.index.json"), {
        "metadata": {"total_size": 256},
        "weight_map": {"model.embed.weight": "model-00001-of-00002.safetensors",
                       "lm_head.weight": "model-00002-of-00002.safetensors"}})
    write_json(os.path.join(sharded, ".hub.json"), {"downloads": 500, "likes": 12})

    prs = os.path.join(m, "evalpipe-test", "with-prs")
    write(os.path.join(prs, "README.md"), WITH_PRS_CARD)
    write_json(os.path.join(prs, "config.json"), {"model_type": "llama"})
    write_json(os.path.join(prs, ".hub.json"), {
        "downloads": 42, "likes": 1,
        "discussions": [
            {"num": 1, "title": "Add HellaSwag evaluation result", "status": "open",
             "isPullRequest": True, "author": "carol",
             "description": "This PR adds a community eval result for HellaSwag.",
             "createdAt": "2024-02-01T09:00:00.000Z",
             "files": {".eval_results/hellaswag.yaml": EVAL_RESULTS_YAML}},
            {"num": 2, "title": "Which tokenizer does this model use?", "status": "closed",
             "isPullRequest": False, "author": "bob", "description": "Just curious.",
             "createdAt": "2024-02-02T09:00:00.000Z"},
            {"num": 3, "title": "Update README metrics", "status": "merged", "isPullRequest": True,
             "author": "alice", "description": "Fix a typo in the metrics table.",
             "createdAt": "2024-02-03T09:00:00.000Z",
             "files": {"README.md": WITH_PRS_CARD.replace("38.1", "38.2")}},
        ],
        "extra_discussions": 52,
    })

    noreadme = os.path.join(m, "evalpipe-test", "no-readme")
    write_json(os.path.join(noreadme, "config.json"), {"model_type": "t5"})

    gated = os.path.join(m, "gated-org", "gated-model")
    write(os.path.join(gated, "README.md"), GATED_CARD)
    write_json(os.path.join(gated, "config.json"), {"model_type": "llama"})
    write(os.path.join(gated, "model.safetensors"), safetensors_bytes({"w": ((2, 2), 5)}))
    write_json(os.path.join(gated, ".hub.json"), {"gated": "manual", "downloads": 7})

    private = os.path.join(m, "private-org", "private-model")
    write(os.path.join(private, "README.md"), PRIVATE_CARD)
    write_json(os.path.join(private, "config.json"), {"model_type": "llama"})
    write_json(os.path.join(private, ".hub.json"), {"private": True})

    other = os.path.join(m, "other-org", "small-model")
    write(os.path.join(other, "README.md"), OTHER_CARD)
    write_json(os.path.join(other, "config.json"), {"model_type": "distilbert"})
    write_json(os.path.join(other, ".hub.json"), {"downloads": 3000, "likes": 30})


def dataset_repos(out):
    d = os.path.join(out, "datasets")
    rng = random.Random(20240101)
    hs = os.path.join(d, "evalpipe-test", "hellaswag-mini")
    validation, test = hellaswag_rows("validation", 150, rng), hellaswag_rows("test", 100, rng)
    write(os.path.join(hs, "README.md"), HELLASWAG_CARD)
    write(os.path.join(hs, "data", "validation.jsonl"), jsonl(validation))
    write(os.path.join(hs, "data", "test.jsonl"), jsonl(test))
    write(os.path.join(hs, ".viewer", "default", "validation.jsonl"), jsonl(validation))
    write(os.path.join(hs, ".viewer", "default", "test.jsonl"), jsonl(test))
    write_json(os.path.join(hs, ".viewer", "default", "features.json"), HELLASWAG_FEATURES)
    write_json(os.path.join(hs, ".hub.json"), {"downloads": 800, "likes": 9,
                                               "tags": ["task_categories:text-generation"]})

    arc = os.path.join(d, "evalpipe-test", "arc-mini")
    write(os.path.join(arc, "README.md"), ARC_CARD)
    for config in ("ARC-Challenge", "ARC-Easy"):
        rows = arc_rows(config, 25, rng)
        write(os.path.join(arc, config, "test.jsonl"), jsonl(rows))
        write(os.path.join(arc, ".viewer", config, "test.jsonl"), jsonl(rows))

    gated = os.path.join(d, "evalpipe-test", "gated-bench")
    write(os.path.join(gated, "README.md"), "---\nlicense: other\n---\n\n# gated-bench\n")
    write(os.path.join(gated, ".viewer", "default", "test.jsonl"), jsonl(arc_rows("ARC-Easy", 5, rng)))
    write_json(os.path.join(gated, ".hub.json"), {"gated": "auto"})


def write_default(out):
    write_json(os.path.join(out, "users.json"), USERS)
    model_repos(out)
    dataset_repos(out)


def write_synthetic(out, count, org="bench"):
    """The same repos `testhub.py --synthetic-models N` serves, as files."""
    for index in range(count):
        base = os.path.join(out, "models", org, f"model-{index:04d}")
        for name, data in hub_store.synthetic_files(index, org).items():
            write(os.path.join(base, name), data)


def main(argv):
    if len(argv) == 2 and argv[0] == "default":
        write_default(argv[1])
    elif len(argv) == 3 and argv[0] == "synthetic":
        write_synthetic(argv[1], int(argv[2]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
