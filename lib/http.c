/*
 * http — libcurl multi driver: queue, redirects hop by hop, retries,
 * token scoping.
 */
#include "lib/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib/hfenv.h"
#include "lib/msg.h"
#include "lib/num.h"
#include "lib/xalloc.h"

#define MAX_REDIRECTS 10

struct http_client {
    CURLM *multi;
    struct http_options opt;
    char *endpoint;
    char **trusted;     /* scheme://host:port origins that may see the token */
    size_t nr_trusted, alloc_trusted;
    char *token;
    char *user_agent;
    bool offline;
    struct http_req *queue, *queue_tail; /* waiting for a slot */
    struct http_req *waiting;            /* waiting for a retry time */
    struct http_req *done;               /* finished, callback not yet run */
    int active;
};

/* ------------------------------------------------------------ small helpers */

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "scheme://host:port" of url (lower-cased host, default ports filled in), or NULL. */
static char *
origin_of(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;

    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        for (char *p = host; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        out = xstrfmt("%s://%s:%s", scheme, host, port);
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return out;
}

static bool
trusted_url(const struct http_client *c, const char *url)
{
    char *o = origin_of(url);
    bool ok = false;

    for (size_t i = 0; o && i < c->nr_trusted; i++)
        if (!strcmp(o, c->trusted[i]))
            ok = true;
    free(o);
    return ok;
}

void
http_trust_host(struct http_client *c, const char *host_url)
{
    char *o = origin_of(host_url);

    if (!o)
        return;
    ALLOC_GROW(c->trusted, c->nr_trusted + 1, c->alloc_trusted);
    c->trusted[c->nr_trusted++] = o;
}

void
http_escape(struct buf *out, const char *s, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~' || (keep_slash && ch == '/')) {
            buf_addch(out, ch);
        } else {
            buf_addch(out, '%');
            buf_addch(out, hex[ch >> 4]);
            buf_addch(out, hex[ch & 15]);
        }
    }
}

/* ------------------------------------------------------------ client */

static int curl_users;

struct http_client *
http_client_new(const struct http_options *opts)
{
    struct http_client *c;
    curl_version_info_data *ver;

    if (curl_users++ == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        curl_users--;
        error("cannot initialise libcurl");
        return NULL;
    }
    c = xcalloc(1, sizeof(*c));
    c->opt = *opts;
    if (c->opt.max_active <= 0)
        c->opt.max_active = 8;
    if (c->opt.max_retries < 0)
        c->opt.max_retries = 0;
    if (c->opt.max_wait <= 0)
        c->opt.max_wait = 60;
    if (c->opt.base_wait <= 0)
        c->opt.base_wait = 1;
    if (c->opt.connect_timeout <= 0)
        c->opt.connect_timeout = 10;
    if (c->opt.stall_timeout <= 0)
        c->opt.stall_timeout = 30;
    c->multi = curl_multi_init();
    c->endpoint = hfenv_endpoint();
    c->token = hfenv_token();
    c->offline = hfenv_offline();
    http_trust_host(c, c->endpoint);
    ver = curl_version_info(CURLVERSION_NOW);
    c->user_agent = xstrfmt("evalpipe/%s; %s/%s; libcurl/%s", EVALPIPE_VERSION,
                            opts->tool ? opts->tool : "evalpipe", EVALPIPE_VERSION, ver->version);
    return c;
}

void
http_client_free(struct http_client *c)
{
    if (!c)
        return;
    if (c->active || c->queue || c->waiting || c->done)
        BUG("http_client_free with requests in flight");
    curl_multi_cleanup(c->multi);
    for (size_t i = 0; i < c->nr_trusted; i++)
        free(c->trusted[i]);
    free(c->trusted);
    if (c->token) {
        memset(c->token, 0, strlen(c->token));
        free(c->token);
    }
    free(c->endpoint);
    free(c->user_agent);
    free(c);
    if (--curl_users == 0)
        curl_global_cleanup();
}

const char *
http_endpoint(const struct http_client *c)
{
    return c->endpoint;
}

