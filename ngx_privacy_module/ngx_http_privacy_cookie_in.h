
/*
 * ngx_http_privacy_module: the Cookie headers the application receives
 * (ngx_http_privacy_cookie_in.c).
 */


#ifndef _NGX_HTTP_PRIVACY_COOKIE_IN_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_COOKIE_IN_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_int_t ngx_http_privacy_cookie_variables(ngx_cycle_t *cycle);
ngx_int_t ngx_http_privacy_request_cookies(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);


#endif /* _NGX_HTTP_PRIVACY_COOKIE_IN_H_INCLUDED_ */
