
/*
 * ngx_http_privacy_module: TLS to Redis and to the sentinels.
 *
 * The SSL_CTX is the module's own rather than hiredis's redisSSLContext:
 * hiredis sends tls_server_name as SNI only, and the certificate must be
 * checked against it (SSL_set1_host()).  redisInitiateSSL() then hands
 * each connection's SSL object to hiredis, which starts the handshake
 * without waiting (the socket is non-blocking) and finishes it in the
 * SSL_write() and SSL_read() of its asynchronous handlers, which nginx's
 * events call (ngx_http_privacy_redis_adapter.c).  hiredis frees the SSL
 * object with the context.
 *
 * OpenSSL reads a record at a time (no read-ahead), so what it has not
 * handed to hiredis is still in the socket, where the adapter looks.
 */


#include "ngx_http_privacy_redis_tls.h"

#if (NGX_HTTP_PRIVACY_REDIS_TLS)
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <hiredis/hiredis_ssl.h>
#endif


#if (NGX_HTTP_PRIVACY_REDIS_TLS)

static char *ngx_http_privacy_redis_tls_fail(ngx_conf_t *cf,
    ngx_command_t *cmd, const char *what, ngx_str_t *file);
static ngx_int_t ngx_http_privacy_redis_tls_file(ngx_conf_t *cf,
    ngx_command_t *cmd, const char *what, ngx_str_t *file);
static void ngx_http_privacy_redis_tls_cleanup(void *data);


char *
ngx_http_privacy_redis_tls_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_http_privacy_redis_conf_t *rcf)
{
    SSL_CTX             *ctx;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    ERR_clear_error();

    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        return ngx_http_privacy_redis_tls_fail(cf, cmd, "SSL_CTX_new()",
                                               NULL);
    }

    cln->handler = ngx_http_privacy_redis_tls_cleanup;
    cln->data = ctx;

    rcf->tls_ctx = ctx;

    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
        return ngx_http_privacy_redis_tls_fail(cf, cmd, "TLSv1.2", NULL);
    }

    /* a server whose certificate does not verify is not spoken to */
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    /* cf->args values and ngx_conf_full_name()'s results end in a NUL */

    if (ngx_http_privacy_redis_tls_file(cf, cmd, "tls_ca=", &rcf->tls_ca)
        != NGX_OK
        || ngx_http_privacy_redis_tls_file(cf, cmd, "tls_cert=",
                                           &rcf->tls_cert)
           != NGX_OK
        || ngx_http_privacy_redis_tls_file(cf, cmd, "tls_key=",
                                           &rcf->tls_key)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (rcf->tls_ca.len) {
        if (SSL_CTX_load_verify_locations(ctx, (char *) rcf->tls_ca.data,
                                          NULL)
            != 1)
        {
            return ngx_http_privacy_redis_tls_fail(cf, cmd, "tls_ca=",
                                                   &rcf->tls_ca);
        }

    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        return ngx_http_privacy_redis_tls_fail(cf, cmd,
                                               "the system's CA "
                                               "certificates", NULL);
    }

    if (rcf->tls_cert.len) {
        if (SSL_CTX_use_certificate_chain_file(ctx,
                                               (char *) rcf->tls_cert.data)
            != 1)
        {
            return ngx_http_privacy_redis_tls_fail(cf, cmd, "tls_cert=",
                                                   &rcf->tls_cert);
        }

        if (SSL_CTX_use_PrivateKey_file(ctx, (char *) rcf->tls_key.data,
                                        SSL_FILETYPE_PEM)
            != 1)
        {
            return ngx_http_privacy_redis_tls_fail(cf, cmd, "tls_key=",
                                                   &rcf->tls_key);
        }

        if (SSL_CTX_check_private_key(ctx) != 1) {
            return ngx_http_privacy_redis_tls_fail(cf, cmd,
                                                   "tls_key= against "
                                                   "tls_cert=",
                                                   &rcf->tls_key);
        }
    }

    return NGX_CONF_OK;
}


/* OpenSSL says "system lib" of a file it cannot open: nginx says more */

static ngx_int_t
ngx_http_privacy_redis_tls_file(ngx_conf_t *cf, ngx_command_t *cmd,
    const char *what, ngx_str_t *file)
{
    ngx_fd_t  fd;

    if (file->len == 0) {
        return NGX_OK;
    }

    fd = ngx_open_file(file->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"%V\": cannot open %s \"%V\"", &cmd->name,
                           what, file);
        return NGX_ERROR;
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%V\" failed", file);
    }

    return NGX_OK;
}


static char *
ngx_http_privacy_redis_tls_fail(ngx_conf_t *cf, ngx_command_t *cmd,
    const char *what, ngx_str_t *file)
{
    unsigned long   e;
    const char     *reason;

    e = ERR_peek_last_error();
    reason = e ? ERR_reason_error_string(e) : NULL;

    if (reason == NULL) {
        reason = "unknown error";
    }

    if (file) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": cannot load %s \"%V\": %s",
                           &cmd->name, what, file, reason);

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": cannot set up TLS (%s): %s",
                           &cmd->name, what, reason);
    }

    /* the reason is a static string of OpenSSL's: cleared after use */
    ERR_clear_error();

    return NGX_CONF_ERROR;
}


static void
ngx_http_privacy_redis_tls_cleanup(void *data)
{
    SSL_CTX_free(data);
}


