
/*
 * Metrics: counters in one shared memory zone that every worker adds to
 * with ngx_atomic_fetch_add(), and "privacy_status", which serves them in
 * the Prometheus text exposition format (version 0.0.4).
 *
 * The zone keeps its counters over reloads.  Blocked cookies are counted
 * per category name: a name keeps its slot in the zone from one
 * configuration to the next, a name new to a configuration gets a slot
 * of its own starting at zero, so a reload that adds, removes or reorders
 * categories never moves counts from one name to another.
 *
 * For the operator: "privacy_status;" in a location, GET and HEAD only,
 * "Cache-Control: no-store"; restrict it with allow/deny.  The category
 * label takes the union of the names of every category list of the
 * configuration, each once, at most NGX_HTTP_PRIVACY_METRICS_NAMES (64);
 * cookies of names over that are not counted, and nginx -t warns.  A
 * name removed by a reload disappears from the text; if a later reload
 * brings it back, its counters start again at zero.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"


/* the slot of cookies no category names, after those of the names */
#define NGX_HTTP_PRIVACY_METRICS_UNKNOWN  NGX_HTTP_PRIVACY_METRICS_NAMES

#define NGX_HTTP_PRIVACY_METRICS_ACTIONS  4
#define NGX_HTTP_PRIVACY_METRICS_REASONS  (PRIVACY_TOKEN_CATEGORIES + 1)
#define NGX_HTTP_PRIVACY_METRICS_BUCKETS  12

/* the text without the category lines, with every value at its longest */
#define NGX_HTTP_PRIVACY_METRICS_TEXT_LEN  5120


/* the zone: counters only, the names are the configuration's */
typedef struct {
    ngx_atomic_t                     banners;
    ngx_atomic_t                     expired;
    ngx_atomic_t                     redis_errors;
    ngx_atomic_t                     consents[NGX_HTTP_PRIVACY_METRICS_ACTIONS];
    ngx_atomic_t                     tokens[NGX_HTTP_PRIVACY_METRICS_REASONS];

    /* per bucket, not cumulative: an observation adds to one bucket only */
    ngx_atomic_t                     rtt[NGX_HTTP_PRIVACY_METRICS_BUCKETS];
    ngx_atomic_t                     rtt_usec;     /* their sum */

    /* per slot and direction; the last slot is "unknown" */
    ngx_atomic_t                     blocked[NGX_HTTP_PRIVACY_METRICS_NAMES + 1]
                                            [2];

    /* third-party elements held back, per slot and element */
    ngx_atomic_t                     held[NGX_HTTP_PRIVACY_METRICS_NAMES]
                                         [NGX_HTTP_PRIVACY_ELEMENTS];

    /* the rewriter's pages, by NGX_HTTP_PRIVACY_PAGE_*, and those kept */
    ngx_atomic_t                     pages[NGX_HTTP_PRIVACY_PAGES];
    ngx_atomic_t                     pages_kept;
} ngx_http_privacy_metrics_sh_t;


/* one per configuration, the zone's data */
typedef struct {
    ngx_http_privacy_metrics_sh_t   *sh;
    ngx_array_t                      names;        /* ngx_str_t */
    ngx_array_t                      lists;        /* categories_t * */
    ngx_uint_t                       slot[NGX_HTTP_PRIVACY_METRICS_NAMES];
    ngx_uint_t                       overflow;     /* unsigned: 1 */
} ngx_http_privacy_metrics_ctx_t;


static ngx_http_privacy_metrics_ctx_t *ngx_http_privacy_metrics_zone(
    ngx_conf_t *cf);
static ngx_int_t ngx_http_privacy_metrics_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static void ngx_http_privacy_metrics_assign(
    ngx_http_privacy_metrics_ctx_t *ctx, ngx_http_privacy_metrics_ctx_t *octx);
static ngx_http_privacy_metrics_ctx_t *ngx_http_privacy_metrics_ctx(void);
static ngx_int_t ngx_http_privacy_status_handler(ngx_http_request_t *r);
static ngx_buf_t *ngx_http_privacy_metrics_text(ngx_http_request_t *r,
    ngx_http_privacy_metrics_ctx_t *ctx);


static ngx_str_t  ngx_http_privacy_metrics_zone_name =
    ngx_string("privacy_metrics");


/*
 * The counters of the running configuration.  The zone is reused with the
 * same memory on every reload, so this stays valid for old and new
 * workers alike; NULL until a zone was initialized.
 */
