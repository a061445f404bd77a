
/*
 * ngx_http_privacy_module: the worker's link to Redis, one hiredis
 * asynchronous context opened, greeted and opened again when lost.  Used by
 * the requests in ngx_http_privacy_redis.c; knows nothing of them.
 */


#ifndef _NGX_HTTP_PRIVACY_REDIS_LINK_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REDIS_LINK_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "ngx_http_privacy_redis.h"
#include "ngx_http_privacy_redis_sentinel.h"


#define NGX_HTTP_PRIVACY_REDIS_MSG_LEN  256


typedef struct {
    ngx_http_privacy_redis_conf_t      *conf;
    ngx_log_t                          *log;

    /* privacy_redis's address, or the primary a sentinel gave */
    ngx_http_privacy_redis_addr_t       addr;
    u_char                              host[NGX_HTTP_PRIVACY_REDIS_IP_LEN];
    u_char                              addr_buf[NGX_SOCKADDR_STRLEN];
    ngx_http_privacy_redis_sentinel_t   sentinel;

    redisAsyncContext                  *ac;
    void                               *ssl;        /* tls=on, hiredis's */
    ngx_uint_t                          state;
    ngx_uint_t                          handshake;  /* replies awaited */
    ngx_int_t                           fail_rc;    /* for lost replies */
    ngx_msec_t                          backoff;

    ngx_event_t                         reconnect;
    ngx_event_t                         connect_timer;
    ngx_event_t                         close_event;

    u_char                              db[NGX_INT_T_LEN];

    size_t                              last_len;   /* last failure */
    u_char                              last[NGX_HTTP_PRIVACY_REDIS_MSG_LEN];

    unsigned                            known:1;    /* addr is valid */
    unsigned                            outage:1;   /* failure logged */
    unsigned                            closing:1;  /* our own close */
    unsigned                            exiting:1;
} ngx_http_privacy_redis_link_t;


/* connects now, and again whenever the connection is lost */
void ngx_http_privacy_redis_link_open(ngx_http_privacy_redis_link_t *link,
    ngx_http_privacy_redis_conf_t *rcf, ngx_log_t *log);
/* the worker exits: closes for good */
void ngx_http_privacy_redis_link_stop(ngx_http_privacy_redis_link_t *link,
    ngx_log_t *log);

/* the context commands go to, or NULL when they must fail at once */
redisAsyncContext *ngx_http_privacy_redis_link_context(
    ngx_http_privacy_redis_link_t *link);

/*
 * Closes the context: the callbacks of the commands it holds get a NULL
 * reply, rc is in link->fail_rc meanwhile.  From a hiredis callback the
 * context is freed when the callback returns.
 */
void ngx_http_privacy_redis_link_close(ngx_http_privacy_redis_link_t *link,
    ngx_int_t rc);
/* the same, later from the event loop, logged as a reset */
void ngx_http_privacy_redis_link_reset(ngx_http_privacy_redis_link_t *link);
/*
 * Redis answered -READONLY: with sentinels the primary is asked for
 * again, and the connection reset
 */
void ngx_http_privacy_redis_link_readonly(
    ngx_http_privacy_redis_link_t *link);

/* logs a failure at the level the outage it starts or continues calls for */
void ngx_cdecl ngx_http_privacy_redis_failure(
    ngx_http_privacy_redis_link_t *link, ngx_err_t err, const char *fmt, ...);
const char *ngx_http_privacy_redis_strerror(redisAsyncContext *ac);


#endif /* _NGX_HTTP_PRIVACY_REDIS_LINK_H_INCLUDED_ */
