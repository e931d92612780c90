#!/usr/bin/env python3
"""The reference side of the pyrandom test: read the same request lines as
tests/lmeval/pyrandom-dump (see there) and answer them with CPython's random.
Standard library only. With --requests N SEED it instead prints N request
lines drawn from a wide range of seeds, population sizes and sample sizes."""
import random
import sys


def requests(n, seed):
    g = random.Random(seed)
    out = []
    for _ in range(n):
        s = g.choice([0, 1, 42, 1234, 2**31 - 1, 2**32, 2**32 + 5, 2**40 + 3, g.getrandbits(62)])
        kind = g.choice(["sample", "sample", "seq", "shuffle", "bits", "below"])
        if kind in ("sample", "seq"):
            pop = g.choice([1, 2, 5, 10, 21, 22, 30, 45, 46, 100, 1000, 10042, 100000])
            k = g.randint(0, min(pop, g.choice([1, 5, 6, 10, 25, 40])))
            out.append(f"{kind} {s} {pop} {k}" + (f" {g.randint(2, 6)}" if kind == "seq" else ""))
        elif kind == "shuffle":
            out.append(f"shuffle {s} {g.randint(0, 60)}")
        elif kind == "bits":
            out.append(f"bits {s} {g.choice([1, 7, 31, 32, 33, 50, 63, 64])} 5")
        else:
            out.append(f"below {s} {g.choice([1, 2, 3, 10, 1000, 2**33 + 1, 2**62])} 5")
    return out


def answer(line):
    t = line.split()
    r = random.Random(int(t[1]))
    if t[0] in ("sample", "seq"):
        n, k = int(t[2]), int(t[3])
        reps = int(t[4]) if len(t) > 4 else 1
        return "\n".join(" ".join(map(str, r.sample(range(n), k))) for _ in range(reps))
    if t[0] == "shuffle":
        x = list(range(int(t[2])))
        r.shuffle(x)
        return " ".join(map(str, x))
    if t[0] == "bits":
        return " ".join(str(r.getrandbits(int(t[2]))) for _ in range(int(t[3])))
    return " ".join(str(r.randrange(int(t[2]))) for _ in range(int(t[3])))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--requests":
        print("\n".join(requests(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        for line in sys.stdin:
            if line.strip():
                print(answer(line))
