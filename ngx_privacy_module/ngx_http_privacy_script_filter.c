
/*
 * Third-party scripts, frames and pixels held back: the rewriter's part
 * of the banner's body filter.  The banner filter (ngx_http_privacy_banner.c)
 * takes the HTML 200 responses and gives every byte of the page, in order,
 * to ngx_http_privacy_script_buf() or _bytes() in the same pass; the core
 * (privacy_script.c) says what goes out.  Untouched runs go out as buffers
 * of ours on the input's memory, the last of them as the input buffer
 * itself, so that its owner reuses it only after all of them went out;
 * rewritten tags go out from the core's memory, copied, and what it
 * inserts from the configuration's.
 *
 * A page a worker rewrote before, for a visitor of the same grants, is
 * given that rewrite again while its bytes are found the same
 * (ngx_http_privacy_script_memo.c); the rewriter reads it from where they
 * differ.
 *
 * The rewriter is allocated (about 32 KB from the request's pool) only for
 * a response where some category privacy_script names is not granted, or
 * where the site's marked tags of a granted category are made live
 * (privacy_script_marked): a visitor who granted all of them on a site
 * that marks none pays nothing.  privacy_mode report runs it to log what
 * it would hold back, and passes the page as it is.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_assets.h"
#include "ngx_http_privacy_chain.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_script.h"
#include "ngx_http_privacy_script_filter.h"
#include "ngx_http_privacy_script_memo.h"


/*
 * Whether a page carried a tag the site marked, as the last pass of the
 * rewriter over it found, remembered per worker for a visitor who
 * granted every category privacy_script names: the rewriter runs for him
 * only to make marked tags live, which a page without them does not need.
 * Of the trackers page of docs/performance.md, such a visitor's pass cost
 * about 150,000 instructions, the lookup a hash of the URI.
 *
 * Bound: NGX_HTTP_PRIVACY_SCRIPT_PAGES slots, a slot per hash of the URI
 * and arguments, 4 KB per worker.  Invalidation: an entry says "none" for
 * NGX_HTTP_PRIVACY_SCRIPT_PAGE_TTL seconds, then the page goes through the
 * rewriter again; any page of the slot that does replaces it.  A marked
 * tag new to a page is inert that long for such a visitor, which errs
 * toward privacy; a visitor who refused a category gets it at once.
 */
#define NGX_HTTP_PRIVACY_SCRIPT_PAGES     256
#define NGX_HTTP_PRIVACY_SCRIPT_PAGE_TTL  60

/*
 * ngx_http_privacy_script_out(): the rewriter's bytes, not the page's;
 * those it held at the page's end
 */
#define NGX_HTTP_PRIVACY_SCRIPT_OWN       ((size_t) -1)
#define NGX_HTTP_PRIVACY_SCRIPT_END       ((size_t) -2)


typedef struct {
    ngx_uint_t                      key;          /* 0: none */
    time_t                          seen;
    ngx_uint_t                      marked;       /* unsigned: 1 */
} ngx_http_privacy_script_page_t;


static ngx_http_privacy_script_page_t
    ngx_http_privacy_script_pages[NGX_HTTP_PRIVACY_SCRIPT_PAGES];


struct ngx_http_privacy_script_ctx_s {
    privacy_script_rw_t                  w;
    ngx_http_privacy_scripts_t          *scripts;
    ngx_http_privacy_script_memo_key_t   key;     /* key.page: the URI's */

    /* the page remembered that this one is so far, NULL: the rewriter's */
    ngx_http_privacy_script_memo_t      *memo;
    privacy_memo_replay_t                replay;

    privacy_memo_t                      *rec;     /* NULL: not recorded */
    size_t                               offset;  /* the page's bytes read */
    size_t                               due;     /* of the step's output */
    size_t                               skip;    /* output the memo sent */
    size_t                               skip_held;

    ngx_uint_t                           report;       /* unsigned: 1 */
    ngx_uint_t                           done;         /* unsigned: 1 */
    ngx_uint_t                           placeholder;  /* unsigned: 1; the
                                                          banner's script
                                                          goes before the
                                                          first frame held
                                                          back */
};


