
/*
 * ngx_http_privacy_module: the worker's link to Redis.
 *
 * One hiredis asynchronous context, put on nginx's event loop by
 * ngx_http_privacy_redis_adapter.c.  The handshake (AUTH, SELECT, or a
 * PING) goes first in its pipeline; connecting has an nginx timer (hiredis
 * 0.14 has none), and a lost connection is opened again from a timer with a
 * growing delay, so Redis can go away and come back without a reload.
 * While it is away, and while it is first opened again, commands fail at
 * once (ngx_http_privacy_redis_link_context()).
 *
 * With sentinels (ngx_http_privacy_redis_sentinel.c) the address is asked
 * of them before each connect, and the handshake ends with ROLE: a server
 * that is not the primary is closed and the sentinels asked again.  So is
 * one that answers -READONLY, one whose connection is lost, and one a
 * sentinel announces a new primary for (+switch-master), at once.
 *
 * Nothing connects from inside hiredis, reconnects come from a timer; a
 * callback closes only through redisAsyncFree(), which hiredis defers until
 * the callback returns.
 */


#include "ngx_http_privacy_redis_link.h"
#include "ngx_http_privacy_redis_adapter.h"
#include "ngx_http_privacy_redis_tls.h"


/* the reconnect delay doubles from MIN to MAX while Redis is away */
#define NGX_HTTP_PRIVACY_REDIS_BACKOFF_MIN  100
#define NGX_HTTP_PRIVACY_REDIS_BACKOFF_MAX  5000

#define NGX_HTTP_PRIVACY_REDIS_DOWN         0
#define NGX_HTTP_PRIVACY_REDIS_CONNECTING   1  /* until the handshake ends */
#define NGX_HTTP_PRIVACY_REDIS_READY        2


static ngx_uint_t ngx_http_privacy_redis_stopping(
    ngx_http_privacy_redis_link_t *link);
static void ngx_http_privacy_redis_connect(
    ngx_http_privacy_redis_link_t *link);
static ngx_int_t ngx_http_privacy_redis_greet(
    ngx_http_privacy_redis_link_t *link, const char *name, ngx_str_t *arg1,
    ngx_str_t *arg2);
static ngx_int_t ngx_http_privacy_redis_role(
    ngx_http_privacy_redis_link_t *link, redisReply *reply);
static void ngx_http_privacy_redis_found(void *data, ngx_int_t rc,
    u_char *host, int port);
static void ngx_http_privacy_redis_switched(void *data);
static void ngx_http_privacy_redis_schedule(
    ngx_http_privacy_redis_link_t *link);

static void ngx_http_privacy_redis_reconnect_handler(ngx_event_t *ev);
static void ngx_http_privacy_redis_connect_timeout(ngx_event_t *ev);
static void ngx_http_privacy_redis_close_handler(ngx_event_t *ev);

static void ngx_http_privacy_redis_cleanup(void *data);
static void ngx_http_privacy_redis_reset(void *data);
static void ngx_http_privacy_redis_exiting(void *data, ngx_uint_t now);

static void ngx_http_privacy_redis_connected(const redisAsyncContext *ac,
    int status);
static void ngx_http_privacy_redis_handshake(redisAsyncContext *ac, void *r,
    void *privdata);


/* what the adapter tells the link */
static ngx_http_privacy_redis_hooks_t  ngx_http_privacy_redis_hooks = {
    ngx_http_privacy_redis_cleanup,
    ngx_http_privacy_redis_reset,
    ngx_http_privacy_redis_exiting
};


void
ngx_http_privacy_redis_link_open(ngx_http_privacy_redis_link_t *link,
    ngx_http_privacy_redis_conf_t *rcf, ngx_log_t *log)
{
    link->conf = rcf;
    link->log = log;
    link->state = NGX_HTTP_PRIVACY_REDIS_DOWN;

    if (rcf->nsentinels) {
        /* until a sentinel names the primary */
        link->addr.addr_text = rcf->master;
        link->known = 0;

        ngx_http_privacy_redis_sentinel_init(&link->sentinel, rcf, log,
                                             ngx_http_privacy_redis_found,
                                             ngx_http_privacy_redis_switched,
                                             link);
    } else {
        link->addr = rcf->addr;
        link->known = 1;
    }

    link->fail_rc = NGX_ERROR;
    link->backoff = NGX_HTTP_PRIVACY_REDIS_BACKOFF_MIN;

    /* a worker may exit while Redis is away or slow to answer a connect */

    link->reconnect.handler = ngx_http_privacy_redis_reconnect_handler;
    link->reconnect.data = link;
    link->reconnect.log = log;
    link->reconnect.cancelable = 1;

    link->connect_timer.handler = ngx_http_privacy_redis_connect_timeout;
    link->connect_timer.data = link;
    link->connect_timer.log = log;
    link->connect_timer.cancelable = 1;

    link->close_event.handler = ngx_http_privacy_redis_close_handler;
    link->close_event.data = link;
    link->close_event.log = log;

    ngx_http_privacy_redis_connect(link);
}


