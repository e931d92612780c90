#!/usr/bin/env python3
"""Write the task-scoring fixtures under tests/lmeval/fixtures/.

  data/<task>/<split>.jsonl   task rows in each benchmark's real schema
                              (made up here, deterministic: random.Random(7))
  gpt2tiny/                   a GPT-2 shaped random-weight checkpoint with a
                              byte-level BPE tokenizer.json trained on those
                              rows (no BOS), fp32 safetensors
  llamatiny/                  a Llama shaped one (GQA, 512 positions, so long
                              prompts are left-truncated) whose tokenizer adds
                              a BOS token, as Llama's does

Run from the repository root (needs torch, transformers, tokenizers):
    .venv/bin/python3 tests/lmeval/gen_fixtures.py
then tests/lmeval/run_lmeval.py to recompute the lm-eval oracle.
"""
import json
import os
import random
import shutil
import sys

OUT = "tests/lmeval/fixtures"

WORDS = (
    "apple river stone cloud quiet green market teacher window garden music paper "
    "engine forest silver bridge candle doctor winter summer ocean planet number "
    "answer circle yellow travel letter island mountain pencil kitchen library "
    "question simple strong gentle rapid little ancient modern bright narrow heavy"
).split()
UNI = ["café", "naïve", "Zürich", "façade", "jalapeño", "crème brûlée", "Ångström", "smörgåsbord"]

MMLU = (
    "abstract_algebra:stem anatomy:stem astronomy:stem business_ethics:other "
    "clinical_knowledge:other college_biology:stem college_chemistry:stem "
    "college_computer_science:stem college_mathematics:stem college_medicine:other "
    "college_physics:stem computer_security:stem conceptual_physics:stem "
    "econometrics:social_sciences electrical_engineering:stem elementary_mathematics:stem "
    "formal_logic:humanities global_facts:other high_school_biology:stem "
    "high_school_chemistry:stem high_school_computer_science:stem "
    "high_school_european_history:humanities high_school_geography:social_sciences "
    "high_school_government_and_politics:social_sciences "
    "high_school_macroeconomics:social_sciences high_school_mathematics:stem "
    "high_school_microeconomics:social_sciences high_school_physics:stem "
    "high_school_psychology:social_sciences high_school_statistics:stem "
    "high_school_us_history:humanities high_school_world_history:humanities "
    "human_aging:other human_sexuality:social_sciences international_law:humanities "
    "jurisprudence:humanities logical_fallacies:humanities machine_learning:stem "
    "management:other marketing:other medical_genetics:other miscellaneous:other "
    "moral_disputes:humanities moral_scenarios:humanities nutrition:other "
    "philosophy:humanities prehistory:humanities professional_accounting:other "
    "professional_law:humanities professional_medicine:other "
    "professional_psychology:social_sciences public_relations:social_sciences "
    "security_studies:social_sciences sociology:social_sciences "
    "us_foreign_policy:social_sciences virology:other world_religions:humanities"
).split()


def phrase(g, lo=2, hi=7, uni=0.15):
    ws = [g.choice(WORDS) for _ in range(g.randint(lo, hi))]
    if g.random() < uni:
        ws[g.randrange(len(ws))] = g.choice(UNI)
    return " ".join(ws)


def sentence(g, lo=4, hi=10):
    s = phrase(g, lo, hi)
    return s[0].upper() + s[1:] + g.choice([".", ".", "?", "!"])


def hellaswag(g, n, split):
    rows = []
    for i in range(n):
        label = g.choice(["Cleaning windows", "Making tea", "Home and Garden", "Sports",
                          "Playing guitar", "Education and Communications"])
        ctx_a = sentence(g)
        if g.random() < 0.4:
            ctx_a = "[header] How to " + phrase(g, 2, 4) + " [title] " + sentence(g)
        ctx_b = phrase(g, 2, 5)
        if g.random() < 0.3:
            ctx_b = ctx_b.upper() if g.random() < 0.5 else ctx_b.capitalize()
        if g.random() < 0.2:
            ctx_b = ""
        endings = []
        for _ in range(4):
            e = phrase(g, 2, 9) + "."
            if g.random() < 0.25:
                e = "[step] " + e + " [substeps]  " + phrase(g, 1, 3)
            if g.random() < 0.15:
                e = "  " + e + " "
            endings.append(e)
        rows.append({"ind": i, "activity_label": label, "ctx_a": ctx_a, "ctx_b": ctx_b,
                     "ctx": (ctx_a + " " + ctx_b).strip(), "endings": endings,
                     "source_id": "fixture~%d" % i, "split": split,
                     "split_type": "indomain", "label": str(g.randrange(4))})
    return rows


