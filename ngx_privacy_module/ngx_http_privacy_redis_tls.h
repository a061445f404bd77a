
/*
 * ngx_http_privacy_module: TLS to Redis and to the sentinels, with
 * hiredis_ssl (hiredis 1.x built with USE_SSL=1).  The OpenSSL context is
 * made once per configuration, when privacy_redis is read; each new
 * asynchronous connection gets its own SSL object from it before any
 * command, and the handshake runs on nginx's event loop inside hiredis's
 * reads and writes.  Used by the link and the sentinel files.
 */


#ifndef _NGX_HTTP_PRIVACY_REDIS_TLS_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REDIS_TLS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "ngx_http_privacy_redis.h"


/* the message of a failure: "TLS handshake failed: " and OpenSSL's reason */
#define NGX_HTTP_PRIVACY_REDIS_TLS_ERR_LEN  160


/*
 * tls=on: makes rcf->tls_ctx from tls_ca=, tls_cert= and tls_key= (the
 * files are read now: a bad one is an nginx -t error with the directive's
 * file and line), or says how to build with TLS when this build has none.
 */
char *ngx_http_privacy_redis_tls_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_http_privacy_redis_conf_t *rcf);

/*
 * Starts TLS on a context just connected, before any command and before
 * it is attached: *ssl is set to its SSL object, which hiredis frees with
 * the context.  NGX_ERROR: ac->errstr says why, the context is to be
 * freed.
 */
ngx_int_t ngx_http_privacy_redis_tls_start(redisAsyncContext *ac,
    ngx_http_privacy_redis_conf_t *rcf, void **ssl);

/*
 * Why a TLS connection failed, into buf (at least ..._TLS_ERR_LEN): the
 * certificate check's reason or OpenSSL's; ac->errstr when it was not
 * TLS that failed.  Call it from the adapter's cleanup hook, while hiredis
 * still holds the SSL object.
 */
const char *ngx_http_privacy_redis_tls_error(redisAsyncContext *ac,
    void *ssl, u_char *buf);


#endif /* _NGX_HTTP_PRIVACY_REDIS_TLS_H_INCLUDED_ */
