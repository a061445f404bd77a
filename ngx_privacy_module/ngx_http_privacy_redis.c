
/*
 * ngx_http_privacy_module: hiredis on nginx's event loop.
 *
 * Every worker holds one hiredis asynchronous connection; the commands of
 * all requests are pipelined on it.  hiredis is driven by an nginx
 * connection made on its descriptor, connect, handshake and command
 * timeouts are nginx timers (hiredis 0.14 has none), and a lost connection
 * is opened again from a timer with a growing delay, so Redis can go away
 * and come back without a reload.
 *
 * Rules that keep this safe:
 *
 *   - hiredis closes its socket itself after calling the cleanup hook, so
 *     the nginx connection is freed there with its descriptor left open;
 *   - hiredis may tear the context down from inside redisAsyncHandleRead()
 *     or redisAsyncHandleWrite(): the event handlers check whether their
 *     connection survived before they touch it again;
 *   - requests are malloc()ed and owned here, a canceled one stays until
 *     hiredis is done with it, so a late reply never reaches a freed
 *     request or r->pool;
 *   - nothing connects from inside hiredis, reconnects come from a timer;
 *     a callback closes only through redisAsyncFree(), which hiredis
 *     defers until the callback returns.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_redis.h"

#include <hiredis/hiredis.h>
#include <hiredis/async.h>


#define NGX_HTTP_PRIVACY_REDIS_PORT         6379
#define NGX_HTTP_PRIVACY_REDIS_RETENTION    (3 * 365 * 24 * 60 * 60)
#define NGX_HTTP_PRIVACY_REDIS_PASSWORD_MAX 4096

/* the reconnect delay doubles from MIN to MAX while Redis is away */
#define NGX_HTTP_PRIVACY_REDIS_BACKOFF_MIN  100
#define NGX_HTTP_PRIVACY_REDIS_BACKOFF_MAX  5000

/* redisAsyncHandleRead() calls, 16k each, before other events get a turn */
#define NGX_HTTP_PRIVACY_REDIS_READS        64

#define NGX_HTTP_PRIVACY_REDIS_MSG_LEN      256

#define NGX_HTTP_PRIVACY_REDIS_DOWN         0
#define NGX_HTTP_PRIVACY_REDIS_CONNECTING   1  /* until the handshake ends */
#define NGX_HTTP_PRIVACY_REDIS_READY        2


typedef struct {
    ngx_str_t                           addr_text;  /* for the logs */
    u_char                             *host;       /* IP literal or NULL */
    int                                 port;
    u_char                             *path;       /* unix socket or NULL */
    ngx_uint_t                          db;
    ngx_str_t                           password;
    ngx_str_t                           prefix;
    ngx_msec_t                          connect_timeout;
    ngx_msec_t                          timeout;
    time_t                              retention;
} ngx_http_privacy_redis_conf_t;


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
    ngx_connection_t                   *connection;
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
    unsigned                            busy:1;     /* in hiredis I/O */
    unsigned                            reading:1;  /* hiredis wants to */
    unsigned                            writing:1;
    unsigned                            exiting:1;
} ngx_http_privacy_redis_link_t;


static char *ngx_http_privacy_redis_address(ngx_conf_t *cf,
    ngx_http_privacy_redis_conf_t *rcf, ngx_str_t *value);
static char *ngx_http_privacy_redis_password(ngx_conf_t *cf,
    ngx_http_privacy_redis_conf_t *rcf, ngx_str_t *file);

static void ngx_http_privacy_redis_link_init(
    ngx_http_privacy_redis_link_t *link, ngx_log_t *log);
static ngx_uint_t ngx_http_privacy_redis_stopping(
    ngx_http_privacy_redis_link_t *link);
static void ngx_cdecl ngx_http_privacy_redis_failure(
    ngx_http_privacy_redis_link_t *link, ngx_err_t err, const char *fmt, ...);
static const char *ngx_http_privacy_redis_strerror(redisAsyncContext *ac);

static void ngx_http_privacy_redis_connect(
    ngx_http_privacy_redis_link_t *link);
