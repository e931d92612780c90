#!/usr/bin/env python3
"""An independent implementation of the leaderboard rules (filters/leaderboard.1),
used as the oracle for the C filter. Standard library only.

  oracle.py expect SCORES.ndjson   the boards the rules give, as a summary
  oracle.py summary BOARDS.ndjson  the same summary of leaderboard's `board` records

The summary has one line per board and one per row:
  board DATASET CONFIG SPLIT METRIC lower|higher SCALE models=N ranked=N
  RANK<TAB>MODEL<TAB>VALUE<TAB>STDERR<TAB>BADGE<TAB>dropped=N
Names are written with Python's repr, so hostile ones stay on one line.
"""
import json
import re
import sys

# The metric table of the man page: lower-is-better, and never rescaled ("raw").
LOWER = """perplexity ppl word_perplexity byte_perplexity bits_per_byte bpb bits_per_char
bits_per_character bpc loss eval_loss nll cross_entropy wer cer mer wil ter error_rate eer
mae mse rmse fid latency""".split()
RAW = """perplexity ppl word_perplexity byte_perplexity bits_per_byte bpb bits_per_char
bits_per_character bpc loss eval_loss nll cross_entropy mae mse rmse fid latency elo""".split()
BADGE_ORDER = {"community": 0, "self-reported": 1, "verified": 2}

SP = "[ \t\n\r]*"
NUM = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
VALUE_RE = re.compile(
    "{sp}({num}){sp}(%?){sp}(?:(?:\u00b1|\\+/-|\\+-){sp}({num}){sp}(%?){sp})?".format(sp=SP, num=NUM)
)


class Unusable(Exception):
    pass


def norm_metric(name):
    return "".join(c.lower() for c in name if c.isascii() and c.isalnum())


def in_table(table, metric):
    return norm_metric(metric) in {norm_metric(m) for m in table}


def finite(x):
    return x == x and abs(x) != float("inf")


def parse_value(v):
    """(value, stderr or None, percent sign) or None for a missing value."""
    if v is None:
        return None
    if isinstance(v, bool) or isinstance(v, (dict, list)):
        raise Unusable("metric.value is neither a number nor a string")
    if isinstance(v, (int, float)):
        return (float(v), None, False) if finite(float(v)) else None
    m = VALUE_RE.fullmatch(v)
    if not m:
        return None
    value = float(m.group(1))
    se = float(m.group(3)) if m.group(3) is not None else None
    if not finite(value) or (se is not None and (not finite(se) or se < 0)):
        return None
    return value, se, bool(m.group(2) or m.group(4))


def text(obj, key):
    v = obj.get(key) if isinstance(obj, dict) else None
    return v if isinstance(v, str) and v else None


def badge(s):
    metric, origin, source = s.get("metric") or {}, s.get("origin") or {}, s.get("source") or {}
    if metric.get("verified") is True:
        return "verified"
    for k in ("pull_request", "pullRequest"):
        pr = origin.get(k)
        if (isinstance(pr, int) and not isinstance(pr, bool) and pr > 0) or (isinstance(pr, str) and pr):
            return "community"
    for k in ("revision", "ref"):
        if (text(origin, k) or "").startswith("refs/pr/"):
            return "community"
    url = text(source, "url") or ""
    if "/refs/pr/" in url or "/refs%2Fpr%2F" in url or "/refs%2fpr%2f" in url:
        return "community"
    if re.search(r"/discussions/[0-9]", url):
        return "community"
    return "self-reported"


def round12(x):
    return float("%.12g" % x) if x else x


