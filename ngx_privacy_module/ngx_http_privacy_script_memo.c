
/*
 * ngx_http_privacy_module: the pages the rewriter went through, each with
 * what it made of them (privacy_script_memo.h), remembered per worker.  A
 * page of the same bytes for a visitor of the same grants is given the
 * same rewrite without the rewriter, buffer by buffer as its bytes are
 * found the same: of the trackers row of docs/performance.md the
 * rewriter's pass was about 120,000 of 167,000 instructions, the compare
 * of the page's 30 KB a few thousand.  Where a page differs, the
 * rewriter is run over the bytes that were the same and goes on; what it
 * says that the memo gave already is not sent again.
 *
 * Bound: NGX_HTTP_PRIVACY_SCRIPT_MEMOS entries, a slot per hash of the
 * URI and arguments, each a page of at most PRIVACY_MEMO_PAGE_MAX bytes
 * (64 KB; a longer page is not remembered) with its rewrite, 3.7 MB per
 * worker at most, and one page recorded at a time per worker, in a room
 * of PRIVACY_MEMO_RECORD_SIZE (116 KB) taken when first needed; all of it
 * mapped apart from malloc's heap (a long-lived block there made every
 * later request's allocations dearer: +1,700 instructions a request on
 * the bench) and freed when the worker exits.  Invalidation: none; an
 * entry is used only for the same bytes, privacy_script set, grants,
 * consent URL and banner, and the next page of its slot the rewriter
 * reads whole replaces it; a slot records at most one page a second.  A
 * request that reads an entry holds it until the request ends.
 */


/* mmap(): <sys/mman.h> comes with ngx_config.h, which goes first */
#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_script_memo.h"


#define NGX_HTTP_PRIVACY_SCRIPT_MEMOS  32


static void ngx_http_privacy_script_memo_release(void *data);
static void ngx_http_privacy_script_memo_recorded(void *data);
static void *ngx_http_privacy_script_memo_map(size_t size, ngx_log_t *log);


static ngx_http_privacy_script_memo_t
    *ngx_http_privacy_script_memos[NGX_HTTP_PRIVACY_SCRIPT_MEMOS];

/* when a page of each slot was last recorded: at most one a second */
static time_t  ngx_http_privacy_script_memo_recorded_at[
                                             NGX_HTTP_PRIVACY_SCRIPT_MEMOS];

/* the worker's one recording, and its room */
static privacy_memo_t   ngx_http_privacy_script_memo_rec;
static void            *ngx_http_privacy_script_memo_room;
static ngx_uint_t       ngx_http_privacy_script_memo_busy;


/* the entry of KEY, held until POOL goes, or NULL */

ngx_http_privacy_script_memo_t *
ngx_http_privacy_script_memo_find(ngx_pool_t *pool,
    ngx_http_privacy_script_memo_key_t *key)
{
    ngx_pool_cleanup_t              *cln;
    ngx_http_privacy_script_memo_t  *m;

    m = ngx_http_privacy_script_memos[key->page
                                      % NGX_HTTP_PRIVACY_SCRIPT_MEMOS];

    if (m == NULL
        || m->key.page != key->page
        || m->key.set != key->set
        || m->key.granted != key->granted
        || m->key.live != key->live
        || m->key.banner != key->banner
        || m->key.consent_url.data != key->consent_url.data
        || m->key.consent_url.len != key->consent_url.len)
    {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_privacy_script_memo_release;
    cln->data = m;

    m->refs++;

    return m;
}


static void
ngx_http_privacy_script_memo_release(void *data)
{
    ngx_http_privacy_script_memo_t  *m = data;

    if (--m->refs == 0) {
        munmap(m, m->size);
    }
}


/*
 * The worker's recording for the page of KEY, until POOL goes, or NULL:
 * another page is being recorded, a page of KEY's slot was recorded
 * within the second (a page that is new each time, or two pages that
 * share a slot, would be recorded on every request), or the room cannot
 * be had.
 */

privacy_memo_t *
ngx_http_privacy_script_memo_record(ngx_pool_t *pool,
    ngx_http_privacy_script_memo_key_t *key, ngx_log_t *log)
{
    void                *room;
    time_t              *at;
    ngx_pool_cleanup_t  *cln;

    at = &ngx_http_privacy_script_memo_recorded_at[key->page
                                            % NGX_HTTP_PRIVACY_SCRIPT_MEMOS];

    if (ngx_http_privacy_script_memo_busy || *at == ngx_time()) {
        return NULL;
    }

    if (ngx_http_privacy_script_memo_room == NULL) {
        room = ngx_http_privacy_script_memo_map(PRIVACY_MEMO_RECORD_SIZE, log);
        if (room == NULL) {
            return NULL;
        }

        ngx_http_privacy_script_memo_room = room;
    }

    cln = ngx_pool_cleanup_add(pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_privacy_script_memo_recorded;
    cln->data = NULL;

    ngx_http_privacy_script_memo_busy = 1;
    *at = ngx_time();

    privacy_memo_record_init(&ngx_http_privacy_script_memo_rec,
                             ngx_http_privacy_script_memo_room);

    return &ngx_http_privacy_script_memo_rec;
}


static void
ngx_http_privacy_script_memo_recorded(void *data)
{
    ngx_http_privacy_script_memo_busy = 0;
}


static void *
ngx_http_privacy_script_memo_map(size_t size, ngx_log_t *log)
{
    void  *p;

    p = mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS,
             -1, 0);

    if (p == MAP_FAILED) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      "privacy script: mmap(%uz) failed", size);
        return NULL;
    }

    return p;
}


/* a whole page's recording REC becomes the entry of KEY */

void
ngx_http_privacy_script_memo_keep(ngx_http_privacy_script_memo_key_t *key,
    privacy_memo_t *rec, ngx_log_t *log)
{
    size_t                           size;
    ngx_http_privacy_script_memo_t  *m, **slot;

    size = sizeof(ngx_http_privacy_script_memo_t) + privacy_memo_size(rec);

    m = ngx_http_privacy_script_memo_map(size, log);
    if (m == NULL) {
        /* not remembered: the next request rewrites the page as this one */
        return;
    }

    privacy_memo_copy(&m->memo, m + 1, rec);
    m->key = *key;
    m->refs = 1;
    m->size = size;

    slot = &ngx_http_privacy_script_memos[key->page
                                          % NGX_HTTP_PRIVACY_SCRIPT_MEMOS];

    if (*slot) {
        ngx_http_privacy_script_memo_release(*slot);
    }

    *slot = m;

    ngx_http_privacy_metric_page_kept();

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, log, 0,
                   "privacy script: page of %uz bytes remembered, "
                   "%uz pieces", rec->page_len, rec->npieces);
}


void
ngx_http_privacy_script_memos_free(void)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_PRIVACY_SCRIPT_MEMOS; i++) {
        if (ngx_http_privacy_script_memos[i]) {
            ngx_http_privacy_script_memo_release(
                                           ngx_http_privacy_script_memos[i]);
            ngx_http_privacy_script_memos[i] = NULL;
        }
    }

    /* a room being recorded in (a reload in one process) stays */
    if (ngx_http_privacy_script_memo_room
        && !ngx_http_privacy_script_memo_busy)
    {
        munmap(ngx_http_privacy_script_memo_room, PRIVACY_MEMO_RECORD_SIZE);
        ngx_http_privacy_script_memo_room = NULL;
    }
}
