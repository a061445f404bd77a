
/*
 * The consent endpoint: takes the visitor's decision, records it in Redis
 * as proof of consent (ngx_http_privacy_consent_record.c) and only then
 * sets the consent cookie, and answers with the current decision
 * (ngx_http_privacy_consent_answer.c) and its history
 * (ngx_http_privacy_consent_history.c); the banner's files below it are
 * ngx_http_privacy_assets.c's.  It fails toward privacy: a grant that
 * Redis does not record is refused, a refusal or a withdrawal takes effect
 * all the same and its record goes to the error log.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_assets.h"
#include "ngx_http_privacy_category.h"
#include "ngx_http_privacy_cookie_out.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_redis.h"
#include "ngx_http_privacy_token.h"
#include "ngx_http_privacy_consent.h"
#include "ngx_http_privacy_consent_answer.h"
#include "ngx_http_privacy_consent_history.h"
#include "ngx_http_privacy_consent_record.h"
#include "privacy_form.h"


/* a POST or a DELETE: the decision, from its body to its answer */
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
    ngx_http_privacy_record_t      *record;

    privacy_token_t                 token;
    ngx_str_t                       cookie;      /* the signed token */

    const char                     *error;       /* why the input is bad */
} ngx_http_privacy_consent_t;


static ngx_int_t ngx_http_privacy_consent_handler(ngx_http_request_t *r);
static ngx_http_privacy_consent_t *ngx_http_privacy_consent_create(
    ngx_http_request_t *r);
static void ngx_http_privacy_consent_cleanup(void *data);
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
static ngx_int_t ngx_http_privacy_consent_decided(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs);
static ngx_int_t ngx_http_privacy_consent_get(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);


static ngx_str_t  ngx_http_privacy_vary = ngx_string("Vary");
static ngx_str_t  ngx_http_privacy_accept = ngx_string("Accept");


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

    if (pmcf->endpoints++ == 0) {
        /* for nginx -t's message */
        pmcf->endpoint_file = cf->conf_file->file.name.data;
        pmcf->endpoint_line = cf->conf_file->line;
    }

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

        return ngx_http_privacy_consent_get(r, plcf, ctx);

    case NGX_HTTP_POST:
    case NGX_HTTP_DELETE:
        break;

    default:
        return NGX_HTTP_NOT_ALLOWED;
    }

    cs = ngx_http_privacy_consent_create(r);
    if (cs == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* a page on another site cannot decide for the visitor */
    if (ngx_http_privacy_consent_same_origin(r) != NGX_OK) {
        return ngx_http_privacy_answer_error(r, NGX_HTTP_FORBIDDEN,
                                             "cross-site request");
    }

    if (r->method == NGX_HTTP_DELETE) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        cs->action = PRIVACY_FORM_WITHDRAW;
        cs->json = 1;

        return ngx_http_privacy_consent_record(r, cs);
    }

    if (r->headers_in.content_length_n > PRIVACY_FORM_BODY_MAX) {
        return ngx_http_privacy_answer_error(r,
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
        return ngx_http_privacy_answer_error(r,
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
        rc = ngx_http_privacy_answer_error(r, rc, cs->error);
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
 * The record goes to Redis in one round trip, and the answer waits for
 * it: no cookie for a grant Redis does not hold.
 */

static ngx_int_t
ngx_http_privacy_consent_record(ngx_http_request_t *r,
    ngx_http_privacy_consent_t *cs)
{
    uint32_t                       optional, held;
    ngx_http_privacy_ctx_t        *ctx;
    ngx_http_privacy_redis_cmd_t  *cmds;

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

    cs->record = ngx_http_privacy_record_create(r, cs->plcf, cs->action,
                                                cs->granted, &cs->return_path,
                                                ctx->decided
                                                ? ctx->token.consent_id
                                                : NULL);
    if (cs->record == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(cs->token.consent_id, cs->record->id,
               PRIVACY_CONSENT_ID_LEN);
    cs->token.granted = cs->granted;
    cs->token.flags = cs->record->gpc ? PRIVACY_TOKEN_FLAG_GPC : 0;

    /* the token is signed before Redis is asked: nothing fails after */
    if (ngx_http_privacy_mint(r, cs->plcf, &cs->token, &cs->cookie)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cmds = ngx_http_privacy_record_commands(r, cs->record);
    if (cmds == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cs->redis = ngx_http_privacy_redis_send(r->connection->log, cmds,
                                            NGX_HTTP_PRIVACY_RECORD_CMDS,
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
                   &cs->record->field[NGX_HTTP_PRIVACY_RECORD_ACTION].value,
                   &cs->record->field[NGX_HTTP_PRIVACY_RECORD_ID].value,
                   cs->refusal);

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
                      "still appear if Redis received it",
                      &cs->record->field[NGX_HTTP_PRIVACY_RECORD_ID].value,
                      rc == NGX_HTTP_PRIVACY_REDIS_TIMEOUT ? "timeout"
                                                           : "error");

        ngx_http_privacy_metric_redis_error();

        rc = ngx_http_privacy_answer_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
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

    ngx_http_privacy_record_log(r, cs->record, why);

    return ngx_http_privacy_consent_decided(r, cs);
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

    /* JSON for a script, a DELETE and a form without a return path */
    if (cs->json) {
        return ngx_http_privacy_answer_decision(r, plcf, &cs->token, NULL,
                                                cs->unrecorded);
    }

    if (cs->unrecorded) {
        return ngx_http_privacy_answer_unrecorded(r, &cs->return_path);
    }

    return ngx_http_privacy_answer_see_other(r, &cs->return_path);
}


/* GET: the current decision, and with ?history=1 its records in Redis */

static ngx_int_t
ngx_http_privacy_consent_get(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    ngx_str_t  arg;

    if (ctx->decided
        && ngx_http_arg(r, (u_char *) "history", 7, &arg) == NGX_OK
        && arg.len == 1 && arg.data[0] == '1')
    {
        return ngx_http_privacy_history(r, plcf, &ctx->token);
    }

    /* a browser gets the settings page, a script the JSON */
    if (!ngx_http_privacy_wants_json(r) && ngx_http_privacy_wants_html(r)) {
        return ngx_http_privacy_answer_settings(r, plcf, ctx);
    }

    return ngx_http_privacy_answer_decision(r, plcf,
                                            ctx->decided ? &ctx->token : NULL,
                                            NULL, 0);
}
