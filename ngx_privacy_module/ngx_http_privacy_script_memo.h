
/*
 * ngx_http_privacy_module: pages the rewriter went through, remembered
 * per worker with what it made of them
 * (ngx_http_privacy_script_memo.c).
 */


#ifndef _NGX_HTTP_PRIVACY_SCRIPT_MEMO_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_SCRIPT_MEMO_H_INCLUDED_


#include "ngx_http_privacy.h"
#include "privacy_script_memo.h"


/* what a page's rewrite depends on besides its bytes */
typedef struct {
    ngx_uint_t                    page;         /* the URI's key */
    const void                   *set;          /* privacy_script's */
    uint32_t                      granted;
    uint32_t                      live;
    ngx_uint_t                    banner;       /* 0, or its position
                                                   + 1: where the page's
                                                   rewrite is cut for it */
    ngx_str_t                     consent_url;  /* the placeholder's */
} ngx_http_privacy_script_memo_key_t;


typedef struct {
    privacy_memo_t                      memo;
    ngx_http_privacy_script_memo_key_t  key;
    ngx_uint_t                          refs;
    size_t                              size;     /* mapped */
} ngx_http_privacy_script_memo_t;


ngx_http_privacy_script_memo_t *ngx_http_privacy_script_memo_find(
    ngx_pool_t *pool, ngx_http_privacy_script_memo_key_t *key);
privacy_memo_t *ngx_http_privacy_script_memo_record(ngx_pool_t *pool,
    ngx_http_privacy_script_memo_key_t *key, ngx_log_t *log);
void ngx_http_privacy_script_memo_keep(
    ngx_http_privacy_script_memo_key_t *key, privacy_memo_t *rec,
    ngx_log_t *log);

/* at a configuration read (one process: a reload) and a worker's exit */
void ngx_http_privacy_script_memos_free(void);


#endif /* _NGX_HTTP_PRIVACY_SCRIPT_MEMO_H_INCLUDED_ */
