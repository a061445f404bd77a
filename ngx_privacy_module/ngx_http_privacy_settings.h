
/*
 * ngx_http_privacy_module: the settings page (ngx_http_privacy_settings.c).
 */


#ifndef _NGX_HTTP_PRIVACY_SETTINGS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SETTINGS_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_int_t ngx_http_privacy_settings_page(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    ngx_str_t *out);


#endif /* _NGX_HTTP_PRIVACY_SETTINGS_H_INCLUDED_ */