def arc(g, n, prefix):
    rows = []
    for i in range(n):
        k = g.choice([3, 4, 4, 4, 5])
        labels = list("ABCDE"[:k]) if g.random() < 0.8 else [str(j + 1) for j in range(k)]
        rows.append({"id": "%s_%d" % (prefix, i), "question": sentence(g, 5, 12),
                     "choices": {"text": [phrase(g, 1, 4) for _ in range(k)], "label": labels},
                     "answerKey": g.choice(labels)})
    return rows


def mmlu(g, subject, n):
    return [{"question": ("  " if g.random() < 0.2 else "") + sentence(g, 5, 11)
             + (" \n" if g.random() < 0.2 else ""),
             "subject": subject, "choices": [phrase(g, 1, 4) for _ in range(4)],
             "answer": g.randrange(4)} for _ in range(n)]


def winogrande(g, n):
    rows = []
    for _ in range(n):
        a, b = g.sample(["Sarah", "the teacher", "Maria", "the dog", "John", "the river", "Zoë"], 2)
        pre, post = sentence(g, 3, 7)[:-1], phrase(g, 2, 6)
        rows.append({"sentence": "%s because _ %s." % (pre, post), "option1": a, "option2": b,
                     "answer": g.choice(["1", "2"])})
    return rows


def piqa(g, n):
    return [{"goal": sentence(g, 3, 9), "sol1": phrase(g, 3, 10) + ".",
             "sol2": phrase(g, 3, 10) + ".", "label": g.randrange(2)} for _ in range(n)]


def boolq(g, n):
    return [{"question": phrase(g, 4, 8), "passage": " ".join(sentence(g) for _ in range(3)),
             "idx": i, "label": g.randrange(2)} for i in range(n)]


def truthfulqa(g, n):
    rows = []
    for _ in range(n):
        k1, k2 = g.randint(2, 5), g.randint(3, 7)
        mc2_labels = [1] * g.randint(1, k2 - 1)
        mc2_labels += [0] * (k2 - len(mc2_labels))
        rows.append({"question": sentence(g, 4, 9)[:-1] + "?",
                     "mc1_targets": {"choices": [sentence(g, 2, 7) for _ in range(k1)],
                                     "labels": [1] + [0] * (k1 - 1)},
                     "mc2_targets": {"choices": [sentence(g, 2, 7) for _ in range(k2)],
                                     "labels": mc2_labels}})
    return rows


def gsm8k(g, n):
    rows = []
    for _ in range(n):
        a, b = g.randint(2, 90), g.randint(2, 40)
        c = a * b
        total = c + g.randint(0, 1500)
        fmt = "{:,}".format(total) if g.random() < 0.3 else str(total)
        q = "%s has %d %ss. Each costs $%d. %s How much is it worth in total?" % (
            g.choice(["Natalia", "Tom", "Ana", "Kenji"]), a, g.choice(WORDS), b, sentence(g, 3, 6))
        ans = "%d * %d = <<%d*%d=%d>>%d dollars.\n%s\n#### %s" % (a, b, a, b, c, c, sentence(g, 3, 7), fmt)
        rows.append({"question": q, "answer": ans})
    return rows