static ngx_http_privacy_metrics_sh_t  *ngx_http_privacy_metrics_sh;


/* by NGX_HTTP_PRIVACY_ELEMENT_ */
static char  *ngx_http_privacy_metrics_elements[] = {
    "script", "iframe", "img", "link"
};


static char  *ngx_http_privacy_metrics_actions[] = {
    "accept_all", "reject_all", "save", "withdraw"
};


/* upper bounds of the histogram buckets, in microseconds; then +Inf */
static uint64_t  ngx_http_privacy_metrics_bounds[] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
    1000000
};


static char  *ngx_http_privacy_metrics_le[] = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25", "0.5", "1", "+Inf"
};


ngx_int_t
ngx_http_privacy_metrics_init(ngx_conf_t *cf)
{
    if (ngx_http_privacy_metrics_zone(cf) == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The zone of this configuration and its context, added on the first call:
 * category lists are finalized while locations merge, before
 * postconfiguration.
 */

static ngx_http_privacy_metrics_ctx_t *
ngx_http_privacy_metrics_zone(ngx_conf_t *cf)
{
    ngx_shm_zone_t                  *shm_zone;
    ngx_http_privacy_metrics_ctx_t  *ctx;

    /* 8 pages: the slab allocator's own pages and one for the counters */
    shm_zone = ngx_shared_memory_add(cf, &ngx_http_privacy_metrics_zone_name,
                                     8 * ngx_pagesize,
                                     &ngx_http_privacy_module);
    if (shm_zone == NULL) {
        return NULL;
    }

    if (shm_zone->data) {
        return shm_zone->data;
    }

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_metrics_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    if (ngx_array_init(&ctx->names, cf->pool, NGX_HTTP_PRIVACY_METRICS_NAMES,
                       sizeof(ngx_str_t))
        != NGX_OK
        || ngx_array_init(&ctx->lists, cf->pool, 4,
                          sizeof(ngx_http_privacy_categories_t *))
           != NGX_OK)
    {
        return NULL;
    }

    shm_zone->init = ngx_http_privacy_metrics_init_zone;
    shm_zone->data = ctx;

    return ctx;
}


/*
 * Names are registered while the configuration is read, before the zone
 * exists: cats->metric[] holds indexes into ctx->names until the zone is
 * initialized and turns them into slots.
 */

ngx_int_t
ngx_http_privacy_metrics_categories(ngx_conf_t *cf,
    ngx_http_privacy_categories_t *cats)
{
    ngx_str_t                        *name;
    ngx_uint_t                        i, j;
    ngx_http_privacy_category_t      *cat;
    ngx_http_privacy_categories_t   **list;
    ngx_http_privacy_metrics_ctx_t   *ctx;

    ctx = ngx_http_privacy_metrics_zone(cf);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    list = ngx_array_push(&ctx->lists);
    if (list == NULL) {
        return NGX_ERROR;
    }

    *list = cats;

    cat = cats->categories.elts;

    for (i = 0; i < cats->categories.nelts; i++) {

        name = ctx->names.elts;

        for (j = 0; j < ctx->names.nelts; j++) {
            if (name[j].len == cat[i].name.len
                && ngx_strncmp(name[j].data, cat[i].name.data,
                               cat[i].name.len)
                   == 0)
            {
                break;
            }
        }

        if (j == NGX_HTTP_PRIVACY_METRICS_NAMES) {
            if (!ctx->overflow) {
                ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                              "more than %d category names in the "
                              "configuration: cookies of \"%V\" and of "
                              "later new names are not counted by "
                              "\"privacy_status\"",
                              NGX_HTTP_PRIVACY_METRICS_NAMES, &cat[i].name);
                ctx->overflow = 1;
            }

            cats->metric[i] = NGX_HTTP_PRIVACY_METRICS_NONE;
            continue;
        }

        if (j == ctx->names.nelts) {
            name = ngx_array_push(&ctx->names);
            if (name == NULL) {
                return NGX_ERROR;
            }

            *name = cat[i].name;
        }

        cats->metric[i] = j;

        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, cf->log, 0,
                       "privacy metrics: category \"%V\" is name %ui",
                       &cat[i].name, j);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_privacy_metrics_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_privacy_metrics_ctx_t  *octx = data;

    ngx_slab_pool_t                 *shpool;
    ngx_http_privacy_metrics_ctx_t  *ctx;

    ctx = shm_zone->data;

    if (octx) {
        /* a reload: same memory, the counters go on */
        ctx->sh = octx->sh;

    } else {
        shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

        if (shm_zone->shm.exists) {
            ctx->sh = shpool->data;

        } else {
            ctx->sh = ngx_slab_alloc(shpool,
                                     sizeof(ngx_http_privacy_metrics_sh_t));
            if (ctx->sh == NULL) {
                return NGX_ERROR;
            }

            ngx_memzero(ctx->sh, sizeof(ngx_http_privacy_metrics_sh_t));

            shpool->data = ctx->sh;
        }
    }

    ngx_http_privacy_metrics_assign(ctx, octx);

    ngx_http_privacy_metrics_sh = ctx->sh;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, shm_zone->shm.log, 0,
                   "privacy metrics zone %s, %ui category names",
                   octx ? "reused" : "new", ctx->names.nelts);

    return NGX_OK;
}