bool
http_offline(const struct http_client *c)
{
    return c->offline;
}

bool
http_has_token(const struct http_client *c)
{
    return c->token != NULL;
}

/* ------------------------------------------------------------ requests */

struct http_req *
http_req_new(const char *url, http_done_fn done, void *ctx)
{
    struct http_req *r = xcalloc(1, sizeof(*r));

    r->url = xstrdup(url);
    r->method = "GET";
    buf_init(&r->body, 0);
    buf_init(&r->resp, 0);
    r->retry = true;
    r->auth = true;
    r->max_body = HTTP_MAX_BODY;
    r->done = done;
    r->ctx = ctx;
    return r;
}

int
http_req_add_header(struct http_req *r, const char *name, const char *value)
{
    char *origin;

    if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n") || !*name)
        return error("bad request header name or value for '%s'", name);
    origin = origin_of(r->url);
    if (!origin)
        return error("cannot add header '%s': no host in the request URL", name);
    ALLOC_GROW(r->xhdrs, r->nr_xhdrs + 1, r->alloc_xhdrs);
    r->xhdrs[r->nr_xhdrs].line = xstrfmt("%s: %s", name, value);
    r->xhdrs[r->nr_xhdrs].origin = origin;
    r->nr_xhdrs++;
    return 0;
}

static void
clear_headers(struct http_req *r)
{
    for (size_t i = 0; i < r->nr_hdrs; i++) {
        free(r->hdrs[i].name);
        free(r->hdrs[i].value);
    }
    r->nr_hdrs = 0;
}

void
http_req_free(struct http_req *r)
{
    if (!r)
        return;
    clear_headers(r);
    free(r->hdrs);
    for (size_t i = 0; i < r->nr_xhdrs; i++) {
        memset(r->xhdrs[i].line, 0, strlen(r->xhdrs[i].line));
        free(r->xhdrs[i].line);
        free(r->xhdrs[i].origin);
    }
    free(r->xhdrs);
    free(r->url);
    free(r->final_url);
    buf_release(&r->body);
    buf_release(&r->resp);
    free(r);
}

const char *
http_header(const struct http_req *r, const char *name)
{
    for (size_t i = r->nr_hdrs; i-- > r->hop_hdrs;)
        if (!strcasecmp(r->hdrs[i].name, name))
            return r->hdrs[i].value;
    return NULL;
}

const char *
http_header_any(const struct http_req *r, const char *name)
{
    for (size_t i = 0; i < r->nr_hdrs; i++)
        if (!strcasecmp(r->hdrs[i].name, name))
            return r->hdrs[i].value;
    return NULL;
}

bool
http_ok(const struct http_req *r)
{
    return r->status >= 200 && r->status < 300;
}

const char *
http_describe(const struct http_req *r, char *out, size_t outlen)
{
    const char *code = http_header(r, "X-Error-Code");
    const char *msg = http_header(r, "X-Error-Message");

    if (r->error[0])
        snprintf(out, outlen, "%s", r->error);
    else if (code && msg)
        snprintf(out, outlen, "HTTP %ld (%s: %s)", r->status, code, msg);
    else if (code || msg)
        snprintf(out, outlen, "HTTP %ld (%s)", r->status, code ? code : msg);
    else
        snprintf(out, outlen, "HTTP %ld", r->status);
    return out;
}

/* ------------------------------------------------------------ transfers */

static size_t
on_header(char *data, size_t size, size_t n, void *userp)
{
    struct http_req *r = userp;
    size_t len = size * n, nlen, vstart;
    char *colon;

    if (len >= 5 && !memcmp(data, "HTTP/", 5)) { /* a new response (hop or 100-continue) */
        r->hop_hdrs = r->nr_hdrs;
        return len;
    }
    colon = memchr(data, ':', len);
    if (!colon)
        return len;
    nlen = (size_t)(colon - data);
    vstart = nlen + 1;
    while (vstart < len && (data[vstart] == ' ' || data[vstart] == '\t'))
        vstart++;
    while (len > vstart && (data[len - 1] == '\r' || data[len - 1] == '\n' ||
                            data[len - 1] == ' ' || data[len - 1] == '\t'))
        len--;
    ALLOC_GROW(r->hdrs, r->nr_hdrs + 1, r->alloc_hdrs);
    r->hdrs[r->nr_hdrs].name = xstrndup(data, nlen);
    r->hdrs[r->nr_hdrs].value = xstrndup(data + vstart, len - vstart);
    r->nr_hdrs++;
    return size * n;
}

