
/*
 * Redis for the consent endpoint, without an event loop: PrivacyRedis and
 * a bounded pool of synchronous hiredis connections per child process.
 *
 * A request takes a connection from the pool (an idle one, or a new one
 * while the pool has room, or it waits for one to come back), sends its
 * commands in one write and reads their replies.  Everything it does is
 * bounded by one deadline, PrivacyRedis timeout= after it started: the
 * wait for a connection, the connect (also bounded by connect_timeout=)
 * and every read and write.  The pool's mutex and condition variable make
 * it safe under the threaded MPMs (event, worker); under prefork there is
 * one thread and the pool rarely holds more than one connection.
 *
 * A connection that failed is closed, never returned.  An idle connection
 * that Redis closed (a restart, its timeout) is found before it is used:
 * an idle socket must not be readable.
 */


#include "mod_privacy.h"

#include <errno.h>
#include <poll.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <apr_lib.h>
#include <apr_thread_mutex.h>
#include <apr_thread_cond.h>

#include <hiredis/hiredis.h>


#define MOD_PRIVACY_REDIS_POOL_MAX  256


typedef struct {
    server_rec                     *server;
    const char                     *host;
    int                             port;
    int                             db;
    const char                     *user;
    const char                     *password;
    const char                     *prefix;
    const char                     *edge;
    apr_interval_time_t             connect_timeout;
    apr_interval_time_t             timeout;
    apr_time_t                      retention;   /* seconds */
    int                             pool_size;

    /* per child, made in child_init */
    apr_thread_mutex_t             *mutex;
    apr_thread_cond_t              *cond;
    redisContext                  **idle;
    int                             nidle;
    int                             open;        /* idle and in use */
} mod_privacy_redis_t;


static redisContext *mod_privacy_redis_connect(request_rec *r,
    mod_privacy_redis_t *rd, apr_time_t deadline, int *timedout);
static int mod_privacy_redis_alive(redisContext *c);
static void mod_privacy_redis_release(mod_privacy_redis_t *rd,
    redisContext *c, int reuse);
static int mod_privacy_redis_reply_ok(redisReply *reply, const char **why);
static apr_status_t mod_privacy_redis_free(void *reply);
static void mod_privacy_redis_set_timeout(redisContext *c,
    apr_time_t deadline);
static apr_status_t mod_privacy_redis_child_exit(void *data);


/*
 * The configuration's PrivacyRedis, one per server that names one; a
 * virtual host without its own uses the main server's.  Reset for each
 * configuration read.
 */
static apr_array_header_t  *mod_privacy_redis_conf;   /* redis_t * */


void
mod_privacy_redis_pre_config(apr_pool_t *pconf)
{
    mod_privacy_redis_conf = apr_array_make(pconf, 2,
                                            sizeof(mod_privacy_redis_t *));
}


static mod_privacy_redis_t *
mod_privacy_redis_find(server_rec *s)
{
    int                    i;
    mod_privacy_redis_t  **rd, *main;

    rd = (mod_privacy_redis_t **) mod_privacy_redis_conf->elts;
    main = NULL;

    for (i = 0; i < mod_privacy_redis_conf->nelts; i++) {
        if (rd[i]->server == s) {
            return rd[i];
        }

        if (!rd[i]->server->is_virtual) {
            main = rd[i];
        }
    }

    return main;
}


int
mod_privacy_redis_configured(server_rec *s)
{
    return mod_privacy_redis_find(s) != NULL;
}


/* the key prefix, the edge name and the retention (seconds) of r's Redis */

const char *
mod_privacy_redis_prefix(request_rec *r)
{
    return mod_privacy_redis_find(r->server)->prefix;
}


const char *
mod_privacy_redis_edge(request_rec *r)
{
    return mod_privacy_redis_find(r->server)->edge;
}


apr_time_t
mod_privacy_redis_retention(request_rec *r)
{
    return mod_privacy_redis_find(r->server)->retention;
}


/*
 * PrivacyRedis HOST[:PORT] [db=N] [user=NAME] [password_file=FILE]
 * [prefix=STRING] [edge=NAME] [connect_timeout=TIME] [timeout=TIME]
 * [retention=TIME] [pool=N]; times as nginx writes them, "ms" too.
 */

