
/*
 * ngx_http_privacy_module: the requests to Redis.
 *
 * Every worker holds one link to Redis (ngx_http_privacy_redis_link.c);
 * the commands of all requests are pipelined on it, and Redis answers them
 * in order.  A request late past timeout= makes the link close and open
 * again, and so fails with the requests behind it; while Redis is away a
 * request fails at once, and the consent endpoint refuses a decision it
 * cannot record.
 *
 * With wait=N, a WAIT N follows each request that ends with EXEC: the
 * request succeeds only when N replicas hold what the transaction wrote.
 * A -READONLY reply tells the link that the primary has moved.
 *
 * Requests are malloc()ed and owned here, a canceled one stays until
 * hiredis is done with it, so a late reply never reaches a freed request or
 * r->pool.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_redis.h"
#include "ngx_http_privacy_redis_link.h"


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
    ngx_uint_t                          wait;       /* its index, or 0 */
    u_char                             *exec;       /* per command: EXEC */
    unsigned                            canceled:1;
};


/* the worker's link and requests */
typedef struct {
    ngx_http_privacy_redis_link_t       link;

    ngx_queue_t                         pending;    /* sent, oldest first */
    ngx_queue_t                         failed;     /* never sent */

    ngx_event_t                         timer;      /* oldest command */
    ngx_event_t                         fail_event;

    unsigned                            initialized:1;
} ngx_http_privacy_redis_worker_t;


static void ngx_http_privacy_redis_init(ngx_http_privacy_redis_worker_t *rw,
    ngx_log_t *log);
static void ngx_http_privacy_redis_fail_later(
    ngx_http_privacy_redis_worker_t *rw, ngx_http_privacy_redis_req_t *req);
static void ngx_http_privacy_redis_timeout(ngx_event_t *ev);
static void ngx_http_privacy_redis_fail_handler(ngx_event_t *ev);
static void ngx_http_privacy_redis_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static ngx_int_t ngx_http_privacy_redis_check_exec(
    ngx_http_privacy_redis_req_t *req, redisReply *reply);
static ngx_int_t ngx_http_privacy_redis_check_wait(
    ngx_http_privacy_redis_req_t *req, redisReply *reply);
static void ngx_http_privacy_redis_readonly(ngx_http_privacy_redis_req_t *req,
    redisReply *reply);


static ngx_http_privacy_redis_worker_t  ngx_http_privacy_redis_worker;


void
ngx_http_privacy_redis_start(ngx_http_privacy_redis_conf_t *rcf,
    ngx_log_t *log)
{
    ngx_http_privacy_redis_worker_t  *rw;

    rw = &ngx_http_privacy_redis_worker;

    ngx_http_privacy_redis_init(rw, log);

    ngx_http_privacy_redis_link_open(&rw->link, rcf, log);
}


void
ngx_http_privacy_redis_stop(ngx_log_t *log)
{
    ngx_queue_t                      *q;
    ngx_http_privacy_redis_req_t     *req;
    ngx_http_privacy_redis_worker_t  *rw;

    rw = &ngx_http_privacy_redis_worker;

    if (!rw->initialized) {
        return;
    }

    /* the process goes away with its requests: call no handler */

    for (q = ngx_queue_head(&rw->pending);
         q != ngx_queue_sentinel(&rw->pending);
         q = ngx_queue_next(q))
    {
        req = ngx_queue_data(q, ngx_http_privacy_redis_req_t, queue);
        req->canceled = 1;
        req->log = log;
    }

    while (!ngx_queue_empty(&rw->failed)) {
        q = ngx_queue_head(&rw->failed);
        ngx_queue_remove(q);

        req = ngx_queue_data(q, ngx_http_privacy_redis_req_t, queue);
        ngx_free(req);
    }

    /* the replies lost free the pending requests */

    ngx_http_privacy_redis_link_stop(&rw->link, log);

    if (rw->timer.timer_set) {
        ngx_del_timer(&rw->timer);
    }

    if (rw->fail_event.posted) {
        ngx_delete_posted_event(&rw->fail_event);
    }
}


