#!/usr/bin/env python3
"""Write bench50.ndjson: the leaderboard fixture, 50 models on one benchmark.

Every case below is deliberate (the comment says which rule it exercises).
The expected boards are not written here: oracle.py works them out from the
rules in filters/leaderboard.1, and bench50.expected is its output, checked
by hand. Run from this directory: python3 make-bench50.py > bench50.ndjson
"""
import json

DS = {"type": "evalpipe/bench50", "name": "Bench-50", "config": "default", "split": "test"}
TASK = {"type": "text-generation", "name": "Text Generation"}
CARD = "https://huggingface.co/%s"

out = []


def score(repo, value, scale="percent", model=None, metric="accuracy", verified=None,
          source=None, origin=None, date=None, stderr=None, dataset=DS, **extra):
    m = {"type": metric, "name": metric.capitalize() if metric == "accuracy" else metric}
    if value is not ...:
        m["value"] = value
    if stderr is not None:
        m["stderr"] = stderr
    if scale is not None:
        m["scale"] = scale
    if verified is not None:
        m["verified"] = verified
    r = {"kind": "score"}
    if repo is not None:
        r["repo"] = repo
    r["model"] = model if model is not None else (repo.split("/")[-1] if repo else None)
    r["task"] = TASK
    r["dataset"] = dataset
    r["metric"] = m
    if source is None and repo is not None:
        source = {"name": "Model card", "url": CARD % repo}
    if source:
        r["source"] = source
    r["origin"] = origin if origin is not None else {"tool": "tables2json", "table": 0}
    if date is not None:
        r["date"] = date
    r.update(extra)
    out.append(r)


def other(kind, **fields):
    out.append(dict({"kind": kind}, **fields))


PR = lambda n: {"tool": "hf-fetch", "pull_request": n}  # noqa: E731 (an open pull request)

other("note", text="records of other kinds pass through in json mode")

# --- plain values, both scales
score("acme/atlas-70b", 82.4, verified=True)
score("acme/atlas-13b", 0.781, scale="fraction")
score("acme/atlas-1b", 0.119, scale="fraction")
score("orca/perfect-7b", 91.0)                              # the best
# --- a three-way tie at 71.3: a numeric string, a fraction and a number
score("beta-labs/bolt-7b", "71.3")
score("beta-labs/bolt-7b-instruct", 0.713, scale="fraction")
score("gamma/gale-8b", 71.3)
# --- value with its error, single digits (numeric, not lexicographic, sort), zero
score("gamma/gale-2b", "20.0 ± 1.2")
score("delta/dune-1b", 9.5)
score("delta/dune-350m", 0)
score("delta/dune-3b", 0.455, scale="fraction", stderr=0.011)
# --- missing values: null, "N/A", no value at all, "nan", words
score("eps/echo-v1", None)
score("eps/echo-v2", "N/A")
score("zeta/zen-34b", ...)
score("zeta/zen-20b", "nan", scale="fraction")
score("zeta/zen-4b", "not evaluated")
# --- one model, several scores: the best-sourced wins, then the latest
score("zeta/zen-9b", 70.0, origin=PR(12))                   # community, higher value
score("zeta/zen-9b", 66.0, date="2026-01-10")               # self-reported: kept
score("eta/ember-7b", 60.2, origin=PR(3))                   # community
score("eta/ember-7b", 0.59, scale="fraction", verified=True)  # verified: kept
score("theta/tide-14b", 63.5, date="2026-02-01")            # latest: kept
score("theta/tide-14b", 62.0, date="2025-12-01")
score("iota/iris-3b", 40.0)                                 # no dates: the later record wins
score("iota/iris-3b", 41.0)
score("kappa/kite-1b", None, verified=True)                 # a value beats none
score("kappa/kite-1b", 33.3)
score("lambda/lumen-7b", 55.5, model="Lumen 7B", date="2026-01-01")
score("lambda/lumen-7b", 0.57, scale="fraction", model="lumen-7b-v2", date="2026-03-01")
# --- hostile names and links (no repo: the model name is what is shown)
score(None, 48.2, model='<script>alert("x")</script>',
      source={"name": "evil <b>source</b>", "url": "https://example.com/?q=<script>"})
