
/*
 * The consent banner: inserted into HTML responses while the visitor has
 * not decided, in one pass over the body as it streams.  The tag matching
 * is the core's (privacy_banner.c); this file decides which responses get
 * the banner, builds it from its template and splices it into the chain.
 *
 * The body comes from nginx in memory (r->filter_need_in_memory), as for
 * sub_filter: nginx reads a file with the aio, threads, directio and
 * output_buffers settings of the location.  Untouched bytes are never
 * copied: the buffer where the banner goes is split by a buffer of ours
 * for the part before it, on the same memory, and the original keeps the
 * part after it, so its owner reuses it only once both went out.  The
 * matcher copies the few bytes of a possible "</body" it holds back at
 * the end of a buffer; the buffers of our own (the banner's parts, held
 * bytes) are reused once sent.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_banner_text.h"
#include "ngx_http_privacy_template.h"
#include "ngx_http_privacy_banner.h"
#include "ngx_http_privacy_banner_head.h"
#include "ngx_http_privacy_chain.h"
#include "ngx_http_privacy_banner_types.h"
#include "ngx_http_privacy_script_filter.h"


/*
 * r->buffered while the matcher holds bytes back: the image filter's bit,
 * which acts on images, not on pages
 */
#define NGX_HTTP_PRIVACY_BUFFERED  0x08


typedef struct {
    privacy_banner_t                 matcher;
    ngx_http_privacy_banner_head_t  *head;         /* body_start's slot */
    ngx_http_privacy_banner_follow_t follow;       /* the page against it */
    ngx_http_privacy_banner_lang_t  *banner;       /* the visitor's language */
    ngx_str_t                        return_path;  /* HTML-escaped */
    off_t                            length;       /* the page's, or -1 */
    off_t                            seen;         /* body bytes given */
    ngx_chain_t                     *out;          /* passed on last time */
    ngx_chain_t                     *busy;
    ngx_chain_t                     *free;
    ngx_http_privacy_script_ctx_t   *script;       /* the rewriter, or NULL */
    unsigned                         done:1;       /* no banner to insert */
    unsigned                         scanned:1;    /* the matcher saw bytes */
    unsigned                         inserted:1;
    unsigned                         header:1;     /* not sent yet */
} ngx_http_privacy_banner_ctx_t;


static ngx_int_t ngx_http_privacy_banner_start(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_uint_t banner, ngx_uint_t script);
static ngx_int_t ngx_http_privacy_banner_splice(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t *in, ngx_chain_t **out);
static void ngx_http_privacy_banner_scan(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_buf_t *b,
    privacy_banner_result_t *res);
static ngx_chain_t **ngx_http_privacy_banner_insert(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll, ngx_buf_t *b,
    privacy_banner_result_t *res);
static ngx_chain_t **ngx_http_privacy_banner_finish(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll, ngx_buf_t *b);
static ngx_chain_t **ngx_http_privacy_banner_chain(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll);
static size_t ngx_http_privacy_banner_length(
    ngx_http_privacy_banner_ctx_t *bctx);



/*
 * Header filter part: decides whether this response gets the banner.
 * A response that differs with the consent cookie says so with
 * "Vary: Cookie" (ngx_http_privacy_add_vary()), so that no shared cache
 * serves one visitor's page to another; see docs/deployment.md.
 */