/*
 * Gives each name a slot: the one it had in the previous configuration,
 * or a free one, zeroed.  A slot the previous configuration did not use
 * is preferred, its workers may still count into theirs while they
 * finish.  There are never more names than slots.
 */

static void
ngx_http_privacy_metrics_assign(ngx_http_privacy_metrics_ctx_t *ctx,
    ngx_http_privacy_metrics_ctx_t *octx)
{
    uint64_t                         used, old;
    ngx_str_t                       *name, *oname;
    ngx_uint_t                       e, i, j, k;
    ngx_http_privacy_categories_t  **list, *cats;

    used = 0;
    old = 0;

    name = ctx->names.elts;

    for (i = 0; i < ctx->names.nelts; i++) {
        ctx->slot[i] = NGX_HTTP_PRIVACY_METRICS_NONE;
    }

    if (octx) {
        oname = octx->names.elts;

        for (j = 0; j < octx->names.nelts; j++) {
            if (octx->slot[j] < NGX_HTTP_PRIVACY_METRICS_NAMES) {
                old |= (uint64_t) 1 << octx->slot[j];
            }
        }

        for (i = 0; i < ctx->names.nelts; i++) {
            for (j = 0; j < octx->names.nelts; j++) {
                if (octx->slot[j] < NGX_HTTP_PRIVACY_METRICS_NAMES
                    && oname[j].len == name[i].len
                    && ngx_strncmp(oname[j].data, name[i].data, name[i].len)
                       == 0)
                {
                    ctx->slot[i] = octx->slot[j];
                    used |= (uint64_t) 1 << ctx->slot[i];
                    break;
                }
            }
        }
    }

    for (i = 0; i < ctx->names.nelts; i++) {

        if (ctx->slot[i] != NGX_HTTP_PRIVACY_METRICS_NONE) {
            continue;
        }

        for (k = 0; k < NGX_HTTP_PRIVACY_METRICS_NAMES; k++) {
            if (!((used | old) & ((uint64_t) 1 << k))) {
                break;
            }
        }

        if (k == NGX_HTTP_PRIVACY_METRICS_NAMES) {
            for (k = 0; k < NGX_HTTP_PRIVACY_METRICS_NAMES; k++) {
                if (!(used & ((uint64_t) 1 << k))) {
                    break;
                }
            }
        }

        ctx->slot[i] = k;
        used |= (uint64_t) 1 << k;

        /* a new series starts at zero */
        ctx->sh->blocked[k][NGX_HTTP_PRIVACY_DIR_REQUEST] = 0;
        ctx->sh->blocked[k][NGX_HTTP_PRIVACY_DIR_RESPONSE] = 0;
        for (e = 0; e < NGX_HTTP_PRIVACY_ELEMENTS; e++) {
            ctx->sh->held[k][e] = 0;
        }
    }

    list = ctx->lists.elts;

    for (j = 0; j < ctx->lists.nelts; j++) {
        cats = list[j];

        for (i = 0; i < cats->categories.nelts; i++) {
            k = cats->metric[i];

            cats->metric[i] = (k < ctx->names.nelts)
                              ? ctx->slot[k] : NGX_HTTP_PRIVACY_METRICS_NONE;
        }
    }
}


/* the context of the running configuration, for privacy_status */

