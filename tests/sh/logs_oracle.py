#!/usr/bin/env python3
"""Compare logs2json's scores with the logs read independently: Python's json
module (which accepts NaN/Infinity) for lighteval and lm-eval files, and
inspect-ai's own log reader for inspect .json/.eval files when inspect_ai is
installed (else Python's zipfile + json, with zstandard when available).

    logs_oracle.py SCORES.ndjson LOG...     exit 0 when every value matches

Checked per log: the set of (task key, value key, value, stderr) among scores
whose origin.file is the log; aggregates (lighteval all/_average) are not
expected, as logs2json leaves them out by default.
"""

import json
import math
import sys
import zipfile


def finite(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def expected_lighteval(doc):
    out = set()
    for tkey, metrics in doc["results"].items():
        task = tkey.split("|")[-2] if "|" in tkey else tkey
        if task == "all" or task.endswith(":_average"):
            continue
        for k, v in metrics.items():
            if k.endswith("_stderr") or not finite(v):
                continue
            se = metrics.get(k + "_stderr")
            out.add((tkey, k, v, se if finite(se) else None))
    return out


def expected_lmeval(doc):
    out = set()
    for task, metrics in doc["results"].items():
        for k, v in metrics.items():
            if k in ("alias", "name", "sample_len", "sample_count") or "_stderr" in k:
                continue
            if not finite(v):
                continue
            m, _, f = k.rpartition(",") if "," in k else (k, "", "")
            se = metrics.get(f"{m}_stderr,{f}" if f else f"{m}_stderr")
            out.add((task, k, v, se if finite(se) else None))
    return out


def inspect_header(path):
    try:
        from inspect_ai.log import read_eval_log
        log = read_eval_log(path, header_only=True)
        return json.loads(log.model_dump_json(exclude_none=True))
    except ImportError:
        pass
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("header.json")
            if info.compress_type != 93:  # stored / deflate: the standard library reads them
                return json.loads(z.read("header.json"))
        return json.loads(zstd_member(path, info))
    with open(path) as f:
        return json.load(f)


def zstd_member(path, info):
    """A zstd (method 93) member, read by hand: local header, then the zstandard package."""
    import struct
    import zlib
    import zstandard
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        head = f.read(30)
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        f.seek(info.header_offset + 30 + name_len + extra_len)
        raw = f.read(info.compress_size)
    import io
    reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw), read_across_frames=True)
    data = reader.read()  # every frame of the member, not only the first
    if zlib.crc32(data) != info.CRC or len(data) != info.file_size:
        raise ValueError("%s: header.json does not match its CRC-32 or size" % path)
    return data


def expected_inspect(doc):
    out = set()
    task = doc["eval"]["task"]
    for sc in doc["results"]["scores"]:
        ms = sc["metrics"]
        se = ms.get("stderr", {}).get("value")
        for k, m in ms.items():
            name = m.get("name", k)
            if k == "stderr" or name in ("std", "var") or not finite(m["value"]):
                continue
            s = se if name in ("accuracy", "mean") and finite(se) else None
            out.add((task, k, m["value"], s))
    return out


def expected(path):
    if path.endswith(".eval"):
        return expected_inspect(inspect_header(path))
    with open(path) as f:
        doc = json.load(f)
    if "config_general" in doc:
        return expected_lighteval(doc)
    if "eval" in doc:
        return expected_inspect(inspect_header(path))
    return expected_lmeval(doc)


def main():
    scores = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    failed = 0
    for n, path in enumerate(sys.argv[2:], 1):
        got = {(s["origin"]["task"], s["origin"]["key"], s["metric"]["value"],
                s["metric"].get("stderr")) for s in scores
               if s["kind"] == "score" and s["origin"]["file"] == path}
        want = expected(path)
        if got == want and want:
            print(f"ok {n} - {path}: {len(want)} values match")
        else:
            failed += 1
            print(f"not ok {n} - {path}")
            print(f"#   only in logs2json: {sorted(got - want)[:5]}")
            print(f"#   only in the log:   {sorted(want - got)[:5]}")
    print(f"1..{len(sys.argv) - 2}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
