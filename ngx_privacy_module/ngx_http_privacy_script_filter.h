
/*
 * ngx_http_privacy_module: the rewriter's part of the banner's body
 * filter (ngx_http_privacy_script_filter.c).
 */


#ifndef _NGX_HTTP_PRIVACY_SCRIPT_FILTER_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SCRIPT_FILTER_H_INCLUDED_


#include "ngx_http_privacy.h"


typedef struct ngx_http_privacy_script_ctx_s  ngx_http_privacy_script_ctx_t;


ngx_uint_t ngx_http_privacy_script_wanted(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
ngx_http_privacy_script_ctx_t *ngx_http_privacy_script_start(
    ngx_http_request_t *r, ngx_http_privacy_loc_conf_t *plcf,
    ngx_http_privacy_ctx_t *ctx, ngx_uint_t banner);
ngx_chain_t **ngx_http_privacy_script_buf(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, ngx_buf_t *b, ngx_uint_t keep);
ngx_chain_t **ngx_http_privacy_script_rest(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, ngx_buf_t *b, const u_char *held, size_t held_len);
ngx_chain_t **ngx_http_privacy_script_bytes(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, const u_char *data, size_t len);
ngx_chain_t **ngx_http_privacy_script_end(ngx_http_request_t *r,
    ngx_http_privacy_script_ctx_t *sctx, ngx_chain_t **free,
    ngx_chain_t **ll, ngx_uint_t whole);
ngx_uint_t ngx_http_privacy_script_held(ngx_http_privacy_script_ctx_t *sctx);


#endif /* _NGX_HTTP_PRIVACY_SCRIPT_FILTER_H_INCLUDED_ */
