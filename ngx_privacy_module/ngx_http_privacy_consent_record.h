
/*
 * ngx_http_privacy_module: the record of a consent decision
 * (ngx_http_privacy_consent_record.c).
 */


#ifndef _NGX_HTTP_PRIVACY_CONSENT_RECORD_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_CONSENT_RECORD_H_INCLUDED_


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_redis.h"


/* the record's fields, in the order of XADD and HSET (docs/redis.md) */
#define NGX_HTTP_PRIVACY_RECORD_ID        0
#define NGX_HTTP_PRIVACY_RECORD_ACTION    1
#define NGX_HTTP_PRIVACY_RECORD_GRANTED   2
#define NGX_HTTP_PRIVACY_RECORD_REFUSED   3
#define NGX_HTTP_PRIVACY_RECORD_POLICY    4
#define NGX_HTTP_PRIVACY_RECORD_TIME      5
#define NGX_HTTP_PRIVACY_RECORD_BANNER    6
#define NGX_HTTP_PRIVACY_RECORD_SOURCE    7
#define NGX_HTTP_PRIVACY_RECORD_HOST      8
#define NGX_HTTP_PRIVACY_RECORD_ADDR      9
#define NGX_HTTP_PRIVACY_RECORD_UA        10
#define NGX_HTTP_PRIVACY_RECORD_REPLACES  11
#define NGX_HTTP_PRIVACY_RECORD_EDGE      12
#define NGX_HTTP_PRIVACY_RECORD_GPC       13

#define NGX_HTTP_PRIVACY_RECORD_FIELDS    14

/* the User-Agent is cut at this length */
#define NGX_HTTP_PRIVACY_RECORD_UA_MAX    256

/* banner_sha256: the hex of a SHA-256 */
#define NGX_HTTP_PRIVACY_SHA256_HEX       64

/* MULTI, XADD, HSET, PEXPIRE, EXEC: one round trip */
#define NGX_HTTP_PRIVACY_RECORD_CMDS      5


typedef struct {
    ngx_str_t                       name;
    ngx_str_t                       value;
} ngx_http_privacy_record_field_t;


/*
 * A decision's record, complete before Redis is asked.  The values made
 * here have their room in it, at their bounds; the others point into the
 * request (host, ua: bounded when taken), the address and the
 * configuration.
 */
typedef struct {
    ngx_http_privacy_record_field_t  field[NGX_HTTP_PRIVACY_RECORD_FIELDS];

    u_char                           id[PRIVACY_CONSENT_ID_LEN];
    uint64_t                         time_ms;
    ngx_uint_t                       gpc;      /* made with Sec-GPC: 1 */

    u_char                           id_hex[NGX_HTTP_PRIVACY_ID_HEX_LEN];
    u_char                           time_dec[NGX_INT64_LEN];
    u_char                           banner_hex[NGX_HTTP_PRIVACY_SHA256_HEX];
    u_char                           replaces_hex[NGX_HTTP_PRIVACY_ID_HEX_LEN];
} ngx_http_privacy_record_t;


/*
 * Step 1: the record of the decision a request makes; replaces is the
 * consent id of the decision the visitor held, or NULL.  NULL when out of
 * memory or without randomness (logged).
 */
ngx_http_privacy_record_t *ngx_http_privacy_record_create(
    ngx_http_request_t *r, ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t action, uint32_t granted, ngx_str_t *return_path,
    const u_char *replaces);

/*
 * Step 2: the record as NGX_HTTP_PRIVACY_RECORD_CMDS commands, which
 * point into it; NULL when out of memory.
 */
ngx_http_privacy_redis_cmd_t *ngx_http_privacy_record_commands(
    ngx_http_request_t *r, ngx_http_privacy_record_t *rec);

/* a refusal Redis did not record: the record into the error log */
void ngx_http_privacy_record_log(ngx_http_request_t *r,
    ngx_http_privacy_record_t *rec, const char *why);

/*
 * The names of the categories in mask, joined by sep and quoted for JSON
 * if asked, as the record and the endpoint's JSON write them; with buf
 * NULL only the length.
 */
size_t ngx_http_privacy_record_names(ngx_http_privacy_loc_conf_t *plcf,
    uint32_t mask, u_char *buf, const char *sep, ngx_uint_t quote);


#endif /* _NGX_HTTP_PRIVACY_CONSENT_RECORD_H_INCLUDED_ */
