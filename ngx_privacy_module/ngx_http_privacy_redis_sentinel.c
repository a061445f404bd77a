
/*
 * ngx_http_privacy_module: Redis Sentinel for the worker's link.
 *
 * The primary's address is asked of the sentinels one after the other,
 * in the order privacy_redis names them, each within connect_timeout: the
 * first that answers SENTINEL get-master-addr-by-name with an IP literal
 * and a port gives it (the link then checks it with ROLE).  A second
 * connection, to the sentinel that answered, subscribes to +switch-master
 * and tells the link when the master the directive names has a new
 * primary; when it is lost it is opened again, to the next sentinel, after
 * a growing delay.
 *
 * With sentinel_password_file= each connection starts with AUTH, and with
 * tls=on with TLS, as the link's connections.
 *
 * Both connections are on nginx's event loop through the adapter; nothing
 * connects from inside hiredis (a posted event or a timer does), and an
 * answer is never given from inside hiredis either.
 */


#include "ngx_http_privacy_redis_sentinel.h"
#include "ngx_http_privacy_redis_adapter.h"
#include "ngx_http_privacy_redis_tls.h"

#include <arpa/inet.h>


#define NGX_HTTP_PRIVACY_SENTINEL_BACKOFF_MIN  100
#define NGX_HTTP_PRIVACY_SENTINEL_BACKOFF_MAX  5000


static void ngx_http_privacy_sentinel_try(
    ngx_http_privacy_redis_sentinel_t *s);
static redisAsyncContext *ngx_http_privacy_sentinel_connect(
    ngx_http_privacy_redis_sentinel_t *s, ngx_http_privacy_redis_addr_t *a,
    ngx_http_privacy_redis_hooks_t *hooks, void **ssl);
static ngx_int_t ngx_http_privacy_sentinel_greet(
    ngx_http_privacy_redis_sentinel_t *s, redisAsyncContext *ac);
