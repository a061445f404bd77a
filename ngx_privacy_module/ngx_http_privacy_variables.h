
/*
 * ngx_http_privacy_module: the module's variables
 * (ngx_http_privacy_variables.c).
 */


#ifndef _NGX_HTTP_PRIVACY_VARIABLES_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_VARIABLES_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_int_t ngx_http_privacy_variable_dnt(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_privacy_variable_gpc(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_privacy_variable_consent(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_privacy_variable_consent_id(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_privacy_variable_blocked(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_privacy_variable_remote_addr(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


#endif /* _NGX_HTTP_PRIVACY_VARIABLES_H_INCLUDED_ */
