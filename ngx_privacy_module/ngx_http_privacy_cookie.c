
/*
 * Cookies: the categories, the Cookie headers the application receives,
 * the Set-Cookie headers the visitor receives, expiring blocked cookies and
 * setting the consent cookie.  Parsing is the core's (privacy_cookie.c).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_token.h"
#include "ngx_http_privacy_cookie.h"


/* the pairs of a Cookie header the stack holds; more go to the pool */
#define NGX_HTTP_PRIVACY_PAIRS  32


/*
 * A Cookie header's shape, its names' categories and the verdicts on its
 * pairs: see ngx_http_privacy_filter_header().  The categories come from
 * the category list and the consent cookie's name, the verdicts from a
 * location's settings and a visitor's grant.
 */

#define NGX_HTTP_PRIVACY_SHAPES  128

typedef struct {
    uint64_t                        seen;         /* a print seen once */
    ngx_uint_t                      valid;
    ngx_http_privacy_categories_t  *categories;
    u_char                         *consent_name;
    ngx_uint_t                      consent;      /* a consent cookie's in */
    signed char                     category[PRIVACY_COOKIE_SHAPE_PAIRS];

    /* the verdicts for one location and grant, NULL: none yet */
    ngx_http_privacy_loc_conf_t    *verdicts_for;
    uint32_t                        granted;
    ngx_uint_t                      nblocked;
    ngx_uint_t                      distinct;     /* no name blocked twice */
    uint8_t                         blocked[PRIVACY_COOKIE_SHAPE_PAIRS];
    uint16_t                        kept_start;   /* the pairs kept, one */
    uint16_t                        kept_end;     /* run; none: 0 and 0 */

    privacy_cookie_shape_t          shape;
} ngx_http_privacy_shape_t;


static int ngx_http_privacy_regex_match(void *regex, const unsigned char *s,
    size_t len);
static ngx_inline ngx_int_t ngx_http_privacy_category_cached(
    ngx_http_privacy_loc_conf_t *plcf, const u_char *name, size_t len);
static ngx_int_t ngx_http_privacy_category_match(
    ngx_http_privacy_loc_conf_t *plcf, const u_char *name, size_t len);
static ngx_inline ngx_int_t ngx_http_privacy_name_category(
    ngx_http_privacy_loc_conf_t *plcf, const u_char *name, size_t len);
static ngx_inline ngx_uint_t ngx_http_privacy_allowed(
    ngx_http_privacy_loc_conf_t *plcf, uint32_t granted, ngx_int_t category);
static ngx_int_t ngx_http_privacy_filter_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, ngx_uint_t *read);
static ngx_uint_t ngx_http_privacy_parse_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_table_elt_t *h,
    privacy_cookie_t *pairs, ngx_int_t *categories, ngx_uint_t max,
    ngx_uint_t *consent, ngx_http_privacy_shape_t **slot);
static ngx_http_privacy_shape_t *ngx_http_privacy_shape_slot(
    ngx_table_elt_t *h);
static ngx_uint_t ngx_http_privacy_shape_known(ngx_http_request_t *r,
    ngx_http_privacy_shape_t *s, ngx_http_privacy_loc_conf_t *plcf,
    ngx_table_elt_t *h);
static ngx_uint_t ngx_http_privacy_shape_keep(ngx_http_request_t *r,
    ngx_http_privacy_shape_t *s, ngx_http_privacy_loc_conf_t *plcf,
    ngx_table_elt_t *h, privacy_cookie_t *pairs, ngx_int_t *categories,
    ngx_uint_t n, ngx_uint_t consent);
static void ngx_http_privacy_shape_token(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_shape_t *s, ngx_table_elt_t *h);
static ngx_int_t ngx_http_privacy_shape_verdicts(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, ngx_http_privacy_shape_t *s);
static ngx_int_t ngx_http_privacy_filter_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, privacy_cookie_t *pairs, ngx_int_t *categories,
    ngx_uint_t n, ngx_http_privacy_shape_t *s);
static ngx_int_t ngx_http_privacy_cookies_kept(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, ngx_table_elt_t *h, u_char *data,
    size_t len);
static void ngx_http_privacy_cookie_variables_flush(ngx_http_request_t *r);
static ngx_uint_t ngx_http_privacy_is_set_cookie(ngx_table_elt_t *h);
static ngx_inline ngx_http_privacy_blocked_t *
    ngx_http_privacy_blocked_find(ngx_http_privacy_ctx_t *ctx, ngx_uint_t n,
    const u_char *name, size_t len);
static ngx_int_t ngx_http_privacy_block(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, const u_char *name, size_t len,
    ngx_int_t category);
static ngx_int_t ngx_http_privacy_blocked_room(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, ngx_uint_t n);
static ngx_inline void ngx_http_privacy_blocked_add(
    ngx_http_privacy_ctx_t *ctx, const u_char *name, size_t len,
    ngx_int_t category);
static ngx_inline ngx_int_t ngx_http_privacy_add_set_cookie(
    ngx_http_request_t *r, u_char *data, size_t len);


#define NGX_HTTP_PRIVACY_NAME_CACHE  256
#define NGX_HTTP_PRIVACY_NAME_MAX    46
#define NGX_HTTP_PRIVACY_NAME_MISS   -3
/* the category of the consent cookie, which always passes */
#define NGX_HTTP_PRIVACY_NAME_CONSENT  -2


typedef struct {
    ngx_http_privacy_categories_t  *categories;
    uint64_t                        first;    /* see name_load() */
    uint64_t                        last;
    ngx_int_t                       category;
    u_char                          len;
    u_char                          name[NGX_HTTP_PRIVACY_NAME_MAX];
} ngx_http_privacy_name_cache_t;


static ngx_str_t  ngx_http_privacy_set_cookie_key = ngx_string("Set-Cookie");

/* name -> category, per worker: see ngx_http_privacy_category_cached() */
static ngx_http_privacy_name_cache_t
    ngx_http_privacy_name_categories[NGX_HTTP_PRIVACY_NAME_CACHE];

/* Cookie header shapes, per worker: see ngx_http_privacy_filter_header() */
static ngx_http_privacy_shape_t
    ngx_http_privacy_shapes[NGX_HTTP_PRIVACY_SHAPES];

/* the matcher's errors so far: an answer after one is not kept */
static ngx_uint_t  ngx_http_privacy_match_errors;


/* the cache of a previous configuration read in this process goes */

void
ngx_http_privacy_cookie_forget(void)
{
    ngx_uint_t  i;

    ngx_memzero(ngx_http_privacy_name_categories,
                sizeof(ngx_http_privacy_name_categories));

    for (i = 0; i < NGX_HTTP_PRIVACY_SHAPES; i++) {
        ngx_http_privacy_shapes[i].valid = 0;
    }
}


/*
 * init_module: the indexes of the variables that nginx computes from the
 * Cookie headers and then keeps for the rest of the request, $http_cookie
 * and each $cookie_NAME that a directive names.  A server-level "if",
 * "set" or "map" reads them in the server rewrite phase, before the
 * rewrite phase filters the cookies; see
 * ngx_http_privacy_cookie_variables_flush().  Taken once the whole
 * configuration is read: the postconfiguration of a module after ours may
 * still index variables.
 */

