
/*
 * ngx_http_privacy_module: keys, consent tokens and the decision of a request
 * (ngx_http_privacy_token.c).
 */


#ifndef _NGX_HTTP_PRIVACY_TOKEN_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_TOKEN_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_int_t ngx_http_privacy_read_decision(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
char *ngx_http_privacy_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_policy_version(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
privacy_key_t *ngx_http_privacy_signing_key(ngx_http_request_t *r);
ngx_int_t ngx_http_privacy_mint(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, privacy_token_t *token,
    ngx_str_t *value);


#endif /* _NGX_HTTP_PRIVACY_TOKEN_H_INCLUDED_ */
