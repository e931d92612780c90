#!/usr/bin/env python3
"""Generate lib/eval/unicode_data.c, the Unicode tables of the tokenizer.

    python3 lib/eval/gen_unicode.py [UCD_DIR] > lib/eval/unicode_data.c

The tables follow what the Hugging Face `tokenizers` library (0.23) uses, so
that token ids come out identical:

* General categories for \\p{..} come from `unicodedata2` 16.0.0 when it is
  installed (pip install unicodedata2==16.0.0): the library's regex engine,
  Oniguruma, carries Unicode 16 tables. Without it, Python's own unicodedata.
* White_Space is the fixed list of PropList.txt (unchanged since Unicode 6.3).
* \\w (word characters, used by added tokens marked single_word) is
  Alphabetic + Mark + Nd + Pc + Join_Control, Other_Alphabetic from
  UCD_DIR/PropList.txt.
* Normalisation (NFC/NFD/NFKC/NFKD) is frozen at Unicode 9.0: the library
  uses the unicode-normalization-alignments crate, whose tables are 9.0.
  Characters assigned after 9.0 (UCD_DIR/DerivedAge.txt) are left alone.
  Mappings themselves come from Python's unicodedata (stable across versions).
* Lowercase (per code point, full mapping) is Python's str.lower() plus
  LOWER_ADDED, the mappings Unicode 16.0 and 17.0 added (UnicodeData.txt
  field 13): Rust's char::to_lowercase is at 17.0. Simple
  case folding (for the regex (?i) flag) is UCD_DIR/CaseFolding.txt (C+S).

UCD_DIR defaults to /usr/share/unicode (Debian package unicode-data).
"""
import os
import sys
import unicodedata as ud_norm

try:
    import unicodedata2 as ud_cat
except ImportError:  # pragma: no cover
    ud_cat = ud_norm

UCD = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
NORM_AGE = (9, 0)
MAXCP = 0x110000
GCS = ["Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd",
       "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf",
       "Cs", "Co"]
WHITE_SPACE = [(0x09, 0x0D), (0x20, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680),
               (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F),
               (0x3000, 0x3000)]
BLOCK = 128
# (first, last, delta): lowercase mappings new in Unicode 16.0/17.0, missing
# from older Python versions' tables.
LOWER_ADDED = [(0x1C89, 0x1C89, 1), (0xA7CB, 0xA7CB, 0x0264 - 0xA7CB), (0xA7CC, 0xA7CC, 1),
               (0xA7CE, 0xA7CE, 1), (0xA7D2, 0xA7D2, 1), (0xA7D4, 0xA7D4, 1),
               (0xA7DA, 0xA7DA, 1), (0xA7DC, 0xA7DC, 0x019B - 0xA7DC),
               (0x10D50, 0x10D65, 0x20), (0x16EA0, 0x16EB8, 0x1B)]