def write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def make_data():
    g = random.Random(7)
    d = OUT + "/data"
    shutil.rmtree(d, ignore_errors=True)
    tr = hellaswag(g, 12, "train")
    va = hellaswag(g, 14, "val")
    va[5] = dict(tr[3])  # a validation doc equal to a train doc: lm-eval drops it from its shots
    va[5]["split"] = "train"
    write_jsonl(d + "/hellaswag/train.jsonl", tr)
    write_jsonl(d + "/hellaswag/validation.jsonl", va)
    for name, pre in (("arc_easy", "Mercury"), ("arc_challenge", "NYSEDREGENTS")):
        write_jsonl(d + "/%s/train.jsonl" % name, arc(g, 10, pre))
        write_jsonl(d + "/%s/test.jsonl" % name, arc(g, 16, pre))
    dev, test = [], []
    for s in MMLU:
        subj = s.split(":")[0]
        dev += mmlu(g, subj, 5)
        test += mmlu(g, subj, g.randint(1, 3))
    write_jsonl(d + "/mmlu/dev.jsonl", dev)
    write_jsonl(d + "/mmlu/test.jsonl", test)
    write_jsonl(d + "/winogrande/train.jsonl", winogrande(g, 10))
    write_jsonl(d + "/winogrande/validation.jsonl", winogrande(g, 16))
    write_jsonl(d + "/piqa/train.jsonl", piqa(g, 10))
    write_jsonl(d + "/piqa/validation.jsonl", piqa(g, 16))
    write_jsonl(d + "/boolq/train.jsonl", boolq(g, 8))
    write_jsonl(d + "/boolq/validation.jsonl", boolq(g, 14))
    write_jsonl(d + "/truthfulqa/validation.jsonl", truthfulqa(g, 14))
    write_jsonl(d + "/gsm8k/train.jsonl", gsm8k(g, 10))
    write_jsonl(d + "/gsm8k/test.jsonl", gsm8k(g, 8))


def corpus():
    for root, _, files in os.walk(OUT + "/data"):
        for fn in sorted(files):
            with open(os.path.join(root, fn), encoding="utf-8") as f:
                for line in f:
                    for v in json.loads(line).values():
                        yield json.dumps(v, ensure_ascii=False)


def make_tokenizer(bos):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    special = ["<s>", "</s>"] if bos else ["<|endoftext|>"]
    tr = trainers.BpeTrainer(vocab_size=500, special_tokens=special,
                             initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(list(corpus()), tr)
    if bos:
        tok.post_processor = processors.TemplateProcessing(
            single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", tok.token_to_id("<s>"))])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    return tok


def randomize(model, seed):
    import torch

    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1 and ("norm" in name or "ln_" in name) and name.endswith("weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "wte" in name or "embed_tokens" in name or "wpe" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:
                fan_in = p.shape[0] if "c_" in name else p.shape[1]
                p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)


def make_model(name, bos):
    import torch
    import transformers

    d = OUT + "/" + name
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    tok = make_tokenizer(bos)
    tok.save(d + "/tokenizer.json")
    V = tok.get_vocab_size()
    if bos:
        cfg = transformers.LlamaConfig(vocab_size=V, hidden_size=32, intermediate_size=64,
                                       num_hidden_layers=2, num_attention_heads=4,
                                       num_key_value_heads=2, max_position_embeddings=512,
                                       bos_token_id=tok.token_to_id("<s>"),
                                       eos_token_id=tok.token_to_id("</s>"),
                                       tie_word_embeddings=False)
        model = transformers.LlamaForCausalLM(cfg)
        tcfg = {"bos_token": "<s>", "eos_token": "</s>", "add_bos_token": True,
                "add_eos_token": False, "model_max_length": 512,
                "tokenizer_class": "PreTrainedTokenizerFast"}
    else:
        eot = tok.token_to_id("<|endoftext|>")
        cfg = transformers.GPT2Config(vocab_size=V, n_embd=32, n_layer=2, n_head=4,
                                      n_positions=1024, bos_token_id=eot, eos_token_id=eot)
        model = transformers.GPT2LMHeadModel(cfg)
        tcfg = {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                "unk_token": "<|endoftext|>", "model_max_length": 1024,
                "tokenizer_class": "PreTrainedTokenizerFast"}
    torch.manual_seed(0)
    randomize(model, 1 if bos else 2)
    model.save_pretrained(d, safe_serialization=True)
    with open(d + "/tokenizer_config.json", "w") as f:
        json.dump(tcfg, f, indent=2)
    with open(d + "/config.json") as f:
        c = json.load(f)
    if "dtype" in c:
        c["torch_dtype"] = c.pop("dtype")
    with open(d + "/config.json", "w") as f:
        json.dump(c, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    if not os.path.isdir("tests/lmeval"):
        sys.exit("run from the repository root")
    make_data()
    make_model("gpt2tiny", bos=False)
    make_model("llamatiny", bos=True)
