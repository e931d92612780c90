#!/usr/bin/env python3
"""Local test hub: a small Hugging Face Hub look-alike for the test suite.

Serves the Hub HTTP API (repo info, listings, downloads, commits, discussions,
whoami, dataset viewer) from a fixture directory, logs every request as NDJSON
and injects faults on demand.  Standard library only.

Two listeners, both on loopback:
  hub  127.0.0.1:PORT      the API, downloads, dataset viewer and /_admin/
  cdn  127.0.0.2:CDNPORT   LFS bytes; /resolve/ of an LFS file redirects here

See tests/hub/README.md for the fixture layout, the admin API and the
fault rules.
"""

import argparse
import base64
import json
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hub_api  # noqa: E402
import hub_store  # noqa: E402
import hub_viewer  # noqa: E402,F401  (registers the viewer routes)
import hub_aa  # noqa: E402,F401  (registers the Artificial Analysis routes)
from hub_api import Request, Response, json_response  # noqa: E402

HUB_HOST = "127.0.0.1"
CDN_HOST = "127.0.0.2"


# --------------------------------------------------------------------------
# Request log
# --------------------------------------------------------------------------

class RequestLog:
    """Every request as one JSON object per line, in memory and in --log."""

    def __init__(self, path=None):
        self.path = path
        self.lock = threading.Lock()
        self.entries = []
        self.file = open(path, "a", encoding="utf-8") if path else None

    def add(self, entry):
        line = json.dumps(entry, ensure_ascii=False)
        with self.lock:
            self.entries.append(line)
            if self.file:
                self.file.write(line + "\n")
                self.file.flush()

    def text(self, since=0):
        with self.lock:
            return "".join(line + "\n" for line in self.entries[since:])

    def clear(self):
        with self.lock:
            self.entries = []
            if self.file:
                self.file.truncate(0)
                self.file.seek(0)

    def close(self):
        if self.file:
            self.file.close()


def body_for_log(body):
    if not body:
        return ""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body).decode("ascii")}


# --------------------------------------------------------------------------
# Fault injection
# --------------------------------------------------------------------------

FAULT_ACTIONS = ("status", "reset", "truncate", "slow", "delay")


class FaultRule:
    """One rule: which requests it matches, how many times, and what it does."""

    def __init__(self, spec):
        if not isinstance(spec, dict) or "path" not in spec:
            raise ValueError("a fault rule needs at least a 'path' regex")
        self.spec = dict(spec)
        self.action = spec.get("action", "status")
        if self.action not in FAULT_ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}")
        self.method = spec.get("method")
        self.host = spec.get("host")
        self.path = re.compile(spec["path"])
        self.query = re.compile(spec["query"]) if spec.get("query") else None
        self.times = int(spec.get("times", 1))
        self.skip = int(spec.get("skip", 0))
        self.hits = 0

    def matches(self, host, method, path, query):
        if self.times == 0:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self.host and self.host != host:
            return False
        if self.query and not self.query.search(query):
            return False
        return self.path.search(path) is not None

    def get(self, key, default=None):
        return self.spec.get(key, default)

    def describe(self):
        return dict(self.spec, remaining=self.times, hits=self.hits)


class FaultTable:
    """Ordered rules; the first matching rule with uses left fires."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []

    def add(self, specs):
        rules = [FaultRule(s) for s in (specs if isinstance(specs, list) else [specs])]
        with self.lock:
            self.rules.extend(rules)
        return len(rules)

    def take(self, host, method, path, query):
        with self.lock:
            for rule in self.rules:
                if not rule.matches(host, method, path, query):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                if rule.times > 0:
                    rule.times -= 1
                rule.hits += 1
                return rule
        return None

    def clear(self):
        with self.lock:
            self.rules = []

    def describe(self):
        with self.lock:
            return [r.describe() for r in self.rules]


def ratelimit_bucket(path):
    """The Hub's rate-limit bucket for a path."""
    if "/resolve/" in path:
        return "resolvers"
    return "api" if path.startswith("/api/") else "pages"


def fault_response(rule, path):
    """The canned reply of a 'status' rule."""
    status = int(rule.get("status", 500))
    body = rule.get("body")
    if body is None:
        body = {"error": f"Injected fault: HTTP {status}"}
    resp = json_response(body, status) if not isinstance(body, str) else \
        Response(status, body, content_type="text/plain; charset=utf-8")
    if rule.get("retry_after") is not None:
        resp.header("Retry-After", rule.get("retry_after"))
    limit = rule.get("ratelimit")
    if limit is not None:
        bucket = ratelimit_bucket(path)
        resp.header("RateLimit", f'"{bucket}";r={int(limit.get("r", 0))};t={int(limit.get("t", 1))}')
        resp.header("RateLimit-Policy",
                    f'"fixed window";"{bucket}";q={int(limit.get("q", 500))};w={int(limit.get("w", 300))}')
    if rule.get("error_code"):
        resp.header("X-Error-Code", rule.get("error_code"))
    for name, value in (rule.get("headers") or {}).items():
        resp.header(name, value)
    return resp