def ucd_ranges(name, want=None):
    """Yield (lo, hi, fields) from a UCD property file."""
    with open(os.path.join(UCD, name), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = [x.strip() for x in line.split(";")]
            r = fields[0].split("..")
            lo = int(r[0], 16)
            hi = int(r[-1], 16)
            if want is None or fields[1] == want:
                yield lo, hi, fields[1:]


def in_ranges(ranges, cp):
    return any(lo <= cp <= hi for lo, hi in ranges)


def prop_bytes(norm_relevant):
    other_alpha = set()
    for lo, hi, _ in ucd_ranges("PropList.txt", "Other_Alphabetic"):
        other_alpha.update(range(lo, hi + 1))
    ws = set()
    for lo, hi in WHITE_SPACE:
        ws.update(range(lo, hi + 1))
    out = bytearray(MAXCP)
    for cp in range(MAXCP):
        gc = ud_cat.category(chr(cp))
        v = GCS.index(gc)
        word = gc[0] in "LM" or gc in ("Nd", "Nl", "Pc") or cp in other_alpha or cp in (0x200C, 0x200D)
        if cp in ws:
            v |= 0x20
        if word:
            v |= 0x40
        if cp in norm_relevant:
            v |= 0x80
        out[cp] = v
    return out


def emit_two_level(props):
    blocks = {}
    stage1 = []
    stage2 = []
    for b in range(0, MAXCP, BLOCK):
        chunk = bytes(props[b:b + BLOCK])
        if chunk not in blocks:
            blocks[chunk] = len(blocks)
            stage2.append(chunk)
        stage1.append(blocks[chunk])
    print("const uint16_t uc_prop_stage1[%d] = {" % len(stage1))
    emit_numbers(stage1, 24)
    print("};")
    print("const uint8_t uc_prop_stage2[%d] = {" % (len(stage2) * BLOCK))
    emit_numbers([x for chunk in stage2 for x in chunk], 32)
    print("};\n")


def emit_numbers(nums, per_line=16, fmt="%d"):
    for i in range(0, len(nums), per_line):
        print("    " + ", ".join(fmt % n for n in nums[i:i + per_line]) + ",")


def norm_ages():
    """Set of code points assigned in Unicode <= NORM_AGE."""
    old = set()
    for lo, hi, f in ucd_ranges("DerivedAge.txt"):
        major, minor = (int(x) for x in f[0].split("."))
        if (major, minor) <= NORM_AGE:
            old.update(range(lo, hi + 1))
    return old


def is_hangul(cp):
    return 0xAC00 <= cp <= 0xD7A3


def norm_relevant(old):
    """Code points normalisation may change or join to the char before (bit 7)."""
    rel = set(range(0x1100, 0x1200)) | set(range(0xAC00, 0xD7A4))  # Hangul jamo, syllables
    for cp in old:
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        dec = ud_norm.decomposition(ch)
        if ud_norm.combining(ch) or dec:
            rel.add(cp)
        parts = dec.split()
        if len(parts) == 2 and not dec.startswith("<"):
            rel.add(int(parts[1], 16))  # may be the second half of a composition
    return rel


def emit_normalization(old):
    ccc = []
    canon = []
    compat = []
    comps = []
    for cp in range(MAXCP):
        if cp not in old or 0xD800 <= cp <= 0xDFFF or is_hangul(cp):
            continue
        ch = chr(cp)
        c = ud_norm.combining(ch)
        if c:
            ccc.append((cp, c))
        d = ud_norm.normalize("NFD", ch)
        if d != ch:
            canon.append((cp, [ord(x) for x in d]))
        k = ud_norm.normalize("NFKD", ch)
        if k != ch:
            compat.append((cp, [ord(x) for x in k]))
        dec = ud_norm.decomposition(ch)
        if dec and not dec.startswith("<"):
            parts = [int(x, 16) for x in dec.split()]
            if len(parts) == 2 and ud_norm.normalize("NFC", chr(parts[0]) + chr(parts[1])) == ch:
                comps.append((parts[0], parts[1], cp))
    # ccc as runs of equal value
    runs = []
    for cp, c in ccc:
        if runs and runs[-1][1] == cp - 1 and runs[-1][2] == c:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp, c])
    print("const struct uc_ccc_range uc_ccc[%d] = {" % len(runs))
    for lo, hi, c in runs:
        print("    { 0x%04X, 0x%04X, %d }," % (lo, hi, c))
    print("};\n")
    pool = []
    for name, table in (("uc_canon", canon), ("uc_compat", compat)):
        print("const struct uc_decomp %s[%d] = {" % (name, len(table)))
        for cp, seq in table:
            print("    { 0x%04X, %d, %d }," % (cp, len(pool), len(seq)))
            pool.extend(seq)
        print("};\n")
    print("const uint32_t uc_decomp_pool[%d] = {" % len(pool))
    emit_numbers(pool, 10, "0x%04X")
    print("};\n")
    comps.sort()
    print("const struct uc_comp uc_comp[%d] = {" % len(comps))
    for a, b, c in comps:
        print("    { 0x%04X, 0x%04X, 0x%04X }," % (a, b, c))
    print("};\n")
    return len(runs), len(canon), len(compat), len(pool), len(comps)


def emit_case():
    lower = []
    for cp in range(MAXCP):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        lo = chr(cp).lower()
        for first, last, delta in LOWER_ADDED:
            if first <= cp <= last and lo == chr(cp):
                lo = chr(cp + delta)
        if lo != chr(cp):
            lower.append((cp, [ord(x) for x in lo]))
    print("const struct uc_lower uc_lower[%d] = {" % len(lower))
    for cp, seq in lower:
        seq = seq + [0] * (3 - len(seq))
        print("    { 0x%04X, { 0x%04X, 0x%04X, 0x%04X } }," % (cp, *seq))
    print("};\n")
    fold = []
    for lo, hi, f in ucd_ranges("CaseFolding.txt"):
        if f[0] in ("C", "S"):
            fold.append((lo, int(f[1], 16)))
    fold.sort()
    print("const struct uc_fold uc_fold[%d] = {" % len(fold))
    for cp, to in fold:
        print("    { 0x%04X, 0x%04X }," % (cp, to))
    print("};\n")
    return len(lower), len(fold)


def main():
    print("/*")
    print(" * unicode_data — generated by lib/eval/gen_unicode.py; do not edit.")
    print(" *")
    print(" * Categories: Unicode %s. Normalisation: Unicode %d.%d subset of %s data." %
          (ud_cat.unidata_version, NORM_AGE[0], NORM_AGE[1], ud_norm.unidata_version))
    print(" * Case folding and Other_Alphabetic: %s." % UCD)
    print(" */")
    print('#include "lib/eval/unicode.h"\n')
    print("const char uc_version_categories[] = \"%s\";" % ud_cat.unidata_version)
    print("const char uc_version_normalization[] = \"%d.%d\";\n" % NORM_AGE)
    old = norm_ages()
    emit_two_level(prop_bytes(norm_relevant(old)))
    nccc, ncanon, ncompat, npool, ncomp = emit_normalization(old)
    nlower, nfold = emit_case()
    print("const size_t uc_ccc_len = %d, uc_canon_len = %d, uc_compat_len = %d;" % (nccc, ncanon, ncompat))
    print("const size_t uc_comp_len = %d, uc_lower_len = %d, uc_fold_len = %d;" % (ncomp, nlower, nfold))


if __name__ == "__main__":
    main()
