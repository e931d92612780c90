#!/usr/bin/env python3
"""Generate the model fixtures under tests/eval/fixtures/ with transformers.

Each fixture is a tiny random-weight checkpoint directory (config.json plus
safetensors, sometimes sharded) and expected.bin: the logits transformers
computes for a few fixed token sequences after loading that directory back
from disk (fp32 compute; F16/BF16 weights are upcast to fp32 first, which is
exactly what the C engine does). rope.bin holds RoPE inverse frequencies and
rotated vectors for several rope configs, straight from transformers.

Run from the repository root:
    .venv/bin/python3 tests/eval/gen_fixtures.py [--out tests/eval/fixtures]
Needs torch, transformers and safetensors; the C tests need none of them.

expected.bin (little-endian), version 1:
    u32 magic 0x474c5045 ("EPLG"), u32 version, u32 n_seqs, u32 vocab
    per sequence: u32 n, i32 tokens[n], f32 logits[n][vocab],
                  f32 logprob_next[n-1]  (log_softmax(logits[i])[tokens[i+1]]),
                  i32 argmax[n]
rope.bin, version 1:
    u32 magic 0x46525045 ("EPRF"), u32 version, u32 n_cases
    per case: u32 json_len, json bytes, u32 half, f32 inv_freq[half],
              u32 n_pos, i64 pos[n_pos], u32 n_heads, u32 head_dim,
              f32 x[n_pos][n_heads*head_dim], f32 rotated[n_pos][n_heads*head_dim]
"""
import argparse
import json
import os
import shutil
import struct
import sys

import torch
import transformers
from safetensors.torch import load_file, save_file

LOGITS_MAGIC = 0x474C5045
ROPE_MAGIC = 0x46525045
VERSION = 1

VOCAB = 256


def randomize(model, seed):
    """Give every parameter O(1)-scale values so logits are well spread and
    every weight (norm gains and biases included) visibly matters."""
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
                # Conv1D stores [in, out]; nn.Linear [out, in]. Scale by fan-in either way.
                fan_in = p.shape[0] if "c_" in name else p.shape[1]
                p.copy_(torch.randn(p.shape, generator=g) / fan_in**0.5)


def legacy_config(path):
    """Rewrite a transformers-5 config.json in the spelling most Hub checkpoints
    use: rope_theta + rope_scaling at top level, torch_dtype instead of dtype."""
    with open(path) as f:
        cfg = json.load(f)
    rp = cfg.pop("rope_parameters", None)
    if rp:
        rp = dict(rp)
        cfg["rope_theta"] = rp.pop("rope_theta", 10000.0)
        if rp.get("rope_type", "default") == "default":
            cfg["rope_scaling"] = None
        else:
            cfg["rope_scaling"] = rp
    if "dtype" in cfg:
        cfg["torch_dtype"] = cfg.pop("dtype")
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)


def sequences(seed, lengths):
    g = torch.Generator().manual_seed(seed)
    return [torch.randint(0, VOCAB, (n,), generator=g).tolist() for n in lengths]


def oracle(path, seqs):
    """Load the fixture directory back and run every sequence on its own, in fp32."""
    model = transformers.AutoModelForCausalLM.from_pretrained(path, attn_implementation="eager")
    model = model.float().eval()
    out = []
    with torch.no_grad():
        for toks in seqs:
            logits = model(torch.tensor([toks])).logits[0].float()
            out.append(logits)
    return out


def write_expected(path, seqs, logits):
    with open(path, "wb") as f:
        f.write(struct.pack("<4I", LOGITS_MAGIC, VERSION, len(seqs), VOCAB))
        for toks, lg in zip(seqs, logits):
            n = len(toks)
            f.write(struct.pack("<I", n))
            f.write(struct.pack(f"<{n}i", *toks))
            f.write(lg.contiguous().numpy().astype("<f4").tobytes())
            lp = torch.log_softmax(lg, dim=-1)
            nxt = [lp[i, toks[i + 1]].item() for i in range(n - 1)]
            f.write(struct.pack(f"<{n - 1}f", *nxt))
            f.write(struct.pack(f"<{n}i", *lg.argmax(dim=-1).tolist()))


def strip_prefix(path, prefix):
    """Rename tensors the way the original Hub GPT-2 files name them (no prefix)."""
    f = os.path.join(path, "model.safetensors")
    tensors = load_file(f)
    save_file({k[len(prefix):] if k.startswith(prefix) else k: v for k, v in tensors.items()}, f,
              metadata={"format": "pt"})


FIXTURES = [
    # name, config class, config kwargs, dtype, options
    ("llama_gqa_f32", "LlamaConfig",
     dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
          num_key_value_heads=2, max_position_embeddings=128, rms_norm_eps=1e-5), torch.float32, {}),
    ("llama_gqa_bf16", "LlamaConfig",
     dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
          num_key_value_heads=2, max_position_embeddings=128, rope_theta=500000.0),
     torch.bfloat16, {"legacy": True}),
    ("llama_tied_bias_f16_sharded", "LlamaConfig",
     dict(hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=2,
          max_position_embeddings=64, tie_word_embeddings=True, attention_bias=True,
          mlp_bias=True), torch.float16, {"shard": "20KB"}),
    ("llama3_rope_f32", "LlamaConfig",
     dict(hidden_size=48, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
          num_key_value_heads=1, head_dim=16, max_position_embeddings=256,
          rope_parameters=dict(rope_type="llama3", rope_theta=10000.0, factor=8.0,
                               low_freq_factor=1.0, high_freq_factor=4.0,
                               original_max_position_embeddings=64)),
     torch.float32, {"legacy": True, "lengths": [40, 9]}),
    ("mistral_swa_f32", "MistralConfig",
     dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
          num_key_value_heads=2, max_position_embeddings=128, sliding_window=5),
     torch.float32, {"lengths": [14, 4, 9]}),
    ("qwen2_tied_f32", "Qwen2Config",
     dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
          num_key_value_heads=2, max_position_embeddings=128, tie_word_embeddings=True,
          rope_theta=1000000.0), torch.float32, {}),
    ("qwen2_bf16", "Qwen2Config",
     dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
          num_key_value_heads=4, max_position_embeddings=128), torch.bfloat16, {"legacy": True}),
    ("gpt2_f32_sharded", "GPT2Config",
     dict(n_embd=32, n_layer=2, n_head=4, n_positions=64), torch.float32, {"shard": "40KB"}),
    ("gpt2_f16_noprefix", "GPT2Config",
     dict(n_embd=32, n_layer=2, n_head=2, n_positions=32, n_inner=48,
          activation_function="gelu_new"), torch.float16, {"strip": "transformer."}),
]