# --------------------------------------------------------------------------
# Shared server context
# --------------------------------------------------------------------------

class HubContext:
    """State shared by both listeners and every handler thread."""

    def __init__(self, args):
        self.args = args
        self.store = hub_store.Store(args.root, args.synthetic_models, args.synthetic_org,
                                     args.strict_parent)
        self.log = RequestLog(args.log)
        self.faults = FaultTable()
        self.latency_ms = args.latency_ms
        self.page_size = args.page_size
        self.discussions_page_size = args.discussions_page_size
        self.cdn_reject_auth = args.cdn_reject_auth
        self.hub_port = None
        self.cdn_port = None
        self.cdn_host = CDN_HOST
        if args.state_dir:
            self.store.listeners.append(lambda repo, ref: dump_ref(args.state_dir, repo, ref))

    @property
    def cdn_base(self):
        return f"http://{self.cdn_host}:{self.cdn_port}"


# --------------------------------------------------------------------------
# Admin API (/_admin/...), never logged and never faulted
# --------------------------------------------------------------------------

def admin(ctx, method, path, query, body):
    """Handle an /_admin/ request; returns a Response."""
    params = urllib.parse.parse_qs(query)
    data = json.loads(body.decode("utf-8") or "null") if body else None
    if path == "/_admin/health":
        return json_response({"ok": True, "port": ctx.hub_port, "cdn_port": ctx.cdn_port,
                              "cdn_host": ctx.cdn_host})
    if path == "/_admin/log":
        if method == "DELETE":
            ctx.log.clear()
            return json_response({"ok": True})
        since = int(params.get("since", ["0"])[0])
        return Response(200, ctx.log.text(since), content_type="application/x-ndjson")
    if path == "/_admin/faults":
        if method == "POST":
            return json_response({"ok": True, "added": ctx.faults.add(data or [])})
        if method == "DELETE":
            ctx.faults.clear()
            return json_response({"ok": True})
        return json_response(ctx.faults.describe())
    if path == "/_admin/latency" and method == "POST":
        ctx.latency_ms = float((data or {}).get("ms", 0))
        return json_response({"ok": True, "ms": ctx.latency_ms})
    if path == "/_admin/reset" and method == "POST":
        return admin_reset(ctx, data or {})
    match = re.fullmatch(r"/_admin/state/(models?|datasets?)/([^/]+)/([^/]+)", path)
    if match:
        repo_type = "dataset" if match.group(1).startswith("dataset") else "model"
        return admin_state(ctx, repo_type, f"{match.group(2)}/{match.group(3)}")
    return json_response({"error": f"unknown admin endpoint {method} {path}"}, 404)


def admin_reset(ctx, options):
    ctx.faults.clear()
    ctx.latency_ms = 0
    if options.get("state"):
        ctx.store.load()
    if options.get("log"):
        ctx.log.clear()
    return json_response({"ok": True})


def admin_state(ctx, repo_type, repo_id):
    """Refs, files per ref and discussions of one repository."""
    store = ctx.store
    repo = store.get(repo_type, repo_id)
    if repo is None:
        return json_response({"error": f"no {repo_type} {repo_id}"}, 404)
    with store.lock:
        refs = dict(repo.refs)
        files = {ref: {p: {"oid": b.sha1, "size": b.size, "lfs": b.lfs}
                       for p, b in sorted(repo.commits[sha].files.items())}
                 for ref, sha in refs.items()}
        discussions = [{k: d[k] for k in ("num", "title", "status", "isPullRequest", "author",
                                          "description", "ref", "base", "createdAt")}
                       for _, d in sorted(repo.discussions.items())]
        history = [{"sha": c.sha, "title": c.title, "parent": c.parent}
                   for c in repo.history(repo.commits[repo.head])]
    return json_response({"id": repo.id, "type": repo.type, "head": refs["refs/heads/main"],
                          "refs": refs, "files": files, "discussions": discussions,
                          "history": history})


# --------------------------------------------------------------------------
# --state-dir: write refs changed through the API to disk
# --------------------------------------------------------------------------

