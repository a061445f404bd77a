
/*
 * ngx_http_privacy_module: hiredis's asynchronous API on nginx's event loop.
 *
 * ngx_http_privacy_redis_attach() makes an nginx connection on the
 * context's descriptor and installs the hooks hiredis calls when it wants
 * to read or write or no longer does (addRead, delRead, addWrite,
 * delWrite), when it lets go of the context (cleanup) and, in hiredis 1.x,
 * when it wants a timeout (scheduleTimer).  The nginx events in turn call
 * redisAsyncHandleRead(), redisAsyncHandleWrite() and, in hiredis 1.x,
 * redisAsyncHandleTimeout().
 *
 * Rules that keep this safe:
 *
 *   - hiredis closes its socket itself after calling the cleanup hook, so
 *     the nginx connection is freed there with its descriptor left open;
 *   - hiredis may let go of the context from inside the calls made by the
 *     handlers here: cleanup then only marks the adapter deleted, and the
 *     handler frees it when it returns, as hiredis's libevent adapter does;
 *   - the hooks run inside the handlers and inside hiredis: they only note
 *     what hiredis wants, a handler sets the events when it returns, and a
 *     failure to set them reaches the owner from a posted event.
 */


#include "ngx_http_privacy_redis_adapter.h"


/* redisAsyncHandleRead() calls, 16k each, before other events get a turn */
#define NGX_HTTP_PRIVACY_REDIS_READS  64


typedef struct {
    redisAsyncContext                  *context;
    ngx_connection_t                   *connection;
    ngx_http_privacy_redis_hooks_t     *hooks;
    void                               *data;

    ngx_event_t                         error;      /* tells the owner */
#if (HIREDIS_MAJOR >= 1)
    ngx_event_t                         timer;      /* scheduleTimer */
#endif

    unsigned                            reading:1;  /* hiredis wants to */
    unsigned                            writing:1;
    unsigned                            entered:1;  /* in a handler */
    unsigned                            deleted:1;  /* cleanup came then */
} ngx_http_privacy_redis_events_t;


static void ngx_http_privacy_redis_read_handler(ngx_event_t *rev);
static void ngx_http_privacy_redis_write_handler(ngx_event_t *wev);
static void ngx_http_privacy_redis_error_handler(ngx_event_t *ev);
static ngx_int_t ngx_http_privacy_redis_leave(
    ngx_http_privacy_redis_events_t *e);
static void ngx_http_privacy_redis_update(ngx_http_privacy_redis_events_t *e);
static void ngx_http_privacy_redis_release(
    ngx_http_privacy_redis_events_t *e);

static void ngx_http_privacy_redis_add_read(void *privdata);
static void ngx_http_privacy_redis_del_read(void *privdata);
static void ngx_http_privacy_redis_add_write(void *privdata);
static void ngx_http_privacy_redis_del_write(void *privdata);
static void ngx_http_privacy_redis_ev_cleanup(void *privdata);

#if (HIREDIS_MAJOR >= 1)
static void ngx_http_privacy_redis_schedule_timer(void *privdata,
    struct timeval tv);
static void ngx_http_privacy_redis_timer_handler(ngx_event_t *ev);
#endif


