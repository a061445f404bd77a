
/*
 * ngx_http_privacy_module: the worker's connection to Redis.
 *
 * Every worker holds one hiredis asynchronous connection, put on nginx's
 * event loop by ngx_http_privacy_redis_adapter.c; the commands of all
 * requests are pipelined on it.  Here are the handshake, the connect and
 * command timeouts as nginx timers (hiredis 0.14 has none), and a lost
 * connection opened again from a timer with a growing delay, so Redis can
 * go away and come back without a reload.  While it is away commands fail
 * at once, and the consent endpoint refuses what it cannot record.
 *
 * Rules that keep this safe:
 *
 *   - requests are malloc()ed and owned here, a canceled one stays until
 *     hiredis is done with it, so a late reply never reaches a freed
 *     request or r->pool;
 *   - nothing connects from inside hiredis, reconnects come from a timer;
 *     a callback closes only through redisAsyncFree(), which hiredis
 *     defers until the callback returns.
 */


#include "ngx_http_privacy_module.h"
#include "ngx_http_privacy_redis.h"
#include "ngx_http_privacy_redis_adapter.h"


/* the reconnect delay doubles from MIN to MAX while Redis is away */
#define NGX_HTTP_PRIVACY_REDIS_BACKOFF_MIN  100
#define NGX_HTTP_PRIVACY_REDIS_BACKOFF_MAX  5000

#define NGX_HTTP_PRIVACY_REDIS_MSG_LEN      256

#define NGX_HTTP_PRIVACY_REDIS_DOWN         0
#define NGX_HTTP_PRIVACY_REDIS_CONNECTING   1  /* until the handshake ends */
#define NGX_HTTP_PRIVACY_REDIS_READY        2



struct ngx_http_privacy_redis_req_s {
    ngx_queue_t                         queue;      /* pending or failed */
    ngx_http_privacy_redis_handler_pt   handler;
    void                               *data;
    ngx_log_t                          *log;
    ngx_msec_t                          deadline;
    uint64_t                            start;      /* usec, for the RTT */
    ngx_int_t                           rc;
    ngx_uint_t                          queued;     /* commands hiredis has */
    ngx_uint_t                          replies;    /* callbacks so far */
    u_char                             *exec;       /* per command: EXEC */
    unsigned                            canceled:1;
};



/* the worker's connection */
typedef struct {
    ngx_http_privacy_redis_conf_t      *conf;
    ngx_log_t                          *log;
    redisAsyncContext                  *ac;
    ngx_uint_t                          state;
    ngx_uint_t                          handshake;  /* replies awaited */
    ngx_int_t                           fail_rc;    /* for lost replies */
    ngx_msec_t                          backoff;

    ngx_queue_t                         pending;    /* sent, oldest first */
    ngx_queue_t                         failed;     /* never sent */

    ngx_event_t                         reconnect;
    ngx_event_t                         connect_timer;
    ngx_event_t                         timer;      /* oldest command */
    ngx_event_t                         fail_event;
    ngx_event_t                         close_event;

    u_char                              db[NGX_INT_T_LEN];

    size_t                              last_len;   /* last failure */
    u_char                              last[NGX_HTTP_PRIVACY_REDIS_MSG_LEN];

    unsigned                            initialized:1;
    unsigned                            outage:1;   /* failure logged */
    unsigned                            closing:1;  /* our own close */
    unsigned                            exiting:1;
} ngx_http_privacy_redis_link_t;


static void ngx_http_privacy_redis_link_init(
    ngx_http_privacy_redis_link_t *link, ngx_log_t *log);
static ngx_uint_t ngx_http_privacy_redis_stopping(
    ngx_http_privacy_redis_link_t *link);
static void ngx_cdecl ngx_http_privacy_redis_failure(
    ngx_http_privacy_redis_link_t *link, ngx_err_t err, const char *fmt, ...);
static const char *ngx_http_privacy_redis_strerror(redisAsyncContext *ac);

static void ngx_http_privacy_redis_connect(
    ngx_http_privacy_redis_link_t *link);
static ngx_int_t ngx_http_privacy_redis_greet(
    ngx_http_privacy_redis_link_t *link, const char *name, u_char *arg,
    size_t len);
static void ngx_http_privacy_redis_schedule(
    ngx_http_privacy_redis_link_t *link);
