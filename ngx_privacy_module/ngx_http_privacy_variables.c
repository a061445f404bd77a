
/*
 * ngx_http_privacy_module: the values of the module's variables
 * ($privacy_dnt, $privacy_gpc, $privacy_consent, $privacy_consent_id,
 * $privacy_blocked, $privacy_remote_addr); the registrar registers them.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_gpc.h"
#include "ngx_http_privacy_token.h"
#include "ngx_http_privacy_tk.h"
#include "ngx_http_privacy_variables.h"


static ngx_http_privacy_ctx_t *ngx_http_privacy_variable_ctx(
    ngx_http_request_t *r);


ngx_int_t
ngx_http_privacy_variable_dnt(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_int_t  dnt;

    dnt = ngx_http_privacy_dnt(r);

    if (dnt == NGX_DECLINED) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = 1;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = (u_char *) (dnt ? "1" : "0");

    return NGX_OK;
}


/* "1" when the request carries Sec-GPC: 1, empty otherwise */

ngx_int_t
ngx_http_privacy_variable_gpc(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    v->len = 0;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = (u_char *) "";

    if (ngx_http_privacy_gpc_signal(r)) {
        v->len = 1;
        v->data = (u_char *) "1";
    }

    return NGX_OK;
}


/*
 * The decision variables read the decision the way the filters do, so a
 * log line tells what the request was treated as.
 */

static ngx_http_privacy_ctx_t *
ngx_http_privacy_variable_ctx(ngx_http_request_t *r)
{
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NULL;
    }

    if (ngx_http_privacy_read_decision(r, plcf, ctx) != NGX_OK) {
        return NULL;
    }

    return ctx;
}


ngx_int_t
ngx_http_privacy_variable_consent(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                         *p;
    size_t                          len;
    ngx_uint_t                      i;
    ngx_http_privacy_ctx_t         *ctx;
    ngx_http_privacy_category_t    *cat;
    ngx_http_privacy_categories_t  *cats;

    ctx = ngx_http_privacy_variable_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    cats = ctx->decided_for;

    if (!ctx->decided || cats == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    cat = cats->categories.elts;
    len = 0;

    /* what the visitor chose: the optional categories granted */
    for (i = 0; i < cats->categories.nelts; i++) {
        if ((ctx->token.granted & cats->optional) & (1u << i)) {
            len += cat[i].name.len + 1;
        }
    }

    if (len == 0) {
        ngx_str_set(v, "none");
        v->valid = 1;
        v->no_cacheable = 0;
        v->not_found = 0;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->data = p;

    for (i = 0; i < cats->categories.nelts; i++) {
        if ((ctx->token.granted & cats->optional) & (1u << i)) {
            if (p != v->data) {
                *p++ = ',';
            }
            p = ngx_cpymem(p, cat[i].name.data, cat[i].name.len);
        }
    }

    v->len = p - v->data;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_variable_consent_id(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                  *p;
    ngx_http_privacy_ctx_t  *ctx;

    ctx = ngx_http_privacy_variable_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (!ctx->decided) {
        v->not_found = 1;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_HTTP_PRIVACY_ID_HEX_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    privacy_hex(p, ctx->token.consent_id, sizeof(ctx->token.consent_id));

    v->data = p;
    v->len = NGX_HTTP_PRIVACY_ID_HEX_LEN;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_variable_blocked(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                      *p;
    size_t                       len;
    ngx_uint_t                   i;
    ngx_http_privacy_ctx_t      *ctx;
    ngx_http_privacy_blocked_t  *name;

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (ctx->nblocked == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    name = ctx->blocked;
    len = 0;

    for (i = 0; i < ctx->nblocked; i++) {
        len += name[i].name.len + 1;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->data = p;

    for (i = 0; i < ctx->nblocked; i++) {
        if (i) {
            *p++ = ',';
        }
        p = ngx_cpymem(p, name[i].name.data, name[i].name.len);
    }

    v->len = p - v->data;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


ngx_int_t
ngx_http_privacy_variable_remote_addr(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t  addr;

    if (ngx_http_privacy_remote_addr(r, &addr) != NGX_OK) {
        return NGX_ERROR;
    }

    if (addr.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = addr.data;
    v->len = addr.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}
