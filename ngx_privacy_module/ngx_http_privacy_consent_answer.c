
/*
 * What the consent endpoint answers: the decision as JSON (with its
 * history when asked), a 303 back to the page for the form, the pages a
 * browser without script gets, the settings page, and the errors.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_settings.h"
#include "ngx_http_privacy_consent_record.h"
#include "ngx_http_privacy_consent_answer.h"


#define NGX_HTTP_PRIVACY_RETRY_AFTER   "5"


static ngx_int_t ngx_http_privacy_decision_json(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, privacy_token_t *token,
    ngx_array_t *history, ngx_uint_t unrecorded, ngx_str_t *out);


static ngx_str_t  ngx_http_privacy_json_type = ngx_string("application/json");
static ngx_str_t  ngx_http_privacy_html_type =
    ngx_string("text/html; charset=utf-8");
static ngx_str_t  ngx_http_privacy_location = ngx_string("Location");

/* reasons are fixed ASCII strings of the consent files: nothing to escape */
static char  ngx_http_privacy_error_page[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\"><title>%ui</title></head><body>"
    "<h1>Your choice was not saved</h1><p>%s (%ui).</p>"
    "<p>Please try again in a moment. <a href=\"/\">Back to the site</a></p>"
    "</body></html>\n";

/* a refusal that Redis did not record; the link is escaped */
static char  ngx_http_privacy_unrecorded_page[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\"><title>Your choice applies</title></head><body>"
    "<h1>Your choice applies</h1><p>It is in effect in this browser now, "
    "but the site could not record it.</p>"
    "<p><a href=\"%*s\">Back to the site</a></p></body></html>\n";


ngx_int_t
ngx_http_privacy_answer_decision(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, privacy_token_t *token,
    ngx_array_t *history, ngx_uint_t unrecorded)
{
    ngx_str_t  body;

    if (ngx_http_privacy_decision_json(r, plcf, token, history, unrecorded,
                                       &body)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_send(r, NGX_HTTP_OK,
                                 &ngx_http_privacy_json_type, &body);
}


ngx_int_t
ngx_http_privacy_answer_see_other(ngx_http_request_t *r, ngx_str_t *path)
{
    ngx_str_t  body;

    /*
     * a relative Location, left as it is: nginx would make
     * r->headers_out.location absolute with its own idea of the scheme,
     * wrong behind a proxy that terminates TLS
     */
    if (ngx_http_privacy_add_header(r, &ngx_http_privacy_location, path)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&body, "");

    return ngx_http_privacy_send(r, NGX_HTTP_SEE_OTHER, NULL, &body);
}


/*
 * For the form, a refusal that was not recorded gets a page that says so
 * and links back to where the visitor came from.
 */

ngx_int_t
ngx_http_privacy_answer_unrecorded(ngx_http_request_t *r, ngx_str_t *path)
{
    size_t     len;
    ngx_str_t  body, link;

    /* a path of this site (checked), escaped for the attribute */
    len = path->len + ngx_escape_html(NULL, path->data, path->len);

    link.data = ngx_pnalloc(r->pool, len);
    if (link.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    link.len = (u_char *) ngx_escape_html(link.data, path->data, path->len)
               - link.data;

    len += sizeof(ngx_http_privacy_unrecorded_page);

    body.data = ngx_pnalloc(r->pool, len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.len = ngx_snprintf(body.data, len, ngx_http_privacy_unrecorded_page,
                            link.len, link.data)
               - body.data;

    return ngx_http_privacy_send(r, NGX_HTTP_OK,
                                 &ngx_http_privacy_html_type, &body);
}


ngx_int_t
ngx_http_privacy_answer_settings(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    ngx_str_t  body;

    if (ngx_http_privacy_settings_page(r, plcf, ctx, &body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_privacy_send(r, NGX_HTTP_OK,
                                 &ngx_http_privacy_html_type, &body);
}


ngx_int_t
ngx_http_privacy_answer_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *reason)
{
    u_char     *p;
    size_t      len;
    ngx_str_t   body, retry;

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "privacy consent refused with %ui: %s", status, reason);

    if (status == NGX_HTTP_SERVICE_UNAVAILABLE) {
        ngx_str_set(&retry, NGX_HTTP_PRIVACY_RETRY_AFTER);

        if (ngx_http_privacy_add_header(r, &ngx_http_privacy_retry_after,
                                        &retry)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    /* the body of an error is read no further: keep-alive must not see it */
    r->keepalive = 0;

    if (!ngx_http_privacy_wants_json(r) && ngx_http_privacy_wants_html(r)) {
        /* the form without script: a page the visitor can act on */
        len = sizeof(ngx_http_privacy_error_page) + ngx_strlen(reason)
              + 2 * NGX_INT_T_LEN;

        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        body.data = p;
        body.len = ngx_snprintf(p, len, ngx_http_privacy_error_page, status,
                                reason, status) - p;

        return ngx_http_privacy_send(r, status,
                                     &ngx_http_privacy_html_type,
                                     &body);
    }

    len = sizeof("{\"error\":\"\"}\n") - 1 + ngx_strlen(reason);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.data = p;
    body.len = ngx_sprintf(p, "{\"error\":\"%s\"}\n", reason) - p;

    return ngx_http_privacy_send(r, status,
                                 &ngx_http_privacy_json_type, &body);
}


/*
 * {"decision":{"id":"..","granted":[..],"refused":[..],"time":N,
 *  "policy":".."},"history":[..],"recorded":false} or {"decision":null}
 */

static ngx_int_t
ngx_http_privacy_decision_json(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, privacy_token_t *token,
    ngx_array_t *history, ngx_uint_t unrecorded, ngx_str_t *out)
{
    u_char      *p;
    size_t       len;
    uint32_t     optional;
    ngx_str_t   *rec;
    ngx_uint_t   i;

    if (token == NULL) {
        ngx_str_set(out, "{\"decision\":null}\n");
        return NGX_OK;
    }

    optional = plcf->categories ? plcf->categories->optional : 0;

    len = sizeof("{\"decision\":{\"id\":\"\",\"granted\":[],\"refused\":[],"
                 "\"time\":,\"policy\":\"\"}}\n") - 1
          + NGX_HTTP_PRIVACY_ID_HEX_LEN + NGX_INT64_LEN
          + 2 * ngx_http_privacy_record_names(plcf, optional, NULL, ",", 1)
          + token->policy_len;

    if (history) {
        len += sizeof(",\"history\":[]") - 1;
        rec = history->elts;

        for (i = 0; i < history->nelts; i++) {
            len += rec[i].len + 1;
        }
    }

    if (unrecorded) {
        len += sizeof(",\"recorded\":false") - 1;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;

    p = ngx_cpymem(p, "{\"decision\":{\"id\":\"",
                   sizeof("{\"decision\":{\"id\":\"") - 1);
    privacy_hex(p, token->consent_id, PRIVACY_CONSENT_ID_LEN);
    p += NGX_HTTP_PRIVACY_ID_HEX_LEN;

    p = ngx_cpymem(p, "\",\"granted\":[", sizeof("\",\"granted\":[") - 1);
    p += ngx_http_privacy_record_names(plcf, token->granted & optional, p,
                                       ",", 1);
    p = ngx_cpymem(p, "],\"refused\":[", sizeof("],\"refused\":[") - 1);
    p += ngx_http_privacy_record_names(plcf, optional & ~token->granted, p,
                                       ",", 1);

    /* the policy version is printable ASCII without quotes (checked) */
    p = ngx_sprintf(p, "],\"time\":%uL,\"policy\":\"", token->issued);
    p = ngx_cpymem(p, token->policy, token->policy_len);
    *p++ = '"';
    *p++ = '}';

    if (history) {
        p = ngx_cpymem(p, ",\"history\":[", sizeof(",\"history\":[") - 1);
        rec = history->elts;

        for (i = 0; i < history->nelts; i++) {
            if (i) {
                *p++ = ',';
            }

            p = ngx_cpymem(p, rec[i].data, rec[i].len);
        }

        *p++ = ']';
    }

    if (unrecorded) {
        p = ngx_cpymem(p, ",\"recorded\":false",
                       sizeof(",\"recorded\":false") - 1);
    }

    *p++ = '}';
    *p++ = LF;

    out->len = p - out->data;

    return NGX_OK;
}
