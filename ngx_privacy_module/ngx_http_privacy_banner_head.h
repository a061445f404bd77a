
/*
 * ngx_http_privacy_module: the heads of pages whose body_start banner
 * place is known (ngx_http_privacy_banner_head.c).
 */


#ifndef _NGX_HTTP_PRIVACY_BANNER_HEAD_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BANNER_HEAD_H_INCLUDED_


#include "ngx_http_privacy.h"


typedef struct ngx_http_privacy_banner_head_s  ngx_http_privacy_banner_head_t;


ngx_http_privacy_banner_head_t *ngx_http_privacy_banner_head(ngx_str_t *uri);
/* the same for the place of Consent Mode's tag, in a table of its own */
ngx_http_privacy_banner_head_t *ngx_http_privacy_banner_head_consent_mode(
    ngx_str_t *uri);
size_t ngx_http_privacy_banner_head_match(ngx_http_privacy_banner_head_t *h,
    u_char *data, size_t len);
void ngx_http_privacy_banner_head_keep(ngx_http_privacy_banner_head_t *h,
    u_char *data, size_t len, ngx_log_t *log);

/* at a worker's exit */
void ngx_http_privacy_banner_heads_free(void);


#endif /* _NGX_HTTP_PRIVACY_BANNER_HEAD_H_INCLUDED_ */
