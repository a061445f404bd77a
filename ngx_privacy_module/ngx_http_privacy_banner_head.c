
/*
 * ngx_http_privacy_module: where a body_start banner goes, remembered per
 * worker as the bytes of a page up to its insertion point.  A page that
 * starts with exactly those bytes gets the banner after them without a
 * scan: the matcher reads a page from its start and stops at the first
 * body tag, so the same bytes give the same place.  Of the body_start row
 * of docs/performance.md the scan of the page's 3.7 KB head was 10,000 of
 * 26,000 instructions; the compare costs a few hundred.  A head longer
 * than the page's first buffer (a proxied page comes in buffers of 4 KB)
 * is followed buffer by buffer, the page's bytes kept in the request's
 * pool until the head ends: where they differ, the matcher reads the kept
 * bytes and goes on from there.
 *
 * Bound: NGX_HTTP_PRIVACY_HEADS entries (a slot per hash of the URI) of
 * at most NGX_HTTP_PRIVACY_HEAD bytes, 512 KB per worker and table,
 * allocated as they are used, freed when the worker exits.  Invalidation:
 * none; an entry is used only for the same bytes, and the next page of
 * its slot that is scanned replaces it (a page followed while that
 * happens is read by the matcher from its kept bytes).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_banner_head.h"


#define NGX_HTTP_PRIVACY_HEADS  64
#define NGX_HTTP_PRIVACY_HEAD   8192


struct ngx_http_privacy_banner_head_s {
    u_char                          *data;    /* NGX_HTTP_PRIVACY_HEAD bytes */
    size_t                           len;     /* 0: none */
    ngx_uint_t                       stamp;   /* one more at each keep */
};


static ngx_int_t ngx_http_privacy_banner_follow_keep(
    ngx_http_privacy_banner_follow_t *f, u_char *data, size_t len,
    ngx_pool_t *pool);


static ngx_http_privacy_banner_head_t
    ngx_http_privacy_banner_heads[NGX_HTTP_PRIVACY_HEADS];

/*
 * Consent Mode's tag (ngx_http_privacy_consent_mode.c): the bytes up to
 * the '>' of <head ...> or <body ...>, which the matcher decides there
 * (not a place before a <script>, decided by bytes after it).  Of the
 * consented_cm row of docs/performance.md the head's scan was 2,900 of
 * 21,200 instructions.  Bound and invalidation as above.
 */
static ngx_http_privacy_banner_head_t
    ngx_http_privacy_consent_mode_heads[NGX_HTTP_PRIVACY_HEADS];


ngx_http_privacy_banner_head_t *
ngx_http_privacy_banner_head(ngx_str_t *uri)
{
    return &ngx_http_privacy_banner_heads[ngx_hash_key(uri->data, uri->len)
                                          % NGX_HTTP_PRIVACY_HEADS];
}


ngx_http_privacy_banner_head_t *
ngx_http_privacy_banner_head_consent_mode(ngx_str_t *uri)
{
    return &ngx_http_privacy_consent_mode_heads[ngx_hash_key(uri->data,
                                                             uri->len)
                                                % NGX_HTTP_PRIVACY_HEADS];
}


/* the length of the head remembered when DATA starts with it, or 0 */

size_t
ngx_http_privacy_banner_head_match(ngx_http_privacy_banner_head_t *h,
    u_char *data, size_t len)
{
    if (h->len && h->len <= len && ngx_memcmp(h->data, data, h->len) == 0) {
        return h->len;
    }

    return 0;
}


/* the LEN bytes of a page before its banner; a longer head is not kept */

void
ngx_http_privacy_banner_head_keep(ngx_http_privacy_banner_head_t *h,
    u_char *data, size_t len, ngx_log_t *log)
{
    if (len > NGX_HTTP_PRIVACY_HEAD) {
        return;
    }

    if (h->data == NULL) {
        h->data = ngx_alloc(NGX_HTTP_PRIVACY_HEAD, log);
        if (h->data == NULL) {
            return;
        }
    }

    ngx_memcpy(h->data, data, len);
    h->len = len;
    h->stamp++;
}