static void rewind_sink(struct http_req *r);

/* Bodies of error replies and redirects go to memory even for a download. */
static bool
hop_to_sink(struct http_req *r)
{
    long code = 0;

    if (!r->sink)
        return false;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
    return code >= 200 && code < 300;
}

static size_t
on_body(char *data, size_t size, size_t n, void *userp)
{
    struct http_req *r = userp;
    size_t len = size * n;

    if (hop_to_sink(r)) {
        if (!r->body_started) {
            long code = 0;

            r->body_started = true;
            curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
            if (code == 200 && r->sink_start > 0) { /* the server ignored Range: start over */
                r->sink_start = 0;
                rewind_sink(r);
            }
        }
        return fwrite(data, 1, len, r->sink) == len ? len : 0;
    }
    if (r->resp.len + len > (r->sink ? (size_t)1 << 20 : r->max_body)) {
        snprintf(r->error, sizeof(r->error), "response body larger than %zu bytes",
                 r->sink ? (size_t)1 << 20 : r->max_body);
        return 0;
    }
    buf_add(&r->resp, data, len);
    return len;
}

static void
set_request_headers(struct http_client *c, struct http_req *r, CURL *e)
{
    struct curl_slist *h = NULL;
    char line[512];

    snprintf(line, sizeof(line), "User-Agent: %s", c->user_agent);
    h = curl_slist_append(h, line);
    if (r->content_type) {
        snprintf(line, sizeof(line), "Content-Type: %s", r->content_type);
        h = curl_slist_append(h, line);
    }
    h = curl_slist_append(h, "Expect:");
    if (r->nr_xhdrs) {
        char *o = origin_of(r->url);

        for (size_t i = 0; o && i < r->nr_xhdrs; i++)
            if (!strcmp(o, r->xhdrs[i].origin))
                h = curl_slist_append(h, r->xhdrs[i].line);
        free(o);
    }
    if (r->auth && c->token && trusted_url(c, r->url)) {
        struct buf auth = BUF_INIT;

        buf_addf(&auth, "Authorization: Bearer %s", c->token);
        h = curl_slist_append(h, auth.buf);
        memset(auth.buf, 0, auth.len);
        buf_release(&auth);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    r->slist = h;
}

/* A download restarted by a retry or a redirect begins again at resume_from. */
static void
rewind_sink(struct http_req *r)
{
    if (!r->sink)
        return;
    fflush(r->sink);
    if (ftruncate(fileno(r->sink), (off_t)r->sink_start) < 0 ||
        fseeko(r->sink, (off_t)r->sink_start, SEEK_SET) < 0)
        snprintf(r->error, sizeof(r->error), "cannot rewind download: %s", strerror(errno));
}

static const char *
range_spec(long long from, char *out, size_t outlen)
{
    snprintf(out, outlen, "%lld-", from);
    return out;
}

static void
start_transfer(struct http_client *c, struct http_req *r)
{
    CURL *e = curl_easy_init();

    r->easy = e;
    r->attempts++;
    buf_reset(&r->resp);
    r->hop_hdrs = r->nr_hdrs;
    r->body_started = false;
    rewind_sink(r);
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, c->opt.connect_timeout);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, c->opt.stall_timeout);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    if (!r->sink)
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    else if (r->sink_start > 0) /* a plain Range header: a 200 reply restarts the file (on_body) */
        curl_easy_setopt(e, CURLOPT_RANGE, range_spec(r->sink_start, r->range_buf, sizeof(r->range_buf)));
    if (!strcmp(r->method, "HEAD")) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (!strcmp(r->method, "POST")) {
        /* On a reused connection that turns out dead, libcurl silently sends the request
         * again; a write must go out exactly once, so it gets a connection of its own. */
        curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body.buf);
    } else if (strcmp(r->method, "GET")) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
    }
    set_request_headers(c, r, e);
    curl_multi_add_handle(c->multi, e);
    c->active++;
}