static void ngx_http_privacy_sentinel_auth(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_privacy_sentinel_reply(redisAsyncContext *ac, void *r,
    void *privdata);
static ngx_int_t ngx_http_privacy_sentinel_address(
    ngx_http_privacy_redis_sentinel_t *s, redisReply *reply);
static void ngx_http_privacy_sentinel_timeout(ngx_event_t *ev);
static void ngx_http_privacy_sentinel_next(ngx_event_t *ev);

static void ngx_http_privacy_sentinel_subscribe(
    ngx_http_privacy_redis_sentinel_t *s);
static void ngx_http_privacy_sentinel_message(redisAsyncContext *ac, void *r,
    void *privdata);
static void ngx_http_privacy_sentinel_sub_timer(ngx_event_t *ev);

static void ngx_http_privacy_sentinel_cleanup(void *data);
static void ngx_http_privacy_sentinel_error(void *data);
static void ngx_http_privacy_sentinel_exiting(void *data, ngx_uint_t now);
static void ngx_http_privacy_sentinel_sub_cleanup(void *data);
static void ngx_http_privacy_sentinel_sub_error(void *data);
static void ngx_http_privacy_sentinel_sub_exiting(void *data,
    ngx_uint_t now);


static ngx_http_privacy_redis_hooks_t  ngx_http_privacy_sentinel_hooks = {
    ngx_http_privacy_sentinel_cleanup,
    ngx_http_privacy_sentinel_error,
    ngx_http_privacy_sentinel_exiting
};

static ngx_http_privacy_redis_hooks_t  ngx_http_privacy_sentinel_sub_hooks = {
    ngx_http_privacy_sentinel_sub_cleanup,
    ngx_http_privacy_sentinel_sub_error,
    ngx_http_privacy_sentinel_sub_exiting
};


void
ngx_http_privacy_redis_sentinel_init(ngx_http_privacy_redis_sentinel_t *s,
    ngx_http_privacy_redis_conf_t *rcf, ngx_log_t *log,
    ngx_http_privacy_redis_found_pt found,
    ngx_http_privacy_redis_switched_pt switched, void *data)
{
    s->conf = rcf;
    s->log = log;
    s->found = found;
    s->switched = switched;
    s->data = data;
    s->sub_backoff = NGX_HTTP_PRIVACY_SENTINEL_BACKOFF_MIN;

    s->timer.handler = ngx_http_privacy_sentinel_timeout;
    s->timer.data = s;
    s->timer.log = log;
    s->timer.cancelable = 1;

    s->next.handler = ngx_http_privacy_sentinel_next;
    s->next.data = s;
    s->next.log = log;

    s->sub_timer.handler = ngx_http_privacy_sentinel_sub_timer;
    s->sub_timer.data = s;
    s->sub_timer.log = log;
    s->sub_timer.cancelable = 1;
}


void
ngx_http_privacy_redis_sentinel_ask(ngx_http_privacy_redis_sentinel_t *s)
{
    if (s->asking || s->exiting) {
        return;
    }

    s->asking = 1;
    s->answered = 0;
    s->current = 0;

    ngx_http_privacy_sentinel_try(s);
}


void
ngx_http_privacy_redis_sentinel_stop(ngx_http_privacy_redis_sentinel_t *s)
{
    s->exiting = 1;

    /* the cleanup hooks run from inside redisAsyncFree() */

    if (s->ac) {
        redisAsyncFree(s->ac);
    }

    if (s->sub) {
        redisAsyncFree(s->sub);
    }

    if (s->timer.timer_set) {
        ngx_del_timer(&s->timer);
    }

    if (s->sub_timer.timer_set) {
        ngx_del_timer(&s->sub_timer);
    }

    if (s->next.posted) {
        ngx_delete_posted_event(&s->next);
    }
}


/* the sentinel s->current is asked, or the next that can be */

static void
ngx_http_privacy_sentinel_try(ngx_http_privacy_redis_sentinel_t *s)
{
    size_t                          argvlen[3];
    const char                     *argv[3];
    redisAsyncContext              *ac;
    ngx_http_privacy_redis_conf_t  *rcf;

    rcf = s->conf;

    argv[0] = "SENTINEL";
    argvlen[0] = sizeof("SENTINEL") - 1;
    argv[1] = "get-master-addr-by-name";
    argvlen[1] = sizeof("get-master-addr-by-name") - 1;
    argv[2] = (const char *) rcf->master.data;
    argvlen[2] = rcf->master.len;

    for ( /* void */ ; s->current < rcf->nsentinels; s->current++) {

        ac = ngx_http_privacy_sentinel_connect(s,
                                               &rcf->sentinels[s->current],
                                               &ngx_http_privacy_sentinel_hooks,
                                               &s->ssl);
        if (ac == NULL) {
            continue;
        }

        s->ac = ac;

        if (ngx_http_privacy_sentinel_greet(s, ac) != NGX_OK
            || redisAsyncCommandArgv(ac, ngx_http_privacy_sentinel_reply, s,
                                     3, argv, argvlen)
               != REDIS_OK)
        {
            /* the cleanup hook goes on with the next one */
            redisAsyncFree(ac);
            return;
        }

        ngx_add_timer(&s->timer, rcf->connect_timeout);

        return;
    }

    /* none answered: told from the event loop, as every answer */

    if (!s->next.posted) {
        ngx_post_event(&s->next, &ngx_posted_events);
    }
}


static redisAsyncContext *
ngx_http_privacy_sentinel_connect(ngx_http_privacy_redis_sentinel_t *s,
    ngx_http_privacy_redis_addr_t *a, ngx_http_privacy_redis_hooks_t *hooks,
    void **ssl)
{
    ngx_int_t                       rc;
    ngx_uint_t                      level;
    redisAsyncContext              *ac;
    ngx_http_privacy_redis_conf_t  *rcf;

    rcf = s->conf;

    level = s->failing ? NGX_LOG_INFO : NGX_LOG_WARN;

    ngx_log_debug1(NGX_LOG_DEBUG_EVENT, s->log, 0,
                   "redis sentinel connect to %V", &a->addr_text);

    /* non-blocking, and no DNS: the address is a literal */

    if (a->path) {
        ac = redisAsyncConnectUnix((const char *) a->path);

    } else {
        ac = redisAsyncConnect((const char *) a->host, a->port);
    }

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ALERT, s->log, 0,
                      "redis sentinel %V: out of memory", &a->addr_text);
        return NULL;
    }

    if (ac->err) {
        ngx_log_error(level, s->log, 0, "redis sentinel %V failed: %s",
                      &a->addr_text, ac->errstr);
        redisAsyncFree(ac);
        return NULL;
    }

    if (rcf->tls
        && ngx_http_privacy_redis_tls_start(ac, rcf, ssl) != NGX_OK)
    {
        ngx_log_error(level, s->log, 0, "redis sentinel %V failed: %s",
                      &a->addr_text, ac->c.errstr);
        redisAsyncFree(ac);
        return NULL;
    }

    rc = ngx_http_privacy_redis_attach(ac, s->log, hooks, s);

    if (rc != NGX_OK) {
        ngx_log_error(level, s->log, 0, "redis sentinel %V failed: %s",
                      &a->addr_text,
                      rc == NGX_DECLINED ? "no free connection"
                                         : "out of memory");
        redisAsyncFree(ac);
        return NULL;
    }

    return ac;
}


