
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
#include "ngx_http_privacy_template.h"
#include "ngx_http_privacy_banner.h"


/*
 * r->buffered while the matcher holds bytes back: the image filter's bit,
 * which acts on images, not on pages
 */
#define NGX_HTTP_PRIVACY_BUFFERED  0x08


/*
 * Where a body_start banner goes, remembered per worker: the bytes of a
 * page up to its insertion point.  A page whose first buffer starts with
 * exactly those bytes gets the banner after them without a scan: the
 * matcher reads a page from its start and stops at the first body tag,
 * so the same bytes give the same place.  Of the body_start row of
 * docs/performance.md the scan of the page's 3.7 KB head was 10,000 of
 * 26,000 instructions; the compare costs a few hundred.
 *
 * Bound: NGX_HTTP_PRIVACY_HEADS entries (a slot per hash of the URI) of
 * at most NGX_HTTP_PRIVACY_HEAD bytes, 256 KB per worker, allocated as
 * they are used.  Invalidation: none; an entry is used only for the same
 * bytes, and the next page of its slot that is scanned replaces it.
 */
#define NGX_HTTP_PRIVACY_HEADS  64
#define NGX_HTTP_PRIVACY_HEAD   4096


typedef struct {
    u_char                          *data;    /* NGX_HTTP_PRIVACY_HEAD bytes */
    size_t                           len;     /* 0: none */
} ngx_http_privacy_banner_head_t;


typedef struct {
    privacy_banner_t                 matcher;
    ngx_http_privacy_banner_head_t  *head;         /* body_start's slot */
    ngx_http_privacy_banner_lang_t  *banner;       /* the visitor's language */
    ngx_str_t                        return_path;  /* HTML-escaped */
    off_t                            length;       /* the page's, or -1 */
    off_t                            seen;         /* body bytes given */
    ngx_chain_t                     *out;          /* passed on last time */
    ngx_chain_t                     *busy;
    ngx_chain_t                     *free;
    unsigned                         done:1;
    unsigned                         scanned:1;    /* the matcher saw bytes */
    unsigned                         inserted:1;
    unsigned                         header:1;     /* not sent yet */
} ngx_http_privacy_banner_ctx_t;


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
static ngx_buf_t *ngx_http_privacy_banner_buf(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t ***llp);
static ngx_chain_t **ngx_http_privacy_banner_memory(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll, const u_char *data,
    size_t len);
static ngx_chain_t **ngx_http_privacy_banner_copy(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll, const u_char *data,
    size_t len);
static ngx_chain_t **ngx_http_privacy_banner_rest(ngx_http_request_t *r,
    ngx_chain_t **ll, ngx_buf_t *b);
static ngx_chain_t **ngx_http_privacy_banner_flags(ngx_http_request_t *r,
    ngx_chain_t **ll, ngx_buf_t *b);
static ngx_chain_t **ngx_http_privacy_banner_link(ngx_http_request_t *r,
    ngx_chain_t **ll, ngx_buf_t *b);
static size_t ngx_http_privacy_banner_length(
    ngx_http_privacy_banner_ctx_t *bctx);
static void ngx_http_privacy_banner_drop(ngx_chain_t *in);


static ngx_http_privacy_banner_head_t
    ngx_http_privacy_banner_heads[NGX_HTTP_PRIVACY_HEADS];


static ngx_str_t  ngx_http_privacy_vary = ngx_string("Vary");
static ngx_str_t  ngx_http_privacy_cookie_token = ngx_string("Cookie");


ngx_int_t
ngx_http_privacy_banner_init(ngx_conf_t *cf)
{
    return NGX_OK;
}


/*
 * Header filter part: decides whether this response gets the banner.
 * A response that differs with the consent cookie says so with
 * "Vary: Cookie", so that no shared cache serves one visitor's page to
 * another; see docs/deployment.md.
 */