static void
finish_easy(struct http_client *c, struct http_req *r)
{
    curl_multi_remove_handle(c->multi, r->easy);
    curl_easy_cleanup(r->easy);
    /* the list holds copies of the token and key headers: wipe them first */
    for (struct curl_slist *l = r->slist; l; l = l->next)
        memset(l->data, 0, strlen(l->data));
    curl_slist_free_all(r->slist);
    r->easy = NULL;
    r->slist = NULL;
    c->active--;
}

static void
enqueue(struct http_client *c, struct http_req *r)
{
    r->next = NULL;
    if (c->queue_tail)
        c->queue_tail->next = r;
    else
        c->queue = r;
    c->queue_tail = r;
}

void
http_submit(struct http_client *c, struct http_req *r)
{
    r->client = c;
    r->status = 0;
    r->error[0] = '\0';
    if (r->sink) {
        r->sink_start = r->resume_from;
    }
    if (!strcmp(r->method, "POST"))
        r->retry = false; /* never blindly: the caller checks first */
    if (c->offline) {
        /* Completes at the next step, so callbacks never run inside http_submit(). */
        snprintf(r->error, sizeof(r->error), "offline mode (HF_HUB_OFFLINE is set): no request sent");
        r->next = c->done;
        c->done = r;
        return;
    }
    enqueue(c, r);
}

/* ------------------------------------------------------------ completion */

static bool
retryable_status(long s)
{
    return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

static bool
retryable_transport(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

/* Seconds from a RateLimit header ('"api";r=0;t=55') when the quota is spent, else -1. */
static double
ratelimit_wait(const char *v)
{
    const char *r = v ? strstr(v, "r=") : NULL, *t = v ? strstr(v, "t=") : NULL;
    char *end;
    double rem, secs;

    if (!r || !t)
        return -1;
    rem = strtod(r + 2, &end);
    secs = strtod(t + 2, &end);
    return rem == 0 && secs >= 0 ? secs : -1;
}

/* How long to wait before the next attempt (huggingface_hub's policy, same numbers). */
static double
retry_wait(const struct http_client *c, const struct http_req *r)
{
    const char *ra = http_header(r, "Retry-After");
    double w = c->opt.base_wait * pow(2, r->attempts - 1), v;

    if (w > 8 * c->opt.base_wait)
        w = 8 * c->opt.base_wait;
    if (r->status == 429 && (v = ratelimit_wait(http_header(r, "RateLimit"))) >= 0)
        return v;
    if (ra && parse_double(ra, &v) == 0 && v >= 0)
        return v;
    return w;
}

static void
schedule_retry(struct http_client *c, struct http_req *r, double wait)
{
    info("retrying %s in %.1fs (attempt %d, %s)", r->url, wait, r->attempts + 1,
         r->error[0] ? r->error : "server busy");
    r->not_before = now() + wait;
    r->next = c->waiting;
    c->waiting = r;
}

static void
finish(struct http_client *c, struct http_req *r)
{
    r->next = c->done;
    c->done = r;
    (void)c;
}

/* Follow a redirect if there is one; returns true when the request goes on. */
static bool
follow_redirect(struct http_client *c, struct http_req *r, const char *location)
{
    if (!location || r->status < 300 || r->status >= 400 || r->status == 304)
        return false;
    if (++r->redirects > MAX_REDIRECTS) {
        snprintf(r->error, sizeof(r->error), "too many redirects");
        return false;
    }
    if (r->status == 303)
        r->method = "GET";
    free(r->url);
    r->url = xstrdup(location);
    r->attempts--; /* a redirect is not a retry */
    enqueue(c, r);
    return true;
}

static void
complete(struct http_client *c, struct http_req *r, CURLcode rc)
{
    char *location = NULL, *eff = NULL;
    bool write_error = rc == CURLE_WRITE_ERROR && r->error[0];

    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &eff);
    free(r->final_url);
    r->final_url = xstrdup(eff ? eff : r->url);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(r->easy, CURLINFO_REDIRECT_URL, &location);
        location = location ? xstrdup(location) : NULL;
    } else if (!write_error) {
        snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(rc));
        r->status = 0;
    }
    finish_easy(c, r);
    if (rc == CURLE_OK && follow_redirect(c, r, location)) {
        free(location);
        return;
    }
    free(location);
    if (r->retry && r->attempts <= c->opt.max_retries &&
        ((rc != CURLE_OK && !write_error && retryable_transport(rc)) ||
         (rc == CURLE_OK && retryable_status(r->status)))) {
        double wait = retry_wait(c, r);

        if (wait <= c->opt.max_wait) {
            r->error[0] = '\0';
            schedule_retry(c, r, wait);
            return;
        }
    }
    finish(c, r);
}

