
/*
 * ngx_http_privacy_module: the Tk header and /.well-known/dnt/
 * (ngx_http_privacy_tk.c).
 */


#ifndef _NGX_HTTP_PRIVACY_TK_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_TK_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_int_t ngx_http_privacy_tk_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
u_char ngx_http_privacy_tracking_value(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
ngx_int_t ngx_http_privacy_dnt(ngx_http_request_t *r);
char *ngx_http_privacy_tracking_status_resource(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_http_privacy_tracking_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


#endif /* _NGX_HTTP_PRIVACY_TK_H_INCLUDED_ */