ngx_int_t
ngx_http_privacy_redis_tls_start(redisAsyncContext *ac,
    ngx_http_privacy_redis_conf_t *rcf, void **ssl)
{
    SSL         *s;
    u_char       buf[NGX_HTTP_PRIVACY_REDIS_TLS_ERR_LEN];
    const char  *name, *err;

    *ssl = NULL;

    ERR_clear_error();

    s = SSL_new(rcf->tls_ctx);
    if (s == NULL) {
        goto failed;
    }

    if (rcf->tls_server_name.len) {
        name = (const char *) rcf->tls_server_name.data;

        /* SNI, and the name the certificate must carry */

        if (SSL_set_tlsext_host_name(s, name) != 1
            || SSL_set1_host(s, name) != 1)
        {
            goto failed;
        }
    }

    /* hiredis owns it from here, unless it fails */

    if (redisInitiateSSL(&ac->c, s) != REDIS_OK) {

        /*
         * On loopback the server's certificate can arrive within this
         * first SSL_connect(): the same words as a handshake that fails
         * later, not hiredis's "SSL_connect failed"
         */

        err = ngx_http_privacy_redis_tls_error(ac, s, buf);

        if (err != ac->c.errstr) {
            ngx_cpystrn((u_char *) ac->c.errstr, (u_char *) err,
                        sizeof(ac->c.errstr));
        }

        ac->err = ac->c.err;
        ac->errstr = ac->c.errstr;

        SSL_free(s);
        ERR_clear_error();
        return NGX_ERROR;
    }

    *ssl = s;

    return NGX_OK;

failed:

    if (s) {
        SSL_free(s);
    }

    ERR_clear_error();

    ac->c.err = REDIS_ERR_OTHER;
    ngx_cpystrn((u_char *) ac->c.errstr, (u_char *) "TLS set-up failed",
                sizeof(ac->c.errstr));

    ac->err = ac->c.err;
    ac->errstr = ac->c.errstr;

    return NGX_ERROR;
}


/*
 * A certificate that did not verify, then OpenSSL's last error; hiredis
 * itself only says "SSL_connect failed" or errno's text.
 */

const char *
ngx_http_privacy_redis_tls_error(redisAsyncContext *ac, void *ssl,
    u_char *buf)
{
    u_char         *p, *last;
    long            verify;
    unsigned long   e;

    if (ssl == NULL) {
        return ac->c.err ? ac->c.errstr : "unknown error";
    }

    e = ERR_peek_last_error();

    /* hiredis takes an alert that ends SSL_read() for an end of file */

    if (ac->c.err != REDIS_ERR_IO && ac->c.err != REDIS_ERR_EOF) {
        goto plain;
    }

    last = buf + NGX_HTTP_PRIVACY_REDIS_TLS_ERR_LEN - 1;

    verify = SSL_get_verify_result(ssl);

    if (verify != X509_V_OK && !SSL_is_init_finished((SSL *) ssl)) {
        p = ngx_slprintf(buf, last,
                         "TLS handshake failed: certificate verify failed "
                         "(%s)", X509_verify_cert_error_string(verify));

    } else if (e) {
        p = ngx_slprintf(buf, last, "TLS %s failed: %s",
                         SSL_is_init_finished((SSL *) ssl)
                         ? "connection" : "handshake",
                         ERR_reason_error_string(e)
                         ? ERR_reason_error_string(e) : "unknown error");

    } else {
        goto plain;
    }

    *p = '\0';

    ERR_clear_error();

    return (const char *) buf;

plain:

    if (e) {
        ERR_clear_error();
    }

    return ac->c.err ? ac->c.errstr : "unknown error";
}

#else


char *
ngx_http_privacy_redis_tls_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_http_privacy_redis_conf_t *rcf)
{
#if (HIREDIS_MAJOR < 1)
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%V\": tls=on needs hiredis 1.x with hiredis_ssl, "
                       "and this module is built against hiredis %d.%d, "
                       "which has no TLS: build hiredis 1.x with \"make "
                       "static USE_SSL=1\" and the module with "
                       "PRIVACY_HIREDIS_INC, PRIVACY_HIREDIS_LIB "
                       "(libhiredis.a) and PRIVACY_HIREDIS_SSL_LIB "
                       "(libhiredis_ssl.a) set, as tools/compat.sh "
                       "(make test-compat) builds it",
                       &cmd->name, HIREDIS_MAJOR, HIREDIS_MINOR);
#else
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%V\": tls=on needs hiredis 1.x with hiredis_ssl, "
                       "and this module is built against hiredis %d.%d "
                       "without it: build hiredis with \"make static "
                       "USE_SSL=1\" and the module with "
                       "PRIVACY_HIREDIS_SSL_LIB (libhiredis_ssl.a) set, as "
                       "tools/compat.sh (make test-compat) builds it",
                       &cmd->name, HIREDIS_MAJOR, HIREDIS_MINOR);
#endif

    (void) rcf;

    return NGX_CONF_ERROR;
}


ngx_int_t
ngx_http_privacy_redis_tls_start(redisAsyncContext *ac,
    ngx_http_privacy_redis_conf_t *rcf, void **ssl)
{
    /* never called: tls=on does not pass nginx -t */

    (void) ac;
    (void) rcf;

    *ssl = NULL;

    return NGX_ERROR;
}


const char *
ngx_http_privacy_redis_tls_error(redisAsyncContext *ac, void *ssl,
    u_char *buf)
{
    (void) ssl;
    (void) buf;

    return ac->c.err ? ac->c.errstr : "unknown error";
}

#endif