static void ngx_http_privacy_redis_close(ngx_http_privacy_redis_link_t *link,
    ngx_int_t rc);
static void ngx_http_privacy_redis_fail_later(
    ngx_http_privacy_redis_link_t *link, ngx_http_privacy_redis_req_t *req);

static void ngx_http_privacy_redis_reconnect_handler(ngx_event_t *ev);
static void ngx_http_privacy_redis_connect_timeout(ngx_event_t *ev);
static void ngx_http_privacy_redis_timeout(ngx_event_t *ev);
static void ngx_http_privacy_redis_fail_handler(ngx_event_t *ev);
static void ngx_http_privacy_redis_close_handler(ngx_event_t *ev);

static void ngx_http_privacy_redis_cleanup(void *data);
static void ngx_http_privacy_redis_reset(void *data);
static void ngx_http_privacy_redis_exiting(void *data, ngx_uint_t now);

static void ngx_http_privacy_redis_connected(const redisAsyncContext *ac,
    int status);
static void ngx_http_privacy_redis_handshake(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_privacy_redis_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static ngx_int_t ngx_http_privacy_redis_check_exec(
    ngx_http_privacy_redis_req_t *req, redisReply *reply);


static ngx_http_privacy_redis_link_t  ngx_http_privacy_redis_link;

/* what the adapter tells the connection */
static ngx_http_privacy_redis_hooks_t  ngx_http_privacy_redis_hooks = {
    ngx_http_privacy_redis_cleanup,
    ngx_http_privacy_redis_reset,
    ngx_http_privacy_redis_exiting
};


void
ngx_http_privacy_redis_start(ngx_http_privacy_redis_conf_t *rcf,
    ngx_log_t *log)
{
    ngx_http_privacy_redis_link_t  *link;

    link = &ngx_http_privacy_redis_link;

    ngx_http_privacy_redis_link_init(link, log);

    link->conf = rcf;

    ngx_http_privacy_redis_connect(link);
}


void
ngx_http_privacy_redis_stop(ngx_log_t *log)
{
    ngx_queue_t                    *q;
    ngx_http_privacy_redis_req_t   *req;
    ngx_http_privacy_redis_link_t  *link;

    link = &ngx_http_privacy_redis_link;

    if (!link->initialized) {
        return;
    }

    link->log = log;
    link->exiting = 1;

    /* the process goes away with its requests: call no handler */

    for (q = ngx_queue_head(&link->pending);
         q != ngx_queue_sentinel(&link->pending);
         q = ngx_queue_next(q))
    {
        req = ngx_queue_data(q, ngx_http_privacy_redis_req_t, queue);
        req->canceled = 1;
        req->log = link->log;
    }

    while (!ngx_queue_empty(&link->failed)) {
        q = ngx_queue_head(&link->failed);
        ngx_queue_remove(q);

        req = ngx_queue_data(q, ngx_http_privacy_redis_req_t, queue);
        ngx_free(req);
    }

    /* the replies lost free the pending requests */

    ngx_http_privacy_redis_close(link, NGX_ERROR);

    if (link->reconnect.timer_set) {
        ngx_del_timer(&link->reconnect);
    }

    if (link->connect_timer.timer_set) {
        ngx_del_timer(&link->connect_timer);
    }

    if (link->timer.timer_set) {
        ngx_del_timer(&link->timer);
    }

    if (link->fail_event.posted) {
        ngx_delete_posted_event(&link->fail_event);
    }

    if (link->close_event.posted) {
        ngx_delete_posted_event(&link->close_event);
    }
}


ngx_http_privacy_redis_req_t *
ngx_http_privacy_redis_send(ngx_log_t *log,
    ngx_http_privacy_redis_cmd_t *cmds, ngx_uint_t ncmds,
    ngx_http_privacy_redis_handler_pt handler, void *data)
{
    ngx_uint_t                      i, valid;
    ngx_http_privacy_redis_req_t   *req;
    ngx_http_privacy_redis_link_t  *link;

    link = &ngx_http_privacy_redis_link;

    ngx_http_privacy_redis_link_init(link, ngx_cycle->log);

    req = ngx_alloc(sizeof(ngx_http_privacy_redis_req_t) + ncmds, log);
    if (req == NULL) {
        return NULL;
    }

    req->handler = handler;
    req->data = data;
    req->log = log;
    req->deadline = 0;
    req->rc = NGX_OK;
    req->queued = 0;
    req->replies = 0;
    req->exec = (u_char *) &req[1];
    req->canceled = 0;

    valid = (ncmds > 0);

    for (i = 0; i < ncmds; i++) {

        /* hiredis asserts on a command without a name */

        if (cmds[i].argc < 1 || cmds[i].argv == NULL
            || cmds[i].argvlen == NULL)
        {
            valid = 0;
            break;
        }

        req->exec[i] = (cmds[i].argvlen[0] == 4
                        && ngx_strncasecmp((u_char *) cmds[i].argv[0],
                                           (u_char *) "EXEC", 4)
                           == 0);
    }

    if (!valid) {
        ngx_log_error(NGX_LOG_ALERT, log, 0, "invalid redis command");
        ngx_http_privacy_redis_fail_later(link, req);
        return req;
    }

    /*
     * Commands wait in hiredis for the first connection of the worker only,
     * during an outage they fail at once instead of queueing up.
     */

    if (link->ac == NULL
        || link->state == NGX_HTTP_PRIVACY_REDIS_DOWN
        || (link->state == NGX_HTTP_PRIVACY_REDIS_CONNECTING
            && (link->outage || link->exiting)))
    {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, log, 0,
                       "redis not connected, request %p fails", req);

        ngx_http_privacy_redis_fail_later(link, req);
        return req;
    }

    for (i = 0; i < ncmds; i++) {
        if (redisAsyncCommandArgv(link->ac, ngx_http_privacy_redis_reply,
                                  req, cmds[i].argc, cmds[i].argv,
                                  cmds[i].argvlen)
            != REDIS_OK)
        {
            break;
        }

        req->queued++;
    }

    if (req->queued == 0) {
        /* hiredis is closing the connection */
        ngx_http_privacy_redis_fail_later(link, req);
        return req;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, log, 0,
                   "redis request %p: %ui of %ui commands queued",
                   req, req->queued, ncmds);

    req->deadline = ngx_current_msec + link->conf->timeout;
    req->start = ngx_http_privacy_metrics_usec();

    ngx_queue_insert_tail(&link->pending, &req->queue);

    if (!link->timer.timer_set) {
        ngx_add_timer(&link->timer, link->conf->timeout);
    }

    if (req->queued < ncmds) {

        /*
         * Out of memory in hiredis: the commands sent without the others,
         * say a MULTI without its EXEC, would break the replies of all
         * requests that follow, so the connection is reset.
         */

        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "redis command could not be queued: %s, "
                      "resetting connection",
                      ngx_http_privacy_redis_strerror(link->ac));

        req->rc = NGX_ERROR;

        if (!link->close_event.posted) {
            ngx_post_event(&link->close_event, &ngx_posted_events);
        }
    }

    return req;
}


