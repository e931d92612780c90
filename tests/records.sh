# tests/records.sh — functions for tests that look inside records (after tests/lib.sh).

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

# mkcard [-r REPO] FILE...: card records for README fixtures, made by
# `hf-fetch local` (repo test/NAME for NAME.md unless -r). Each fixture is
# copied out of the source tree first, so that no git revision leaks in.
mkcard() {
	_repo=
	if [ "$1" = -r ]; then
		_repo=$2
		shift 2
	fi
	for _f; do
		_n=$(basename "$_f" .md)
		mkdir -p "$TMP/.cards/$_n" && cp "$_f" "$TMP/.cards/$_n/README.md" || return 2
		hf-fetch local --repo "${_repo:-test/$_n}" "$TMP/.cards/$_n/README.md" 2>/dev/null |
			grep '"kind":"card"' || return 1
	done
}
