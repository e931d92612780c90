"""Repository state of the test hub: fixtures, commits, refs, discussions, users.

Everything lives in memory.  A repository is a set of commits (each a full
snapshot of path -> Blob) plus refs (branches and refs/pr/N).  All mutation goes
through Store methods that hold Store.lock, so request threads see a consistent
state.
"""

import fnmatch
import hashlib
import json
import os
import threading
import time

import hub_yaml

DEFAULT_LFS_PATTERNS = ["*.safetensors", "*.bin", "*.parquet"]
DEFAULT_DATE = "2024-01-15T10:00:00.000Z"
REPO_TYPES = ("model", "dataset")

# Used when the fixture directory has no users.json.
DEFAULT_USERS = {
    "hf_alice_write": {"name": "alice", "orgs": ["evalpipe-test"], "role": "write",
                       "gated_access": ["gated-org/gated-model"]},
    "hf_bob_read": {"name": "bob", "orgs": [], "role": "read"},
    "hf_carol_write": {"name": "carol", "orgs": [], "role": "write"},
}


class HubError(Exception):
    """An API error: HTTP status, X-Error-Code (may be None) and message."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def now_iso():
    """Current UTC time in the Hub's format (millisecond precision, Z suffix)."""
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % (int(t * 1000) % 1000)


def short_id(text):
    """A stable 24-hex id (the Hub's Mongo-style `_id`) derived from text."""
    return hashlib.sha1(text.encode()).hexdigest()[:24]


# --------------------------------------------------------------------------
# Blobs and commits
# --------------------------------------------------------------------------

class Blob:
    """Immutable file content with its git and LFS identities."""

    __slots__ = ("data", "lfs", "sha1", "sha256", "pointer", "pointer_sha1")

    def __init__(self, data, lfs=False):
        self.data = data
        self.lfs = lfs
        self.sha256 = hashlib.sha256(data).hexdigest() if lfs else None
        self.pointer = None
        if lfs:
            self.pointer = (f"version https://git-lfs.github.com/spec/v1\n"
                            f"oid sha256:{self.sha256}\nsize {len(data)}\n").encode()
        self.sha1 = git_blob_sha1(self.pointer if lfs else data)

    @property
    def size(self):
        return len(self.data)

    @property
    def git_content(self):
        """What git stores: the content, or the pointer file for LFS."""
        return self.pointer if self.lfs else self.data


def blob_id(blob):
    return blob.sha1 if blob is not None else None


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def tree_digest(files):
    """Deterministic digest of a snapshot: sorted paths and blob ids."""
    h = hashlib.sha1()
    for path in sorted(files):
        h.update(path.encode() + b"\0" + files[path].sha1.encode() + b"\n")
    return h.hexdigest()


class Commit:
    """One commit: a full snapshot plus metadata and the parent commit id."""

    __slots__ = ("sha", "parent", "files", "title", "message", "author", "date")

    def __init__(self, sha, parent, files, title, message="", author=None, date=None):
        self.sha = sha
        self.parent = parent
        self.files = files
        self.title = title
        self.message = message
        self.author = author
        self.date = date or DEFAULT_DATE


# --------------------------------------------------------------------------
# Repositories
# --------------------------------------------------------------------------

