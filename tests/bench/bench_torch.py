#!/usr/bin/env python3
"""PyTorch/transformers counterpart of bench_forward: the same checkpoint,
batch shape, thread count and measurement (best of N passes; log-softmax of the next token at
every position, then at the last position only), in fp32 on the CPU."""
import argparse
import time

import torch
import transformers


def run(model, batch, seq, vocab, every, iters, gen):
    toks = torch.randint(0, vocab, (batch, seq + 1), generator=gen)
    inp, tgt = toks[:, :-1], toks[:, 1:]
    best = None
    cpu = time.process_time()
    with torch.inference_mode():
        for _ in range(iters):
            t0 = time.perf_counter()
            if every:
                logits = model(inp).logits
                lp = torch.log_softmax(logits, dim=-1).gather(-1, tgt[..., None])
                greedy = logits.argmax(dim=-1) == tgt
            else:
                # What transformers offers for scoring only the last position.
                logits = model(inp, logits_to_keep=1).logits
                lp = torch.log_softmax(logits, dim=-1).gather(-1, tgt[:, -1:, None])
                greedy = logits.argmax(dim=-1) == tgt[:, -1:]
            dt = time.perf_counter() - t0
            best = dt if best is None or dt < best else best
    cpu = time.process_time() - cpu
    del lp, greedy
    return batch * seq / best, batch * seq * iters / cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("dir")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model = transformers.AutoModelForCausalLM.from_pretrained(a.dir, dtype=torch.float32).eval()
    vocab = model.config.vocab_size
    gen = torch.Generator().manual_seed(0)
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, "
          f"{torch.get_num_threads()} threads, attention {model.config._attn_implementation}")
    run(model, a.batch, a.seq, vocab, True, 1, gen)  # warm-up
    every = run(model, a.batch, a.seq, vocab, True, a.iters, gen)
    last = run(model, a.batch, a.seq, vocab, False, a.iters, gen)
    print(f"PyTorch every position scored: {every[0]:8.1f} tokens/s  ({every[1]:.1f} per CPU-second)")
    print(f"PyTorch last position scored:  {last[0]:8.1f} tokens/s  ({last[1]:.1f} per CPU-second)")


if __name__ == "__main__":
    main()
