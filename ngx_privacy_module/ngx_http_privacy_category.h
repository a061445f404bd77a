
/*
 * ngx_http_privacy_module: cookie categories, the verdict on a cookie name
 * and the names blocked in a request (ngx_http_privacy_category.c).
 */


#ifndef _NGX_HTTP_PRIVACY_CATEGORY_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CATEGORY_H_INCLUDED_


#include "ngx_http_privacy.h"


/* the category of the consent cookie, which always passes */
#define NGX_HTTP_PRIVACY_CONSENT_COOKIE  -2


char *ngx_http_privacy_category(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_categories_finalize(ngx_conf_t *cf,
    ngx_http_privacy_categories_t *cats);
ngx_int_t ngx_http_privacy_name_category(ngx_http_privacy_loc_conf_t *plcf,
    const u_char *name, size_t len);
ngx_int_t ngx_http_privacy_cookie_allowed(ngx_http_privacy_loc_conf_t *plcf,
    uint32_t granted, u_char *name, size_t len);
ngx_int_t ngx_http_privacy_block(ngx_http_request_t *r,
    ngx_http_privacy_ctx_t *ctx, const u_char *name, size_t len,
    ngx_int_t category);


#define ngx_http_privacy_may_start(cats, c)                                  \
    ((cats)->starts[(c) >> 3] & (1 << ((c) & 7)))


/*
 * ngx_http_privacy_name_category() inline, for the names of every request:
 * a name that no exact name nor literal prefix starts like, or an exact
 * name, is answered here, without a call; the consent cookie's length and
 * a miss go to the function.
 */

static ngx_inline ngx_int_t
ngx_http_privacy_name_lookup(ngx_http_privacy_loc_conf_t *plcf,
    const u_char *name, size_t len)
{
    int                             n;
    ngx_http_privacy_categories_t  *cats;

    cats = plcf->categories;

    if (cats == NULL || len == 0 || len == plcf->cookie.name.len) {
        return ngx_http_privacy_name_category(plcf, name, len);
    }

    if (!ngx_http_privacy_may_start(cats, name[0])) {
        return cats->pcre ? ngx_http_privacy_name_category(plcf, name, len)
                          : -1;
    }

    if (cats->names.slots) {
        n = privacy_names_find(&cats->names, name, len);
        if (n >= 0) {
            return n;
        }
    }

    return ngx_http_privacy_name_category(plcf, name, len);
}


/*
 * The verdict on a cookie of CATEGORY for a visitor who granted GRANTED
 * (essential categories included).  Inline: it is asked once per cookie.
 */

static ngx_inline ngx_uint_t
ngx_http_privacy_allowed(ngx_http_privacy_loc_conf_t *plcf, uint32_t granted,
    ngx_int_t category)
{
    ngx_http_privacy_categories_t  *cats;

    if (category >= 0) {
        return (granted >> category) & 1;
    }

    if (category == NGX_HTTP_PRIVACY_CONSENT_COOKIE
        || !plcf->unknown_cookies)
    {
        return 1;
    }

    /* strict mode: an unknown cookie needs every optional category */
    cats = plcf->categories;

    return cats != NULL && (granted & cats->optional) == cats->optional;
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
    const u_char                *p;
    ngx_http_privacy_blocked_t  *b;

    b = ctx->blocked;

    for (i = 0; i < n; i++) {

        if (b[i].name.len != len) {
            continue;
        }

        if (len == 0) {
            return &b[i];
        }

        p = b[i].name.data;

        if (p[0] != name[0] || p[len - 1] != name[len - 1]) {
            continue;
        }

        if (len > 16) {
            if (ngx_memcmp(p, name, len) == 0) {
                return &b[i];
            }

            continue;
        }

        for (k = 1; k + 1 < len && p[k] == name[k]; k++) {
            /* void */
        }

        if (k + 1 >= len) {
            return &b[i];
        }
    }

    return NULL;
}


#endif /* _NGX_HTTP_PRIVACY_CATEGORY_H_INCLUDED_ */
