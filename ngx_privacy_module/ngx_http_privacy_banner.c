
/*
 * The consent banner: inserted into HTML responses while the visitor has
 * not decided, in one pass over the body as it streams.  The tag matching
 * is the core's (privacy_banner.c); this file decides which responses get
 * the banner, builds it from its template and splices it into the chain.
 *
 * Untouched bytes are never copied: a buffer is split around the insertion
 * point by a new buffer for the part before it, pointing into the same
 * memory, and the original keeps the part after it, so the original is
 * consumed (and may be reused by its owner) only after both went out.
 */


#include "ngx_http_privacy_module.h"


typedef struct {
    privacy_banner_t                 matcher;
    ngx_http_privacy_banner_lang_t  *banner;       /* the visitor's language */
    ngx_str_t                        return_path;  /* HTML-escaped */
    u_char                          *chunk;        /* read from a file */
    off_t                            length;       /* the page's, or -1 */
    off_t                            seen;         /* body bytes given */
    unsigned                         where:1;      /* BODY_START, BODY_END */
    unsigned                         done:1;
    unsigned                         scanned:1;    /* the matcher saw bytes */
    unsigned                         inserted:1;
    unsigned                         header:1;     /* not sent yet */
} ngx_http_privacy_banner_ctx_t;


/*
 * The end of a page after the banner, up to this long ("</body></html>"
 * and the like), goes from memory with the banner: one write less than a
 * third file range.
 */
#define NGX_HTTP_PRIVACY_TAIL  64

/*
 * Where the banner goes in a file, remembered per worker: a static page
 * is scanned once, not on every request.  An entry names the file by
 * device and inode and holds it unchanged while size, modification and
 * change times (to the nanosecond) are the same; the fd is what sendfile
 * sends, so a page replaced by rename is a new inode and a page rewritten
 * in place has a new mtime.
 */
typedef struct {
    dev_t                            dev;
    ino_t                            ino;
    off_t                            size;
    struct timespec                  mtime;
    struct timespec                  ctime;
    off_t                            at;          /* -1: no insertion point */
    ngx_uint_t                       where;       /* BODY_START, BODY_END */
    ngx_uint_t                       valid;
    size_t                           tail_len;    /* 0: not kept */
    u_char                           tail[NGX_HTTP_PRIVACY_TAIL];
    size_t                           head_len;    /* 0: not kept */
    u_char                          *head;        /* HEAD bytes, or NULL */
} ngx_http_privacy_banner_spot_t;


/*
 * The part of a page before the banner, up to this long, is remembered
 * with its insertion point (at most 2 MB per worker for 512 pages): a
 * body_start page then needs no read of its head.
 */
#define NGX_HTTP_PRIVACY_HEAD  4096

/* what is read of a file at a time while looking for the body tag */
#define NGX_HTTP_PRIVACY_CHUNK  16384

/* remembered insertion points per worker (direct-mapped) */
#define NGX_HTTP_PRIVACY_SPOTS  512


static ngx_http_privacy_banner_spot_t
    ngx_http_privacy_banner_spots[NGX_HTTP_PRIVACY_SPOTS];


static ngx_int_t ngx_http_privacy_banner_splice(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t *in, ngx_chain_t **out);
static ngx_chain_t **ngx_http_privacy_banner_copy(ngx_http_request_t *r,
    ngx_chain_t **ll, const u_char *data, size_t len);
static ngx_chain_t **ngx_http_privacy_banner_link(ngx_http_request_t *r,
    ngx_chain_t **ll, ngx_buf_t *b);
static ngx_chain_t **ngx_http_privacy_banner_memory(ngx_http_request_t *r,
    ngx_chain_t **ll, const u_char *data, size_t len);
static ngx_chain_t **ngx_http_privacy_banner_rest(ngx_http_request_t *r,
    ngx_chain_t **ll, ngx_buf_t *b);
static ngx_buf_t *ngx_http_privacy_banner_head(ngx_http_request_t *r,
    ngx_buf_t *b);