/* sentinel_password_file=: AUTH [user] password, first in the pipeline */

static ngx_int_t
ngx_http_privacy_sentinel_greet(ngx_http_privacy_redis_sentinel_t *s,
    redisAsyncContext *ac)
{
    int                             argc;
    size_t                          argvlen[3];
    const char                     *argv[3];
    ngx_http_privacy_redis_conf_t  *rcf;

    rcf = s->conf;

    if (rcf->sentinel_password.len == 0) {
        return NGX_OK;
    }

    argc = 0;
    argv[argc] = "AUTH";
    argvlen[argc++] = 4;

    if (rcf->sentinel_user.len) {
        argv[argc] = (const char *) rcf->sentinel_user.data;
        argvlen[argc++] = rcf->sentinel_user.len;
    }

    argv[argc] = (const char *) rcf->sentinel_password.data;
    argvlen[argc++] = rcf->sentinel_password.len;

    if (redisAsyncCommandArgv(ac, ngx_http_privacy_sentinel_auth, s, argc,
                              argv, argvlen)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* a sentinel refused the password: the connection is closed */

static void
ngx_http_privacy_sentinel_auth(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply                         *reply = r;
    ngx_http_privacy_redis_sentinel_t  *s = privdata;

    ngx_http_privacy_redis_addr_t  *a;

    if (reply == NULL || reply->type != REDIS_REPLY_ERROR || s->exiting) {
        return;
    }

    if (ac == s->ac) {
        a = &s->conf->sentinels[s->current];

    } else if (ac == s->sub) {
        a = &s->conf->sentinels[s->sub_current];

    } else {
        return;
    }

    ngx_log_error(NGX_LOG_ERR, s->log, 0,
                  "redis sentinel %V: AUTH failed: \"%*s\"", &a->addr_text,
                  (size_t) ngx_min(reply->len, 200), reply->str);

    /* freed when this returns; the cleanup hook goes on */
    redisAsyncFree(ac);
}


static void
ngx_http_privacy_sentinel_reply(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply                         *reply = r;
    ngx_http_privacy_redis_sentinel_t  *s = privdata;

    ngx_uint_t                      level;
    ngx_http_privacy_redis_addr_t  *a;

    if (reply == NULL || ac != s->ac) {
        /* closing: the cleanup hook goes on */
        return;
    }

    a = &s->conf->sentinels[s->current];
    level = s->failing ? NGX_LOG_INFO : NGX_LOG_WARN;

    if (ngx_http_privacy_sentinel_address(s, reply) == NGX_OK) {
        s->answered = 1;

        ngx_log_debug3(NGX_LOG_DEBUG_EVENT, s->log, 0,
                       "redis sentinel %V: primary %s:%d",
                       &a->addr_text, s->host, s->port);

    } else if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(level, s->log, 0,
                      "redis sentinel %V failed: \"%*s\"", &a->addr_text,
                      (size_t) ngx_min(reply->len, 200), reply->str);

    } else {
        ngx_log_error(level, s->log, 0,
                      "redis sentinel %V knows no primary of master \"%V\"",
                      &a->addr_text, &s->conf->master);
    }

    /* freed when this returns; the cleanup hook answers or goes on */
    redisAsyncFree(ac);
}


/* [ip, port], the ip a literal: a name would block the worker to resolve */

static ngx_int_t
ngx_http_privacy_sentinel_address(ngx_http_privacy_redis_sentinel_t *s,
    redisReply *reply)
{
    ngx_int_t         port;
    redisReply       *ip, *p;
    struct in6_addr   a6;

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        return NGX_ERROR;
    }

    ip = reply->element[0];
    p = reply->element[1];

    if (ip->type != REDIS_REPLY_STRING || p->type != REDIS_REPLY_STRING
        || ip->len == 0 || ip->len >= NGX_HTTP_PRIVACY_REDIS_IP_LEN)
    {
        return NGX_ERROR;
    }

    port = ngx_atoi((u_char *) p->str, p->len);
    if (port < 1 || port > 65535) {
        return NGX_ERROR;
    }

    ngx_memcpy(s->host, ip->str, ip->len);
    s->host[ip->len] = '\0';

    if (inet_pton(AF_INET, (char *) s->host, &a6) != 1
        && inet_pton(AF_INET6, (char *) s->host, &a6) != 1)
    {
        ngx_log_error(NGX_LOG_WARN, s->log, 0,
                      "redis sentinel gave \"%s\" as the primary: not an "
                      "IP address, ignored", s->host);
        return NGX_ERROR;
    }

    s->port = (int) port;

    return NGX_OK;
}