static ngx_http_privacy_metrics_ctx_t *
ngx_http_privacy_metrics_ctx(void)
{
    ngx_uint_t        i;
    ngx_shm_zone_t   *shm_zone;
    ngx_list_part_t  *part;

    part = (ngx_list_part_t *) &ngx_cycle->shared_memory.part;
    shm_zone = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            shm_zone = part->elts;
            i = 0;
        }

        if (shm_zone[i].tag == &ngx_http_privacy_module
            && shm_zone[i].shm.name.len
               == ngx_http_privacy_metrics_zone_name.len
            && ngx_strncmp(shm_zone[i].shm.name.data,
                           ngx_http_privacy_metrics_zone_name.data,
                           ngx_http_privacy_metrics_zone_name.len)
               == 0)
        {
            return shm_zone[i].data;
        }
    }
}


char *
ngx_http_privacy_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    if (ngx_http_privacy_metrics_zone(cf) == NULL) {
        return NGX_CONF_ERROR;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_privacy_status_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_privacy_status_handler(ngx_http_request_t *r)
{
    ngx_int_t                        rc;
    ngx_buf_t                       *b;
    ngx_str_t                        body;
    ngx_http_privacy_metrics_ctx_t  *ctx;

    static ngx_str_t  type = ngx_string("text/plain; version=0.0.4");

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_http_privacy_metrics_ctx();

    if (ctx == NULL || ctx->sh == NULL) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "privacy_status: no metrics zone");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_http_privacy_metrics_text(r, ctx);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.data = b->pos;
    body.len = b->last - b->pos;

    /* counters are a snapshot: no cache may answer for a later one */
    if (ngx_http_privacy_add_header(r, &ngx_http_privacy_cache_control,
                                    &ngx_http_privacy_no_store)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_send(r, NGX_HTTP_OK, &type, &body);
}


/*
 * Every series is written, zeros included, so that rate() sees each one
 * from its start.  Counters are read one by one, not as a snapshot: the
 * histogram's _count is its +Inf bucket, so those two always agree.
 */

static ngx_buf_t *
ngx_http_privacy_metrics_text(ngx_http_request_t *r,
    ngx_http_privacy_metrics_ctx_t *ctx)
{
    u_char                         *p, *last;
    size_t                          len, line;
    ngx_buf_t                      *b;
    ngx_str_t                      *name, *label;
    ngx_uint_t                      i, k, slot;
    ngx_atomic_uint_t               count, usec;
    ngx_http_privacy_metrics_sh_t  *sh;

    static ngx_str_t  unknown = ngx_string("unknown");

    sh = ctx->sh;
    name = ctx->names.elts;

    line = sizeof("privacy_cookies_blocked_total{category=\"\","
                  "direction=\"response\"} \n") - 1 + NGX_ATOMIC_T_LEN;

    len = NGX_HTTP_PRIVACY_METRICS_TEXT_LEN
          + 2 * (line + unknown.len);

    for (i = 0; i < ctx->names.nelts; i++) {
        len += (2 + NGX_HTTP_PRIVACY_ELEMENTS) * (line + name[i].len);
    }

    /* one byte more: a full buffer means the text was cut */
    b = ngx_create_temp_buf(r->pool, len + 1);
    if (b == NULL) {
        return NULL;
    }

    p = b->last;
    last = b->end;

    p = ngx_slprintf(p, last,
                "# HELP privacy_banners_injected_total Consent banners "
                "inserted into pages.\n"
                "# TYPE privacy_banners_injected_total counter\n"
                "privacy_banners_injected_total %uA\n",
                sh->banners);

    p = ngx_slprintf(p, last,
                "# HELP privacy_cookies_blocked_total Cookies blocked, by "
                "category and direction.\n"
                "# TYPE privacy_cookies_blocked_total counter\n");

    for (i = 0; i <= ctx->names.nelts; i++) {

        if (i < ctx->names.nelts) {
            slot = ctx->slot[i];
            label = &name[i];

            if (slot >= NGX_HTTP_PRIVACY_METRICS_NAMES) {
                continue;
            }

        } else {
            slot = NGX_HTTP_PRIVACY_METRICS_UNKNOWN;
            label = &unknown;
        }

        p = ngx_slprintf(p, last,
                "privacy_cookies_blocked_total{category=\"%V\","
                "direction=\"request\"} %uA\n"
                "privacy_cookies_blocked_total{category=\"%V\","
                "direction=\"response\"} %uA\n",
                label, sh->blocked[slot][NGX_HTTP_PRIVACY_DIR_REQUEST],
                label, sh->blocked[slot][NGX_HTTP_PRIVACY_DIR_RESPONSE]);
    }

    p = ngx_slprintf(p, last,
                "# HELP privacy_elements_held_total Third-party scripts, "
                "frames, images and links held back, by category and "
                "element.\n"
                "# TYPE privacy_elements_held_total counter\n");

    for (i = 0; i < ctx->names.nelts; i++) {
        slot = ctx->slot[i];

        if (slot >= NGX_HTTP_PRIVACY_METRICS_NAMES) {
            continue;
        }

        for (k = 0; k < NGX_HTTP_PRIVACY_ELEMENTS; k++) {
            p = ngx_slprintf(p, last,
                    "privacy_elements_held_total{category=\"%V\","
                    "element=\"%s\"} %uA\n",
                    &name[i], ngx_http_privacy_metrics_elements[k],
                    sh->held[slot][k]);
        }
    }

    p = ngx_slprintf(p, last,
                "# HELP privacy_script_pages_total Pages through the "
                "rewriter of privacy_script: given again as the page of the "
                "same bytes was (same), read by the rewriter after the "
                "bytes found the same (differed), or whole (new).\n"
                "# TYPE privacy_script_pages_total counter\n"
                "privacy_script_pages_total{answer=\"same\"} %uA\n"
                "privacy_script_pages_total{answer=\"differed\"} %uA\n"
                "privacy_script_pages_total{answer=\"new\"} %uA\n"
                "# HELP privacy_script_pages_kept_total Pages remembered "
                "with their rewrite, per worker.\n"
                "# TYPE privacy_script_pages_kept_total counter\n"
                "privacy_script_pages_kept_total %uA\n",
                sh->pages[NGX_HTTP_PRIVACY_PAGE_SAME],
                sh->pages[NGX_HTTP_PRIVACY_PAGE_DIFFERED],
                sh->pages[NGX_HTTP_PRIVACY_PAGE_NEW],
                sh->pages_kept);

    p = ngx_slprintf(p, last,
                "# HELP privacy_cookies_expired_total Cookies the browser "
                "held that were expired with a Set-Cookie.\n"
                "# TYPE privacy_cookies_expired_total counter\n"
                "privacy_cookies_expired_total %uA\n",
                sh->expired);

    p = ngx_slprintf(p, last,
                "# HELP privacy_consents_total Consent decisions recorded, "
                "by action.\n"
                "# TYPE privacy_consents_total counter\n");

    for (i = 0; i < NGX_HTTP_PRIVACY_METRICS_ACTIONS; i++) {
        p = ngx_slprintf(p, last,
                         "privacy_consents_total{action=\"%s\"} %uA\n",
                         ngx_http_privacy_metrics_actions[i],
                         sh->consents[i]);
    }

    p = ngx_slprintf(p, last,
                "# HELP privacy_tokens_rejected_total Consent cookies that "
                "did not verify, by reason.\n"
                "# TYPE privacy_tokens_rejected_total counter\n");

    for (i = PRIVACY_TOKEN_OK + 1; i < NGX_HTTP_PRIVACY_METRICS_REASONS; i++) {
        p = ngx_slprintf(p, last,
                         "privacy_tokens_rejected_total{reason=\"%s\"} %uA\n",
                         privacy_token_status_text((privacy_token_status_e) i),
                         sh->tokens[i]);
    }

    p = ngx_slprintf(p, last,
                "# HELP privacy_redis_errors_total Redis requests that "
                "failed: not connected, timed out or an error reply.\n"
                "# TYPE privacy_redis_errors_total counter\n"
                "privacy_redis_errors_total %uA\n",
                sh->redis_errors);

    p = ngx_slprintf(p, last,
                "# HELP privacy_redis_rtt_seconds Round trip times of Redis "
                "requests.\n"
                "# TYPE privacy_redis_rtt_seconds histogram\n");

    count = 0;

    for (i = 0; i < NGX_HTTP_PRIVACY_METRICS_BUCKETS; i++) {
        count += sh->rtt[i];

        p = ngx_slprintf(p, last,
                         "privacy_redis_rtt_seconds_bucket{le=\"%s\"} %uA\n",
                         ngx_http_privacy_metrics_le[i], count);
    }

    usec = sh->rtt_usec;

    p = ngx_slprintf(p, last,
                     "privacy_redis_rtt_seconds_sum %uA.%06uA\n"
                     "privacy_redis_rtt_seconds_count %uA\n",
                     usec / 1000000, usec % 1000000, count);

    if (p == last) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "privacy_status: the text is over %uz bytes", len);
        return NULL;
    }

    b->last = p;

    return b;
}


