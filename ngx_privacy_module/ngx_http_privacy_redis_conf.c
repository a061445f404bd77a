
/*
 * ngx_http_privacy_module: the privacy_redis directive and what it sets.
 *
 * The directive fills an ngx_http_privacy_redis_conf_t, the only thing the
 * requests (ngx_http_privacy_redis.c) and the link below them know of it;
 * the process hooks start and stop each worker's link with it, and the
 * consent endpoint reads its key prefix and retention here.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_redis.h"
#include "ngx_http_privacy_redis_tls.h"


#define NGX_HTTP_PRIVACY_REDIS_PORT         6379
#define NGX_HTTP_PRIVACY_REDIS_SENTINEL_PORT 26379
#define NGX_HTTP_PRIVACY_REDIS_SENTINELS    16
#define NGX_HTTP_PRIVACY_REDIS_RETENTION    (3 * 365 * 24 * 60 * 60)
#define NGX_HTTP_PRIVACY_REDIS_PASSWORD_MAX 4096
#define NGX_HTTP_PRIVACY_REDIS_NAME_MAX     128  /* master=, user= */
#define NGX_HTTP_PRIVACY_REDIS_EDGE_MAX     64
#define NGX_HTTP_PRIVACY_REDIS_WAIT_MAX     64


static char *ngx_http_privacy_redis_options(ngx_conf_t *cf,
    ngx_command_t *cmd, ngx_http_privacy_redis_conf_t *rcf);
static char *ngx_http_privacy_redis_check(ngx_conf_t *cf,
    ngx_command_t *cmd, ngx_http_privacy_redis_conf_t *rcf);
static char *ngx_http_privacy_redis_address(ngx_conf_t *cf,
    ngx_http_privacy_redis_addr_t *addr, ngx_str_t *value,
    in_port_t default_port);
static char *ngx_http_privacy_redis_sentinels(ngx_conf_t *cf,
    ngx_http_privacy_redis_conf_t *rcf, ngx_str_t *list);
static ngx_int_t ngx_http_privacy_redis_name(ngx_str_t *name, size_t max,
    ngx_uint_t edge);
static char *ngx_http_privacy_redis_password(ngx_conf_t *cf,
    ngx_str_t *file, ngx_str_t *password);
static char *ngx_http_privacy_redis_file(ngx_conf_t *cf, ngx_str_t *value,
    size_t skip, ngx_str_t *file);


static ngx_str_t  ngx_http_privacy_redis_default_prefix =
    ngx_string("privacy:");

static ngx_str_t  ngx_http_privacy_redis_no_edge = ngx_string("");


/*
 *     privacy_redis ADDRESS [options];
 *     privacy_redis sentinel=HOST:PORT[,HOST:PORT...] master=NAME [options];
 */