void
ngx_http_privacy_banner_follow_start(ngx_http_privacy_banner_follow_t *f,
    ngx_http_privacy_banner_head_t *h)
{
    f->head = h;
    f->stamp = h->stamp;
    f->rec = NULL;
    f->len = 0;
    f->follow = (h->len != 0);
    f->record = 1;
}


ngx_int_t
ngx_http_privacy_banner_follow(ngx_http_privacy_banner_follow_t *f,
    u_char *data, size_t len, ngx_pool_t *pool, size_t *pass)
{
    size_t                           rest;
    ngx_http_privacy_banner_head_t  *h;

    if (!f->follow) {
        return NGX_DECLINED;
    }

    f->follow = 0;
    h = f->head;

    /* not replaced since the page's first buffer */
    if (h->stamp == f->stamp && h->len > f->len) {
        rest = h->len - f->len;

        if (len >= rest) {
            if (ngx_memcmp(h->data + f->len, data, rest) == 0) {
                *pass = rest;
                return NGX_OK;
            }

        } else if (ngx_memcmp(h->data + f->len, data, len) == 0
                   && ngx_http_privacy_banner_follow_keep(f, data, len, pool)
                      == NGX_OK)
        {
            /* the head goes on: DATA kept, for the matcher if it differs */
            f->follow = 1;
            return NGX_AGAIN;
        }
    }

    /* the page is not the head: its bytes before DATA, if any, are kept */
    return f->len ? NGX_DONE : NGX_DECLINED;
}


void
ngx_http_privacy_banner_follow_scanned(ngx_http_privacy_banner_follow_t *f,
    u_char *data, size_t len, ngx_uint_t found, ngx_pool_t *pool,
    ngx_log_t *log)
{
    if (!f->record || f->head == NULL) {
        return;
    }

    if (!found) {
        (void) ngx_http_privacy_banner_follow_keep(f, data, len, pool);
        return;
    }

    /* the head ends in DATA: remembered from DATA or with the bytes kept */

    if (f->len == 0) {
        ngx_http_privacy_banner_head_keep(f->head, data, len, log);

    } else if (ngx_http_privacy_banner_follow_keep(f, data, len, pool)
               == NGX_OK)
    {
        ngx_http_privacy_banner_head_keep(f->head, f->rec, f->len, log);
    }

    f->record = 0;
}


/* LEN more bytes of the page kept, up to the bound; else none any more */

static ngx_int_t
ngx_http_privacy_banner_follow_keep(ngx_http_privacy_banner_follow_t *f,
    u_char *data, size_t len, ngx_pool_t *pool)
{
    if (!f->record) {
        return NGX_DECLINED;
    }

    if (len > NGX_HTTP_PRIVACY_HEAD - f->len) {
        f->record = 0;
        return NGX_DECLINED;
    }

    if (f->rec == NULL) {
        f->rec = ngx_palloc(pool, NGX_HTTP_PRIVACY_HEAD);
        if (f->rec == NULL) {
            f->record = 0;
            return NGX_ERROR;
        }
    }

    ngx_memcpy(f->rec + f->len, data, len);
    f->len += len;

    return NGX_OK;
}


void
ngx_http_privacy_banner_heads_free(void)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_PRIVACY_HEADS; i++) {
        ngx_free(ngx_http_privacy_banner_heads[i].data);
        ngx_free(ngx_http_privacy_consent_mode_heads[i].data);

        ngx_http_privacy_banner_heads[i].data = NULL;
        ngx_http_privacy_banner_heads[i].len = 0;
        ngx_http_privacy_consent_mode_heads[i].data = NULL;
        ngx_http_privacy_consent_mode_heads[i].len = 0;
    }
}