ngx_int_t
ngx_http_privacy_banner_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    off_t                           length;
    ngx_str_t                       type;
    ngx_uint_t                      varies;
    ngx_http_privacy_banner_ctx_t  *bctx;

    /* an error page after a held header decides again */
    ctx->banner = NULL;
    r->buffered &= ~NGX_HTTP_PRIVACY_BUFFERED;

    if (plcf->banner == NGX_HTTP_PRIVACY_BANNER_OFF
        || plcf->mode != NGX_HTTP_PRIVACY_MODE_ENFORCE
        || ctx->endpoint
        || ctx->tk_resource)
    {
        return NGX_OK;
    }

    if (r->headers_out.status == NGX_HTTP_NOT_MODIFIED) {
        /*
         * a 304 carries the Vary of the 200 it validates; the not modified
         * filter ran first and emptied the type, but left its length
         */
        type = r->headers_out.content_type;
        r->headers_out.content_type.len = r->headers_out.content_type_len;

        varies = ngx_http_privacy_banner_type(r, plcf);

        r->headers_out.content_type = type;

        if (!varies) {
            return NGX_OK;
        }

        return ngx_http_privacy_add_header(r, &ngx_http_privacy_vary,
                                           &ngx_http_privacy_cookie_token);
    }

    if (r->headers_out.status != NGX_HTTP_OK
        || !ngx_http_privacy_banner_type(r, plcf))
    {
        return NGX_OK;
    }

    if (ngx_http_privacy_add_header(r, &ngx_http_privacy_vary,
                                    &ngx_http_privacy_cookie_token)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->decided || r->header_only) {
        return NGX_OK;
    }

    if (r->headers_out.content_encoding
        && r->headers_out.content_encoding->value.len)
    {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "privacy banner not inserted: the response has "
                      "\"Content-Encoding: %V\"; let the application send "
                      "identity bodies and compress with gzip in nginx",
                      &r->headers_out.content_encoding->value);
        return NGX_OK;
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

    if (r->method == NGX_HTTP_HEAD && length < 0) {
        /* GET goes chunked: no length to find */
        return NGX_OK;
    }

    bctx = ngx_pcalloc(r->pool, sizeof(ngx_http_privacy_banner_ctx_t));
    if (bctx == NULL) {
        return NGX_ERROR;
    }

    privacy_banner_init(&bctx->matcher, (int) plcf->banner_position);
    bctx->length = length;

    if (plcf->banner_position == PRIVACY_BANNER_BODY_START) {
        bctx->head = &ngx_http_privacy_banner_heads[
                        ngx_hash_key(r->uri.data, r->uri.len)
                        % NGX_HTTP_PRIVACY_HEADS];
    }

    bctx->banner = ngx_http_privacy_banner_pick(r, plcf);

    if (ngx_http_privacy_banner_return(r, plcf, &bctx->return_path)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ctx->banner = bctx;

    /*
     * the body comes in memory, read by nginx as it reads it for any
     * filter (with aio, threads or directio as configured; with sendfile
     * a buffer is also a file range, which the parts around the banner
     * keep)
     */
    r->filter_need_in_memory = 1;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: will insert");

    if (r->method != NGX_HTTP_HEAD) {
        ngx_http_privacy_metric_banner();
    }

    if (length < 0) {
        /* the length is not known: the page goes chunked */
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
        ngx_http_privacy_banner_drop(in);
        return NGX_OK;
    }

    /*
     * of the links passed on last time, those of our buffers sent since
     * go to free, for the buffer and its few bytes to be reused; the
     * others (the input's buffers, passed on) go back to the pool
     */
    ngx_chain_update_chains(r->pool, &bctx->free, &bctx->busy, &bctx->out,
                            (ngx_buf_tag_t) &ngx_http_privacy_module);

    if (bctx->done) {
        return NGX_DECLINED;
    }

    if (ngx_http_privacy_banner_splice(r, bctx, in, out) != NGX_OK) {
        return NGX_ERROR;
    }

    bctx->out = *out;

    if (privacy_banner_held(&bctx->matcher)) {
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
        ngx_http_privacy_banner_drop(in);
        ngx_http_privacy_banner_drop(*out);
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
            ll = ngx_http_privacy_banner_link(r, ll, b);
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

            ll = ngx_http_privacy_banner_copy(r, bctx, ll, held, held_len);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            ll = ngx_http_privacy_banner_link(r, ll, b);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        len = ngx_buf_in_memory(b) ? (size_t) (b->last - b->pos) : 0;

        if (len) {
            ngx_http_privacy_banner_scan(r, bctx, b, &res);

            ll = ngx_http_privacy_banner_copy(r, bctx, ll, res.pre,
                                              res.pre_len);
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

        } else {
            ll = ngx_http_privacy_banner_rest(r, ll, b);
        }

        if (ll == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * The matcher over the bytes of B; a page's first ones are compared with
 * the head remembered in its slot first, and remembered when the banner
 * goes in them.
 */

static void
ngx_http_privacy_banner_scan(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_buf_t *b,
    privacy_banner_result_t *res)
{
    size_t                           len;
    ngx_uint_t                       first;
    ngx_http_privacy_banner_head_t  *h;

    len = b->last - b->pos;
    h = bctx->head;

    /* the page's first bytes, seen by the matcher from its start */
    first = (h && !bctx->scanned && bctx->seen == (off_t) len);

    bctx->scanned = 1;

    if (first && h->len && h->len <= len
        && ngx_memcmp(h->data, b->pos, h->len) == 0)
    {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy banner: remembered head of %uz", h->len);

        ngx_memzero(res, sizeof(privacy_banner_result_t));
        res->pass = h->len;
        res->found = 1;

        return;
    }

    privacy_banner_scan(&bctx->matcher, b->pos, len, res);

    if (!first || !res->found || res->pass > NGX_HTTP_PRIVACY_HEAD) {
        return;
    }

    if (h->data == NULL) {
        h->data = ngx_alloc(NGX_HTTP_PRIVACY_HEAD, r->connection->log);
        if (h->data == NULL) {
            return;
        }
    }

    ngx_memcpy(h->data, b->pos, res->pass);
    h->len = res->pass;
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
    ngx_buf_t  *head;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner inserted at %uz", res->pass);

    bctx->done = 1;

    if (res->pass == (size_t) (b->last - b->pos)) {
        /*
         * B ends where the banner goes: it goes whole, and its flags
         * (the end of the body, a flush) after the banner
         */
        ll = ngx_http_privacy_banner_link(r, ll, b);
        if (ll == NULL) {
            return NULL;
        }

        ll = ngx_http_privacy_banner_chain(r, bctx, ll);
        if (ll == NULL) {
            return NULL;
        }

        ll = ngx_http_privacy_banner_copy(r, bctx, ll, res->post,
                                          res->post_len);
        if (ll == NULL) {
            return NULL;
        }

        return ngx_http_privacy_banner_flags(r, ll, b);
    }

    if (res->pass) {
        head = ngx_http_privacy_banner_buf(r, bctx, &ll);
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

    ll = ngx_http_privacy_banner_copy(r, bctx, ll, res->post, res->post_len);
    if (ll == NULL) {
        return NULL;
    }

    return ngx_http_privacy_banner_link(r, ll, b);
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

    if (held_len == 0) {
        return ngx_http_privacy_banner_rest(r, ll, b);
    }

    if (ngx_buf_size(b)) {
        ll = ngx_http_privacy_banner_link(r, ll, b);
        if (ll == NULL) {
            return NULL;
        }
    }

    ll = ngx_http_privacy_banner_copy(r, bctx, ll, held, held_len);
    if (ll == NULL) {
        return NULL;
    }

    return ngx_http_privacy_banner_flags(r, ll, b);
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

        ll = ngx_http_privacy_banner_memory(r, bctx, ll, s->data, s->len);
        if (ll == NULL) {
            return NULL;
        }
    }

    return ll;
}


/*
 * A data buffer of our own, linked at **llp: one sent before when there is
 * one (ngx_chain_update_chains() gave it back), cleared.  The only memory
 * a buffer of ours owns is the few bytes of held ones (start .. end),
 * which it keeps for the next copy; the others point into memory that
 * outlives them (the banner's parts) or that their sibling keeps (the
 * part before the banner).
 */

static ngx_buf_t *
ngx_http_privacy_banner_buf(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t ***llp)
{
    u_char       *start, *end;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    cl = ngx_chain_get_free_buf(r->pool, &bctx->free);
    if (cl == NULL) {
        return NULL;
    }

    b = cl->buf;

    start = b->start;
    end = b->end;

    ngx_memzero(b, sizeof(ngx_buf_t));

    b->start = start;
    b->end = end;
    b->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

    **llp = cl;
    *llp = &cl->next;

    return b;
}


/* a buffer on LEN bytes at DATA, which stay valid until it is sent */

static ngx_chain_t **
ngx_http_privacy_banner_memory(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll, const u_char *data,
    size_t len)
{
    ngx_buf_t  *b;

    b = ngx_http_privacy_banner_buf(r, bctx, &ll);
    if (b == NULL) {
        return NULL;
    }

    b->pos = (u_char *) data;
    b->last = b->pos + len;
    b->memory = 1;

    return ll;
}


/* a copy of held bytes, at most PRIVACY_BANNER_HELD_MAX of them */

static ngx_chain_t **
ngx_http_privacy_banner_copy(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll, const u_char *data,
    size_t len)
{
    size_t      size;
    ngx_buf_t  *b;

    if (len == 0) {
        return ll;
    }

    b = ngx_http_privacy_banner_buf(r, bctx, &ll);
    if (b == NULL) {
        return NULL;
    }

    if ((size_t) (b->end - b->start) < len) {
        size = ngx_max(len, PRIVACY_BANNER_HELD_MAX);

        b->start = ngx_pnalloc(r->pool, size);
        if (b->start == NULL) {
            return NULL;
        }

        b->end = b->start + size;
    }

    b->pos = b->start;
    b->last = ngx_cpymem(b->pos, data, len);
    b->temporary = 1;

    return ll;
}


/*
 * What is left of an input buffer after its held tail: an emptied one is
 * not passed on (nginx refuses zero size buffers), but its flags are.
 */

static ngx_chain_t **
ngx_http_privacy_banner_rest(ngx_http_request_t *r, ngx_chain_t **ll,
    ngx_buf_t *b)
{
    if (ngx_buf_size(b) || ngx_buf_special(b)) {
        return ngx_http_privacy_banner_link(r, ll, b);
    }

    return ngx_http_privacy_banner_flags(r, ll, b);
}


/*
 * B's end-of-body, flush and sync flags move to a buffer of no data of
 * our own, linked at LL.  It is not reused (it has no tag): it is sent at
 * once, but a writer that could not send what comes before it keeps it.
 */

static ngx_chain_t **
ngx_http_privacy_banner_flags(ngx_http_request_t *r, ngx_chain_t **ll,
    ngx_buf_t *b)
{
    ngx_buf_t  *flags;

    if (!(b->last_buf || b->last_in_chain || b->flush || b->sync)) {
        return ll;
    }

    flags = ngx_calloc_buf(r->pool);
    if (flags == NULL) {
        return NULL;
    }

    flags->last_buf = b->last_buf;
    flags->last_in_chain = b->last_in_chain;
    flags->flush = b->flush;
    flags->sync = b->sync;

    b->last_buf = 0;
    b->last_in_chain = 0;
    b->flush = 0;
    b->sync = 0;

    return ngx_http_privacy_banner_link(r, ll, flags);
}


static ngx_chain_t **
ngx_http_privacy_banner_link(ngx_http_request_t *r, ngx_chain_t **ll,
    ngx_buf_t *b)
{
    ngx_chain_t  *cl;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NULL;
    }

    cl->buf = b;
    cl->next = NULL;
    *ll = cl;

    return &cl->next;
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


/*
 * The body of a HEAD after its header: marked as sent, so that its owner
 * (the copy filter's buffers, an upstream's pipe) frees the buffers and
 * gives the rest, which goes the same way.
 */

static void
ngx_http_privacy_banner_drop(ngx_chain_t *in)
{
    ngx_buf_t  *b;

    for ( /* void */ ; in; in = in->next) {
        b = in->buf;

        b->pos = b->last;
        b->file_pos = b->file_last;
    }
}


/*
 * Whether the response has one of the privacy_banner_types: what
 * ngx_http_test_content_type() answers, without lowercasing and hashing
 * the type when the list is short (text/html alone by default).
 */

ngx_int_t
ngx_http_privacy_banner_type(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    size_t      len;
    ngx_str_t  *type;
    ngx_uint_t  i;

    if (plcf->banner_types_list == NULL) {
        return ngx_http_test_content_type(r, &plcf->banner_types) != NULL;
    }

    if (r->headers_out.content_type.len == 0) {
        return 0;
    }

    len = r->headers_out.content_type_len;
    type = plcf->banner_types_list->elts;

    for (i = 0; i < plcf->banner_types_list->nelts; i++) {
        /* types are mostly sent lowercase: memcmp() is the cheap test */
        if (type[i].len == len
            && (ngx_memcmp(r->headers_out.content_type.data, type[i].data,
                           len)
                == 0
                || ngx_strncasecmp(r->headers_out.content_type.data,
                                   type[i].data, len)
                   == 0))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * The types of the banner_types hash as a list, when there are a few: the
 * hash holds them lowercased.  A location with its parent's hash shares
 * its list.  "*" (an empty hash) and long lists keep to the hash.
 */

ngx_int_t
ngx_http_privacy_banner_types_list(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf)
{
    ngx_str_t       *type;
    ngx_uint_t       i;
    ngx_array_t     *list;
    ngx_hash_elt_t  *elt;

    conf->banner_types_list = NULL;

    if (conf->banner_types.buckets == prev->banner_types.buckets
        && prev->banner_types_list)
    {
        conf->banner_types_list = prev->banner_types_list;
        return NGX_OK;
    }

    if (conf->banner_types.size == 0) {
        return NGX_OK;
    }

    list = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
    if (list == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < conf->banner_types.size; i++) {

        for (elt = conf->banner_types.buckets[i];
             elt && elt->value;
             elt = (ngx_hash_elt_t *) ngx_align_ptr(&elt->name[0] + elt->len,
                                                    sizeof(void *)))
        {
            if (list->nelts == NGX_HTTP_PRIVACY_BANNER_TYPES_MAX) {
                return NGX_OK;
            }

            type = ngx_array_push(list);
            if (type == NULL) {
                return NGX_ERROR;
            }

            type->data = elt->name;
            type->len = elt->len;
        }
    }

    conf->banner_types_list = list;

    return NGX_OK;
}