def dump_ref(state_dir, repo, ref):
    """Write the files of `ref` to STATE/<type>s/<org>/<name>/<ref>/ and refs.json."""
    if ref is None:
        return
    base = os.path.join(state_dir, repo.type + "s", repo.org, repo.name)
    target = os.path.join(base, *ref.split("/"))
    commit = repo.commits[repo.refs[ref]]
    for path, blob in commit.files.items():
        dest = os.path.join(target, *path.split("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(blob.data)
    write_atomic(os.path.join(base, "refs.json"), json.dumps(repo.refs, indent=1, sort_keys=True))


def write_atomic(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# HTTP handler
# --------------------------------------------------------------------------

class HubHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler shared by the hub and cdn listeners."""

    protocol_version = "HTTP/1.1"
    server_version = "testhub/1.0"
    timeout = 120  # idle keep-alive connections are dropped after this

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's
        # algorithm meets the client's delayed ACK and every reply waits ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self.handle_one()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def log_message(self, fmt, *args):
        if self.server.ctx.args.verbose:
            sys.stderr.write(f"testhub {self.server.role}: {fmt % args}\n")

    # -- reading ---------------------------------------------------------------

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self.read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def read_chunked(self):
        parts = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    # -- main flow -----------------------------------------------------------

    def handle_one(self):
        ctx = self.server.ctx
        started = time.time()
        body = self.read_body()
        raw_path, _, query = self.path.partition("?")
        if self.server.role == "hub" and raw_path.startswith("/_admin/"):
            self.send(self.run_admin(raw_path, query, body))
            return
        rule = ctx.faults.take(self.server.role, self.command, raw_path, query)
        if ctx.latency_ms > 0:
            time.sleep(ctx.latency_ms / 1000.0)
        resp = self.build_response(rule, raw_path, query, body)
        # Log before replying, so a client that got its reply also sees the entry.
        ctx.log.add({
            "host": self.server.role, "method": self.command, "path": raw_path, "query": query,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body_for_log(body), "status": resp.status if resp else 0,
            "fault": rule.action if rule else None,
            "peer": "%s:%d" % self.client_address[:2],
            "time": round(started, 3), "ms": round((time.time() - started) * 1000, 1),
        })
        self.deliver(rule, resp)

    def run_admin(self, raw_path, query, body):
        try:
            return admin(self.server.ctx, self.command, raw_path, query, body)
        except (ValueError, re.error) as exc:
            return json_response({"error": str(exc)}, 400)

    def build_response(self, rule, raw_path, query, body):
        """The reply to send (None for a 'reset' fault)."""
        if rule and rule.get("apply"):
            # The request takes effect, then its reply is lost or replaced: what a client
            # sees when a write lands but the answer does not reach it.
            self.route(raw_path, query, body)
        if rule and rule.action == "reset":
            return None
        if rule and rule.action == "delay":
            time.sleep(float(rule.get("delay_ms", 1000)) / 1000.0)
        if rule and rule.action == "status":
            return fault_response(rule, raw_path)
        return self.route(raw_path, query, body)

    def deliver(self, rule, resp):
        """Send resp the way the fault rule (if any) says."""
        action = rule.action if rule else None
        if action == "reset":
            self.abort_connection()
        elif action == "truncate":
            self.send_truncated(resp, rule)
        elif action == "slow":
            self.send(resp, chunk=int(rule.get("chunk_bytes", 64)),
                      pause=float(rule.get("delay_ms", 50)) / 1000.0)
        else:
            self.send(resp)

    def route(self, raw_path, query, body):
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(self.command, raw_path, query, headers, body, self.server.ctx)
        try:
            if self.server.role == "cdn":
                return hub_api.serve_cdn(req)
            return hub_api.dispatch(req)
        except Exception:  # a bug in the hub must not kill the connection silently
            traceback.print_exc()
            return json_response({"error": "Internal test hub error"}, 500)

    # -- writing ----------------------------------------------------------------

    def send_head(self, resp, length):
        self.send_response(resp.status)
        for name, value in resp.headers:
            # Header values must be latin-1; anything else becomes '?'.
            self.send_header(name, str(value).encode("latin-1", "replace").decode("latin-1"))
        self.send_header("Content-Length", str(length))
        self.send_header("X-Request-Id", f"Root=1-{int(time.time()):08x}-{id(self) & 0xffffff:06x}")
        self.end_headers()

    def has_body(self, resp):
        return self.command != "HEAD" and resp.status not in (204, 304) and resp.status >= 200

    def send(self, resp, chunk=0, pause=0.0):
        self.send_head(resp, len(resp.body))
        if not self.has_body(resp):
            return
        if not chunk:
            self.wfile.write(resp.body)
            return
        for start in range(0, len(resp.body), chunk):
            self.wfile.write(resp.body[start:start + chunk])
            self.wfile.flush()
            time.sleep(pause)

    def send_truncated(self, resp, rule):
        """Announce the full Content-Length, send only part of the body, close."""
        self.send_head(resp, len(resp.body))
        if self.has_body(resp):
            cut = int(rule.get("bytes", len(resp.body) // 2))
            self.wfile.write(resp.body[:max(0, min(cut, len(resp.body) - 1))])
            self.wfile.flush()
        self.close_connection = True

    def abort_connection(self):
        """Close with an RST (SO_LINGER 0) without sending a response."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.connection.close()
        except OSError:
            pass


# --------------------------------------------------------------------------
# Listeners and process lifecycle
# --------------------------------------------------------------------------

class HubServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, address, ctx, role):
        self.ctx = ctx
        self.role = role
        super().__init__(address, HubHandler)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, socket.timeout, OSError)):
            super().handle_error(request, client_address)