char *
ngx_http_privacy_redis_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_main_conf_t *pmcf = conf;

    ngx_str_t                      *value, s;
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
     *     rcf->addr = { 0 };
     *     rcf->sentinels = NULL;
     *     rcf->nsentinels = 0;
     *     rcf->master = { 0, NULL };
     *     rcf->db = 0;
     *     rcf->user = { 0, NULL };
     *     rcf->password = { 0, NULL };
     *     rcf->sentinel_user = { 0, NULL };
     *     rcf->sentinel_password = { 0, NULL };
     *     rcf->wait = 0;
     *     rcf->tls = 0;
     *     rcf->tls_ctx = NULL;
     *     rcf->tls_ca = { 0, NULL };
     *     rcf->tls_cert = { 0, NULL };
     *     rcf->tls_key = { 0, NULL };
     *     rcf->tls_server_name = { 0, NULL };
     */

    rcf->prefix = ngx_http_privacy_redis_default_prefix;
    rcf->connect_timeout = 1000;
    rcf->timeout = 500;
    rcf->wait_timeout = NGX_CONF_UNSET_MSEC;
    rcf->retention = NGX_HTTP_PRIVACY_REDIS_RETENTION;

    /* the host name, as nginx has it, unless edge= names this nginx */
    rcf->edge = cf->cycle->hostname;

    if (rcf->edge.len > NGX_HTTP_PRIVACY_REDIS_EDGE_MAX) {
        rcf->edge.len = NGX_HTTP_PRIVACY_REDIS_EDGE_MAX;
    }

    value = cf->args->elts;

    if (ngx_strncmp(value[1].data, "sentinel=", 9) == 0) {
        s.len = value[1].len - 9;
        s.data = value[1].data + 9;

        if (ngx_http_privacy_redis_sentinels(cf, rcf, &s) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }

    } else if (ngx_http_privacy_redis_address(cf, &rcf->addr, &value[1],
                                              NGX_HTTP_PRIVACY_REDIS_PORT)
               != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_privacy_redis_options(cf, cmd, rcf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_privacy_redis_check(cf, cmd, rcf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    pmcf->redis = rcf;

    return NGX_CONF_OK;
}


static char *
ngx_http_privacy_redis_options(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_http_privacy_redis_conf_t *rcf)
{
    ngx_int_t    n;
    ngx_str_t   *value, s;
    ngx_uint_t   i;

    value = cf->args->elts;

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

            if (ngx_http_privacy_redis_password(cf, &s, &rcf->password)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "sentinel_password_file=", 23) == 0) {
            s.len = value[i].len - 23;
            s.data = value[i].data + 23;

            if (s.len == 0) {
                goto invalid;
            }

            if (ngx_http_privacy_redis_password(cf, &s,
                                                &rcf->sentinel_password)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "sentinel_user=", 14) == 0) {
            rcf->sentinel_user.len = value[i].len - 14;
            rcf->sentinel_user.data = value[i].data + 14;

            if (ngx_http_privacy_redis_name(&rcf->sentinel_user,
                                            NGX_HTTP_PRIVACY_REDIS_NAME_MAX,
                                            0)
                != NGX_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "user=", 5) == 0) {
            rcf->user.len = value[i].len - 5;
            rcf->user.data = value[i].data + 5;

            if (ngx_http_privacy_redis_name(&rcf->user,
                                            NGX_HTTP_PRIVACY_REDIS_NAME_MAX,
                                            0)
                != NGX_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "master=", 7) == 0) {
            rcf->master.len = value[i].len - 7;
            rcf->master.data = value[i].data + 7;

            /* cf->args values are NUL-terminated */

            if (ngx_http_privacy_redis_name(&rcf->master,
                                            NGX_HTTP_PRIVACY_REDIS_NAME_MAX,
                                            0)
                != NGX_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "edge=", 5) == 0) {
            rcf->edge.len = value[i].len - 5;
            rcf->edge.data = value[i].data + 5;

            if (ngx_http_privacy_redis_name(&rcf->edge,
                                            NGX_HTTP_PRIVACY_REDIS_EDGE_MAX,
                                            1)
                != NGX_OK)
            {
                goto invalid;
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

        if (ngx_strncmp(value[i].data, "wait=", 5) == 0) {
            n = ngx_atoi(value[i].data + 5, value[i].len - 5);
            if (n == NGX_ERROR || n == 0
                || n > NGX_HTTP_PRIVACY_REDIS_WAIT_MAX)
            {
                goto invalid;
            }

            rcf->wait = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "wait_timeout=", 13) == 0) {
            s.len = value[i].len - 13;
            s.data = value[i].data + 13;

            n = ngx_parse_time(&s, 0);
            if (n == NGX_ERROR || n == 0) {
                goto invalid;
            }

            rcf->wait_timeout = (ngx_msec_t) n;
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

        if (ngx_strcmp(value[i].data, "tls=on") == 0) {
            rcf->tls = 1;
            continue;
        }

        if (ngx_strcmp(value[i].data, "tls=off") == 0) {
            rcf->tls = 0;
            continue;
        }

        if (ngx_strncmp(value[i].data, "tls_ca=", 7) == 0) {
            if (ngx_http_privacy_redis_file(cf, &value[i], 7, &rcf->tls_ca)
                != NGX_CONF_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "tls_cert=", 9) == 0) {
            if (ngx_http_privacy_redis_file(cf, &value[i], 9, &rcf->tls_cert)
                != NGX_CONF_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "tls_key=", 8) == 0) {
            if (ngx_http_privacy_redis_file(cf, &value[i], 8, &rcf->tls_key)
                != NGX_CONF_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "tls_server_name=", 16) == 0) {
            rcf->tls_server_name.len = value[i].len - 16;
            rcf->tls_server_name.data = value[i].data + 16;

            if (ngx_http_privacy_redis_name(&rcf->tls_server_name, 253, 1)
                != NGX_OK)
            {
                goto invalid;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown option \"%V\" in \"%V\" directive, "
                           "use db=, user=, password_file=, prefix=, "
                           "edge=, connect_timeout=, timeout=, wait=, "
                           "wait_timeout=, retention=, master=, "
                           "sentinel_user=, sentinel_password_file=, tls=, "
                           "tls_ca=, tls_cert=, tls_key= or "
                           "tls_server_name=",
                           &value[i], &cmd->name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value of option \"%V\" in \"%V\" directive",
                       &value[i], &cmd->name);

    return NGX_CONF_ERROR;
}


/* the options that go together */

static char *
ngx_http_privacy_redis_check(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_http_privacy_redis_conf_t *rcf)
{
    if (rcf->nsentinels && rcf->master.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" with sentinel= needs master=NAME, the "
                           "name the sentinels monitor the primary by",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (rcf->nsentinels == 0 && rcf->master.len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": master= goes with sentinel= only",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (rcf->user.len && rcf->password.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": user= needs password_file=, the ACL "
                           "user's password", &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (rcf->wait == 0 && rcf->wait_timeout != NGX_CONF_UNSET_MSEC) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": wait_timeout= goes with wait=N only",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    ngx_conf_init_msec_value(rcf->wait_timeout, 500);

    if (!rcf->tls
        && (rcf->tls_ca.len || rcf->tls_cert.len || rcf->tls_key.len
            || rcf->tls_server_name.len))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": tls_ca=, tls_cert=, tls_key= and "
                           "tls_server_name= go with tls=on only",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    if ((rcf->tls_cert.len == 0) != (rcf->tls_key.len == 0)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": tls_cert= and tls_key= go together",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (rcf->tls && rcf->addr.path) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": tls=on on a unix socket", &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (rcf->nsentinels == 0
        && (rcf->sentinel_user.len || rcf->sentinel_password.len))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": sentinel_user= and "
                           "sentinel_password_file= go with sentinel= only",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (rcf->sentinel_user.len && rcf->sentinel_password.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": sentinel_user= needs "
                           "sentinel_password_file=, the sentinels' ACL "
                           "user's password", &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (rcf->tls) {
        return ngx_http_privacy_redis_tls_conf(cf, cmd, rcf);
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_privacy_redis_address(ngx_conf_t *cf,
    ngx_http_privacy_redis_addr_t *addr, ngx_str_t *value,
    in_port_t default_port)
{
    size_t               len;
    u_char              *p;
    ngx_url_t            u;
    struct sockaddr_un  *saun;

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url = *value;
    u.default_port = default_port;
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

    addr->addr_text = u.addrs[0].name;

    if (u.family == AF_UNIX) {
        saun = (struct sockaddr_un *) u.addrs[0].sockaddr;

        len = ngx_strlen(saun->sun_path);

        addr->path = ngx_pnalloc(cf->pool, len + 1);
        if (addr->path == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memcpy(addr->path, saun->sun_path, len + 1);

        return NGX_CONF_OK;
    }

    p = ngx_pnalloc(cf->pool, NGX_SOCKADDR_STRLEN + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    len = ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen, p,
                        NGX_SOCKADDR_STRLEN, 0);
    p[len] = '\0';

    addr->host = p;
    addr->port = ngx_inet_get_port(u.addrs[0].sockaddr);

    return NGX_CONF_OK;
}


/* sentinel=HOST:PORT[,HOST:PORT...]: at most 16, asked in this order */

static char *
ngx_http_privacy_redis_sentinels(ngx_conf_t *cf,
    ngx_http_privacy_redis_conf_t *rcf, ngx_str_t *list)
{
    u_char      *p, *last, *comma;
    ngx_str_t    one;
    ngx_uint_t   n;

    n = 1;

    for (p = list->data; p < list->data + list->len; p++) {
        if (*p == ',') {
            n++;
        }
    }

    if (list->len == 0 || n > NGX_HTTP_PRIVACY_REDIS_SENTINELS) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"sentinel=%V\" of the "
                           "\"privacy_redis\" directive: one to %d "
                           "addresses separated by commas", list,
                           NGX_HTTP_PRIVACY_REDIS_SENTINELS);
        return NGX_CONF_ERROR;
    }

    rcf->sentinels = ngx_pcalloc(cf->pool,
                                 n * sizeof(ngx_http_privacy_redis_addr_t));
    if (rcf->sentinels == NULL) {
        return NGX_CONF_ERROR;
    }

    p = list->data;
    last = list->data + list->len;

    for ( ;; ) {
        comma = ngx_strlchr(p, last, ',');

        one.data = p;
        one.len = (comma ? comma : last) - p;

        if (one.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "empty address in \"sentinel=%V\" of the "
                               "\"privacy_redis\" directive", list);
            return NGX_CONF_ERROR;
        }

        if (ngx_http_privacy_redis_address(cf,
                                           &rcf->sentinels[rcf->nsentinels],
                                           &one,
                                           NGX_HTTP_PRIVACY_REDIS_SENTINEL_PORT)
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }

        rcf->nsentinels++;

        if (comma == NULL) {
            break;
        }

        p = comma + 1;
    }

    return NGX_CONF_OK;
}


/*
 * A name given to Redis or written into records: 1 to max bytes of
 * printable ASCII without spaces; an edge name or a server name only of
 * letters, digits, '-', '.', '_' and ':'.
 */

static ngx_int_t
ngx_http_privacy_redis_name(ngx_str_t *name, size_t max, ngx_uint_t edge)
{
    u_char  c, *p, *last;

    if (name->len == 0 || name->len > max) {
        return NGX_ERROR;
    }

    last = name->data + name->len;

    for (p = name->data; p < last; p++) {
        c = *p;

        if (c <= ' ' || c >= 0x7f) {
            return NGX_ERROR;
        }

        if (edge
            && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9')
                 || c == '-' || c == '.' || c == '_' || c == ':'))
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* tls_ca=FILE and the like: a path, relative to the prefix */

static char *
ngx_http_privacy_redis_file(ngx_conf_t *cf, ngx_str_t *value, size_t skip,
    ngx_str_t *file)
{
    file->len = value->len - skip;
    file->data = value->data + skip;

    if (file->len == 0) {
        return NGX_CONF_ERROR;
    }

    if (ngx_conf_full_name(cf->cycle, file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_privacy_redis_password(ngx_conf_t *cf, ngx_str_t *file,
    ngx_str_t *password)
{
    static ngx_str_t  directive = ngx_string("privacy_redis");

    if (ngx_http_privacy_conf_read_file(cf, &directive, file,
                                        NGX_HTTP_PRIVACY_REDIS_PASSWORD_MAX,
                                        password, NULL)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_http_privacy_trim(password);

    if (password->len == 0) {
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
    ngx_http_privacy_main_conf_t  *pmcf;

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

    ngx_http_privacy_redis_start(pmcf->redis, cycle->log);

    return NGX_OK;
}


void
ngx_http_privacy_redis_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_privacy_redis_stop(cycle->log);
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


ngx_str_t *
ngx_http_privacy_redis_edge(ngx_http_request_t *r)
{
    ngx_http_privacy_main_conf_t   *pmcf;
    ngx_http_privacy_redis_conf_t  *rcf;

    pmcf = ngx_http_get_module_main_conf(r, ngx_http_privacy_module);
    rcf = pmcf->redis;

    return rcf ? &rcf->edge : &ngx_http_privacy_redis_no_edge;
}
