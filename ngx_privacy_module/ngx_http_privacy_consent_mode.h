
/*
 * ngx_http_privacy_module: Google Consent Mode v2, privacy_consent_mode
 * (ngx_http_privacy_consent_mode_conf.c) and its script tag
 * (ngx_http_privacy_consent_mode.c).
 */


#ifndef _NGX_HTTP_PRIVACY_CONSENT_MODE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CONSENT_MODE_H_INCLUDED_


#include "ngx_http_privacy.h"


/* one TYPE=CATEGORY */
typedef struct {
    ngx_str_t                        type;
    ngx_str_t                        category;
    ngx_uint_t                       index;      /* of the category, merge */
} ngx_http_privacy_consent_type_t;


/* ngx_http_privacy_consent_mode_conf.c */
char *ngx_http_privacy_consent_mode(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_consent_mode_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf);

/* ngx_http_privacy_consent_mode.c */

/* NGX_OK, or NGX_DONE: the header waits for the body filter */
ngx_int_t ngx_http_privacy_consent_mode_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);

/*
 * NGX_DECLINED: IN as it is; NGX_OK: *out (nothing when it is NULL);
 * NGX_DONE: the held response header, now with its length, then *out
 */
ngx_int_t ngx_http_privacy_consent_mode_body(ngx_http_request_t *r,
    ngx_chain_t *in, ngx_chain_t **out);


#endif /* _NGX_HTTP_PRIVACY_CONSENT_MODE_H_INCLUDED_ */