def open_cdn_listener(ctx, port):
    """The cdn listener on 127.0.0.2; falls back to 127.0.0.1 if that fails."""
    try:
        return HubServer((CDN_HOST, port), ctx, "cdn")
    except OSError:
        ctx.cdn_host = HUB_HOST
        return HubServer((HUB_HOST, port), ctx, "cdn")


def write_port_file(path, ctx):
    """Line 1: hub port; line 2: cdn port; line 3: cdn host (written atomically)."""
    write_atomic(path, f"{ctx.hub_port}\n{ctx.cdn_port}\n{ctx.cdn_host}\n")


def parse_args(argv):
    p = argparse.ArgumentParser(description="Local Hugging Face Hub look-alike for tests")
    p.add_argument("--root", required=True, help="fixture directory (models/, datasets/, users.json)")
    p.add_argument("--port", type=int, default=0, help="hub port on 127.0.0.1 (0 = pick a free one)")
    p.add_argument("--cdn-port", type=int, default=0, help="cdn port on 127.0.0.2 (0 = free one)")
    p.add_argument("--port-file", help="write 'HUBPORT\\nCDNPORT\\nCDNHOST\\n' here once listening")
    p.add_argument("--log", help="append one JSON line per request to this file")
    p.add_argument("--page-size", type=int, default=100,
                   help="default page size of /api/models, /tree and /commits listings")
    p.add_argument("--discussions-page-size", type=int, default=50)
    p.add_argument("--state-dir", help="write refs changed through the API below this directory")
    p.add_argument("--faults", help="JSON file with fault rules to install at start")
    p.add_argument("--latency-ms", type=float, default=0, help="latency added to every request")
    p.add_argument("--synthetic-models", type=int, default=0, metavar="N",
                   help="also serve N generated model repos ORG/model-0000...")
    p.add_argument("--synthetic-org", default="bench")
    p.add_argument("--strict-parent", action="store_true",
                   help="create_pr commits also need parentCommit == branch head")
    p.add_argument("--cdn-reject-auth", action="store_true",
                   help="cdn answers 400 to requests that carry an Authorization header")
    p.add_argument("--aa-catalogue", help="reply of the Artificial Analysis /api/v2/data/llms/models "
                   "look-alike (default tests/hub/aa/llms.json)")
    p.add_argument("--aa-key", action="append", help="an accepted x-api-key (repeatable; default "
                   "aa_test_key)")
    p.add_argument("--verbose", action="store_true", help="access log on stderr")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    ctx = HubContext(args)
    if args.faults:
        with open(args.faults, encoding="utf-8") as f:
            ctx.faults.add(json.load(f))
    hub = HubServer((HUB_HOST, args.port), ctx, "hub")
    cdn = open_cdn_listener(ctx, args.cdn_port)
    ctx.hub_port, ctx.cdn_port = hub.server_address[1], cdn.server_address[1]

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
               for s in (hub, cdn)]
    for t in threads:
        t.start()
    threading.Thread(target=ctx.store.warm_cards, daemon=True).start()
    if args.port_file:
        write_port_file(args.port_file, ctx)
    sys.stderr.write(f"testhub: hub http://{HUB_HOST}:{ctx.hub_port} cdn {ctx.cdn_base}\n")

    while not stop.wait(0.5):
        pass
    for server in (hub, cdn):
        server.shutdown()
        server.server_close()
    ctx.log.close()
    if args.port_file and os.path.exists(args.port_file):
        os.unlink(args.port_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
