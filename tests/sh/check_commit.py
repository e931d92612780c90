"""check_commit.py FILES REPO MODE < hub log: the one commit POST for REPO carried exactly
the header and base64 file lines for the file records in FILES, with the token."""
import base64
import json
import sys

files = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["kind"] == "file"]
repo, mode = sys.argv[2], sys.argv[3]
posts = [e for e in map(json.loads, sys.stdin)
         if e["method"] == "POST" and e["path"] == "/api/models/%s/commit/main" % repo]
assert len(posts) == 1, "%d commit POSTs" % len(posts)
post = posts[0]
assert (post["query"] == "create_pr=1") == (mode == "create_pr"), post["query"]
assert post["headers"]["content-type"] == "application/x-ndjson"
assert post["headers"]["authorization"].startswith("Bearer hf_"), "no token"
lines = [json.loads(l) for l in post["body"].splitlines()]
header = lines[0]
assert header["key"] == "header", header
assert header["value"]["parentCommit"] == files[0]["base_revision"]
assert header["value"]["summary"], "empty title"
assert "<!-- evalpipe-change: sha256:" in header["value"]["description"]
want = [{"key": "file", "value": {"path": f["path"],
                                  "content": base64.b64encode(f["content"].encode()).decode(),
                                  "encoding": "base64"}} for f in files]
assert lines[1:] == want, lines[1:]
