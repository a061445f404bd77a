
/*
 * ngx_http_privacy_module: Redis Sentinel, asked for the primary's address
 * and listened to for +switch-master.  Used by the link
 * (ngx_http_privacy_redis_link.c), which it tells through two handlers;
 * it uses only the adapter below it.
 */


#ifndef _NGX_HTTP_PRIVACY_REDIS_SENTINEL_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REDIS_SENTINEL_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "ngx_http_privacy_redis.h"


/* an IPv6 literal's text, with its NUL */
#define NGX_HTTP_PRIVACY_REDIS_IP_LEN  (NGX_INET6_ADDRSTRLEN + 1)


/*
 * The answer to ngx_http_privacy_redis_sentinel_ask(): rc is NGX_OK and
 * host (an IP literal, NUL-terminated) and port the primary's address, or
 * NGX_ERROR when no sentinel gave one.  Called from the event loop.
 */
typedef void (*ngx_http_privacy_redis_found_pt)(void *data, ngx_int_t rc,
    u_char *host, int port);

/* a sentinel announced a new primary of the master (+switch-master) */
typedef void (*ngx_http_privacy_redis_switched_pt)(void *data);


typedef struct {
    ngx_http_privacy_redis_conf_t      *conf;
    ngx_log_t                          *log;
    ngx_http_privacy_redis_found_pt     found;
    ngx_http_privacy_redis_switched_pt  switched;
    void                               *data;

    /* the question: one sentinel after the other */
    redisAsyncContext                  *ac;
    void                               *ssl;        /* tls=on, hiredis's */
    ngx_uint_t                          current;
    ngx_event_t                         timer;      /* connect and reply */
    ngx_event_t                         next;       /* posted */
    int                                 port;
    u_char                              host[NGX_HTTP_PRIVACY_REDIS_IP_LEN];

    /* the subscription to +switch-master */
    redisAsyncContext                  *sub;
    void                               *sub_ssl;
    ngx_uint_t                          sub_current;
    ngx_msec_t                          sub_backoff;
    ngx_event_t                         sub_timer;  /* connect or retry */

    unsigned                            asking:1;
    unsigned                            answered:1;
    unsigned                            failing:1;  /* a round failed */
    unsigned                            sub_ready:1;
    unsigned                            sub_lost:1; /* loss logged */
    unsigned                            exiting:1;
} ngx_http_privacy_redis_sentinel_t;


void ngx_http_privacy_redis_sentinel_init(
    ngx_http_privacy_redis_sentinel_t *s, ngx_http_privacy_redis_conf_t *rcf,
    ngx_log_t *log, ngx_http_privacy_redis_found_pt found,
    ngx_http_privacy_redis_switched_pt switched, void *data);

/*
 * Asks the sentinels in order for the primary's address (SENTINEL
 * get-master-addr-by-name), each within connect_timeout; the found handler
 * gets the first answer, later and from the event loop.  A question
 * already under way is not asked twice.  Then subscribes to +switch-master
 * on the sentinel that answered, unless subscribed already.
 */
void ngx_http_privacy_redis_sentinel_ask(ngx_http_privacy_redis_sentinel_t *s);

/* the worker exits: every connection closed, no handler called */
void ngx_http_privacy_redis_sentinel_stop(
    ngx_http_privacy_redis_sentinel_t *s);


#endif /* _NGX_HTTP_PRIVACY_REDIS_SENTINEL_H_INCLUDED_ */