void
ngx_http_privacy_redis_link_stop(ngx_http_privacy_redis_link_t *link,
    ngx_log_t *log)
{
    link->log = log;
    link->exiting = 1;

    ngx_http_privacy_redis_link_close(link, NGX_ERROR);

    if (link->conf && link->conf->nsentinels) {
        ngx_http_privacy_redis_sentinel_stop(&link->sentinel);
    }

    if (link->reconnect.timer_set) {
        ngx_del_timer(&link->reconnect);
    }

    if (link->connect_timer.timer_set) {
        ngx_del_timer(&link->connect_timer);
    }

    if (link->close_event.posted) {
        ngx_delete_posted_event(&link->close_event);
    }
}


/*
 * Commands wait in hiredis for the first connection of the worker only,
 * during an outage they fail at once instead of queueing up.
 */

redisAsyncContext *
ngx_http_privacy_redis_link_context(ngx_http_privacy_redis_link_t *link)
{
    if (link->ac == NULL
        || link->state == NGX_HTTP_PRIVACY_REDIS_DOWN
        || (link->state == NGX_HTTP_PRIVACY_REDIS_CONNECTING
            && (link->outage || link->exiting)))
    {
        return NULL;
    }

    return link->ac;
}


/*
 * Closes the connection; the requests waiting for replies get rc.  Inside a
 * hiredis callback redisAsyncFree() only marks the context, hiredis frees it
 * when the callback returns.  The cleanup hook finishes the job.
 */

void
ngx_http_privacy_redis_link_close(ngx_http_privacy_redis_link_t *link,
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


/* closes from the event loop, never from inside hiredis */

void
ngx_http_privacy_redis_link_reset(ngx_http_privacy_redis_link_t *link)
{
    if (!link->close_event.posted) {
        ngx_post_event(&link->close_event, &ngx_posted_events);
    }
}


/*
 * A replica answers writes with -READONLY: the primary moved.  Without
 * sentinels the address is all there is, and the connection stays.
 */

void
ngx_http_privacy_redis_link_readonly(ngx_http_privacy_redis_link_t *link)
{
    if (link->conf->nsentinels == 0 || link->ac == NULL || link->closing) {
        return;
    }

    if (link->known) {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis %V is read-only, asking the "
                                       "sentinels for the primary of "
                                       "\"%V\"", &link->addr.addr_text,
                                       &link->conf->master);
    }

    link->known = 0;

    ngx_http_privacy_redis_link_reset(link);
}


/*
 * A failure starts an outage.  Its first report is an error, and so is a
 * new reason; the retries that fail the same way are only info: the log
 * gets no line per request nor per retry.
 */

void ngx_cdecl
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


const char *
ngx_http_privacy_redis_strerror(redisAsyncContext *ac)
{
    return ac->c.err ? ac->c.errstr : "unknown error";
}


static ngx_uint_t
ngx_http_privacy_redis_stopping(ngx_http_privacy_redis_link_t *link)
{
    return link->exiting || ngx_exiting || ngx_terminate || ngx_quit;
}