static void ngx_http_privacy_script_step(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, privacy_script_step_t *s);
static ngx_int_t ngx_http_privacy_script_run(ngx_http_request_t *r,
    ngx_chain_t **free, ngx_chain_t *cl, u_char *run, size_t len);
static ngx_chain_t **ngx_http_privacy_script_emit(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, privacy_script_step_t *s);
static ngx_chain_t **ngx_http_privacy_script_placeholder(
    ngx_http_request_t *r, ngx_http_privacy_script_ctx_t *sctx,
    ngx_chain_t **free, ngx_chain_t **ll);
static ngx_chain_t **ngx_http_privacy_script_out(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, const u_char *data, size_t len, size_t from);
static ngx_chain_t **ngx_http_privacy_script_remembered(
    ngx_http_request_t *r, ngx_http_privacy_script_ctx_t *sctx,
    ngx_chain_t **free, ngx_chain_t **ll, const u_char *data, size_t len,
    ngx_uint_t *same);
static ngx_chain_t **ngx_http_privacy_script_replay(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll);
static ngx_chain_t **ngx_http_privacy_script_miss(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll);
static void ngx_http_privacy_script_record(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx);
static size_t ngx_http_privacy_script_read(
    ngx_http_privacy_script_ctx_t *sctx, const u_char *data, size_t len);
static void ngx_http_privacy_script_rewriter(
    ngx_http_privacy_script_ctx_t *sctx);
static ngx_uint_t ngx_http_privacy_script_element(const char *held);
static void ngx_http_privacy_script_marked(
    ngx_http_privacy_script_ctx_t *sctx, ngx_uint_t marked);
static ngx_uint_t ngx_http_privacy_script_page_key(ngx_http_request_t *r);


/*
 * Whether the response's page goes through the rewriter: privacy_script
 * names a category the visitor did not grant (an undecided visitor
 * granted the essential ones only), or, with privacy_script_marked on,
 * the visitor granted an optional category, whose tags the site may have
 * marked to be made live, and the page had such tags or was not seen
 * lately.  The same answer for the request's location each time it is
 * asked (the request phase and the header filters).
 */

ngx_uint_t
ngx_http_privacy_script_wanted(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    ngx_uint_t                       key;
    ngx_http_privacy_scripts_t      *scripts;
    ngx_http_privacy_script_page_t  *page;

    scripts = plcf->scripts;

    if (scripts == NULL || scripts->categories == NULL
        || scripts->categories != plcf->categories)
    {
        /* none, or resolved nowhere privacy is on */
        return 0;
    }

    if (scripts->named & ~ctx->granted) {
        return 1;
    }

    /* report mode rewrites nothing, so makes nothing live either */

    if (!plcf->script_marked
        || plcf->mode != NGX_HTTP_PRIVACY_MODE_ENFORCE
        || (ctx->granted & plcf->categories->optional) == 0)
    {
        return 0;
    }

    if (ctx->script_for != plcf) {
        key = ngx_http_privacy_script_page_key(r);
        page = &ngx_http_privacy_script_pages[key
                                          % NGX_HTTP_PRIVACY_SCRIPT_PAGES];

        ctx->script_for = plcf;
        ctx->script_marked_page = !(page->key == key && !page->marked
                                    && ngx_time() - page->seen
                                       < NGX_HTTP_PRIVACY_SCRIPT_PAGE_TTL);

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy script: marked tags %s",
                       ctx->script_marked_page ? "possible"
                                               : "none lately");
    }

    return ctx->script_marked_page;
}


/* the URI and arguments' key of the page table, never 0 */

static ngx_uint_t
ngx_http_privacy_script_page_key(ngx_http_request_t *r)
{
    ngx_uint_t  key;

    key = ngx_hash_key(r->uri.data, r->uri.len);

    if (r->args.len) {
        key = key * 31 + ngx_hash_key(r->args.data, r->args.len);
    }

    return key ? key : 1;
}