ngx_http_privacy_redis_req_t *
ngx_http_privacy_redis_send(ngx_log_t *log,
    ngx_http_privacy_redis_cmd_t *cmds, ngx_uint_t ncmds,
    ngx_http_privacy_redis_handler_pt handler, void *data)
{
    size_t                            argvlen[3];
    ngx_msec_t                        timeout;
    ngx_uint_t                        i, valid, want;
    const char                       *argv[3];
    redisAsyncContext                *ac;
    ngx_http_privacy_redis_req_t     *req;
    ngx_http_privacy_redis_conf_t    *rcf;
    ngx_http_privacy_redis_worker_t  *rw;
    u_char                            wait[NGX_INT_T_LEN];
    u_char                            wait_ms[NGX_INT_T_LEN];

    rw = &ngx_http_privacy_redis_worker;

    ngx_http_privacy_redis_init(rw, ngx_cycle->log);

    /* room for a WAIT after the EXEC */
    req = ngx_alloc(sizeof(ngx_http_privacy_redis_req_t) + ncmds + 1, log);
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
    req->wait = 0;
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
        ngx_http_privacy_redis_fail_later(rw, req);
        return req;
    }

    ac = ngx_http_privacy_redis_link_context(&rw->link);

    if (ac == NULL) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, log, 0,
                       "redis not connected, request %p fails", req);

        ngx_http_privacy_redis_fail_later(rw, req);
        return req;
    }

    for (i = 0; i < ncmds; i++) {
        if (redisAsyncCommandArgv(ac, ngx_http_privacy_redis_reply,
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
        ngx_http_privacy_redis_fail_later(rw, req);
        return req;
    }

    rcf = rw->link.conf;
    timeout = rcf->timeout;

    /*
     * WAIT blocks this connection until the replicas answer or
     * wait_timeout passes: every request may wait behind one, so each
     * gets the wait_timeout on top of its own.
     */

    if (rcf->wait) {
        timeout += rcf->wait_timeout;
    }

    want = ncmds;

    if (rcf->wait && req->exec[ncmds - 1]) {
        want++;
    }

    if (want > ncmds && req->queued == ncmds) {
        argv[0] = "WAIT";
        argvlen[0] = 4;
        argv[1] = (const char *) wait;
        argvlen[1] = ngx_sprintf(wait, "%ui", rcf->wait) - wait;
        argv[2] = (const char *) wait_ms;
        argvlen[2] = ngx_sprintf(wait_ms, "%M", rcf->wait_timeout) - wait_ms;

        req->exec[ncmds] = 0;

        if (redisAsyncCommandArgv(ac, ngx_http_privacy_redis_reply, req,
                                  3, argv, argvlen)
            == REDIS_OK)
        {
            req->wait = ncmds;
            req->queued++;
        }
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, log, 0,
                   "redis request %p: %ui of %ui commands queued",
                   req, req->queued, ncmds);

    req->deadline = ngx_current_msec + timeout;
    req->start = ngx_http_privacy_metrics_usec();

    ngx_queue_insert_tail(&rw->pending, &req->queue);

    if (!rw->timer.timer_set) {
        ngx_add_timer(&rw->timer, timeout);
    }

    if (req->queued < want) {

        /*
         * Out of memory in hiredis: the commands sent without the others,
         * say a MULTI without its EXEC, would break the replies of all
         * requests that follow, so the connection is reset.
         */

        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "redis command could not be queued: %s, "
                      "resetting connection",
                      ngx_http_privacy_redis_strerror(ac));

        req->rc = NGX_ERROR;

        ngx_http_privacy_redis_link_reset(&rw->link);
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
ngx_http_privacy_redis_init(ngx_http_privacy_redis_worker_t *rw,
    ngx_log_t *log)
{
    if (rw->initialized) {
        return;
    }

    ngx_queue_init(&rw->pending);
    ngx_queue_init(&rw->failed);

    /*
     * Not cancelable: requests wait for the replies, so an exiting worker
     * waits at most one timeout for them, as for any upstream.
     */

    rw->timer.handler = ngx_http_privacy_redis_timeout;
    rw->timer.data = rw;
    rw->timer.log = log;

    rw->fail_event.handler = ngx_http_privacy_redis_fail_handler;
    rw->fail_event.data = rw;
    rw->fail_event.log = log;

    rw->initialized = 1;
}


/* the handler is never called from inside ngx_http_privacy_redis_send() */

static void
ngx_http_privacy_redis_fail_later(ngx_http_privacy_redis_worker_t *rw,
    ngx_http_privacy_redis_req_t *req)
{
    ngx_queue_insert_tail(&rw->failed, &req->queue);

    if (!rw->fail_event.posted) {
        ngx_post_event(&rw->fail_event, &ngx_posted_events);
    }
}


/*
 * The oldest command is late.  Redis replies in order, so all the commands
 * behind it are late as well, and what the connection carries is unknown:
 * it is closed and opened again.
 */

static void
ngx_http_privacy_redis_timeout(ngx_event_t *ev)
{
    ngx_msec_int_t                    left;
    ngx_http_privacy_redis_req_t     *req;
    ngx_http_privacy_redis_conf_t    *rcf;
    ngx_http_privacy_redis_worker_t  *rw;

    rw = ev->data;

    if (ngx_queue_empty(&rw->pending)) {
        return;
    }

    req = ngx_queue_data(ngx_queue_head(&rw->pending),
                         ngx_http_privacy_redis_req_t, queue);

    /* the timer is armed once and moved lazily as replies arrive */

    left = (ngx_msec_int_t) (req->deadline - ngx_current_msec);

    if (left > 0) {
        ngx_add_timer(ev, (ngx_msec_t) left);
        return;
    }

    rcf = rw->link.conf;

    ngx_http_privacy_redis_failure(&rw->link, NGX_ETIMEDOUT,
                                   "redis at %V timed out after %M ms, "
                                   "reconnecting", &rw->link.addr.addr_text,
                                   rcf->timeout);

    ngx_http_privacy_redis_link_close(&rw->link,
                                      NGX_HTTP_PRIVACY_REDIS_TIMEOUT);
}


static void
ngx_http_privacy_redis_fail_handler(ngx_event_t *ev)
{
    ngx_queue_t                       failed, *q;
    ngx_http_privacy_redis_req_t     *req;
    ngx_http_privacy_redis_worker_t  *rw;

    rw = ev->data;

    if (ngx_queue_empty(&rw->failed)) {
        return;
    }

    /* a handler may send again: that request waits for the next round */

    ngx_queue_init(&failed);
    ngx_queue_add(&failed, &rw->failed);
    ngx_queue_init(&rw->failed);

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
ngx_http_privacy_redis_reply(redisAsyncContext *ac, void *r, void *privdata)
{
    redisReply                       *reply = r;
    ngx_http_privacy_redis_req_t     *req = privdata;

    ngx_uint_t                        n, level;
    ngx_http_privacy_redis_worker_t  *rw;

    (void) ac;

    rw = &ngx_http_privacy_redis_worker;

    n = req->replies++;

    if (reply == NULL) {
        /* the connection is lost or closed */

        if (req->rc == NGX_OK) {
            req->rc = rw->link.fail_rc;
        }

    } else if (reply->type == REDIS_REPLY_ERROR) {
        /*
         * the first error says why: a full Redis answers OOM to each
         * command of a transaction and then EXECABORT, four lines per
         * decision in a flood
         */
        level = (req->rc == NGX_OK) ? NGX_LOG_ERR : NGX_LOG_DEBUG;

        ngx_log_error(level, req->log, 0,
                      "redis replied with an error: \"%*s\"",
                      (size_t) reply->len, reply->str);
        req->rc = NGX_ERROR;

        ngx_http_privacy_redis_readonly(req, reply);

    } else if (req->exec[n]
               && ngx_http_privacy_redis_check_exec(req, reply) != NGX_OK)
    {
        req->rc = NGX_ERROR;

    } else if (req->wait && n == req->wait && req->rc == NGX_OK
               && ngx_http_privacy_redis_check_wait(req, reply) != NGX_OK)
    {
        req->rc = NGX_ERROR;
    }

    if (req->replies < req->queued) {
        return;
    }

    ngx_queue_remove(&req->queue);

    if (ngx_queue_empty(&rw->pending) && rw->timer.timer_set) {
        ngx_del_timer(&rw->timer);
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


/*
 * WAIT answers how many replicas hold the writes so far: fewer than
 * wait=N after wait_timeout, and the decision is not acknowledged.  The
 * primary has it, and a failover now may lose it.
 */

static ngx_int_t
ngx_http_privacy_redis_check_wait(ngx_http_privacy_redis_req_t *req,
    redisReply *reply)
{
    ngx_http_privacy_redis_conf_t  *rcf;

    rcf = ngx_http_privacy_redis_worker.link.conf;

    if (reply->type == REDIS_REPLY_INTEGER
        && reply->integer >= (long long) rcf->wait)
    {
        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_ERR, req->log, 0,
                  "redis WAIT: %L of %ui replicas acknowledged within %M ms",
                  reply->type == REDIS_REPLY_INTEGER
                  ? (int64_t) reply->integer : (int64_t) -1,
                  rcf->wait, rcf->wait_timeout);

    return NGX_ERROR;
}


/* a replica: the primary has moved, the link asks where to */

static void
ngx_http_privacy_redis_readonly(ngx_http_privacy_redis_req_t *req,
    redisReply *reply)
{
    (void) req;

    if (reply->len >= 8 && ngx_strncmp(reply->str, "READONLY", 8) == 0) {
        ngx_http_privacy_redis_link_readonly(
                                        &ngx_http_privacy_redis_worker.link);
    }
}
