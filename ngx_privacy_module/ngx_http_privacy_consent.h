
/*
 * ngx_http_privacy_module: the consent endpoint (ngx_http_privacy_consent.c).
 */


#ifndef _NGX_HTTP_PRIVACY_CONSENT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CONSENT_H_INCLUDED_


#include "ngx_http_privacy.h"


char *ngx_http_privacy_consent_endpoint(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


#endif /* _NGX_HTTP_PRIVACY_CONSENT_H_INCLUDED_ */
