#!/usr/bin/env python3
"""Differential test of lib/inflate, lib/zstdec and lib/zipdir (through ziptool)
against independent implementations: Python's zlib and zipfile, and the
zstandard package (skipped when it is not installed).

    decoders_oracle.py ZIPTOOL WORKDIR [N]

Prints TAP: one line per group, with every mismatch listed.
"""

import io
import os
import random
import struct
import subprocess
import sys
import zipfile
import zlib

try:
    import zstandard
except ImportError:
    zstandard = None

tool, work = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 200
rng = random.Random(1951)
os.makedirs(work, exist_ok=True)
count = 0
failed = 0


def sample(i):
    """Inputs of many shapes: empty, random, text, JSON-ish, long runs, mixtures."""
    kind = i % 8
    n = rng.choice([0, 1, 2, 3, 7, 64, 255, 1000, 4096, 70000, 140000, 300000])
    if kind == 0:
        return bytes(rng.getrandbits(8) for _ in range(min(n, 5000)))
    if kind == 1:
        words = [b"accuracy", b"stderr", b"NaN", b"{", b"}", b'"value":', b"0.25", b"\n", b" "]
        return b"".join(rng.choice(words) for _ in range(n // 4))[:n]
    if kind == 2:
        return bytes([rng.randrange(3)]) * n
    if kind == 3:
        return bytes(rng.randrange(4) + 65 for _ in range(n))
    if kind == 4:
        base = os.urandom(rng.randrange(1, 300))
        return (base * (n // len(base) + 1))[:n]
    if kind == 5:
        return "".join(chr(rng.randrange(32, 0x3000)) for _ in range(n // 3)).encode()
    if kind == 6:
        doc = {"results": {f"task_{k}": {"acc,none": rng.random(), "acc_stderr,none": "N/A"}
                           for k in range(n // 60 + 1)}}
        return repr(doc).encode()
    parts = [sample(rng.randrange(6)) for _ in range(3)]
    return b"".join(parts)


def run(args):
    return subprocess.run([tool] + args, capture_output=True)


def check(name, ok, detail=""):
    global count, failed
    count += 1
    if ok:
        print(f"ok {count} - {name}")
    else:
        failed += 1
        print(f"not ok {count} - {name}")
        print(f"#   {detail}")


def deflate_raw(data, level, strategy):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    return c.compress(data) + c.flush()


def group_inflate():
    bad = []
    strategies = [zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE,
                  zlib.Z_FIXED]
    for i in range(N):
        data = sample(i)
        comp = deflate_raw(data, rng.randrange(0, 10), rng.choice(strategies))
        path = os.path.join(work, "d.bin")
        open(path, "wb").write(comp)
        r = run(["inflate", path])
        if r.returncode != 0 or r.stdout != data:
            bad.append(f"case {i}: status {r.returncode} {r.stderr[:100]!r} len {len(data)}")
    check(f"inflate matches zlib on {N} streams", not bad, "; ".join(bad[:5]))


def group_zstd():
    global count
    if zstandard is None:
        count += 1
        print(f"ok {count} - zstd # SKIP zstandard not installed")
        return
    bad = []
    for i in range(N):
        data = sample(i)
        params = dict(level=rng.choice([-5, -1, 1, 3, 6, 9, 12, 15, 19, 22]),
                      write_checksum=rng.random() < 0.5,
                      write_content_size=rng.random() < 0.7)
        comp = zstandard.ZstdCompressor(**params).compress(data)
        if i % 7 == 3:   # several frames, a skippable frame between them
            more = sample(i + 1)
            comp += struct.pack("<II", 0x184D2A5A, 5) + b"skip!" + \
                zstandard.ZstdCompressor(level=3).compress(more)
            data += more
        if i % 11 == 5:  # streaming: no content size, several blocks
            c = zstandard.ZstdCompressor(level=3).compressobj()
            comp = c.compress(data[: len(data) // 2]) + c.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK) + \
                c.compress(data[len(data) // 2:]) + c.flush()
        path = os.path.join(work, "z.bin")
        open(path, "wb").write(comp)
        r = run(["zstd", path])
        if r.returncode != 0 or r.stdout != data:
            bad.append(f"case {i} {params}: status {r.returncode} {r.stderr[:120]!r} len {len(data)}")
    check(f"zstd decoder matches the zstandard package on {N} frames", not bad, "; ".join(bad[:5]))


def group_xxh64():
    if zstandard is None:
        return
    bad = []
    for i in range(60):
        data = os.urandom(i * 7)
        comp = zstandard.ZstdCompressor(write_checksum=True, write_content_size=True).compress(data)
        want = struct.unpack("<I", comp[-4:])[0]
        path = os.path.join(work, "x.bin")
        open(path, "wb").write(data)
        got = int(run(["xxh64", path]).stdout, 16) & 0xFFFFFFFF
        if got != want:
            bad.append(f"len {len(data)}")
    check("XXH64 agrees with zstd frame checksums", not bad, "; ".join(bad[:5]))


def group_zip():
    methods = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]
    if zstandard is not None:
        try:
            import zipfile_zstd  # noqa: F401  (adds method 93 to zipfile, as inspect-ai does)
            methods.append(zipfile.ZIP_ZSTANDARD)
        except ImportError:
            pass
    bad = []
    for i in range(max(10, N // 10)):
        path = os.path.join(work, f"a{i}.zip")
        members = {}
        with zipfile.ZipFile(path, "w") as z:
            for k in range(rng.randrange(1, 6)):
                name = f"dir{k}/member_{k}.json" if k % 2 else f"header{k}.json"
                data = sample(rng.randrange(50))
                method = rng.choice(methods)
                zinfo = zipfile.ZipInfo(name)
                zinfo.compress_type = method
                with z.open(zinfo, "w", force_zip64=(i % 4 == 1)) as w:
                    w.write(data)
                members[name] = (method, data)
        listing = run(["list", path])
        if listing.returncode != 0:
            bad.append(f"archive {i}: list failed {listing.stderr!r}")
            continue
        for name, (method, data) in members.items():
            r = run(["cat", path, name])
            if r.returncode != 0 or r.stdout != data:
                bad.append(f"archive {i} {name} method {method}: {r.returncode} {r.stderr[:100]!r}")
    check(f"ZIP members (stored, deflate{', zstd' if len(methods) > 2 else ''}, ZIP64) "
          "match zipfile", not bad, "; ".join(bad[:5]))


def group_zip64():
    """More than 65535 members: zipfile writes the ZIP64 end record and locator."""
    path = os.path.join(work, "many.zip")
    with zipfile.ZipFile(path, "w") as z:
        for k in range(66000):
            z.writestr(f"samples/{k}.json", b"")
        z.writestr("header.json", b'{"version": 2}', compress_type=zipfile.ZIP_DEFLATED)
    listing = run(["list", path]).stdout.decode().splitlines()
    r = run(["cat", path, "header.json"])
    check("ZIP64 end record: 66001 members listed, the last one read",
          len(listing) == 66001 and r.stdout == b'{"version": 2}',
          f"{len(listing)} members, {r.returncode} {r.stderr[:100]!r}")


def group_corrupt():
    """Truncated and bit-flipped inputs: a clean refusal or some output, never a crash."""
    crashes = []
    for i in range(N):
        data = sample(i) or b"x"
        if zstandard is not None and i % 2:
            comp, mode = zstandard.ZstdCompressor(level=3, write_checksum=True).compress(data), "zstd"
        else:
            comp, mode = deflate_raw(data, 6, zlib.Z_DEFAULT_STRATEGY), "inflate"
        b = bytearray(comp)
        if i % 3 == 0:
            b = b[: rng.randrange(len(b))]
        else:
            for _ in range(rng.randrange(1, 4)):
                b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        path = os.path.join(work, "c.bin")
        open(path, "wb").write(bytes(b))
        r = run([mode, path])
        if r.returncode not in (0, 1):
            crashes.append(f"case {i} {mode}: status {r.returncode}")
        elif r.returncode == 0 and mode == "zstd" and r.stdout != data:
            crashes.append(f"case {i}: corrupt zstd frame with a checksum decoded to other bytes")
    check(f"{N} corrupt streams are refused or decoded, never a crash", not crashes,
          "; ".join(crashes[:5]))


group_inflate()
group_zstd()
group_xxh64()
group_zip()
group_zip64()
group_corrupt()
print(f"1..{count}")
sys.exit(1 if failed else 0)