static void
ngx_http_privacy_sentinel_timeout(ngx_event_t *ev)
{
    ngx_uint_t                          level;
    ngx_http_privacy_redis_sentinel_t  *s;

    s = ev->data;

    if (s->ac == NULL) {
        return;
    }

    level = s->failing ? NGX_LOG_INFO : NGX_LOG_WARN;

    ngx_log_error(level, s->log, NGX_ETIMEDOUT, "redis sentinel %V timed out",
                  &s->conf->sentinels[s->current].addr_text);

    /* the cleanup hook goes on with the next one */
    redisAsyncFree(s->ac);
}


/* the answer, or the next sentinel; from the event loop */

static void
ngx_http_privacy_sentinel_next(ngx_event_t *ev)
{
    ngx_http_privacy_redis_sentinel_t  *s;

    s = ev->data;

    if (s->exiting || !s->asking) {
        return;
    }

    if (s->answered) {
        s->asking = 0;
        s->failing = 0;

        if (s->sub == NULL && !s->sub_timer.timer_set) {
            s->sub_current = s->current;
            ngx_http_privacy_sentinel_subscribe(s);
        }

        s->found(s->data, NGX_OK, s->host, s->port);
        return;
    }

    if (s->current < s->conf->nsentinels) {
        ngx_http_privacy_sentinel_try(s);
        return;
    }

    s->asking = 0;
    s->failing = 1;

    s->found(s->data, NGX_ERROR, NULL, 0);
}


