
/*
 * ngx_http_privacy_module: cookie categories, the Cookie and Set-Cookie
 * filters, the consent cookie (ngx_http_privacy_cookie.c).
 */


#ifndef _NGX_HTTP_PRIVACY_COOKIE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_COOKIE_H_INCLUDED_


#include "ngx_http_privacy.h"


void ngx_http_privacy_cookie_forget(void);
ngx_int_t ngx_http_privacy_cookie_variables(ngx_cycle_t *cycle);
ngx_int_t ngx_http_privacy_request_cookies(ngx_http_request_t *r);
ngx_int_t ngx_http_privacy_response_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
ngx_int_t ngx_http_privacy_cookie_allowed(ngx_http_privacy_loc_conf_t *plcf,
    uint32_t granted, u_char *name, size_t len);
ngx_int_t ngx_http_privacy_set_cookie(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *value, time_t max_age);
ngx_int_t ngx_http_privacy_expire_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_blocked_t *names,
    ngx_uint_t n);
ngx_int_t ngx_http_privacy_expire_suffixes(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf);
char *ngx_http_privacy_category(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_cookie(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_cookie_domains(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_categories_finalize(ngx_conf_t *cf,
    ngx_http_privacy_categories_t *cats);


#endif /* _NGX_HTTP_PRIVACY_COOKIE_H_INCLUDED_ */