ngx_int_t
ngx_http_privacy_cookie_variables(ngx_cycle_t *cycle)
{
    ngx_uint_t                     i, *index;
    ngx_http_variable_t           *v;
    ngx_http_core_main_conf_t     *cmcf;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_privacy_module);
    if (pmcf == NULL) {
        /* no http block */
        return NGX_OK;
    }

    cmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_core_module);

    pmcf->cookie_variables = ngx_array_create(cycle->pool, 2,
                                              sizeof(ngx_uint_t));
    if (pmcf->cookie_variables == NULL) {
        return NGX_ERROR;
    }

    v = cmcf->variables.elts;

    for (i = 0; i < cmcf->variables.nelts; i++) {

        /* the names of indexed variables are in lowercase */

        if ((v[i].name.len == sizeof("http_cookie") - 1
             && ngx_strncmp(v[i].name.data, "http_cookie",
                            sizeof("http_cookie") - 1) == 0)
            || (v[i].name.len >= sizeof("cookie_") - 1
                && ngx_strncmp(v[i].name.data, "cookie_",
                               sizeof("cookie_") - 1) == 0))
        {
            index = ngx_array_push(pmcf->cookie_variables);
            if (index == NULL) {
                return NGX_ERROR;
            }

            *index = i;
        }
    }

    return NGX_OK;
}


/* privacy_category NAME [essential] PATTERN ... */

char *
ngx_http_privacy_category(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char                         *p, errstr[NGX_MAX_CONF_ERRSTR];
    ngx_str_t                      *value;
    ngx_uint_t                      i, k, n, first;
    ngx_regex_compile_t             rc;
    privacy_match_name_t           *exact;
    privacy_match_regex_t          *regex;
    ngx_http_privacy_category_t    *cat;
    ngx_http_privacy_categories_t  *cats;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > 32) {
        goto bad_name;
    }

    for (p = value[1].data; p < value[1].data + value[1].len; p++) {
        if (!(isalnum(*p) || *p == '_' || *p == '-')) {
            goto bad_name;
        }
    }

    cats = plcf->categories;

    if (cats == NULL) {
        cats = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_categories_t));
        if (cats == NULL) {
            return NGX_CONF_ERROR;
        }

        if (ngx_array_init(&cats->categories, cf->pool, 4,
                           sizeof(ngx_http_privacy_category_t))
            != NGX_OK
            || ngx_array_init(&cats->exact, cf->pool, 8,
                              sizeof(privacy_match_name_t))
               != NGX_OK
            || ngx_array_init(&cats->regex, cf->pool, 4,
                              sizeof(privacy_match_regex_t))
               != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        plcf->categories = cats;
    }

    cat = cats->categories.elts;
    n = cats->categories.nelts;

    for (i = 0; i < n; i++) {
        if (cat[i].name.len == value[1].len
            && ngx_strncmp(cat[i].name.data, value[1].data, value[1].len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate category \"%V\" in \"%V\"",
                               &value[1], &cmd->name);
            return NGX_CONF_ERROR;
        }
    }

    if (n == PRIVACY_MAX_CATEGORIES) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "too many categories in \"%V\", at most %d",
                           &cmd->name, PRIVACY_MAX_CATEGORIES);
        return NGX_CONF_ERROR;
    }

    cat = ngx_array_push(&cats->categories);
    if (cat == NULL) {
        return NGX_CONF_ERROR;
    }

    cat->name = value[1];
    cat->essential = 0;

    first = 2;

    if (value[2].len == 9 && ngx_strncmp(value[2].data, "essential", 9) == 0)
    {
        cat->essential = 1;
        first = 3;
    }

    if (first == cf->args->nelts) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "category \"%V\" in \"%V\" has no cookie name "
                           "or pattern", &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    for (i = first; i < cf->args->nelts; i++) {

        if (value[i].len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "empty cookie name in \"%V\"", &cmd->name);
            return NGX_CONF_ERROR;
        }

        if (value[i].data[0] != '~') {

            /* here, not at merge time: the message names this directive */
            exact = cats->exact.elts;

            for (k = 0; k < cats->exact.nelts; k++) {
                if (exact[k].name_len == value[i].len
                    && ngx_memcmp(exact[k].name, value[i].data,
                                  value[i].len)
                       == 0)
                {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "cookie \"%V\" is named %s",
                                       &value[i],
                                       (exact[k].category == (int) n)
                                       ? "twice in this \"privacy_category\""
                                       : "in two \"privacy_category\" "
                                         "directives");
                    return NGX_CONF_ERROR;
                }
            }

            exact = ngx_array_push(&cats->exact);
            if (exact == NULL) {
                return NGX_CONF_ERROR;
            }

            exact->name = value[i].data;
            exact->name_len = value[i].len;
            exact->category = n;
            continue;
        }

        ngx_memzero(&rc, sizeof(ngx_regex_compile_t));

        rc.pattern.data = value[i].data + 1;
        rc.pattern.len = value[i].len - 1;

        if (rc.pattern.len && rc.pattern.data[0] == '*') {
            rc.pattern.data++;
            rc.pattern.len--;
            rc.options = NGX_REGEX_CASELESS;
        }

        if (rc.pattern.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "empty regular expression \"%V\" in \"%V\"",
                               &value[i], &cmd->name);
            return NGX_CONF_ERROR;
        }

        rc.pool = cf->pool;
        rc.err.len = NGX_MAX_CONF_ERRSTR;
        rc.err.data = errstr;

        if (ngx_regex_compile(&rc) != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid regular expression \"%V\" in "
                               "\"%V\": %V", &value[i], &cmd->name, &rc.err);
            return NGX_CONF_ERROR;
        }

        regex = ngx_array_push(&cats->regex);
        if (regex == NULL) {
            return NGX_CONF_ERROR;
        }

        regex->regex = rc.regex;
        regex->category = n;
    }

    return NGX_CONF_OK;

bad_name:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid category name \"%V\" in \"%V\", use 1 to 32 "
                       "letters, digits, \"_\" or \"-\"", &value[1],
                       &cmd->name);

    return NGX_CONF_ERROR;
}


/* sorts the names, builds the matcher and the token fingerprint, once */