void
ngx_http_privacy_metric_banner(void)
{
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh) {
        (void) ngx_atomic_fetch_add(&sh->banners, 1);
    }
}


void
ngx_http_privacy_metric_blocked(ngx_http_privacy_categories_t *cats,
    ngx_int_t category, ngx_uint_t direction)
{
    ngx_uint_t                      slot;
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh == NULL || direction > NGX_HTTP_PRIVACY_DIR_RESPONSE) {
        return;
    }

    if (category < 0) {
        slot = NGX_HTTP_PRIVACY_METRICS_UNKNOWN;

    } else if (cats && (ngx_uint_t) category < cats->categories.nelts) {
        slot = cats->metric[category];

        if (slot >= NGX_HTTP_PRIVACY_METRICS_NAMES) {
            /* a name over the limit */
            return;
        }

    } else {
        return;
    }

    (void) ngx_atomic_fetch_add(&sh->blocked[slot][direction], 1);
}


void
ngx_http_privacy_metric_held(ngx_http_privacy_categories_t *cats,
    ngx_int_t category, ngx_uint_t element)
{
    ngx_uint_t                      slot;
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh == NULL || cats == NULL || category < 0
        || (ngx_uint_t) category >= cats->categories.nelts
        || element >= NGX_HTTP_PRIVACY_ELEMENTS)
    {
        return;
    }

    slot = cats->metric[category];

    if (slot >= NGX_HTTP_PRIVACY_METRICS_NAMES) {
        return;
    }

    (void) ngx_atomic_fetch_add(&sh->held[slot][element], 1);
}


