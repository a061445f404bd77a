
/*
 * ngx_http_privacy_module: which responses get the banner
 * (ngx_http_privacy_banner_types.c).
 */


#ifndef _NGX_HTTP_PRIVACY_BANNER_TYPES_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BANNER_TYPES_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_int_t ngx_http_privacy_banner_type(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf);
ngx_int_t ngx_http_privacy_banner_type_any_status(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf);
/* the request without its conditions when it may get the banner */
ngx_int_t ngx_http_privacy_banner_unconditional(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf);
ngx_int_t ngx_http_privacy_banner_types_list(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf);


#endif /* _NGX_HTTP_PRIVACY_BANNER_TYPES_H_INCLUDED_ */
