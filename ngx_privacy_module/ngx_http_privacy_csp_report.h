
/*
 * ngx_http_privacy_module: the endpoint that takes browsers' CSP violation
 * reports and tells which third parties pages load
 * (ngx_http_privacy_csp_report.c).
 */


#ifndef _NGX_HTTP_PRIVACY_CSP_REPORT_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CSP_REPORT_H_INCLUDED_


#include "ngx_http_privacy.h"


char *ngx_http_privacy_csp_report_endpoint(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);


#endif /* _NGX_HTTP_PRIVACY_CSP_REPORT_H_INCLUDED_ */
