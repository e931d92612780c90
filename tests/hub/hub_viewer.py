"""Dataset viewer (datasets-server) endpoints, served on the hub listener.

Rows come from FIXTURE/datasets/<org>/<name>/.viewer/<config>/<split>.jsonl,
features from an optional features.json next to them (otherwise inferred
from the first row).
"""

from hub_api import HubError, json_response, route

MAX_LENGTH = 100
UNAUTHENTICATED = ("The dataset does not exist, or is not accessible without authentication "
                   "(private or gated). Please check the spelling of the dataset name or retry "
                   "with authentication.")


def viewer_error(status, code, message):
    resp = json_response({"error": message}, status)
    return resp.header("X-Error-Code", code)


def infer_type(value):
    """A datasets `Features` type for a JSON value."""
    if isinstance(value, bool):
        return {"dtype": "bool", "_type": "Value"}
    if isinstance(value, int):
        return {"dtype": "int64", "_type": "Value"}
    if isinstance(value, float):
        return {"dtype": "float64", "_type": "Value"}
    if isinstance(value, list):
        inner = infer_type(value[0]) if value else {"dtype": "string", "_type": "Value"}
        return {"feature": inner, "_type": "List"}
    if isinstance(value, dict):
        return {k: infer_type(v) for k, v in value.items()}
    return {"dtype": "string", "_type": "Value"}


def features_of(entry, rows):
    """[{feature_idx, name, type}] from features.json (list or mapping) or the rows."""
    declared = entry.get("features")
    if isinstance(declared, dict):
        pairs = list(declared.items())
    elif isinstance(declared, list):
        pairs = [(f["name"], f["type"]) for f in declared]
    else:
        pairs = [(k, infer_type(v)) for k, v in (rows[0].items() if rows else [])]
    return [{"feature_idx": i, "name": n, "type": t} for i, (n, t) in enumerate(pairs)]


class ViewerLookupError(Exception):
    def __init__(self, response):
        super().__init__("viewer lookup failed")
        self.response = response


def find_dataset(req):
    """The dataset repo named by ?dataset=, applying the viewer's auth rules."""
    name = req.param("dataset")
    if not name:
        raise ViewerLookupError(viewer_error(422, "MissingRequiredParameter",
                                             "Parameter 'dataset' is required"))
    try:
        user = req.user()
    except HubError:
        raise ViewerLookupError(viewer_error(401, "ExternalUnauthenticatedError",
                                             UNAUTHENTICATED))
    repo = req.store.get("dataset", name)
    if repo is not None and not (req.store.can_see(user, repo)
                                 and req.store.has_gated_access(user, repo)):
        if user is None:
            raise ViewerLookupError(viewer_error(401, "ExternalUnauthenticatedError",
                                                 UNAUTHENTICATED))
        raise ViewerLookupError(viewer_error(404, "ExternalAuthenticatedError", "Not found."))
    if repo is None or not repo.viewer:
        raise ViewerLookupError(viewer_error(404, "ResponseNotFound", "Not found."))
    return repo


def find_split(req):
    """(repo, config, split, entry, rows) for ?dataset=&config=&split=."""
    repo = find_dataset(req)
    for key in ("config", "split"):
        if not req.param(key):
            raise ViewerLookupError(viewer_error(422, "MissingRequiredParameter",
                                                 f"Parameter '{key}' is required"))
    config, split = req.param("config"), req.param("split")
    entry = repo.viewer.get(config)
    if entry is None or split not in entry["splits"]:
        raise ViewerLookupError(viewer_error(404, "ResponseNotFound", "Not found."))
    return repo, config, split, entry, entry["splits"][split]


def viewer_route(path):
    """Register a viewer endpoint; ViewerLookupError carries its response."""
    def register(func):
        def run(req):
            try:
                return func(req)
            except ViewerLookupError as exc:
                return exc.response
        return route("GET", path)(run)
    return register


@viewer_route(r"/is-valid")
def is_valid(req):
    find_dataset(req)
    return json_response({"viewer": True, "preview": True, "search": False, "filter": False,
                          "statistics": False})


@viewer_route(r"/splits")
def splits(req):
    repo = find_dataset(req)
    items = [{"dataset": repo.id, "config": config, "split": split}
             for config, entry in repo.viewer.items() for split in entry["splits"]]
    return json_response({"splits": items, "pending": [], "failed": []})


def row_items(rows, offset):
    return [{"row_idx": offset + i, "row": row, "truncated_cells": []} for i, row in enumerate(rows)]


@viewer_route(r"/first-rows")
def first_rows(req):
    repo, config, split, entry, rows = find_split(req)
    return json_response({"dataset": repo.id, "config": config, "split": split,
                          "features": features_of(entry, rows),
                          "rows": row_items(rows[:MAX_LENGTH], 0), "truncated": len(rows) > MAX_LENGTH})


def int_arg(req, name, default, low, high=None):
    raw = req.param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ViewerLookupError(viewer_error(422, "InvalidParameter",
                                             f"Parameter '{name}' must be an integer {bound}"))
    return value


@viewer_route(r"/rows")
def rows(req):
    repo, config, split, entry, all_rows = find_split(req)
    offset = int_arg(req, "offset", 0, 0)
    length = int_arg(req, "length", MAX_LENGTH, 0, MAX_LENGTH)
    return json_response({"features": features_of(entry, all_rows),
                          "rows": row_items(all_rows[offset:offset + length], offset),
                          "num_rows_total": len(all_rows), "num_rows_per_page": MAX_LENGTH,
                          "partial": False})


@viewer_route(r"/info")
def info(req):
    repo = find_dataset(req)
    config = req.param("config") or next(iter(repo.viewer))
    entry = repo.viewer.get(config)
    if entry is None:
        return viewer_error(404, "ResponseNotFound", "Not found.")
    first = next(iter(entry["splits"].values()), [])
    features = {f["name"]: f["type"] for f in features_of(entry, first)}
    split_info = {s: {"name": s, "num_bytes": 0, "num_examples": len(r), "dataset_name": repo.name}
                  for s, r in entry["splits"].items()}
    return json_response({"dataset_info": {"description": "", "citation": "", "homepage": "",
                                           "license": "", "features": features,
                                           "builder_name": "json", "dataset_name": repo.name,
                                           "config_name": config, "splits": split_info},
                          "partial": False})

