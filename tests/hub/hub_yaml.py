"""A small YAML subset reader for README front matter (standard library only).

The test hub parses model-card front matter to fill `cardData` and to answer
`/api/validate-yaml`.  PyYAML is not available to the hub, so this module reads
the subset of YAML that model cards use in practice:

* block mappings and block sequences (including "- key: value" items),
* plain, single-quoted and double-quoted scalars, also when they continue
  over several more-indented lines (as PyYAML writes long strings),
* literal (|) and folded (>) block scalars with chomping indicators,
* single- or multi-line flow collections: [a, b] and {k: v},
* comments, null/bool/int/float resolution as in YAML 1.1 core schema.

Anchors, aliases, tags and multi-document streams are rejected with YamlError.
"""

import re

__all__ = ["YamlError", "loads", "split_front_matter", "FRONT_MATTER_RE"]

# Same expression the Hub server uses to find the front matter block.
FRONT_MATTER_RE = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")


class YamlError(ValueError):
    """Raised for YAML this reader cannot (or refuses to) parse."""


def split_front_matter(text):
    """Return the YAML text of a card's front matter, or None if it has none."""
    match = FRONT_MATTER_RE.search(text)
    return match.group(2) if match else None


def loads(text):
    """Parse a YAML document (the supported subset) into Python objects."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    parser = _Parser(lines)
    value = parser.parse_document()
    return value


# --------------------------------------------------------------------------
# Scalars
# --------------------------------------------------------------------------

_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_HEX_RE = re.compile(r"^0x[0-9a-fA-F_]+$")
# YAML 1.1 (PyYAML) floats need a dot: "1e3" stays a string, "1.0e+3" is a float.
_FLOAT_RE = re.compile(r"^[-+]?([0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)([eE][-+][0-9]+)?$")


def _resolve_plain(token):
    """Resolve a plain scalar to None/bool/int/float/str (YAML 1.1 style)."""
    if token in ("", "~", "null", "Null", "NULL"):
        return None
    if token in ("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"):
        return True
    if token in ("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"):
        return False
    if _INT_RE.match(token):
        return int(token.replace("_", ""))
    if _HEX_RE.match(token):
        return int(token.replace("_", ""), 16)
    if _FLOAT_RE.match(token) and any(c.isdigit() for c in token):
        return float(token.replace("_", ""))
    lowered = token.lower()
    if lowered in (".inf", "+.inf"):
        return float("inf")
    if lowered == "-.inf":
        return float("-inf")
    if lowered == ".nan":
        return float("nan")
    if token[0] in "&*!%@`":
        raise YamlError(f"unsupported YAML construct: {token!r}")
    return token


_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}


def _unescape_double(body):
    """Decode the escapes of a double-quoted scalar body."""
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(body):
            raise YamlError("dangling backslash in double-quoted string")
        esc = body[i + 1]
        width = {"x": 2, "u": 4, "U": 8}.get(esc)
        if width:
            digits = body[i + 2:i + 2 + width]
            if len(digits) != width:
                raise YamlError("short escape in double-quoted string")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        elif esc in _ESCAPES:
            out.append(_ESCAPES[esc])
            i += 2
        else:
            raise YamlError(f"unknown escape \\{esc}")
    return "".join(out)


def _fold_lines(parts):
    """Fold the physical lines of a multi-line flow scalar (blank line = newline)."""
    out = ""
    pending_newlines = 0
    for index, part in enumerate(parts):
        if index and part == "":
            pending_newlines += 1
            continue
        if index:
            out += "\n" * pending_newlines if pending_newlines else " "
        pending_newlines = 0
        out += part
    return out


def _find_quote_end(text, start, quote):
    """Index of the closing quote of a scalar opened at text[start], or -1."""
    i = start + 1
    while i < len(text):
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and i + 1 < len(text) and text[i + 1] == "'":
                i += 2
                continue
            return i
        i += 1
    return -1


def _decode_quoted(raw):
    """Decode a complete quoted scalar (raw includes the quotes and line breaks)."""
    quote, body = raw[0], raw[1:-1]
    pieces = body.split("\n")
    if len(pieces) == 1:
        return body.replace("''", "'") if quote == "'" else _unescape_double(body)
    pieces = [pieces[0]] + [p.lstrip(" \t") for p in pieces[1:]]
    out, pending = [], ""
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        escaped_break = quote == '"' and not last and _ends_with_escape(piece)
        if not last and not escaped_break:
            piece = piece.rstrip(" \t")
        if quote == '"':
            piece = _unescape_double(piece[:-1] if escaped_break else piece)
        else:
            piece = piece.replace("''", "'")
        if index:
            out.append(pending)
        out.append(piece)
        pending = "" if escaped_break else None
    return _join_folded(out)


def _ends_with_escape(piece):
    """True when a line of a double-quoted scalar ends with an escaping backslash."""
    return (len(piece) - len(piece.rstrip("\\"))) % 2 == 1


def _join_folded(parts):
    """Join [line, sep, line, sep, ...]; a None separator folds like plain text."""
    lines, joins = parts[0::2], parts[1::2]
    out = lines[0]
    blank_run = 0
    for join, line in zip(joins, lines[1:]):
        if join == "":
            out += line
            continue
        if line == "":
            blank_run += 1
            continue
        out += "\n" * blank_run if blank_run else " "
        blank_run = 0
        out += line
    return out + "\n" * blank_run


def _strip_comment(text):
    """Remove a trailing ' #comment' from a plain scalar."""
    match = re.search(r"(^|\s)#", text)
    return text[:match.start()].rstrip() if match else text.rstrip()


# --------------------------------------------------------------------------
# Flow collections: [a, b], {k: v}
# --------------------------------------------------------------------------

class _FlowReader:
    """Recursive reader for a flow collection held in one string."""

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def skip_space(self):
        while self.pos < len(self.text) and self.text[self.pos] in " \t\n":
            self.pos += 1

    def read_value(self):
        self.skip_space()
        if self.pos >= len(self.text):
            raise YamlError("unexpected end of flow collection")
        ch = self.text[self.pos]
        if ch == "[":
            return self.read_collection("]", self.read_value)
        if ch == "{":
            return dict(self.read_collection("}", self.read_pair))
        if ch in "'\"":
            end = _find_quote_end(self.text, self.pos, ch)
            if end < 0:
                raise YamlError("unterminated quoted string in flow collection")
            raw = self.text[self.pos:end + 1]
            self.pos = end + 1
            return _decode_quoted(raw)
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",]}":
            if self.text[self.pos] == ":" and self.text[self.pos + 1:self.pos + 2] in (" ", ""):
                break
            self.pos += 1
        token = " ".join(self.text[start:self.pos].split())
        return _resolve_plain(token)

    def read_pair(self):
        key = self.read_value()
        self.skip_space()
        if self.text[self.pos:self.pos + 1] != ":":
            return key, None
        self.pos += 1
        self.skip_space()
        if self.text[self.pos:self.pos + 1] in (",", "}"):
            return key, None
        return key, self.read_value()

    def read_collection(self, closer, read_item):
        self.pos += 1
        items = []
        while True:
            self.skip_space()
            if self.text[self.pos:self.pos + 1] == closer:
                self.pos += 1
                return items
            items.append(read_item())
            self.skip_space()
            sep = self.text[self.pos:self.pos + 1]
            if sep == ",":
                self.pos += 1
            elif sep != closer:
                raise YamlError(f"expected ',' or {closer!r} in flow collection")


def _flow_is_complete(text):
    """True when all brackets of a flow collection opened in text are closed."""
    depth, i = 0, 0
    while i < len(text):
        ch = text[i]
        opens_quote = i == 0 or text[i - 1] in " \t\n[{,:"
        if ch in "'\"" and opens_quote:
            end = _find_quote_end(text, i, ch)
            if end < 0:
                return False
            i = end
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth <= 0


# --------------------------------------------------------------------------
# Block structure
# --------------------------------------------------------------------------

_KEY_RE = re.compile(r"""^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\[\]{},][^#]*?)\s*:(?:\s+|$)""")


def _indent_of(line):
    stripped = line.lstrip(" ")
    if stripped.startswith("\t"):
        raise YamlError("tab characters are not allowed in indentation")
    return len(line) - len(stripped)


def _is_blank(line):
    stripped = line.strip()
    return stripped == "" or stripped.startswith("#")


def _is_seq_item(text):
    return text == "-" or text.startswith("- ")


class _Parser:
    """Line-oriented recursive-descent parser over the document's lines."""

    def __init__(self, lines):
        self.lines = lines
        self.i = 0

    # -- navigation --------------------------------------------------------

    def next_significant(self):
        """Skip blank/comment lines; return (indent, text) of the next line or None."""
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if not _is_blank(line):
                indent = _indent_of(line)
                return indent, line[indent:].rstrip()
            self.i += 1
        return None

    def parse_document(self):
        head = self.next_significant()
        if head is None:
            return None
        if head[1] == "---":
            self.i += 1
            head = self.next_significant()
            if head is None:
                return None
        value = self.parse_block(head[0])
        rest = self.next_significant()
        if rest is not None:
            raise YamlError(f"unexpected content at line {self.i + 1}: {rest[1]!r}")
        return value

    def parse_block(self, indent):
        head = self.next_significant()
        if head is None:
            return None
        if _is_seq_item(head[1]):
            return self.parse_sequence(indent)
        if _KEY_RE.match(head[1]):
            return self.parse_mapping(indent)
        self.i += 1
        return self.parse_scalar(head[1], indent - 1)

    # -- collections -------------------------------------------------------

    def parse_mapping(self, indent):
        result = {}
        while True:
            head = self.next_significant()
            if head is None or head[0] < indent:
                return result
            if head[0] > indent:
                raise YamlError(f"bad indentation at line {self.i + 1}")
            text = head[1]
            match = _KEY_RE.match(text)
            if not match or _is_seq_item(text):
                if _is_seq_item(text):
                    return result
                raise YamlError(f"expected 'key: value' at line {self.i + 1}: {text!r}")
            key = self.parse_key(match.group(0).rstrip().rstrip(":").rstrip())
            rest = text[match.end():]
            self.i += 1
            result[key] = self.parse_value(rest, indent, allow_same_indent_seq=True)

    def parse_sequence(self, indent):
        result = []
        while True:
            head = self.next_significant()
            if head is None or head[0] != indent or not _is_seq_item(head[1]):
                if head is not None and head[0] > indent:
                    raise YamlError(f"bad indentation at line {self.i + 1}")
                return result
            rest = head[1][1:]
            inner = rest.lstrip(" ")
            if inner and (_is_seq_item(inner) or (_KEY_RE.match(inner) and inner[0] not in "[{")):
                # "- key: v" / "- - x": re-read the line as a nested block
                # indented at the column where the item content starts.
                column = indent + 1 + (len(rest) - len(inner))
                self.lines[self.i] = " " * column + inner
                result.append(self.parse_block(column))
            else:
                self.i += 1
                result.append(self.parse_value(inner, indent, allow_same_indent_seq=False))

    def parse_key(self, raw):
        if raw[:1] in "'\"":
            return _decode_quoted(raw)
        value = _resolve_plain(raw)
        return value if isinstance(value, (str, int, float, bool)) else raw

    def parse_value(self, rest, indent, allow_same_indent_seq):
        """Parse what follows 'key:' or '- ' (rest of the line plus continuations)."""
        rest = rest.strip()
        if rest == "" or rest.startswith("#"):
            head = self.next_significant()
            if head is None:
                return None
            if head[0] > indent:
                return self.parse_block(head[0])
            if allow_same_indent_seq and head[0] == indent and _is_seq_item(head[1]):
                return self.parse_sequence(indent)
            return None
        if rest[0] in "|>":
            return self.parse_block_scalar(rest, indent)
        return self.parse_scalar(rest, indent)

    # -- scalars -------------------------------------------------------------

    def continuation_lines(self, indent):
        """Consume following lines indented deeper than `indent` (or blank)."""
        parts = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.strip() == "":
                parts.append("")
                self.i += 1
                continue
            if _indent_of(line) <= indent or line.strip().startswith("#"):
                break
            parts.append(line.strip())
            self.i += 1
        while parts and parts[-1] == "":
            parts.pop()
        return parts

    def parse_scalar(self, rest, indent):
        if rest[0] in "[{":
            text = rest
            while not _flow_is_complete(text) and self.i < len(self.lines):
                text += "\n" + self.lines[self.i]
                self.i += 1
            reader = _FlowReader(text)
            value = reader.read_value()
            if _strip_comment(text[reader.pos:]) != "":
                raise YamlError("trailing characters after flow collection")
            return value
        if rest[0] in "'\"":
            return self.parse_quoted(rest)
        first = _strip_comment(rest)
        parts = [first]
        if first == rest.rstrip():  # no comment ended the scalar: it may continue
            parts += self.continuation_lines(indent)
        text = _fold_lines(parts)
        if ": " in text or text.endswith(":"):
            raise YamlError(f"mapping values are not allowed here: {text[:60]!r}")
        return _resolve_plain(text)

    def parse_quoted(self, rest):
        text = rest
        while _find_quote_end(text, 0, text[0]) < 0:
            if self.i >= len(self.lines):
                raise YamlError("unterminated quoted string")
            text += "\n" + self.lines[self.i]
            self.i += 1
        end = _find_quote_end(text, 0, text[0])
        if _strip_comment(text[end + 1:]) != "":
            raise YamlError(f"unexpected text after quoted string: {text[end + 1:]!r}")
        return _decode_quoted(text[:end + 1])

    def parse_block_scalar(self, header, indent):
        match = re.match(r"^([|>])([-+]?)([1-9]?)([-+]?)\s*(#.*)?$", header)
        if not match:
            raise YamlError(f"bad block scalar header {header!r}")
        style, chomp = match.group(1), match.group(2) or match.group(4)
        raw = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.strip() and _indent_of(line) <= indent:
                break
            raw.append(line)
            self.i += 1
        content = [l for l in raw if l.strip()]
        block_indent = int(match.group(3)) + indent if match.group(3) else (
            min(_indent_of(l) for l in content) if content else indent + 1)
        body = [l[block_indent:] if l.strip() else "" for l in raw]
        while body and body[-1] == "" and chomp != "+":
            body.pop()
        text = "\n".join(body) if style == "|" else _fold_block(body)
        if chomp == "-" or not body:
            return text
        return text + "\n"


def _fold_block(lines):
    """Folding of a '>' block scalar: single newlines become spaces."""
    out = ""
    for index, line in enumerate(lines):
        if index == 0:
            out = line
        elif line == "" or line.startswith(" "):
            out += "\n" + line
        elif lines[index - 1] == "" or lines[index - 1].startswith(" "):
            out += ("\n" if lines[index - 1].startswith(" ") else "") + line
        else:
            out += " " + line
    return out