static void ngx_http_privacy_redis_schedule(
    ngx_http_privacy_redis_link_t *link);
static void ngx_http_privacy_redis_close(ngx_http_privacy_redis_link_t *link,
    ngx_int_t rc);
static void ngx_http_privacy_redis_release(
    ngx_http_privacy_redis_link_t *link);
static void ngx_http_privacy_redis_fail_later(
    ngx_http_privacy_redis_link_t *link, ngx_http_privacy_redis_req_t *req);

static void ngx_http_privacy_redis_reconnect_handler(ngx_event_t *ev);
static void ngx_http_privacy_redis_connect_timeout(ngx_event_t *ev);
static void ngx_http_privacy_redis_timeout(ngx_event_t *ev);
static void ngx_http_privacy_redis_fail_handler(ngx_event_t *ev);
static void ngx_http_privacy_redis_close_handler(ngx_event_t *ev);
static void ngx_http_privacy_redis_read_handler(ngx_event_t *rev);
static void ngx_http_privacy_redis_write_handler(ngx_event_t *wev);

static void ngx_http_privacy_redis_connected(const redisAsyncContext *ac,
    int status);
static void ngx_http_privacy_redis_handshake(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_privacy_redis_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static ngx_int_t ngx_http_privacy_redis_check_exec(
    ngx_http_privacy_redis_req_t *req, redisReply *reply);

static void ngx_http_privacy_redis_io(ngx_http_privacy_redis_link_t *link);
static void ngx_http_privacy_redis_add_read(void *privdata);
static void ngx_http_privacy_redis_del_read(void *privdata);
static void ngx_http_privacy_redis_add_write(void *privdata);
static void ngx_http_privacy_redis_del_write(void *privdata);
static void ngx_http_privacy_redis_cleanup(void *privdata);


static ngx_http_privacy_redis_link_t  ngx_http_privacy_redis_link;

static ngx_str_t  ngx_http_privacy_redis_default_prefix =
    ngx_string("privacy:");


char *
ngx_http_privacy_redis_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_main_conf_t *pmcf = conf;

    ngx_int_t                       n;
    ngx_str_t                      *value, s;
    ngx_uint_t                      i;
    ngx_http_privacy_redis_conf_t  *rcf;

    if (pmcf->redis) {
        return "is duplicate";
    }

    rcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_redis_conf_t));
    if (rcf == NULL) {
        return NGX_CONF_ERROR;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     rcf->db = 0;
     *     rcf->password = { 0, NULL };
     */

    rcf->prefix = ngx_http_privacy_redis_default_prefix;
    rcf->connect_timeout = 1000;
    rcf->timeout = 500;
    rcf->retention = NGX_HTTP_PRIVACY_REDIS_RETENTION;

    value = cf->args->elts;

    if (ngx_http_privacy_redis_address(cf, rcf, &value[1]) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "db=", 3) == 0) {
            n = ngx_atoi(value[i].data + 3, value[i].len - 3);
            if (n == NGX_ERROR) {
                goto invalid;
            }

            rcf->db = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "password_file=", 14) == 0) {
            s.len = value[i].len - 14;
            s.data = value[i].data + 14;

            if (s.len == 0) {
                goto invalid;
            }

            if (ngx_http_privacy_redis_password(cf, rcf, &s) != NGX_CONF_OK) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "prefix=", 7) == 0) {
            rcf->prefix.len = value[i].len - 7;
            rcf->prefix.data = value[i].data + 7;
            continue;
        }

        if (ngx_strncmp(value[i].data, "connect_timeout=", 16) == 0) {
            s.len = value[i].len - 16;
            s.data = value[i].data + 16;

            n = ngx_parse_time(&s, 0);
            if (n == NGX_ERROR || n == 0) {
                goto invalid;
            }

            rcf->connect_timeout = (ngx_msec_t) n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "timeout=", 8) == 0) {
            s.len = value[i].len - 8;
            s.data = value[i].data + 8;

            n = ngx_parse_time(&s, 0);
            if (n == NGX_ERROR || n == 0) {
                goto invalid;
            }

            rcf->timeout = (ngx_msec_t) n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "retention=", 10) == 0) {
            s.len = value[i].len - 10;
            s.data = value[i].data + 10;

            n = ngx_parse_time(&s, 1);
            if (n == NGX_ERROR || n == 0) {
                goto invalid;
            }

            rcf->retention = (time_t) n;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown option \"%V\" in \"%V\" directive, "
                           "use db=, password_file=, prefix=, "
                           "connect_timeout=, timeout= or retention=",
                           &value[i], &cmd->name);
        return NGX_CONF_ERROR;
    }

    pmcf->redis = rcf;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value of option \"%V\" in \"%V\" directive",
                       &value[i], &cmd->name);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_privacy_redis_address(ngx_conf_t *cf,
    ngx_http_privacy_redis_conf_t *rcf, ngx_str_t *value)
{
    size_t               len;
    u_char              *p;
    ngx_url_t            u;
    struct sockaddr_un  *saun;

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url = *value;
    u.default_port = NGX_HTTP_PRIVACY_REDIS_PORT;
    u.no_resolve = 1;

    if (ngx_parse_url(cf->pool, &u) != NGX_OK) {
        if (u.err) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%s in \"%V\" of the \"privacy_redis\" "
                               "directive", u.err, &u.url);
        }

        return NGX_CONF_ERROR;
    }

    /*
     * Only literals are accepted: resolving a name would block the worker
     * at every reconnect, and nginx's resolver is not worth it here.
     */

    if (u.naddrs == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "host name \"%V\" in the \"privacy_redis\" "
                           "directive is not supported, use an IP address "
                           "or unix:PATH: names are not resolved because "
                           "a DNS lookup would block the worker",
                           &u.host);
        return NGX_CONF_ERROR;
    }

    rcf->addr_text = u.addrs[0].name;

    if (u.family == AF_UNIX) {
        saun = (struct sockaddr_un *) u.addrs[0].sockaddr;

        len = ngx_strlen(saun->sun_path);

        rcf->path = ngx_pnalloc(cf->pool, len + 1);
        if (rcf->path == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memcpy(rcf->path, saun->sun_path, len + 1);

        return NGX_CONF_OK;
    }

    p = ngx_pnalloc(cf->pool, NGX_SOCKADDR_STRLEN + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    len = ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen, p,
                        NGX_SOCKADDR_STRLEN, 0);
    p[len] = '\0';

    rcf->host = p;
    rcf->port = ngx_inet_get_port(u.addrs[0].sockaddr);

    return NGX_CONF_OK;
}


