
/*
 * The consent endpoint: takes the visitor's decision, records it in Redis
 * as proof of consent and only then sets the consent cookie, and answers
 * with the current decision and its history; the banner's files below it
 * are ngx_http_privacy_assets.c's.  It fails toward privacy: a grant that
 * Redis does not record is refused, a refusal or a withdrawal takes effect
 * all the same and its record goes to the error log.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_assets.h"
#include "ngx_http_privacy_category.h"
#include "ngx_http_privacy_cookie_out.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_redis.h"
#include "ngx_http_privacy_settings.h"
#include "ngx_http_privacy_template.h"
#include "ngx_http_privacy_token.h"
#include "ngx_http_privacy_consent.h"
#include "privacy_form.h"
#include "privacy_record.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <hiredis/hiredis.h>


#define NGX_HTTP_PRIVACY_UA_MAX        256
#define NGX_HTTP_PRIVACY_HISTORY_MAX   20
#define NGX_HTTP_PRIVACY_RETRY_AFTER   "5"

/* the core's form actions */
#define NGX_HTTP_PRIVACY_ACCEPT_ALL    PRIVACY_FORM_ACCEPT_ALL
#define NGX_HTTP_PRIVACY_REJECT_ALL    PRIVACY_FORM_REJECT_ALL
#define NGX_HTTP_PRIVACY_SAVE          PRIVACY_FORM_SAVE
#define NGX_HTTP_PRIVACY_WITHDRAW      PRIVACY_FORM_WITHDRAW

#define NGX_HTTP_PRIVACY_RECORD_FIELDS 12

/*
 * The fields of an unrecorded refusal per error log line: the line must
 * stay below NGX_MAX_ERROR_STR (2048) with its time, pid and message; a
 * longer record is split between lines, a field is never cut
 */
#define NGX_HTTP_PRIVACY_LOG_RECORD_MAX  1700


typedef struct {
    ngx_http_request_t             *request;
    ngx_http_privacy_redis_req_t   *redis;
    ngx_http_privacy_loc_conf_t    *plcf;

    ngx_uint_t                      action;
    uint32_t                        granted;     /* optional ones chosen */
    ngx_str_t                       return_path; /* validated, or empty */
    ngx_uint_t                      json;        /* unsigned: 1 */

    /* grants nothing the visitor did not hold: applied unrecorded too */
    ngx_uint_t                      refusal;     /* unsigned: 1 */
    ngx_uint_t                      unrecorded;  /* unsigned: 1 */
    ngx_str_t                      *fields;      /* the record's values */

    privacy_token_t                 token;
    ngx_str_t                       cookie;      /* the signed token */
    ngx_str_t                       id;          /* hex */

    /* ?history=1: the records walked so far, as JSON objects */
    ngx_array_t                    *history;     /* ngx_str_t */

    const char                     *error;       /* why the input is bad */
} ngx_http_privacy_consent_t;


static ngx_int_t ngx_http_privacy_consent_handler(ngx_http_request_t *r);
static void ngx_http_privacy_consent_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_consent_parse(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs);
static ngx_int_t ngx_http_privacy_consent_same_origin(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_origin_matches(ngx_http_request_t *r,
    u_char *value, size_t len, ngx_uint_t prefix);
static ngx_int_t ngx_http_privacy_consent_record(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs);
static void ngx_http_privacy_consent_recorded(void *data, ngx_int_t rc,
    void *reply);
static ngx_int_t ngx_http_privacy_consent_unrecorded(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs, const char *why);
static void ngx_http_privacy_consent_log_record(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs, const char *why);
static ngx_uint_t ngx_http_privacy_consent_log_next(u_char **start,
    ngx_uint_t i);
static ngx_int_t ngx_http_privacy_consent_decided(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs);
static ngx_int_t ngx_http_privacy_consent_unrecorded_answer(
    ngx_http_request_t *r, ngx_http_privacy_consent_t *cs);
static ngx_int_t ngx_http_privacy_consent_get(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs);
static ngx_int_t ngx_http_privacy_consent_history(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs, ngx_str_t *id);
static void ngx_http_privacy_consent_history_reply(void *data, ngx_int_t rc,
    void *reply);
static ngx_int_t ngx_http_privacy_decision_json(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_uint_t decided,
    privacy_token_t *token, ngx_array_t *history, ngx_str_t *out);
static size_t ngx_http_privacy_names(ngx_http_privacy_loc_conf_t *plcf,
    uint32_t mask, u_char *buf, const char *sep, ngx_uint_t quote);
static ngx_int_t ngx_http_privacy_consent_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *reason);
static void ngx_http_privacy_consent_cleanup(void *data);
static ngx_http_privacy_consent_t *ngx_http_privacy_consent_create(
    ngx_http_request_t *r);


static ngx_str_t  ngx_http_privacy_json_type = ngx_string("application/json");
static ngx_str_t  ngx_http_privacy_html_type =
    ngx_string("text/html; charset=utf-8");
static ngx_str_t  ngx_http_privacy_location = ngx_string("Location");
static ngx_str_t  ngx_http_privacy_vary = ngx_string("Vary");
static ngx_str_t  ngx_http_privacy_accept = ngx_string("Accept");

/* the record's fields, in the order of XADD and HSET */
static ngx_str_t  ngx_http_privacy_record_fields[] = {
    ngx_string("id"),
    ngx_string("action"),
    ngx_string("granted"),
    ngx_string("refused"),
    ngx_string("policy"),
    ngx_string("time_ms"),
    ngx_string("banner_sha256"),
    ngx_string("source"),
    ngx_string("host"),
    ngx_string("addr"),
    ngx_string("ua"),
    ngx_string("replaces")
};