def entry(s, seq):
    ds, metric = s.get("dataset") or {}, s.get("metric") or {}
    dataset = text(ds, "type") or text(ds, "name")
    mname = text(metric, "type") or text(metric, "name")
    model = text(s, "repo") or text(s, "model")
    if not dataset or not mname or not model:
        raise Unusable("no dataset, metric or model")
    parsed = parse_value(metric.get("value"))
    scale = metric.get("scale")
    if scale is not None and scale not in ("percent", "fraction", "raw"):
        raise Unusable("unknown scale")
    if parsed is not None and metric.get("stderr") is not None and parsed[1] is None:
        se = parse_value(metric["stderr"]) if not isinstance(metric["stderr"], (dict, list, bool)) else None
        if se is not None and se[1] is None and se[0] >= 0:
            parsed = (parsed[0], se[0], parsed[2])
    if scale is None and parsed is not None:
        v = abs(parsed[0])
        if parsed[2]:
            scale = "percent"
        elif in_table(RAW, mname):
            scale = "raw"
        else:
            scale = "fraction" if v <= 1 else "percent" if v <= 100 else "raw"
    date = text(s, "date") or text(s.get("origin") or {}, "date")
    board = (dataset, text(ds, "config"), text(ds, "split"), mname)
    return board, {
        "model": model, "parsed": parsed, "scale": scale, "badge": badge(s), "date": date, "seq": seq,
    }


def preference(e):
    return (e["parsed"] is not None, BADGE_ORDER[e["badge"]], e["date"] is not None, e["date"] or "", e["seq"])


def none_first(x):
    return (x is not None, x or "")


def expect(path):
    boards = {}
    seq = 0
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        s = json.loads(line)
        if s.get("kind") != "score":
            continue
        try:
            key, e = entry(s, seq)
        except Unusable:
            continue
        seq += 1
        boards.setdefault(key, []).append(e)
    out = []
    for key in sorted(boards, key=lambda k: (k[0], none_first(k[1]), none_first(k[2]), k[3])):
        per_model = {}
        for e in boards[key]:
            per_model.setdefault(e["model"], []).append(e)
        rows = []
        for model, es in per_model.items():
            best = max(es, key=preference)
            rows.append(dict(best, dropped=len(es) - 1))
        npct = sum(1 for r in rows if r["parsed"] and r["scale"] == "percent")
        nfra = sum(1 for r in rows if r["parsed"] and r["scale"] == "fraction")
        shown = "raw" if not npct and not nfra else "percent" if npct >= nfra else "fraction"
        for r in rows:
            f = 1.0
            if r["scale"] == "fraction" and shown == "percent":
                f = 100.0
            elif r["scale"] == "percent" and shown == "fraction":
                f = 0.01
            r["value"] = round12(r["parsed"][0] * f) if r["parsed"] else None
            r["se"] = round12(r["parsed"][1] * f) if r["parsed"] and r["parsed"][1] is not None else None
        lower = in_table(LOWER, key[3])
        ranked = sorted((r for r in rows if r["value"] is not None),
                        key=lambda r: (r["value"] if lower else -r["value"], r["model"].encode()))
        unranked = sorted((r for r in rows if r["value"] is None), key=lambda r: r["model"].encode())
        for i, r in enumerate(ranked):
            r["rank"] = ranked[i - 1]["rank"] if i and r["value"] == ranked[i - 1]["value"] else i + 1
        for r in unranked:
            r["rank"] = None
        out.append(head(key, lower, shown, len(rows), len(ranked)))
        out += [row(r["rank"], r["model"], r["value"], r["se"], r["badge"], r["dropped"])
                for r in ranked + unranked]
    return out


def head(key, lower, scale, models, ranked):
    return "board %s %s %s %s %s %s models=%d ranked=%d" % (
        repr(key[0]), repr(key[1]), repr(key[2]), repr(key[3]), "lower" if lower else "higher",
        scale, models, ranked)


def row(rank, model, value, se, badge_, dropped):
    return "\t".join(["-" if rank is None else str(rank), repr(model), repr(value), repr(se), badge_,
                      "dropped=%d" % dropped])


def summary(path):
    out = []
    for line in open(path, encoding="utf-8"):
        b = json.loads(line)
        if b.get("kind") != "board":
            continue
        d, m = b["dataset"], b["metric"]
        out.append(head((d["type"], d["config"], d["split"], m["type"]), m["lower_is_better"],
                        m["scale"], b["models"], b["ranked"]))
        out += [row(r["rank"], r["repo"] or r["model"], r["value"], r["stderr"], r["badge"], r["dropped"])
                for r in b["rows"]]
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("expect", "summary"):
        sys.exit("usage: oracle.py expect|summary FILE")
    lines = (expect if sys.argv[1] == "expect" else summary)(sys.argv[2])
    sys.stdout.write("".join(l + "\n" for l in lines))
