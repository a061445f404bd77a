
/*
 * ngx_http_privacy_module: the Set-Cookie headers the visitor receives,
 * expiry, the consent cookie (ngx_http_privacy_cookie_out.c).
 */


#ifndef _NGX_HTTP_PRIVACY_COOKIE_OUT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_COOKIE_OUT_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_int_t ngx_http_privacy_response_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
ngx_int_t ngx_http_privacy_set_cookie(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *value, time_t max_age);
ngx_int_t ngx_http_privacy_expire_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_blocked_t *names,
    ngx_uint_t n);
ngx_int_t ngx_http_privacy_expire_suffixes(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf);
char *ngx_http_privacy_cookie(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_cookie_domains(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


#endif /* _NGX_HTTP_PRIVACY_COOKIE_OUT_H_INCLUDED_ */
