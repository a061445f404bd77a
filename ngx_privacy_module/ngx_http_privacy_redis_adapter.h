
/*
 * ngx_http_privacy_module: a hiredis adapter for nginx's event loop, in the
 * shape of the files in hiredis's adapters/ directory.  It knows nothing of
 * commands, queues or reconnects; it tells its owner three things through
 * the hooks below.
 */


#ifndef _NGX_HTTP_PRIVACY_REDIS_ADAPTER_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_REDIS_ADAPTER_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>


typedef struct {
    /*
     * hiredis lets go of the context and closes its socket when this
     * returns.  Called once, from inside hiredis: call no hiredis function;
     * the context is still valid, its error string tells why.
     */
    void                  (*cleanup)(void *data);

    /*
     * The nginx events could not be set: close the context.  Called from
     * the event loop, never from inside hiredis.
     */
    void                  (*error)(void *data);

    /*
     * The worker is exiting; now is set when worker_shutdown_timeout
     * expired.  The context is served as before until it is closed.
     */
    void                  (*exiting)(void *data, ngx_uint_t now);
} ngx_http_privacy_redis_hooks_t;


/*
 * Puts the context on nginx's event loop until hiredis lets go of it.
 * Returns NGX_OK, NGX_DECLINED when there is no free connection, or
 * NGX_ERROR (out of memory, something else attached).  hooks must outlive
 * the context.
 */
ngx_int_t ngx_http_privacy_redis_attach(redisAsyncContext *ac, ngx_log_t *log,
    ngx_http_privacy_redis_hooks_t *hooks, void *data);


#endif /* _NGX_HTTP_PRIVACY_REDIS_ADAPTER_H_INCLUDED_ */