char *
ngx_http_privacy_categories_finalize(ngx_conf_t *cf,
    ngx_http_privacy_categories_t *cats)
{
    size_t                        dup;
    ngx_uint_t                    i;
    privacy_match_name_t         *exact;
    privacy_category_desc_t      *desc;
    ngx_http_privacy_category_t  *cat;

    cats->finalized = 1;

    exact = cats->exact.elts;

    if (privacy_match_sort(exact, cats->exact.nelts, &dup) != 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "cookie \"%*s\" is named in two \"privacy_category\" "
                      "directives", exact[dup].name_len, exact[dup].name);
        return NGX_CONF_ERROR;
    }

    cats->matcher.names = exact;
    cats->matcher.nnames = cats->exact.nelts;
    cats->matcher.regexes = cats->regex.elts;
    cats->matcher.nregexes = cats->regex.nelts;
    cats->matcher.match = ngx_http_privacy_regex_match;

    desc = ngx_palloc(cf->pool,
                      cats->categories.nelts * sizeof(privacy_category_desc_t)
                      + 1);
    if (desc == NULL) {
        return NGX_CONF_ERROR;
    }

    cats->desc = desc;

    cat = cats->categories.elts;

    for (i = 0; i < cats->categories.nelts; i++) {
        desc[i].name = cat[i].name.data;
        desc[i].name_len = cat[i].name.len;
        desc[i].essential = cat[i].essential;

        if (cat[i].essential) {
            cats->essential |= 1u << i;

        } else {
            cats->optional |= 1u << i;
        }
    }

    cats->fingerprint = privacy_categories_fingerprint(desc,
                                                       cats->categories.nelts);
    if (cats->fingerprint == 0) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_privacy_metrics_categories(cf, cats) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static int
ngx_http_privacy_regex_match(void *regex, const unsigned char *s, size_t len)
{
    ngx_int_t  n;
    ngx_str_t  name;

    name.data = (u_char *) s;
    name.len = len;

    n = ngx_regex_exec((ngx_regex_t *) regex, &name, NULL, 0);

    if (n == NGX_REGEX_NO_MATCHED) {
        return 0;
    }

    return n < 0 ? -1 : 1;
}


/*
 * Whether a cookie may pass for a visitor who granted GRANTED (essential
 * categories included).  The consent cookie always passes.
 */

ngx_int_t
ngx_http_privacy_cookie_allowed(ngx_http_privacy_loc_conf_t *plcf,
    uint32_t granted, u_char *name, size_t len)
{
    return ngx_http_privacy_allowed(plcf, granted,
                           ngx_http_privacy_name_category(plcf, name, len));
}


/*
 * What decides a cookie's fate whatever the visitor chose: its category
 * index, -1 when no category names it, NGX_HTTP_PRIVACY_NAME_CONSENT for
 * the consent cookie.  Looked up before the decision is read, the same
 * pass that finds the consent cookie.
 */

static ngx_inline ngx_int_t
ngx_http_privacy_name_category(ngx_http_privacy_loc_conf_t *plcf,
    const u_char *name, size_t len)
{
    ngx_int_t  n;

    if (len == plcf->cookie.name.len
        && ngx_memcmp(name, plcf->cookie.name.data, len) == 0)
    {
        return NGX_HTTP_PRIVACY_NAME_CONSENT;
    }

    n = ngx_http_privacy_category_cached(plcf, name, len);

    if (n == NGX_HTTP_PRIVACY_NAME_MISS) {
        n = ngx_http_privacy_category_match(plcf, name, len);
    }

    return n;
}


/* the verdict on a cookie of CATEGORY for a visitor who granted GRANTED */

static ngx_inline ngx_uint_t
ngx_http_privacy_allowed(ngx_http_privacy_loc_conf_t *plcf, uint32_t granted,
    ngx_int_t category)
{
    ngx_http_privacy_categories_t  *cats;

    if (category >= 0) {
        return (granted >> category) & 1;
    }

    if (category == NGX_HTTP_PRIVACY_NAME_CONSENT || !plcf->unknown_cookies) {
        return 1;
    }

    /* strict mode: an unknown cookie needs every optional category */
    cats = plcf->categories;

    return cats != NULL && (granted & cats->optional) == cats->optional;
}


/*
 * The first and the last bytes of a name, as one or two words that cover
 * it whole up to 16 bytes (the first, middle and last byte below 4): the
 * cache key, and with the length its equality test for names up to 16
 * bytes, without a loop per byte.
 */

static ngx_inline uint64_t
ngx_http_privacy_name_load(const u_char *p, size_t len, uint64_t *last)
{
    uint32_t  a, b;
    uint64_t  w;

    if (len >= 8) {
        ngx_memcpy(&w, p, 8);
        ngx_memcpy(last, p + len - 8, 8);
        return w;
    }

    if (len >= 4) {
        ngx_memcpy(&a, p, 4);
        ngx_memcpy(&b, p + len - 4, 4);
        *last = b;
        return a;
    }

    w = 0;

    if (len) {
        w = p[0] | (p[len >> 1] << 8) | ((uint64_t) p[len - 1] << 16);
    }

    *last = 0;

    return w;
}


static ngx_inline ngx_uint_t
ngx_http_privacy_name_key(uint64_t first, uint64_t last, size_t len)
{
    first = (first ^ (last * 0x9e3779b97f4a7c15) ^ len)
            * 0xff51afd7ed558ccd;

    return (ngx_uint_t) (first >> 56) % NGX_HTTP_PRIVACY_NAME_CACHE;
}


/*
 * The names a site's visitors send are few and repeat on every request:
 * the category of each is kept per worker, so a regular expression runs
 * once per name and category list rather than on every request.  The
 * cache hit is inline in the callers that run per cookie; a miss is
 * NGX_HTTP_PRIVACY_NAME_MISS, for ngx_http_privacy_category_match().
 */

static ngx_inline ngx_int_t
ngx_http_privacy_category_cached(ngx_http_privacy_loc_conf_t *plcf,
    const u_char *name, size_t len)
{
    uint64_t                        first, last;
    ngx_http_privacy_name_cache_t  *e;

    if (plcf->categories == NULL) {
        return -1;
    }

    if (len <= NGX_HTTP_PRIVACY_NAME_MAX) {
        first = ngx_http_privacy_name_load(name, len, &last);
        e = &ngx_http_privacy_name_categories[
                                ngx_http_privacy_name_key(first, last, len)];

        if (e->categories == plcf->categories
            && e->len == len
            && e->first == first
            && e->last == last
            && (len <= 16 || ngx_memcmp(e->name, name, len) == 0))
        {
            return e->category;
        }
    }

    return NGX_HTTP_PRIVACY_NAME_MISS;
}


/* a cache miss: the matcher answers, and the answer is kept */

static ngx_int_t
ngx_http_privacy_category_match(ngx_http_privacy_loc_conf_t *plcf,
    const u_char *name, size_t len)
{
    int                              n;
    uint64_t                         first, last;
    ngx_http_privacy_name_cache_t   *e;

    n = privacy_match_category(&plcf->categories->matcher, name, len);

    if (n == PRIVACY_MATCH_ERROR) {
        /* not kept: the next request tries the expression again */
        ngx_http_privacy_match_errors++;
        return -1;
    }

    if (len <= NGX_HTTP_PRIVACY_NAME_MAX) {
        first = ngx_http_privacy_name_load(name, len, &last);
        e = &ngx_http_privacy_name_categories[
                                ngx_http_privacy_name_key(first, last, len)];

        e->categories = plcf->categories;
        e->first = first;
        e->last = last;
        e->len = len;
        ngx_memcpy(e->name, name, len);
        e->category = n >= 0 ? n : -1;
    }

    return n >= 0 ? n : -1;
}