score(None, 0.482, scale="fraction", model="\"quoted\" 'model' & co")  # ties with the one above
score(None, 37.7, model="pipe|model|name")
score(None, 36.1, model="line one\nline two",
      source={"name": "click <me>", "url": "javascript:alert(1)"})
score(None, 30.3, model="<img src=x onerror=alert(1)>",
      source={"name": "odd url", "url": "https://example.com/a\"onmouseover=\"alert(1)"})
score(None, 29.9, model="[link](javascript:alert(1))",
      source={"name": "data", "url": "data:text/html,<script>alert(1)</script>"})
score(None, 0.251, scale="fraction", model="модель-β `code` *bold* _em_")
# --- no declared scale: "%" suffix, a fraction, a percentage (a tie across them)
score("mu/mist-7b", "58.1%", scale=None)
score("mu/mist-3b", 0.655, scale=None)
score("nu/nova-7b", 65.5, scale=None)
# --- other spellings of numbers
score("xi/xeno-7b", 50)                                     # an integer
score("xi/xeno-13b", "6.12e1")
score("xi/xeno-1b", " 44.4 ")
score("omicron/orbit-7b", "0.3456 +/- 0.02", scale="fraction")
# --- community in other ways: a discussion URL, a refs/pr/ revision
score("pi/pulse-7b", 68.8, source={"name": "PR", "url": "https://huggingface.co/pi/pulse-7b/discussions/4"})
score("pi/pulse-3b", 0.612, scale="fraction", origin={"tool": "hf-fetch", "revision": "refs/pr/2"})
score("rho/ridge-7b", 74.9, origin={"tool": "hf-fetch", "pullRequest": 7})
# --- the rest of the field
score("sigma/sage-7b", 77.7, date="2026-02-14")
score("sigma/sage-2b", 0.523, scale="fraction")
score("tau/tern-7b", 69.0, verified=True)
score("tau/tern-3b", 0.469, scale="fraction")
score("upsilon/umber-7b", 52.25)
score("phi/flux-7b", 0.7002, scale="fraction")
score("chi/chord-7b", 46.6, source={"name": "Leaderboard", "url": "HTTPS://Example.COM/board?m=chord&v=7b"})
score("psi/pixel-7b", 0.388, scale="fraction")
score("omega/onyx-7b", 27.1)
score("omega/onyx-1b", 14.25)
score("omega/onyx-3b", 0.271000001, scale="fraction")       # near 27.1, not a tie
other("card", repo="acme/atlas-70b", body="passed through")

# --- the lower-is-better board: perplexity on the same benchmark (raw values)
PPL = dict(metric="perplexity", scale="raw")
score("acme/atlas-70b", 3.9, verified=True, **PPL)
score("acme/atlas-13b", 5.2, **PPL)
score("beta-labs/bolt-7b", 6.1, **PPL)
score("gamma/gale-8b", 6.1, **PPL)                          # tie
score("delta/dune-1b", 12.0, **PPL)
score("eps/echo-v1", "N/A", **PPL)                          # missing
score("theta/tide-14b", 8.0, **PPL)                         # self-reported: kept
score("theta/tide-14b", 7.0, origin=PR(9), **PPL)
score("iota/iris-3b", "10.5", **PPL)
score("kappa/kite-1b", 20.25, **PPL)
score("mu/mist-7b", 4.4, scale=None, metric="perplexity")   # raw by the metric table
score("xi/xeno-7b", 9.8, **PPL)
score("sigma/sage-7b", 5.2, **PPL)                          # tie
score("omega/onyx-7b", 11.1, **PPL)

# --- another benchmark, for --dataset
OTHER = {"type": "evalpipe/other", "name": "Other", "split": "validation"}
score("acme/atlas-70b", 0.5, scale="fraction", dataset=OTHER)
score("gamma/gale-8b", 0.25, scale="fraction", dataset=OTHER)
other("note", text="the end")

for r in out:
    print(json.dumps(r, ensure_ascii=False))
