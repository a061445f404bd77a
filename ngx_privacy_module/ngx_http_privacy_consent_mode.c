
/*
 * Google Consent Mode v2: privacy_consent_mode TYPE=CATEGORY ..., and the
 * script tag that sets Google's consent types from the visitor's decision
 * before any other script of the page runs.
 *
 * The tag is one external script, consent-mode.HASH.js (the assets beside
 * the banner's): a strict Content-Security-Policy needs no inline code,
 * and the file is the same for every visitor and cached for a year.  What
 * differs per visitor is an attribute of the tag,
 *
 *     data-privacy-consent="ad_storage=marketing:denied ..."
 *
 * each mapped type with its category and state: granted when the visitor
 * granted the category, denied otherwise, and so every type is denied
 * until the visitor decides; "essential" for an essential category, which
 * the script takes as granted always (security_storage=necessary).  The
 * script reads it for gtag('consent', 'default', ...) and, after a
 * decision through the banner's script, sends 'update' with the
 * categories the consent endpoint answered.
 *
 * The directive and its merge are in ngx_http_privacy_consent_mode_conf.c.
 *
 * The tag goes where the core's matcher says (privacy_consent_mode.c),
 * found in the body filter's one pass after the banner's, in the way of
 * the banner: untouched bytes are never copied, the buffer where the tag
 * goes is split, and the few bytes of a possible "<script" held at a
 * buffer's end are copied.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_banner_types.h"
#include "ngx_http_privacy_banner_head.h"
#include "ngx_http_privacy_chain.h"
#include "ngx_http_privacy_consent_mode.h"
#include "ngx_http_privacy_script_filter.h"
#include "privacy_consent_mode.h"


/*
 * r->buffered while the matcher holds bytes back: the banner's bit, set
 * here only while this filter holds some, and cleared by it only then
 */
#define NGX_HTTP_PRIVACY_CONSENT_MODE_BUFFERED  0x08


typedef struct {
    privacy_consent_mode_t           matcher;
    ngx_http_privacy_banner_head_t  *head;         /* the page's slot */
    ngx_str_t                        tag;          /* this visitor's */
    off_t                            length;       /* the page's, or -1 */
    off_t                            seen;
    ngx_chain_t                     *out;
    ngx_chain_t                     *busy;
    ngx_chain_t                     *free;
    unsigned                         done:1;
    unsigned                         scanned:1;    /* the matcher saw bytes */
    unsigned                         inserted:1;
    unsigned                         header:1;     /* not sent yet */
    unsigned                         buffered:1;   /* r->buffered set */
} ngx_http_privacy_consent_mode_ctx_t;


static ngx_int_t ngx_http_privacy_consent_mode_tag(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_str_t *tag);
static ngx_int_t ngx_http_privacy_consent_mode_splice(ngx_http_request_t *r,
    ngx_http_privacy_consent_mode_ctx_t *cctx, ngx_chain_t *in,
    ngx_chain_t **out);
static void ngx_http_privacy_consent_mode_scan(ngx_http_request_t *r,
    ngx_http_privacy_consent_mode_ctx_t *cctx, ngx_buf_t *b,
    privacy_banner_result_t *res);
static ngx_chain_t **ngx_http_privacy_consent_mode_insert(
    ngx_http_request_t *r, ngx_http_privacy_consent_mode_ctx_t *cctx,
    ngx_chain_t **ll, ngx_buf_t *b, privacy_banner_result_t *res);
static ngx_chain_t **ngx_http_privacy_consent_mode_finish(
    ngx_http_request_t *r, ngx_http_privacy_consent_mode_ctx_t *cctx,
    ngx_chain_t **ll, ngx_buf_t *b, ngx_uint_t last);
static ngx_chain_t **ngx_http_privacy_consent_mode_own(ngx_chain_t **ll,
    ngx_chain_t **next);


/* this filter's buffers, told from the banner's that pass through it */
static ngx_uint_t  ngx_http_privacy_consent_mode_buf_tag;



/*
 * Header filter part: decides whether this response gets the tag; runs
 * before the banner's.  The page differs with the consent cookie, so it
 * varies with it (the banner says so itself when it is on) and carries no
 * validators: a browser must not revalidate a page made for one decision
 * into one for another.
 */