ngx_int_t
ngx_http_privacy_banner_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    off_t                           length;
    ngx_str_t                       type;
    ngx_uint_t                      varies, banner, script, report;
    ngx_http_privacy_banner_ctx_t  *bctx;

    /* an error page after a held header decides again */
    ctx->banner = NULL;
    r->buffered &= ~NGX_HTTP_PRIVACY_BUFFERED;

    if (ctx->endpoint || ctx->tk_resource) {
        return NGX_OK;
    }

    report = (plcf->mode != NGX_HTTP_PRIVACY_MODE_ENFORCE);

    /* a page that may differ with the decision: a banner, tags held back */
    banner = (plcf->banner != NGX_HTTP_PRIVACY_BANNER_OFF && !report);

    if (!banner && plcf->scripts == NULL) {
        return NGX_OK;
    }

    varies = banner || !report;

    if (r->headers_out.status == NGX_HTTP_NOT_MODIFIED) {
        /*
         * a 304 carries the Vary of the 200 it validates; the not modified
         * filter ran first and emptied the type, but left its length
         */
        type = r->headers_out.content_type;
        r->headers_out.content_type.len = r->headers_out.content_type_len;

        varies = varies && ngx_http_privacy_banner_type(r, plcf);

        r->headers_out.content_type = type;

        if (!varies) {
            return NGX_OK;
        }

        return ngx_http_privacy_add_vary(r, plcf, banner);
    }

    if (r->headers_out.status != NGX_HTTP_OK
        || !ngx_http_privacy_banner_type(r, plcf))
    {
        return NGX_OK;
    }

    if (varies
        && ngx_http_privacy_add_vary(r, plcf, banner) != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* privacy_script names a category not granted */
    script = ngx_http_privacy_script_wanted(r, plcf, ctx);
    banner = banner && !ctx->decided;

    if ((!banner && !script) || r->header_only) {
        return NGX_OK;
    }

    if (r->headers_out.content_encoding
        && r->headers_out.content_encoding->value.len)
    {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "privacy %s: the response has "
                      "\"Content-Encoding: %V\"; let the application send "
                      "identity bodies and compress with gzip in nginx",
                      banner ? "banner not inserted"
                             : "scripts not held back",
                      &r->headers_out.content_encoding->value);
        return NGX_OK;
    }

    if (!banner && report) {
        /* looked at, to log what would be held back; never changed */
        return ngx_http_privacy_banner_start(r, plcf, ctx, 0, 1);
    }

    length = r->headers_out.content_length_n;

    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);

    /*
     * no validators: a browser must not revalidate a page with the banner
     * into one without it after the visitor decided, or the reverse
     */
    ngx_http_clear_etag(r);
    ngx_http_clear_last_modified(r);

    if (r->method == NGX_HTTP_HEAD && (length < 0 || !banner)) {
        /* GET goes chunked: no length to find */
        return NGX_OK;
    }

    if (ngx_http_privacy_banner_start(r, plcf, ctx, banner, script)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    bctx = ctx->banner;
    bctx->length = length;

    if (length < 0 || script) {
        /*
         * the length is not known, or the rewriter changes it as it goes:
         * the page goes chunked
         */
        return NGX_OK;
    }

    /*
     * The length is known: the header waits for the first body buffer
     * the filter passes on.  When that buffer tells whether the banner
     * goes in (it does for a static page that fits in output_buffers,
     * and mostly does at body_start), the header goes with a
     * Content-Length: no chunked encoding and no write of its last chunk.
     * Otherwise it goes without one, and no later than the first buffer:
     * the header never waits for a whole page.
     *
     * So does HEAD, which then has GET's Content-Length: nginx marks it
     * header only when the header goes, so until then the handler sends
     * the body as for GET, into this filter, which drops it; a body that
     * never comes (a proxied HEAD) tells nothing, and the header goes
     * without a length.
     */
    bctx->header = 1;

    return NGX_DONE;
}


/*
 * The body filter's state for a response that gets the banner (BANNER),
 * goes through the rewriter (SCRIPT), or both.
 */