/*
 * BANNER: the page gets the banner, whose script makes the placeholders of
 * the frames held back; without it the rewriter links that script itself.
 */

ngx_http_privacy_script_ctx_t *
ngx_http_privacy_script_start(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_uint_t banner)
{
    ngx_http_privacy_script_ctx_t  *sctx;

    /* not zeroed: privacy_script_init() sets what the rewriter reads */
    sctx = ngx_palloc(r->pool, sizeof(ngx_http_privacy_script_ctx_t));
    if (sctx == NULL) {
        return NULL;
    }

    sctx->scripts = plcf->scripts;
    sctx->report = (plcf->mode == NGX_HTTP_PRIVACY_MODE_REPORT);
    sctx->done = 0;
    sctx->placeholder = !banner;
    sctx->memo = NULL;
    sctx->rec = NULL;
    sctx->offset = 0;
    sctx->due = 0;
    sctx->skip = 0;
    sctx->skip_held = 0;

    sctx->key.page = ngx_http_privacy_script_page_key(r);
    sctx->key.set = &plcf->scripts->set;
    sctx->key.granted = ctx->granted;
    sctx->key.banner = banner ? plcf->banner_position + 1 : 0;
    sctx->key.consent_url = plcf->consent_url;

    /* unless on, the site's marked tags stay as it wrote them */
    sctx->key.live = plcf->script_marked ? ctx->granted : 0;

    ngx_http_privacy_script_rewriter(sctx);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy script: rewriter for granted %xD", ctx->granted);

    if (sctx->report) {
        /* rewrites nothing: nothing to remember */
        return sctx;
    }

    sctx->memo = ngx_http_privacy_script_memo_find(r->pool, &sctx->key);

    if (sctx->memo) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy script: the page remembered, if the same");

        privacy_memo_replay_init(&sctx->replay, &sctx->memo->memo);

        return sctx;
    }

    ngx_http_privacy_metric_page(NGX_HTTP_PRIVACY_PAGE_NEW);

    if (r->headers_out.content_length_n <= PRIVACY_MEMO_PAGE_MAX) {
        ngx_http_privacy_script_record(r, sctx);
    }

    return sctx;
}


/*
 * The page's bytes in B (in memory), through the rewriter, linked at LL.
 * B goes out as the last of the untouched runs that point into it, or is
 * consumed when none does; KEEP: B goes out later (the banner's split),
 * every run is a buffer of ours and B is left as it is.  An empty B is
 * not linked.  B's flags stay on it for the caller to move
 * (ngx_http_privacy_chain_flags()) once every byte of it went.
 */

