
/*
 * ngx_http_privacy_module: the banner's templates, languages and text
 * (ngx_http_privacy_template.c).
 */


#ifndef _NGX_HTTP_PRIVACY_TEMPLATE_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_TEMPLATE_H_INCLUDED_


#include "ngx_http_privacy.h"


char *ngx_http_privacy_banner(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_banner_language(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_privacy_banner_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf);


#endif /* _NGX_HTTP_PRIVACY_TEMPLATE_H_INCLUDED_ */
