
/*
 * ngx_http_privacy_module: the heads of pages whose body_start banner
 * place is known (ngx_http_privacy_banner_head.c).
 */


#ifndef _NGX_HTTP_PRIVACY_BANNER_HEAD_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_BANNER_HEAD_H_INCLUDED_


#include "ngx_http_privacy.h"


typedef struct ngx_http_privacy_banner_head_s  ngx_http_privacy_banner_head_t;


/*
 * A page's first bytes, buffer by buffer, against the head remembered in
 * its slot, and kept while they may become the head to remember
 * (ngx_http_privacy_banner_follow*()).  Zeroed: nothing followed.
 */
typedef struct {
    ngx_http_privacy_banner_head_t  *head;
    ngx_uint_t                       stamp;     /* the head's, at the start */
    u_char                          *rec;       /* the page's first bytes */
    size_t                           len;       /* of them in rec */
    unsigned                         follow:1;  /* so far the head's */
    unsigned                         record:1;  /* so far all in rec */
} ngx_http_privacy_banner_follow_t;


ngx_http_privacy_banner_head_t *ngx_http_privacy_banner_head(ngx_str_t *uri);
/* the same for the place of Consent Mode's tag, in a table of its own */
ngx_http_privacy_banner_head_t *ngx_http_privacy_banner_head_consent_mode(
    ngx_str_t *uri);
size_t ngx_http_privacy_banner_head_match(ngx_http_privacy_banner_head_t *h,
    u_char *data, size_t len);
void ngx_http_privacy_banner_head_keep(ngx_http_privacy_banner_head_t *h,
    u_char *data, size_t len, ngx_log_t *log);

/*
 * The banner's head over several buffers.  _start() at the page's first
 * buffer; _follow() with each buffer while the page is the head so far:
 *
 *   NGX_OK        the head ends in DATA, *pass bytes in: the banner's place
 *   NGX_AGAIN     all of DATA is the head's, and the head goes on
 *   NGX_DONE      DATA differs from the head (or the head was replaced):
 *                 the page's bytes before DATA are f->rec[0 .. f->len),
 *                 for the matcher to read before DATA
 *   NGX_DECLINED  nothing followed (no head, or DATA is the first buffer
 *                 and differs): the matcher reads DATA
 *
 * and _scanned() with the LEN bytes of DATA the matcher read, FOUND when
 * the place is after them: the head is remembered there when the page's
 * bytes up to it were all kept.
 */
void ngx_http_privacy_banner_follow_start(ngx_http_privacy_banner_follow_t *f,
    ngx_http_privacy_banner_head_t *h);
ngx_int_t ngx_http_privacy_banner_follow(ngx_http_privacy_banner_follow_t *f,
    u_char *data, size_t len, ngx_pool_t *pool, size_t *pass);
void ngx_http_privacy_banner_follow_scanned(
    ngx_http_privacy_banner_follow_t *f, u_char *data, size_t len,
    ngx_uint_t found, ngx_pool_t *pool, ngx_log_t *log);

/* at a worker's exit */
void ngx_http_privacy_banner_heads_free(void);


#endif /* _NGX_HTTP_PRIVACY_BANNER_HEAD_H_INCLUDED_ */