/*
 * Request side: cookies of categories the visitor has not granted leave
 * the Cookie headers before the application sees them; a header left empty
 * goes.  Runs once per main request, whatever internal redirects follow.
 *
 * Each header is parsed once, and each name looked up once: the pairs and
 * their categories give the consent token (when the decision is still to
 * be read) and then their verdicts, and the pairs kept are joined again
 * only when a cookie was blocked.
 */

ngx_int_t
ngx_http_privacy_request_cookies(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_uint_t                    n, read;
    ngx_table_elt_t              *h;
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_loc_conf_t  *plcf;

    if (r != r->main) {
        return NGX_OK;
    }

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (ctx->request_filtered) {
        return NGX_OK;
    }

    ctx->request_filtered = 1;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    read = (ngx_http_privacy_decision_start(r, plcf, ctx) == NGX_OK);

    if (read && ngx_http_privacy_cookie_header(r, 1) != NULL) {
        /* a token in a later header decides for the earlier ones too */
        ngx_http_privacy_decision_cookies(r, plcf, ctx);
        read = 0;
    }

    for (n = 0; (h = ngx_http_privacy_cookie_header(r, n)); /* void */ ) {

        rc = ngx_http_privacy_filter_header(r, plcf, ctx, h, &read);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_OK) {
            n++;
        }

        /* NGX_DONE: the header went, the next one is the n-th now */
    }

    ctx->request_blocked = ctx->nblocked;
    ctx->filtered_by = plcf;

    if (ctx->request_changed) {
        ngx_http_privacy_cookie_variables_flush(r);
    }

    return NGX_OK;
}


/*
 * The values of $http_cookie and $cookie_NAME that nginx keeps from a read
 * before the Cookie headers changed are forgotten: the next read computes
 * them again from the headers as they are now, for the location, the
 * upstream request and the access log alike.  The value a "set" or a "map"
 * made of them stays theirs.
 */

static void
ngx_http_privacy_cookie_variables_flush(ngx_http_request_t *r)
{
    ngx_uint_t                     i, *index;
    ngx_http_variable_value_t     *v;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    index = pmcf->cookie_variables->elts;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy cookie variables forgotten: %ui",
                   pmcf->cookie_variables->nelts);

    for (i = 0; i < pmcf->cookie_variables->nelts; i++) {
        v = &r->variables[index[i]];

        v->valid = 0;
        v->not_found = 0;
    }
}


/*
 * One Cookie header: its pairs and their categories, the consent token
 * among them while *read, then the verdicts: NGX_OK when the header stays,
 * NGX_DONE when it went, as ngx_http_privacy_filter_cookies().
 *
 * A browser sends its Cookie header again with every request, and the
 * browsers of a site's visitors send the same names in the same order,
 * with values of one length more often than not.  The pairs and
 * categories of a header's shape (privacy_cookie.h) are kept per worker,
 * and with them the verdicts for the last location and grant they were
 * made for: a header of a shape kept is not parsed, its names are not
 * looked up, and for the same grant no verdict is made again.
 */

static ngx_int_t
ngx_http_privacy_filter_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, ngx_uint_t *read)
{
    ngx_int_t                 *categories;
    ngx_uint_t                 i, np, max, consent;
    privacy_cookie_t          *pairs;
    ngx_http_privacy_shape_t  *s;
    privacy_cookie_t           stack[NGX_HTTP_PRIVACY_PAIRS];
    ngx_int_t                  stack_categories[NGX_HTTP_PRIVACY_PAIRS];

    pairs = stack;
    categories = stack_categories;

    s = ngx_http_privacy_shape_slot(h);

    if (s && ngx_http_privacy_shape_known(r, s, plcf, h)) {

        if (*read && s->consent) {
            ngx_http_privacy_shape_token(r, plcf, ctx, s, h);
        }

        *read = 0;

        if (s->verdicts_for == plcf && s->granted == ctx->granted) {
            return ngx_http_privacy_shape_verdicts(r, plcf, ctx, h, s);
        }

        np = privacy_cookie_shape_pairs(&s->shape, h->value.data, pairs);

        for (i = 0; i < np; i++) {
            categories[i] = s->category[i];
        }

    } else {

        max = NGX_HTTP_PRIVACY_PAIRS;

        for ( ;; ) {
            np = ngx_http_privacy_parse_cookies(r, plcf, h, pairs, categories,
                                                max, &consent, &s);
            if (np <= max) {
                break;
            }

            /* more pairs than the stack holds, and than a shape does */

            pairs = ngx_palloc(r->pool, np * (sizeof(privacy_cookie_t)
                                              + sizeof(ngx_int_t)));
            if (pairs == NULL) {
                return NGX_ERROR;
            }

            categories = (ngx_int_t *) &pairs[np];
            max = np;
        }

        for (i = 0; *read && consent && i < np; i++) {
            if (categories[i] == NGX_HTTP_PRIVACY_NAME_CONSENT
                && ngx_http_privacy_decision_token(r, plcf, ctx, &pairs[i]))
            {
                *read = 0;
            }
        }

        *read = 0;
    }

    return ngx_http_privacy_filter_cookies(r, plcf, ctx, h, pairs,
                                           categories, np, s);
}


/*
 * The pairs of a Cookie header into pairs[] and their categories into
 * categories[], at most max of them; returns how many there are, more than
 * max when they did not all fit.  *consent: a consent cookie is one of
 * them.  *slot, when not NULL, is where the header's shape goes when it is
 * worth keeping; it is NULL after the call when the shape was not kept.
 */

static ngx_uint_t
ngx_http_privacy_parse_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_table_elt_t *h,
    privacy_cookie_t *pairs, ngx_int_t *categories, ngx_uint_t max,
    ngx_uint_t *consent, ngx_http_privacy_shape_t **slot)
{
    uint64_t    print;
    ngx_int_t   category;
    ngx_uint_t  n, i, seen, errors;

    errors = ngx_http_privacy_match_errors;

    n = privacy_cookie_parse(h->value.data, h->value.len, pairs, max);

    if (n > max) {
        *slot = NULL;
        return n;
    }

    seen = 0;

    for (i = 0; i < n; i++) {
        category = ngx_http_privacy_name_category(plcf, pairs[i].name,
                                                  pairs[i].name_len);
        categories[i] = category;
        seen |= (category == NGX_HTTP_PRIVACY_NAME_CONSENT);
    }

    *consent = seen;

    if (*slot == NULL
        || errors != ngx_http_privacy_match_errors
        || !privacy_cookie_shape_worth(h->value.len, n))
    {
        *slot = NULL;
        return n;
    }

    /*
     * A shape is kept the second time its print comes: one seen once, as
     * most are where many visitors come and go, costs its print only, and
     * a shape kept stays until another comes twice.
     */

    print = privacy_cookie_shape_print(h->value.data, h->value.len, pairs, n);

    if ((*slot)->seen != print) {
        (*slot)->seen = print;
        *slot = NULL;

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy cookie header shape seen, %ui pairs", n);

        return n;
    }

    if (!ngx_http_privacy_shape_keep(r, *slot, plcf, h, pairs, categories, n,
                                     seen))
    {
        *slot = NULL;
    }

    return n;
}


/* where the shape of a Cookie header is kept, NULL when it never is */