def make_fixture(out, i, name, cls, kw, dtype, opts):
    path = os.path.join(out, name)
    shutil.rmtree(path, ignore_errors=True)
    torch.manual_seed(i)
    cfg = getattr(transformers, cls)(vocab_size=VOCAB, **kw)
    model = transformers.AutoModelForCausalLM.from_config(cfg).float()
    randomize(model, 1000 + i)
    model = model.to(dtype)
    model.save_pretrained(path, max_shard_size=opts.get("shard", "50GB"))
    for extra in ("generation_config.json",):
        if os.path.exists(os.path.join(path, extra)):
            os.remove(os.path.join(path, extra))
    if opts.get("legacy"):
        legacy_config(os.path.join(path, "config.json"))
    if opts.get("strip"):
        strip_prefix(path, opts["strip"])
    seqs = sequences(2000 + i, opts.get("lengths", [12, 7, 16]))
    logits = oracle(path, seqs)
    write_expected(os.path.join(path, "expected.bin"), seqs, logits)
    size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
    note = ""
    if dtype != torch.float32:
        # For the record: how far transformers' own half-precision compute is.
        m = transformers.AutoModelForCausalLM.from_pretrained(path, attn_implementation="eager",
                                                              dtype=dtype).eval()
        with torch.no_grad():
            lo = m(torch.tensor([seqs[0]])).logits[0].float()
        note = f", {dtype} compute differs by {(lo - logits[0]).abs().max().item():.3g}"
    print(f"{name}: {size} bytes{note}")


# ----------------------------------------------------------------- rope

ROPE_CASES = [
    # Llama 3.1 8B's published rope settings.
    {"architectures": ["LlamaForCausalLM"], "vocab_size": 128256, "hidden_size": 4096,
     "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
     "num_key_value_heads": 8, "max_position_embeddings": 131072, "rope_theta": 500000.0,
     "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                      "original_max_position_embeddings": 8192, "rope_type": "llama3"}},
    # The llama3 fixture's settings, in the transformers-5 spelling.
    {"architectures": ["LlamaForCausalLM"], "vocab_size": 256, "hidden_size": 48,
     "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "head_dim": 16,
     "max_position_embeddings": 256,
     "rope_parameters": {"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0,
                         "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 64}},
    {"architectures": ["LlamaForCausalLM"], "vocab_size": 256, "hidden_size": 256,
     "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4,
     "rope_theta": 10000.0, "rope_scaling": {"type": "linear", "factor": 4.0}},
    {"architectures": ["Qwen2ForCausalLM"], "vocab_size": 256, "hidden_size": 896,
     "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 14,
     "rope_theta": 1000000.0},
]
ROPE_POSITIONS = [0, 1, 2, 17, 1000, 8191, 100000]


def write_rope(path):
    from transformers.models.llama.modeling_llama import (LlamaRotaryEmbedding,
                                                          apply_rotary_pos_emb)
    g = torch.Generator().manual_seed(7)
    with open(path, "wb") as f:
        f.write(struct.pack("<3I", ROPE_MAGIC, VERSION, len(ROPE_CASES)))
        for case in ROPE_CASES:
            text = json.dumps(case).encode()
            cfg = transformers.AutoConfig.for_model(
                "qwen2" if "Qwen2" in case["architectures"][0] else "llama",
                **{k: v for k, v in case.items() if k != "architectures"})
            rot = LlamaRotaryEmbedding(cfg)
            inv = rot.inv_freq.float()
            hd = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
            heads = 2
            pos = torch.tensor([ROPE_POSITIONS])
            x = torch.randn(1, heads, len(ROPE_POSITIONS), hd, generator=g)
            cos, sin = rot(x, pos)
            y, _ = apply_rotary_pos_emb(x, x, cos, sin)
            f.write(struct.pack("<I", len(text)) + text)
            f.write(struct.pack("<I", inv.numel()) + inv.numpy().astype("<f4").tobytes())
            f.write(struct.pack("<I", len(ROPE_POSITIONS)))
            f.write(struct.pack(f"<{len(ROPE_POSITIONS)}q", *ROPE_POSITIONS))
            f.write(struct.pack("<2I", heads, hd))
            # (1, heads, n, hd) -> (n, heads * hd), the engine's row layout.
            for t in (x, y):
                f.write(t[0].transpose(0, 1).contiguous().numpy().astype("<f4").tobytes())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="tests/eval/fixtures")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, transformers {transformers.__version__}", file=sys.stderr)
    for i, (name, cls, kw, dtype, opts) in enumerate(FIXTURES):
        make_fixture(args.out, i, name, cls, kw, dtype, opts)
    write_rope(os.path.join(args.out, "rope.bin"))


if __name__ == "__main__":
    main()
