
/*
 * ngx_http_privacy_module: the body filters' own buffers
 * (ngx_http_privacy_chain.c).
 */


#ifndef _NGX_HTTP_PRIVACY_CHAIN_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CHAIN_H_INCLUDED_


#include "ngx_http_privacy.h"


ngx_buf_t *ngx_http_privacy_chain_buf(ngx_pool_t *pool, ngx_chain_t **free,
    ngx_chain_t ***llp);
ngx_chain_t **ngx_http_privacy_chain_memory(ngx_pool_t *pool,
    ngx_chain_t **free, ngx_chain_t **ll, const u_char *data, size_t len);
ngx_chain_t **ngx_http_privacy_chain_copy(ngx_pool_t *pool,
    ngx_chain_t **free, ngx_chain_t **ll, const u_char *data, size_t len);
ngx_chain_t **ngx_http_privacy_chain_rest(ngx_pool_t *pool, ngx_chain_t **ll,
    ngx_buf_t *b);
ngx_chain_t **ngx_http_privacy_chain_flags(ngx_pool_t *pool,
    ngx_chain_t **ll, ngx_buf_t *b);
ngx_chain_t **ngx_http_privacy_chain_link(ngx_pool_t *pool, ngx_chain_t **ll,
    ngx_buf_t *b);
void ngx_http_privacy_chain_drop(ngx_chain_t *in);


#endif /* _NGX_HTTP_PRIVACY_CHAIN_H_INCLUDED_ */
