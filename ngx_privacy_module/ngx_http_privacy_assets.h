
/*
 * ngx_http_privacy_module: the banner's stylesheet and script
 * (ngx_http_privacy_assets.c).
 */


#ifndef _NGX_HTTP_PRIVACY_ASSETS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_ASSETS_H_INCLUDED_


#include "ngx_http_privacy.h"


#define NGX_HTTP_PRIVACY_ASSET_CSS  0
#define NGX_HTTP_PRIVACY_ASSET_JS   1
#define NGX_HTTP_PRIVACY_ASSET_CONSENT_MODE  2

ngx_str_t *ngx_http_privacy_asset_path(ngx_uint_t asset);
ngx_int_t ngx_http_privacy_asset_url(ngx_pool_t *pool, ngx_str_t *base,
    ngx_uint_t asset, ngx_str_t *url);
ngx_int_t ngx_http_privacy_asset_handler(ngx_http_request_t *r, u_char *name,
    size_t len);


#endif /* _NGX_HTTP_PRIVACY_ASSETS_H_INCLUDED_ */