static const char *
mod_privacy_redis_msec(const char *s, apr_interval_time_t *usec)
{
    size_t       len;
    const char  *err;
    apr_time_t   sec;

    len = strlen(s);

    if (len > 2 && strcmp(s + len - 2, "ms") == 0) {
        sec = 0;

        for ( /* void */ ; *s != 'm'; s++) {
            if (!apr_isdigit(*s) || sec > 3600 * 1000) {
                return "invalid time";
            }

            sec = sec * 10 + (*s - '0');
        }

        *usec = sec * 1000;
        return NULL;
    }

    err = mod_privacy_parse_time(s, &sec);
    if (err) {
        return err;
    }

    *usec = apr_time_from_sec(sec);

    return NULL;
}


const char *
mod_privacy_redis_directive(cmd_parms *cmd, void *conf, int argc,
    char *const argv[])
{
    int                   i, n;
    char                 *colon, host[256];
    const char           *err, *v, *content;
    apr_size_t            len;
    mod_privacy_redis_t  *rd;
    unsigned char         addr[16];

    err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
    if (err) {
        return err;
    }

    rd = mod_privacy_redis_find(cmd->server);

    if (rd && rd->server == cmd->server) {
        return mod_privacy_conf_error(cmd, "is duplicate");
    }

    if (argc < 1) {
        return mod_privacy_conf_error(cmd, "an address is required");
    }

    rd = apr_pcalloc(cmd->pool, sizeof(mod_privacy_redis_t));

    rd->server = cmd->server;
    rd->port = 6379;
    rd->prefix = "privacy:";
    rd->connect_timeout = apr_time_from_sec(1);
    rd->timeout = apr_time_from_msec(500);
    rd->retention = 3 * 365 * 86400;
    rd->pool_size = 8;

    /* 127.0.0.1, 127.0.0.1:6380, [::1], [::1]:6380 */
    rd->host = apr_pstrdup(cmd->pool, argv[0]);
    colon = strrchr((char *) rd->host, ':');

    if (rd->host[0] == '[') {
        colon = strrchr((char *) rd->host, ']');

        if (colon == NULL || (colon[1] != '\0' && colon[1] != ':')) {
            return mod_privacy_conf_error(cmd, "invalid address \"%s\"",
                                          argv[0]);
        }

        *colon++ = '\0';
        rd->host++;
        colon = (*colon == ':') ? colon : NULL;

    } else if (colon && strchr(rd->host, ':') != colon) {
        /* an IPv6 address without brackets has no port */
        colon = NULL;
    }

    if (colon) {
        *colon = '\0';
        rd->port = atoi(colon + 1);

        if (rd->port < 1 || rd->port > 65535
            || strspn(colon + 1, "0123456789") != strlen(colon + 1))
        {
            return mod_privacy_conf_error(cmd, "invalid port in \"%s\"",
                                          argv[0]);
        }
    }

    /* an address only: resolving a name would block a request */
    if (inet_pton(AF_INET, rd->host, addr) != 1
        && inet_pton(AF_INET6, rd->host, addr) != 1)
    {
        return mod_privacy_conf_error(cmd, "\"%s\" is not an IP address: "
                                      "a host name would be resolved at "
                                      "request time", rd->host);
    }

    for (i = 1; i < argc; i++) {
        v = strchr(argv[i], '=');
        if (v == NULL) {
            return mod_privacy_conf_error(cmd, "invalid parameter \"%s\"",
                                          argv[i]);
        }

        v++;
        n = (int) (v - argv[i]);

        if (n == 3 && strncmp(argv[i], "db=", n) == 0) {
            rd->db = atoi(v);

            if (rd->db < 0 || rd->db > 65535 || !apr_isdigit(*v)) {
                return mod_privacy_conf_error(cmd, "invalid db \"%s\"", v);
            }

        } else if (n == 5 && strncmp(argv[i], "user=", n) == 0) {
            rd->user = v;

        } else if (n == 14 && strncmp(argv[i], "password_file=", n) == 0) {
            err = mod_privacy_read_file(cmd, v, 1024, &content, &len, NULL);
            if (err) {
                return err;
            }

            if (len == 0) {
                return mod_privacy_conf_error(cmd, "\"%s\" is empty", v);
            }

            rd->password = content;

        } else if (n == 7 && strncmp(argv[i], "prefix=", n) == 0) {
            rd->prefix = v;

        } else if (n == 5 && strncmp(argv[i], "edge=", n) == 0) {
            if (*v == '\0' || strlen(v) > 64
                || strspn(v, "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:")
                   != strlen(v))
            {
                return mod_privacy_conf_error(cmd, "invalid edge \"%s\": "
                                              "letters, digits, \"-._:\", "
                                              "at most 64 bytes", v);
            }

            rd->edge = v;

        } else if (n == 16 && strncmp(argv[i], "connect_timeout=", n) == 0) {
            err = mod_privacy_redis_msec(v, &rd->connect_timeout);
            if (err || rd->connect_timeout == 0) {
                return mod_privacy_conf_error(cmd, "invalid connect_timeout "
                                              "\"%s\"", v);
            }

        } else if (n == 8 && strncmp(argv[i], "timeout=", n) == 0) {
            err = mod_privacy_redis_msec(v, &rd->timeout);
            if (err || rd->timeout == 0) {
                return mod_privacy_conf_error(cmd, "invalid timeout \"%s\"",
                                              v);
            }

        } else if (n == 10 && strncmp(argv[i], "retention=", n) == 0) {
            err = mod_privacy_parse_time(v, &rd->retention);
            if (err || rd->retention == 0) {
                return mod_privacy_conf_error(cmd, "invalid retention "
                                              "\"%s\"", v);
            }

        } else if (n == 5 && strncmp(argv[i], "pool=", n) == 0) {
            rd->pool_size = atoi(v);

            if (rd->pool_size < 1
                || rd->pool_size > MOD_PRIVACY_REDIS_POOL_MAX
                || !apr_isdigit(*v))
            {
                return mod_privacy_conf_error(cmd, "invalid pool \"%s\", it "
                                              "must be 1 to %d", v,
                                              MOD_PRIVACY_REDIS_POOL_MAX);
            }

        } else {
            return mod_privacy_conf_error(cmd, "invalid parameter \"%s\"",
                                          argv[i]);
        }
    }

    if (rd->user && rd->password == NULL) {
        return mod_privacy_conf_error(cmd, "user= requires password_file=");
    }

    if (rd->edge == NULL) {
        if (apr_gethostname(host, sizeof(host), cmd->temp_pool)
            != APR_SUCCESS)
        {
            apr_cpystrn(host, "apache", sizeof(host));
        }

        rd->edge = apr_pstrndup(cmd->pool, host, 64);
    }

    *(mod_privacy_redis_t **) apr_array_push(mod_privacy_redis_conf) = rd;

    return NULL;
}


