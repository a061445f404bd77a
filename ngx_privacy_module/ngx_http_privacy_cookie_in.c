
/*
 * The Cookie headers the application receives: cookies of categories the
 * visitor has not granted leave them, a header left empty goes, and the
 * values nginx computed from them before are forgotten.  Parsing is the
 * core's (privacy_cookie.c), the verdicts ngx_http_privacy_category.c's.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_category.h"
#include "ngx_http_privacy_cookie_in.h"


/* the pairs of a Cookie header the stack holds; more go to the pool */
#define NGX_HTTP_PRIVACY_PAIRS  32


static ngx_int_t ngx_http_privacy_filter_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h);
static ngx_int_t ngx_http_privacy_filter_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, privacy_cookie_t *pairs, ngx_uint_t n);
static void ngx_http_privacy_cookie_variables_flush(ngx_http_request_t *r);


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


/*
 * Filters every Cookie header of the main request, once, whatever internal
 * redirects follow, with the decision ctx holds already.  A header left
 * empty goes: out of r->headers_in.headers (see
 * ngx_http_privacy_remove_header()) and out of the Cookie headers nginx
 * keeps for $http_cookie and $cookie_NAME (a chain since 1.23.0, an array
 * of pointers before).
 */

ngx_int_t
ngx_http_privacy_request_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    ngx_int_t          rc;
#if (nginx_version >= 1023000)
    ngx_table_elt_t   *h, **hp;
#else
    ngx_uint_t         i, k, n;
    ngx_table_elt_t  **hp;
#endif

    if (ctx->request_filtered) {
        return NGX_OK;
    }

    ctx->request_filtered = 1;
    rc = NGX_OK;

#if (nginx_version >= 1023000)

    for (hp = &r->headers_in.cookie; *hp; /* void */ ) {
        h = *hp;

        rc = ngx_http_privacy_filter_header(r, plcf, ctx, h);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_DONE) {
            *hp = h->next;

            if (ngx_http_privacy_remove_header(r, h) != NGX_OK) {
                return NGX_ERROR;
            }

            continue;
        }

        hp = &h->next;
    }

#else

    hp = r->headers_in.cookies.elts;
    n = r->headers_in.cookies.nelts;

    /* the headers kept move down over the ones gone */

    for (i = 0, k = 0; i < n; i++) {

        if (rc != NGX_ERROR) {
            rc = ngx_http_privacy_filter_header(r, plcf, ctx, hp[i]);

            if (rc == NGX_DONE) {
                rc = ngx_http_privacy_remove_header(r, hp[i]);
                continue;
            }
        }

        hp[k++] = hp[i];
    }

    r->headers_in.cookies.nelts = k;

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

#endif

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
 * One Cookie header: NGX_OK when it stays (changed or not), NGX_DONE when
 * it is to go, being left empty.  Its pairs are parsed into the stack, or
 * into the pool when there are more.
 */

static ngx_int_t
ngx_http_privacy_filter_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h)
{
    ngx_uint_t         n;
    privacy_cookie_t  *pairs;
    privacy_cookie_t   stack[NGX_HTTP_PRIVACY_PAIRS];

    pairs = stack;

    n = privacy_cookie_parse(h->value.data, h->value.len, pairs,
                             NGX_HTTP_PRIVACY_PAIRS);

    if (n > NGX_HTTP_PRIVACY_PAIRS) {
        pairs = ngx_palloc(r->pool, n * sizeof(privacy_cookie_t));
        if (pairs == NULL) {
            return NGX_ERROR;
        }

        (void) privacy_cookie_parse(h->value.data, h->value.len, pairs, n);
    }

    return ngx_http_privacy_filter_cookies(r, plcf, ctx, h, pairs, n);
}


/*
 * Blocks the cookies of one Cookie header, parsed into pairs[]: NGX_OK when
 * the header stays, NGX_DONE when it is to go.  The pairs kept stay in the
 * header as they are when they are one run of it, as browsers send them,
 * and are joined into a copy otherwise.  Report mode records and counts
 * the names and changes nothing.
 */

static ngx_int_t
ngx_http_privacy_filter_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_table_elt_t *h, privacy_cookie_t *pairs, ngx_uint_t n)
{
    u_char      *out;
    size_t       len;
    uint32_t     granted;
    ngx_int_t    category;
    ngx_uint_t   i, kept, blocked, report;

    report = (plcf->mode == NGX_HTTP_PRIVACY_MODE_REPORT);
    granted = ctx->granted;
    kept = 0;
    blocked = 0;

    for (i = 0; i < n; i++) {

        category = ngx_http_privacy_name_lookup(plcf, pairs[i].name,
                                                pairs[i].name_len);

        if (ngx_http_privacy_allowed(plcf, granted, category)) {
            if (kept != i) {
                pairs[kept] = pairs[i];
            }

            kept++;
            continue;
        }

        blocked++;

        ngx_http_privacy_metric_blocked(plcf->categories, category,
                                        NGX_HTTP_PRIVACY_DIR_REQUEST);

        if (ngx_http_privacy_block(r, ctx, pairs[i].name, pairs[i].name_len,
                                   category)
            != NGX_OK)
        {
            /* out of memory: report mode stops looking, enforcing drops
             * the cookie unrecorded rather than let it through */
            if (report) {
                break;
            }

            continue;
        }

        if (report) {
            kept++;
        }
    }

    if (blocked == 0 || report) {
        return NGX_OK;
    }

    ctx->request_changed = 1;

    if (kept == 0) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy cookie header \"%V\" removed", &h->value);

        return NGX_DONE;
    }

    len = privacy_cookie_slice(pairs, kept);

    if (len) {
        /* the pairs kept are one run of the header: no copy */
        out = (u_char *) pairs[0].start;

    } else {
        out = ngx_pnalloc(r->pool, h->value.len);
        if (out == NULL) {
            return NGX_ERROR;
        }

        len = privacy_cookie_join(pairs, kept, h->value.len, out);
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy cookie header \"%V\" -> \"%*s\"",
                   &h->value, len, out);

    h->value.data = out;
    h->value.len = len;

    return NGX_OK;
}
