
/*
 * ngx_http_privacy_module: the buffers the body filters make and pass on
 * in place of nginx's, in the way of sub_filter: their own buffers come
 * back through ngx_chain_update_chains() to a free chain and are used
 * again; bytes a matcher held back are copied; the end-of-body, flush and
 * sync flags move to a buffer of no data when the one that bore them goes.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_chain.h"
#include "privacy_banner.h"


/*
 * A data buffer of our own, linked at **llp: one sent before when there is
 * one (ngx_chain_update_chains() gave it back), cleared.  The only memory
 * a buffer of ours owns is the few bytes of held ones (start .. end),
 * which it keeps for the next copy; the others point into memory that
 * outlives them (the banner's parts) or that their sibling keeps (the
 * part before the banner).
 */

ngx_buf_t *
ngx_http_privacy_chain_buf(ngx_pool_t *pool, ngx_chain_t **free,
    ngx_chain_t ***llp)
{
    u_char       *start, *end;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    cl = ngx_chain_get_free_buf(pool, free);
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

ngx_chain_t **
ngx_http_privacy_chain_memory(ngx_pool_t *pool, ngx_chain_t **free,
    ngx_chain_t **ll, const u_char *data, size_t len)
{
    ngx_buf_t  *b;

    b = ngx_http_privacy_chain_buf(pool, free, &ll);
    if (b == NULL) {
        return NULL;
    }

    b->pos = (u_char *) data;
    b->last = b->pos + len;
    b->memory = 1;

    return ll;
}


/*
 * A copy of LEN held bytes; the buffer has room for at least
 * PRIVACY_BANNER_HELD_MAX, what the banner's matcher holds, when it is
 * used again
 */

ngx_chain_t **
ngx_http_privacy_chain_copy(ngx_pool_t *pool, ngx_chain_t **free,
    ngx_chain_t **ll, const u_char *data, size_t len)
{
    size_t      size;
    ngx_buf_t  *b;

    if (len == 0) {
        return ll;
    }

    b = ngx_http_privacy_chain_buf(pool, free, &ll);
    if (b == NULL) {
        return NULL;
    }

    if ((size_t) (b->end - b->start) < len) {
        size = ngx_max(len, PRIVACY_BANNER_HELD_MAX);

        b->start = ngx_pnalloc(pool, size);
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

ngx_chain_t **
ngx_http_privacy_chain_rest(ngx_pool_t *pool, ngx_chain_t **ll,
    ngx_buf_t *b)
{
    if (ngx_buf_size(b) || ngx_buf_special(b)) {
        return ngx_http_privacy_chain_link(pool, ll, b);
    }

    return ngx_http_privacy_chain_flags(pool, ll, b);
}


/*
 * B's end-of-body, flush and sync flags move to a buffer of no data of
 * our own, linked at LL.  It is not reused (it has no tag): it is sent at
 * once, but a writer that could not send what comes before it keeps it.
 */

ngx_chain_t **
ngx_http_privacy_chain_flags(ngx_pool_t *pool, ngx_chain_t **ll,
    ngx_buf_t *b)
{
    ngx_buf_t  *flags;

    if (!(b->last_buf || b->last_in_chain || b->flush || b->sync)) {
        return ll;
    }

    flags = ngx_calloc_buf(pool);
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

    return ngx_http_privacy_chain_link(pool, ll, flags);
}


ngx_chain_t **
ngx_http_privacy_chain_link(ngx_pool_t *pool, ngx_chain_t **ll,
    ngx_buf_t *b)
{
    ngx_chain_t  *cl;

    cl = ngx_alloc_chain_link(pool);
    if (cl == NULL) {
        return NULL;
    }

    cl->buf = b;
    cl->next = NULL;
    *ll = cl;

    return &cl->next;
}


/*
 * The body of a HEAD after its header: marked as sent, so that its owner
 * (the copy filter's buffers, an upstream's pipe) frees the buffers and
 * gives the rest, which goes the same way.
 */

void
ngx_http_privacy_chain_drop(ngx_chain_t *in)
{
    ngx_buf_t  *b;

    for ( /* void */ ; in; in = in->next) {
        b = in->buf;

        b->pos = b->last;
        b->file_pos = b->file_last;
    }
}
