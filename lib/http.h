/*
 * http — the only libcurl user: concurrent requests through the multi
 * interface, retries with backoff on 408/429/5xx and transport errors
 * (honouring Retry-After and the RateLimit header), bounded timeouts, and
 * the credentials rule: the token goes only to the configured endpoint's
 * host, never to a redirect target elsewhere, and never into a message.
 *
 * Redirects are followed here, hop by hop, so that rule holds on every hop.
 * A client owns its requests from http_submit() until their callback has
 * run; the callback may submit more requests, and owns `req` afterwards
 * (free it with http_req_free()).
 */
#ifndef EVALPIPE_HTTP_H
#define EVALPIPE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/buf.h"

struct http_client;
struct http_req;

typedef void (*http_done_fn)(struct http_req *req, void *ctx);

struct http_header {
    char *name;  /* as received */
    char *value; /* trimmed */
};

/* A request header added with http_req_add_header() (private to lib/http). */
struct http_xhdr {
    char *line;   /* "Name: value" */
    char *origin; /* the only origin it is sent to */
};

struct http_req {
    /* -- set by the caller (http_req_new() gives defaults) */
    char *url;
    const char *method;     /* "GET" (default), "HEAD", "POST" */
    struct buf body;        /* request body (POST) */
    const char *content_type;
    bool retry;             /* may be retried (default: GET/HEAD only) */
    bool auth;              /* send the token (to the endpoint host only); default true */
    FILE *sink;             /* write the body here instead of into resp (downloads) */
    long long resume_from;  /* with sink: ask for bytes from this offset (Range) */
    size_t max_body;        /* cap on a body kept in memory (default HTTP_MAX_BODY) */
    http_done_fn done;
    void *ctx;

    /* -- results, valid in the callback */
    long status;             /* final HTTP status, 0 on a transport error */
    struct buf resp;         /* body of the final response (unless sink) */
    struct http_header *hdrs; /* headers of every hop, in order received */
    size_t nr_hdrs, alloc_hdrs;
    char *final_url;
    int attempts;            /* requests sent, retries included */
    char error[256];         /* transport error text ("" if none) */

    /* -- private */
    struct http_xhdr *xhdrs; /* http_req_add_header() */
    size_t nr_xhdrs, alloc_xhdrs;
    struct http_client *client;
    void *easy;
    void *slist;
    int redirects;
    size_t hop_hdrs;     /* index of the first header of the current hop */
    double not_before;   /* retry time (monotonic seconds) */
    long long sink_start;
    bool body_started;
    char range_buf[32];
    struct http_req *next;
};

#define HTTP_MAX_BODY ((size_t)256 << 20)

struct http_options {
    const char *tool;      /* e.g. "hf-fetch", for the User-Agent */
    int max_active;        /* concurrent transfers (default 8) */
    int max_retries;       /* retries after the first attempt (default 5) */
    double max_wait;       /* longest single retry wait in seconds (default 60) */
    double base_wait;      /* first backoff in seconds (default 1, doubled, capped at 8) */
    long connect_timeout;  /* seconds (default 10) */
    long stall_timeout;    /* abort when no byte arrives for this long (default 30 s) */
};

/*
 * Create a client from the environment: HF_ENDPOINT (default
 * https://huggingface.co), HF_TOKEN / HUGGING_FACE_HUB_TOKEN / the token file
 * ($HF_TOKEN_PATH, else $HF_HOME/token), HF_HUB_OFFLINE. Returns NULL with a
 * message (error()) when libcurl cannot start.
 */
struct http_client *http_client_new(const struct http_options *opts);
void http_client_free(struct http_client *c);

/* The endpoint without a trailing '/', e.g. "https://huggingface.co". */
const char *http_endpoint(const struct http_client *c);
bool http_offline(const struct http_client *c);
bool http_has_token(const struct http_client *c);
/* Allow the token on `host_url`'s host too (e.g. a configured dataset viewer). */
void http_trust_host(struct http_client *c, const char *host_url);

/* A new GET request for url (copied). */
struct http_req *http_req_new(const char *url, http_done_fn done, void *ctx);
void http_req_free(struct http_req *req);

/*
 * Send the header "name: value" with req (e.g. an API key: "x-api-key"), but
 * only to the origin (scheme, host and port) of req->url at the time of the
 * call: a redirect to another host does not carry it, just as the Hub token
 * never leaves HF_ENDPOINT. Both strings are copied; the copy is wiped when
 * the request is freed, and no message or verbose line ever shows a value.
 * Returns 0, or -1 (error()) for a name or value with CR/LF or a URL without
 * a host. Call before http_submit().
 */
int http_req_add_header(struct http_req *req, const char *name, const char *value);

/* Queue a request; it starts when a slot is free. The client owns it until its callback. */
void http_submit(struct http_client *c, struct http_req *req);

/*
 * Run transfers for at most timeout_ms (also waking when wait_fd, if >= 0,
 * becomes readable) and run the callbacks of finished requests. Returns the
 * number of requests still queued, running or waiting to retry.
 */
int http_step(struct http_client *c, int wait_fd, int timeout_ms);

/*
 * Send req and wait until it has finished (other queued requests progress
 * meanwhile). req->done and req->ctx are replaced. Returns req, which the
 * caller frees with http_req_free().
 */
struct http_req *http_perform(struct http_client *c, struct http_req *req);

/* Run until every request submitted so far has finished. */
void http_run(struct http_client *c);

/* The last value of header `name` (case-insensitive) of the final hop, or NULL. */
const char *http_header(const struct http_req *req, const char *name);
/* The value from the first hop that sent it (e.g. X-Repo-Commit on a redirect), or NULL. */
const char *http_header_any(const struct http_req *req, const char *name);

/* True for a 2xx status. */
bool http_ok(const struct http_req *req);

/*
 * A one-line description of a failed request for messages: "HTTP 404
 * (RepoNotFound: Repository not found)" or the transport error. No secrets.
 */
const char *http_describe(const struct http_req *req, char *out, size_t outlen);

/* Percent-encode s: keep unreserved characters, and '/' when keep_slash. Appends to out. */
void http_escape(struct buf *out, const char *s, bool keep_slash);

#endif