void
ngx_http_privacy_redis_cancel(ngx_http_privacy_redis_req_t *req)
{
    if (req == NULL) {
        return;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, req->log, 0,
                   "redis request %p canceled", req);

    /* the request stays until hiredis gives its callbacks back */

    req->canceled = 1;
    req->handler = NULL;
    req->data = NULL;
    req->log = ngx_cycle->log;
}


static void
ngx_http_privacy_redis_link_init(ngx_http_privacy_redis_link_t *link,
    ngx_log_t *log)
{
    if (link->initialized) {
        return;
    }

    link->log = log;
    link->state = NGX_HTTP_PRIVACY_REDIS_DOWN;
    link->fail_rc = NGX_ERROR;
    link->backoff = NGX_HTTP_PRIVACY_REDIS_BACKOFF_MIN;

    ngx_queue_init(&link->pending);
    ngx_queue_init(&link->failed);

    /* a worker may exit while Redis is away or slow to answer a connect */

    link->reconnect.handler = ngx_http_privacy_redis_reconnect_handler;
    link->reconnect.data = link;
    link->reconnect.log = log;
    link->reconnect.cancelable = 1;

    link->connect_timer.handler = ngx_http_privacy_redis_connect_timeout;
    link->connect_timer.data = link;
    link->connect_timer.log = log;
    link->connect_timer.cancelable = 1;

    /*
     * Not cancelable: requests wait for the replies, so an exiting worker
     * waits at most one timeout for them, as for any upstream.
     */

    link->timer.handler = ngx_http_privacy_redis_timeout;
    link->timer.data = link;
    link->timer.log = log;

    link->fail_event.handler = ngx_http_privacy_redis_fail_handler;
    link->fail_event.data = link;
    link->fail_event.log = log;

    link->close_event.handler = ngx_http_privacy_redis_close_handler;
    link->close_event.data = link;
    link->close_event.log = log;

    link->initialized = 1;
}