ngx_int_t
ngx_http_privacy_redis_attach(redisAsyncContext *ac, ngx_log_t *log,
    ngx_http_privacy_redis_hooks_t *hooks, void *data)
{
    ngx_connection_t                 *c;
    ngx_http_privacy_redis_events_t  *e;

    if (ac->ev.data != NULL) {
        return NGX_ERROR;
    }

    e = ngx_calloc(sizeof(ngx_http_privacy_redis_events_t), log);
    if (e == NULL) {
        return NGX_ERROR;
    }

    c = ngx_get_connection((ngx_socket_t) ac->c.fd, log);
    if (c == NULL) {
        ngx_free(e);
        return NGX_DECLINED;
    }

    c->data = e;
    c->read->handler = ngx_http_privacy_redis_read_handler;
    c->write->handler = ngx_http_privacy_redis_write_handler;
    c->read->log = log;
    c->write->log = log;
    c->number = ngx_atomic_fetch_add(ngx_connection_counter, 1);

    /* ngx_close_idle_connections() tells when the worker starts exiting */
    c->idle = 1;

    e->context = ac;
    e->connection = c;
    e->hooks = hooks;
    e->data = data;

    e->error.handler = ngx_http_privacy_redis_error_handler;
    e->error.data = e;
    e->error.log = log;

    ac->ev.data = e;
    ac->ev.addRead = ngx_http_privacy_redis_add_read;
    ac->ev.delRead = ngx_http_privacy_redis_del_read;
    ac->ev.addWrite = ngx_http_privacy_redis_add_write;
    ac->ev.delWrite = ngx_http_privacy_redis_del_write;
    ac->ev.cleanup = ngx_http_privacy_redis_ev_cleanup;

#if (HIREDIS_MAJOR >= 1)

    /*
     * Cancelable: hiredis leaves the timer running when the replies are in,
     * so it must not hold an exiting worker.
     */

    e->timer.handler = ngx_http_privacy_redis_timer_handler;
    e->timer.data = e;
    e->timer.log = log;
    e->timer.cancelable = 1;

    ac->ev.scheduleTimer = ngx_http_privacy_redis_schedule_timer;
#endif

    return NGX_OK;
}


static void
ngx_http_privacy_redis_read_handler(ngx_event_t *rev)
{
    u_char                            buf;
    ssize_t                           n;
    ngx_err_t                         err;
    ngx_uint_t                        i;
    ngx_connection_t                 *c;
    ngx_http_privacy_redis_events_t  *e;

    c = rev->data;
    e = c->data;

    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, c->log, 0,
                   "redis read handler *%uA ready:%d", c->number, rev->ready);

    if (c->close) {

        /*
         * The worker starts exiting, or worker_shutdown_timeout expired.
         * Once told, the owner decides; the connection is idle no more.
         */

        c->close = 0;
        c->idle = 0;

        e->entered = 1;
        e->hooks->exiting(e->data, c->error);

        if (ngx_http_privacy_redis_leave(e) != NGX_OK) {
            return;
        }
    }

    if (!e->reading) {
        return;
    }

    e->entered = 1;

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

        redisAsyncHandleRead(e->context);

        if (e->deleted) {
            /* c is freed and may already serve someone else */
            break;
        }

        if (!(e->context->c.flags & REDIS_CONNECTED)) {
            /* a connect in progress, never seen in practice */
            rev->ready = 0;
            break;
        }
    }

    if (ngx_http_privacy_redis_leave(e) != NGX_OK) {
        return;
    }

    /* re-arms the read event, posts it when reads were left for later */
    ngx_http_privacy_redis_update(e);
}


static void
ngx_http_privacy_redis_write_handler(ngx_event_t *wev)
{
    ngx_connection_t                 *c;
    ngx_http_privacy_redis_events_t  *e;

    c = wev->data;
    e = c->data;

    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, c->log, 0,
                   "redis write handler *%uA ready:%d", c->number, wev->ready);

    if (!e->writing) {
        return;
    }

    e->entered = 1;

    redisAsyncHandleWrite(e->context);

    if (ngx_http_privacy_redis_leave(e) != NGX_OK) {
        return;
    }

    if (e->writing) {
        /* a short write or the connect in progress: wait for the event */
        wev->ready = 0;
    }

    ngx_http_privacy_redis_update(e);
}


static void
ngx_http_privacy_redis_error_handler(ngx_event_t *ev)
{
    ngx_http_privacy_redis_events_t  *e;

    e = ev->data;

    /* the owner closes the context: the events are not tried again */

    e->entered = 1;
    e->hooks->error(e->data);

    (void) ngx_http_privacy_redis_leave(e);
}


/* the end of a handler: NGX_DONE when hiredis let go meanwhile */

static ngx_int_t
ngx_http_privacy_redis_leave(ngx_http_privacy_redis_events_t *e)
{
    e->entered = 0;

    if (e->deleted) {
        ngx_free(e);
        return NGX_DONE;
    }

    return NGX_OK;
}