static ngx_int_t ngx_http_privacy_banner_file(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_buf_t *b, ngx_chain_t ***llp);
static ngx_http_privacy_banner_spot_t *ngx_http_privacy_banner_spot(
    ngx_http_request_t *r, ngx_http_privacy_banner_ctx_t *bctx, ngx_buf_t *b,
    ngx_int_t *hit);
static ngx_int_t ngx_http_privacy_banner_file_at(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_buf_t *b, off_t at,
    const u_char *head_data, const u_char *tail, ngx_chain_t ***llp);
static ngx_chain_t **ngx_http_privacy_banner_chain(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_chain_t **ll);
static void ngx_http_privacy_banner_keep_head(ngx_http_request_t *r,
    ngx_http_privacy_banner_spot_t *spot, const u_char *data, off_t len);
static size_t ngx_http_privacy_banner_length(
    ngx_http_privacy_banner_ctx_t *bctx);
static void ngx_http_privacy_banner_drop(ngx_chain_t *in);


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
    bctx->where = (plcf->banner_position == PRIVACY_BANNER_BODY_END);
    bctx->length = length;

    bctx->banner = ngx_http_privacy_banner_pick(r, plcf);

    if (ngx_http_privacy_banner_return(r, plcf, &bctx->return_path)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ctx->banner = bctx;

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
     * The length is known: the body filter sends the header once it knows
     * whether the banner goes in, with a Content-Length, which a static
     * page knows from its first buffer (the whole file); then no chunked
     * encoding and no write of its last chunk.
     *
     * So does HEAD, which then has GET's Content-Length: nginx marks it
     * header only when the header goes, so until then the handler sends
     * the body as for GET (a static file is found where the banner goes,
     * not sent); a body that never comes (a proxied HEAD) tells nothing,
     * and the header goes without a length.
     */
    bctx->header = 1;

    return NGX_DONE;
}


