#!/usr/bin/env python3
"""Oracle test: the real huggingface_hub client against the local test hub.

Starts its own test hub (own fixture copy, own HF_HOME) and checks that the
official client works against it: downloads and cache layout, listings with
Link pagination, discussions, commits and pull requests, errors, retries.
Fault rules, the request log and the dataset viewer are checked with urllib.

Output is TAP.  Prints "1..0 # SKIP ..." and exits 0 when huggingface_hub is
not installed.  Run: python3 tests/hub/test_oracle.py [-v]
"""

import http.client
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
ALICE, BOB, CAROL, DAVE, ERIN = ("hf_alice_write", "hf_bob_read", "hf_carol_write",
                                 "hf_dave_private", "hf_erin_gated")
TINY = "evalpipe-test/tiny-llama"
PRS = "evalpipe-test/with-prs"
HELLASWAG = "evalpipe-test/hellaswag-mini"
VERBOSE = "-v" in sys.argv


# --------------------------------------------------------------------------
# Test hub process
# --------------------------------------------------------------------------

class Hub:
    """A testhub.py subprocess on free ports."""

    def __init__(self, root, workdir, *extra):
        self.workdir = workdir
        self.port_file = os.path.join(workdir, "hub.port")
        self.log_path = os.path.join(workdir, "hub.log")
        self.stderr = open(os.path.join(workdir, "hub.stderr"), "w")
        started = time.time()
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "testhub.py"), "--root", root,
             "--port-file", self.port_file, "--log", self.log_path, *extra],
            stderr=self.stderr)
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.time() - started > 15:
                raise RuntimeError("test hub did not start")
            time.sleep(0.02)
        self.start_seconds = time.time() - started
        lines = open(self.port_file).read().split()
        self.port, self.cdn_port, self.cdn_host = int(lines[0]), int(lines[1]), lines[2]
        self.url = f"http://127.0.0.1:{self.port}"

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read().decode()
        return raw if path == "/_admin/log" else json.loads(raw)

    def log(self):
        return [json.loads(l) for l in self.admin("GET", "/_admin/log").splitlines()]

    def clear_log(self):
        self.admin("DELETE", "/_admin/log")

    def fault(self, *rules):
        self.admin("POST", "/_admin/faults", list(rules))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        return self.proc.returncode


# --------------------------------------------------------------------------
# Minimal TAP runner
# --------------------------------------------------------------------------

TESTS = []


def test(description):
    def register(func):
        TESTS.append((description, func))
        return func
    return register


def run_tests(ctx):
    print(f"1..{len(TESTS)}")
    failures = 0
    for number, (description, func) in enumerate(TESTS, 1):
        started = time.time()
        try:
            func(ctx)
            print(f"ok {number} - {description}")
        except Exception:  # report and go on with the next test
            failures += 1
            print(f"not ok {number} - {description}")
            for line in traceback.format_exc().rstrip().splitlines():
                print(f"# {line}")
        ctx.hub.admin("POST", "/_admin/reset", {})  # no faults or latency leak into the next test
        if VERBOSE:
            print(f"# {time.time() - started:.2f}s")
        sys.stdout.flush()
    return failures


def expect_raises(exc_type, func, *args, **kwargs):
    try:
        func(*args, **kwargs)
    except exc_type as exc:
        return exc
    raise AssertionError(f"{exc_type.__name__} not raised")


def fixture_bytes(*parts):
    with open(os.path.join(FIXTURES, *parts), "rb") as f:
        return f.read()


