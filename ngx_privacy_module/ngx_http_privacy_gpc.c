
/*
 * Global Privacy Control (https://privacycg.github.io/gpc-spec/): the
 * Sec-GPC request header, privacy_gpc, and the site's support resource
 * /.well-known/gpc.json.
 *
 * GPC is not DNT.  The notice says the site does not respond to Do Not
 * Track, and the Tk header keeps saying what is done instead; GPC is
 * honoured for the categories the operator lists, as a refusal of them
 * that only a decision made while the browser sent the signal overrides
 * (the consent token's PRIVACY_TOKEN_FLAG_GPC, the record's gpc field).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_gpc.h"
#include "privacy_gpc.h"


static ngx_int_t ngx_http_privacy_gpc_handler(ngx_http_request_t *r);


/* privacy_gpc off | CATEGORY ...: the names are resolved at merge */

char *
ngx_http_privacy_gpc(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t   *value, *name;
    ngx_uint_t   i, k;

    if (plcf->gpc_names != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2
        && value[1].len == 3 && ngx_strncmp(value[1].data, "off", 3) == 0)
    {
        plcf->gpc_names = NULL;
        return NGX_CONF_OK;
    }

    plcf->gpc_names = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                       sizeof(ngx_str_t));
    if (plcf->gpc_names == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < cf->args->nelts; i++) {

        for (k = 1; k < i; k++) {
            if (value[k].len == value[i].len
                && ngx_strncmp(value[k].data, value[i].data, value[i].len)
                   == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "duplicate category \"%V\" in \"%V\"",
                                   &value[i], &cmd->name);
                return NGX_CONF_ERROR;
            }
        }

        name = ngx_array_push(plcf->gpc_names);
        if (name == NULL) {
            return NGX_CONF_ERROR;
        }

        *name = value[i];
    }

    plcf->gpc_file = cf->conf_file->file.name.data;
    plcf->gpc_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/*
 * The names against the location's categories: each must be an optional
 * one.  Categories are known here only; the message names the directive's
 * place.  A location without categories has nothing to refuse.
 */

char *
ngx_http_privacy_gpc_merge(ngx_conf_t *cf, ngx_http_privacy_loc_conf_t *prev,
    ngx_http_privacy_loc_conf_t *conf)
{
    ngx_str_t                    *name;
    ngx_uint_t                    i, k, n;
    ngx_http_privacy_category_t  *cat;

    if (conf->gpc_names == NGX_CONF_UNSET_PTR) {
        conf->gpc_names = prev->gpc_names;
        conf->gpc_file = prev->gpc_file;
        conf->gpc_line = prev->gpc_line;
    }

    if (conf->gpc_names == NGX_CONF_UNSET_PTR) {
        conf->gpc_names = NULL;
    }

    if (conf->gpc_last_update.data == NULL) {
        conf->gpc_last_update = prev->gpc_last_update;
    }

    conf->gpc = 0;

    if (conf->gpc_names == NULL || conf->categories == NULL) {
        return NGX_CONF_OK;
    }

    name = conf->gpc_names->elts;
    cat = conf->categories->categories.elts;
    n = conf->categories->categories.nelts;

    for (i = 0; i < conf->gpc_names->nelts; i++) {

        for (k = 0; k < n; k++) {
            if (cat[k].name.len == name[i].len
                && ngx_strncmp(cat[k].name.data, name[i].data, name[i].len)
                   == 0)
            {
                break;
            }
        }

        if (k == n) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unknown category \"%V\" in \"privacy_gpc\" in "
                          "%s:%ui", &name[i], conf->gpc_file,
                          conf->gpc_line);
            return NGX_CONF_ERROR;
        }

        if (cat[k].essential) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "category \"%V\" in \"privacy_gpc\" in %s:%ui is "
                          "essential: the signal refuses optional "
                          "categories only", &name[i], conf->gpc_file,
                          conf->gpc_line);
            return NGX_CONF_ERROR;
        }

        conf->gpc |= 1u << k;
    }

    return NGX_CONF_OK;
}


/*
 * Any Sec-GPC header that is the signal (privacy_gpc_signal(): "1", or a
 * "1" in a list a proxy joined): a second header, or one of another value
 * beside it, does not take it back (a refusal is never the doubtful
 * reading).
 */

ngx_uint_t
ngx_http_privacy_gpc_signal(ngx_http_request_t *r)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return 0;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == sizeof("Sec-GPC") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "Sec-GPC",
                               sizeof("Sec-GPC") - 1)
               == 0
            && privacy_gpc_signal(h[i].value.data, h[i].value.len))
        {
            return 1;
        }
    }
}


uint32_t
ngx_http_privacy_gpc_refused(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    if (plcf->gpc == 0 || !ngx_http_privacy_gpc_signal(r)) {
        return 0;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy gpc: signal refuses 0x%08xD", plcf->gpc);

    return plcf->gpc;
}


/*
 * privacy_gpc_resource [YYYY-MM-DD]: the date is the resource's
 * lastUpdate, by default the day the configuration was read
 */

char *
ngx_http_privacy_gpc_resource(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char                    *p;
    ngx_tm_t                   tm;
    ngx_str_t                 *value;
    ngx_http_core_loc_conf_t  *clcf;

    value = cf->args->elts;

    if (cf->args->nelts == 2) {

        if (!privacy_gpc_date_valid(value[1].data, value[1].len)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid date \"%V\" in \"%V\", use "
                               "YYYY-MM-DD", &value[1], &cmd->name);
            return NGX_CONF_ERROR;
        }

        plcf->gpc_last_update = value[1];

    } else {
        p = ngx_pnalloc(cf->pool, sizeof("YYYY-MM-DD") - 1);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_gmtime(ngx_time(), &tm);

        plcf->gpc_last_update.data = p;
        plcf->gpc_last_update.len = ngx_sprintf(p, "%4d-%02d-%02d",
                                                tm.ngx_tm_year,
                                                tm.ngx_tm_mon,
                                                tm.ngx_tm_mday)
                                    - p;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_privacy_gpc_handler;

    return NGX_CONF_OK;
}


/*
 * {"gpc": true, "lastUpdate": "YYYY-MM-DD"}: the same for every visitor,
 * so cacheable, and never with a cookie
 */

static ngx_int_t
ngx_http_privacy_gpc_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_str_t                     body;
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_loc_conf_t  *plcf;

    static ngx_str_t  type = ngx_string("application/json");
    static ngx_str_t  cache = ngx_string("public, max-age=86400");

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* as /.well-known/dnt/: the header filter drops every cookie */
    ctx->tk_resource = 1;

    body.len = privacy_gpc_resource(NULL, plcf->gpc != 0,
                                    plcf->gpc_last_update.data,
                                    plcf->gpc_last_update.len);

    body.data = ngx_pnalloc(r->pool, body.len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    (void) privacy_gpc_resource(body.data, plcf->gpc != 0,
                                plcf->gpc_last_update.data,
                                plcf->gpc_last_update.len);

    if (ngx_http_privacy_add_header(r, &ngx_http_privacy_cache_control,
                                    &cache)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_send(r, NGX_HTTP_OK, &type, &body);
}