void
ngx_http_privacy_metric_expired(ngx_uint_t n)
{
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh && n) {
        (void) ngx_atomic_fetch_add(&sh->expired, (ngx_atomic_int_t) n);
    }
}


void
ngx_http_privacy_metric_page(ngx_uint_t answer)
{
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh && answer < NGX_HTTP_PRIVACY_PAGES) {
        (void) ngx_atomic_fetch_add(&sh->pages[answer], 1);
    }
}


void
ngx_http_privacy_metric_page_kept(void)
{
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh) {
        (void) ngx_atomic_fetch_add(&sh->pages_kept, 1);
    }
}


void
ngx_http_privacy_metric_consent(ngx_uint_t action)
{
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh && action < NGX_HTTP_PRIVACY_METRICS_ACTIONS) {
        (void) ngx_atomic_fetch_add(&sh->consents[action], 1);
    }
}


void
ngx_http_privacy_metric_token_rejected(ngx_uint_t reason)
{
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh
        && reason != PRIVACY_TOKEN_OK
        && reason < NGX_HTTP_PRIVACY_METRICS_REASONS)
    {
        (void) ngx_atomic_fetch_add(&sh->tokens[reason], 1);
    }
}


void
ngx_http_privacy_metric_redis_error(void)
{
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh) {
        (void) ngx_atomic_fetch_add(&sh->redis_errors, 1);
    }
}


/*
 * On a 32-bit platform ngx_atomic_t is 32 bits wide: the sum wraps after
 * about 71 minutes of round trips in all.
 */

void
ngx_http_privacy_metric_redis_rtt(uint64_t usec)
{
    ngx_uint_t                      i;
    ngx_http_privacy_metrics_sh_t  *sh;

    sh = ngx_http_privacy_metrics_sh;

    if (sh == NULL) {
        return;
    }

    /* "le": a bucket counts what is at most its bound */
    for (i = 0; i < NGX_HTTP_PRIVACY_METRICS_BUCKETS - 1; i++) {
        if (usec <= ngx_http_privacy_metrics_bounds[i]) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&sh->rtt[i], 1);
    (void) ngx_atomic_fetch_add(&sh->rtt_usec, (ngx_atomic_int_t) usec);
}


/* not ngx_current_msec: it is updated once per event loop iteration */

uint64_t
ngx_http_privacy_metrics_usec(void)
{
#if (NGX_HAVE_CLOCK_MONOTONIC)
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
#else
    struct timeval   tv;

    ngx_gettimeofday(&tv);

    return (uint64_t) tv.tv_sec * 1000000 + tv.tv_usec;
#endif
}