ngx_chain_t **
ngx_http_privacy_script_buf(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, ngx_buf_t *b, ngx_uint_t keep)
{
    u_char                 *p, *last, *start, *run, *data;
    size_t                  run_len, base, skip;
    ngx_uint_t              same;
    ngx_chain_t            *cl;
    privacy_script_step_t   s;

    if (ngx_buf_size(b) == 0) {
        return ll;
    }

    if (sctx->memo && !sctx->done) {
        data = ngx_buf_in_memory(b) ? b->pos : NULL;

        ll = ngx_http_privacy_script_remembered(r, sctx, free, ll, data,
                                                b->last - b->pos, &same);
        if (ll == NULL) {
            return NULL;
        }

        if (same) {
            /* none of the pieces is on B */
            if (!keep) {
                if (b->in_file) {
                    b->file_pos = b->file_last;
                }

                b->pos = b->last;
            }

            return ll;
        }
    }

    if (sctx->rec && (sctx->done || !ngx_buf_in_memory(b))) {
        /* bytes the rewriter does not read: the page is not remembered */
        sctx->rec->over = 1;
    }

    if (sctx->done || !ngx_buf_in_memory(b) || (keep && sctx->report)) {
        if (sctx->report && !sctx->done && ngx_buf_in_memory(b)) {
            /* looked at, passed as it is */
            p = b->pos;

            while (privacy_script_next(&sctx->w, p, b->last - p, &s)) {
                ngx_http_privacy_script_step(r, sctx, &s);
                p += s.used;
            }
        }

        if (keep) {
            cl = ngx_alloc_chain_link(r->pool);
            if (cl == NULL) {
                return NULL;
            }

            cl->next = NULL;
            *ll = cl;

            if (ngx_http_privacy_script_run(r, free, cl, b->pos,
                                            b->last - b->pos)
                != NGX_OK)
            {
                return NULL;
            }

            return &cl->next;
        }

        return ngx_http_privacy_chain_link(r->pool, ll, b);
    }

    p = b->pos;
    last = b->last;
    start = b->pos;
    run = NULL;
    run_len = 0;
    cl = NULL;
    base = ngx_http_privacy_script_read(sctx, start, last - start);

    while (privacy_script_next(&sctx->w, p, last - p, &s)) {

        sctx->due = base + (p - start) + s.used;

        ngx_http_privacy_script_step(r, sctx, &s);

        if (sctx->report) {
            p += s.used;
            continue;
        }

        ll = ngx_http_privacy_script_emit(r, sctx, free, ll, &s);
        if (ll == NULL) {
            return NULL;
        }

        if (sctx->rec) {
            privacy_memo_record_pass(sctx->rec, sctx->due,
                                     base + (p - start), s.pass);
        }

        if (sctx->skip && s.pass) {
            /* sent from the memo */
            skip = ngx_min(sctx->skip, s.pass);
            sctx->skip -= skip;
            p += skip;
            s.pass -= skip;
            s.used -= skip;
        }

        if (s.pass) {
            /*
             * the run before this one is not B's last: a buffer of ours
             * on its bytes
             */
            if (cl && ngx_http_privacy_script_run(r, free, cl, run, run_len)
                      != NGX_OK)
            {
                return NULL;
            }

            /* its link now, its buffer once the next run or the end tells */
            cl = ngx_alloc_chain_link(r->pool);
            if (cl == NULL) {
                return NULL;
            }

            cl->buf = NULL;
            cl->next = NULL;
            *ll = cl;
            ll = &cl->next;

            run = p;
            run_len = s.pass;
        }

        p += s.used;
    }

    if (sctx->report) {
        return ngx_http_privacy_chain_link(r->pool, ll, b);
    }

    if (keep) {
        if (cl && ngx_http_privacy_script_run(r, free, cl, run, run_len)
                  != NGX_OK)
        {
            return NULL;
        }

        return ll;
    }

    if (cl == NULL) {
        /* every byte held or rewritten: B is done with */
        if (b->in_file) {
            b->file_pos = b->file_last;
        }

        b->pos = b->last;

        return ll;
    }

    /* the last run is B itself, on the same bytes */

    if (b->in_file) {
        b->file_pos += run - start;
        b->file_last = b->file_pos + run_len;
    }

    b->pos = run;
    b->last = run + run_len;

    cl->buf = b;

    return ll;
}


/* CL gets a buffer of ours on LEN bytes at RUN, the input's */

static ngx_int_t
ngx_http_privacy_script_run(ngx_http_request_t *r, ngx_chain_t **free,
    ngx_chain_t *cl, u_char *run, size_t len)
{
    ngx_buf_t    *b;
    ngx_chain_t  *link, **ll;

    ll = &link;

    b = ngx_http_privacy_chain_buf(r->pool, free, &ll);
    if (b == NULL) {
        return NGX_ERROR;
    }

    ngx_free_chain(r->pool, link);

    b->pos = run;
    b->last = run + len;
    b->memory = 1;

    cl->buf = b;

    return NGX_OK;
}


/*
 * B's bytes through the rewriter, then HELD (bytes of the page after
 * them), then at the end of the page what the rewriter held, then B's
 * flags.
 */