ngx_int_t
ngx_http_privacy_banner_body(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_int_t                       rc;
    ngx_chain_t                    *out;
    ngx_http_privacy_ctx_t         *ctx;
    ngx_http_privacy_banner_ctx_t  *bctx;

    if (r != r->main || in == NULL) {
        return ngx_http_privacy_next_body_filter(r, in);
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_privacy_module);

    if (ctx == NULL || ctx->banner == NULL) {
        return ngx_http_privacy_next_body_filter(r, in);
    }

    bctx = ctx->banner;

    if (r->header_only) {
        /* a HEAD whose header went from here: the body stops here */
        ngx_http_privacy_banner_drop(in);
        return NGX_OK;
    }

    if (bctx->done && !bctx->header) {
        return ngx_http_privacy_next_body_filter(r, in);
    }

    out = in;

    if (!bctx->done) {
        rc = ngx_http_privacy_banner_splice(r, bctx, in, &out);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (bctx->header) {

        if (out == NULL && !bctx->done) {
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

        rc = ngx_http_privacy_next_header_filter(r);

        if (rc == NGX_ERROR || rc > NGX_OK) {
            return rc;
        }

        if (r->header_only) {
            /*
             * HEAD: the body was needed for the length only; consumed, so
             * that its owner reuses its buffers and sends the rest
             */
            ngx_http_privacy_banner_drop(in);
            return rc;
        }
    }

    if (out == NULL) {
        /* everything went into the matcher's held bytes */
        return NGX_OK;
    }

    return ngx_http_privacy_next_body_filter(r, out);
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
    ngx_buf_t                *b, *head, *flags;
    ngx_uint_t                last;
    ngx_chain_t             **ll;
    const u_char             *held;
    privacy_banner_result_t   res;

    *out = NULL;
    ll = out;

    for ( /* void */ ; in; in = in->next) {

        b = in->buf;

        if (!bctx->done) {
            bctx->seen += ngx_buf_size(b);
        }

        if (!bctx->done && b->in_file && !ngx_buf_in_memory(b)
            && b->file_pos < b->file_last)
        {
            /* a file, sent with sendfile: read only up to the body tag */
            if (ngx_http_privacy_banner_file(r, bctx, b, &ll) != NGX_OK) {
                return NGX_ERROR;
            }

            if (bctx->done) {
                continue;
            }
        }

        if (bctx->done || !ngx_buf_in_memory(b) || ngx_buf_size(b) == 0) {
            last = b->last_buf || b->last_in_chain;

            if (last && !bctx->done) {
                goto finish;
            }

            ll = ngx_http_privacy_banner_link(r, ll, b);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        len = b->last - b->pos;

        privacy_banner_scan(&bctx->matcher, b->pos, len, &res);
        bctx->scanned = 1;

        ll = ngx_http_privacy_banner_copy(r, ll, res.pre, res.pre_len);
        if (ll == NULL) {
            return NGX_ERROR;
        }

        if (res.found) {
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "privacy banner inserted at %uz", res.pass);

            if (res.pass == len) {
                /*
                 * the buffer ends where the banner goes: it goes whole, and
                 * an end-of-body flag moves to a buffer after the banner
                 */
                ll = ngx_http_privacy_banner_link(r, ll, b);
                if (ll == NULL) {
                    return NGX_ERROR;
                }

                if (b->last_buf || b->last_in_chain) {
                    flags = ngx_calloc_buf(r->pool);
                    if (flags == NULL) {
                        return NGX_ERROR;
                    }

                    flags->last_buf = b->last_buf;
                    flags->last_in_chain = b->last_in_chain;
                    flags->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

                    b->last_buf = 0;
                    b->last_in_chain = 0;
                    b = flags;

                } else {
                    b = NULL;
                }

            } else if (res.pass) {
                /*
                 * the part before the banner: a new buffer on the same
                 * memory; the original keeps the part after it, so its
                 * owner may reuse it only once both went out
                 */
                head = ngx_http_privacy_banner_head(r, b);
                if (head == NULL) {
                    return NGX_ERROR;
                }

                head->last = head->pos + res.pass;

                if (b->in_file) {
                    head->file_last = head->file_pos + res.pass;
                    b->file_pos += res.pass;
                }

                b->pos += res.pass;

                ll = ngx_http_privacy_banner_link(r, ll, head);
                if (ll == NULL) {
                    return NGX_ERROR;
                }
            }

            ll = ngx_http_privacy_banner_chain(r, bctx, ll);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            ll = ngx_http_privacy_banner_copy(r, ll, res.post, res.post_len);
            if (ll == NULL) {
                return NGX_ERROR;
            }

            bctx->done = 1;

            if (b) {
                ll = ngx_http_privacy_banner_link(r, ll, b);
                if (ll == NULL) {
                    return NGX_ERROR;
                }
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

        last = b->last_buf || b->last_in_chain;

        if (last) {
            goto finish;
        }

        ll = ngx_http_privacy_banner_rest(r, ll, b);
        if (ll == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;

finish:

    /* the end of the body came with no insertion point */

    held_len = privacy_banner_finish(&bctx->matcher, &held);
    bctx->done = 1;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: no body tag, nothing inserted");

    if (held_len == 0) {
        ll = ngx_http_privacy_banner_rest(r, ll, b);
        return ll ? NGX_OK : NGX_ERROR;
    }

    /*
     * the held bytes come last: they take over the end-of-body flags, and
     * an emptied buffer that only carried those flags is left out
     */

    if (ngx_buf_size(b)) {
        ll = ngx_http_privacy_banner_link(r, ll, b);
        if (ll == NULL) {
            return NGX_ERROR;
        }
    }

    if (ngx_http_privacy_banner_copy(r, ll, held, held_len) == NULL) {
        return NGX_ERROR;
    }

    (*ll)->buf->last_buf = b->last_buf;
    (*ll)->buf->last_in_chain = b->last_in_chain;
    (*ll)->buf->flush = b->flush;

    b->last_buf = 0;
    b->last_in_chain = 0;
    b->flush = 0;

    return NGX_OK;
}


/*
 * A buffer in a file (a static page with sendfile, a proxied page in a
 * temporary file): its bytes are read in chunks only until the insertion
 * point, and the page goes out as two file ranges around the banner,
 * without a copy.  A whole file seen first is looked up in, or added to,
 * the worker's remembered insertion points: a page that did not change
 * is not read again.
 */

static ngx_int_t
ngx_http_privacy_banner_file(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_buf_t *b, ngx_chain_t ***llp)
{
    u_char                          *head;
    off_t                            pos, at;
    size_t                           size, held;
    ssize_t                          n;
    ngx_int_t                        hit;
    const u_char                    *tail;
    privacy_banner_result_t          res;
    ngx_http_privacy_banner_spot_t  *spot;

    spot = NULL;

    if (!bctx->scanned && b->file_pos == 0) {
        spot = ngx_http_privacy_banner_spot(r, bctx, b, &hit);

        if (hit) {
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "privacy banner: remembered file offset %O",
                           spot->at);

            if (spot->at < 0) {
                /* no insertion point: the page goes as it is */
                bctx->done = 1;
                *llp = ngx_http_privacy_banner_link(r, *llp, b);

                return *llp ? NGX_OK : NGX_ERROR;
            }

            head = NULL;

            if (spot->head_len && spot->head_len == (size_t) spot->at) {
                /* a copy: another page may take the spot before this
                 * one is sent */
                head = ngx_pnalloc(r->pool, spot->head_len);
                if (head == NULL) {
                    return NGX_ERROR;
                }

                ngx_memcpy(head, spot->head, spot->head_len);
            }

            return ngx_http_privacy_banner_file_at(r, bctx, b, spot->at,
                                                   head,
                                                   spot->tail_len ? spot->tail
                                                                  : NULL,
                                                   llp);
        }
    }

    if (bctx->chunk == NULL) {
        bctx->chunk = ngx_pnalloc(r->pool, NGX_HTTP_PRIVACY_CHUNK);
        if (bctx->chunk == NULL) {
            return NGX_ERROR;
        }
    }

    for (pos = b->file_pos; pos < b->file_last; pos += n) {

        size = (size_t) ngx_min(b->file_last - pos, NGX_HTTP_PRIVACY_CHUNK);

        n = ngx_read_file(b->file, bctx->chunk, size, pos);

        if (n == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (n == 0) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "privacy banner: \"%s\" ends before %O",
                          b->file->name.data, b->file_last);
            return NGX_ERROR;
        }

        privacy_banner_scan(&bctx->matcher, bctx->chunk, n, &res);
        bctx->scanned = 1;

        if (pos == b->file_pos) {
            /*
             * held bytes of an earlier buffer: those before the
             * insertion point (or all, when there is none here) go now;
             * those after it (post) follow the banner
             */
            *llp = ngx_http_privacy_banner_copy(r, *llp, res.pre,
                                                res.pre_len);
            if (*llp == NULL) {
                return NGX_ERROR;
            }

            if (res.found && res.post_len) {
                *llp = ngx_http_privacy_banner_chain(r, bctx, *llp);
                if (*llp == NULL) {
                    return NGX_ERROR;
                }

                *llp = ngx_http_privacy_banner_copy(r, *llp, res.post,
                                                    res.post_len);
                if (*llp == NULL) {
                    return NGX_ERROR;
                }

                bctx->done = 1;
                *llp = ngx_http_privacy_banner_rest(r, *llp, b);

                return *llp ? NGX_OK : NGX_ERROR;
            }
        }

        if (!res.found) {
            continue;
        }

        /* held bytes of this file (pre, post) are file bytes around AT */
        at = pos + res.pass - res.post_len;

        /* a short end of the page, all in this chunk, goes from memory */
        tail = NULL;

        if (at >= pos && b->file_last == pos + n
            && b->file_last - at <= NGX_HTTP_PRIVACY_TAIL)
        {
            tail = bctx->chunk + (at - pos);
        }

        if (spot) {
            spot->at = at;
            spot->valid = 1;
            spot->tail_len = tail ? (size_t) (b->file_last - at) : 0;

            if (tail) {
                ngx_memcpy(spot->tail, tail, spot->tail_len);
            }

            if (pos == b->file_pos) {
                ngx_http_privacy_banner_keep_head(r, spot, bctx->chunk,
                                                  at - pos);
            }
        }

        /* the part before AT is in the chunk when this is the first */
        return ngx_http_privacy_banner_file_at(r, bctx, b, at,
                                               pos == b->file_pos
                                               ? bctx->chunk : NULL,
                                               tail, llp);
    }

    if (spot) {
        spot->at = -1;
        spot->valid = 1;
    }

    /*
     * not in this buffer: it goes without the bytes the matcher holds (a
     * possible "</body" at its end), which it gives back later
     */

    held = privacy_banner_held(&bctx->matcher);

    if (held) {
        b->file_last -= (off_t) ngx_min((off_t) held,
                                        b->file_last - b->file_pos);
    }

    return NGX_OK;
}


/*
 * The file buffer B around the banner at file offset AT: the part before
 * it from memory, HEAD_DATA or read here when short, or else as a file
 * range; the part after it as a file range or, with TAIL (the bytes from
 * AT to the end of B), from memory, copied: TAIL may be a remembered spot
 * another request replaces before this one is sent.
 */

static ngx_int_t
ngx_http_privacy_banner_file_at(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_buf_t *b, off_t at,
    const u_char *head_data, const u_char *tail, ngx_chain_t ***llp)
{
    size_t      len;
    ssize_t     n;
    ngx_buf_t  *head;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner inserted at file offset %O", at);

    len = (size_t) (at - b->file_pos);

    if (len && head_data == NULL && len <= NGX_HTTP_PRIVACY_CHUNK) {
        /*
         * a short head is read: it goes in one write with the response
         * header and the banner, one system call less than a file range
         */
        bctx->chunk = ngx_pnalloc(r->pool, len);
        if (bctx->chunk == NULL) {
            return NGX_ERROR;
        }

        n = ngx_read_file(b->file, bctx->chunk, len, b->file_pos);

        if (n == NGX_ERROR) {
            return NGX_ERROR;
        }

        if ((size_t) n != len) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "privacy banner: \"%s\" ends before %O",
                          b->file->name.data, at);
            return NGX_ERROR;
        }

        head_data = bctx->chunk;
    }

    if (len && head_data) {
        *llp = ngx_http_privacy_banner_memory(r, *llp, head_data, len);
        if (*llp == NULL) {
            return NGX_ERROR;
        }

    } else if (len) {
        head = ngx_http_privacy_banner_head(r, b);
        if (head == NULL) {
            return NGX_ERROR;
        }

        head->file_last = at;

        *llp = ngx_http_privacy_banner_link(r, *llp, head);
        if (*llp == NULL) {
            return NGX_ERROR;
        }
    }

    *llp = ngx_http_privacy_banner_chain(r, bctx, *llp);
    if (*llp == NULL) {
        return NGX_ERROR;
    }

    if (tail) {
        *llp = ngx_http_privacy_banner_copy(r, *llp, tail,
                                            (size_t) (b->file_last - at));
        if (*llp == NULL) {
            return NGX_ERROR;
        }

        /* B is left with its flags only */
        at = b->file_last;
    }

    b->file_pos = at;
    bctx->done = 1;

    *llp = ngx_http_privacy_banner_rest(r, *llp, b);

    return *llp ? NGX_OK : NGX_ERROR;
}


/*
 * The remembered insertion point of the file of B, the whole of B being
 * the file: *hit says whether it is there; otherwise the entry returned
 * (NULL when the file cannot be identified) is cleared for the caller to
 * fill.
 */

static ngx_http_privacy_banner_spot_t *
ngx_http_privacy_banner_spot(ngx_http_request_t *r,
    ngx_http_privacy_banner_ctx_t *bctx, ngx_buf_t *b, ngx_int_t *hit)
{
    ngx_uint_t                       key, where;
    ngx_file_info_t                  fi;
    ngx_http_privacy_banner_spot_t  *spot;

    *hit = 0;

    if (b->file == NULL || b->file->fd == NGX_INVALID_FILE
        || ngx_fd_info(b->file->fd, &fi) == NGX_FILE_ERROR
        || !S_ISREG(fi.st_mode)
        || fi.st_size != b->file_last)
    {
        /* not the whole of a regular file: nothing to remember */
        return NULL;
    }

    where = bctx->where;

    key = (ngx_uint_t) fi.st_ino * 31 + (ngx_uint_t) fi.st_dev * 7 + where;
    spot = &ngx_http_privacy_banner_spots[key % NGX_HTTP_PRIVACY_SPOTS];

    if (spot->valid
        && spot->ino == fi.st_ino
        && spot->dev == fi.st_dev
        && spot->where == where
        && spot->size == fi.st_size
        && spot->mtime.tv_sec == fi.st_mtim.tv_sec
        && spot->mtime.tv_nsec == fi.st_mtim.tv_nsec
        && spot->ctime.tv_sec == fi.st_ctim.tv_sec
        && spot->ctime.tv_nsec == fi.st_ctim.tv_nsec)
    {
        *hit = 1;
        return spot;
    }

    spot->valid = 0;
    spot->head_len = 0;
    spot->dev = fi.st_dev;
    spot->ino = fi.st_ino;
    spot->size = fi.st_size;
    spot->mtime = fi.st_mtim;
    spot->ctime = fi.st_ctim;
    spot->where = where;

    return spot;
}


/*
 * Keeps the head of a page, found in the first chunk read, with its spot,
 * in worker memory the spot keeps for the pages that take it later; when
 * that memory cannot be had, the head is read on each request instead.
 */

static void
ngx_http_privacy_banner_keep_head(ngx_http_request_t *r,
    ngx_http_privacy_banner_spot_t *spot, const u_char *data, off_t len)
{
    if (len <= 0 || len > NGX_HTTP_PRIVACY_HEAD) {
        return;
    }

    if (spot->head == NULL) {
        spot->head = ngx_alloc(NGX_HTTP_PRIVACY_HEAD, r->connection->log);
        if (spot->head == NULL) {
            return;
        }
    }

    ngx_memcpy(spot->head, data, (size_t) len);
    spot->head_len = (size_t) len;
}


/*
 * The part of B before the banner: a buffer of our own on the same memory
 * or file, none of B's flags; the caller sets where it ends.
 */

static ngx_buf_t *
ngx_http_privacy_banner_head(ngx_http_request_t *r, ngx_buf_t *b)
{
    ngx_buf_t  *head;

    head = ngx_calloc_buf(r->pool);
    if (head == NULL) {
        return NULL;
    }

    ngx_memcpy(head, b, sizeof(ngx_buf_t));
    head->shadow = NULL;
    head->recycled = 0;
    head->flush = 0;
    head->last_buf = 0;
    head->last_in_chain = 0;
    head->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

    return head;
}


/*
 * What is left of an input buffer after a split or after its held tail:
 * an emptied one is not passed on (nginx refuses zero size buffers), but
 * its end-of-body and flush flags are, on a buffer of our own.
 */

static ngx_chain_t **
ngx_http_privacy_banner_rest(ngx_http_request_t *r, ngx_chain_t **ll,
    ngx_buf_t *b)
{
    ngx_buf_t  *flags;

    if (ngx_buf_size(b) || ngx_buf_special(b)) {
        return ngx_http_privacy_banner_link(r, ll, b);
    }

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
    flags->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

    return ngx_http_privacy_banner_link(r, ll, flags);
}


/* a copy of a few bytes: held ones, or the short end of a page */

static ngx_chain_t **
ngx_http_privacy_banner_copy(ngx_http_request_t *r, ngx_chain_t **ll,
    const u_char *data, size_t len)
{
    ngx_buf_t  *b;

    if (len == 0) {
        return ll;
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NULL;
    }

    b->last = ngx_cpymem(b->pos, data, len);
    b->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

    return ngx_http_privacy_banner_link(r, ll, b);
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

        ll = ngx_http_privacy_banner_memory(r, ll, s->data, s->len);
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


/*
 * The body of a HEAD after its header: marked as sent, so that its owner
 * (the copy filter's one buffer, an upstream's pipe) frees the buffers and
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


/* a buffer on LEN bytes at DATA, which stay valid until it is sent */

static ngx_chain_t **
ngx_http_privacy_banner_memory(ngx_http_request_t *r, ngx_chain_t **ll,
    const u_char *data, size_t len)
{
    ngx_buf_t  *b;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NULL;
    }

    b->pos = (u_char *) data;
    b->last = b->pos + len;
    b->memory = 1;
    b->tag = (ngx_buf_tag_t) &ngx_http_privacy_module;

    return ngx_http_privacy_banner_link(r, ll, b);
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
