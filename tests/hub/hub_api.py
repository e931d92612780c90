"""Hub HTTP API of the test hub: requests, responses, routing and endpoints.

Handlers take a Request and return a Response; they never touch sockets.  The
server module (testhub.py) reads requests, applies faults and sends responses.
"""

import base64
import difflib
import json
import re
import urllib.parse

import hub_store
import hub_yaml
from hub_store import HubError

TRUE_VALUES = ("1", "true", "True", "yes")


# --------------------------------------------------------------------------
# Request / Response
# --------------------------------------------------------------------------

class Request:
    """One parsed HTTP request plus what handlers need from the server."""

    def __init__(self, method, raw_path, query, headers, body, server):
        self.method = method
        self.raw_path = raw_path
        self.query = query
        self.params = urllib.parse.parse_qs(query, keep_blank_values=True)
        self.headers = headers          # dict: lowercased name -> value
        self.body = body
        self.server = server            # testhub.HubContext
        self.store = server.store
        host = headers.get("host") or f"127.0.0.1:{server.hub_port}"
        self.base_url = f"http://{host}"

    def param(self, name, default=None):
        values = self.params.get(name) or self.params.get(name + "[]")
        return values[0] if values else default

    def param_list(self, name):
        return self.params.get(name, []) + self.params.get(name + "[]", [])

    def flag(self, name):
        return self.param(name, "") in TRUE_VALUES

    def int_param(self, name, default):
        value = self.param(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise HubError(400, None, f"Invalid value for parameter '{name}': {value}")

    def json_body(self):
        try:
            return json.loads(self.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            raise HubError(400, None, "Request body must be valid JSON")

    @property
    def token(self):
        auth = self.headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip()
        return None

    def user(self):
        """The authenticated user, None when anonymous; 401 for an unknown token."""
        token = self.token
        if not token:
            return None
        user = self.store.user_for_token(token)
        if user is None:
            raise HubError(401, None, "Invalid credentials in Authorization header")
        return user


class Response:
    """Status, headers (list of pairs) and a complete body."""

    def __init__(self, status=200, body=b"", headers=None, content_type=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.headers = list(headers or [])
        if content_type:
            self.headers.append(("Content-Type", content_type))

    def header(self, name, value):
        self.headers.append((name, str(value)))
        return self


def json_response(obj, status=200, headers=None):
    body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return Response(status, body, headers, "application/json; charset=utf-8")


def error_response(err):
    """Render a HubError like the Hub: JSON body plus X-Error-Code/Message."""
    resp = json_response({"error": err.message}, err.status)
    if err.code:
        resp.header("X-Error-Code", err.code)
    resp.header("X-Error-Message", err.message.replace("\n", " "))
    for name, value in err.headers.items():
        resp.header(name, value)
    return resp


# --------------------------------------------------------------------------
# Routing
# --------------------------------------------------------------------------

ROUTES = []
SEG = r"([^/]+)"
REPO = r"/api/(models|datasets)/([^/]+)/([^/]+)"


def route(methods, pattern):
    """Register a handler for methods and a regex over the raw (encoded) path."""
    def register(func):
        ROUTES.append((methods.split(), re.compile(pattern + r"$"), func))
        return func
    return register


def dispatch(req):
    """Find the route for req and run it; errors become Hub-style responses."""
    for methods, regex, func in ROUTES:
        match = regex.match(req.raw_path)
        if match and (req.method in methods or (req.method == "HEAD" and "GET" in methods)):
            args = [urllib.parse.unquote(g) if g is not None else None for g in match.groups()]
            try:
                return func(req, *args)
            except HubError as err:
                return error_response(err)
    return error_response(HubError(404, None, "Sorry, we can't find the page you are looking for."))


# --------------------------------------------------------------------------
# Access checks
# --------------------------------------------------------------------------

def repo_type_of(segment):
    return {"models": "model", "datasets": "dataset"}[segment]


def find_repo(req, repo_type, repo_id):
    """The repository if the caller may see it, else RepoNotFound (401/404)."""
    user = req.user()
    repo = req.store.get(repo_type, repo_id)
    if repo is None or not req.store.can_see(user, repo):
        status = 404 if user else 401
        raise HubError(status, "RepoNotFound", "Repository not found")
    return repo, user


def check_gated(req, repo, user):
    """File access to gated repos: 401 anonymous, 403 without approval."""
    if req.store.has_gated_access(user, repo):
        return
    kind = repo.type
    if user is None:
        raise HubError(401, "GatedRepo",
                       f"Access to {kind} {repo.id} is restricted. You must have access to it "
                       "and be authenticated to access it. Please log in.")
    raise HubError(403, "GatedRepo",
                   f"Access to {kind} {repo.id} is restricted and you are not in the authorized "
                   f"list. Visit {req.base_url}/{repo_path(repo)} to ask for access.")


def resolve_commit(repo, revision):
    commit = repo.resolve(revision)
    if commit is None:
        raise HubError(404, "RevisionNotFound", f"Invalid rev id: {revision}")
    return commit


def require_writer(req):
    """A token with a write role, or 401/403."""
    user = req.user()
    if user is None:
        raise HubError(401, None, "You must be authenticated to perform this action")
    if user.get("role", "read") not in ("write", "admin", "contributor"):
        raise HubError(403, None, "You don't have the rights to perform this action: "
                                  "the token you are using has a read role")
    return user


def repo_path(repo):
    """URL path prefix of a repository's pages (datasets/ for datasets)."""
    return repo.id if repo.type == "model" else f"datasets/{repo.id}"


# --------------------------------------------------------------------------
# Pagination (Link header with an opaque cursor, like the Hub)
# --------------------------------------------------------------------------

def encode_cursor(offset):
    raw = json.dumps({"$offset": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return int(json.loads(base64.urlsafe_b64decode(padded))["$offset"])
    except (ValueError, KeyError, TypeError):
        raise HubError(400, None, "Invalid cursor")


def paginate(req, items, page_size):
    """Slice items for the request's cursor; add a rel="next" Link if more remain."""
    cursor = req.param("cursor")
    start = decode_cursor(cursor) if cursor else 0
    page = items[start:start + page_size]
    headers = []
    if start + page_size < len(items):
        pairs = [(k, v) for k, v in urllib.parse.parse_qsl(req.query, keep_blank_values=True)
                 if k != "cursor"]
        pairs.append(("cursor", encode_cursor(start + page_size)))
        url = f"{req.base_url}{req.raw_path}?{urllib.parse.urlencode(pairs)}"
        headers.append(("Link", f'<{url}>; rel="next"'))
    return page, headers


# --------------------------------------------------------------------------
# Repository JSON
# --------------------------------------------------------------------------

def sibling_json(path, blob, with_blobs):
    item = {"rfilename": path}
    if with_blobs:
        item["size"] = blob.size
        item["blobId"] = blob.sha1
        if blob.lfs:
            item["lfs"] = {"size": blob.size, "sha256": blob.sha256, "pointerSize": len(blob.pointer)}
    return item


def parsed_json_file(commit, path):
    blob = commit.files.get(path)
    if blob is None or blob.lfs:
        return None
    try:
        return json.loads(blob.data)
    except ValueError:
        return None


def repo_fields(repo, commit, with_blobs=False):
    """Every field this hub can report for a repository at a commit (cached; do not mutate)."""
    key = (commit.sha, with_blobs, repo.private, repo.gated)
    fields = repo.fields_cache.get(key)
    if fields is None:
        fields = repo.fields_cache[key] = compute_repo_fields(repo, commit, with_blobs)
    return fields


def compute_repo_fields(repo, commit, with_blobs):
    meta = repo.meta
    card = repo.card_data(commit)
    fields = {
        "_id": hub_store.short_id(f"{repo.type}/{repo.id}"),
        "id": repo.id,
        "author": meta.get("author", repo.org),
        "sha": commit.sha,
        "lastModified": commit.date,
        "createdAt": meta.get("createdAt", hub_store.DEFAULT_DATE),
        "private": repo.private,
        "gated": repo.gated,
        "disabled": bool(meta.get("disabled", False)),
        "downloads": int(meta.get("downloads", 0)),
        "downloadsAllTime": int(meta.get("downloadsAllTime", meta.get("downloads", 0))),
        "likes": int(meta.get("likes", 0)),
        "trendingScore": int(meta.get("trendingScore", 0)),
        "tags": repo.tags(commit),
        "siblings": [sibling_json(p, b, with_blobs) for p, b in sorted(commit.files.items())],
        "usedStorage": sum(b.size for b in commit.files.values()),
        "resourceGroup": None,
    }
    if card is not None:
        fields["cardData"] = card
    if repo.type == "model":
        fields["modelId"] = repo.id
        fields["pipeline_tag"] = repo.field("pipeline_tag", commit)
        fields["library_name"] = repo.field("library_name", commit)
        fields["spaces"] = []
        if card is not None and isinstance(card.get("model-index"), list):
            fields["model-index"] = card["model-index"]
        config = parsed_json_file(commit, "config.json")
        if config is not None:
            fields["config"] = config
    else:
        fields["description"] = meta.get("description", "")
        fields["citation"] = meta.get("citation")
        fields["paperswithcode_id"] = None
    return fields


INFO_DEFAULT_EXCLUDES = ("downloadsAllTime", "resourceGroup", "usedStorage", "trendingScore")
LIST_FIELDS = ("_id", "id", "modelId", "author", "likes", "downloads", "trendingScore", "private",
               "gated", "tags", "pipeline_tag", "library_name", "createdAt", "lastModified")
FULL_EXTRA = ("sha", "siblings", "disabled", "description", "citation")


def select_fields(fields, expand):
    """With expand=..., only the requested properties (plus _id and id)."""
    keep = ["_id", "id"] + list(expand)
    return {k: fields[k] for k in keep if k in fields}


# --------------------------------------------------------------------------
# Repository info and listing
# --------------------------------------------------------------------------

@route("GET", REPO + r"(?:/revision/(.+))?")
def repo_info(req, type_seg, org, name, revision=None):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    commit = resolve_commit(repo, revision or "main")
    expand = req.param_list("expand")
    fields = repo_fields(repo, commit, with_blobs=req.flag("blobs"))
    if expand:
        return json_response(select_fields(fields, expand))
    return json_response({k: v for k, v in fields.items() if k not in INFO_DEFAULT_EXCLUDES})


SORT_KEYS = {
    "downloads": lambda f: f["downloads"], "likes": lambda f: f["likes"],
    "lastModified": lambda f: f["lastModified"], "createdAt": lambda f: f["createdAt"],
    "trendingScore": lambda f: f["trendingScore"], "id": lambda f: f["id"].lower(),
}


def matches_listing(req, repo, fields):
    """The search/author/filter/pipeline_tag/gated parameters of /api/models."""
    search = (req.param("search") or "").lower()
    if search and search not in repo.id.lower():
        return False
    author = req.param("author")
    if author and repo.org.lower() != author.lower():
        return False
    labels = {t.lower() for t in fields["tags"]}
    for key in ("pipeline_tag", "library_name"):
        if fields.get(key):
            labels.add(fields[key].lower())
    for wanted in req.param_list("filter"):
        if any(w.strip().lower() not in labels for w in wanted.split(",")):
            return False
    pipeline = req.param("pipeline_tag")
    if pipeline and fields.get("pipeline_tag") != pipeline:
        return False
    gated = req.param("gated")
    if gated is not None and bool(fields["gated"]) != (gated in TRUE_VALUES):
        return False
    return True


def listing_item(req, fields):
    expand = req.param_list("expand")
    if expand:
        return select_fields(fields, expand)
    keys = list(LIST_FIELDS)
    if req.flag("full"):
        keys += FULL_EXTRA
    if req.flag("cardData") or req.flag("full"):
        keys.append("cardData")
    if req.flag("config"):
        keys.append("config")
    return {k: fields[k] for k in keys if k in fields}


@route("GET", r"/api/(models|datasets)")
def list_repos(req, type_seg):
    user = req.user()
    found = []
    for repo in req.store.list(repo_type_of(type_seg)):
        if not req.store.can_see(user, repo):
            continue
        fields = repo_fields(repo, repo.commits[repo.head])
        if matches_listing(req, repo, fields):
            found.append(fields)
    sort = req.param("sort")
    if sort in SORT_KEYS:
        reverse = sort != "id" and req.param("direction", "-1") != "1"
        found.sort(key=SORT_KEYS[sort], reverse=reverse)
    page_size = req.int_param("limit", req.server.page_size)
    if page_size <= 0:
        raise HubError(400, None, "limit must be a positive integer")
    page, headers = paginate(req, found, min(page_size, 1000))
    return json_response([listing_item(req, f) for f in page], headers=headers)


# --------------------------------------------------------------------------
# Trees, paths-info, refs, commits
# --------------------------------------------------------------------------

def tree_oid(files, directory):
    """A stable sha1 for a directory's content (stands in for the git tree id)."""
    prefix = directory + "/"
    sub = {p: b for p, b in files.items() if p.startswith(prefix)}
    return hub_store.tree_digest(sub)


def last_commit_json(repo, commit, path):
    """The newest commit in the history of `commit` that touched `path`."""
    history = repo.history(commit)
    for newer, older in zip(history, history[1:] + [None]):
        now_ids = _ids_under(newer.files, path)
        before = _ids_under(older.files, path) if older else None
        if now_ids != before:
            return {"id": newer.sha, "title": newer.title, "date": newer.date}
    return {"id": commit.sha, "title": commit.title, "date": commit.date}


def _ids_under(files, path):
    if path in files:
        return files[path].sha1
    prefix = path + "/"
    return tuple(sorted((p, b.sha1) for p, b in files.items() if p.startswith(prefix)))


def entry_json(repo, commit, path, expand):
    """A /tree or /paths-info entry for a file or directory path."""
    files = commit.files
    blob = files.get(path)
    if blob is not None:
        item = {"type": "file", "oid": blob.sha1, "size": blob.size, "path": path}
        if blob.lfs:
            item["lfs"] = {"oid": blob.sha256, "size": blob.size, "pointerSize": len(blob.pointer)}
    else:
        item = {"type": "directory", "oid": tree_oid(files, path), "size": 0, "path": path}
    if expand:
        item["lastCommit"] = last_commit_json(repo, commit, path)
        if blob is not None:
            item["securityFileStatus"] = {"status": "safe", "avScan": {"virusFound": False},
                                          "pickleImportScan": None}
    return item


def tree_paths(files, base, recursive):
    """Paths (files and directories) below `base`, sorted, directories included."""
    prefix = base + "/" if base else ""
    out = set()
    for path in files:
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix):].split("/")
        depth = len(parts) if recursive else 1
        for i in range(1, depth + 1):
            out.add(prefix + "/".join(parts[:i]))
    return sorted(out)


@route("GET", REPO + r"/tree/" + SEG + r"(?:/(.*))?")
def list_tree(req, type_seg, org, name, revision, path=None):
    repo, user = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    commit = resolve_commit(repo, revision)
    path = (path or "").strip("/")
    if path and path in commit.files:
        raise HubError(404, "EntryNotFound", f"{path} is a file, not a directory")
    paths = tree_paths(commit.files, path, req.flag("recursive"))
    if path and not paths:
        raise HubError(404, "EntryNotFound", f"Path {path} does not exist at {revision}")
    page, headers = paginate(req, paths, req.int_param("limit", req.server.page_size))
    expand = req.flag("expand")
    return json_response([entry_json(repo, commit, p, expand) for p in page], headers=headers)


@route("POST", REPO + r"/paths-info/" + SEG)
def paths_info(req, type_seg, org, name, revision):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    commit = resolve_commit(repo, revision)
    if req.headers.get("content-type", "").startswith("application/json"):
        body = req.json_body() or {}
        paths, expand = body.get("paths", []), bool(body.get("expand"))
    else:
        form = urllib.parse.parse_qs(req.body.decode("utf-8"), keep_blank_values=True)
        paths, expand = form.get("paths", []), form.get("expand", [""])[0] in TRUE_VALUES
    known = set(tree_paths(commit.files, "", True))
    found = [p.strip("/") for p in paths if p.strip("/") in known]
    return json_response([entry_json(repo, commit, p, expand) for p in found])


def ref_json(name, ref, sha):
    return {"name": name, "ref": ref, "targetCommit": sha}


@route("GET", REPO + r"/refs")
def list_refs(req, type_seg, org, name):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    with req.store.lock:
        refs = dict(repo.refs)
    branches = [ref_json(r[len("refs/heads/"):], r, s) for r, s in sorted(refs.items())
                if r.startswith("refs/heads/")]
    out = {"branches": branches, "converts": [], "tags": []}
    if req.flag("include_prs"):
        prs = sorted((int(r.rsplit("/", 1)[1]), r, s) for r, s in refs.items() if r.startswith("refs/pr/"))
        out["pullRequests"] = [ref_json(str(n), r, s) for n, r, s in prs]
    return json_response(out)


@route("GET", REPO + r"/commits/" + SEG)
def list_commits(req, type_seg, org, name, revision):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    history = repo.history(resolve_commit(repo, revision))
    page, headers = paginate(req, history, req.int_param("limit", req.server.page_size))
    items = [{"id": c.sha, "title": c.title, "message": c.message,
              "authors": [{"user": c.author or repo.org, "avatar": None}], "date": c.date,
              "formatted": {"title": c.title, "message": c.message}} for c in page]
    return json_response(items, headers=headers)


# --------------------------------------------------------------------------
# File downloads: /resolve/ and /raw/
# --------------------------------------------------------------------------

FILE_ROUTE = r"/(?:(datasets)/)?" + SEG + "/" + SEG + r"/(resolve|raw)/" + SEG + r"/(.+)"


@route("GET", FILE_ROUTE)
def serve_file(req, datasets, org, name, kind, revision, path):
    repo_type = "dataset" if datasets else "model"
    repo, user = find_repo(req, repo_type, f"{org}/{name}")
    check_gated(req, repo, user)
    commit = resolve_commit(repo, revision)
    blob = commit.files.get(path)
    if blob is None:
        raise HubError(404, "EntryNotFound", "Entry not found", {"X-Repo-Commit": commit.sha})
    if kind == "raw" or not blob.lfs:
        data = blob.git_content
        resp = content_response(req, data, blob.sha1, path)
        return resp.header("X-Repo-Commit", commit.sha)
    return lfs_redirect(req, repo, commit, path, blob)


def lfs_redirect(req, repo, commit, path, blob):
    """302 to the CDN listener, with the metadata huggingface_hub reads."""
    filename = urllib.parse.quote(path.rsplit("/", 1)[-1])
    signature = hub_store.short_id(f"{blob.sha256}/{repo.id}")
    location = (f"{req.server.cdn_base}/lfs/{blob.sha256}/{filename}"
                f"?repo={urllib.parse.quote(repo.id, safe='')}&Expires=4102444800&Signature={signature}")
    body = f"Found. Redirecting to {location}"
    resp = Response(302, body, content_type="text/plain; charset=utf-8")
    for name, value in (("Location", location), ("X-Repo-Commit", commit.sha),
                        ("X-Linked-Etag", f'"{blob.sha256}"'), ("X-Linked-Size", blob.size),
                        ("ETag", f'"{blob.sha256}"'), ("Accept-Ranges", "bytes")):
        resp.header(name, value)
    return resp


def content_type_for(data):
    try:
        data.decode("utf-8")
        return "text/plain; charset=utf-8"
    except UnicodeDecodeError:
        return "application/octet-stream"


def content_response(req, data, etag, path):
    """200/206/304/416 for a byte string, honouring Range and If-None-Match."""
    quoted = f'"{etag}"'
    if req.headers.get("if-none-match") in (quoted, etag, "W/" + quoted):
        return Response(304, b"", [("ETag", quoted)])
    name = path.rsplit("/", 1)[-1]
    common = [("ETag", quoted), ("Accept-Ranges", "bytes"),
              ("Content-Disposition", f"inline; filename*=UTF-8''{urllib.parse.quote(name)}; "
                                      f'filename="{name}";')]
    span = parse_range(req.headers.get("range"), len(data))
    if span is None:
        return Response(200, data, common, content_type_for(data))
    if span == "unsatisfiable":
        return Response(416, b"", common + [("Content-Range", f"bytes */{len(data)}")])
    start, end = span
    return Response(206, data[start:end + 1],
                    common + [("Content-Range", f"bytes {start}-{end}/{len(data)}")],
                    content_type_for(data))


def parse_range(header, size):
    """(start, end) for a single 'bytes=' range, None to ignore, or 'unsatisfiable'."""
    if not header:
        return None
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def serve_cdn(req):
    """The CDN listener: /lfs/<sha256>[/<name>] -> LFS bytes (no auth needed)."""
    match = re.match(r"^/lfs/([0-9a-f]{64})(?:/([^/]*))?$", req.raw_path)
    if req.method not in ("GET", "HEAD") or not match:
        return Response(404, "Not Found", content_type="text/plain")
    if req.server.cdn_reject_auth and "authorization" in req.headers:
        return Response(400, "<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism "
                             "allowed</Message></Error>", content_type="application/xml")
    blob = req.store.find_lfs(match.group(1))
    if blob is None:
        return Response(404, "<Error><Code>NoSuchKey</Code></Error>", content_type="application/xml")
    name = urllib.parse.unquote(match.group(2) or match.group(1))
    resp = content_response(req, blob.data, blob.sha256, name)
    if resp.status in (200, 206):
        resp.headers = [(k, v) for k, v in resp.headers if k != "Content-Type"]
        resp.header("Content-Type", "application/octet-stream")
    return resp


# --------------------------------------------------------------------------
# whoami, validate-yaml
# --------------------------------------------------------------------------

@route("GET", r"/api/whoami-v2")
def whoami(req):
    user = req.user()
    if user is None:
        raise HubError(401, None, "Invalid credentials in Authorization header")
    orgs = [{"type": "org", "id": hub_store.short_id("org/" + o), "name": o, "fullname": o,
             "email": None, "canPay": False, "avatarUrl": f"{req.base_url}/avatars/{o}.svg",
             "periodEnd": None, "roleInOrg": "write" if user.get("role") == "write" else "read"}
            for o in user.get("orgs", [])]
    return json_response({
        "type": "user", "id": hub_store.short_id("user/" + user["name"]), "name": user["name"],
        "fullname": user.get("fullname", user["name"].title()),
        "email": user.get("email", f"{user['name']}@example.com"), "emailVerified": True,
        "isPro": False, "canPay": False, "periodEnd": None, "billingMode": "prepaid",
        "avatarUrl": f"{req.base_url}/avatars/{user['name']}.svg", "orgs": orgs,
        "auth": {"type": "access_token",
                 "accessToken": {"displayName": user.get("token_name", "test-token"),
                                 "role": user.get("role", "read"),
                                 "createdAt": hub_store.DEFAULT_DATE}},
    })


def validate_card(content):
    """Errors and warnings the Hub's YAML check would report for a README."""
    block = hub_yaml.split_front_matter(content)
    if block is None:
        return [], ["Empty or missing yaml metadata in repo card"]
    try:
        data = hub_yaml.loads(block)
    except hub_yaml.YamlError as exc:
        return [f"Invalid YAML in README.md front matter: {exc}"], []
    if data is None:
        return [], ["Empty or missing yaml metadata in repo card"]
    if not isinstance(data, dict):
        return ["YAML metadata must be a mapping (key: value pairs)"], []
    if "model-index" in data and not isinstance(data["model-index"], list):
        return ['"model-index" must be an array'], []
    return [], []


@route("POST", r"/api/validate-yaml")
def validate_yaml(req):
    req.user()
    body = req.json_body() or {}
    errors, warnings = validate_card(str(body.get("content", "")))
    if errors and "text/plain" in req.headers.get("accept", ""):
        return Response(400, "\n".join(errors), content_type="text/plain; charset=utf-8")
    payload = {"errors": [{"message": m} for m in errors],
               "warnings": [{"message": m} for m in warnings]}
    return json_response(payload, 400 if errors else 200)


# --------------------------------------------------------------------------
# Uploads: preupload and commit
# --------------------------------------------------------------------------

@route("POST", REPO + r"/preupload/" + SEG)
def preupload(req, type_seg, org, name, revision):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    require_writer(req)
    commit = resolve_commit(repo, revision)
    files = []
    for item in (req.json_body() or {}).get("files", []):
        path = item.get("path", "")
        entry = {"path": path, "uploadMode": "regular", "shouldIgnore": False}
        existing = commit.files.get(path)
        if existing is not None:
            entry["oid"] = existing.sha256 if existing.lfs else existing.sha1
        files.append(entry)
    return json_response({"files": files, "commitOid": commit.sha})


def parse_commit_body(body):
    """NDJSON commit payload -> (header dict, [(kind, value)])."""
    try:
        lines = [json.loads(l) for l in body.decode("utf-8").splitlines() if l.strip()]
    except (UnicodeDecodeError, ValueError):
        raise HubError(400, None, "Invalid commit payload: expected application/x-ndjson")
    if not lines or not isinstance(lines[0], dict) or lines[0].get("key") != "header":
        raise HubError(400, None, "Invalid commit payload: the first line must be the header")
    header = lines[0].get("value") or {}
    if not str(header.get("summary", "")).strip():
        raise HubError(400, None, "Invalid commit payload: a summary (commit title) is required")
    operations = [decode_operation(l) for l in lines[1:]]
    return header, operations


def decode_operation(line):
    kind, value = line.get("key"), dict(line.get("value") or {})
    if kind not in ("file", "lfsFile", "deletedFile", "deletedFolder"):
        raise HubError(400, None, f"Invalid commit payload: unknown operation {kind!r}")
    if not value.get("path"):
        raise HubError(400, None, f"Invalid commit payload: {kind} without a path")
    if kind == "file":
        encoding = value.get("encoding", "utf-8")
        content = value.get("content", "")
        try:
            value["data"] = base64.b64decode(content, validate=True) if encoding == "base64" \
                else content.encode("utf-8")
        except ValueError:
            raise HubError(400, None, f"Invalid base64 content for {value['path']}")
    return kind, value


@route("POST", REPO + r"/commit/" + SEG)
def create_commit(req, type_seg, org, name, revision):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    user = require_writer(req)
    header, operations = parse_commit_body(req.body)
    create_pr = req.flag("create_pr")
    commit, disc = req.store.commit(repo, user, revision, header, operations, create_pr)
    base = f"{req.base_url}/{repo_path(repo)}"
    payload = {"success": True, "commitOid": commit.sha, "commitUrl": f"{base}/commit/{commit.sha}",
               "hookOutput": ""}
    if disc is not None:
        payload["pullRequestUrl"] = f"{base}/discussions/{disc['num']}"
    return json_response(payload)


# --------------------------------------------------------------------------
# Discussions and pull requests
# --------------------------------------------------------------------------

def author_json(name, repo):
    return {"_id": hub_store.short_id("user/" + name), "name": name, "fullname": name.title(),
            "avatarUrl": f"/avatars/{name}.svg", "type": "user", "isPro": False, "isHf": False,
            "isMod": False, "isOwner": name == repo.org}


def discussion_json(repo, disc):
    return {
        "num": disc["num"], "title": disc["title"], "status": disc["status"],
        "isPullRequest": disc["isPullRequest"], "createdAt": disc["createdAt"],
        "author": author_json(disc["author"], repo),
        "repo": {"name": repo.id, "type": repo.type},
        "pinned": False,
        "numComments": sum(1 for e in disc["events"] if e["type"] == "comment"),
        "topReactions": [], "numReactionUsers": 0,
        "repoOwner": {"name": repo.org, "type": "org", "isParticipating": False,
                      "isDiscussionAuthor": disc["author"] == repo.org},
    }


def discussion_matches(req, disc):
    kind = req.param("type", "all")
    if kind == "pull_request" and not disc["isPullRequest"]:
        return False
    if kind == "discussion" and disc["isPullRequest"]:
        return False
    status = req.param("status", "all")
    if status == "open" and disc["status"] not in ("open", "draft"):
        return False
    if status == "closed" and disc["status"] not in ("closed", "merged"):
        return False
    author = req.param("author")
    return not author or disc["author"] == author


@route("GET", REPO + r"/discussions")
def list_discussions(req, type_seg, org, name):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    with req.store.lock:
        everything = sorted(repo.discussions.values(), key=lambda d: -d["num"])
        matching = [d for d in everything if discussion_matches(req, d)]
        page_size = req.server.discussions_page_size
        start = req.int_param("p", 0) * page_size
        page = [discussion_json(repo, d) for d in matching[start:start + page_size]]
        closed = sum(1 for d in everything if d["status"] in ("closed", "merged"))
        prs = sum(1 for d in everything if d["isPullRequest"])
    return json_response({"discussions": page, "count": len(matching), "start": start,
                          "numClosedDiscussions": closed, "numPullRequests": prs,
                          "numDiscussions": len(everything) - prs})


def get_discussion(repo, num):
    disc = repo.discussions.get(int(num))
    if disc is None:
        raise HubError(404, None, "Discussion not found")
    return disc


def pr_diff(repo, disc):
    """A git-style diff between a PR's base commit and its head."""
    base = repo.commits[disc["base"]].files
    head = repo.commits[repo.refs[disc["ref"]]].files
    chunks = []
    for path in sorted(set(base) | set(head)):
        old, new = base.get(path), head.get(path)
        if hub_store.blob_id(old) == hub_store.blob_id(new):
            continue
        chunks.append(file_diff(path, old, new))
    return "".join(chunks)


def file_diff(path, old, new):
    header = f"diff --git a/{path} b/{path}\n"
    if old is None:
        header += "new file mode 100644\n"
    elif new is None:
        header += "deleted file mode 100644\n"
    header += f"index {(old.sha1 if old else '0' * 40)[:7]}..{(new.sha1 if new else '0' * 40)[:7]}\n"
    try:
        old_lines = old.git_content.decode("utf-8").splitlines(True) if old else []
        new_lines = new.git_content.decode("utf-8").splitlines(True) if new else []
    except UnicodeDecodeError:
        return header + f"Binary files a/{path} and b/{path} differ\n"
    lines = difflib.unified_diff(old_lines, new_lines, f"a/{path}" if old else "/dev/null",
                                 f"b/{path}" if new else "/dev/null")
    return header + "".join(l if l.endswith("\n") else l + "\n\\ No newline at end of file\n"
                            for l in lines)


@route("GET", REPO + r"/discussions/(\d+)")
def discussion_details(req, type_seg, org, name, num):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    with req.store.lock:
        disc = get_discussion(repo, num)
        out = discussion_json(repo, disc)
        out["events"] = list(disc["events"])
        out["locked"] = False
        if disc["isPullRequest"]:
            out["changes"] = {"base": disc["baseRef"]}
            if disc.get("mergeCommitId"):
                out["changes"]["mergeCommitId"] = disc["mergeCommitId"]
            out["filesWithConflicts"] = []
            if req.param("diff") is not None:
                out["diff"] = pr_diff(repo, disc)
    return json_response(out)


@route("POST", REPO + r"/discussions")
def create_discussion(req, type_seg, org, name):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    user = require_writer(req)
    body = req.json_body() or {}
    title = str(body.get("title", "")).strip()
    if not 3 <= len(title) <= 200:
        raise HubError(400, None, "Title must be between 3 and 200 characters")
    disc = req.store.create_discussion(repo, user, title, str(body.get("description") or ""),
                                       bool(body.get("pullRequest")))
    out = discussion_json(repo, disc)
    out["url"] = f"{req.base_url}/{repo_path(repo)}/discussions/{disc['num']}"
    return json_response(out)


def discussion_for_change(req, type_seg, org, name, num):
    repo, _ = find_repo(req, repo_type_of(type_seg), f"{org}/{name}")
    user = require_writer(req)
    return repo, user, get_discussion(repo, num), (req.json_body() or {}) if req.body else {}


@route("POST", REPO + r"/discussions/(\d+)/comment")
def comment_discussion(req, *args):
    repo, user, disc, body = discussion_for_change(req, *args)
    text = str(body.get("comment", "")).strip()
    if not text:
        raise HubError(400, None, "Comment must not be empty")
    return json_response({"newMessage": req.store.comment(repo, disc, user, text)})


@route("POST", REPO + r"/discussions/(\d+)/status")
def change_status(req, *args):
    repo, user, disc, body = discussion_for_change(req, *args)
    status = body.get("status")
    if status not in ("open", "closed"):
        raise HubError(400, None, "status must be 'open' or 'closed'")
    if not (req.store.owns(user, repo) or user["name"] == disc["author"]):
        raise HubError(403, None, "You don't have the rights to change the status of this discussion")
    return json_response({"newStatus": req.store.set_status(repo, disc, user, status, body.get("comment"))})


@route("POST", REPO + r"/discussions/(\d+)/merge")
def merge_pr(req, *args):
    repo, user, disc, body = discussion_for_change(req, *args)
    if not disc["isPullRequest"] or disc["status"] not in ("open", "draft"):
        raise HubError(400, None, "Only open pull requests can be merged")
    if not req.store.owns(user, repo):
        raise HubError(403, None, "You don't have the rights to merge this pull request")
    if body.get("comment"):
        req.store.comment(repo, disc, user, body["comment"])
    commit = req.store.merge(repo, disc, user)
    return json_response({"success": True, "commitOid": commit.sha})