ngx_chain_t **
ngx_http_privacy_script_rest(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, ngx_buf_t *b, const u_char *held, size_t held_len)
{
    ll = ngx_http_privacy_script_buf(r, sctx, free, ll, b, 0);

    if (ll && held_len) {
        ll = ngx_http_privacy_script_bytes(r, sctx, free, ll, held,
                                           held_len);
    }

    if (ll && (b->last_buf || b->last_in_chain)) {
        ll = ngx_http_privacy_script_end(r, sctx, free, ll, 1);
    }

    if (ll == NULL) {
        return NULL;
    }

    return ngx_http_privacy_chain_flags(r->pool, ll, b);
}


/*
 * Page bytes that do not outlive the call (held by the banner's matcher):
 * through the rewriter, the untouched runs copied; only copied without
 * one (SCTX is NULL).
 */

ngx_chain_t **
ngx_http_privacy_script_bytes(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, const u_char *data, size_t len)
{
    size_t                 base;
    ngx_uint_t             same;
    const u_char          *start;
    privacy_script_step_t  s;

    if (len == 0) {
        return ll;
    }

    if (sctx == NULL) {
        return ngx_http_privacy_chain_copy(r->pool, free, ll, data, len);
    }

    if (sctx->memo && !sctx->done) {
        ll = ngx_http_privacy_script_remembered(r, sctx, free, ll, data, len,
                                                &same);
        if (ll == NULL || same) {
            return ll;
        }
    }

    if (sctx->rec && sctx->done) {
        sctx->rec->over = 1;
    }

    if (sctx->done || sctx->report) {
        if (!sctx->done) {
            while (privacy_script_next(&sctx->w, data, len, &s)) {
                ngx_http_privacy_script_step(r, sctx, &s);
                data += s.used;
                len -= s.used;
            }

            return ll;
        }

        return ngx_http_privacy_chain_copy(r->pool, free, ll, data, len);
    }

    start = data;
    base = ngx_http_privacy_script_read(sctx, data, len);

    while (privacy_script_next(&sctx->w, data, len, &s)) {

        sctx->due = base + (data - start) + s.used;

        ngx_http_privacy_script_step(r, sctx, &s);

        ll = ngx_http_privacy_script_emit(r, sctx, free, ll, &s);
        if (ll == NULL) {
            return NULL;
        }

        ll = ngx_http_privacy_script_out(r, sctx, free, ll, data, s.pass,
                                         base + (data - start));
        if (ll == NULL) {
            return NULL;
        }

        data += s.used;
        len -= s.used;
    }

    return ll;
}


/*
 * The end of the page (WHOLE), or of what the rewriter could follow: what
 * it held goes as it is; a whole page's marked tags are remembered.
 */

ngx_chain_t **
ngx_http_privacy_script_end(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, ngx_uint_t whole)
{
    size_t         len;
    ngx_uint_t     marked;
    const u_char  *held;

    if (sctx->done) {
        return ll;
    }

    if (sctx->memo) {

        if (whole && privacy_memo_whole(&sctx->replay)) {
            ll = ngx_http_privacy_script_replay(r, sctx, free, ll);
            sctx->done = 1;

            ngx_http_privacy_metric_page(NGX_HTTP_PRIVACY_PAGE_SAME);

            ngx_http_privacy_script_marked(sctx,
                                           sctx->memo->memo.marked_seen);
            return ll;
        }

        ll = ngx_http_privacy_script_miss(r, sctx, free, ll);
        if (ll == NULL) {
            return NULL;
        }
    }

    marked = sctx->w.marked_seen;

    if (whole && !sctx->report) {
        ngx_http_privacy_script_marked(sctx, marked);
    }

    /* the rewriter is made new: nothing of it is read after this */
    len = privacy_script_finish(&sctx->w, &held);
    sctx->done = 1;

    if (sctx->report) {
        return ll;
    }

    if (sctx->rec) {
        sctx->rec->marked_seen = marked;
    }

    ll = ngx_http_privacy_script_out(r, sctx, free, ll, held, len,
                                     NGX_HTTP_PRIVACY_SCRIPT_END);

    if (ll && whole && sctx->rec && !sctx->rec->over) {
        ngx_http_privacy_script_memo_keep(&sctx->key, sctx->rec,
                                          r->connection->log);
    }

    return ll;
}