class Repo:
    """A model or dataset repository with its history, refs and discussions."""

    def __init__(self, repo_type, repo_id, meta):
        self.type = repo_type
        self.id = repo_id
        self.meta = meta
        self.lfs_patterns = meta.get("lfs", DEFAULT_LFS_PATTERNS)
        self.commits = {}
        self.refs = {}          # "refs/heads/main" / "refs/pr/3" -> sha
        self.discussions = {}   # num -> Discussion dict (see Store._new_discussion)
        self.viewer = {}        # config -> {"features": [...] | None, "splits": {split: [rows]}}
        self.last_modified = meta.get("lastModified", DEFAULT_DATE)
        self._card_cache = {}   # README blob sha1 -> parsed front matter (or None)
        self.fields_cache = {}  # API field dicts per commit (see hub_api.repo_fields)

    @property
    def org(self):
        return self.id.split("/", 1)[0]

    @property
    def name(self):
        return self.id.split("/", 1)[1]

    @property
    def private(self):
        return bool(self.meta.get("private", False))

    @property
    def gated(self):
        return self.meta.get("gated", False) or False

    @property
    def head(self):
        return self.refs["refs/heads/main"]

    def is_lfs_path(self, path):
        base = path.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatch(path, pat) or fnmatch.fnmatch(base, pat) for pat in self.lfs_patterns)

    def make_blob(self, path, data):
        return Blob(data, lfs=self.is_lfs_path(path))

    def add_commit(self, parent, files, title, message="", author=None, date=None):
        """Create a commit object (not attached to any ref) and return it."""
        seed = f"{parent}\n{tree_digest(files)}\n{title}\n{message}\n{len(self.commits)}"
        sha = hashlib.sha1(seed.encode()).hexdigest()
        commit = Commit(sha, parent, files, title, message, author, date or now_iso())
        self.commits[sha] = commit
        return commit

    # -- revisions ------------------------------------------------------------

    def resolve(self, revision):
        """Map a revision (branch, refs/..., HEAD, full or 7+ hex prefix) to a Commit."""
        rev = revision or "main"
        if rev == "HEAD":
            rev = "main"
        for ref in (rev, "refs/heads/" + rev):
            if ref in self.refs:
                return self.commits[self.refs[ref]]
        if rev in self.commits:
            return self.commits[rev]
        return self.find_commit_prefix(rev, min_len=7)

    def find_commit_prefix(self, prefix, min_len=5):
        prefix = prefix.lower()
        if len(prefix) < min_len or any(c not in "0123456789abcdef" for c in prefix):
            return None
        matches = [c for sha, c in list(self.commits.items()) if sha.startswith(prefix)]
        return matches[0] if len(matches) == 1 else None

    def branch_ref(self, revision):
        """The full ref name for a branch or PR revision, or None."""
        for ref in (revision, "refs/heads/" + revision):
            if ref in self.refs:
                return ref
        return None

    def history(self, commit):
        """Commits from `commit` back to the root (newest first)."""
        out = []
        while commit is not None:
            out.append(commit)
            commit = self.commits.get(commit.parent) if commit.parent else None
        return out

    # -- card data --------------------------------------------------------------

    def card_data(self, commit):
        """Parsed README front matter at `commit` (dict), or None."""
        blob = commit.files.get("README.md")
        if blob is None:
            return None
        if blob.sha1 not in self._card_cache:
            self._card_cache[blob.sha1] = parse_card(blob.data)
        return self._card_cache[blob.sha1]

    def tags(self, commit):
        """Explicit tags plus the ones the Hub derives from the card."""
        card = self.card_data(commit) or {}
        tags = list(self.meta.get("tags", []))
        extra = []
        for key in ("library_name", "pipeline_tag"):
            if self.field(key, commit):
                extra.append(self.field(key, commit))
        for tag in as_list(card.get("tags")):
            extra.append(str(tag))
        for dataset in as_list(card.get("datasets")):
            extra.append(f"dataset:{dataset}")
        for lang in as_list(card.get("language")):
            extra.append(str(lang))
        if card.get("license"):
            extra.append(f"license:{card['license']}")
        extra.append("region:us")
        for tag in extra:
            if tag not in tags:
                tags.append(tag)
        return tags

    def field(self, key, commit):
        """A metadata field from .hub.json, falling back to the card."""
        if key in self.meta:
            return self.meta[key]
        card = self.card_data(commit) or {}
        value = card.get(key)
        return value if isinstance(value, str) else None


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_card(data):
    """Parse the YAML front matter of README bytes; None if absent or invalid."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    block = hub_yaml.split_front_matter(text)
    if block is None:
        return None
    try:
        value = hub_yaml.loads(block)
    except hub_yaml.YamlError:
        return None
    return value if isinstance(value, dict) else None


# --------------------------------------------------------------------------
# Loading fixtures
# --------------------------------------------------------------------------

HIDDEN_NAMES = (".hub.json", ".viewer")


def read_repo_files(directory):
    """All files of a fixture repo directory as {relative posix path: bytes}."""
    files = {}
    for root, dirs, names in os.walk(directory):
        rel_root = os.path.relpath(root, directory)
        if rel_root == ".":
            dirs[:] = [d for d in dirs if d not in HIDDEN_NAMES and d != ".git"]
            names = [n for n in names if n not in HIDDEN_NAMES]
        dirs.sort()
        for name in sorted(names):
            rel = name if rel_root == "." else f"{rel_root}/{name}".replace(os.sep, "/")
            with open(os.path.join(root, name), "rb") as f:
                files[rel] = f.read()
    return files


def load_viewer(directory):
    """Dataset-viewer rows under <repo>/.viewer/<config>/<split>.jsonl."""
    viewer = {}
    base = os.path.join(directory, ".viewer")
    if not os.path.isdir(base):
        return viewer
    for config in sorted(os.listdir(base)):
        cdir = os.path.join(base, config)
        if not os.path.isdir(cdir):
            continue
        entry = {"features": None, "splits": {}}
        for name in sorted(os.listdir(cdir)):
            path = os.path.join(cdir, name)
            if name == "features.json":
                with open(path, encoding="utf-8") as f:
                    entry["features"] = json.load(f)
            elif name.endswith(".jsonl"):
                with open(path, encoding="utf-8") as f:
                    entry["splits"][name[:-6]] = [json.loads(l) for l in f if l.strip()]
        viewer[config] = entry
    return viewer


def synthetic_card(index, org):
    """README of a generated benchmark model (front matter with a model-index)."""
    arc = 30 + (index * 37) % 500 / 10
    hella = 40 + (index * 53) % 450 / 10
    name = f"model-{index:04d}"
    datasets = "- allenai/ai2_arc\n- Rowan/hellaswag\n" if index % 2 == 0 else "- Rowan/hellaswag\n"
    return (f"---\nlicense: apache-2.0\nlanguage:\n- en\ndatasets:\n{datasets}"
            f"tags:\n- synthetic\nmodel-index:\n- name: {name}\n  results:\n"
            f"  - task:\n      type: text-generation\n    dataset:\n      name: AI2 Reasoning Challenge (25-Shot)\n"
            f"      type: ai2_arc\n      config: ARC-Challenge\n      split: test\n"
            f"    metrics:\n    - type: acc_norm\n      value: {arc:.1f}\n"
            f"  - task:\n      type: text-generation\n    dataset:\n      name: HellaSwag (10-Shot)\n"
            f"      type: hellaswag\n      split: validation\n"
            f"    metrics:\n    - type: acc_norm\n      value: {hella:.1f}\n---\n\n"
            f"# {org}/{name}\n\nSynthetic benchmark model number {index}.\n").encode()


def synthetic_files(index, org):
    """Files of generated benchmark model `index`: a card and a config."""
    config = json.dumps({"model_type": "llama", "hidden_size": 64 + index % 8}, indent=2) + "\n"
    return {"README.md": synthetic_card(index, org), "config.json": config.encode()}


# --------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------

class Store:
    """All repositories and users; every public method is thread-safe."""

    def __init__(self, root, synthetic_models=0, synthetic_org="bench", strict_parent=False):
        self.root = root
        self.synthetic_models = synthetic_models
        self.synthetic_org = synthetic_org
        self.strict_parent = strict_parent
        self.lock = threading.RLock()
        self.listeners = []     # callables(repo, ref) run after each change
        self.load()

    # -- loading ---------------------------------------------------------------

    def load(self):
        """(Re)load every repository from the fixture directory."""
        with self.lock:
            self.repos = {}
            self.lfs_index = {}     # sha256 -> Blob, for the CDN and lfsFile operations
            self.users = self._load_users()
            for repo_type in REPO_TYPES:
                self._load_type(repo_type)
            for i in range(self.synthetic_models):
                self._add_synthetic(i)

    def _load_users(self):
        path = os.path.join(self.root, "users.json")
        if not os.path.exists(path):
            return dict(DEFAULT_USERS)
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def _load_type(self, repo_type):
        base = os.path.join(self.root, repo_type + "s")
        if not os.path.isdir(base):
            return
        for org in sorted(os.listdir(base)):
            if not os.path.isdir(os.path.join(base, org)):
                continue
            for name in sorted(os.listdir(os.path.join(base, org))):
                directory = os.path.join(base, org, name)
                if os.path.isdir(directory):
                    self._load_repo(repo_type, f"{org}/{name}", directory)

    def _load_repo(self, repo_type, repo_id, directory):
        meta = {}
        meta_path = os.path.join(directory, ".hub.json")
        if os.path.exists(meta_path):
            with open(meta_path, encoding="utf-8") as f:
                meta = json.load(f)
        repo = Repo(repo_type, repo_id, meta)
        self._init_main(repo, read_repo_files(directory))
        repo.viewer = load_viewer(directory)
        for spec in meta.get("discussions", []):
            self._load_discussion(repo, spec)
        self._add_filler_discussions(repo, int(meta.get("extra_discussions", 0)))
        self.repos[(repo_type, repo_id.lower())] = repo

    def _init_main(self, repo, raw_files):
        """Create the initial commit; its sha is a sha1 over paths and contents."""
        files = {path: repo.make_blob(path, data) for path, data in raw_files.items()}
        sha = hashlib.sha1(("initial\n" + tree_digest(files)).encode()).hexdigest()
        commit = Commit(sha, None, files, "initial commit", "", repo.meta.get("author", repo.org),
                        repo.last_modified)
        repo.commits[sha] = commit
        repo.refs["refs/heads/main"] = sha
        self._index(files)

    def _index(self, files):
        for blob in files.values():
            if blob.lfs:
                self.lfs_index.setdefault(blob.sha256, blob)

    def _add_synthetic(self, index):
        org = self.synthetic_org
        repo = Repo("model", f"{org}/model-{index:04d}",
                    {"pipeline_tag": "text-generation", "library_name": "transformers",
                     "downloads": (index * 7919) % 100000, "likes": index % 97})
        self._init_main(repo, synthetic_files(index, org))
        self.repos[("model", repo.id.lower())] = repo

    def _load_discussion(self, repo, spec):
        """A pre-existing discussion/PR from .hub.json; PR 'files' become refs/pr/N."""
        disc = self._new_discussion(
            repo, num=int(spec["num"]), title=spec["title"], author=spec.get("author", "someone"),
            description=spec.get("description", ""), is_pr=bool(spec.get("isPullRequest", False)),
            status=spec.get("status", "open"), created_at=spec.get("createdAt", DEFAULT_DATE))
        if disc["isPullRequest"]:
            base = repo.commits[repo.head]
            files = dict(base.files)
            for path, content in (spec.get("files") or {}).items():
                files[path] = repo.make_blob(path, content.encode("utf-8"))
            commit = repo.add_commit(base.sha, files, spec["title"], spec.get("description", ""),
                                     disc["author"], disc["createdAt"])
            self._index(files)
            self._attach_pr(repo, disc, base.sha, commit)

    def _add_filler_discussions(self, repo, count):
        start = max(repo.discussions, default=0) + 1
        for num in range(start, start + count):
            self._new_discussion(repo, num=num, title=f"Question number {num}", author="someone",
                                 description=f"Filler discussion {num}.", is_pr=False,
                                 status="closed" if num % 3 == 0 else "open",
                                 created_at=DEFAULT_DATE)

    def warm_cards(self):
        """Parse every README front matter once (run in the background at start)."""
        for repo in self.list("model") + self.list("dataset"):
            repo.card_data(repo.commits[repo.head])

    # -- users and access ----------------------------------------------------------

    def user_for_token(self, token):
        """The user dict for a token (with 'token' added), or None."""
        with self.lock:
            user = self.users.get(token)
            return dict(user, token=token) if user else None

    @staticmethod
    def owns(user, repo):
        return user is not None and (user["name"] == repo.org or repo.org in user.get("orgs", []))

    def can_see(self, user, repo):
        return not repo.private or self.owns(user, repo)

    def has_gated_access(self, user, repo):
        if not repo.gated or self.owns(user, repo):
            return True
        granted = user.get("gated_access", []) if user else []
        return repo.id in granted or "*" in granted

    # -- lookups ---------------------------------------------------------------------

    def get(self, repo_type, repo_id):
        with self.lock:
            return self.repos.get((repo_type, repo_id.lower()))

    def list(self, repo_type):
        with self.lock:
            return [r for (t, _), r in sorted(self.repos.items()) if t == repo_type]

    # -- discussions -------------------------------------------------------------------

    def _new_discussion(self, repo, num, title, author, description, is_pr, status, created_at):
        disc = {
            "num": num, "title": title, "status": status, "isPullRequest": is_pr,
            "createdAt": created_at, "author": author, "description": description,
            "events": [], "ref": None, "base": None, "baseRef": "refs/heads/main",
        }
        self._add_event(disc, "comment", author, created_at,
                        {"edited": False, "hidden": False,
                         "latest": {"raw": description, "html": description,
                                    "updatedAt": created_at, "author": {"name": author}},
                         "numEdits": 0, "editors": [author], "editorAvatarUrls": [],
                         "reactions": [], "identifiedLanguage": {"language": "en", "probability": 1}})
        repo.discussions[num] = disc
        return disc

    @staticmethod
    def _add_event(disc, kind, author, created_at, data):
        event_id = short_id(f"{disc['num']}/{len(disc['events'])}/{kind}")
        disc["events"].append({"id": event_id, "type": kind, "createdAt": created_at,
                               "author": {"name": author}, "data": data})

    def _attach_pr(self, repo, disc, base_sha, commit):
        ref = f"refs/pr/{disc['num']}"
        repo.refs[ref] = commit.sha
        disc["ref"] = ref
        disc["base"] = base_sha
        self._add_event(disc, "commit", commit.author or disc["author"], commit.date,
                        {"subject": commit.title, "oid": commit.sha})

    def create_discussion(self, repo, user, title, description, is_pr):
        with self.lock:
            num = max(repo.discussions, default=0) + 1
            disc = self._new_discussion(repo, num, title, user["name"], description, is_pr,
                                        "draft" if is_pr else "open", now_iso())
            if is_pr:
                repo.refs[f"refs/pr/{num}"] = repo.head
                disc["ref"], disc["base"] = f"refs/pr/{num}", repo.head
            self._notify(repo, disc["ref"])
            return disc

    def comment(self, repo, disc, user, text):
        with self.lock:
            self._add_event(disc, "comment", user["name"], now_iso(),
                            {"edited": False, "hidden": False,
                             "latest": {"raw": text, "html": text, "updatedAt": now_iso(),
                                        "author": {"name": user["name"]}}})
            return disc["events"][-1]

    def set_status(self, repo, disc, user, status, comment=None):
        with self.lock:
            if comment:
                self.comment(repo, disc, user, comment)
            disc["status"] = status
            self._add_event(disc, "status-change", user["name"], now_iso(), {"status": status})
            return disc["events"][-1]

    def merge(self, repo, disc, user):
        """Merge a PR: apply its changes (relative to its base) onto main."""
        with self.lock:
            head = repo.commits[repo.refs[disc["ref"]]]
            base = repo.commits[disc["base"]]
            files = dict(repo.commits[repo.head].files)
            for path in set(base.files) | set(head.files):
                if blob_id(head.files.get(path)) == blob_id(base.files.get(path)):
                    continue
                if path in head.files:
                    files[path] = head.files[path]
                else:
                    files.pop(path, None)
            commit = repo.add_commit(repo.head, files, f"Merge PR #{disc['num']}: {disc['title']}",
                                     "", user["name"])
            repo.refs["refs/heads/main"] = commit.sha
            repo.last_modified = commit.date
            disc["status"] = "merged"
            disc["mergeCommitId"] = commit.sha
            self._add_event(disc, "status-change", user["name"], now_iso(), {"status": "merged"})
            self._notify(repo, "refs/heads/main")
            return commit

    # -- commits ---------------------------------------------------------------------------

    def commit(self, repo, user, revision, header, operations, create_pr):
        """Apply a commit request; returns (Commit, discussion or None)."""
        with self.lock:
            if create_pr:
                return self._commit_pr(repo, user, revision, header, operations)
            return self._commit_branch(repo, user, revision, header, operations), None

    def _commit_branch(self, repo, user, revision, header, operations):
        ref = repo.branch_ref(revision)
        if ref is None:
            raise HubError(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        if ref.startswith("refs/pr/"):
            disc = repo.discussions.get(int(ref.rsplit("/", 1)[1]))
            if not (self.owns(user, repo) or (disc and disc["author"] == user["name"])):
                raise HubError(403, None, "You don't have the rights to push to this pull request")
        elif not self.owns(user, repo):
            raise HubError(403, None, f"You don't have the rights to create a commit in {repo.id}. "
                                      "Open a pull request instead (create_pr=1).")
        head = repo.commits[repo.refs[ref]]
        parent = header.get("parentCommit")
        if parent and not head.sha.startswith(parent.lower()):
            raise HubError(412, None, "A commit has happened since. Please refresh and try again.")
        commit = self._apply(repo, head, header, operations, user)
        repo.refs[ref] = commit.sha
        if ref == "refs/heads/main":
            repo.last_modified = commit.date
        else:
            disc = repo.discussions.get(int(ref.rsplit("/", 1)[1]))
            if disc:
                self._add_event(disc, "commit", user["name"], commit.date,
                                {"subject": commit.title, "oid": commit.sha})
        self._notify(repo, ref)
        return commit

    def _commit_pr(self, repo, user, revision, header, operations):
        ref = repo.branch_ref(revision)
        if ref is None or not ref.startswith("refs/heads/"):
            raise HubError(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        head = repo.commits[repo.refs[ref]]
        base = head
        parent = header.get("parentCommit")
        if parent:
            base = repo.find_commit_prefix(parent)
            if base is None:
                raise HubError(412, None, f"Parent commit {parent} is not a commit of {repo.id}")
            if self.strict_parent and base.sha != head.sha:
                raise HubError(412, None, "A commit has happened since. Please refresh and try again.")
        commit = self._apply(repo, base, header, operations, user)
        num = max(repo.discussions, default=0) + 1
        disc = self._new_discussion(repo, num, header["summary"], user["name"],
                                    header.get("description", ""), True, "open", commit.date)
        disc["baseRef"] = ref
        self._attach_pr(repo, disc, base.sha, commit)
        self._notify(repo, disc["ref"])
        return commit, disc

    def _apply(self, repo, base, header, operations, user):
        """Build a new commit from `base` and the parsed operations."""
        files = dict(base.files)
        for kind, value in operations:
            path = value.get("path", "").strip("/")
            if kind == "file":
                files[path] = repo.make_blob(path, value["data"])
            elif kind == "lfsFile":
                files[path] = self._lfs_blob(value)
            elif kind == "deletedFile":
                if path not in files:
                    raise HubError(404, "EntryNotFound", f"A file with this name doesn't exist: {path}")
                del files[path]
            elif kind == "deletedFolder":
                prefix = path + "/"
                doomed = [p for p in files if p.startswith(prefix)]
                if not doomed:
                    raise HubError(404, "EntryNotFound", f"A folder with this name doesn't exist: {path}")
                for p in doomed:
                    del files[p]
        self._index(files)
        return repo.add_commit(base.sha, files, header["summary"], header.get("description", ""),
                               user["name"])

    def _lfs_blob(self, value):
        """An lfsFile operation may only reference content the hub already has."""
        blob = self.find_lfs(value.get("oid", ""))
        if blob is None:
            raise HubError(400, None, f"LFS object {value.get('oid')} was not uploaded "
                                      "(this hub accepts lfsFile only for known objects)")
        return blob

    def find_lfs(self, sha256):
        """Any LFS blob with this sha256, from any repository and commit."""
        with self.lock:
            return self.lfs_index.get(sha256)

    def _notify(self, repo, ref):
        for listener in self.listeners:
            listener(repo, ref)
