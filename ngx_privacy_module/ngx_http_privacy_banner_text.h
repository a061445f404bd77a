
/*
 * ngx_http_privacy_module: the banner of a request
 * (ngx_http_privacy_banner_text.c).
 */


#ifndef _NGX_HTTP_PRIVACY_BANNER_TEXT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BANNER_TEXT_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_http_privacy_banner_lang_t *ngx_http_privacy_banner_pick(
    ngx_http_request_t *r, ngx_http_privacy_loc_conf_t *plcf);
ngx_int_t ngx_http_privacy_banner_return(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *escaped);
ngx_int_t ngx_http_privacy_banner_text(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *return_path,
    ngx_str_t *text);


#endif /* _NGX_HTTP_PRIVACY_BANNER_TEXT_H_INCLUDED_ */