static void
ngx_http_privacy_redis_connect(ngx_http_privacy_redis_link_t *link)
{
    ngx_int_t                       rc;
    ngx_str_t                       db, *arg1, *arg2;
    redisAsyncContext              *ac;
    ngx_http_privacy_redis_conf_t  *rcf;

    rcf = link->conf;

    if (link->ac != NULL || rcf == NULL
        || ngx_http_privacy_redis_stopping(link))
    {
        return;
    }

    if (!link->known) {
        /* ngx_http_privacy_redis_found() goes on */
        ngx_http_privacy_redis_sentinel_ask(&link->sentinel);
        return;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, link->log, 0,
                   "redis connect to %V", &link->addr.addr_text);

    /* non-blocking, and no DNS: the address is a literal */

    if (link->addr.path) {
        ac = redisAsyncConnectUnix((const char *) link->addr.path);

    } else {
        ac = redisAsyncConnect((const char *) link->addr.host,
                               link->addr.port);
    }

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ALERT, link->log, 0,
                      "redis connect to %V failed: out of memory",
                      &link->addr.addr_text);
        goto failed;
    }

    if (ac->err) {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis connect to %V failed: %s",
                                       &link->addr.addr_text,
                                       ngx_http_privacy_redis_strerror(ac));
        redisAsyncFree(ac);
        goto failed;
    }

    /* tls=on: the handshake starts now, and ends in the reads and writes */

    if (rcf->tls
        && ngx_http_privacy_redis_tls_start(ac, rcf, &link->ssl) != NGX_OK)
    {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis connect to %V failed: %s",
                                       &link->addr.addr_text,
                                       ngx_http_privacy_redis_strerror(ac));
        redisAsyncFree(ac);
        goto failed;
    }

    rc = ngx_http_privacy_redis_attach(ac, link->log,
                                       &ngx_http_privacy_redis_hooks, link);

    if (rc != NGX_OK) {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis connect to %V failed: %s",
                                       &link->addr.addr_text,
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
     * PING makes sure the server accepts commands before it is used, and
     * with sentinels ROLE that it is the primary.  AUTH is the ACL form
     * with user=.
     */

    if (rcf->password.len) {
        arg1 = rcf->user.len ? &rcf->user : &rcf->password;
        arg2 = rcf->user.len ? &rcf->password : NULL;

        if (ngx_http_privacy_redis_greet(link, "AUTH", arg1, arg2)
            != NGX_OK)
        {
            goto broken;
        }
    }

    if (rcf->db) {
        db.data = link->db;
        db.len = ngx_sprintf(link->db, "%ui", rcf->db) - link->db;

        if (ngx_http_privacy_redis_greet(link, "SELECT", &db, NULL)
            != NGX_OK)
        {
            goto broken;
        }
    }

    if (rcf->nsentinels) {
        if (ngx_http_privacy_redis_greet(link, "ROLE", NULL, NULL)
            != NGX_OK)
        {
            goto broken;
        }

    } else if (link->handshake == 0
               && ngx_http_privacy_redis_greet(link, "PING", NULL, NULL)
                  != NGX_OK)
    {
        goto broken;
    }

    return;

broken:

    ngx_http_privacy_redis_failure(link, 0, "redis connect to %V failed: %s",
                                   &link->addr.addr_text,
                                   ngx_http_privacy_redis_strerror(ac));

    ngx_http_privacy_redis_link_close(link, NGX_ERROR);

    return;

failed:

    ngx_http_privacy_redis_schedule(link);
}


/* one command of the handshake, with up to two arguments (or NULL) */

static ngx_int_t
ngx_http_privacy_redis_greet(ngx_http_privacy_redis_link_t *link,
    const char *name, ngx_str_t *arg1, ngx_str_t *arg2)
{
    int          argc;
    size_t       argvlen[3];
    const char  *argv[3];

    argc = 1;
    argv[0] = name;
    argvlen[0] = ngx_strlen(name);

    if (arg1) {
        argv[argc] = (const char *) arg1->data;
        argvlen[argc++] = arg1->len;
    }

    if (arg2) {
        argv[argc] = (const char *) arg2->data;
        argvlen[argc++] = arg2->len;
    }

    if (redisAsyncCommandArgv(link->ac, ngx_http_privacy_redis_handshake,
                              (void *) name, argc, argv, argvlen)
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
                                   &link->addr.addr_text);

    ngx_http_privacy_redis_link_close(link, NGX_ERROR);
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
    u_char                          buf[NGX_HTTP_PRIVACY_REDIS_TLS_ERR_LEN];

    rcf = link->conf;

    if (!link->closing) {
        /* a TLS failure says what failed, hiredis only that it did */
        err = ngx_http_privacy_redis_tls_error(link->ac, link->ssl, buf);

        if (link->state == NGX_HTTP_PRIVACY_REDIS_READY) {
            ngx_http_privacy_redis_failure(link, 0,
                                           "redis connection to %V lost: %s",
                                           &link->addr.addr_text, err);

        } else {
            ngx_http_privacy_redis_failure(link, 0,
                                           "redis connect to %V failed: %s",
                                           &link->addr.addr_text, err);
        }
    }

    link->ac = NULL;
    link->ssl = NULL;
    link->state = NGX_HTTP_PRIVACY_REDIS_DOWN;

    /* the primary may have moved: the sentinels are asked again */
    if (rcf->nsentinels) {
        link->known = 0;
    }

    if (link->connect_timer.timer_set) {
        ngx_del_timer(&link->connect_timer);
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
                                   &link->addr.addr_text);

    ngx_http_privacy_redis_link_close(link, NGX_ERROR);
}


/*
 * The worker starts exiting, or worker_shutdown_timeout expired (now).  An
 * exiting worker still finishes the requests it has accepted: a ready
 * connection serves them, is not opened again once lost, and is closed in
 * ngx_http_privacy_redis_link_stop().  It has no timer when idle, so it
 * never holds the worker.
 */

static void
ngx_http_privacy_redis_exiting(void *data, ngx_uint_t now)
{
    ngx_http_privacy_redis_link_t  *link = data;

    link->exiting = 1;

    if (now || link->state != NGX_HTTP_PRIVACY_REDIS_READY) {
        ngx_http_privacy_redis_link_close(link, NGX_ERROR);
    }
}