ngx_int_t
ngx_http_privacy_consent_mode_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    off_t                                 length;
    ngx_http_privacy_consent_mode_ctx_t  *cctx;

    ctx->consent_mode = NULL;

    if (plcf->consent_mode_tag.len == 0
        || plcf->mode != NGX_HTTP_PRIVACY_MODE_ENFORCE
        || ctx->endpoint
        || ctx->tk_resource
        || r->headers_out.status != NGX_HTTP_OK
        || !ngx_http_privacy_banner_type(r, plcf))
    {
        return NGX_OK;
    }

    if (plcf->banner == NGX_HTTP_PRIVACY_BANNER_OFF
        && ngx_http_privacy_add_vary(r, plcf, 0) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (r->header_only) {
        return NGX_OK;
    }

    if (r->headers_out.content_encoding
        && r->headers_out.content_encoding->value.len)
    {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "privacy consent mode not inserted: the response has "
                      "\"Content-Encoding: %V\"; let the application send "
                      "identity bodies and compress with gzip in nginx",
                      &r->headers_out.content_encoding->value);
        return NGX_OK;
    }

    length = r->headers_out.content_length_n;

    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);
    ngx_http_clear_etag(r);
    ngx_http_clear_last_modified(r);

    if (r->method == NGX_HTTP_HEAD) {
        /* GET's length is known with the body only: none */
        return NGX_OK;
    }

    cctx = ngx_pcalloc(r->pool, sizeof(ngx_http_privacy_consent_mode_ctx_t));
    if (cctx == NULL) {
        return NGX_ERROR;
    }

    privacy_consent_mode_init(&cctx->matcher);
    cctx->length = length;
    cctx->head = ngx_http_privacy_banner_head_consent_mode(&r->uri);

    if (ngx_http_privacy_consent_mode_tag(r, plcf, ctx, &cctx->tag)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ctx->consent_mode = cctx;

    r->filter_need_in_memory = 1;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy consent mode: will insert \"%V\"", &cctx->tag);

    if (length < 0
        || (!ctx->decided && plcf->banner != NGX_HTTP_PRIVACY_BANNER_OFF)
        || ngx_http_privacy_script_wanted(r, plcf, ctx))
    {
        /*
         * chunked: not known, or the banner may add to it as well, or the
         * rewriter (ngx_http_privacy_script_filter.c) change it
         */
        return NGX_OK;
    }

    /*
     * As the banner does: the header waits for the first buffer passed
     * on, which mostly tells where the tag goes (a page's head is near
     * its start), and goes with a Content-Length when it does.
     */
    cctx->header = 1;

    return NGX_DONE;
}


/* this visitor's tag: each type with its category and state */