/* whether the page, read whole, has tags the site marked */

static void
ngx_http_privacy_script_marked(ngx_http_privacy_script_ctx_t *sctx,
    ngx_uint_t marked)
{
    ngx_http_privacy_script_page_t  *page;

    page = &ngx_http_privacy_script_pages[sctx->key.page
                                          % NGX_HTTP_PRIVACY_SCRIPT_PAGES];
    page->key = sctx->key.page;
    page->seen = ngx_time();
    page->marked = marked;
}


ngx_uint_t
ngx_http_privacy_script_held(ngx_http_privacy_script_ctx_t *sctx)
{
    if (sctx->memo) {
        /* pieces of the page's bytes so far may wait for its next ones */
        return !sctx->done
               && sctx->replay.piece < sctx->memo->memo.npieces;
    }

    return !sctx->done && !sctx->report && sctx->w.held_len != 0;
}


/* what a step tells besides its bytes: logged and counted */

static void
ngx_http_privacy_script_step(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, privacy_script_step_t *s)
{
    ngx_uint_t              element;
    privacy_script_name_t  *name;

    if (s->overlong) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "privacy script: %s over %uz bytes passed unexamined",
                      (s->overlong == 1) ? "a start tag" : "an inline script",
                      (size_t) ((s->overlong == 1)
                                ? PRIVACY_SCRIPT_TAG_MAX
                                : PRIVACY_SCRIPT_INLINE_MAX));
    }

    if (s->held == NULL) {
        return;
    }

    if (sctx->rec) {
        privacy_memo_record_held(sctx->rec, sctx->due, s->held,
                                 s->held_category);
    }

    if (sctx->skip_held) {
        /* counted as the memo gave it */
        sctx->skip_held--;
        return;
    }

    element = ngx_http_privacy_script_element(s->held);

    name = (privacy_script_name_t *) &sctx->scripts->set.names[
                                                       s->held_category];

    if (sctx->report) {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "privacy report: would hold back %s of category "
                      "\"%*s\": \"%*s\"", s->held, name->len, name->data,
                      s->url_len ? ngx_min(s->url_len, (size_t) 512)
                                 : sizeof("(inline)") - 1,
                      s->url_len ? s->url : (u_char *) "(inline)");

        /* counted where it is held back only */
        return;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy script: held back %s of category %d, a URL of "
                   "%uz bytes", s->held, s->held_category, s->url_len);

    ngx_http_privacy_metric_held(sctx->scripts->categories,
                                 s->held_category, element);
}


/* the rewriter's bytes of a step: its own copied, the configuration's not */

/* the metric's element of a tag held back, by the rewriter's name of it */

static ngx_uint_t
ngx_http_privacy_script_element(const char *held)
{
    switch (held[0]) {
    case 's':
        return NGX_HTTP_PRIVACY_ELEMENT_SCRIPT;
    case 'l':
        return NGX_HTTP_PRIVACY_ELEMENT_LINK;
    default:
        return (held[1] == 'f') ? NGX_HTTP_PRIVACY_ELEMENT_IFRAME
                                : NGX_HTTP_PRIVACY_ELEMENT_IMG;
    }
}


static ngx_chain_t **
ngx_http_privacy_script_emit(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, privacy_script_step_t *s)
{
    if (s->emit_len == 0) {
        return ll;
    }

    /* the step's emit starts with the held frame's "<iframe" */

    if (sctx->placeholder && s->held && s->held[0] == 'i'
        && s->held[1] == 'f')
    {
        sctx->placeholder = 0;

        ll = ngx_http_privacy_script_placeholder(r, sctx, free, ll);
        if (ll == NULL) {
            return NULL;
        }
    }

    return ngx_http_privacy_script_out(r, sctx, free, ll, s->emit,
                                       s->emit_len,
                                       NGX_HTTP_PRIVACY_SCRIPT_OWN);
}