static void
ngx_http_privacy_redis_connected(const redisAsyncContext *ac, int status)
{
    ngx_http_privacy_redis_link_t  *link = ac->data;

    /*
     * Nothing to do: a failure is reported and handled in the cleanup hook.
     * hiredis 0.14 calls this outside of its callback protection, so the
     * context must not be freed here.
     */

    (void) link;
    (void) status;

    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, link->log, 0,
                   "redis connect status: %d", status);
}


static void
ngx_http_privacy_redis_handshake(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply  *reply = r;

    ngx_http_privacy_redis_link_t  *link;

    link = ac->data;

    if (reply == NULL || ac != link->ac) {
        /* the connection is closing and the reason is logged */
        return;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis %s on %V failed: \"%*s\"",
                                       (char *) privdata,
                                       &link->addr.addr_text,
                                       (size_t) reply->len, reply->str);

        ngx_http_privacy_redis_link_close(link, NGX_ERROR);
        return;
    }

    if (ngx_strcmp(privdata, "ROLE") == 0
        && ngx_http_privacy_redis_role(link, reply) != NGX_OK)
    {
        link->known = 0;
        ngx_http_privacy_redis_link_close(link, NGX_ERROR);
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
                      &link->addr.addr_text);

    } else {
        ngx_log_error(NGX_LOG_INFO, link->log, 0,
                      "redis connected to %V", &link->addr.addr_text);
    }
}


/* ROLE's first element is "master" on the primary */

static ngx_int_t
ngx_http_privacy_redis_role(ngx_http_privacy_redis_link_t *link,
    redisReply *reply)
{
    redisReply  *role;

    if (reply->type == REDIS_REPLY_ARRAY && reply->elements > 0) {
        role = reply->element[0];

        if (role->type == REDIS_REPLY_STRING && role->len == 6
            && ngx_strncmp(role->str, "master", 6) == 0)
        {
            return NGX_OK;
        }

        if (role->type == REDIS_REPLY_STRING) {
            ngx_http_privacy_redis_failure(link, 0,
                                           "redis %V is not the primary of "
                                           "\"%V\": ROLE says \"%*s\", "
                                           "asking the sentinels again",
                                           &link->addr.addr_text,
                                           &link->conf->master,
                                           (size_t) ngx_min(role->len, 32),
                                           role->str);
            return NGX_ERROR;
        }
    }

    ngx_http_privacy_redis_failure(link, 0,
                                   "redis %V gave no role, asking the "
                                   "sentinels again", &link->addr.addr_text);

    return NGX_ERROR;
}


/* the sentinels' answer, from the event loop */

static void
ngx_http_privacy_redis_found(void *data, ngx_int_t rc, u_char *host,
    int port)
{
    ngx_http_privacy_redis_link_t  *link = data;

    size_t                          len;
    ngx_http_privacy_redis_conf_t  *rcf;

    rcf = link->conf;

    if (ngx_http_privacy_redis_stopping(link) || link->ac != NULL) {
        return;
    }

    if (rc != NGX_OK) {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis sentinels gave no primary of "
                                       "\"%V\"", &rcf->master);
        ngx_http_privacy_redis_schedule(link);
        return;
    }

    len = ngx_strlen(host);

    ngx_memcpy(link->host, host, len + 1);

    link->addr.host = link->host;
    link->addr.port = port;
    link->addr.path = NULL;

    link->addr.addr_text.data = link->addr_buf;
    link->addr.addr_text.len = ngx_snprintf(link->addr_buf,
                                            sizeof(link->addr_buf),
                                            ngx_strchr(host, ':')
                                            ? "[%s]:%d" : "%s:%d",
                                            host, port)
                               - link->addr_buf;
    link->known = 1;

    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, link->log, 0,
                   "redis primary is %V", &link->addr.addr_text);

    ngx_http_privacy_redis_connect(link);
}


/*
 * A sentinel announced a new primary: the connection to the old one, if
 * any, is closed (its requests fail, the decisions fail closed) and the
 * sentinels asked at once, not after the delay a failure grew.
 */

static void
ngx_http_privacy_redis_switched(void *data)
{
    ngx_http_privacy_redis_link_t  *link = data;

    link->known = 0;
    link->backoff = NGX_HTTP_PRIVACY_REDIS_BACKOFF_MIN;

    if (link->ac) {
        ngx_http_privacy_redis_link_reset(link);
        return;
    }

    if (link->reconnect.timer_set) {
        ngx_del_timer(&link->reconnect);
        ngx_add_timer(&link->reconnect, NGX_HTTP_PRIVACY_REDIS_BACKOFF_MIN);
    }
}