static ngx_uint_t
ngx_http_privacy_redis_stopping(ngx_http_privacy_redis_link_t *link)
{
    return link->exiting || ngx_exiting || ngx_terminate || ngx_quit;
}


/*
 * A failure starts an outage.  Its first report is an error, and so is a
 * new reason; the retries that fail the same way are only info: the log
 * gets no line per request nor per retry.
 */

static void ngx_cdecl
ngx_http_privacy_redis_failure(ngx_http_privacy_redis_link_t *link,
    ngx_err_t err, const char *fmt, ...)
{
    u_char      *p;
    size_t       len;
    va_list      args;
    ngx_uint_t   level;
    u_char       msg[NGX_HTTP_PRIVACY_REDIS_MSG_LEN];

    va_start(args, fmt);
    p = ngx_vslprintf(msg, msg + sizeof(msg), fmt, args);
    va_end(args);

    len = p - msg;

    if (link->outage
        && len == link->last_len
        && ngx_memcmp(msg, link->last, len) == 0)
    {
        level = NGX_LOG_INFO;

    } else {
        level = NGX_LOG_ERR;
        link->last_len = len;
        ngx_memcpy(link->last, msg, len);
    }

    link->outage = 1;

    ngx_log_error(level, link->log, err, "%*s", len, msg);
}


static const char *
ngx_http_privacy_redis_strerror(redisAsyncContext *ac)
{
    return ac->c.err ? ac->c.errstr : "unknown error";
}


static void
ngx_http_privacy_redis_connect(ngx_http_privacy_redis_link_t *link)
{
    u_char                         *last;
    ngx_int_t                       rc;
    redisAsyncContext              *ac;
    ngx_http_privacy_redis_conf_t  *rcf;

    rcf = link->conf;

    if (link->ac != NULL || rcf == NULL
        || ngx_http_privacy_redis_stopping(link))
    {
        return;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, link->log, 0,
                   "redis connect to %V", &rcf->addr_text);

    /* non-blocking, and no DNS: the address is a literal */

    if (rcf->path) {
        ac = redisAsyncConnectUnix((const char *) rcf->path);

    } else {
        ac = redisAsyncConnect((const char *) rcf->host, rcf->port);
    }

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ALERT, link->log, 0,
                      "redis connect to %V failed: out of memory",
                      &rcf->addr_text);
        goto failed;
    }

    if (ac->err) {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis connect to %V failed: %s",
                                       &rcf->addr_text,
                                       ngx_http_privacy_redis_strerror(ac));
        redisAsyncFree(ac);
        goto failed;
    }

    rc = ngx_http_privacy_redis_attach(ac, link->log,
                                       &ngx_http_privacy_redis_hooks, link);

    if (rc != NGX_OK) {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis connect to %V failed: %s",
                                       &rcf->addr_text,
                                       rc == NGX_DECLINED
                                       ? "no free connection"
                                       : "out of memory");
        redisAsyncFree(ac);
        goto failed;
    }

    link->ac = ac;
    link->state = NGX_HTTP_PRIVACY_REDIS_CONNECTING;
    link->handshake = 0;
    link->fail_rc = NGX_ERROR;
    link->closing = 0;

    ac->data = link;

    /* no hiredis timeout is set, nginx timers do it for both versions */

    ngx_add_timer(&link->connect_timer, rcf->connect_timeout);

    /* hiredis waits for the socket to be writable to finish the connect */

    (void) redisAsyncSetConnectCallback(ac, ngx_http_privacy_redis_connected);

    /*
     * The handshake goes first in the pipeline; without AUTH and SELECT a
     * PING makes sure the server accepts commands before it is used.
     */

    if (rcf->password.len
        && ngx_http_privacy_redis_greet(link, "AUTH", rcf->password.data,
                                        rcf->password.len)
           != NGX_OK)
    {
        goto broken;
    }

    if (rcf->db) {
        last = ngx_sprintf(link->db, "%ui", rcf->db);

        if (ngx_http_privacy_redis_greet(link, "SELECT", link->db,
                                         last - link->db)
            != NGX_OK)
        {
            goto broken;
        }
    }

    if (link->handshake == 0
        && ngx_http_privacy_redis_greet(link, "PING", NULL, 0) != NGX_OK)
    {
        goto broken;
    }

    return;

