
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


typedef struct {
    ngx_uint_t                      key;          /* 0: none */
    time_t                          seen;
    ngx_uint_t                      marked;       /* unsigned: 1 */
} ngx_http_privacy_script_page_t;


static ngx_http_privacy_script_page_t
    ngx_http_privacy_script_pages[NGX_HTTP_PRIVACY_SCRIPT_PAGES];


struct ngx_http_privacy_script_ctx_s {
    privacy_script_rw_t             w;
    ngx_http_privacy_scripts_t     *scripts;
    ngx_uint_t                      page;         /* the URI's key */
    ngx_uint_t                      report;       /* unsigned: 1 */
    ngx_uint_t                      done;         /* unsigned: 1 */
    ngx_uint_t                      placeholder;  /* unsigned: 1; the
                                                     banner's script goes
                                                     before the first frame
                                                     held back */
};


static void ngx_http_privacy_script_step(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, privacy_script_step_t *s);
static ngx_int_t ngx_http_privacy_script_run(ngx_http_request_t *r,
    ngx_chain_t **free, ngx_chain_t *cl, u_char *run, size_t len);
static ngx_chain_t **ngx_http_privacy_script_emit(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, privacy_script_step_t *s);
static ngx_chain_t **ngx_http_privacy_script_placeholder(
    ngx_http_request_t *r, ngx_chain_t **free, ngx_chain_t **ll);
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
    sctx->page = ngx_http_privacy_script_page_key(r);
    sctx->report = (plcf->mode == NGX_HTTP_PRIVACY_MODE_REPORT);
    sctx->done = 0;
    sctx->placeholder = !banner;

    privacy_script_init(&sctx->w, &plcf->scripts->set, ctx->granted);

    if (!plcf->script_marked) {
        /* the site's marked tags stay as it wrote them */
        sctx->w.live = 0;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy script: rewriter for granted %xD", ctx->granted);

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
    u_char                 *p, *last, *start, *run;
    size_t                  run_len;
    ngx_chain_t            *cl;
    privacy_script_step_t   s;

    if (ngx_buf_size(b) == 0) {
        return ll;
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

    while (privacy_script_next(&sctx->w, p, last - p, &s)) {

        ngx_http_privacy_script_step(r, sctx, &s);

        if (sctx->report) {
            p += s.used;
            continue;
        }

        ll = ngx_http_privacy_script_emit(r, sctx, free, ll, &s);
        if (ll == NULL) {
            return NULL;
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
    privacy_script_step_t  s;

    if (len == 0) {
        return ll;
    }

    if (sctx == NULL) {
        return ngx_http_privacy_chain_copy(r->pool, free, ll, data, len);
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

    while (privacy_script_next(&sctx->w, data, len, &s)) {

        ngx_http_privacy_script_step(r, sctx, &s);

        ll = ngx_http_privacy_script_emit(r, sctx, free, ll, &s);
        if (ll == NULL) {
            return NULL;
        }

        ll = ngx_http_privacy_chain_copy(r->pool, free, ll, data, s.pass);
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
    size_t                           len;
    const u_char                    *held;
    ngx_http_privacy_script_page_t  *page;

    if (sctx->done) {
        return ll;
    }

    if (whole && !sctx->report) {
        page = &ngx_http_privacy_script_pages[sctx->page
                                          % NGX_HTTP_PRIVACY_SCRIPT_PAGES];
        page->key = sctx->page;
        page->seen = ngx_time();
        page->marked = sctx->w.marked_seen;
    }

    /* the rewriter is made new: nothing of it is read after this */
    len = privacy_script_finish(&sctx->w, &held);
    sctx->done = 1;

    if (sctx->report || len == 0) {
        return ll;
    }

    return ngx_http_privacy_chain_copy(r->pool, free, ll, held, len);
}


ngx_uint_t
ngx_http_privacy_script_held(ngx_http_privacy_script_ctx_t *sctx)
{
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

    switch (s->held[0]) {
    case 's':
        element = NGX_HTTP_PRIVACY_ELEMENT_SCRIPT;
        break;
    case 'l':
        element = NGX_HTTP_PRIVACY_ELEMENT_LINK;
        break;
    default:
        element = (s->held[1] == 'f') ? NGX_HTTP_PRIVACY_ELEMENT_IFRAME
                                      : NGX_HTTP_PRIVACY_ELEMENT_IMG;
    }

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

static ngx_chain_t **
ngx_http_privacy_script_emit(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, privacy_script_step_t *s)
{
    const u_char  *w;

    if (s->emit_len == 0) {
        return ll;
    }

    /* the step's emit starts with the held frame's "<iframe" */

    if (sctx->placeholder && s->held && s->held[0] == 'i'
        && s->held[1] == 'f')
    {
        sctx->placeholder = 0;

        ll = ngx_http_privacy_script_placeholder(r, free, ll);
        if (ll == NULL) {
            return NULL;
        }
    }

    w = (const u_char *) &sctx->w;

    if (s->emit >= w && s->emit < w + sizeof(privacy_script_rw_t)) {
        return ngx_http_privacy_chain_copy(r->pool, free, ll, s->emit,
                                           s->emit_len);
    }

    return ngx_http_privacy_chain_memory(r->pool, free, ll, s->emit,
                                         s->emit_len);
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
    ngx_chain_t **free, ngx_chain_t **ll)
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

    return ngx_http_privacy_chain_memory(r->pool, free, ll, tag, p - tag);
}