static ngx_int_t
ngx_http_privacy_banner_start(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_uint_t banner, ngx_uint_t script)
{
    ngx_http_privacy_banner_ctx_t  *bctx;

    bctx = ngx_pcalloc(r->pool, sizeof(ngx_http_privacy_banner_ctx_t));
    if (bctx == NULL) {
        return NGX_ERROR;
    }

    bctx->length = -1;

    if (script) {
        bctx->script = ngx_http_privacy_script_start(r, plcf, ctx,
                                                     banner);
        if (bctx->script == NULL) {
            return NGX_ERROR;
        }
    }

    if (!banner) {
        bctx->done = 1;

    } else {
        privacy_banner_init(&bctx->matcher, (int) plcf->banner_position);

        if (plcf->banner_position == PRIVACY_BANNER_BODY_START) {
            bctx->head = ngx_http_privacy_banner_head(&r->uri);
        }

        bctx->banner = ngx_http_privacy_banner_pick(r, plcf);

        if (ngx_http_privacy_banner_return(r, plcf, &bctx->return_path)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy banner: will insert");

        if (r->method != NGX_HTTP_HEAD) {
            ngx_http_privacy_metric_banner();
        }
    }

    ctx->banner = bctx;

    /*
     * the body comes in memory, read by nginx as it reads it for any
     * filter (with aio, threads or directio as configured; with sendfile
     * a buffer is also a file range, which the parts around the banner
     * keep)
     */
    r->filter_need_in_memory = 1;

    return NGX_OK;
}


/*
 * Body filter part: what the registrar's body filter passes on.
 * NGX_DECLINED: IN as it is; NGX_OK: *out (nothing when it is NULL);
 * NGX_DONE: the held response header, now with its length, then *out.
 */

ngx_int_t
ngx_http_privacy_banner_body(ngx_http_request_t *r, ngx_chain_t *in,
    ngx_chain_t **out)
{
    ngx_http_privacy_ctx_t         *ctx;
    ngx_http_privacy_banner_ctx_t  *bctx;

    *out = NULL;

    if (r != r->main || in == NULL) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_privacy_module);

    if (ctx == NULL || ctx->banner == NULL) {
        return NGX_DECLINED;
    }

    bctx = ctx->banner;

    if (r->header_only) {
        /* a HEAD whose header went: the body stops here */
        r->buffered &= ~NGX_HTTP_PRIVACY_BUFFERED;
        ngx_http_privacy_chain_drop(in);
        return NGX_OK;
    }

    /*
     * of the links passed on last time, those of our buffers sent since
     * go to free, for the buffer and its few bytes to be reused; the
     * others (the input's buffers, passed on) go back to the pool
     */
    ngx_chain_update_chains(r->pool, &bctx->free, &bctx->busy, &bctx->out,
                            (ngx_buf_tag_t) &ngx_http_privacy_module);

    if (bctx->done && bctx->script == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_privacy_banner_splice(r, bctx, in, out) != NGX_OK) {
        return NGX_ERROR;
    }

    bctx->out = *out;

    if ((!bctx->done && privacy_banner_held(&bctx->matcher))
        || (bctx->script && ngx_http_privacy_script_held(bctx->script)))
    {
        r->buffered |= NGX_HTTP_PRIVACY_BUFFERED;

    } else {
        r->buffered &= ~NGX_HTTP_PRIVACY_BUFFERED;
    }

    if (!bctx->header) {
        return NGX_OK;
    }

    if (*out == NULL && !bctx->done) {
        /* all held so far: nothing to send, nothing known */
        return NGX_OK;
    }

    bctx->header = 0;

    if (bctx->inserted) {
        r->headers_out.content_length_n = bctx->length
                                       + ngx_http_privacy_banner_length(bctx);

    } else if (bctx->done && bctx->seen >= bctx->length) {
        /* the whole page went by without a place for the banner */
        r->headers_out.content_length_n = bctx->length;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: header with length %O",
                   r->headers_out.content_length_n);

    if (r->method == NGX_HTTP_HEAD) {
        /*
         * the body was needed for the length only: consumed, so that its
         * owner reuses its buffers and gives the rest, which goes the
         * same way once the header made the request header only
         */
        r->buffered &= ~NGX_HTTP_PRIVACY_BUFFERED;
        ngx_http_privacy_chain_drop(in);
        ngx_http_privacy_chain_drop(*out);
        *out = NULL;
    }

    return NGX_DONE;
}


/*
 * One pass over the buffers of IN, building OUT: the buffers as they are,
 * split where the banner goes, less the few bytes of a possible "</body"
 * that the matcher holds until the next buffer tells.
 */