static ngx_http_privacy_shape_t *
ngx_http_privacy_shape_slot(ngx_table_elt_t *h)
{
    if (h->value.len > PRIVACY_COOKIE_SHAPE_LEN) {
        return NULL;
    }

    return &ngx_http_privacy_shapes[
               privacy_cookie_shape_key(h->value.data, h->value.len)
               % NGX_HTTP_PRIVACY_SHAPES];
}


/* 1 when s keeps the shape of h, for the categories of plcf */

static ngx_uint_t
ngx_http_privacy_shape_known(ngx_http_request_t *r,
    ngx_http_privacy_shape_t *s, ngx_http_privacy_loc_conf_t *plcf,
    ngx_table_elt_t *h)
{
    if (!s->valid
        || s->categories != plcf->categories
        || s->consent_name != plcf->cookie.name.data
        || !privacy_cookie_shape_same(&s->shape, h->value.data, h->value.len))
    {
        return 0;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy cookie header of a known shape, %ui pairs",
                   (ngx_uint_t) s->shape.npairs);

    return 1;
}


/* keeps the shape of a Cookie header and its categories in s */

static ngx_uint_t
ngx_http_privacy_shape_keep(ngx_http_request_t *r,
    ngx_http_privacy_shape_t *s, ngx_http_privacy_loc_conf_t *plcf,
    ngx_table_elt_t *h, privacy_cookie_t *pairs, ngx_int_t *categories,
    ngx_uint_t n, ngx_uint_t consent)
{
    ngx_uint_t  i;

    /* the slot's shape goes first: a shape half written is no shape */
    s->valid = 0;

    if (!privacy_cookie_shape_keep(&s->shape, h->value.data, h->value.len,
                                   pairs, n))
    {
        return 0;
    }

    for (i = 0; i < n; i++) {
        s->category[i] = (signed char) categories[i];
    }

    s->categories = plcf->categories;
    s->consent_name = plcf->cookie.name.data;
    s->consent = consent;
    s->verdicts_for = NULL;
    s->valid = 1;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy cookie header shape kept, %ui pairs", n);

    return 1;
}


/* the consent cookies of a header of a shape kept, until one decides */

static void
ngx_http_privacy_shape_token(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_http_privacy_shape_t *s, ngx_table_elt_t *h)
{
    ngx_uint_t        i;
    privacy_cookie_t  pair;

    for (i = 0; i < s->shape.npairs; i++) {
        if (s->category[i] != NGX_HTTP_PRIVACY_NAME_CONSENT) {
            continue;
        }

        privacy_cookie_shape_pair(&s->shape, h->value.data, i, &pair);

        if (ngx_http_privacy_decision_token(r, plcf, ctx, &pair)) {
            return;
        }
    }
}


/*
 * The verdicts kept with a shape, for the location and grant they were
 * made for, as ngx_http_privacy_filter_cookies() made them: the same
 * names blocked, counted and recorded, and the same header left.
 */

static ngx_int_t
ngx_http_privacy_shape_verdicts(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, ngx_http_privacy_shape_t *s)
{
    ngx_int_t                  category;
    ngx_uint_t                 i, report, bulk;
    privacy_cookie_offsets_t  *o;

    report = (plcf->mode == NGX_HTTP_PRIVACY_MODE_REPORT);

    /*
     * names no other header blocked before, and each blocked once in this
     * one: recorded at once, with no search for them among the others
     */
    bulk = (ctx->nblocked == 0 && s->distinct
            && ngx_http_privacy_blocked_room(r, ctx, s->nblocked) == NGX_OK);

    for (i = 0; i < s->nblocked; i++) {
        o = &s->shape.pairs[s->blocked[i]];
        category = s->category[s->blocked[i]];

        ngx_http_privacy_metric_blocked(plcf->categories, category,
                                        NGX_HTTP_PRIVACY_DIR_REQUEST);

        if (bulk) {
            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "privacy blocked cookie \"%*s\"",
                           (size_t) o->name_len, h->value.data + o->start);

            ngx_http_privacy_blocked_add(ctx, h->value.data + o->start,
                                         o->name_len, category);
            continue;
        }

        if (ngx_http_privacy_block(r, ctx, h->value.data + o->start,
                                   o->name_len, category)
            != NGX_OK
            && report)
        {
            break;
        }
    }

    if (s->nblocked == 0 || report) {
        return NGX_OK;
    }

    return ngx_http_privacy_cookies_kept(r, ctx, h,
                                         h->value.data + s->kept_start,
                                         s->kept_end - s->kept_start);
}


/*
 * Blocks the cookies of one Cookie header, parsed into pairs[]: NGX_OK when
 * the header stays (changed or not), NGX_DONE when it went, being left
 * empty.  Report mode records and counts the names and changes nothing.
 * With s, the header's shape kept, the verdicts are kept there too, unless
 * the pairs kept must be joined or a name could not be recorded.
 */

static ngx_int_t
ngx_http_privacy_filter_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, privacy_cookie_t *pairs, ngx_int_t *categories,
    ngx_uint_t n, ngx_http_privacy_shape_t *s)
{
    u_char      *out;
    size_t       len;
    uint32_t     granted;
    ngx_uint_t   i, kept, blocked, report, recorded;

    report = (plcf->mode == NGX_HTTP_PRIVACY_MODE_REPORT);
    granted = ctx->granted;
    kept = 0;
    blocked = 0;
    recorded = ctx->nblocked;

    if (s) {
        s->verdicts_for = NULL;
        s->granted = granted;
    }

    for (i = 0; i < n; i++) {

        if (ngx_http_privacy_allowed(plcf, granted, categories[i])) {
            if (kept != i) {
                pairs[kept] = pairs[i];
            }

            kept++;
            continue;
        }

        if (s) {
            s->blocked[blocked] = (uint8_t) i;
        }

        blocked++;

        ngx_http_privacy_metric_blocked(plcf->categories, categories[i],
                                        NGX_HTTP_PRIVACY_DIR_REQUEST);

        if (ngx_http_privacy_block(r, ctx, pairs[i].name, pairs[i].name_len,
                                   categories[i])
            != NGX_OK)
        {
            /* out of memory: report mode stops looking, enforcing drops
             * the cookie unrecorded rather than let it through */
            s = NULL;

            if (report) {
                break;
            }

            continue;
        }

        if (report) {
            kept++;
        }
    }

    if (s) {
        s->nblocked = blocked;
        /* each a name recorded anew: none is blocked twice */
        s->distinct = (ctx->nblocked - recorded == blocked);
        s->kept_start = 0;
        s->kept_end = 0;
        s->verdicts_for = plcf;
    }

    if (blocked == 0 || report) {
        return NGX_OK;
    }

    if (kept == 0) {
        return ngx_http_privacy_cookies_kept(r, ctx, h, NULL, 0);
    }

    len = privacy_cookie_slice(pairs, kept);

    if (len) {
        /* the pairs kept are one run of the header: no copy */
        out = (u_char *) pairs[0].start;

        if (s) {
            s->kept_start = (uint16_t) (out - h->value.data);
            s->kept_end = (uint16_t) (s->kept_start + len);
        }

    } else {
        /* pairs to join are no run to keep: no verdicts for the shape */
        if (s) {
            s->verdicts_for = NULL;
        }

        out = ngx_pnalloc(r->pool, h->value.len);
        if (out == NULL) {
            return NGX_ERROR;
        }

        len = privacy_cookie_join(pairs, kept, h->value.len, out);
    }

    return ngx_http_privacy_cookies_kept(r, ctx, h, out, len);
}


