# Shell helpers to run the local test hub from test scripts.
#
#   . tests/hub/hubctl.sh
#   hub_start tests/hub/fixtures            # or: hub_start -w "$TMPDIR_TEST" FIXTURES [testhub args]
#   curl "$HF_ENDPOINT/api/models/evalpipe-test/tiny-llama"
#   hub_fault '[{"path": "/resolve/", "action": "status", "status": 503}]'
#   hub_stop
#
# POSIX sh compatible (also fine in bash).  Needs python3 (HUB_PYTHON overrides);
# admin calls go through python3's urllib, so curl is not required.
#
# hub_start exports:
#   HF_ENDPOINT, HUB_URL  http://127.0.0.1:PORT (API, downloads, dataset viewer)
#   HUB_PORT, HUB_CDN_PORT, HUB_CDN_HOST, HUB_CDN_URL (LFS redirect target)
#   HUB_PID, HUB_LOG (NDJSON request log), HUB_WORKDIR, HUB_PORT_FILE, HUB_STDERR

if [ -n "${BASH_SOURCE:-}" ]; then
    HUB_DIR=${HUB_DIR:-$(cd "$(dirname "$BASH_SOURCE")" && pwd)}
else
    HUB_DIR=${HUB_DIR:-$(pwd)/tests/hub}
fi
HUB_PYTHON=${HUB_PYTHON:-python3}

# hub_start [-w WORKDIR] FIXTURE_DIR [extra testhub.py args...]
# Work files go to WORKDIR, else $HUB_WORKDIR, else $TMPDIR_TEST, else mktemp -d.
hub_start() {
    _hub_workdir=${HUB_WORKDIR:-${TMPDIR_TEST:-}}
    if [ "${1:-}" = "-w" ]; then
        _hub_workdir=$2
        shift 2
    fi
    if [ $# -lt 1 ]; then
        echo "usage: hub_start [-w WORKDIR] FIXTURE_DIR [testhub args]" >&2
        return 2
    fi
    _hub_root=$1
    shift
    if [ -z "$_hub_workdir" ]; then
        _hub_workdir=$(mktemp -d "${TMPDIR:-/tmp}/testhub.XXXXXX") || return 1
    fi
    mkdir -p "$_hub_workdir" || return 1
    HUB_WORKDIR=$_hub_workdir
    HUB_PORT_FILE=$HUB_WORKDIR/hub.port
    HUB_LOG=$HUB_WORKDIR/hub.log
    HUB_STDERR=$HUB_WORKDIR/hub.stderr
    rm -f "$HUB_PORT_FILE"
    "$HUB_PYTHON" "$HUB_DIR/testhub.py" --root "$_hub_root" --port 0 \
        --port-file "$HUB_PORT_FILE" --log "$HUB_LOG" "$@" 2>"$HUB_STDERR" &
    HUB_PID=$!
    export HUB_WORKDIR HUB_PORT_FILE HUB_LOG HUB_STDERR HUB_PID
    _hub_wait_ready || return 1
    HUB_PORT=$(sed -n 1p "$HUB_PORT_FILE")
    HUB_CDN_PORT=$(sed -n 2p "$HUB_PORT_FILE")
    HUB_CDN_HOST=$(sed -n 3p "$HUB_PORT_FILE")
    HUB_URL=http://127.0.0.1:$HUB_PORT
    HUB_CDN_URL=http://$HUB_CDN_HOST:$HUB_CDN_PORT
    HF_ENDPOINT=$HUB_URL
    export HUB_PORT HUB_CDN_PORT HUB_CDN_HOST HUB_URL HUB_CDN_URL HF_ENDPOINT
}

# Wait (up to $HUB_START_TIMEOUT seconds, default 10) for the port file.
_hub_wait_ready() {
    _hub_tries=$(( ${HUB_START_TIMEOUT:-10} * 20 ))
    while [ "$_hub_tries" -gt 0 ]; do
        if [ -s "$HUB_PORT_FILE" ]; then
            return 0
        fi
        if ! kill -0 "$HUB_PID" 2>/dev/null; then
            echo "hub_start: test hub exited early:" >&2
            cat "$HUB_STDERR" >&2
            return 1
        fi
        sleep 0.05
        _hub_tries=$((_hub_tries - 1))
    done
    echo "hub_start: timed out waiting for $HUB_PORT_FILE" >&2
    hub_stop
    return 1
}

# hub_stop: SIGTERM the hub started by hub_start, SIGKILL after 5 s.
hub_stop() {
    [ -n "${HUB_PID:-}" ] || return 0
    kill -TERM "$HUB_PID" 2>/dev/null
    _hub_tries=100
    while kill -0 "$HUB_PID" 2>/dev/null && [ "$_hub_tries" -gt 0 ]; do
        sleep 0.05
        _hub_tries=$((_hub_tries - 1))
    done
    kill -KILL "$HUB_PID" 2>/dev/null
    wait "$HUB_PID" 2>/dev/null
    HUB_PID=
}

# hub_admin METHOD PATH [JSON_BODY]: call the admin API, print the reply body.
hub_admin() {
    "$HUB_PYTHON" - "$HUB_URL" "$1" "$2" "${3:-}" <<'EOF'
import sys, urllib.error, urllib.request
base, method, path, body = sys.argv[1:5]
req = urllib.request.Request(base + path, data=body.encode() if body else None, method=method,
                             headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=30) as resp:
        sys.stdout.write(resp.read().decode())
except urllib.error.HTTPError as err:
    sys.stderr.write(err.read().decode() + "\n")
    sys.exit(1)
EOF
}

# hub_fault JSON: add fault rules (a JSON object or array of objects).
hub_fault() { hub_admin POST /_admin/faults "$1" >/dev/null; }

# hub_faults_clear: remove all fault rules.
hub_faults_clear() { hub_admin DELETE /_admin/faults >/dev/null; }

# hub_latency MS: fixed latency added to every request.
hub_latency() { hub_admin POST /_admin/latency "{\"ms\": $1}" >/dev/null; }

# hub_log: print the request log (NDJSON, one request per line).
hub_log() { hub_admin GET /_admin/log; }

# hub_log_clear: forget the requests logged so far (also truncates $HUB_LOG).
hub_log_clear() { hub_admin DELETE /_admin/log >/dev/null; }

# hub_reset [JSON]: clear faults and latency; '{"state": true, "log": true}'
# also reloads the fixtures and clears the log.
hub_reset() {
    if [ $# -gt 0 ]; then
        hub_admin POST /_admin/reset "$1" >/dev/null
    else
        hub_admin POST /_admin/reset '{}' >/dev/null
    fi
}

# hub_state TYPE ORG/NAME: refs, files per ref and discussions (JSON).
hub_state() { hub_admin GET "/_admin/state/$1/$2"; }

# hub_log_count PATH_REGEX [METHOD] [HOST]: how many logged requests match.
hub_log_count() {
    hub_log | "$HUB_PYTHON" -c '
import json, re, sys
rx, method, host = re.compile(sys.argv[1]), sys.argv[2], sys.argv[3]
n = 0
for line in sys.stdin:
    e = json.loads(line)
    if rx.search(e["path"]) and method in ("", e["method"]) and host in ("", e["host"]):
        n += 1
print(n)' "$1" "${2:-}" "${3:-}"
}