/* the pools of this child: made empty, connections open on demand */

void
mod_privacy_redis_child_init(apr_pool_t *p, server_rec *s)
{
    int                    i;
    mod_privacy_redis_t  **conf, *rd;

    conf = (mod_privacy_redis_t **) mod_privacy_redis_conf->elts;

    for (i = 0; i < mod_privacy_redis_conf->nelts; i++) {
        rd = conf[i];

        rd->idle = apr_pcalloc(p, rd->pool_size * sizeof(redisContext *));
        rd->nidle = 0;
        rd->open = 0;

        if (apr_thread_mutex_create(&rd->mutex, APR_THREAD_MUTEX_DEFAULT, p)
            != APR_SUCCESS
            || apr_thread_cond_create(&rd->cond, p) != APR_SUCCESS)
        {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         "mod_privacy: cannot create the Redis pool's lock; "
                         "consent grants will be refused");
            rd->mutex = NULL;
            continue;
        }

        apr_pool_cleanup_register(p, rd, mod_privacy_redis_child_exit,
                                  apr_pool_cleanup_null);
    }
}


static apr_status_t
mod_privacy_redis_child_exit(void *data)
{
    mod_privacy_redis_t *rd = data;

    while (rd->nidle) {
        redisFree(rd->idle[--rd->nidle]);
    }

    return APR_SUCCESS;
}


/*
 * Runs n commands in one round trip.  Returns MOD_PRIVACY_REDIS_OK when
 * every reply (and each of EXEC's) is not an error, MOD_PRIVACY_REDIS_TIMEOUT
 * when the deadline passed first, MOD_PRIVACY_REDIS_ERROR otherwise, with
 * *why saying what for the log.  With replies, each reply is kept there
 * until the request's pool goes (NULL for those not read).
 *
 * The deadline is the request's: timeout= after its first exchange with
 * Redis, so that a request that asks several times (a history) never
 * waits longer in all.
 */