/* the header h with the bytes kept of it, NGX_DONE when none is */

static ngx_int_t
ngx_http_privacy_cookies_kept(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, ngx_table_elt_t *h, u_char *data,
    size_t len)
{
    ctx->request_changed = 1;

    if (len) {
        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy cookie header \"%V\" -> \"%*s\"",
                       &h->value, len, data);

        h->value.data = data;
        h->value.len = len;

        return NGX_OK;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy cookie header \"%V\" removed", &h->value);

    if (ngx_http_privacy_remove_header_elt(r, h) != NGX_OK) {
        return NGX_ERROR;
    }

    return NGX_DONE;
}


/*
 * The first of the N blocked names that is NAME.  The length, the first
 * byte and the last are compared before the rest, which tells most names
 * apart; the rest of a short name is compared in place.
 */

static ngx_inline ngx_http_privacy_blocked_t *
ngx_http_privacy_blocked_find(ngx_http_privacy_ctx_t *ctx, ngx_uint_t n,
    const u_char *name, size_t len)
{
    size_t                       k;
    ngx_uint_t                   i;
    const u_char                *b;
    ngx_http_privacy_blocked_t  *e;

    e = ctx->blocked;

    for (i = 0; i < n; i++) {

        if (e[i].name.len != len) {
            continue;
        }

        if (len == 0) {
            return &e[i];
        }

        b = e[i].name.data;

        if (b[0] != name[0] || b[len - 1] != name[len - 1]) {
            continue;
        }

        if (len > 16) {
            if (ngx_memcmp(b, name, len) == 0) {
                return &e[i];
            }

            continue;
        }

        for (k = 1; k < len - 1 && b[k] == name[k]; k++) {
            /* void */
        }

        if (k >= len - 1) {
            return &e[i];
        }
    }

    return NULL;
}


/*
 * Records a blocked cookie name once, for $privacy_blocked and expiry.
 */

static ngx_int_t
ngx_http_privacy_block(ngx_http_request_t *r, ngx_http_privacy_ctx_t *ctx,
    const u_char *name, size_t len, ngx_int_t category)
{
    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy blocked cookie \"%*s\"", len, name);

    if (ngx_http_privacy_blocked_find(ctx, ctx->nblocked, name, len)) {
        return NGX_OK;
    }

    if (ctx->nblocked == ctx->blocked_room
        && ngx_http_privacy_blocked_room(r, ctx, 1) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_http_privacy_blocked_add(ctx, name, len, category);

    return NGX_OK;
}


/*
 * Room for n more blocked names, from the pool, made at the first one and
 * twice as large each time it is full.
 */

static ngx_int_t
ngx_http_privacy_blocked_room(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, ngx_uint_t n)
{
    ngx_uint_t                   room;
    ngx_http_privacy_blocked_t  *b;

    if (ctx->nblocked + n <= ctx->blocked_room) {
        return NGX_OK;
    }

    room = ctx->blocked_room ? ctx->blocked_room : NGX_HTTP_PRIVACY_BLOCKED;

    while (room < ctx->nblocked + n) {
        room *= 2;
    }

    b = ngx_palloc(r->main->pool, room * sizeof(ngx_http_privacy_blocked_t));
    if (b == NULL) {
        return NGX_ERROR;
    }

    if (ctx->nblocked) {
        ngx_memcpy(b, ctx->blocked,
                   ctx->nblocked * sizeof(ngx_http_privacy_blocked_t));
    }

    ctx->blocked = b;
    ctx->blocked_room = room;

    return NGX_OK;
}


/* a blocked name, in the room made for it */

static ngx_inline void
ngx_http_privacy_blocked_add(ngx_http_privacy_ctx_t *ctx, const u_char *name,
    size_t len, ngx_int_t category)
{
    ngx_http_privacy_blocked_t  *b;

    b = &ctx->blocked[ctx->nblocked++];

    b->name.data = (u_char *) name;
    b->name.len = len;
    b->category = category;
    b->set_cookie = NULL;
}


/*
 * Response side: Set-Cookie headers of categories not granted go, whoever
 * set them; essential categories pass.  The consent cookie passes when the
 * module set it (its headers are known by their key's address, not by
 * their content) and goes in any mode when anyone else did.  Then the
 * blocked cookies the browser sent are expired.
 */

ngx_int_t
ngx_http_privacy_response_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    size_t                       len;
    ngx_int_t                    category;
    ngx_uint_t                   i, expire, known;
    const u_char                *name;
    ngx_list_part_t             *part;
    ngx_table_elt_t             *h;
    ngx_http_privacy_blocked_t  *b;

    /* the request side ran in the rewrite phase, unless the request was
     * finalized earlier (a 400 or a redirect in server rewrites) */
    if (!ctx->request_filtered
        && ngx_http_privacy_request_cookies(r) != NGX_OK)
    {
        return NGX_ERROR;
    }

    expire = ctx->request_blocked
             && !ctx->expired_sent
             && !ctx->tk_resource
             && !ctx->shared
             && plcf->expire_blocked
             && plcf->mode == NGX_HTTP_PRIVACY_MODE_ENFORCE;

    /* the same location blocked the request's names: no need to ask again
     * when the application sets one of them */
    known = (ctx->filtered_by == plcf) ? ctx->request_blocked : 0;

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != sizeof("Set-Cookie") - 1
            || h[i].hash == 0
            || !ngx_http_privacy_is_set_cookie(&h[i]))
        {
            continue;
        }

        /* the module's own: the consent cookie and expiring ones */
        if (h[i].key.data == ngx_http_privacy_set_cookie_key.data) {
            continue;
        }

        if (ctx->tk_resource || ctx->shared) {
            /* the tracking status resource never sets a cookie, and an
             * answer a shared cache keeps for everyone must not */
            h[i].hash = 0;
            continue;
        }

        if (!privacy_set_cookie_name(h[i].value.data, h[i].value.len,
                                     &name, &len))
        {
            /*
             * no name and no value: browsers ignore it, or some parse it
             * their own way; here it is a nameless cookie like another
             * (an empty value's data may be NULL)
             */
            name = (const u_char *) "";
            len = 0;
        }

        b = ngx_http_privacy_blocked_find(ctx, known, name, len);

        if (b) {
            category = b->category;

        } else {
            category = ngx_http_privacy_name_category(plcf, name, len);

            if (category == NGX_HTTP_PRIVACY_NAME_CONSENT) {
                /*
                 * only the module sets the consent cookie: whoever else
                 * does would decide for the visitor, with no record
                 */
                ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                              "privacy removed a Set-Cookie of the consent "
                              "cookie \"%V\" that the module did not set",
                              &plcf->cookie.name);

                h[i].hash = 0;
                continue;
            }

            if (ngx_http_privacy_allowed(plcf, ctx->granted, category)) {
                continue;
            }

            if (ngx_http_privacy_block(r, ctx, name, len, category)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        ngx_http_privacy_metric_blocked(plcf->categories, category,
                                        NGX_HTTP_PRIVACY_DIR_RESPONSE);

        if (plcf->mode != NGX_HTTP_PRIVACY_MODE_ENFORCE) {
            continue;
        }

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy removed \"Set-Cookie: %V\"", &h[i].value);

        if (b && expire && len && b->set_cookie == NULL) {
            /*
             * the browser holds it: this header becomes its expiry; a
             * nameless cookie has none (see expire_cookies()), its header
             * goes like the others
             */
            b->set_cookie = &h[i];
            h[i].key = ngx_http_privacy_set_cookie_key;
            continue;
        }

        h[i].hash = 0;
    }

    if (!expire) {
        return NGX_OK;
    }

    ctx->expired_sent = 1;

    return ngx_http_privacy_expire_cookies(r, plcf, ctx->blocked,
                                           ctx->request_blocked);
}


