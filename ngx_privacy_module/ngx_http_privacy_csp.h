
/*
 * ngx_http_privacy_module: the Content-Security-Policy a visitor gets,
 * allowing the hosts of the categories granted (ngx_http_privacy_csp.c).
 */


#ifndef _NGX_HTTP_PRIVACY_CSP_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CSP_H_INCLUDED_


#include "ngx_http_privacy.h"


#define NGX_HTTP_PRIVACY_CSP_OFF      0
#define NGX_HTTP_PRIVACY_CSP_ENFORCE  1
#define NGX_HTTP_PRIVACY_CSP_REPORT   2


extern ngx_conf_enum_t  ngx_http_privacy_csp_modes[];


char *ngx_http_privacy_csp_allow(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_csp_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf);
ngx_int_t ngx_http_privacy_csp_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);


#endif /* _NGX_HTTP_PRIVACY_CSP_H_INCLUDED_ */