/*
 * LEN bytes of the page's rewrite at DATA, the page's own from its offset
 * FROM or the rewriter's (NGX_HTTP_PRIVACY_SCRIPT_OWN): recorded, and
 * linked at LL, less what the memo sent already.  The rewriter's memory
 * and the page's bytes are copied (neither outlives the call), the
 * configuration's and the request's are not.
 */

static ngx_chain_t **
ngx_http_privacy_script_out(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, const u_char *data, size_t len, size_t from)
{
    size_t         skip;
    const u_char  *w;

    if (sctx->rec) {
        if (from == NGX_HTTP_PRIVACY_SCRIPT_OWN) {
            privacy_memo_record_text(sctx->rec, sctx->due, data, len);

        } else if (from == NGX_HTTP_PRIVACY_SCRIPT_END) {
            /* at the end only: a page that goes on may not have them so */
            privacy_memo_record_end(sctx->rec, data, len);

        } else {
            privacy_memo_record_pass(sctx->rec, sctx->due, from, len);
        }
    }

    if (sctx->skip) {
        skip = ngx_min(sctx->skip, len);
        sctx->skip -= skip;
        data += skip;
        len -= skip;
    }

    if (len == 0) {
        return ll;
    }

    w = (const u_char *) &sctx->w;

    if ((from != NGX_HTTP_PRIVACY_SCRIPT_OWN
         && from != NGX_HTTP_PRIVACY_SCRIPT_END)
        || (data >= w && data < w + sizeof(privacy_script_rw_t)))
    {
        return ngx_http_privacy_chain_copy(r->pool, free, ll, data, len);
    }

    return ngx_http_privacy_chain_memory(r->pool, free, ll, data, len);
}


/*
 * The page's next LEN bytes at DATA (NULL: not in memory) against the
 * page remembered: *SAME when they are its bytes, and the pieces they make
 * due linked at LL; else the rewriter catches up, to read them next.
 */

static ngx_chain_t **
ngx_http_privacy_script_remembered(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, const u_char *data, size_t len, ngx_uint_t *same)
{
    *same = (data && privacy_memo_same(&sctx->replay, data, len));

    if (*same) {
        return ngx_http_privacy_script_replay(r, sctx, free, ll);
    }

    return ngx_http_privacy_script_miss(r, sctx, free, ll);
}


/* the pieces of the page remembered that its bytes so far make due */

static ngx_chain_t **
ngx_http_privacy_script_replay(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll)
{
    int            category;
    size_t         len;
    const char    *held;
    const u_char  *data;

    while ((held = privacy_memo_next_held(&sctx->replay, &category))) {

        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy script: held back %s of category %d, "
                       "as remembered", held, category);

        ngx_http_privacy_metric_held(sctx->scripts->categories, category,
                                     ngx_http_privacy_script_element(held));
    }

    /* the entry is the request's until it ends */

    while (privacy_memo_next(&sctx->replay, &data, &len)) {
        ll = ngx_http_privacy_chain_memory(r->pool, free, ll, data, len);
        if (ll == NULL) {
            return NULL;
        }
    }

    return ll;
}


/*
 * The page differs from the one remembered after the bytes found the
 * same: the rewriter, made new, reads them again from the entry, and of
 * what it says, what the entry's pieces gave already is not sent again
 * (nor are its tags counted again).  The page is recorded anew.
 */

static ngx_chain_t **
ngx_http_privacy_script_miss(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll)
{
    ngx_http_privacy_script_memo_t  *memo;

    memo = sctx->memo;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy script: not the page remembered after %uz "
                   "bytes, %uz sent", sctx->replay.seen, sctx->replay.out);

    ngx_http_privacy_metric_page(NGX_HTTP_PRIVACY_PAGE_DIFFERED);

    sctx->memo = NULL;
    sctx->skip = sctx->replay.out;
    sctx->skip_held = sctx->replay.held;
    sctx->placeholder = (sctx->key.banner == 0);
    sctx->offset = 0;

    ngx_http_privacy_script_rewriter(sctx);
    ngx_http_privacy_script_record(r, sctx);

    return ngx_http_privacy_script_bytes(r, sctx, free, ll, memo->memo.page,
                                         sctx->replay.seen);
}


