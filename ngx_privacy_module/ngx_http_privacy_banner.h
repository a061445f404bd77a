
/*
 * ngx_http_privacy_module: the banner filter (ngx_http_privacy_banner.c).
 */


#ifndef _NGX_HTTP_PRIVACY_BANNER_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BANNER_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_int_t ngx_http_privacy_banner_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
ngx_int_t ngx_http_privacy_banner_body(ngx_http_request_t *r,
    ngx_chain_t *in, ngx_chain_t **out);


#endif /* _NGX_HTTP_PRIVACY_BANNER_H_INCLUDED_ */
