
/*
 * The tracking status: the W3C Tracking Preference Expression's Tk response
 * header and the site-wide tracking status resource /.well-known/dnt/.
 *
 * The privacy notice says that the site does not respond to Do Not Track
 * signals; these tell the truth about what is done instead.  A request's
 * DNT header never changes the answer, except in report mode, where
 * tracking happens and "D" says it happens despite the signal.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_token.h"
#include "ngx_http_privacy_tk.h"


static ngx_int_t ngx_http_privacy_tk_resource_handler(ngx_http_request_t *r);


static ngx_str_t  ngx_http_privacy_tk = ngx_string("Tk");


/* NGX_DECLINED when absent or not "0" / "1" */

ngx_int_t
ngx_http_privacy_dnt(ngx_http_request_t *r)
{
    ngx_table_elt_t  *h;

    h = ngx_http_privacy_find_header(r, (u_char *) "DNT", 3);

    if (h == NULL
        || h->value.len != 1
        || (h->value.data[0] != '0' && h->value.data[0] != '1'))
    {
        return NGX_DECLINED;
    }

    return h->value.data[0] - '0';
}


u_char
ngx_http_privacy_tracking_value(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    if (plcf->tracking_status != NGX_HTTP_PRIVACY_TK_AUTO) {
        return (u_char) plcf->tracking_status;
    }

    if (ctx->endpoint) {
        /* the consent endpoint's answers depend on the visitor's consent */
        return 'U';
    }

    if (plcf->mode == NGX_HTTP_PRIVACY_MODE_REPORT) {
        return ngx_http_privacy_dnt(r) == 1 ? 'D' : 'T';
    }

    return ngx_http_privacy_grants_optional(plcf, ctx) ? 'C' : 'N';
}


ngx_int_t
ngx_http_privacy_tk_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    ngx_str_t  value;

    /* every value is one byte: the byte itself, from a table of them */
    static u_char  bytes[256] = {
#define B(n)  (n), (n) + 1, (n) + 2, (n) + 3, (n) + 4, (n) + 5, (n) + 6,       \
              (n) + 7
#define B64(n)  B(n), B((n) + 8), B((n) + 16), B((n) + 24), B((n) + 32),      \
                B((n) + 40), B((n) + 48), B((n) + 56)
        B64(0), B64(64), B64(128), B64(192)
#undef B64
#undef B
    };

    value.data = &bytes[ngx_http_privacy_tracking_value(r, plcf, ctx)];
    value.len = 1;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy tracking status: %c", value.data[0]);

    return ngx_http_privacy_add_header(r, &ngx_http_privacy_tk, &value);
}


char *
ngx_http_privacy_tracking_status_resource(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_privacy_tk_resource_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_privacy_tk_resource_handler(ngx_http_request_t *r)
{
    u_char                       *p;
    size_t                        len;
    ngx_int_t                     rc;
    ngx_buf_t                    *b;
    ngx_str_t                     body;
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_loc_conf_t  *plcf;

    static ngx_str_t  type = ngx_string("application/tracking-status+json");

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

    if (ngx_http_privacy_read_decision(r, plcf, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the resource never sets a cookie: the header filter drops them all */
    ctx->tk_resource = 1;

    len = sizeof("{\"tracking\":\"N\"}\n") - 1;

    if (plcf->policy_url.len) {
        len += sizeof(",\"policy\":\"\"") - 1
               + privacy_json_escape(NULL, plcf->policy_url.data,
                                     plcf->policy_url.len);
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(b->last, "{\"tracking\":\"", sizeof("{\"tracking\":\"") - 1);
    *p++ = ngx_http_privacy_tracking_value(r, plcf, ctx);
    *p++ = '"';

    if (plcf->policy_url.len) {
        p = ngx_cpymem(p, ",\"policy\":\"", sizeof(",\"policy\":\"") - 1);
        p += privacy_json_escape(p, plcf->policy_url.data,
                                 plcf->policy_url.len);
        *p++ = '"';
    }

    *p++ = '}';
    *p++ = LF;

    body.data = b->pos;
    body.len = p - b->pos;

    if (ngx_http_privacy_add_header(r, &ngx_http_privacy_cache_control,
                                    &ngx_http_privacy_no_store)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_send(r, NGX_HTTP_OK, &type, &body);
}


/* the privacy_tracking_status values of the W3C Tracking Status Value */

char *
ngx_http_privacy_tracking_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t  *value;

    if (plcf->tracking_status != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 4 && ngx_strncmp(value[1].data, "auto", 4) == 0) {
        plcf->tracking_status = NGX_HTTP_PRIVACY_TK_AUTO;
        return NGX_CONF_OK;
    }

    if (value[1].len == 1 && ngx_strchr("!?GNTCPDU", value[1].data[0])) {
        plcf->tracking_status = value[1].data[0];
        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"%V\" directive, "
                       "it must be \"auto\" or one of the tracking status "
                       "values \"!\", \"?\", \"G\", \"N\", \"T\", \"C\", "
                       "\"P\", \"D\", \"U\"", &value[1], &cmd->name);

    return NGX_CONF_ERROR;
}