/*
 * Makes the nginx events follow what hiredis wants.  Inside the handlers it
 * waits for them to finish, and never calls hiredis itself: hiredis calls
 * the hooks from inside redisAsyncCommand() and its callbacks.
 */

static void
ngx_http_privacy_redis_update(ngx_http_privacy_redis_events_t *e)
{
    ngx_uint_t         level;
    ngx_event_t       *rev, *wev;
    ngx_connection_t  *c;

    if (e->entered) {
        return;
    }

    c = e->connection;
    rev = c->read;
    wev = c->write;

    level = (ngx_event_flags & NGX_USE_LEVEL_EVENT) ? NGX_LEVEL_EVENT : 0;

    if (e->reading) {
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

    if (e->writing) {
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

    /* hiredis cannot be told from here, the owner closes from the loop */

    if (!e->error.posted) {
        ngx_post_event(&e->error, &ngx_posted_events);
    }
}


/* hiredis closes the socket after cleanup: free the connection only */

static void
ngx_http_privacy_redis_release(ngx_http_privacy_redis_events_t *e)
{
    ngx_connection_t  *c;

    c = e->connection;
    e->connection = NULL;

    ngx_log_debug2(NGX_LOG_DEBUG_EVENT, c->log, 0,
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


static void
ngx_http_privacy_redis_add_read(void *privdata)
{
    ngx_http_privacy_redis_events_t  *e = privdata;

    e->reading = 1;
    ngx_http_privacy_redis_update(e);
}


static void
ngx_http_privacy_redis_del_read(void *privdata)
{
    ngx_http_privacy_redis_events_t  *e = privdata;

    e->reading = 0;
    ngx_http_privacy_redis_update(e);
}


static void
ngx_http_privacy_redis_add_write(void *privdata)
{
    ngx_http_privacy_redis_events_t  *e = privdata;

    e->writing = 1;
    ngx_http_privacy_redis_update(e);
}


static void
ngx_http_privacy_redis_del_write(void *privdata)
{
    ngx_http_privacy_redis_events_t  *e = privdata;

    e->writing = 0;
    ngx_http_privacy_redis_update(e);
}


/*
 * hiredis calls this once per context, just before it closes the socket:
 * hiredis 0.14 after the callbacks of the lost replies, hiredis 1.x before
 * them when the connection fails.  It may run inside the handlers above.
 */

static void
ngx_http_privacy_redis_ev_cleanup(void *privdata)
{
    ngx_http_privacy_redis_events_t  *e = privdata;

    /* no hook reaches this adapter again, whatever hiredis does next */
    ngx_memzero(&e->context->ev, sizeof(e->context->ev));

    ngx_http_privacy_redis_release(e);

    if (e->error.posted) {
        ngx_delete_posted_event(&e->error);
    }

#if (HIREDIS_MAJOR >= 1)
    if (e->timer.timer_set) {
        ngx_del_timer(&e->timer);
    }
#endif

    e->hooks->cleanup(e->data);

    if (e->entered) {
        /* the handler frees it when hiredis returns */
        e->deleted = 1;
        return;
    }

    ngx_free(e);
}


#if (HIREDIS_MAJOR >= 1)

/* hiredis asks again whenever it wants to read or write: the timer moves */

static void
ngx_http_privacy_redis_schedule_timer(void *privdata, struct timeval tv)
{
    ngx_http_privacy_redis_events_t  *e = privdata;

    ngx_add_timer(&e->timer,
                  (ngx_msec_t) tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
}


static void
ngx_http_privacy_redis_timer_handler(ngx_event_t *ev)
{
    ngx_http_privacy_redis_events_t  *e;

    e = ev->data;

    e->entered = 1;
    redisAsyncHandleTimeout(e->context);

    if (ngx_http_privacy_redis_leave(e) != NGX_OK) {
        return;
    }

    ngx_http_privacy_redis_update(e);
}

#endif