static char *
ngx_http_privacy_redis_password(ngx_conf_t *cf,
    ngx_http_privacy_redis_conf_t *rcf, ngx_str_t *file)
{
    static ngx_str_t  directive = ngx_string("privacy_redis");

    if (ngx_http_privacy_conf_read_file(cf, &directive, file,
                                        NGX_HTTP_PRIVACY_REDIS_PASSWORD_MAX,
                                        &rcf->password, NULL)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_http_privacy_trim(&rcf->password);

    if (rcf->password.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "password_file \"%V\" of the \"privacy_redis\" "
                           "directive is empty", file);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


ngx_int_t
ngx_http_privacy_redis_init_process(ngx_cycle_t *cycle)
{
    ngx_http_privacy_redis_link_t  *link;
    ngx_http_privacy_main_conf_t   *pmcf;

    /* cache manager and loader processes record nothing */

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    pmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_privacy_module);
    if (pmcf == NULL || pmcf->redis == NULL) {
        return NGX_OK;
    }

    link = &ngx_http_privacy_redis_link;

    ngx_http_privacy_redis_link_init(link, cycle->log);

    link->conf = pmcf->redis;

    ngx_http_privacy_redis_connect(link);

    return NGX_OK;
}


void
ngx_http_privacy_redis_exit_process(ngx_cycle_t *cycle)
{
    ngx_queue_t                    *q;
    ngx_http_privacy_redis_req_t   *req;
    ngx_http_privacy_redis_link_t  *link;

    link = &ngx_http_privacy_redis_link;

    if (!link->initialized) {
        return;
    }

    link->log = cycle->log;
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


ngx_int_t
ngx_http_privacy_redis_configured(ngx_http_request_t *r)
{
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);

    return pmcf->redis != NULL;
}


ngx_str_t *
ngx_http_privacy_redis_prefix(ngx_http_request_t *r)
{
    ngx_http_privacy_main_conf_t   *pmcf;
    ngx_http_privacy_redis_conf_t  *rcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    rcf = pmcf->redis;

    return rcf ? &rcf->prefix : &ngx_http_privacy_redis_default_prefix;
}


time_t
ngx_http_privacy_redis_retention(ngx_http_request_t *r)
{
    ngx_http_privacy_main_conf_t   *pmcf;
    ngx_http_privacy_redis_conf_t  *rcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    rcf = pmcf->redis;

    return rcf ? rcf->retention : NGX_HTTP_PRIVACY_REDIS_RETENTION;
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
    int                             argc;
    u_char                         *last;
    size_t                          argvlen[2];
    const char                     *argv[2], *name;
    ngx_connection_t               *c;
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

    c = ngx_get_connection((ngx_socket_t) ac->c.fd, link->log);
    if (c == NULL) {
        ngx_http_privacy_redis_failure(link, 0,
                                       "redis connect to %V failed: "
                                       "no free connection",
                                       &rcf->addr_text);
        redisAsyncFree(ac);
        goto failed;
    }

    c->data = link;
    c->read->handler = ngx_http_privacy_redis_read_handler;
    c->write->handler = ngx_http_privacy_redis_write_handler;
    c->read->log = link->log;
    c->write->log = link->log;
    c->number = ngx_atomic_fetch_add(ngx_connection_counter, 1);

    /* ngx_close_idle_connections() tells when the worker starts exiting */
    c->idle = 1;

    link->ac = ac;
    link->connection = c;
    link->state = NGX_HTTP_PRIVACY_REDIS_CONNECTING;
    link->handshake = 0;
    link->fail_rc = NGX_ERROR;
    link->closing = 0;
    link->reading = 0;
    link->writing = 0;

    ac->data = link;
    ac->ev.data = link;
    ac->ev.addRead = ngx_http_privacy_redis_add_read;
    ac->ev.delRead = ngx_http_privacy_redis_del_read;
    ac->ev.addWrite = ngx_http_privacy_redis_add_write;
    ac->ev.delWrite = ngx_http_privacy_redis_del_write;
    ac->ev.cleanup = ngx_http_privacy_redis_cleanup;

#if (HIREDIS_MAJOR >= 1)
    /* no hiredis timeout is set, nginx timers do it for both versions */
    ac->ev.scheduleTimer = NULL;
#endif

    ngx_add_timer(&link->connect_timer, rcf->connect_timeout);

    /* hiredis waits for the socket to be writable to finish the connect */

    (void) redisAsyncSetConnectCallback(ac, ngx_http_privacy_redis_connected);

    /*
     * The handshake goes first in the pipeline; without AUTH and SELECT a
     * PING makes sure the server accepts commands before it is used.
     */

    if (rcf->password.len) {
        argv[0] = "AUTH";
        argvlen[0] = sizeof("AUTH") - 1;
        argv[1] = (const char *) rcf->password.data;
        argvlen[1] = rcf->password.len;
        argc = 2;
        name = "AUTH";

        if (redisAsyncCommandArgv(ac, ngx_http_privacy_redis_handshake,
                                  (void *) name, argc, argv, argvlen)
            != REDIS_OK)
        {
            goto broken;
        }

        link->handshake++;
    }

    if (rcf->db) {
        last = ngx_sprintf(link->db, "%ui", rcf->db);

        argv[0] = "SELECT";
        argvlen[0] = sizeof("SELECT") - 1;
        argv[1] = (const char *) link->db;
        argvlen[1] = last - link->db;
        argc = 2;
        name = "SELECT";

        if (redisAsyncCommandArgv(ac, ngx_http_privacy_redis_handshake,
                                  (void *) name, argc, argv, argvlen)
            != REDIS_OK)
        {
            goto broken;
        }

        link->handshake++;
    }

    if (link->handshake == 0) {
        argv[0] = "PING";
        argvlen[0] = sizeof("PING") - 1;
        argc = 1;
        name = "PING";

        if (redisAsyncCommandArgv(ac, ngx_http_privacy_redis_handshake,
                                  (void *) name, argc, argv, argvlen)
            != REDIS_OK)
        {
            goto broken;
        }

        link->handshake++;
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


/* hiredis closes the socket after this: free the connection only */

static void
ngx_http_privacy_redis_release(ngx_http_privacy_redis_link_t *link)
{
    ngx_connection_t  *c;

    c = link->connection;
    link->connection = NULL;

    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, link->log, 0,
                   "redis release connection *%uA fd:%d", c->number, c->fd);

    /* the descriptor is still open: remove it for real, not on close */

    if (c->read->active || c->write->active) {
        if (ngx_del_conn) {
            (void) ngx_del_conn(c, 0);

        } else {
            if (c->read->active) {
                (void) ngx_del_event(c->read, NGX_READ_EVENT, 0);
            }

            if (c->write->active) {
                (void) ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
            }
        }
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    c->read->closed = 1;
    c->write->closed = 1;

    ngx_free_connection(c);

    c->fd = (ngx_socket_t) -1;
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
    ngx_http_privacy_redis_link_t  *link;

    link = ev->data;

    if (link->ac == NULL) {
        return;
    }

    ngx_http_privacy_redis_failure(link, 0, "redis connection to %V reset",
                                   &link->conf->addr_text);

    ngx_http_privacy_redis_close(link, NGX_ERROR);
}


static void
ngx_http_privacy_redis_read_handler(ngx_event_t *rev)
{
    u_char                          buf;
    ssize_t                         n;
    ngx_err_t                       err;
    ngx_uint_t                      i;
    ngx_connection_t               *c;
    ngx_http_privacy_redis_link_t  *link;

    c = rev->data;
    link = c->data;

    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, link->log, 0,
                   "redis read handler *%uA ready:%d", c->number, rev->ready);

    if (c->close) {

        /*
         * The worker starts exiting, or worker_shutdown_timeout expired.
         * An exiting worker still finishes the requests it has accepted:
         * a ready connection serves them, is not opened again once lost,
         * and is closed in exit_process.  It has no timer when idle, so it
         * never holds the worker.
         */

        c->close = 0;
        c->idle = 0;
        link->exiting = 1;

        if (c->error || link->state != NGX_HTTP_PRIVACY_REDIS_READY) {
            ngx_http_privacy_redis_close(link, NGX_ERROR);
            return;
        }
    }

    if (!link->reading) {
        return;
    }

    link->busy = 1;

    for (i = 0; i < NGX_HTTP_PRIVACY_REDIS_READS; i++) {

        /*
         * epoll is edge-triggered and hiredis reads 16k at most: read
         * until the socket is empty.  EOF and errors are left to hiredis.
         */

        n = recv(c->fd, &buf, 1, MSG_PEEK);

        if (n == -1) {
            err = ngx_socket_errno;

            if (err == NGX_EAGAIN) {
                rev->ready = 0;
                break;
            }

            if (err == NGX_EINTR) {
                continue;
            }
        }

        redisAsyncHandleRead(link->ac);

        if (link->connection != c) {
            /* closed by hiredis, c may already serve someone else */
            link->busy = 0;
            return;
        }

        if (!(link->ac->c.flags & REDIS_CONNECTED)) {
            /* a connect in progress, never seen in practice */
            rev->ready = 0;
            break;
        }
    }

    link->busy = 0;

    /* re-arms the read event, posts it when reads were left for later */
    ngx_http_privacy_redis_io(link);
}


static void
ngx_http_privacy_redis_write_handler(ngx_event_t *wev)
{
    ngx_connection_t               *c;
    ngx_http_privacy_redis_link_t  *link;

    c = wev->data;
    link = c->data;

    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, link->log, 0,
                   "redis write handler *%uA ready:%d", c->number, wev->ready);

    if (!link->writing) {
        return;
    }

    link->busy = 1;

    redisAsyncHandleWrite(link->ac);

    link->busy = 0;

    if (link->connection != c) {
        return;
    }

    if (link->writing) {
        /* a short write or the connect in progress: wait for the event */
        wev->ready = 0;
    }

    ngx_http_privacy_redis_io(link);
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

    ngx_uint_t                      n, level;
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


/*
 * Makes the nginx events follow what hiredis wants.  Inside the handlers it
 * waits for them to finish, and never calls hiredis itself: hiredis calls
 * the hooks from inside redisAsyncCommand() and its callbacks.
 */

static void
ngx_http_privacy_redis_io(ngx_http_privacy_redis_link_t *link)
{
    ngx_uint_t         level;
    ngx_event_t       *rev, *wev;
    ngx_connection_t  *c;

    c = link->connection;

    if (c == NULL || link->busy) {
        return;
    }

    rev = c->read;
    wev = c->write;

    level = (ngx_event_flags & NGX_USE_LEVEL_EVENT) ? NGX_LEVEL_EVENT : 0;

    if (link->reading) {
        if (rev->ready) {
            /* an edge already seen: no new event would come */
            if (!rev->posted) {
                ngx_post_event(rev, &ngx_posted_events);
            }

        } else if (ngx_handle_read_event(rev, 0) != NGX_OK) {
            goto failed;
        }

    } else if (rev->active && !(ngx_event_flags & NGX_USE_CLEAR_EVENT)) {
        if (ngx_del_event(rev, NGX_READ_EVENT, level) != NGX_OK) {
            goto failed;
        }
    }

    if (link->writing) {
        if (wev->ready) {
            /* commands of many requests go out in one write */
            if (!wev->posted) {
                ngx_post_event(wev, &ngx_posted_events);
            }

        } else if (ngx_handle_write_event(wev, 0) != NGX_OK) {
            goto failed;
        }

    } else if (wev->active && !(ngx_event_flags & NGX_USE_CLEAR_EVENT)) {
        if (ngx_del_event(wev, NGX_WRITE_EVENT, level) != NGX_OK) {
            goto failed;
        }
    }

    return;

failed:

    /* hiredis cannot be told from here, close from the event loop */

    if (!link->close_event.posted) {
        ngx_post_event(&link->close_event, &ngx_posted_events);
    }
}


static void
ngx_http_privacy_redis_add_read(void *privdata)
{
    ngx_http_privacy_redis_link_t  *link = privdata;

    if (link->connection == NULL) {
        return;
    }

    link->reading = 1;
    ngx_http_privacy_redis_io(link);
}


static void
ngx_http_privacy_redis_del_read(void *privdata)
{
    ngx_http_privacy_redis_link_t  *link = privdata;

    if (link->connection == NULL) {
        return;
    }

    link->reading = 0;
    ngx_http_privacy_redis_io(link);
}


static void
ngx_http_privacy_redis_add_write(void *privdata)
{
    ngx_http_privacy_redis_link_t  *link = privdata;

    if (link->connection == NULL) {
        return;
    }

    link->writing = 1;
    ngx_http_privacy_redis_io(link);
}


static void
ngx_http_privacy_redis_del_write(void *privdata)
{
    ngx_http_privacy_redis_link_t  *link = privdata;

    if (link->connection == NULL) {
        return;
    }

    link->writing = 0;
    ngx_http_privacy_redis_io(link);
}


/*
 * hiredis calls this once per context, just before it closes the socket:
 * hiredis 0.14 after the callbacks of the lost replies, hiredis 1.x before
 * them when the connection fails.  It may run inside the event handlers.
 */

static void
ngx_http_privacy_redis_cleanup(void *privdata)
{
    ngx_http_privacy_redis_link_t  *link = privdata;

    const char                     *err;
    ngx_http_privacy_redis_conf_t  *rcf;

    if (link->connection == NULL) {
        return;
    }

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

    ngx_http_privacy_redis_release(link);

    link->ac = NULL;
    link->state = NGX_HTTP_PRIVACY_REDIS_DOWN;
    link->reading = 0;
    link->writing = 0;

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
