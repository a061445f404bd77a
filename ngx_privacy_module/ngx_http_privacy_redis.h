
/*
 * ngx_http_privacy_module: an asynchronous Redis client driven by nginx's
 * event loop, used to record consent decisions as proof of consent.
 *
 * Each worker keeps one connection to Redis; the commands of all requests
 * are pipelined on it.  Nothing here ever blocks a worker.  Each file
 * calls only the next:
 *
 *   ngx_http_privacy_redis_conf.c     the privacy_redis directive, the
 *                                     process hooks, prefix and retention
 *   ngx_http_privacy_redis.c          the requests: queue, timeouts,
 *                                     failing at once while Redis is away
 *   ngx_http_privacy_redis_link.c     the connection: handshake,
 *                                     reconnects with a growing delay
 *   ngx_http_privacy_redis_adapter.c  hiredis on nginx's event loop
 *
 * ngx_http_privacy_redis_sentinel.c asks the sentinels for the primary,
 * ngx_http_privacy_redis_tls.c puts TLS on the link's and the sentinels'
 * connections.
 */


#ifndef _NGX_HTTP_PRIVACY_REDIS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REDIS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


/* the rc of a handler whose commands did not get a reply in time */
#define NGX_HTTP_PRIVACY_REDIS_TIMEOUT  NGX_HTTP_GATEWAY_TIME_OUT


/* one command: argv[0] is its name, lengths as in redisCommandArgv() */
typedef struct {
    int                                 argc;
    const char                        **argv;
    const size_t                       *argvlen;
} ngx_http_privacy_redis_cmd_t;


/*
 * rc is NGX_OK when every command got a reply and none was an error reply
 * (an EXEC reply that is nil or holds an error counts as an error reply,
 * and so does the WAIT that wait=N adds after an EXEC when fewer replicas
 * answered); then reply is the redisReply * of the last command (that
 * WAIT's, with wait=N), valid only until the handler returns.  Otherwise
 * reply is NULL and rc is NGX_ERROR (an error
 * reply, Redis not connected, connection lost) or
 * NGX_HTTP_PRIVACY_REDIS_TIMEOUT.
 */
typedef void (*ngx_http_privacy_redis_handler_pt)(void *data, ngx_int_t rc,
    void *reply);

typedef struct ngx_http_privacy_redis_req_s  ngx_http_privacy_redis_req_t;


/* an address: an IP literal and a port, or a unix socket */
typedef struct {
    ngx_str_t                           addr_text;  /* for the logs */
    u_char                             *host;       /* IP literal or NULL */
    int                                 port;
    u_char                             *path;       /* unix socket or NULL */
} ngx_http_privacy_redis_addr_t;


/* what privacy_redis sets: all the requests and the link know of it */
typedef struct {
    ngx_http_privacy_redis_addr_t       addr;       /* without sentinels */

    /* sentinel=: the primary is asked of these, in order */
    ngx_http_privacy_redis_addr_t      *sentinels;
    ngx_uint_t                          nsentinels;
    ngx_str_t                           master;     /* NUL-terminated */

    ngx_uint_t                          db;
    ngx_str_t                           user;       /* ACL user or empty */
    ngx_str_t                           password;
    ngx_str_t                           prefix;
    ngx_str_t                           edge;       /* the records' edge */
    ngx_msec_t                          connect_timeout;
    ngx_msec_t                          timeout;
    ngx_uint_t                          wait;       /* replicas, 0: none */
    ngx_msec_t                          wait_timeout;
    time_t                              retention;

    /* sentinel_user=, sentinel_password_file=: AUTH to the sentinels */
    ngx_str_t                           sentinel_user;
    ngx_str_t                           sentinel_password;

    ngx_flag_t                          tls;
    void                               *tls_ctx;    /* SSL_CTX */
    ngx_str_t                           tls_ca;
    ngx_str_t                           tls_cert;
    ngx_str_t                           tls_key;
    ngx_str_t                           tls_server_name;
} ngx_http_privacy_redis_conf_t;


/* ngx_http_privacy_redis_conf.c */

/* "privacy_redis" directive, conf is ngx_http_privacy_main_conf_t */
char *ngx_http_privacy_redis_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

ngx_int_t ngx_http_privacy_redis_init_process(ngx_cycle_t *cycle);
void ngx_http_privacy_redis_exit_process(ngx_cycle_t *cycle);

/* privacy_redis is given */
ngx_int_t ngx_http_privacy_redis_configured(ngx_http_request_t *r);
/* the key prefix, "privacy:" unless set */
ngx_str_t *ngx_http_privacy_redis_prefix(ngx_http_request_t *r);
/* how long records are kept, in seconds: 3 years unless set */
time_t ngx_http_privacy_redis_retention(ngx_http_request_t *r);
/* the name of this nginx in the records: edge=, or the host name */
ngx_str_t *ngx_http_privacy_redis_edge(ngx_http_request_t *r);


/* ngx_http_privacy_redis.c */

/* the worker connects now, and again whenever the connection is lost */
void ngx_http_privacy_redis_start(ngx_http_privacy_redis_conf_t *rcf,
    ngx_log_t *log);
/* the worker exits: closes the connection, calls no handler */
void ngx_http_privacy_redis_stop(ngx_log_t *log);

/*
 * Sends ncmds commands back to back on the worker's connection, e.g.
 * MULTI, XADD, HSET, PEXPIRE, EXEC in one round trip.  The arguments are
 * copied before the call returns.
 *
 * The handler is called exactly once, always later from the event loop and
 * never from inside this call; the request is freed when the handler
 * returns, so forget it there.  log is used until then or until the
 * request is canceled.
 *
 * Returns NULL only when out of memory; then the handler is not called.
 */
ngx_http_privacy_redis_req_t *ngx_http_privacy_redis_send(ngx_log_t *log,
    ngx_http_privacy_redis_cmd_t *cmds, ngx_uint_t ncmds,
    ngx_http_privacy_redis_handler_pt handler, void *data);

/*
 * The client went away: the handler will not be called, a reply arriving
 * later is dropped.  Call it only before the handler has been called, e.g.
 * from a cleanup of r->pool.
 */
void ngx_http_privacy_redis_cancel(ngx_http_privacy_redis_req_t *req);


#endif /* _NGX_HTTP_PRIVACY_REDIS_H_INCLUDED_ */