/*
 * "Set-Cookie", ASCII case-insensitive as ngx_strncasecmp() compares: a
 * letter ORed with 0x20 is the lowercase letter only when it was that
 * letter in either case; the '-' is compared as it is.  The first eight
 * bytes are one word, whatever the byte order: the constants are loaded
 * the same way.  The caller checked the length.
 */

static ngx_uint_t
ngx_http_privacy_is_set_cookie(ngx_table_elt_t *h)
{
    u_char    *k;
    uint64_t   word, lower, expect;

    static const u_char  mask[8] = { 0x20, 0x20, 0x20, 0, 0x20, 0x20, 0x20,
                                     0x20 };

    k = h->key.data;

    ngx_memcpy(&word, k, 8);
    ngx_memcpy(&lower, mask, 8);
    ngx_memcpy(&expect, "set-cook", 8);

    return (word | lower) == expect
           && (k[8] | 0x20) == 'i' && (k[9] | 0x20) == 'e';
}


/*
 * Deletes cookies the browser holds: once host-only and once per
 * privacy_cookie_domains entry, since a cookie set for a parent domain is
 * only deleted with the same Domain attribute.
 */

ngx_int_t
ngx_http_privacy_expire_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_blocked_t *names,
    ngx_uint_t n)
{
    u_char           *p, *buf;
    size_t            len, total;
    ngx_str_t        *name, *domain, *suffix;
    ngx_uint_t        i, d, ndomains, prefixed, expired;
    ngx_table_elt_t  *h;

    domain = plcf->cookie_domains ? plcf->cookie_domains->elts : NULL;
    ndomains = plcf->cookie_domains ? plcf->cookie_domains->nelts : 0;
    suffix = plcf->expire_suffix;

    /* one buffer for the names without a prefix, the most of them */

    total = 0;

    for (i = 0; i < n; i++) {
        name = &names[i].name;

        if (name->len
            && !privacy_cookie_expire_prefixed(name->data, name->len))
        {
            for (d = 0; d <= ndomains; d++) {
                total += name->len + suffix[d].len;
            }
        }
    }

    buf = NULL;

    if (total) {
        buf = ngx_pnalloc(r->pool, total);
        if (buf == NULL) {
            return NGX_ERROR;
        }
    }

    expired = 0;

    for (i = 0; i < n; i++) {

        name = &names[i].name;

        if (name->len == 0) {
            /* a nameless cookie cannot be addressed by a Set-Cookie */
            continue;
        }

        prefixed = privacy_cookie_expire_prefixed(name->data, name->len);

        for (d = 0; d <= ndomains; d++) {

            if (!prefixed) {
                /* the name and the location's suffix for the domain */
                p = buf;
                buf = ngx_cpymem(buf, name->data, name->len);
                buf = ngx_cpymem(buf, suffix[d].data, suffix[d].len);
                len = buf - p;

            } else if (d == 0) {
                len = privacy_cookie_expire_len(name->data, name->len,
                                                NULL, 0);

                p = ngx_pnalloc(r->pool, len);
                if (p == NULL) {
                    return NGX_ERROR;
                }

                (void) privacy_cookie_expire(p, name->data, name->len,
                                             NULL, 0);

            } else {
                len = privacy_cookie_expire_len(name->data, name->len,
                                                domain[d - 1].data,
                                                domain[d - 1].len);

                p = ngx_pnalloc(r->pool, len);
                if (p == NULL) {
                    return NGX_ERROR;
                }

                (void) privacy_cookie_expire(p, name->data, name->len,
                                             domain[d - 1].data,
                                             domain[d - 1].len);
            }

            h = (d == 0) ? names[i].set_cookie : NULL;

            if (h) {
                /* a Set-Cookie of the application, blocked, in its place */
                h->value.data = p;
                h->value.len = len;
                continue;
            }

            if (ngx_http_privacy_add_set_cookie(r, p, len) != NGX_OK) {
                return NGX_ERROR;
            }
        }

        expired++;
    }

    ngx_http_privacy_metric_expired(expired);

    return NGX_OK;
}


/*
 * What follows the name of an expiring Set-Cookie, host-only first and
 * then per privacy_cookie_domains entry: the same for every request of a
 * location, made once.  A location with the domains of its parent shares
 * its suffixes.
 */

