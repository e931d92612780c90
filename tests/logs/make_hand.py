#!/usr/bin/env python3
"""Write the binary variants in tests/logs/hand/ from the real inspect-ai logs.

    .venv/bin/python tests/logs/make_hand.py     # needs the zstandard package

The JSON variants beside them are written by hand; these are .eval archives
the tools could produce in other versions or after a crash:
  inspect-stored.eval       members stored (method 0)
  inspect-multiframe.eval   header.json as three zstd frames with a skippable
                            frame between (inspect splits frames at 200 MiB)
  inspect-unfinished.eval   only _journal/start.json: a run that never finished
  inspect-bad-crc.eval      header.json altered after compression (CRC-32 fails)
  inspect-truncated.eval    the first half of an archive (no central directory)
"""

import os
import struct
import zipfile
import zlib

import zipfile_zstd  # noqa: F401  (method 93 in zipfile, as inspect-ai uses it)
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "real", "inspect-gsm8k.eval")
OUT = os.path.join(HERE, "hand")


def write_zip(path, members):
    """members: [(name, method, data, compressed)] -> a ZIP archive written by hand."""
    out, central = bytearray(), bytearray()
    for name, method, data, comp in members:
        crc, nm = zlib.crc32(data), name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 63, 0, method, 0, 0x21, crc, len(comp),
                           len(data), len(nm), 0) + nm + comp
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 63, 63, 0, method, 0, 0x21, crc,
                               len(comp), len(data), len(nm), 0, 0, 0, 0, 0, offset) + nm
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(out), 0)
    with open(path, "wb") as f:
        f.write(bytes(out + central + end))


def main():
    with zipfile.ZipFile(REAL) as z:
        names = z.namelist()
        content = {n: z.read(n) for n in names}
    write_zip(os.path.join(OUT, "inspect-stored.eval"), [(n, 0, d, d) for n, d in content.items()])
    header = content["header.json"]
    third = len(header) // 3
    cctx = zstandard.ZstdCompressor(level=3, write_checksum=True)
    frames = cctx.compress(header[:third]) + struct.pack("<II", 0x184D2A50, 4) + b"skip" + \
        cctx.compress(header[third:2 * third]) + cctx.compress(header[2 * third:])
    write_zip(os.path.join(OUT, "inspect-multiframe.eval"),
              [("_journal/start.json", 93, content["_journal/start.json"],
                cctx.compress(content["_journal/start.json"])), ("header.json", 93, header, frames)])
    start = content["_journal/start.json"]
    write_zip(os.path.join(OUT, "inspect-unfinished.eval"),
              [("_journal/start.json", 93, start, cctx.compress(start))])
    bad = bytearray(zstandard.ZstdCompressor(level=3).compress(header))
    write_zip(os.path.join(OUT, "inspect-bad-crc.eval"),
              [("header.json", 93, header.replace(b'"success"', b'"suCcess"'), bytes(bad))])
    with open(REAL, "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "inspect-truncated.eval"), "wb") as f:
        f.write(data[: len(data) // 2])


if __name__ == "__main__":
    main()