def http_get(url, headers=None, method="GET"):
    """(status, headers, body) without raising on HTTP errors."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def get_json(url, headers=None):
    status, _, body = http_get(url, headers)
    return status, json.loads(body)


def status_of(exc):
    return exc.response.status_code


# --------------------------------------------------------------------------
# Downloads and cache layout
# --------------------------------------------------------------------------

@test("hf_hub_download README.md: bytes, blobs/snapshots/refs cache layout")
def t_download_readme(ctx):
    hh = ctx.hh
    path = hh.hf_hub_download(TINY, "README.md")
    assert open(path, "rb").read() == fixture_bytes("models", "evalpipe-test", "tiny-llama", "README.md")
    sha = ctx.api.model_info(TINY).sha
    cache = os.path.join(ctx.hf_home, "hub", "models--evalpipe-test--tiny-llama")
    assert open(os.path.join(cache, "refs", "main")).read() == sha
    link = os.path.join(cache, "snapshots", sha, "README.md")
    assert os.path.islink(link) and os.path.realpath(link) == os.path.realpath(path)
    blob = os.path.basename(os.readlink(link))
    assert os.path.exists(os.path.join(cache, "blobs", blob)) and len(blob) == 40


@test("hf_hub_download config.json")
def t_download_config(ctx):
    path = ctx.hh.hf_hub_download(TINY, "config.json")
    assert open(path, "rb").read() == fixture_bytes("models", "evalpipe-test", "tiny-llama", "config.json")


@test("hf_hub_download LFS file: 302 to cdn, sha256 blob, no Authorization on cdn")
def t_download_lfs(ctx):
    ctx.hub.clear_log()
    path = ctx.hh.hf_hub_download(TINY, "model.safetensors", token=ALICE)
    data = fixture_bytes("models", "evalpipe-test", "tiny-llama", "model.safetensors")
    assert open(path, "rb").read() == data
    import hashlib
    assert os.path.basename(os.path.realpath(path)) == hashlib.sha256(data).hexdigest()
    log = ctx.hub.log()
    hub_side = [e for e in log if e["host"] == "hub" and e["path"].endswith("/model.safetensors")]
    cdn_side = [e for e in log if e["host"] == "cdn"]
    assert hub_side and all(e["headers"].get("authorization") == f"Bearer {ALICE}" for e in hub_side)
    assert hub_side[0]["status"] == 302
    assert cdn_side and all("authorization" not in e["headers"] for e in cdn_side), cdn_side


@test("snapshot_download of a sharded repo (tree listing paginated)")
def t_snapshot(ctx):
    ctx.hub.clear_log()
    repo = "evalpipe-test/sharded-model"
    folder = ctx.hh.snapshot_download(repo)
    base = os.path.join(FIXTURES, "models", "evalpipe-test", "sharded-model")
    expected = sorted(n for n in os.listdir(base) if n != ".hub.json")
    assert sorted(os.listdir(folder)) == expected, os.listdir(folder)
    for name in expected:
        assert open(os.path.join(folder, name), "rb").read() == fixture_bytes(base, name)
    trees = [e for e in ctx.hub.log() if "/tree/" in e["path"]]
    assert len(trees) >= 2 and any("cursor=" in e["query"] for e in trees), trees


@test("hf_hub_download from a dataset repo; dataset_info cardData")
def t_dataset_download(ctx):
    path = ctx.hh.hf_hub_download(HELLASWAG, "data/test.jsonl", repo_type="dataset")
    assert open(path, "rb").read() == fixture_bytes("datasets", "evalpipe-test", "hellaswag-mini",
                                                    "data", "test.jsonl")
    info = ctx.api.dataset_info(HELLASWAG)
    assert info.card_data["pretty_name"] == "HellaSwag (mini)"
    assert "data/validation.jsonl" in [s.rfilename for s in info.siblings]


@test("get_hf_file_metadata on an LFS file: sha256 etag, size, cdn location")
def t_file_metadata(ctx):
    hh = ctx.hh
    meta = hh.get_hf_file_metadata(hh.hf_hub_url(TINY, "model.safetensors"))
    data = fixture_bytes("models", "evalpipe-test", "tiny-llama", "model.safetensors")
    import hashlib
    assert meta.etag == hashlib.sha256(data).hexdigest()
    assert meta.size == len(data)
    assert meta.location.startswith(f"http://{ctx.hub.cdn_host}:{ctx.hub.cdn_port}/")
    assert meta.commit_hash == ctx.api.model_info(TINY).sha


# --------------------------------------------------------------------------
# Repository info and listings
# --------------------------------------------------------------------------

@test("model_info: sha, cardData model-index, siblings with files_metadata")
def t_model_info(ctx):
    info = ctx.api.model_info(TINY, files_metadata=True)
    assert info.id == TINY and len(info.sha) == 40
    assert info.model_index[0]["name"] == "tiny-llama"
    assert info.card_data.eval_results[0].dataset_type == "ai2_arc"
    assert info.card_data.eval_results[1].metric_value == 71.82
    assert info.pipeline_tag == "text-generation" and info.library_name == "transformers"
    assert "dataset:allenai/ai2_arc" in info.tags
    siblings = {s.rfilename: s for s in info.siblings}
    assert set(siblings) == {"README.md", "config.json", "model.safetensors"}
    assert siblings["model.safetensors"].lfs is not None and siblings["config.json"].lfs is None
    assert siblings["README.md"].size == len(fixture_bytes("models", "evalpipe-test", "tiny-llama",
                                                           "README.md"))
    assert ctx.api.model_info(TINY, revision=info.sha).sha == info.sha
    status, body = get_json(f"{ctx.hub.url}/api/models/{TINY}/revision/HEAD?expand=sha&expand=likes")
    assert status == 200 and set(body) == {"_id", "id", "sha", "likes"}, body


@test("list_models(author=...) across Link pages equals the fixture set")
def t_list_author(ctx):
    ctx.hub.clear_log()
    got = sorted(m.id for m in ctx.api.list_models(author="evalpipe-test"))
    base = os.path.join(FIXTURES, "models", "evalpipe-test")
    assert got == sorted(f"evalpipe-test/{n}" for n in os.listdir(base)), got
    pages = [e for e in ctx.hub.log() if e["path"] == "/api/models"]
    assert len(pages) == 3 and all("author=evalpipe-test" in e["query"] for e in pages)


@test("list_models(filter='dataset:...'), search, sort and limit")
def t_list_filter(ctx):
    api = ctx.api
    got = sorted(m.id for m in api.list_models(filter="dataset:Rowan/hellaswag"))
    assert got == ["evalpipe-test/crlf-card", TINY, "other-org/small-model"], got
    got = sorted(m.id for m in api.list_models(filter=["dataset:Rowan/hellaswag", "transformers"]))
    assert got == [TINY, "other-org/small-model"], got
    assert [m.id for m in api.list_models(search="tiny")] == [TINY]
    by_downloads = [m.id for m in api.list_models(author="evalpipe-test", sort="downloads")]
    assert by_downloads[:2] == [TINY, "evalpipe-test/sharded-model"], by_downloads
    assert len(list(api.list_models(author="evalpipe-test", limit=1))) == 1
    full = next(iter(api.list_models(search="tiny-llama", full=True)))
    assert full.sha == api.model_info(TINY).sha and full.siblings


@test("private repo: hidden from anonymous callers, visible to members")
def t_private(ctx):
    hh, api = ctx.hh, ctx.api
    expect_raises(hh.errors.RepositoryNotFoundError, api.model_info, "private-org/private-model")
    exc = expect_raises(hh.errors.RepositoryNotFoundError, api.model_info,
                        "private-org/private-model", token=BOB)
    assert status_of(exc) == 404
    assert api.model_info("private-org/private-model", token=DAVE).private is True
    assert list(api.list_models(author="private-org")) == []
    assert [m.id for m in api.list_models(author="private-org", token=DAVE)] == ["private-org/private-model"]
    path = hh.hf_hub_download("private-org/private-model", "README.md", token=DAVE)
    assert b"private-model" in open(path, "rb").read()


@test("gated repo: GatedRepoError 401/403, approved token downloads")
def t_gated(ctx):
    hh, api = ctx.hh, ctx.api
    repo = "gated-org/gated-model"
    assert api.model_info(repo).gated == "manual"
    exc = expect_raises(hh.errors.GatedRepoError, hh.hf_hub_download, repo, "config.json")
    assert status_of(exc) == 401
    exc = expect_raises(hh.errors.GatedRepoError, hh.hf_hub_download, repo, "config.json", token=BOB)
    assert status_of(exc) == 403
    path = hh.hf_hub_download(repo, "config.json", token=ERIN)
    assert open(path, "rb").read() == fixture_bytes("models", "gated-org", "gated-model", "config.json")


@test("missing repo / file / revision map to the client's error classes")
def t_missing(ctx):
    hh, api = ctx.hh, ctx.api
    expect_raises(hh.errors.RepositoryNotFoundError, api.model_info, "evalpipe-test/nope")
    expect_raises(hh.errors.RepositoryNotFoundError, hh.hf_hub_download, "evalpipe-test/nope", "README.md")
    expect_raises(hh.errors.EntryNotFoundError, hh.hf_hub_download, TINY, "missing.txt")
    expect_raises(hh.errors.RevisionNotFoundError, hh.hf_hub_download, TINY, "README.md",
                  revision="no-such-branch")
    expect_raises(hh.errors.RevisionNotFoundError, api.model_info, TINY, revision="v9")
    status, headers, _ = http_get(f"{ctx.hub.url}/{TINY}/resolve/refs%252Fpr%252F1/README.md")
    assert status == 404 and headers["X-Error-Code"] == "RevisionNotFound"


@test("whoami: user, orgs and token role; unknown token -> 401")
def t_whoami(ctx):
    me = ctx.api.whoami(token=ALICE)
    assert me["name"] == "alice" and [o["name"] for o in me["orgs"]] == ["evalpipe-test"]
    assert me["auth"]["accessToken"]["role"] == "write"
    exc = expect_raises(ctx.hh.errors.HfHubHTTPError, ctx.api.whoami, token="hf_not_a_token")
    assert status_of(exc) == 401
    assert exc.response.headers["X-Error-Message"] == "Invalid credentials in Authorization header"


@test("list_repo_tree, list_repo_refs(include_pull_requests), get_paths_info, list_repo_commits")
def t_tree_refs(ctx):
    api = ctx.api
    entries = {e.path: e for e in api.list_repo_tree(HELLASWAG, repo_type="dataset", recursive=True)}
    assert {"README.md", "data", "data/test.jsonl", "data/validation.jsonl"} <= set(entries)
    assert not any(p.startswith(".viewer") or p == ".hub.json" for p in entries)
    top = [e.path for e in api.list_repo_tree(HELLASWAG, repo_type="dataset")]
    assert top == ["README.md", "data"], top
    sub = [e.path for e in api.list_repo_tree(HELLASWAG, path_in_repo="data", repo_type="dataset")]
    assert sub == ["data/test.jsonl", "data/validation.jsonl"], sub
    refs = api.list_repo_refs(PRS, include_pull_requests=True)
    assert [b.name for b in refs.branches] == ["main"]
    assert {r.ref for r in refs.pull_requests} == {"refs/pr/1", "refs/pr/3"}
    infos = api.get_paths_info(TINY, ["config.json", "model.safetensors", "nope"])
    assert sorted(i.path for i in infos) == ["config.json", "model.safetensors"]
    commits = api.list_repo_commits(TINY)
    assert commits[0].commit_id == api.model_info(TINY).sha
    assert commits[-1].title == "initial commit"


# --------------------------------------------------------------------------
# Discussions, commits and pull requests
# --------------------------------------------------------------------------

@test("get_repo_discussions across pages (55 items, page size 50)")
def t_discussions(ctx):
    ctx.hub.clear_log()
    nums = [d.num for d in ctx.api.get_repo_discussions(PRS)]
    assert sorted(nums) == list(range(1, 56)), nums
    pages = [e for e in ctx.hub.log() if e["path"].endswith("/discussions")]
    assert [e["query"] for e in pages] == ["p=0", "p=1"], pages
    prs = [d.num for d in ctx.api.get_repo_discussions(PRS, discussion_type="pull_request")]
    assert prs == [3, 1], prs
    carol = [d.num for d in ctx.api.get_repo_discussions(PRS, author="carol")]
    assert carol == [1]


@test("get_discussion_details: first comment, base branch, diff; PR files resolve")
def t_discussion_details(ctx):
    details = ctx.api.get_discussion_details(PRS, 1)
    assert details.is_pull_request and details.status == "open" and details.author == "carol"
    assert details.events[0].content == "This PR adds a community eval result for HellaSwag."
    assert details.target_branch == "refs/heads/main"
    assert "+++ b/.eval_results/hellaswag.yaml" in details.diff and "task_id: hellaswag" in details.diff
    path = ctx.hh.hf_hub_download(PRS, ".eval_results/hellaswag.yaml", revision="refs/pr/1")
    assert b"Rowan/hellaswag" in open(path, "rb").read()


@test("create_commit(create_pr=True): PR listed, refs/pr/N resolves, main unchanged")
def t_create_pr(ctx):
    hh, api = ctx.hh, ctx.api
    head = api.model_info(TINY).sha
    content = b"- dataset:\n    id: allenai/ai2_arc\n    task_id: arc_challenge\n  value: 47.0\n"
    info = api.create_commit(
        TINY, [hh.CommitOperationAdd(".eval_results/arc.yaml", content)],
        commit_message="Add ARC result", commit_description="Community eval for **ARC**.",
        create_pr=True, parent_commit=head, token=CAROL)
    assert info.pr_num and info.pr_url.endswith(f"/discussions/{info.pr_num}")
    assert info.pr_revision == f"refs/pr/{info.pr_num}"
    listed = {d.num: d for d in api.get_repo_discussions(TINY)}
    pr = listed[info.pr_num]
    assert pr.is_pull_request and pr.status == "open" and pr.author == "carol"
    assert pr.title == "Add ARC result"
    details = api.get_discussion_details(TINY, info.pr_num)
    assert details.events[0].content == "Community eval for **ARC**."
    path = hh.hf_hub_download(TINY, ".eval_results/arc.yaml", revision=info.pr_revision)
    assert open(path, "rb").read() == content
    assert api.model_info(TINY).sha == head
    expect_raises(hh.errors.EntryNotFoundError, hh.hf_hub_download, TINY, ".eval_results/arc.yaml")
    state = ctx.hub.admin("GET", f"/_admin/state/models/{TINY}")
    assert state["refs"][info.pr_revision] == info.oid


@test("create_commit with a README goes through validate-yaml; bad YAML -> ValueError")
def t_validate_yaml(ctx):
    hh, api = ctx.hh, ctx.api
    ctx.hub.clear_log()
    card = fixture_bytes("models", "evalpipe-test", "tiny-llama", "README.md").replace(b"45.39", b"45.40")
    info = api.create_commit(TINY, [hh.CommitOperationAdd("README.md", card)],
                             commit_message="Update README", create_pr=True, token=CAROL)
    assert any(e["path"] == "/api/validate-yaml" for e in ctx.hub.log())
    card_at_pr = api.model_info(TINY, revision=info.pr_revision).card_data
    assert card_at_pr.eval_results[0].metric_value == 45.40
    bad = b"---\nmodel-index: [unclosed\n---\n# x\n"
    expect_raises(ValueError, api.create_commit, TINY, [hh.CommitOperationAdd("README.md", bad)],
                  commit_message="Broken card", create_pr=True, token=CAROL)


@test("create_commit with a stale parent_commit -> HfHubHTTPError 412")
def t_stale_parent(ctx):
    hh, api = ctx.hh, ctx.api
    repo = "evalpipe-test/no-card-yaml"
    old = api.model_info(repo).sha
    first = api.create_commit(repo, [hh.CommitOperationAdd("notes.txt", b"one\n")],
                              commit_message="Add notes", parent_commit=old, token=ALICE)
    assert api.model_info(repo).sha == first.oid != old
    exc = expect_raises(hh.errors.HfHubHTTPError, api.create_commit, repo,
                        [hh.CommitOperationAdd("notes.txt", b"two\n")],
                        commit_message="Stale", parent_commit=old, token=ALICE)
    assert status_of(exc) == 412
    exc = expect_raises(hh.errors.HfHubHTTPError, api.create_commit, repo,
                        [hh.CommitOperationAdd("x.txt", b"x\n")], commit_message="Unknown parent",
                        parent_commit="0123456789abcdef0123456789abcdef01234567", create_pr=True,
                        token=CAROL)
    assert status_of(exc) == 412
    old_readme = hh.hf_hub_download(repo, "README.md", revision=old)
    assert open(old_readme, "rb").read() == fixture_bytes("models", "evalpipe-test", "no-card-yaml",
                                                          "README.md")
    expect_raises(hh.errors.EntryNotFoundError, hh.hf_hub_download, repo, "notes.txt", revision=old)


@test("commit permissions: anonymous 401, read token 403, non-member needs create_pr")
def t_commit_permissions(ctx):
    hh, api = ctx.hh, ctx.api
    op = [hh.CommitOperationAdd("y.txt", b"y\n")]
    repo = "evalpipe-test/crlf-card"
    for token, status in ((BOB, 403), (CAROL, 403)):
        exc = expect_raises(hh.errors.HfHubHTTPError, api.create_commit, repo, op,
                            commit_message="nope", token=token)
        assert status_of(exc) == status, (token, status_of(exc))
    status, _, _ = http_get_post(f"{ctx.hub.url}/api/models/{repo}/commit/main",
                                 b'{"key":"header","value":{"summary":"x"}}\n')
    assert status == 401


def http_get_post(url, body, headers=None):
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/x-ndjson", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@test("raw ndjson commit: utf-8 content, deletedFile, commit to refs/pr/N by its author")
def t_raw_commit(ctx):
    url = f"{ctx.hub.url}/api/models/{PRS}/commit/refs%2Fpr%2F1"
    lines = [{"key": "header", "value": {"summary": "Fix value", "description": ""}},
             {"key": "file", "value": {"path": ".eval_results/hellaswag.yaml", "encoding": "utf-8",
                                       "content": "- dataset:\n    id: Rowan/hellaswag\n    task_id: hellaswag\n  value: 63.0\n"}},
             {"key": "deletedFile", "value": {"path": "config.json"}}]
    body = "\n".join(json.dumps(l) for l in lines).encode()
    status, _, reply = http_get_post(url, body, {"Authorization": f"Bearer {CAROL}"})
    assert status == 200, reply
    reply = json.loads(reply)
    assert reply["success"] and "pullRequestUrl" not in reply
    path = ctx.hh.hf_hub_download(PRS, ".eval_results/hellaswag.yaml", revision="refs/pr/1")
    assert b"63.0" in open(path, "rb").read()
    expect_raises(ctx.hh.errors.EntryNotFoundError, ctx.hh.hf_hub_download, PRS, "config.json",
                  revision="refs/pr/1")
    events = ctx.api.get_discussion_details(PRS, 1).events
    assert events[-1].type == "commit" and events[-1].summary == "Fix value"


@test("create_discussion, comment, change status, merge_pull_request")
def t_discussion_actions(ctx):
    api, hh = ctx.api, ctx.hh
    repo = "evalpipe-test/sharded-model"
    disc = api.create_discussion(repo, "Question about shards", description="Why two?", token=CAROL)
    api.comment_discussion(repo, disc.num, "Because.", token=ALICE)
    api.change_discussion_status(repo, disc.num, "closed", token=ALICE)
    details = api.get_discussion_details(repo, disc.num)
    assert details.status == "closed" and [e.type for e in details.events] == \
        ["comment", "comment", "status-change"]
    info = api.create_commit(repo, [hh.CommitOperationAdd("extra.md", b"extra\n")],
                             commit_message="Add extra", create_pr=True, token=CAROL)
    api.merge_pull_request(repo, info.pr_num, token=ALICE)
    assert api.get_discussion_details(repo, info.pr_num).status == "merged"
    assert open(hh.hf_hub_download(repo, "extra.md"), "rb").read() == b"extra\n"


# --------------------------------------------------------------------------
# Retries through injected faults
# --------------------------------------------------------------------------

@test("429 with Retry-After on a download GET: the client retries through")
def t_retry_429(ctx):
    ctx.hub.clear_log()
    ctx.hub.fault({"method": "GET", "path": r"/no-readme/resolve/main/config\.json$",
                   "action": "status", "status": 429, "retry_after": 0, "times": 1})
    path = ctx.hh.hf_hub_download("evalpipe-test/no-readme", "config.json")
    assert json.load(open(path))["model_type"] == "t5"
    gets = [(e["status"], e["fault"]) for e in ctx.hub.log()
            if e["method"] == "GET" and e["path"].endswith("/config.json")]
    assert gets == [(429, "status"), (200, None)], gets


@test("429 with RateLimit r=0 and 503 on a later listing page are retried")
def t_retry_ratelimit(ctx):
    ctx.hub.clear_log()
    ctx.hub.fault({"path": "^/api/models$", "query": "cursor=", "status": 503, "retry_after": 0},
                  {"method": "GET", "path": r"/arc-mini/resolve/main/README\.md$", "status": 429,
                   "ratelimit": {"r": 0, "t": 0}})
    got = [m.id for m in ctx.api.list_models(author="evalpipe-test")]
    assert len(got) == 6
    ctx.hh.hf_hub_download("evalpipe-test/arc-mini", "README.md", repo_type="dataset")
    statuses = [e["status"] for e in ctx.hub.log() if e["fault"]]
    assert statuses == [503, 429], statuses
    assert [r["remaining"] for r in ctx.hub.admin("GET", "/_admin/faults")] == [0, 0]


# --------------------------------------------------------------------------
# Fault rules, log and HTTP details (urllib / http.client)
# --------------------------------------------------------------------------

@test("reset fault: connection dropped without a response")
def t_fault_reset(ctx):
    ctx.hub.fault({"path": r"/tiny-llama/resolve/main/config\.json$", "action": "reset"})
    try:
        http_get(f"{ctx.hub.url}/{TINY}/resolve/main/config.json")
        raise AssertionError("request unexpectedly succeeded")
    except (ConnectionError, http.client.HTTPException, urllib.error.URLError):
        pass
    status, _, _ = http_get(f"{ctx.hub.url}/{TINY}/resolve/main/config.json")
    assert status == 200
    entry = [e for e in ctx.hub.log() if e["fault"] == "reset"][-1]
    assert entry["status"] == 0


@test("truncate fault: full Content-Length, short body -> IncompleteRead")
def t_fault_truncate(ctx):
    ctx.hub.fault({"path": r"/tiny-llama/resolve/main/README\.md$", "action": "truncate", "bytes": 100})
    conn = http.client.HTTPConnection("127.0.0.1", ctx.hub.port, timeout=10)
    conn.request("GET", f"/{TINY}/resolve/main/README.md")
    resp = conn.getresponse()
    assert resp.status == 200 and int(resp.headers["Content-Length"]) > 100
    try:
        resp.read()
        raise AssertionError("read did not fail")
    except http.client.IncompleteRead as exc:
        assert len(exc.partial) == 100
    conn.close()


@test("delay and slow faults add time but keep the body intact")
def t_fault_slow(ctx):
    url = f"{ctx.hub.url}/{TINY}/resolve/main/README.md"
    ctx.hub.fault({"path": r"/tiny-llama/resolve/", "action": "delay", "delay_ms": 300},
                  {"path": r"/tiny-llama/resolve/", "action": "slow", "chunk_bytes": 200, "delay_ms": 40})
    expected = fixture_bytes("models", "evalpipe-test", "tiny-llama", "README.md")
    for minimum in (0.3, 0.2):
        started = time.time()
        status, _, body = http_get(url)
        assert status == 200 and body == expected and time.time() - started >= minimum


@test("Link pagination followed by hand: next URLs keep every parameter")
def t_link_pagination(ctx):
    url = f"{ctx.hub.url}/api/models?author=evalpipe-test&filter=evalpipe-fixture&limit=2"
    ids, pages = [], 0
    while url:
        status, headers, body = http_get(url)
        assert status == 200
        ids += [m["id"] for m in json.loads(body)]
        pages += 1
        link = headers.get("Link")
        url = link[1:link.index(">")] if link else None
        if url:
            assert "author=evalpipe-test" in url and "filter=evalpipe-fixture" in url and "limit=2" in url
    assert pages == 3 and sorted(ids) == ["evalpipe-test/crlf-card", "evalpipe-test/no-card-yaml",
                                          "evalpipe-test/sharded-model", TINY, PRS], ids


@test("urllib LFS redirect: unredirected Authorization stays on the hub; a leak is visible in the log")
def t_redirect_auth(ctx):
    url = f"{ctx.hub.url}/{TINY}/resolve/main/model.safetensors"
    data = fixture_bytes("models", "evalpipe-test", "tiny-llama", "model.safetensors")
    for leak in (False, True):
        ctx.hub.clear_log()
        req = urllib.request.Request(url)
        if leak:
            req.add_header("Authorization", f"Bearer {ALICE}")
        else:
            req.add_unredirected_header("Authorization", f"Bearer {ALICE}")
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.read() == data
        log = ctx.hub.log()
        assert [e["host"] for e in log] == ["hub", "cdn"]
        assert log[0]["headers"]["authorization"] == f"Bearer {ALICE}"
        assert ("authorization" in log[1]["headers"]) == leak


@test("Range requests on hub and cdn (206, 416)")
def t_ranges(ctx):
    readme = fixture_bytes("models", "evalpipe-test", "tiny-llama", "README.md")
    status, headers, body = http_get(f"{ctx.hub.url}/{TINY}/resolve/main/README.md",
                                     {"Range": "bytes=10-19"})
    assert status == 206 and body == readme[10:20]
    assert headers["Content-Range"] == f"bytes 10-19/{len(readme)}"
    status, _, _ = http_get(f"{ctx.hub.url}/{TINY}/resolve/main/README.md", {"Range": "bytes=99999-"})
    assert status == 416
    meta = ctx.hh.get_hf_file_metadata(ctx.hh.hf_hub_url(TINY, "model.safetensors"))
    blob = fixture_bytes("models", "evalpipe-test", "tiny-llama", "model.safetensors")
    status, _, body = http_get(meta.location, {"Range": "bytes=-16"})
    assert status == 206 and body == blob[-16:]


@test("keep-alive: several requests (GET, HEAD, 404, POST) on one connection")
def t_keepalive(ctx):
    ctx.hub.clear_log()
    conn = http.client.HTTPConnection("127.0.0.1", ctx.hub.port, timeout=10)
    calls = [("GET", f"/{TINY}/resolve/main/config.json", None, 200),
             ("HEAD", f"/{TINY}/resolve/main/README.md", None, 200),
             ("GET", f"/{TINY}/resolve/main/nope", None, 404),
             ("POST", "/api/validate-yaml", json.dumps({"content": "---\na: 1\n---\n"}), 200),
             ("GET", f"/api/models/{TINY}", None, 200)]
    for method, path, body, status in calls:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        payload = resp.read()
        assert resp.status == status, (path, resp.status)
        if method == "HEAD":
            assert payload == b"" and int(resp.headers["Content-Length"]) > 0
    conn.close()
    peers = {e["peer"] for e in ctx.hub.log()}
    assert len(peers) == 1, peers


@test("request log: one JSON line per request with the documented fields")
def t_log_format(ctx):
    ctx.hub.clear_log()
    ctx.api.create_commit(PRS, [ctx.hh.CommitOperationAdd("log.txt", b"x")], commit_message="Log me",
                          create_pr=True, token=CAROL)
    http_get(f"{ctx.hub.url}/{TINY}/resolve/main/model.safetensors")
    with open(ctx.hub.log_path) as f:
        entries = [json.loads(l) for l in f]
    assert entries == ctx.hub.log() and len(entries) >= 4
    for entry in entries:
        assert {"host", "method", "path", "query", "headers", "body", "status", "fault"} <= set(entry)
    commits = [e for e in entries if e["method"] == "POST" and "/commit/" in e["path"]]
    assert commits and '"key": "header"' in commits[0]["body"]
    assert not any(e["path"].startswith("/_admin/") for e in entries)


@test("concurrency: 32 parallel requests with 50 ms latency finish in well under 32x50 ms")
def t_concurrency(ctx):
    ctx.hub.admin("POST", "/_admin/latency", {"ms": 50})
    try:
        errors, threads = [], []
        url = f"{ctx.hub.url}/api/models/{TINY}"

        def fetch():
            status, _, _ = http_get(url)
            if status != 200:
                errors.append(status)
        started = time.time()
        for _ in range(32):
            threads.append(threading.Thread(target=fetch))
            threads[-1].start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
    finally:
        ctx.hub.admin("POST", "/_admin/latency", {"ms": 0})
    assert not errors and elapsed < 0.5, (errors, elapsed)


# --------------------------------------------------------------------------
# Dataset viewer
# --------------------------------------------------------------------------

@test("dataset viewer: /splits, /rows paging, /first-rows, features")
def t_viewer(ctx):
    base = ctx.hub.url
    status, body = get_json(f"{base}/splits?dataset={HELLASWAG}")
    assert status == 200 and [(s["config"], s["split"]) for s in body["splits"]] == \
        [("default", "test"), ("default", "validation")]
    status, body = get_json(f"{base}/rows?dataset={HELLASWAG}&config=default&split=validation"
                            "&offset=140&length=20")
    assert status == 200 and body["num_rows_total"] == 150 and len(body["rows"]) == 10
    assert body["rows"][0]["row_idx"] == 140 and body["rows"][0]["truncated_cells"] == []
    assert [f["name"] for f in body["features"]][:3] == ["ind", "activity_label", "ctx_a"]
    assert len(body["rows"][0]["row"]["endings"]) == 4
    status, body = get_json(f"{base}/first-rows?dataset={HELLASWAG}&config=default&split=test")
    assert status == 200 and len(body["rows"]) == 100 and body["truncated"] is False
    status, body = get_json(f"{base}/rows?dataset=evalpipe-test/arc-mini&config=ARC-Easy&split=test")
    features = {f["name"]: f["type"] for f in body["features"]}
    assert features["choices"]["label"]["_type"] == "List" and body["num_rows_total"] == 25


@test("dataset viewer errors: 422 bad/missing parameters, 404 unknown, 401 gated")
def t_viewer_errors(ctx):
    base = ctx.hub.url
    cases = [(f"/rows?dataset={HELLASWAG}&config=default&split=test&length=101", 422, "InvalidParameter"),
             (f"/rows?dataset={HELLASWAG}&config=default", 422, "MissingRequiredParameter"),
             ("/splits", 422, "MissingRequiredParameter"),
             (f"/rows?dataset={HELLASWAG}&config=default&split=train", 404, "ResponseNotFound"),
             ("/splits?dataset=evalpipe-test/nope", 404, "ResponseNotFound"),
             ("/splits?dataset=evalpipe-test/gated-bench", 401, "ExternalUnauthenticatedError")]
    for path, status, code in cases:
        got, headers, _ = http_get(base + path)
        assert (got, headers["X-Error-Code"]) == (status, code), (path, got, headers["X-Error-Code"])
    status, _ = get_json(f"{base}/splits?dataset=evalpipe-test/gated-bench",
                         {"Authorization": f"Bearer {ERIN}"})
    assert status == 200


# --------------------------------------------------------------------------
# Process-level behaviour
# --------------------------------------------------------------------------

@test("--synthetic-models 1000: starts, list_models(author='bench') over 10 pages")
def t_synthetic(ctx):
    workdir = os.path.join(ctx.workdir, "synthetic")
    os.makedirs(workdir)
    hub = Hub(ctx.fixture_copy, workdir, "--synthetic-models", "1000")
    try:
        # A generous bound: a loaded 2-core machine (or a sanitizer run beside it) is slow.
        assert hub.start_seconds < 10, hub.start_seconds
        status, headers, body = http_get(f"{hub.url}/api/models?author=bench")
        assert status == 200 and len(json.loads(body)) == 100 and "Link" in headers
        ids, url = [], f"{hub.url}/api/models?author=bench&limit=250"
        while url:
            _, headers, body = http_get(url)
            ids += [m["id"] for m in json.loads(body)]
            link = headers.get("Link")
            url = link[1:link.index(">")] if link else None
        assert len(ids) == 1000 and ids[0] == "bench/model-0000" and ids[-1] == "bench/model-0999"
        status, info = get_json(f"{hub.url}/api/models/bench/model-0042")
        assert info["cardData"]["model-index"][0]["name"] == "model-0042"
    finally:
        assert hub.stop() == 0


@test("start options: --faults FILE, --state-dir, --cdn-reject-auth, --strict-parent")
def t_start_options(ctx):
    workdir = os.path.join(ctx.workdir, "options")
    os.makedirs(workdir)
    faults = os.path.join(workdir, "faults.json")
    with open(faults, "w") as f:
        json.dump([{"path": "^/api/models$", "status": 500, "times": 2}], f)
    state = os.path.join(workdir, "state")
    hub = Hub(ctx.fixture_copy, workdir, "--faults", faults, "--state-dir", state,
              "--cdn-reject-auth", "--strict-parent")
    try:
        assert [http_get(f"{hub.url}/api/models")[0] for _ in range(3)] == [500, 500, 200]
        url = f"{hub.url}/api/models/{TINY}/commit/main?create_pr=1"
        old = get_json(f"{hub.url}/api/models/{PRS}")[1]["sha"]
        header = {"key": "header", "value": {"summary": "Add file", "parentCommit": old}}
        line = {"key": "file", "value": {"path": "new.txt", "content": "bmV3Cg==", "encoding": "base64"}}
        body = (json.dumps(header) + "\n" + json.dumps(line) + "\n").encode()
        auth = {"Authorization": f"Bearer {CAROL}"}
        status, _, _ = http_get_post(url, body, auth)
        assert status == 412  # parent is a commit of another repo
        head = get_json(f"{hub.url}/api/models/{TINY}")[1]["sha"]
        status, _, reply = http_get_post(url, body.replace(old.encode(), head.encode()), auth)
        assert status == 200, reply
        num = json.loads(reply)["pullRequestUrl"].rsplit("/", 1)[1]
        pr_dir = os.path.join(state, "models", "evalpipe-test", "tiny-llama", "refs", "pr", num)
        assert open(os.path.join(pr_dir, "new.txt"), "rb").read() == b"new\n"
        refs = json.load(open(os.path.join(state, "models", "evalpipe-test", "tiny-llama", "refs.json")))
        assert refs[f"refs/pr/{num}"] == json.loads(reply)["commitOid"]
        # urllib's add_header() sends Authorization on to the cdn: rejected with 400
        status, _, _ = http_get(f"{hub.url}/{TINY}/resolve/main/model.safetensors",
                                {"Authorization": f"Bearer {ALICE}"})
        assert status == 400
    finally:
        assert hub.stop() == 0


@test("SIGTERM: clean exit (status 0) and the port file is removed")
def t_sigterm(ctx):
    workdir = os.path.join(ctx.workdir, "sigterm")
    os.makedirs(workdir)
    hub = Hub(ctx.fixture_copy, workdir)
    assert http_get(f"{hub.url}/api/whoami-v2", {"Authorization": f"Bearer {BOB}"})[0] == 200
    assert hub.stop() == 0 and not os.path.exists(hub.port_file)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

class Context:
    pass


def main():
    if importlib.util.find_spec("huggingface_hub") is None:
        print("1..0 # SKIP huggingface_hub not installed")
        return 0
    workdir = tempfile.mkdtemp(prefix="testhub-oracle-")
    ctx = Context()
    ctx.workdir = workdir
    ctx.fixture_copy = os.path.join(workdir, "fixtures")
    shutil.copytree(FIXTURES, ctx.fixture_copy)
    ctx.hub = Hub(ctx.fixture_copy, workdir, "--page-size", "2")
    failures = 1
    try:
        ctx.hf_home = os.path.join(workdir, "hf_home")
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_HUB_CACHE"):
            os.environ.pop(name, None)
        os.environ.update({"HF_ENDPOINT": ctx.hub.url, "HF_HOME": ctx.hf_home,
                           "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
                           "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1"})
        try:
            import huggingface_hub
            import huggingface_hub.errors  # noqa: F401
        except ImportError:
            print("1..0 # SKIP huggingface_hub not installed")
            return 0
        import warnings
        warnings.simplefilter("ignore")
        from huggingface_hub.utils import logging as hf_logging
        hf_logging.set_verbosity_error()  # retries would log warnings
        ctx.hh = huggingface_hub
        ctx.api = huggingface_hub.HfApi(endpoint=ctx.hub.url)
        print(f"# huggingface_hub {huggingface_hub.__version__}, test hub at {ctx.hub.url}")
        failures = run_tests(ctx)
    finally:
        ctx.hub.stop()
        if os.environ.get("TESTHUB_KEEP"):
            print(f"# kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