int
mod_privacy_redis_run(request_rec *r, mod_privacy_redis_cmd_t *cmds, int n,
    void **replies, const char **why)
{
    int                   i, rc, timedout, reused;
    void                 *reply;
    apr_time_t            start, deadline;
    redisContext         *c;
    mod_privacy_ctx_t    *ctx;
    mod_privacy_redis_t  *rd;

    rd = mod_privacy_redis_find(r->server);

    if (rd == NULL || rd->mutex == NULL) {
        *why = "no Redis";
        return MOD_PRIVACY_REDIS_ERROR;
    }

    for (i = 0; replies && i < n; i++) {
        replies[i] = NULL;
    }

    start = apr_time_now();
    ctx = mod_privacy_get_ctx(r);

    if (ctx->redis_deadline == 0) {
        ctx->redis_deadline = start + rd->timeout;
    }

    deadline = ctx->redis_deadline;

    timedout = 0;
    reused = 0;
    c = NULL;

    apr_thread_mutex_lock(rd->mutex);

    for ( ;; ) {
        if (rd->nidle) {
            c = rd->idle[--rd->nidle];

            if (mod_privacy_redis_alive(c)) {
                reused = 1;
                break;
            }

            /* closed by Redis while idle: another one may take its place */
            redisFree(c);
            c = NULL;
            rd->open--;
            continue;
        }

        if (rd->open < rd->pool_size) {
            rd->open++;
            break;
        }

        if (apr_time_now() >= deadline
            || apr_thread_cond_timedwait(rd->cond, rd->mutex,
                                         deadline - apr_time_now())
               == APR_TIMEUP)
        {
            timedout = 1;
            break;
        }
    }

    apr_thread_mutex_unlock(rd->mutex);

    if (timedout) {
        *why = "no connection free in the pool";
        return MOD_PRIVACY_REDIS_TIMEOUT;
    }

    if (c == NULL) {
        c = mod_privacy_redis_connect(r, rd, deadline, &timedout);

        if (c == NULL) {
            mod_privacy_redis_release(rd, NULL, 0);
            *why = timedout ? "connect timed out" : "cannot connect";
            return timedout ? MOD_PRIVACY_REDIS_TIMEOUT
                            : MOD_PRIVACY_REDIS_ERROR;
        }
    }

    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "mod_privacy: Redis %s connection, %d commands",
                  reused ? "an idle" : "a new", n);

    for (i = 0; i < n; i++) {
        if (redisAppendCommandArgv(c, cmds[i].argc, cmds[i].argv,
                                   cmds[i].argvlen)
            != REDIS_OK)
        {
            mod_privacy_redis_release(rd, c, 0);
            *why = "out of memory";
            return MOD_PRIVACY_REDIS_ERROR;
        }
    }

    rc = MOD_PRIVACY_REDIS_OK;
    *why = NULL;

    for (i = 0; i < n; i++) {
        mod_privacy_redis_set_timeout(c, deadline);

        if (apr_time_now() >= deadline
            || redisGetReply(c, &reply) != REDIS_OK)
        {
            timedout = (apr_time_now() >= deadline
                        || (c->err == REDIS_ERR_IO
                            && (errno == EAGAIN || errno == EWOULDBLOCK)));

            *why = timedout ? "timeout" : (c->errstr[0] ? c->errstr
                                                          : "error");
            *why = apr_pstrdup(r->pool, *why);

            mod_privacy_redis_release(rd, c, 0);

            mod_privacy_metric_redis_rtt(apr_time_now() - start);

            return timedout ? MOD_PRIVACY_REDIS_TIMEOUT
                            : MOD_PRIVACY_REDIS_ERROR;
        }

        if (rc == MOD_PRIVACY_REDIS_OK
            && !mod_privacy_redis_reply_ok(reply, why))
        {
            *why = apr_pstrdup(r->pool, *why);
            rc = MOD_PRIVACY_REDIS_ERROR;
        }

        if (replies) {
            replies[i] = reply;
            apr_pool_cleanup_register(r->pool, reply, mod_privacy_redis_free,
                                      apr_pool_cleanup_null);
            continue;
        }

        freeReplyObject(reply);
    }

    mod_privacy_metric_redis_rtt(apr_time_now() - start);

    /* an error reply leaves the connection in step: it can serve again */
    mod_privacy_redis_release(rd, c, 1);

    return rc;
}


static apr_status_t
mod_privacy_redis_free(void *reply)
{
    freeReplyObject(reply);

    return APR_SUCCESS;
}


/* a new connection, authenticated and on its db, by the deadline */

