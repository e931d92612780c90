# tests/records.sh — helpers for tests that look inside records (after tests/lib.sh).

# extract_files IN DIR: write the content of every `file` record in IN to
# DIR/NAME/PATH (NAME: the repo's part after the '/'), byte for byte, and list
# "NAME/PATH changed|unchanged" in DIR/index.
extract_files() {
	python3 - "$1" "$2" <<'PYEOF'
import json, os, sys
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "index"), "w") as index:
    for line in open(sys.argv[1], encoding="utf-8"):
        r = json.loads(line)
        if r.get("kind") != "file":
            continue
        name = os.path.join(r["repo"].split("/")[-1], r["path"])
        os.makedirs(os.path.dirname(os.path.join(out, name)), exist_ok=True)
        with open(os.path.join(out, name), "wb") as f:
            f.write(r["content"].encode("utf-8"))
        index.write("%s %s\n" % (name, "changed" if r["changed"] else "unchanged"))
PYEOF
}

# mkcard FILE...: card records for README fixtures (until hf-fetch local is wired in).
mkcard() {
	"$EP_TOOLS/mkcard" "$@"
}