/* reasons are fixed ASCII strings of this file: nothing to escape */
static char  ngx_http_privacy_error_page[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\"><title>%ui</title></head><body>"
    "<h1>Your choice was not saved</h1><p>%s (%ui).</p>"
    "<p>Please try again in a moment. <a href=\"/\">Back to the site</a></p>"
    "</body></html>\n";

/* a refusal that Redis did not record; the link is escaped */
static char  ngx_http_privacy_unrecorded_page[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\"><title>Your choice applies</title></head><body>"
    "<h1>Your choice applies</h1><p>It is in effect in this browser now, "
    "but the site could not record it.</p>"
    "<p><a href=\"%*s\">Back to the site</a></p></body></html>\n";


char *
ngx_http_privacy_consent_endpoint(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_privacy_main_conf_t  *pmcf;

    if (plcf->consent_endpoint) {
        return "is duplicate";
    }

    plcf->consent_endpoint = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_privacy_consent_handler;

    /* checked once the whole configuration is read: Redis is required */
    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);
    pmcf->endpoints++;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_privacy_consent_handler(ngx_http_request_t *r)
{
    size_t                        len;
    ngx_int_t                     rc;
    ngx_str_t                    *url;
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_consent_t   *cs;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* Tk: U and no banner: on every answer, errors included */
    ctx->endpoint = 1;

    url = &plcf->consent_url;
    len = url->len;

    if (r->uri.len > len
        && ngx_strncmp(r->uri.data, url->data, len) == 0)
    {
        /* the banner's files, below privacy_consent_url */
        return ngx_http_privacy_asset_handler(r, r->uri.data + len,
                                              r->uri.len - len);
    }

    /* no-store: on every other answer, errors included */
    if (ngx_http_privacy_add_header(r, &ngx_http_privacy_cache_control,
                                    &ngx_http_privacy_no_store)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_privacy_read_decision(r, plcf, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->uri.len != len || ngx_strncmp(r->uri.data, url->data, len) != 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "privacy: the consent endpoint location does not "
                      "match privacy_consent_url \"%V\"", url);
        return NGX_HTTP_NOT_FOUND;
    }

    cs = ngx_http_privacy_consent_create(r);
    if (cs == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    switch (r->method) {

    case NGX_HTTP_GET:
    case NGX_HTTP_HEAD:
        /* the settings page and the JSON share the URL */
        if (ngx_http_privacy_add_header(r, &ngx_http_privacy_vary,
                                        &ngx_http_privacy_accept)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_privacy_consent_get(r, cs);

    case NGX_HTTP_POST:
    case NGX_HTTP_DELETE:
        break;

    default:
        return NGX_HTTP_NOT_ALLOWED;
    }

    /* a page on another site cannot decide for the visitor */
    if (ngx_http_privacy_consent_same_origin(r) != NGX_OK) {
        return ngx_http_privacy_consent_error(r, NGX_HTTP_FORBIDDEN,
                                              "cross-site request");
    }

    if (r->method == NGX_HTTP_DELETE) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        cs->action = NGX_HTTP_PRIVACY_WITHDRAW;
        cs->json = 1;

        return ngx_http_privacy_consent_record(r, cs);
    }

    if (r->headers_in.content_length_n > PRIVACY_FORM_BODY_MAX) {
        return ngx_http_privacy_consent_error(r,
                                          NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                          "body over 4096 bytes");
    }

    if (r->headers_in.content_type == NULL
        || r->headers_in.content_type->value.len
           < sizeof("application/x-www-form-urlencoded") - 1
        || ngx_strncasecmp(r->headers_in.content_type->value.data,
                           (u_char *) "application/x-www-form-urlencoded",
                           sizeof("application/x-www-form-urlencoded") - 1)
           != 0
        || (r->headers_in.content_type->value.len
            > sizeof("application/x-www-form-urlencoded") - 1
            && r->headers_in.content_type->value.data[
                   sizeof("application/x-www-form-urlencoded") - 1] != ';'
            && r->headers_in.content_type->value.data[
                   sizeof("application/x-www-form-urlencoded") - 1] != ' '))
    {
        return ngx_http_privacy_consent_error(r,
                                        NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                        "the body must be "
                                        "application/x-www-form-urlencoded");
    }

    r->request_body_in_single_buf = 1;
    r->request_body_in_persistent_file = 0;

    rc = ngx_http_read_client_request_body(r, ngx_http_privacy_consent_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static ngx_http_privacy_consent_t *
ngx_http_privacy_consent_create(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t          *cln;
    ngx_http_privacy_consent_t  *cs;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_privacy_consent_t));
    if (cln == NULL) {
        return NULL;
    }

    cs = cln->data;
    ngx_memzero(cs, sizeof(ngx_http_privacy_consent_t));

    cs->request = r;
    cs->plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    /* a Redis reply after the request is gone must not touch it */
    cln->handler = ngx_http_privacy_consent_cleanup;

    return cs;
}


static void
ngx_http_privacy_consent_cleanup(void *data)
{
    ngx_http_privacy_consent_t *cs = data;

    if (cs->redis) {
        ngx_http_privacy_redis_cancel(cs->redis);
        cs->redis = NULL;
    }
}


static void
ngx_http_privacy_consent_body(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_pool_cleanup_t          *cln;
    ngx_http_privacy_consent_t  *cs;

    cs = NULL;

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_privacy_consent_cleanup) {
            cs = cln->data;
            break;
        }
    }

    if (cs == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    rc = ngx_http_privacy_consent_parse(r, cs);

    if (rc == NGX_OK) {
        rc = ngx_http_privacy_consent_record(r, cs);

    } else if (cs->error) {
        /* bad input changes nothing: a clear status and the reason */
        rc = ngx_http_privacy_consent_error(r, rc, cs->error);
    }

    ngx_http_finalize_request(r, rc);
}


/*
 * The body is copied into one allocation with room for its decoded pairs
 * after it, and parsed there by the core as a whole.
 */

static ngx_int_t
ngx_http_privacy_consent_parse(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs)
{
    int                             rc;
    off_t                           size;
    u_char                         *room, *last;
    size_t                          len;
    ssize_t                         n;
    ngx_buf_t                      *b;
    ngx_chain_t                    *cl;
    privacy_consent_form_t          form;
    ngx_http_privacy_categories_t  *cats;

    if (r->request_body == NULL) {
        cs->error = "no body";
        return NGX_HTTP_BAD_REQUEST;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        size = ngx_buf_size(cl->buf);

        if (size > PRIVACY_FORM_BODY_MAX - (off_t) len) {
            cs->error = "body over 4096 bytes";
            return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
        }

        len += (size_t) size;
    }

    room = ngx_pnalloc(r->pool, PRIVACY_FORM_ROOM(len));
    if (room == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* each buffer gives exactly the ngx_buf_size() counted above */

    last = room;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (ngx_buf_in_memory(b)) {
            last = ngx_cpymem(last, b->pos, b->last - b->pos);
            continue;
        }

        if (b->in_file) {
            n = ngx_read_file(b->file, last, b->file_last - b->file_pos,
                              b->file_pos);
            if (n != b->file_last - b->file_pos) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            last += n;
        }
    }

    cats = cs->plcf->categories;

    rc = privacy_consent_form_parse(room, last - room,
                                    cats ? cats->desc : NULL,
                                    cats ? cats->categories.nelts : 0,
                                    &form);

    if (rc != PRIVACY_FORM_OK) {
        cs->error = form.error;

        return (rc == PRIVACY_FORM_TOO_LARGE)
               ? NGX_HTTP_REQUEST_ENTITY_TOO_LARGE : NGX_HTTP_BAD_REQUEST;
    }

    cs->action = form.action;
    cs->granted = form.granted;

    /* the room is the request's: the path stays valid with it */
    cs->return_path.data = (u_char *) form.return_path;
    cs->return_path.len = form.return_path_len;

    if (cs->return_path.len == 0 || ngx_http_privacy_wants_json(r)) {
        cs->json = 1;
    }

    return NGX_OK;
}


/*
 * Sec-Fetch-Site, when the browser sends it, must say same-origin (or
 * none: typed by the visitor); otherwise Origin, or failing that Referer,
 * must be this request's own scheme, host and port.
 */

static ngx_int_t
ngx_http_privacy_consent_same_origin(ngx_http_request_t *r)
{
    ngx_table_elt_t  *h;

    h = ngx_http_privacy_find_header(r, (u_char *) "Sec-Fetch-Site",
                                     sizeof("Sec-Fetch-Site") - 1);
    if (h) {
        if ((h->value.len == 11
             && ngx_strncasecmp(h->value.data, (u_char *) "same-origin", 11)
                == 0)
            || (h->value.len == 4
                && ngx_strncasecmp(h->value.data, (u_char *) "none", 4)
                   == 0))
        {
            return NGX_OK;
        }

        return NGX_DECLINED;
    }

    h = ngx_http_privacy_find_header(r, (u_char *) "Origin",
                                     sizeof("Origin") - 1);
    if (h) {
        return ngx_http_privacy_origin_matches(r, h->value.data,
                                               h->value.len, 0);
    }

    h = r->headers_in.referer;
    if (h) {
        return ngx_http_privacy_origin_matches(r, h->value.data,
                                               h->value.len, 1);
    }

    return NGX_DECLINED;
}


/* value is "scheme://host[:port]", followed by a path when prefix is set */

static ngx_int_t
ngx_http_privacy_origin_matches(ngx_http_request_t *r, u_char *value,
    size_t len, ngx_uint_t prefix)
{
    size_t     n;
    ngx_str_t  scheme, *host;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        ngx_str_set(&scheme, "https://");
    } else
#endif
    {
        ngx_str_set(&scheme, "http://");
    }

    if (r->headers_in.host == NULL) {
        return NGX_DECLINED;
    }

    host = &r->headers_in.host->value;

    n = scheme.len + host->len;

    if (len < n
        || ngx_strncasecmp(value, scheme.data, scheme.len) != 0
        || ngx_strncasecmp(value + scheme.len, host->data, host->len) != 0)
    {
        return NGX_DECLINED;
    }

    if (len == n) {
        return NGX_OK;
    }

    /* "http://example.com.evil.net/" must not pass as example.com */
    return (prefix && value[n] == '/') ? NGX_OK : NGX_DECLINED;
}


/*
 * One round trip: MULTI, XADD to the log stream (trimmed to the
 * retention), HSET of the record, PEXPIRE, EXEC.  The answer waits for
 * Redis: no cookie for a grant Redis does not hold.
 *
 * Every field has a bound (docs/redis.md): the request gives the Host
 * (checked, at most 255 bytes), the User-Agent (cut at 256 bytes) and,
 * through the address and the consent cookie, addr and replaces.
 */

static ngx_int_t
ngx_http_privacy_consent_record(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs)
{
    u_char                        *p, *names, *hash_hex;
    size_t                         len;
    uint32_t                       optional, held;
    uint64_t                       now_ms, retention_ms;
    ngx_str_t                      banner, addr, *prefix, *host, *ua, *f;
    ngx_str_t                      key, stream, minid, expire;
    ngx_uint_t                     i, nargs;
    ngx_time_t                    *tp;
    const char                   **argv;
    size_t                        *argvlen;
    ngx_http_privacy_ctx_t        *ctx;
    ngx_http_privacy_redis_cmd_t   cmds[5];
    u_char                         hash[SHA256_DIGEST_LENGTH];
    u_char                         id[PRIVACY_CONSENT_ID_LEN];

    static ngx_str_t  action_names[] = {
        ngx_string("accept_all"),
        ngx_string("reject_all"),
        ngx_string("save"),
        ngx_string("withdraw")
    };

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * a grant gives a category the visitor's valid decision did not (or
     * any, without one); the rest only takes away or keeps
     */
    optional = cs->plcf->categories ? cs->plcf->categories->optional : 0;
    held = ctx->decided ? ctx->token.granted & optional : 0;
    cs->refusal = ((cs->granted & ~held) == 0);

    if (RAND_bytes(id, sizeof(id)) != 1) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "privacy: RAND_bytes() failed");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(cs->token.consent_id, id, sizeof(id));
    cs->token.granted = cs->granted;

    cs->id.data = ngx_pnalloc(r->pool, NGX_HTTP_PRIVACY_ID_HEX_LEN);
    if (cs->id.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    privacy_hex(cs->id.data, id, sizeof(id));
    cs->id.len = NGX_HTTP_PRIVACY_ID_HEX_LEN;

    /* the token is signed before Redis is asked: nothing fails after */
    if (ngx_http_privacy_mint(r, cs->plcf, &cs->token, &cs->cookie)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* proof of what was shown: the exact banner bytes for that page */
    if (ngx_http_privacy_banner_text(r, cs->plcf, &cs->return_path, &banner)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the fields outlive this call: an unrecorded refusal logs them */
    f = ngx_palloc(r->pool,
                   NGX_HTTP_PRIVACY_RECORD_FIELDS * sizeof(ngx_str_t));
    hash_hex = ngx_pnalloc(r->pool, 2 * SHA256_DIGEST_LENGTH);

    if (f == NULL || hash_hex == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cs->fields = f;

    SHA256(banner.data, banner.len, hash);
    privacy_hex(hash_hex, hash, sizeof(hash));

    if (ngx_http_privacy_remote_addr(r, &addr) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    tp = ngx_timeofday();
    now_ms = (uint64_t) tp->sec * 1000 + tp->msec;
    retention_ms = (uint64_t) ngx_http_privacy_redis_retention(r) * 1000;

    names = ngx_pnalloc(r->pool, 2 * PRIVACY_MAX_CATEGORIES * 34 + 64);
    if (names == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    f[0] = cs->id;
    f[1] = action_names[cs->action];

    f[2].data = names;
    f[2].len = ngx_http_privacy_names(cs->plcf, cs->granted, names, ",", 0);

    f[3].data = names + f[2].len;
    f[3].len = ngx_http_privacy_names(cs->plcf,
                                      cs->plcf->categories
                                      ? cs->plcf->categories->optional
                                        & ~cs->granted
                                      : 0,
                                      f[3].data, ",", 0);

    f[4] = cs->plcf->policy_version;

    p = ngx_pnalloc(r->pool, 2 * NGX_INT64_LEN + 8);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    f[5].data = p;
    f[5].len = ngx_sprintf(p, "%uL", now_ms) - p;

    f[6].data = hash_hex;
    f[6].len = 2 * SHA256_DIGEST_LENGTH;

    if (ngx_http_privacy_wants_json(r)) {
        ngx_str_set(&f[7], "script");
    } else {
        ngx_str_set(&f[7], "form");
    }

    /*
     * nginx lets much through as a Host (8 KB of quotes, braces, spaces):
     * anything but a host[:port] of at most 255 bytes is recorded as
     * "invalid", the name RFC 6761 keeps from ever resolving
     */
    host = r->headers_in.host ? &r->headers_in.host->value : NULL;
    if (host == NULL) {
        ngx_str_null(&f[8]);

    } else if (privacy_record_host_ok(host->data, host->len)) {
        f[8] = *host;

    } else {
        ngx_str_set(&f[8], PRIVACY_RECORD_HOST_INVALID);
    }

    f[9] = addr;

    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;
    if (ua) {
        f[10].data = ua->data;
        f[10].len = ngx_min(ua->len, NGX_HTTP_PRIVACY_UA_MAX);
    } else {
        ngx_str_null(&f[10]);
    }

    /* the decision this one replaces, from the token the visitor holds */
    ngx_str_null(&f[11]);

    if (ctx->decided) {
        f[11].data = ngx_pnalloc(r->pool, NGX_HTTP_PRIVACY_ID_HEX_LEN);
        if (f[11].data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        privacy_hex(f[11].data, ctx->token.consent_id,
                    PRIVACY_CONSENT_ID_LEN);
        f[11].len = NGX_HTTP_PRIVACY_ID_HEX_LEN;
    }

    prefix = ngx_http_privacy_redis_prefix(r);

    len = prefix->len + sizeof("consent:") - 1 + NGX_HTTP_PRIVACY_ID_HEX_LEN;

    key.data = ngx_pnalloc(r->pool, len);
    stream.data = ngx_pnalloc(r->pool, prefix->len + sizeof("log") - 1);
    minid.data = ngx_pnalloc(r->pool, NGX_INT64_LEN);
    expire.data = ngx_pnalloc(r->pool, NGX_INT64_LEN);

    /* 12 field pairs for XADD and HSET, with their keys */
    argv = ngx_palloc(r->pool, 64 * sizeof(char *));
    argvlen = ngx_palloc(r->pool, 64 * sizeof(size_t));

    if (key.data == NULL || stream.data == NULL || minid.data == NULL
        || expire.data == NULL || argv == NULL || argvlen == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    key.len = ngx_sprintf(key.data, "%Vconsent:%V", prefix, &cs->id)
              - key.data;
    stream.len = ngx_sprintf(stream.data, "%Vlog", prefix) - stream.data;
    minid.len = ngx_sprintf(minid.data, "%uL",
                            now_ms > retention_ms ? now_ms - retention_ms : 0)
                - minid.data;
    expire.len = ngx_sprintf(expire.data, "%uL", retention_ms) - expire.data;

#define ngx_http_privacy_arg(s, l)                                           \
    argv[nargs] = (const char *) (s); argvlen[nargs] = (l); nargs++

    nargs = 0;

    cmds[0].argc = 1;
    cmds[0].argv = &argv[nargs];
    cmds[0].argvlen = &argvlen[nargs];
    ngx_http_privacy_arg("MULTI", 5);

    cmds[1].argv = &argv[nargs];
    cmds[1].argvlen = &argvlen[nargs];
    ngx_http_privacy_arg("XADD", 4);
    ngx_http_privacy_arg(stream.data, stream.len);
    ngx_http_privacy_arg("MINID", 5);
    ngx_http_privacy_arg("~", 1);
    ngx_http_privacy_arg(minid.data, minid.len);
    ngx_http_privacy_arg("*", 1);

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i++) {
        ngx_http_privacy_arg(ngx_http_privacy_record_fields[i].data,
                             ngx_http_privacy_record_fields[i].len);
        ngx_http_privacy_arg(f[i].data, f[i].len);
    }

    cmds[1].argc = &argv[nargs] - cmds[1].argv;

    cmds[2].argv = &argv[nargs];
    cmds[2].argvlen = &argvlen[nargs];
    ngx_http_privacy_arg("HSET", 4);
    ngx_http_privacy_arg(key.data, key.len);

    /* the same field pairs, as written for XADD */
    for (i = 6; i < (ngx_uint_t) cmds[1].argc; i++) {
        ngx_http_privacy_arg(cmds[1].argv[i], cmds[1].argvlen[i]);
    }

    cmds[2].argc = &argv[nargs] - cmds[2].argv;

    cmds[3].argc = 3;
    cmds[3].argv = &argv[nargs];
    cmds[3].argvlen = &argvlen[nargs];
    ngx_http_privacy_arg("PEXPIRE", 7);
    ngx_http_privacy_arg(key.data, key.len);
    ngx_http_privacy_arg(expire.data, expire.len);

    cmds[4].argc = 1;
    cmds[4].argv = &argv[nargs];
    cmds[4].argvlen = &argvlen[nargs];
    ngx_http_privacy_arg("EXEC", 4);

#undef ngx_http_privacy_arg

    cs->redis = ngx_http_privacy_redis_send(r->connection->log, cmds, 5,
                                            ngx_http_privacy_consent_recorded,
                                            cs);
    if (cs->redis == NULL) {
        if (cs->refusal) {
            return ngx_http_privacy_consent_unrecorded(r, cs,
                                                       "out of memory");
        }

        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy consent %V: recording %V, refusal: %ui",
                   &action_names[cs->action], &cs->id, cs->refusal);

    /* the request waits for Redis; the reply handler finalizes it */
    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_privacy_consent_recorded(void *data, ngx_int_t rc, void *reply)
{
    ngx_http_privacy_consent_t *cs = data;

    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    cs->redis = NULL;

    r = cs->request;
    c = r->connection;

    if (rc != NGX_OK && cs->refusal) {
        ngx_http_privacy_metric_redis_error();

        rc = ngx_http_privacy_consent_unrecorded(r, cs,
                                     rc == NGX_HTTP_PRIVACY_REDIS_TIMEOUT
                                     ? "timeout" : "error");

    } else if (rc != NGX_OK) {
        /*
         * on a timeout or a lost connection Redis may still run the
         * transaction it received: the record then exists for a decision
         * that was never acted on (docs/redis.md)
         */
        ngx_log_error(NGX_LOG_ERR, c->log, 0,
                      "privacy: consent %V not acknowledged by Redis (%s), "
                      "answering 503 and granting nothing; a record may "
                      "still appear if Redis received it", &cs->id,
                      rc == NGX_HTTP_PRIVACY_REDIS_TIMEOUT ? "timeout"
                                                           : "error");

        ngx_http_privacy_metric_redis_error();

        rc = ngx_http_privacy_consent_error(r,
                                         NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "the decision could not be "
                                         "recorded, nothing was changed");
    } else {
        ngx_http_privacy_metric_consent(cs->action);
        rc = ngx_http_privacy_consent_decided(r, cs);
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/*
 * A refusal or a withdrawal that Redis did not record: it takes effect all
 * the same, the answer says it was not recorded, and the record goes to
 * the error log for tools/replay-unrecorded.pl to write later.
 */

static ngx_int_t
ngx_http_privacy_consent_unrecorded(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs, const char *why)
{
    cs->unrecorded = 1;

    ngx_http_privacy_consent_log_record(r, cs, why);

    return ngx_http_privacy_consent_decided(r, cs);
}


/*
 * The record as field names and values quoted for redis-cli, split
 * between lines at fields only when it is too long for one line:
 *
 *   privacy: consent ID not acknowledged by Redis (error), a refusal,
 *   applied anyway; record: id "..." action "withdraw" ... replaces "..."
 *
 * and "record 1/2: ...", "record 2/2: ..." when split.
 */

static void
ngx_http_privacy_consent_log_record(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs, const char *why)
{
    u_char      *buf, *p;
    size_t       size;
    ngx_str_t   *name, *f;
    ngx_uint_t   i, k, part, parts;
    u_char      *start[NGX_HTTP_PRIVACY_RECORD_FIELDS + 1];

    name = ngx_http_privacy_record_fields;
    f = cs->fields;

    size = 0;

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i++) {
        size += name[i].len + sizeof(" ") - 1
                + privacy_record_quote(NULL, f[i].data, f[i].len)
                + sizeof(" ") - 1;
    }

    buf = ngx_pnalloc(r->pool, size);
    if (buf == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "privacy: consent %V not acknowledged by Redis (%s), "
                      "a refusal, applied anyway; no memory to log its "
                      "record", &cs->id, why);
        return;
    }

    /* "name value " per field; a line is the fields from start[i] */
    p = buf;

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i++) {
        start[i] = p;
        p = ngx_cpymem(p, name[i].data, name[i].len);
        *p++ = ' ';
        p += privacy_record_quote(p, f[i].data, f[i].len);
        *p++ = ' ';
    }

    start[i] = p;

    parts = 0;

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i = k) {
        k = ngx_http_privacy_consent_log_next(start, i);
        parts++;
    }

    part = 1;

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i = k, part++) {
        k = ngx_http_privacy_consent_log_next(start, i);

        if (parts == 1) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "privacy: consent %V not acknowledged by Redis "
                          "(%s), a refusal, applied anyway; record: %*s",
                          &cs->id, why,
                          (size_t) (start[k] - start[i] - 1), start[i]);
            continue;
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "privacy: consent %V not acknowledged by Redis "
                      "(%s), a refusal, applied anyway; record %ui/%ui: %*s",
                      &cs->id, why, part, parts,
                      (size_t) (start[k] - start[i] - 1), start[i]);
    }
}


/* the first field after the line that starts with field i */

static ngx_uint_t
ngx_http_privacy_consent_log_next(u_char **start, ngx_uint_t i)
{
    ngx_uint_t  k;

    for (k = i + 1; k < NGX_HTTP_PRIVACY_RECORD_FIELDS; k++) {
        if ((size_t) (start[k + 1] - start[i])
            > NGX_HTTP_PRIVACY_LOG_RECORD_MAX)
        {
            break;
        }
    }

    return k;
}


/*
 * Redis holds the record, or it is a refusal: the cookie goes out,
 * trackers are expired
 */

static ngx_int_t
ngx_http_privacy_consent_decided(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs)
{
    uint32_t                      granted;
    ngx_str_t                     body;
    ngx_uint_t                    n, k;
    ngx_http_privacy_blocked_t   *name;
    const u_char                 *pos;
    ngx_array_t                  *expire;
    ngx_table_elt_t              *h;
    privacy_cookie_t              c;
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = cs->plcf;

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_privacy_set_cookie(r, plcf, &cs->cookie,
                                    plcf->cookie.max_age)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * what the browser holds that the new decision does not allow: the
     * cookies still in the request and those the request side removed
     */
    expire = ngx_array_create(r->pool, 4,
                              sizeof(ngx_http_privacy_blocked_t));
    if (expire == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    granted = cs->granted
              | (plcf->categories ? plcf->categories->essential : 0);

    for (n = 0; (h = ngx_http_privacy_cookie_header(r, n)); n++) {
        pos = h->value.data;

        while (privacy_cookie_next(&pos, h->value.data + h->value.len, &c)) {
            name = ngx_array_push(expire);
            if (name == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            name->name.data = (u_char *) c.name;
            name->name.len = c.name_len;
            name->category = -1;
            name->set_cookie = NULL;
        }
    }

    for (n = 0; n < ctx->request_blocked; n++) {
        name = ngx_array_push(expire);
        if (name == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        *name = ctx->blocked[n];
        name->set_cookie = NULL;
    }

    /* keep the names the new decision blocks, in place */
    name = expire->elts;
    k = 0;

    for (n = 0; n < expire->nelts; n++) {
        if (!ngx_http_privacy_cookie_allowed(plcf, granted,
                                             name[n].name.data,
                                             name[n].name.len))
        {
            name[k++] = name[n];
        }
    }

    if (plcf->expire_blocked
        && ngx_http_privacy_expire_cookies(r, plcf, expire->elts, k)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the request side's expiry would repeat these */
    ctx->expired_sent = 1;

    if (cs->unrecorded) {
        return ngx_http_privacy_consent_unrecorded_answer(r, cs);
    }

    if (!cs->json) {
        /*
         * a relative Location, left as it is: nginx would make
         * r->headers_out.location absolute with its own idea of the
         * scheme, wrong behind a proxy that terminates TLS
         */
        if (ngx_http_privacy_add_header(r, &ngx_http_privacy_location,
                                        &cs->return_path)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_str_set(&body, "");

        return ngx_http_privacy_send(r, NGX_HTTP_SEE_OTHER, NULL,
                                     &body);
    }

    if (ngx_http_privacy_decision_json(r, plcf, 1, &cs->token, NULL, &body)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_send(r, NGX_HTTP_OK,
                                 &ngx_http_privacy_json_type, &body);
}


/*
 * The answer to a refusal that was not recorded: the decision's JSON with
 * "recorded":false, or for the form a page that says so and links back
 * to where the visitor came from.
 */

static ngx_int_t
ngx_http_privacy_consent_unrecorded_answer(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   body, json, path;

    if (cs->json) {
        if (ngx_http_privacy_decision_json(r, cs->plcf, 1, &cs->token, NULL,
                                           &json)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        /* {"decision":{..}}\n becomes {"decision":{..},"recorded":false}\n */
        len = json.len + sizeof(",\"recorded\":false") - 1;

        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        body.data = p;
        p = ngx_cpymem(p, json.data, json.len - 2);
        p = ngx_cpymem(p, ",\"recorded\":false}\n",
                       sizeof(",\"recorded\":false}\n") - 1);
        body.len = p - body.data;

        return ngx_http_privacy_send(r, NGX_HTTP_OK,
                                     &ngx_http_privacy_json_type, &body);
    }

    /* a path of this site (checked), escaped for the attribute */
    len = cs->return_path.len
          + ngx_escape_html(NULL, cs->return_path.data, cs->return_path.len);

    path.data = ngx_pnalloc(r->pool, len);
    if (path.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    path.len = (u_char *) ngx_escape_html(path.data, cs->return_path.data,
                                          cs->return_path.len)
               - path.data;

    len += sizeof(ngx_http_privacy_unrecorded_page);

    body.data = ngx_pnalloc(r->pool, len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.len = ngx_snprintf(body.data, len, ngx_http_privacy_unrecorded_page,
                            path.len, path.data)
               - body.data;

    return ngx_http_privacy_send(r, NGX_HTTP_OK,
                                 &ngx_http_privacy_html_type, &body);
}


/* GET: the current decision, and with ?history=1 its records in Redis */

static ngx_int_t
ngx_http_privacy_consent_get(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs)
{
    ngx_str_t                body, arg;
    ngx_http_privacy_ctx_t  *ctx;

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->decided
        && ngx_http_arg(r, (u_char *) "history", 7, &arg) == NGX_OK
        && arg.len == 1 && arg.data[0] == '1')
    {
        if (!ngx_http_privacy_redis_configured(r)) {
            return ngx_http_privacy_consent_error(r,
                                              NGX_HTTP_SERVICE_UNAVAILABLE,
                                              "no record store");
        }

        cs->history = ngx_array_create(r->pool, 4, sizeof(ngx_str_t));
        if (cs->history == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        cs->token = ctx->token;

        cs->id.data = ngx_pnalloc(r->pool, NGX_HTTP_PRIVACY_ID_HEX_LEN);
        if (cs->id.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        privacy_hex(cs->id.data, ctx->token.consent_id,
                    PRIVACY_CONSENT_ID_LEN);
        cs->id.len = NGX_HTTP_PRIVACY_ID_HEX_LEN;

        r->main->count++;

        return ngx_http_privacy_consent_history(r, cs, &cs->id);
    }

    /* a browser gets the settings page, a script the JSON */
    if (!ngx_http_privacy_wants_json(r) && ngx_http_privacy_wants_html(r)) {
        if (ngx_http_privacy_settings_page(r, cs->plcf, ctx, &body)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_privacy_send(r, NGX_HTTP_OK,
                                     &ngx_http_privacy_html_type,
                                     &body);
    }

    if (ngx_http_privacy_decision_json(r, cs->plcf, ctx->decided,
                                       &ctx->token, NULL, &body)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_send(r, NGX_HTTP_OK,
                                 &ngx_http_privacy_json_type, &body);
}


static ngx_int_t
ngx_http_privacy_consent_history(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs, ngx_str_t *id)
{
    ngx_str_t                     *prefix, key;
    const char                    *argv[2];
    size_t                         argvlen[2];
    ngx_http_privacy_redis_cmd_t   cmd;

    prefix = ngx_http_privacy_redis_prefix(r);

    key.data = ngx_pnalloc(r->pool, prefix->len + sizeof("consent:") - 1
                                    + id->len);
    if (key.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    key.len = ngx_sprintf(key.data, "%Vconsent:%V", prefix, id) - key.data;

    argv[0] = "HGETALL";
    argvlen[0] = 7;
    argv[1] = (const char *) key.data;
    argvlen[1] = key.len;

    cmd.argc = 2;
    cmd.argv = argv;
    cmd.argvlen = argvlen;

    cs->redis = ngx_http_privacy_redis_send(r->connection->log, &cmd, 1,
                                    ngx_http_privacy_consent_history_reply,
                                    cs);
    if (cs->redis == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_DONE;
}


/* one record of the history: appended as a JSON object, then the next */

static void
ngx_http_privacy_consent_history_reply(void *data, ngx_int_t rc,
    void *reply)
{
    ngx_http_privacy_consent_t *cs = data;

    u_char              *p;
    size_t               len;
    ngx_str_t           *rec, next, body;
    ngx_uint_t           i;
    redisReply          *rr, *k, *v;
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    cs->redis = NULL;

    r = cs->request;
    c = r->connection;
    rr = reply;

    if (rc != NGX_OK || rr == NULL || rr->type != REDIS_REPLY_ARRAY) {
        ngx_http_privacy_metric_redis_error();
        rc = ngx_http_privacy_consent_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                            "the records could not be read");
        goto done;
    }

    ngx_str_null(&next);

    if (rr->elements) {
        len = sizeof("{}") - 1;

        for (i = 0; i + 1 < rr->elements; i += 2) {
            k = rr->element[i];
            v = rr->element[i + 1];

            if (k->type != REDIS_REPLY_STRING
                || v->type != REDIS_REPLY_STRING)
            {
                continue;
            }

            len += sizeof("\"\":\"\",") - 1
                   + privacy_json_escape(NULL, (u_char *) k->str, k->len)
                   + privacy_json_escape(NULL, (u_char *) v->str, v->len);
        }

        rec = ngx_array_push(cs->history);
        if (rec == NULL) {
            rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
            goto done;
        }

        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
            goto done;
        }

        rec->data = p;
        *p++ = '{';

        for (i = 0; i + 1 < rr->elements; i += 2) {
            k = rr->element[i];
            v = rr->element[i + 1];

            if (k->type != REDIS_REPLY_STRING
                || v->type != REDIS_REPLY_STRING)
            {
                continue;
            }

            if (p != rec->data + 1) {
                *p++ = ',';
            }

            *p++ = '"';
            p += privacy_json_escape(p, (u_char *) k->str, k->len);
            *p++ = '"'; *p++ = ':'; *p++ = '"';
            p += privacy_json_escape(p, (u_char *) v->str, v->len);
            *p++ = '"';

            if (k->len == 8 && ngx_strncmp(k->str, "replaces", 8) == 0
                && v->len == NGX_HTTP_PRIVACY_ID_HEX_LEN)
            {
                next.data = ngx_pnalloc(r->pool, v->len);
                if (next.data == NULL) {
                    rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
                    goto done;
                }

                next.len = v->len;
                ngx_memcpy(next.data, v->str, v->len);
            }
        }

        *p++ = '}';
        rec->len = p - rec->data;
    }

    /* the hiredis reply is freed when this returns: nothing points in it */

    if (next.len && cs->history->nelts < NGX_HTTP_PRIVACY_HISTORY_MAX) {
        rc = ngx_http_privacy_consent_history(r, cs, &next);
        if (rc == NGX_DONE) {
            return;
        }

        goto done;
    }

    if (ngx_http_privacy_decision_json(r, cs->plcf, 1, &cs->token,
                                       cs->history, &body)
        != NGX_OK)
    {
        rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        goto done;
    }

    rc = ngx_http_privacy_send(r, NGX_HTTP_OK,
                               &ngx_http_privacy_json_type, &body);

done:

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/*
 * {"decision":{"id":"..","granted":[..],"refused":[..],"time":N,
 *  "policy":".."},"history":[..]} or {"decision":null}
 */

static ngx_int_t
ngx_http_privacy_decision_json(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_uint_t decided,
    privacy_token_t *token, ngx_array_t *history, ngx_str_t *out)
{
    u_char      *p;
    size_t       len;
    uint32_t     optional;
    ngx_str_t   *rec;
    ngx_uint_t   i;

    if (!decided) {
        ngx_str_set(out, "{\"decision\":null}\n");
        return NGX_OK;
    }

    optional = plcf->categories ? plcf->categories->optional : 0;

    len = sizeof("{\"decision\":{\"id\":\"\",\"granted\":[],\"refused\":[],"
                 "\"time\":,\"policy\":\"\"}}\n") - 1
          + NGX_HTTP_PRIVACY_ID_HEX_LEN + NGX_INT64_LEN
          + 2 * ngx_http_privacy_names(plcf, optional, NULL, ",", 1)
          + token->policy_len;

    if (history) {
        len += sizeof(",\"history\":[]") - 1;
        rec = history->elts;

        for (i = 0; i < history->nelts; i++) {
            len += rec[i].len + 1;
        }
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;

    p = ngx_cpymem(p, "{\"decision\":{\"id\":\"",
                   sizeof("{\"decision\":{\"id\":\"") - 1);
    privacy_hex(p, token->consent_id, PRIVACY_CONSENT_ID_LEN);
    p += NGX_HTTP_PRIVACY_ID_HEX_LEN;

    p = ngx_cpymem(p, "\",\"granted\":[", sizeof("\",\"granted\":[") - 1);
    p += ngx_http_privacy_names(plcf, token->granted & optional, p, ",", 1);
    p = ngx_cpymem(p, "],\"refused\":[", sizeof("],\"refused\":[") - 1);
    p += ngx_http_privacy_names(plcf, optional & ~token->granted, p, ",", 1);

    /* the policy version is printable ASCII without quotes (checked) */
    p = ngx_sprintf(p, "],\"time\":%uL,\"policy\":\"", token->issued);
    p = ngx_cpymem(p, token->policy, token->policy_len);
    *p++ = '"';
    *p++ = '}';

    if (history) {
        p = ngx_cpymem(p, ",\"history\":[", sizeof(",\"history\":[") - 1);
        rec = history->elts;

        for (i = 0; i < history->nelts; i++) {
            if (i) {
                *p++ = ',';
            }

            p = ngx_cpymem(p, rec[i].data, rec[i].len);
        }

        *p++ = ']';
    }

    *p++ = '}';
    *p++ = LF;

    out->len = p - out->data;

    return NGX_OK;
}


/*
 * The names of the categories in MASK, joined by SEP, quoted for JSON if
 * asked; with buf NULL only the length.  Names need no escaping: they are
 * letters, digits, "_" and "-".
 */

static size_t
ngx_http_privacy_names(ngx_http_privacy_loc_conf_t *plcf, uint32_t mask,
    u_char *buf, const char *sep, ngx_uint_t quote)
{
    size_t                        len;
    ngx_uint_t                    i;
    ngx_http_privacy_category_t  *cat;

    if (plcf->categories == NULL) {
        return 0;
    }

    cat = plcf->categories->categories.elts;
    len = 0;

    for (i = 0; i < plcf->categories->categories.nelts; i++) {

        if (!(mask & (1u << i))) {
            continue;
        }

        if (len) {
            if (buf) {
                buf[len] = *sep;
            }
            len++;
        }

        if (quote) {
            if (buf) {
                buf[len] = '"';
            }
            len++;
        }

        if (buf) {
            ngx_memcpy(buf + len, cat[i].name.data, cat[i].name.len);
        }

        len += cat[i].name.len;

        if (quote) {
            if (buf) {
                buf[len] = '"';
            }
            len++;
        }
    }

    return len;
}


/* a clear status and a JSON reason; nothing was changed */

static ngx_int_t
ngx_http_privacy_consent_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *reason)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   body, retry;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "privacy consent refused with %ui: %s", status, reason);

    if (status == NGX_HTTP_SERVICE_UNAVAILABLE) {
        ngx_str_set(&retry, NGX_HTTP_PRIVACY_RETRY_AFTER);

        if (ngx_http_privacy_add_header(r, &ngx_http_privacy_retry_after,
                                        &retry)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    /* the body of an error is read no further: keep-alive must not see it */
    r->keepalive = 0;

    if (!ngx_http_privacy_wants_json(r) && ngx_http_privacy_wants_html(r)) {
        /* the form without script: a page the visitor can act on */
        len = sizeof(ngx_http_privacy_error_page) + ngx_strlen(reason)
              + 2 * NGX_INT_T_LEN;

        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        body.data = p;
        body.len = ngx_snprintf(p, len, ngx_http_privacy_error_page, status,
                                reason, status) - p;

        return ngx_http_privacy_send(r, status,
                                     &ngx_http_privacy_html_type,
                                     &body);
    }

    len = sizeof("{\"error\":\"\"}\n") - 1 + ngx_strlen(reason);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.data = p;
    body.len = ngx_sprintf(p, "{\"error\":\"%s\"}\n", reason) - p;

    return ngx_http_privacy_send(r, status,
                                 &ngx_http_privacy_json_type, &body);
}
