
/*
 * ngx_http_privacy_module: what the consent endpoint answers
 * (ngx_http_privacy_consent_answer.c).
 */


#ifndef _NGX_HTTP_PRIVACY_CONSENT_ANSWER_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CONSENT_ANSWER_H_INCLUDED_


#include "ngx_http_privacy.h"


/*
 * 200 with the decision as JSON, {"decision":null} without a token; with
 * the records of history (ngx_str_t, JSON objects) when given, and
 * "recorded":false when unrecorded is set
 */
ngx_int_t ngx_http_privacy_answer_decision(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, privacy_token_t *token,
    ngx_array_t *history, ngx_uint_t unrecorded);

/* 303 to a path of this site, the answer to the form */
ngx_int_t ngx_http_privacy_answer_see_other(ngx_http_request_t *r,
    ngx_str_t *path);

/* the page for the form of a refusal that was not recorded */
ngx_int_t ngx_http_privacy_answer_unrecorded(ngx_http_request_t *r,
    ngx_str_t *path);

/* the settings page */
ngx_int_t ngx_http_privacy_answer_settings(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);

/*
 * status with the reason as JSON, or as a page for a browser; nothing
 * was changed.  reason is ASCII that needs no escaping.
 */
ngx_int_t ngx_http_privacy_answer_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *reason);


#endif /* _NGX_HTTP_PRIVACY_CONSENT_ANSWER_H_INCLUDED_ */