static ngx_int_t
ngx_http_privacy_banner_splice(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t *in, ngx_chain_t **out)
{
    size_t                    len, held_len;
    ngx_buf_t                *b;
    ngx_chain_t             **ll;
    const u_char             *held;
    privacy_banner_result_t   res;

    ll = out;

    for ( /* void */ ; in; in = in->next) {

        b = in->buf;

        if (bctx->done) {
            ll = bctx->script
                 ? ngx_http_privacy_script_rest(r, bctx->script, &bctx->free,
                                                ll, b, NULL, 0)
                 : ngx_http_privacy_chain_link(r->pool, ll, b);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        bctx->seen += ngx_buf_size(b);

        if (b->in_file && !ngx_buf_in_memory(b)) {
            /*
             * not in memory, although the header asked nginx for that: the
             * page goes as it is, after the bytes held back
             */
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "privacy banner not inserted: a body buffer "
                          "is not in memory");

            held_len = privacy_banner_finish(&bctx->matcher, &held);
            bctx->done = 1;

            ll = ngx_http_privacy_script_bytes(r, bctx->script, &bctx->free,
                                               ll, held, held_len);

            if (ll && bctx->script) {
                /* the rewriter cannot follow the page further */
                ll = ngx_http_privacy_script_end(r, bctx->script,
                                                 &bctx->free, ll, 0);
            }

            if (ll == NULL) {
                return NGX_ERROR;
            }

            ll = ngx_http_privacy_chain_link(r->pool, ll, b);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        len = ngx_buf_in_memory(b) ? (size_t) (b->last - b->pos) : 0;

        if (len) {
            ngx_http_privacy_banner_scan(r, bctx, b, &res);

            ll = ngx_http_privacy_script_bytes(r, bctx->script, &bctx->free,
                                               ll, res.pre, res.pre_len);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            if (res.found) {
                ll = ngx_http_privacy_banner_insert(r, bctx, ll, b, &res);
                if (ll == NULL) {
                    return NGX_ERROR;
                }

                continue;
            }

            if (res.pass < len) {
                /* the matcher copied the tail it holds back */
                if (b->in_file) {
                    b->file_last = b->file_pos + res.pass;
                }

                b->last = b->pos + res.pass;
            }
        }

        if (b->last_buf || b->last_in_chain) {
            ll = ngx_http_privacy_banner_finish(r, bctx, ll, b);

        } else if (bctx->script) {
            ll = ngx_http_privacy_script_rest(r, bctx->script, &bctx->free,
                                              ll, b, NULL, 0);

        } else {
            ll = ngx_http_privacy_chain_rest(r->pool, ll, b);
        }

        if (ll == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * The matcher over the bytes of B; a page's first ones are compared with
 * the head remembered in its slot first, over as many buffers as the head
 * takes, and remembered when the banner goes in them.
 */

static void
ngx_http_privacy_banner_scan(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_buf_t *b,
    privacy_banner_result_t *res)
{
    size_t                             len, pass;
    ngx_int_t                          rc;
    privacy_banner_result_t            before;
    ngx_http_privacy_banner_follow_t  *f;

    len = b->last - b->pos;
    f = &bctx->follow;

    /* the page's first bytes, seen by the matcher from its start */
    if (bctx->head && !bctx->scanned && bctx->seen == (off_t) len) {
        ngx_http_privacy_banner_follow_start(f, bctx->head);
    }

    bctx->scanned = 1;

    rc = ngx_http_privacy_banner_follow(f, b->pos, len, r->pool, &pass);

    if (rc == NGX_OK || rc == NGX_AGAIN) {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy banner: remembered head of %uz%s",
                       (rc == NGX_OK) ? f->len + pass : f->len,
                       (rc == NGX_OK) ? "" : " so far");

        ngx_memzero(res, sizeof(privacy_banner_result_t));
        res->pass = (rc == NGX_OK) ? pass : len;
        res->found = (rc == NGX_OK);

        return;
    }

    if (rc == NGX_DONE) {
        /*
         * the page differs from the head after its first buffers: the
         * matcher reads them as kept (they held no place: BODY_START
         * holds nothing back, so nothing of before is emitted)
         */
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy banner: not the remembered head after %uz",
                       f->len);

        privacy_banner_scan(&bctx->matcher, f->rec, f->len, &before);
    }

    privacy_banner_scan(&bctx->matcher, b->pos, len, res);

    ngx_http_privacy_banner_follow_scanned(f, b->pos,
                                           res->found ? res->pass : len,
                                           res->found, r->pool,
                                           r->connection->log);
}


/*
 * The banner goes into B at RES->pass.  The part of B before it goes on a
 * buffer of our own on the same memory, and B keeps the part after it: B
 * is consumed, and its memory reused by its owner, only after both went
 * out.  The part before goes from memory even with sendfile: in one
 * write with the banner (and the response header, at body_start).
 */

static ngx_chain_t **
ngx_http_privacy_banner_insert(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll, ngx_buf_t *b,
    privacy_banner_result_t *res)
{
    u_char     *last;
    ngx_buf_t  *head;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner inserted at %uz", res->pass);

    bctx->done = 1;

    if (res->pass == (size_t) (b->last - b->pos)) {
        /*
         * B ends where the banner goes: it goes whole, and its flags
         * (the end of the body, a flush) after the banner
         */
        ll = bctx->script
             ? ngx_http_privacy_script_buf(r, bctx->script, &bctx->free, ll,
                                           b, 0)
             : ngx_http_privacy_chain_link(r->pool, ll, b);
        if (ll == NULL) {
            return NULL;
        }

        ll = ngx_http_privacy_banner_chain(r, bctx, ll);
        if (ll == NULL) {
            return NULL;
        }

        ll = ngx_http_privacy_script_bytes(r, bctx->script, &bctx->free, ll,
                                           res->post, res->post_len);

        if (ll && bctx->script && (b->last_buf || b->last_in_chain)) {
            ll = ngx_http_privacy_script_end(r, bctx->script, &bctx->free,
                                             ll, 1);
        }

        if (ll == NULL) {
            return NULL;
        }

        return ngx_http_privacy_chain_flags(r->pool, ll, b);
    }

    if (res->pass && bctx->script) {
        /* the part before, through the rewriter, on B's bytes */
        last = b->last;
        b->last = b->pos + res->pass;

        ll = ngx_http_privacy_script_buf(r, bctx->script, &bctx->free, ll, b,
                                         1);
        b->last = last;

        if (ll == NULL) {
            return NULL;
        }

        if (b->in_file) {
            b->file_pos += res->pass;
        }

        b->pos += res->pass;

    } else if (res->pass) {
        head = ngx_http_privacy_chain_buf(r->pool, &bctx->free, &ll);
        if (head == NULL) {
            return NULL;
        }

        head->pos = b->pos;
        head->last = b->pos + res->pass;
        head->memory = 1;

        if (b->in_file) {
            b->file_pos += res->pass;
        }

        b->pos = head->last;
    }

    ll = ngx_http_privacy_banner_chain(r, bctx, ll);
    if (ll == NULL) {
        return NULL;
    }

    ll = ngx_http_privacy_script_bytes(r, bctx->script, &bctx->free, ll,
                                       res->post, res->post_len);
    if (ll == NULL) {
        return NULL;
    }

    if (bctx->script) {
        return ngx_http_privacy_script_rest(r, bctx->script, &bctx->free, ll,
                                            b, NULL, 0);
    }

    return ngx_http_privacy_chain_link(r->pool, ll, b);
}


/*
 * The end of the body, B, came with no insertion point: the bytes the
 * matcher held go last, and B's flags after them; B, when emptied, is
 * left out.
 */

static ngx_chain_t **
ngx_http_privacy_banner_finish(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll, ngx_buf_t *b)
{
    size_t         held_len;
    const u_char  *held;

    held_len = privacy_banner_finish(&bctx->matcher, &held);
    bctx->done = 1;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: no body tag, nothing inserted");

    if (bctx->script) {
        return ngx_http_privacy_script_rest(r, bctx->script, &bctx->free, ll,
                                            b, held, held_len);
    }

    if (held_len == 0) {
        return ngx_http_privacy_chain_rest(r->pool, ll, b);
    }

    if (ngx_buf_size(b)) {
        ll = ngx_http_privacy_chain_link(r->pool, ll, b);
        if (ll == NULL) {
            return NULL;
        }
    }

    ll = ngx_http_privacy_chain_copy(r->pool, &bctx->free, ll, held, held_len);
    if (ll == NULL) {
        return NULL;
    }

    return ngx_http_privacy_chain_flags(r->pool, ll, b);
}


/* the banner: its compiled parts with the escaped return path between */

static ngx_chain_t **
ngx_http_privacy_banner_chain(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll)
{
    ngx_str_t   *part, *s;
    ngx_uint_t   i, n;

    part = bctx->banner->parts->elts;
    n = bctx->banner->parts->nelts;

    bctx->inserted = 1;

    for (i = 0; i < 2 * n - 1; i++) {

        s = (i % 2) ? &bctx->return_path : &part[i / 2];

        if (s->len == 0) {
            continue;
        }

        ll = ngx_http_privacy_chain_memory(r->pool, &bctx->free, ll, s->data,
                                           s->len);
        if (ll == NULL) {
            return NULL;
        }
    }

    return ll;
}


/* what ngx_http_privacy_banner_chain() adds to the page */

static size_t
ngx_http_privacy_banner_length(ngx_http_privacy_banner_ctx_t *bctx)
{
    size_t       len;
    ngx_str_t   *part;
    ngx_uint_t   i, n;

    part = bctx->banner->parts->elts;
    n = bctx->banner->parts->nelts;

    len = (n - 1) * bctx->return_path.len;

    for (i = 0; i < n; i++) {
        len += part[i].len;
    }

    return len;
}