static void
ngx_http_privacy_sentinel_subscribe(ngx_http_privacy_redis_sentinel_t *s)
{
    redisAsyncContext              *ac;
    ngx_http_privacy_redis_conf_t  *rcf;

    rcf = s->conf;

    if (s->exiting || s->sub) {
        return;
    }

    ac = ngx_http_privacy_sentinel_connect(s, &rcf->sentinels[s->sub_current],
                                           &ngx_http_privacy_sentinel_sub_hooks,
                                           &s->sub_ssl);
    if (ac == NULL) {
        s->sub_current = (s->sub_current + 1) % rcf->nsentinels;
        goto retry;
    }

    s->sub = ac;
    s->sub_ready = 0;

    if (ngx_http_privacy_sentinel_greet(s, ac) != NGX_OK
        || redisAsyncCommand(ac, ngx_http_privacy_sentinel_message, s,
                             "SUBSCRIBE +switch-master")
           != REDIS_OK)
    {
        /* the cleanup hook retries */
        redisAsyncFree(ac);
        return;
    }

    /* until the subscription is confirmed */
    ngx_add_timer(&s->sub_timer, rcf->connect_timeout);

    return;

retry:

    ngx_add_timer(&s->sub_timer, s->sub_backoff);

    s->sub_backoff = ngx_min(s->sub_backoff * 2,
                             NGX_HTTP_PRIVACY_SENTINEL_BACKOFF_MAX);
}


/*
 * ["subscribe", "+switch-master", 1] once, then per failover
 * ["message", "+switch-master", "NAME OLD-IP OLD-PORT NEW-IP NEW-PORT"]
 */

static void
ngx_http_privacy_sentinel_message(redisAsyncContext *ac, void *r,
    void *privdata)
{
    redisReply                         *reply = r;
    ngx_http_privacy_redis_sentinel_t  *s = privdata;

    redisReply                     *kind, *msg;
    ngx_http_privacy_redis_conf_t  *rcf;

    if (reply == NULL || ac != s->sub || s->exiting) {
        return;
    }

    rcf = s->conf;

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
        return;
    }

    kind = reply->element[0];
    msg = reply->element[2];

    if (kind->type != REDIS_REPLY_STRING) {
        return;
    }

    if (kind->len == 9 && ngx_strncmp(kind->str, "subscribe", 9) == 0) {
        s->sub_ready = 1;
        s->sub_backoff = NGX_HTTP_PRIVACY_SENTINEL_BACKOFF_MIN;

        if (s->sub_timer.timer_set) {
            ngx_del_timer(&s->sub_timer);
        }

        if (s->sub_lost) {
            s->sub_lost = 0;
            ngx_log_error(NGX_LOG_NOTICE, s->log, 0,
                          "redis sentinel %V: listening for "
                          "+switch-master again",
                          &rcf->sentinels[s->sub_current].addr_text);
        }

        return;
    }

    if (kind->len != 7 || ngx_strncmp(kind->str, "message", 7) != 0
        || msg->type != REDIS_REPLY_STRING
        || (size_t) msg->len <= rcf->master.len
        || ngx_strncmp(msg->str, rcf->master.data, rcf->master.len) != 0
        || msg->str[rcf->master.len] != ' ')
    {
        return;
    }

    ngx_log_error(NGX_LOG_NOTICE, s->log, 0,
                  "redis sentinel %V: +switch-master %*s",
                  &rcf->sentinels[s->sub_current].addr_text,
                  (size_t) ngx_min(msg->len, 300), msg->str);

    /* the link closes and asks again, from the event loop */
    s->switched(s->data);
}


static void
ngx_http_privacy_sentinel_sub_timer(ngx_event_t *ev)
{
    ngx_http_privacy_redis_sentinel_t  *s;

    s = ev->data;

    if (s->exiting) {
        return;
    }

    if (s->sub == NULL) {
        ngx_http_privacy_sentinel_subscribe(s);
        return;
    }

    if (!s->sub_ready) {
        ngx_log_error(NGX_LOG_WARN, s->log, NGX_ETIMEDOUT,
                      "redis sentinel %V: subscription timed out",
                      &s->conf->sentinels[s->sub_current].addr_text);

        /* the cleanup hook retries */
        redisAsyncFree(s->sub);
    }
}


