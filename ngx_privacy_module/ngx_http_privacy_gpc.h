
/*
 * ngx_http_privacy_module: Global Privacy Control, privacy_gpc and
 * /.well-known/gpc.json (ngx_http_privacy_gpc.c).
 */


#ifndef _NGX_HTTP_PRIVACY_GPC_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_GPC_H_INCLUDED_


#include "ngx_http_privacy.h"


char *ngx_http_privacy_gpc(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_privacy_gpc_resource(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_gpc_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf);

/* 1 when the request carries "Sec-GPC: 1" */
ngx_uint_t ngx_http_privacy_gpc_signal(ngx_http_request_t *r);

/* the categories the request's signal refuses here, 0 without it */
uint32_t ngx_http_privacy_gpc_refused(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf);


#endif /* _NGX_HTTP_PRIVACY_GPC_H_INCLUDED_ */