/*
 * The page and its rewrite recorded, to be remembered if it ends whole;
 * not when the worker records another page meanwhile
 */

static void
ngx_http_privacy_script_record(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx)
{
    sctx->rec = ngx_http_privacy_script_memo_record(r->pool, &sctx->key,
                                                    r->connection->log);
}


/* LEN bytes of the page the rewriter reads next: recorded; their offset */

static size_t
ngx_http_privacy_script_read(ngx_http_privacy_script_ctx_t *sctx,
    const u_char *data, size_t len)
{
    size_t  base;

    base = sctx->offset;
    sctx->offset += len;

    if (sctx->rec) {
        privacy_memo_record_page(sctx->rec, data, len);
    }

    return base;
}


/* the rewriter made new, for the request's visitor */

static void
ngx_http_privacy_script_rewriter(ngx_http_privacy_script_ctx_t *sctx)
{
    privacy_script_init(&sctx->w, &sctx->scripts->set, sctx->key.granted);
    sctx->w.live = sctx->key.live;
}


/*
 * The banner's stylesheet and script for a page without the banner, so
 * that a frame held back still says what it is and lets the visitor allow
 * its category there: the script's URL tells it the endpoint, and
 * data-privacy-granted what the visitor granted (names of the categories,
 * space-separated), which such an allowance keeps.
 */

static ngx_chain_t **
ngx_http_privacy_script_placeholder(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll)
{
    u_char                       *p, *tag;
    size_t                        len, url_len;
    uint32_t                      granted;
    ngx_str_t                    *css, *js, *base;
    ngx_uint_t                    i, n;
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_category_t  *cat;
    ngx_http_privacy_loc_conf_t  *plcf;

    static u_char  link[] = "<link rel=\"stylesheet\" href=\"";
    static u_char  script[] = "\"><script src=\"";
    static u_char  attr[] = "\" data-privacy-granted=\"";
    static u_char  end[] = "\" defer></script>";

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);
    ctx = ngx_http_get_module_ctx(r, ngx_http_privacy_module);

    base = &plcf->consent_url;
    css = ngx_http_privacy_asset_path(NGX_HTTP_PRIVACY_ASSET_CSS);
    js = ngx_http_privacy_asset_path(NGX_HTTP_PRIVACY_ASSET_JS);

    granted = ctx->granted & plcf->categories->optional;
    cat = plcf->categories->categories.elts;
    n = plcf->categories->categories.nelts;

    url_len = privacy_html_escape(NULL, base->data, base->len);

    len = sizeof(link) - 1 + url_len + css->len + sizeof(script) - 1
          + url_len + js->len + sizeof(attr) - 1 + sizeof(end) - 1;

    for (i = 0; i < n; i++) {
        if (granted & (1u << i)) {
            len += privacy_html_escape(NULL, cat[i].name.data,
                                       cat[i].name.len) + 1;
        }
    }

    tag = ngx_pnalloc(r->pool, len);
    if (tag == NULL) {
        return NULL;
    }

    p = ngx_cpymem(tag, link, sizeof(link) - 1);
    p += privacy_html_escape(p, base->data, base->len);
    p = ngx_cpymem(p, css->data, css->len);
    p = ngx_cpymem(p, script, sizeof(script) - 1);
    p += privacy_html_escape(p, base->data, base->len);
    p = ngx_cpymem(p, js->data, js->len);
    p = ngx_cpymem(p, attr, sizeof(attr) - 1);

    for (i = 0; i < n; i++) {
        if (granted & (1u << i)) {
            p += privacy_html_escape(p, cat[i].name.data, cat[i].name.len);

            granted &= ~(1u << i);

            if (granted) {
                *p++ = ' ';
            }
        }
    }

    p = ngx_cpymem(p, end, sizeof(end) - 1);

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy script: the banner's script for a frame's "
                   "placeholder");

    return ngx_http_privacy_script_out(r, sctx, free, ll, tag, p - tag,
                                       NGX_HTTP_PRIVACY_SCRIPT_OWN);
}
