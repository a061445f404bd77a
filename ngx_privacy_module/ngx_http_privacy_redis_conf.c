
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


#define NGX_HTTP_PRIVACY_REDIS_PORT         6379
#define NGX_HTTP_PRIVACY_REDIS_RETENTION    (3 * 365 * 24 * 60 * 60)
#define NGX_HTTP_PRIVACY_REDIS_PASSWORD_MAX 4096


static char *ngx_http_privacy_redis_address(ngx_conf_t *cf,
    ngx_http_privacy_redis_conf_t *rcf, ngx_str_t *value);
static char *ngx_http_privacy_redis_password(ngx_conf_t *cf,
    ngx_http_privacy_redis_conf_t *rcf, ngx_str_t *file);


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