broken:

    ngx_http_privacy_redis_failure(link, 0, "redis connect to %V failed: %s",
                                   &rcf->addr_text,
                                   ngx_http_privacy_redis_strerror(ac));

    ngx_http_privacy_redis_close(link, NGX_ERROR);

    return;

failed:

    ngx_http_privacy_redis_schedule(link);
}


/* one command of the handshake, with one argument or none (arg is NULL) */

static ngx_int_t
ngx_http_privacy_redis_greet(ngx_http_privacy_redis_link_t *link,
    const char *name, u_char *arg, size_t len)
{
    size_t       argvlen[2];
    const char  *argv[2];

    argv[0] = name;
    argvlen[0] = ngx_strlen(name);
    argv[1] = (const char *) arg;
    argvlen[1] = len;

    if (redisAsyncCommandArgv(link->ac, ngx_http_privacy_redis_handshake,
                              (void *) name, arg ? 2 : 1, argv, argvlen)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    link->handshake++;

    return NGX_OK;
}


static void
ngx_http_privacy_redis_schedule(ngx_http_privacy_redis_link_t *link)
{
    if (link->reconnect.timer_set || ngx_http_privacy_redis_stopping(link)) {
        return;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, link->log, 0,
                   "redis reconnect in %M ms", link->backoff);

    ngx_add_timer(&link->reconnect, link->backoff);

    link->backoff = ngx_min(link->backoff * 2,
                            NGX_HTTP_PRIVACY_REDIS_BACKOFF_MAX);
}


/*
 * Closes the connection; the requests waiting for replies get rc.  Inside a
 * hiredis callback redisAsyncFree() only marks the context, hiredis frees it
 * when the callback returns.  The cleanup hook finishes the job.
 */

static void
ngx_http_privacy_redis_close(ngx_http_privacy_redis_link_t *link,
    ngx_int_t rc)
{
    redisAsyncContext  *ac;

    ac = link->ac;

    if (ac == NULL || link->closing) {
        return;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, link->log, 0,
                   "redis close, rc: %i", rc);

    link->closing = 1;
    link->state = NGX_HTTP_PRIVACY_REDIS_DOWN;
    link->fail_rc = rc;

    redisAsyncFree(ac);
}


/* the handler is never called from inside ngx_http_privacy_redis_send() */

static void
ngx_http_privacy_redis_fail_later(ngx_http_privacy_redis_link_t *link,
    ngx_http_privacy_redis_req_t *req)
{
    ngx_queue_insert_tail(&link->failed, &req->queue);

    if (!link->fail_event.posted) {
        ngx_post_event(&link->fail_event, &ngx_posted_events);
    }
}


static void
ngx_http_privacy_redis_reconnect_handler(ngx_event_t *ev)
{
    ngx_http_privacy_redis_link_t  *link;

    link = ev->data;

    ngx_http_privacy_redis_connect(link);
}


static void
ngx_http_privacy_redis_connect_timeout(ngx_event_t *ev)
{
    ngx_http_privacy_redis_link_t  *link;

    link = ev->data;

    if (link->ac == NULL
        || link->state != NGX_HTTP_PRIVACY_REDIS_CONNECTING)
    {
        return;
    }

    ngx_http_privacy_redis_failure(link, NGX_ETIMEDOUT,
                                   "redis connect to %V timed out",
                                   &link->conf->addr_text);

    ngx_http_privacy_redis_close(link, NGX_ERROR);
}


/*
 * The oldest command is late.  Redis replies in order, so all the commands
 * behind it are late as well, and what the connection carries is unknown:
 * it is closed and opened again.
 */

static void
ngx_http_privacy_redis_timeout(ngx_event_t *ev)
{
    ngx_msec_int_t                  left;
    ngx_http_privacy_redis_req_t   *req;
    ngx_http_privacy_redis_link_t  *link;

    link = ev->data;

    if (ngx_queue_empty(&link->pending)) {
        return;
    }

    req = ngx_queue_data(ngx_queue_head(&link->pending),
                         ngx_http_privacy_redis_req_t, queue);

    /* the timer is armed once and moved lazily as replies arrive */

    left = (ngx_msec_int_t) (req->deadline - ngx_current_msec);

    if (left > 0) {
        ngx_add_timer(ev, (ngx_msec_t) left);
        return;
    }

    ngx_http_privacy_redis_failure(link, NGX_ETIMEDOUT,
                                   "redis at %V timed out after %M ms, "
                                   "reconnecting", &link->conf->addr_text,
                                   link->conf->timeout);

    ngx_http_privacy_redis_close(link, NGX_HTTP_PRIVACY_REDIS_TIMEOUT);
}


static void
ngx_http_privacy_redis_fail_handler(ngx_event_t *ev)
{
    ngx_queue_t                     failed, *q;
    ngx_http_privacy_redis_req_t   *req;
    ngx_http_privacy_redis_link_t  *link;

    link = ev->data;

    if (ngx_queue_empty(&link->failed)) {
        return;
    }

    /* a handler may send again: that request waits for the next round */

    ngx_queue_init(&failed);
    ngx_queue_add(&failed, &link->failed);
    ngx_queue_init(&link->failed);

    while (!ngx_queue_empty(&failed)) {
        q = ngx_queue_head(&failed);
        ngx_queue_remove(q);

        req = ngx_queue_data(q, ngx_http_privacy_redis_req_t, queue);

        if (!req->canceled) {
            req->handler(req->data, NGX_ERROR, NULL);
        }

        ngx_free(req);
    }
}


static void
ngx_http_privacy_redis_close_handler(ngx_event_t *ev)
{
    ngx_http_privacy_redis_reset(ev->data);
}


/*
 * The adapter's hooks.  hiredis calls cleanup once per context, just before
 * it closes the socket: hiredis 0.14 after the callbacks of the lost
 * replies, hiredis 1.x before them when the connection fails.
 */

static void
ngx_http_privacy_redis_cleanup(void *data)
{
    ngx_http_privacy_redis_link_t  *link = data;

    const char                     *err;
    ngx_http_privacy_redis_conf_t  *rcf;

    rcf = link->conf;

    if (!link->closing) {
        err = ngx_http_privacy_redis_strerror(link->ac);

        if (link->state == NGX_HTTP_PRIVACY_REDIS_READY) {
            ngx_http_privacy_redis_failure(link, 0,
                                           "redis connection to %V lost: %s",
                                           &rcf->addr_text, err);

        } else {
            ngx_http_privacy_redis_failure(link, 0,
                                           "redis connect to %V failed: %s",
                                           &rcf->addr_text, err);
        }
    }

    link->ac = NULL;
    link->state = NGX_HTTP_PRIVACY_REDIS_DOWN;

    if (link->connect_timer.timer_set) {
        ngx_del_timer(&link->connect_timer);
    }

    if (link->timer.timer_set) {
        ngx_del_timer(&link->timer);
    }

    if (link->close_event.posted) {
        ngx_delete_posted_event(&link->close_event);
    }

    /* a timer, never from here: this runs inside hiredis */
    ngx_http_privacy_redis_schedule(link);
}


/* the nginx events failed, or hiredis could not queue all of a request */

static void
ngx_http_privacy_redis_reset(void *data)
{
    ngx_http_privacy_redis_link_t  *link = data;

    if (link->ac == NULL) {
        return;
    }

    ngx_http_privacy_redis_failure(link, 0, "redis connection to %V reset",
                                   &link->conf->addr_text);

    ngx_http_privacy_redis_close(link, NGX_ERROR);
}


/*
 * The worker starts exiting, or worker_shutdown_timeout expired (now).  An
 * exiting worker still finishes the requests it has accepted: a ready
 * connection serves them, is not opened again once lost, and is closed in
 * ngx_http_privacy_redis_stop().  It has no timer when idle, so it never
 * holds the worker.
 */

static void
ngx_http_privacy_redis_exiting(void *data, ngx_uint_t now)
{
    ngx_http_privacy_redis_link_t  *link = data;

    link->exiting = 1;

    if (now || link->state != NGX_HTTP_PRIVACY_REDIS_READY) {
        ngx_http_privacy_redis_close(link, NGX_ERROR);
    }
}


static void
ngx_http_privacy_redis_connected(const redisAsyncContext *ac, int status)
{
    /*
     * Nothing to do: a failure is reported and handled in the cleanup hook.
     * hiredis 0.14 calls this outside of its callback protection, so the
     * context must not be freed here.
     */

    (void) ac;
    (void) status;

    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, ngx_http_privacy_redis_link.log, 0,
                   "redis connect status: %d", status);
}