static ngx_int_t
ngx_http_privacy_consent_mode_tag(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_str_t *tag)
{
    u_char                           *p;
    size_t                            len;
    uint32_t                          granted, essential;
    ngx_uint_t                        i;
    ngx_http_privacy_consent_type_t  *t;

    static u_char  end[] = "\"></script>";

    t = plcf->consent_mode->elts;

    len = plcf->consent_mode_tag.len + sizeof(end) - 1;

    for (i = 0; i < plcf->consent_mode->nelts; i++) {
        /* names: letters, digits, '_' and '-', nothing to escape */
        len += t[i].type.len + t[i].category.len
               + sizeof(" =:essential") - 1;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    tag->data = p;

    /* essential categories always; the others only once decided */
    essential = plcf->categories ? plcf->categories->essential : 0;
    granted = ctx->decided ? ctx->granted : 0;

    p = ngx_cpymem(p, plcf->consent_mode_tag.data,
                   plcf->consent_mode_tag.len);

    for (i = 0; i < plcf->consent_mode->nelts; i++) {
        if (i) {
            *p++ = ' ';
        }

        p = ngx_cpymem(p, t[i].type.data, t[i].type.len);
        *p++ = '=';
        p = ngx_cpymem(p, t[i].category.data, t[i].category.len);

        if (essential & (1u << t[i].index)) {
            p = ngx_cpymem(p, ":essential", sizeof(":essential") - 1);

        } else if (granted & (1u << t[i].index)) {
            p = ngx_cpymem(p, ":granted", sizeof(":granted") - 1);

        } else {
            p = ngx_cpymem(p, ":denied", sizeof(":denied") - 1);
        }
    }

    p = ngx_cpymem(p, end, sizeof(end) - 1);

    tag->len = p - tag->data;

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_consent_mode_body(ngx_http_request_t *r, ngx_chain_t *in,
    ngx_chain_t **out)
{
    ngx_http_privacy_ctx_t               *ctx;
    ngx_http_privacy_consent_mode_ctx_t  *cctx;

    *out = NULL;

    if (r != r->main || in == NULL) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_privacy_module);

    if (ctx == NULL || ctx->consent_mode == NULL) {
        return NGX_DECLINED;
    }

    cctx = ctx->consent_mode;

    ngx_chain_update_chains(r->pool, &cctx->free, &cctx->busy, &cctx->out,
                            (ngx_buf_tag_t)
                                &ngx_http_privacy_consent_mode_buf_tag);

    if (cctx->done) {
        return NGX_DECLINED;
    }

    if (ngx_http_privacy_consent_mode_splice(r, cctx, in, out) != NGX_OK) {
        return NGX_ERROR;
    }

    cctx->out = *out;

    if (privacy_consent_mode_held(&cctx->matcher)) {
        r->buffered |= NGX_HTTP_PRIVACY_CONSENT_MODE_BUFFERED;
        cctx->buffered = 1;

    } else if (cctx->buffered) {
        r->buffered &= ~NGX_HTTP_PRIVACY_CONSENT_MODE_BUFFERED;
        cctx->buffered = 0;
    }

    if (!cctx->header || (*out == NULL && !cctx->done)) {
        return NGX_OK;
    }

    cctx->header = 0;

    if (cctx->inserted) {
        r->headers_out.content_length_n = cctx->length + cctx->tag.len;

    } else if (cctx->done && cctx->seen >= cctx->length) {
        r->headers_out.content_length_n = cctx->length;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy consent mode: header with length %O",
                   r->headers_out.content_length_n);

    return NGX_DONE;
}


/* one pass over IN, as the banner's splice (ngx_http_privacy_banner.c) */

static ngx_int_t
ngx_http_privacy_consent_mode_splice(ngx_http_request_t *r,
    ngx_http_privacy_consent_mode_ctx_t *cctx, ngx_chain_t *in,
    ngx_chain_t **out)
{
    size_t                    len;
    ngx_buf_t                *b;
    ngx_chain_t             **ll;
    privacy_banner_result_t   res;

    ll = out;

    for ( /* void */ ; in; in = in->next) {

        b = in->buf;

        if (cctx->done) {
            ll = ngx_http_privacy_chain_link(r->pool, ll, b);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        cctx->seen += ngx_buf_size(b);

        if (b->in_file && !ngx_buf_in_memory(b)) {
            /* not in memory, although the header asked nginx for that */
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "privacy consent mode not inserted: a body "
                          "buffer is not in memory");

            ll = ngx_http_privacy_consent_mode_finish(r, cctx, ll, b, 0);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        len = ngx_buf_in_memory(b) ? (size_t) (b->last - b->pos) : 0;

        if (len) {
            ngx_http_privacy_consent_mode_scan(r, cctx, b, &res);

            ll = ngx_http_privacy_consent_mode_own(ll,
                     ngx_http_privacy_chain_copy(r->pool, &cctx->free, ll,
                                                 res.pre, res.pre_len));
            if (ll == NULL) {
                return NGX_ERROR;
            }

            if (res.found) {
                ll = ngx_http_privacy_consent_mode_insert(r, cctx, ll, b,
                                                          &res);
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
            ll = ngx_http_privacy_consent_mode_finish(r, cctx, ll, b, 1);

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
 * the head remembered in its slot first (ngx_http_privacy_banner_head.c),
 * and remembered when the tag goes after them.
 */

static void
ngx_http_privacy_consent_mode_scan(ngx_http_request_t *r,
    ngx_http_privacy_consent_mode_ctx_t *cctx, ngx_buf_t *b,
    privacy_banner_result_t *res)
{
    size_t      len, pass;
    ngx_uint_t  first;

    len = b->last - b->pos;

    first = (!cctx->scanned && cctx->seen == (off_t) len);

    cctx->scanned = 1;

    pass = first ? ngx_http_privacy_banner_head_match(cctx->head, b->pos,
                                                      len)
                 : 0;

    if (pass) {
        ngx_memzero(res, sizeof(privacy_banner_result_t));
        res->pass = pass;
        res->found = 1;
        return;
    }

    privacy_consent_mode_scan(&cctx->matcher, b->pos, len, res);

    if (first && res->found
        && privacy_consent_mode_after(&cctx->matcher))
    {
        ngx_http_privacy_banner_head_keep(cctx->head, b->pos, res->pass,
                                          r->connection->log);
    }
}


/*
 * The tag goes into B at RES->pass: the part before on a buffer of this
 * filter's on the same memory, B keeps the part after (see the banner's).
 */

static ngx_chain_t **
ngx_http_privacy_consent_mode_insert(ngx_http_request_t *r,
    ngx_http_privacy_consent_mode_ctx_t *cctx, ngx_chain_t **ll, ngx_buf_t *b,
    privacy_banner_result_t *res)
{
    ngx_uint_t   whole;
    ngx_buf_t   *head;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy consent mode inserted at %uz", res->pass);

    cctx->done = 1;
    cctx->inserted = 1;

    /* B ends where the tag goes: it goes whole, its flags after the tag */
    whole = (res->pass == (size_t) (b->last - b->pos));

    if (whole) {
        ll = ngx_http_privacy_chain_link(r->pool, ll, b);
        if (ll == NULL) {
            return NULL;
        }

    } else if (res->pass) {
        head = ngx_http_privacy_chain_buf(r->pool, &cctx->free, &ll);
        if (head == NULL) {
            return NULL;
        }

        head->tag = (ngx_buf_tag_t) &ngx_http_privacy_consent_mode_buf_tag;
        head->pos = b->pos;
        head->last = b->pos + res->pass;
        head->memory = 1;

        if (b->in_file) {
            b->file_pos += res->pass;
        }

        b->pos = head->last;
    }

    ll = ngx_http_privacy_consent_mode_own(ll,
             ngx_http_privacy_chain_memory(r->pool, &cctx->free, ll,
                                           cctx->tag.data, cctx->tag.len));
    if (ll == NULL) {
        return NULL;
    }

    ll = ngx_http_privacy_consent_mode_own(ll,
             ngx_http_privacy_chain_copy(r->pool, &cctx->free, ll, res->post,
                                         res->post_len));
    if (ll == NULL) {
        return NULL;
    }

    if (whole) {
        return ngx_http_privacy_chain_flags(r->pool, ll, b);
    }

    return ngx_http_privacy_chain_link(r->pool, ll, b);
}


/*
 * No place for the tag (the end of the body, B, came, or B is not in
 * memory): the held bytes go before B's flags (LAST) or before B.
 */

static ngx_chain_t **
ngx_http_privacy_consent_mode_finish(ngx_http_request_t *r,
    ngx_http_privacy_consent_mode_ctx_t *cctx, ngx_chain_t **ll, ngx_buf_t *b,
    ngx_uint_t last)
{
    size_t         held_len;
    const u_char  *held;

    held_len = privacy_consent_mode_finish(&cctx->matcher, &held);
    cctx->done = 1;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy consent mode: no place, nothing inserted");

    if (held_len == 0) {
        return ngx_http_privacy_chain_rest(r->pool, ll, b);
    }

    if (!last) {
        ll = ngx_http_privacy_consent_mode_own(ll,
                 ngx_http_privacy_chain_copy(r->pool, &cctx->free, ll, held,
                                             held_len));
        if (ll == NULL) {
            return NULL;
        }

        return ngx_http_privacy_chain_link(r->pool, ll, b);
    }

    if (ngx_buf_size(b)) {
        ll = ngx_http_privacy_chain_link(r->pool, ll, b);
        if (ll == NULL) {
            return NULL;
        }
    }

    ll = ngx_http_privacy_consent_mode_own(ll,
             ngx_http_privacy_chain_copy(r->pool, &cctx->free, ll, held,
                                         held_len));
    if (ll == NULL) {
        return NULL;
    }

    return ngx_http_privacy_chain_flags(r->pool, ll, b);
}


/*
 * The chain helpers tag their buffers as the banner's; the one a helper
 * linked at LL (if any: NEXT moved on) is made this filter's, so that
 * neither filter's ngx_chain_update_chains() takes the other's buffers.
 */

static ngx_chain_t **
ngx_http_privacy_consent_mode_own(ngx_chain_t **ll, ngx_chain_t **next)
{
    if (next != NULL && next != ll) {
        (*ll)->buf->tag = (ngx_buf_tag_t)
                              &ngx_http_privacy_consent_mode_buf_tag;
    }

    return next;
}