/* the adapter's hooks for the question */

static void
ngx_http_privacy_sentinel_cleanup(void *data)
{
    ngx_http_privacy_redis_sentinel_t  *s = data;

    ngx_uint_t  level;
    u_char      buf[NGX_HTTP_PRIVACY_REDIS_TLS_ERR_LEN];

    /* a connect or a connection that failed: ours are closed without */

    if (s->ac->c.err && !s->exiting) {
        level = s->failing ? NGX_LOG_INFO : NGX_LOG_WARN;

        ngx_log_error(level, s->log, 0, "redis sentinel %V failed: %s",
                      &s->conf->sentinels[s->current].addr_text,
                      ngx_http_privacy_redis_tls_error(s->ac, s->ssl, buf));
    }

    s->ac = NULL;
    s->ssl = NULL;

    if (s->timer.timer_set) {
        ngx_del_timer(&s->timer);
    }

    if (s->exiting) {
        return;
    }

    if (!s->answered) {
        s->current++;
    }

    /* inside hiredis: the next one is asked from the event loop */

    if (!s->next.posted) {
        ngx_post_event(&s->next, &ngx_posted_events);
    }
}


static void
ngx_http_privacy_sentinel_error(void *data)
{
    ngx_http_privacy_redis_sentinel_t  *s = data;

    if (s->ac) {
        redisAsyncFree(s->ac);
    }
}


static void
ngx_http_privacy_sentinel_exiting(void *data, ngx_uint_t now)
{
    ngx_http_privacy_redis_sentinel_t  *s = data;

    (void) now;

    s->exiting = 1;

    if (s->ac) {
        redisAsyncFree(s->ac);
    }
}


/* the adapter's hooks for the subscription */

static void
ngx_http_privacy_sentinel_sub_cleanup(void *data)
{
    ngx_http_privacy_redis_sentinel_t  *s = data;

    ngx_http_privacy_redis_conf_t  *rcf;
    u_char                          buf[NGX_HTTP_PRIVACY_REDIS_TLS_ERR_LEN];

    rcf = s->conf;

    if (!s->exiting && !s->sub_lost) {
        s->sub_lost = 1;
        ngx_log_error(NGX_LOG_WARN, s->log, 0,
                      "redis sentinel %V: no subscription to "
                      "+switch-master (%s), trying the next sentinel",
                      &rcf->sentinels[s->sub_current].addr_text,
                      s->sub->c.err
                      ? ngx_http_privacy_redis_tls_error(s->sub, s->sub_ssl,
                                                         buf)
                      : "closed");
    }

    s->sub = NULL;
    s->sub_ssl = NULL;

    if (s->sub_timer.timer_set) {
        ngx_del_timer(&s->sub_timer);
    }

    if (s->exiting) {
        return;
    }

    s->sub_current = (s->sub_current + 1) % rcf->nsentinels;

    /* a timer, never from here: this runs inside hiredis */

    ngx_add_timer(&s->sub_timer, s->sub_backoff);

    s->sub_backoff = ngx_min(s->sub_backoff * 2,
                             NGX_HTTP_PRIVACY_SENTINEL_BACKOFF_MAX);
}


static void
ngx_http_privacy_sentinel_sub_error(void *data)
{
    ngx_http_privacy_redis_sentinel_t  *s = data;

    if (s->sub) {
        redisAsyncFree(s->sub);
    }
}


static void
ngx_http_privacy_sentinel_sub_exiting(void *data, ngx_uint_t now)
{
    ngx_http_privacy_redis_sentinel_t  *s = data;

    (void) now;

    s->exiting = 1;

    if (s->sub) {
        redisAsyncFree(s->sub);
    }
}