/* Move requests whose retry time has come to the queue; returns ms until the next one. */
static long
release_waiting(struct http_client *c)
{
    struct http_req **pp = &c->waiting;
    double t = now(), next = -1;

    while (*pp) {
        struct http_req *r = *pp;

        if (r->not_before <= t) {
            *pp = r->next;
            enqueue(c, r);
        } else {
            if (next < 0 || r->not_before < next)
                next = r->not_before;
            pp = &r->next;
        }
    }
    return next < 0 ? -1 : (long)ceil((next - t) * 1000);
}

static void
run_callbacks(struct http_client *c)
{
    while (c->done) {
        /* Callbacks run in completion order. */
        struct http_req *r = c->done, **pp = &c->done;

        while (r->next) {
            pp = &r->next;
            r = r->next;
        }
        *pp = NULL;
        r->next = NULL;
        r->done(r, r->ctx);
    }
}

static int
pending(const struct http_client *c)
{
    int n = c->active;

    for (const struct http_req *r = c->queue; r; r = r->next)
        n++;
    for (const struct http_req *r = c->waiting; r; r = r->next)
        n++;
    for (const struct http_req *r = c->done; r; r = r->next)
        n++;
    return n;
}

int
http_step(struct http_client *c, int wait_fd, int timeout_ms)
{
    struct curl_waitfd extra = { .fd = wait_fd, .events = CURL_WAIT_POLLIN };
    long next_retry = release_waiting(c);
    int running, left;
    CURLMsg *m;

    while (c->queue && c->active < c->opt.max_active) {
        struct http_req *r = c->queue;

        c->queue = r->next;
        if (!c->queue)
            c->queue_tail = NULL;
        start_transfer(c, r);
    }
    if (c->done)
        timeout_ms = 0;
    if (next_retry >= 0 && next_retry < timeout_ms)
        timeout_ms = (int)next_retry;
    if (c->active || wait_fd >= 0 || timeout_ms > 0)
        curl_multi_poll(c->multi, wait_fd >= 0 ? &extra : NULL, wait_fd >= 0 ? 1 : 0, timeout_ms,
                        NULL);
    curl_multi_perform(c->multi, &running);
    while ((m = curl_multi_info_read(c->multi, &left))) {
        char *priv = NULL;

        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
        complete(c, (struct http_req *)(void *)priv, m->data.result);
    }
    run_callbacks(c);
    return pending(c);
}

void
http_run(struct http_client *c)
{
    while (http_step(c, -1, 1000) > 0)
        ;
}

static void
on_performed(struct http_req *req, void *ctx)
{
    (void)req;
    *(bool *)ctx = true;
}

struct http_req *
http_perform(struct http_client *c, struct http_req *req)
{
    bool done = false;

    req->done = on_performed;
    req->ctx = &done;
    http_submit(c, req);
    while (!done)
        http_step(c, -1, 1000);
    return req;
}
