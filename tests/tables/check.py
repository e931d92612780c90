#!/usr/bin/env python3
"""Run tables2json on every fixture card and compare with the expectations.

The card records come from `hf-fetch local --repo REPO DIR`.

usage: check.py [-v] [--summary-only] BIN_DIR CARDS_DIR

Each fixture directory holds README.md and `expected`, written by hand from
the README (never from the program's output). Lines of `expected`:

  repo | ORG/NAME                 the card's repository
  args | --flag value             extra command-line arguments (shell words)
  score | TABLE | NAME | DATASET | METRIC | VALUE | SCALE [| k=v ...]
                                  one value a careful reader takes from the card;
                                  METRIC "-" means no metric type; k is one of
                                  stderr, shots, config, split, mconfig
  warn | TEXT                     stderr must contain TEXT
  error | TEXT                    an error record must contain TEXT (status 1)

A score is "recovered" when the program emits it with every field equal; an
emitted score whose key (table, name, dataset, metric, shots, mconfig, config,
split) is expected but whose value, scale or stderr differs is "mismatched";
one whose key is not expected at all is "unexpected". Wrong = mismatched +
unexpected. Exit status 1 unless every fixture matches exactly.
"""
import json
import os
import shlex
import subprocess
import sys

KEYS = ("stderr", "shots", "config", "split", "mconfig")


def parse_expected(path):
    exp = {"repo": None, "args": [], "scores": [], "warn": [], "error": []}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split(" | ")]
            kind = parts[0]
            if kind == "repo":
                exp["repo"] = parts[1]
            elif kind == "args":
                exp["args"] = shlex.split(parts[1])
            elif kind in ("warn", "error"):
                exp[kind].append(parts[1])
            elif kind == "score":
                if len(parts) < 7:
                    raise SystemExit("%s:%d: short score line" % (path, n))
                s = {"table": int(parts[1]), "name": parts[2], "dataset": parts[3],
                     "metric": None if parts[4] == "-" else parts[4],
                     "value": float(parts[5]), "scale": parts[6]}
                for k in KEYS:
                    s[k] = None
                for kv in " ".join(parts[7:]).split():
                    k, _, v = kv.partition("=")
                    if k not in KEYS:
                        raise SystemExit("%s:%d: unknown key %r" % (path, n, k))
                    s[k] = float(v) if k == "stderr" else int(v) if k == "shots" else v
                exp["scores"].append(s)
            else:
                raise SystemExit("%s:%d: unknown line kind %r" % (path, n, kind))
    return exp


def flatten(rec):
    ds, m, o = rec.get("dataset", {}), rec.get("metric", {}), rec.get("origin", {})
    return {"table": o.get("table"), "name": m.get("name"), "dataset": ds.get("type"),
            "metric": m.get("type"), "value": m.get("value"), "scale": m.get("scale"),
            "stderr": m.get("stderr"), "shots": (ds.get("args") or {}).get("num_few_shot"),
            "config": ds.get("config"), "split": ds.get("split"), "mconfig": m.get("config")}


def key(s):
    return (s["table"], s["name"], s["dataset"], s["metric"], s["shots"], s["mconfig"],
            s["config"], s["split"])


def same_num(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9


def run_fixture(bin_dir, d, verbose):
    exp = parse_expected(os.path.join(d, "expected"))
    card = subprocess.run([os.path.join(bin_dir, "hf-fetch"), "local", "--repo", exp["repo"], d],
                          capture_output=True, check=True).stdout
    proc = subprocess.run([os.path.join(bin_dir, "tables2json")] + exp["args"], input=card,
                          capture_output=True)
    out = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    err = proc.stderr.decode()
    got = [flatten(r) for r in out if r.get("kind") == "score"]
    errors = [r for r in out if r.get("kind") == "error"]
    problems = []
    want = {key(s): s for s in exp["scores"]}
    if len(want) != len(exp["scores"]):
        problems.append("expected file has duplicate keys")
    recovered = mismatched = unexpected = 0
    seen = set()
    for g in got:
        w = want.get(key(g))
        if w is None:
            unexpected += 1
            problems.append("unexpected: %s" % json.dumps(g, ensure_ascii=False))
            continue
        seen.add(key(g))
        if (same_num(g["value"], w["value"]) and g["scale"] == w["scale"]
                and same_num(g["stderr"], w["stderr"])):
            recovered += 1
        else:
            mismatched += 1
            problems.append("mismatched: got %s, want %s" % (
                json.dumps(g, ensure_ascii=False), json.dumps(w, ensure_ascii=False)))
    for k, w in want.items():
        if k not in seen:
            problems.append("missing: %s" % json.dumps(w, ensure_ascii=False))
    for text in exp["warn"]:
        if text not in err:
            problems.append("no warning containing %r" % text)
    for text in exp["error"]:
        if not any(text in e.get("message", "") for e in errors):
            problems.append("no error record containing %r" % text)
    want_status = 1 if exp["error"] else 0
    if proc.returncode != want_status:
        problems.append("status %d, expected %d" % (proc.returncode, want_status))
    if not exp["error"] and errors:
        problems.append("unexpected error records: %s" % [e.get("message") for e in errors])
    if verbose and err:
        problems.append("stderr:\n" + err.rstrip())
    return {"expected": len(exp["scores"]), "recovered": recovered, "mismatched": mismatched,
            "unexpected": unexpected, "problems": problems}


def main(argv):
    verbose = "-v" in argv
    summary_only = "--summary-only" in argv
    args = [a for a in argv if not a.startswith("-")]
    if len(args) != 2:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    bin_dir, cards = args
    tot = {"expected": 0, "recovered": 0, "mismatched": 0, "unexpected": 0}
    failed = 0
    dirs = sorted(d for d in os.listdir(cards) if os.path.isfile(os.path.join(cards, d, "expected")))
    for i, name in enumerate(dirs, 1):
        r = run_fixture(bin_dir, os.path.join(cards, name), verbose)
        for k in tot:
            tot[k] += r[k]
        bad = [p for p in r["problems"] if not p.startswith("stderr:")]
        if bad:
            failed += 1
        if not summary_only:
            print("%s %d - %s" % ("not ok" if bad else "ok", i, name))
            for p in r["problems"]:
                print("#   " + p.replace("\n", "\n#   "))
    if not summary_only:
        print("1..%d" % len(dirs))
    wrong = tot["mismatched"] + tot["unexpected"]
    print("# fixtures %d: values expected %d, recovered %d (%.1f%%), wrong %d "
          "(mismatched %d, unexpected %d)" % (
              len(dirs), tot["expected"], tot["recovered"],
              100.0 * tot["recovered"] / max(1, tot["expected"]), wrong, tot["mismatched"],
              tot["unexpected"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