ngx_int_t
ngx_http_privacy_expire_suffixes(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf)
{
    u_char      *p;
    size_t       len;
    ngx_str_t   *domain, *suffix;
    ngx_uint_t   d, ndomains;

    if (prev->expire_suffix && prev->cookie_domains == conf->cookie_domains) {
        conf->expire_suffix = prev->expire_suffix;
        return NGX_OK;
    }

    domain = conf->cookie_domains ? conf->cookie_domains->elts : NULL;
    ndomains = conf->cookie_domains ? conf->cookie_domains->nelts : 0;

    suffix = ngx_palloc(cf->pool, (ndomains + 1) * sizeof(ngx_str_t));
    if (suffix == NULL) {
        return NGX_ERROR;
    }

    for (d = 0; d <= ndomains; d++) {
        len = privacy_cookie_expire_suffix_len(d ? domain[d - 1].len : 0);

        p = ngx_pnalloc(cf->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        if (d == 0) {
            (void) privacy_cookie_expire_suffix(p, NULL, 0);

        } else {
            (void) privacy_cookie_expire_suffix(p, domain[d - 1].data,
                                                domain[d - 1].len);
        }

        suffix[d].data = p;
        suffix[d].len = len;
    }

    conf->expire_suffix = suffix;

    return NGX_OK;
}


static ngx_inline ngx_int_t
ngx_http_privacy_add_set_cookie(ngx_http_request_t *r, u_char *data,
    size_t len)
{
    ngx_str_t  value;

    value.data = data;
    value.len = len;

    return ngx_http_privacy_add_header(r, &ngx_http_privacy_set_cookie_key,
                                       &value);
}


/* the consent cookie, sized first and then filled, HttpOnly always */

ngx_int_t
ngx_http_privacy_set_cookie(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *value, time_t max_age)
{
    u_char                          *p, *start;
    size_t                           len;
    ngx_uint_t                       secure;
    ngx_http_privacy_cookie_conf_t  *cc;

    cc = &plcf->cookie;

    secure = cc->secure;

    if (secure == NGX_HTTP_PRIVACY_SECURE_AUTO) {
#if (NGX_HTTP_SSL)
        secure = r->connection->ssl ? 1 : 0;
#else
        secure = 0;
#endif
    }

    len = cc->name.len + 1 + value->len
          + sizeof("; Max-Age=") - 1 + NGX_TIME_T_LEN
          + sizeof("; Path=") - 1 + cc->path.len
          + sizeof("; SameSite=") - 1 + cc->samesite.len
          + sizeof("; HttpOnly") - 1;

    if (cc->domain.len) {
        len += sizeof("; Domain=") - 1 + cc->domain.len;
    }

    if (secure) {
        len += sizeof("; Secure") - 1;
    }

    start = ngx_pnalloc(r->pool, len);
    if (start == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(start, cc->name.data, cc->name.len);
    *p++ = '=';
    p = ngx_cpymem(p, value->data, value->len);
    p = ngx_sprintf(p, "; Max-Age=%T", max_age);
    p = ngx_cpymem(p, "; Path=", sizeof("; Path=") - 1);
    p = ngx_cpymem(p, cc->path.data, cc->path.len);

    if (cc->domain.len) {
        p = ngx_cpymem(p, "; Domain=", sizeof("; Domain=") - 1);
        p = ngx_cpymem(p, cc->domain.data, cc->domain.len);
    }

    p = ngx_cpymem(p, "; SameSite=", sizeof("; SameSite=") - 1);
    p = ngx_cpymem(p, cc->samesite.data, cc->samesite.len);
    p = ngx_cpymem(p, "; HttpOnly", sizeof("; HttpOnly") - 1);

    if (secure) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    return ngx_http_privacy_add_set_cookie(r, start, p - start);
}


/* privacy_cookie_domains DOMAIN ...: one or several, repeatable */

char *
ngx_http_privacy_cookie_domains(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t   *value, *domain;
    ngx_uint_t   i;

    if (plcf->cookie_domains == NGX_CONF_UNSET_PTR) {
        plcf->cookie_domains = ngx_array_create(cf->pool, 2,
                                                sizeof(ngx_str_t));
        if (plcf->cookie_domains == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (value[i].len == 0
            || ngx_strlchr(value[i].data, value[i].data + value[i].len, ';')
            || ngx_strlchr(value[i].data, value[i].data + value[i].len, ' '))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid domain \"%V\" in \"%V\"",
                               &value[i], &cmd->name);
            return NGX_CONF_ERROR;
        }

        domain = ngx_array_push(plcf->cookie_domains);
        if (domain == NULL) {
            return NGX_CONF_ERROR;
        }

        *domain = value[i];
    }

    return NGX_CONF_OK;
}


/*
 * privacy_cookie name=NAME [max_age=TIME] [path=PATH] [domain=DOMAIN]
 *     [samesite=strict|lax|none] [secure=auto|on|off]
 */

char *
ngx_http_privacy_cookie(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char                          *p;
    const char                      *allowed;
    ngx_str_t                       *value, v;
    ngx_uint_t                       i;
    ngx_http_privacy_cookie_conf_t  *cc;

    cc = &plcf->cookie;

    if (cc->name.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        p = ngx_strlchr(value[i].data, value[i].data + value[i].len, '=');
        if (p == NULL) {
            allowed = "an option NAME=VALUE";
            goto invalid;
        }

        v.data = p + 1;
        v.len = value[i].data + value[i].len - v.data;

        if (ngx_strncmp(value[i].data, "name=", 5) == 0) {

            for (p = v.data; p < v.data + v.len; p++) {
                if (*p <= ' ' || *p >= 0x7f
                    || ngx_strchr("()<>@,;:\\\"/[]?={}", *p))
                {
                    allowed = "a cookie name: a token, without spaces, "
                              "separators or control bytes";
                    goto invalid;
                }
            }

            if (v.len == 0) {
                allowed = "a cookie name: a token, without spaces, "
                          "separators or control bytes";
                goto invalid;
            }

            cc->name = v;

        } else if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            cc->max_age = ngx_parse_time(&v, 1);
            if (cc->max_age == (time_t) NGX_ERROR || cc->max_age == 0) {
                allowed = "a time above 0, such as \"1y\" or \"180d\"";
                goto invalid;
            }

        } else if (ngx_strncmp(value[i].data, "path=", 5) == 0) {
            if (v.len == 0 || v.data[0] != '/'
                || ngx_strlchr(v.data, v.data + v.len, ';'))
            {
                allowed = "a path that starts with \"/\" and has no \";\"";
                goto invalid;
            }

            cc->path = v;

        } else if (ngx_strncmp(value[i].data, "domain=", 7) == 0) {
            if (v.len == 0 || ngx_strlchr(v.data, v.data + v.len, ';')) {
                allowed = "a domain without \";\"";
                goto invalid;
            }

            cc->domain = v;

        } else if (ngx_strncmp(value[i].data, "samesite=", 9) == 0) {
            if (v.len == 6 && ngx_strncasecmp(v.data, (u_char *) "strict", 6)
                              == 0)
            {
                ngx_str_set(&cc->samesite, "Strict");

            } else if (v.len == 3
                       && ngx_strncasecmp(v.data, (u_char *) "lax", 3) == 0)
            {
                ngx_str_set(&cc->samesite, "Lax");

            } else if (v.len == 4
                       && ngx_strncasecmp(v.data, (u_char *) "none", 4) == 0)
            {
                ngx_str_set(&cc->samesite, "None");

            } else {
                allowed = "\"strict\", \"lax\" or \"none\"";
                goto invalid;
            }

        } else if (ngx_strncmp(value[i].data, "secure=", 7) == 0) {
            if (v.len == 4 && ngx_strncmp(v.data, "auto", 4) == 0) {
                cc->secure = NGX_HTTP_PRIVACY_SECURE_AUTO;

            } else if (v.len == 2 && ngx_strncmp(v.data, "on", 2) == 0) {
                cc->secure = 1;

            } else if (v.len == 3 && ngx_strncmp(v.data, "off", 3) == 0) {
                cc->secure = 0;

            } else {
                allowed = "\"auto\", \"on\" or \"off\"";
                goto invalid;
            }

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown option \"%V\" in \"%V\", expected "
                               "name=, max_age=, path=, domain=, samesite= "
                               "or secure=", &value[i], &cmd->name);
            return NGX_CONF_ERROR;
        }
    }

    if (cc->name.data == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" needs name=NAME", &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (cc->samesite.len == 4 && cc->secure == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": samesite=none needs secure=on or "
                           "secure=auto, browsers drop it otherwise",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"%V\" directive, "
                       "it must be %s", &value[i], &cmd->name, allowed);

    return NGX_CONF_ERROR;
}
