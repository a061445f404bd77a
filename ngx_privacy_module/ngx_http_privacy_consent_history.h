
/*
 * ngx_http_privacy_module: a decision's history in Redis
 * (ngx_http_privacy_consent_history.c).
 */


#ifndef _NGX_HTTP_PRIVACY_CONSENT_HISTORY_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CONSENT_HISTORY_H_INCLUDED_


#include "ngx_http_privacy.h"


/*
 * GET ?history=1: answers with the decision of token and the records of
 * it and of the decisions it replaced, newest first.  Returns what a
 * content handler returns: NGX_DONE while Redis is asked.
 */
ngx_int_t ngx_http_privacy_history(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, privacy_token_t *token);


#endif /* _NGX_HTTP_PRIVACY_CONSENT_HISTORY_H_INCLUDED_ */