static redisContext *
mod_privacy_redis_connect(request_rec *r, mod_privacy_redis_t *rd,
    apr_time_t deadline, int *timedout)
{
    int              argc;
    redisReply      *reply;
    apr_time_t       left;
    const char      *argv[3], *why;
    size_t           argvlen[3];
    struct timeval   tv;
    redisContext    *c;
    char             db[16];

    left = deadline - apr_time_now();

    if (left > rd->connect_timeout) {
        left = rd->connect_timeout;
    }

    if (left <= 0) {
        *timedout = 1;
        return NULL;
    }

    tv.tv_sec = apr_time_sec(left);
    tv.tv_usec = left % APR_USEC_PER_SEC;

    c = redisConnectWithTimeout(rd->host, rd->port, tv);

    if (c == NULL || c->err) {
        *timedout = (c && c->err == REDIS_ERR_IO
                     && (errno == ETIMEDOUT || errno == EINPROGRESS));

        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "mod_privacy: cannot connect to Redis at %s:%d: %s",
                      rd->host, rd->port, c ? c->errstr : "out of memory");

        if (c) {
            redisFree(c);
        }

        return NULL;
    }

    if (rd->password == NULL && rd->db == 0) {
        return c;
    }

    if (rd->password) {
        argc = 0;
        argv[argc] = "AUTH";
        argvlen[argc++] = 4;

        if (rd->user) {
            argv[argc] = rd->user;
            argvlen[argc++] = strlen(rd->user);
        }

        argv[argc] = rd->password;
        argvlen[argc++] = strlen(rd->password);

        mod_privacy_redis_set_timeout(c, deadline);

        reply = redisCommandArgv(c, argc, argv, argvlen);

        why = NULL;

        if (reply == NULL || !mod_privacy_redis_reply_ok(reply, &why)) {
            *timedout = (reply == NULL && c->err == REDIS_ERR_IO
                         && (errno == EAGAIN || errno == EWOULDBLOCK));

            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "mod_privacy: Redis AUTH failed: %s",
                          reply ? why : c->errstr);

            if (reply) {
                freeReplyObject(reply);
            }

            redisFree(c);
            return NULL;
        }

        freeReplyObject(reply);
    }

    if (rd->db) {
        apr_snprintf(db, sizeof(db), "%d", rd->db);

        argv[0] = "SELECT";
        argvlen[0] = 6;
        argv[1] = db;
        argvlen[1] = strlen(db);

        mod_privacy_redis_set_timeout(c, deadline);

        reply = redisCommandArgv(c, 2, argv, argvlen);

        why = NULL;

        if (reply == NULL || !mod_privacy_redis_reply_ok(reply, &why)) {
            *timedout = (reply == NULL && c->err == REDIS_ERR_IO
                         && (errno == EAGAIN || errno == EWOULDBLOCK));

            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "mod_privacy: Redis SELECT %s failed: %s", db,
                          reply ? why : c->errstr);

            if (reply) {
                freeReplyObject(reply);
            }

            redisFree(c);
            return NULL;
        }

        freeReplyObject(reply);
    }

    return c;
}


/* an idle connection is readable only when Redis closed it (or spoke) */

static int
mod_privacy_redis_alive(redisContext *c)
{
    struct pollfd  pfd;

    pfd.fd = c->fd;
    pfd.events = POLLIN;
    pfd.revents = 0;

    return c->err == 0 && poll(&pfd, 1, 0) == 0;
}


static void
mod_privacy_redis_release(mod_privacy_redis_t *rd, redisContext *c,
    int reuse)
{
    if (c && !reuse) {
        redisFree(c);
        c = NULL;
    }

    apr_thread_mutex_lock(rd->mutex);

    if (c) {
        rd->idle[rd->nidle++] = c;

    } else {
        rd->open--;
    }

    apr_thread_cond_signal(rd->cond);

    apr_thread_mutex_unlock(rd->mutex);
}


/* an error reply, or a transaction with one in it (EXEC) or aborted */

static int
mod_privacy_redis_reply_ok(redisReply *reply, const char **why)
{
    size_t  i;

    if (reply->type == REDIS_REPLY_ERROR) {
        *why = reply->str;
        return 0;
    }

    if (reply->type == REDIS_REPLY_ARRAY) {
        for (i = 0; i < reply->elements; i++) {
            if (!mod_privacy_redis_reply_ok(reply->element[i], why)) {
                return 0;
            }
        }
    }

    return 1;
}


/* reads and writes wait no longer than what is left of the deadline */

static void
mod_privacy_redis_set_timeout(redisContext *c, apr_time_t deadline)
{
    apr_time_t      left;
    struct timeval  tv;

    left = deadline - apr_time_now();

    if (left < 1000) {
        /* 0 would mean no timeout at all */
        left = 1000;
    }

    tv.tv_sec = apr_time_sec(left);
    tv.tv_usec = left % APR_USEC_PER_SEC;

    (void) redisSetTimeout(c, tv);
}
