"""Artificial Analysis data API look-alike, served on the hub listener.

GET /api/v2/data/llms/models answers the catalogue file (default
tests/hub/aa/llms.json, or --aa-catalogue) to a request whose x-api-key
header is one of the accepted keys (--aa-key, repeatable; default
"aa_test_key"), and 401 otherwise, in AA's error shape. /api/v2/moved/...
answers 302 to the same path on the cdn listener, so a test can check that
the key never follows a redirect to another host. Faults, latency and the
request log work as for every other path.
"""

import json
import os

from hub_api import Response, json_response, route

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CATALOGUE = os.path.join(HERE, "aa", "llms.json")
DEFAULT_KEY = "aa_test_key"


def settings(req):
    args = req.server.args
    keys = getattr(args, "aa_key", None) or [DEFAULT_KEY]
    return getattr(args, "aa_catalogue", None) or DEFAULT_CATALOGUE, keys


@route("GET", r"/api/v2/data/llms/models")
def aa_models(req):
    path, keys = settings(req)
    key = req.headers.get("x-api-key")
    if key not in keys:
        return json_response({"status": 401, "error": "Invalid or missing API key"}, 401)
    with open(path, "rb") as f:
        body = f.read()
    return Response(200, body, content_type="application/json; charset=utf-8")


@route("GET", r"/api/v2/moved/(.*)")
def aa_moved(req, rest):
    resp = Response(302, b"")
    return resp.header("Location", f"{req.server.cdn_base}/api/v2/{rest}")