static void
ngx_http_privacy_redis_handshake(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    ngx_http_privacy_redis_link_t  *link;

    link = &ngx_http_privacy_redis_link;

    if (reply == NULL || ac != link->ac) {
        /* the connection is closing and the reason is logged */
        return;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis %s on %V failed: \"%*s\"",
                                       (char *) privdata,
                                       &link->conf->addr_text,
                                       (size_t) reply->len, reply->str);

        ngx_http_privacy_redis_close(link, NGX_ERROR);
        return;
    }

    if (--link->handshake) {
        return;
    }

    link->state = NGX_HTTP_PRIVACY_REDIS_READY;
    link->backoff = NGX_HTTP_PRIVACY_REDIS_BACKOFF_MIN;

    if (link->connect_timer.timer_set) {
        ngx_del_timer(&link->connect_timer);
    }

    if (link->outage) {
        link->outage = 0;
        ngx_log_error(NGX_LOG_NOTICE, link->log, 0,
                      "redis connection to %V restored",
                      &link->conf->addr_text);

    } else {
        ngx_log_error(NGX_LOG_INFO, link->log, 0,
                      "redis connected to %V", &link->conf->addr_text);
    }
}


static void
ngx_http_privacy_redis_reply(redisAsyncContext *ac, void *r, void *privdata)
{
    redisReply                     *reply = r;
    ngx_http_privacy_redis_req_t   *req = privdata;

    ngx_uint_t                      n;
    ngx_http_privacy_redis_link_t  *link;

    (void) ac;

    link = &ngx_http_privacy_redis_link;

    n = req->replies++;

    if (reply == NULL) {
        /* the connection is lost or closed */

        if (req->rc == NGX_OK) {
            req->rc = link->fail_rc;
        }

    } else if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, req->log, 0,
                      "redis replied with an error: \"%*s\"",
                      (size_t) reply->len, reply->str);
        req->rc = NGX_ERROR;

    } else if (req->exec[n]
               && ngx_http_privacy_redis_check_exec(req, reply) != NGX_OK)
    {
        req->rc = NGX_ERROR;
    }

    if (req->replies < req->queued) {
        return;
    }

    ngx_queue_remove(&req->queue);

    if (ngx_queue_empty(&link->pending) && link->timer.timer_set) {
        ngx_del_timer(&link->timer);
    }

    ngx_http_privacy_metric_redis_rtt(ngx_http_privacy_metrics_usec()
                                      - req->start);

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, req->log, 0,
                   "redis request %p done, rc: %i, canceled: %d",
                   req, req->rc, req->canceled);

    if (!req->canceled) {
        req->handler(req->data, req->rc,
                     req->rc == NGX_OK ? reply : NULL);
    }

    ngx_free(req);
}


/* EXEC is nil when a WATCHed key changed; its elements may be errors */

static ngx_int_t
ngx_http_privacy_redis_check_exec(ngx_http_privacy_redis_req_t *req,
    redisReply *reply)
{
    size_t       i;
    redisReply  *e;

    if (reply->type == REDIS_REPLY_NIL) {
        ngx_log_error(NGX_LOG_ERR, req->log, 0,
                      "redis transaction aborted");
        return NGX_ERROR;
    }

    if (reply->type != REDIS_REPLY_ARRAY) {
        return NGX_OK;
    }

    for (i = 0; i < reply->elements; i++) {
        e = reply->element[i];

        if (e != NULL && e->type == REDIS_REPLY_ERROR) {
            ngx_log_error(NGX_LOG_ERR, req->log, 0,
                          "redis command %uz of transaction failed: \"%*s\"",
                          i + 1, (size_t) e->len, e->str);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}
