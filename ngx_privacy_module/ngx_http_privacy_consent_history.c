
/*
 * A decision's history: GET <consent_url>?history=1 answers with the
 * visitor's decision and the records Redis holds of it and of the
 * decisions it replaced, read one HGETALL at a time along their
 * "replaces" fields.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_redis.h"
#include "ngx_http_privacy_consent_answer.h"
#include "ngx_http_privacy_consent_history.h"

#include <hiredis/hiredis.h>

#include "privacy_record.h"


#define NGX_HTTP_PRIVACY_HISTORY_MAX   20


typedef struct {
    ngx_http_request_t             *request;
    ngx_http_privacy_redis_req_t   *redis;
    ngx_http_privacy_loc_conf_t    *plcf;
    privacy_token_t                 token;
    ngx_array_t                     records;     /* ngx_str_t: JSON objects,
                                                    the newest first */
} ngx_http_privacy_history_t;


static ngx_int_t ngx_http_privacy_history_read(ngx_http_request_t *r,
    ngx_http_privacy_history_t *h, ngx_str_t *id);
static void ngx_http_privacy_history_reply(void *data, ngx_int_t rc,
    void *reply);
static void ngx_http_privacy_history_cleanup(void *data);


ngx_int_t
ngx_http_privacy_history(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, privacy_token_t *token)
{
    ngx_int_t                    rc;
    ngx_str_t                    id;
    ngx_pool_cleanup_t          *cln;
    ngx_http_privacy_history_t  *h;
    u_char                       hex[NGX_HTTP_PRIVACY_ID_HEX_LEN];

    if (!ngx_http_privacy_redis_configured(r)) {
        return ngx_http_privacy_answer_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                             "no record store");
    }

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_privacy_history_t));
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = cln->data;

    h->request = r;
    h->redis = NULL;
    h->plcf = plcf;
    h->token = *token;

    /* a Redis reply after the request is gone must not touch it */
    cln->handler = ngx_http_privacy_history_cleanup;

    if (ngx_array_init(&h->records, r->pool, 4, sizeof(ngx_str_t))
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    privacy_hex(hex, token->consent_id, PRIVACY_CONSENT_ID_LEN);

    id.data = hex;
    id.len = NGX_HTTP_PRIVACY_ID_HEX_LEN;

    rc = ngx_http_privacy_history_read(r, h, &id);
    if (rc != NGX_DONE) {
        return rc;
    }

    /* the request waits for Redis; the reply handler finalizes it */
    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_privacy_history_cleanup(void *data)
{
    ngx_http_privacy_history_t *h = data;

    if (h->redis) {
        ngx_http_privacy_redis_cancel(h->redis);
        h->redis = NULL;
    }
}


/* HGETALL of the record of id; the arguments are copied when sent */

static ngx_int_t
ngx_http_privacy_history_read(ngx_http_request_t *r,
    ngx_http_privacy_history_t *h, ngx_str_t *id)
{
    ngx_str_t                     *prefix, key;
    const char                    *argv[2];
    size_t                         argvlen[2];
    ngx_http_privacy_redis_cmd_t   cmd;

    prefix = ngx_http_privacy_redis_prefix(r);

    key.data = ngx_pnalloc(r->pool, prefix->len + sizeof("consent:") - 1
                                    + id->len);
    if (key.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    key.len = ngx_sprintf(key.data, "%Vconsent:%V", prefix, id) - key.data;

    argv[0] = "HGETALL";
    argvlen[0] = 7;
    argv[1] = (const char *) key.data;
    argvlen[1] = key.len;

    cmd.argc = 2;
    cmd.argv = argv;
    cmd.argvlen = argvlen;

    h->redis = ngx_http_privacy_redis_send(r->connection->log, &cmd, 1,
                                           ngx_http_privacy_history_reply, h);
    if (h->redis == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_DONE;
}


/* one record of the history: appended as a JSON object, then the next */

static void
ngx_http_privacy_history_reply(void *data, ngx_int_t rc, void *reply)
{
    ngx_http_privacy_history_t *h = data;

    ngx_str_t               *rec, next;
    ngx_uint_t               i, n;
    redisReply              *rr, *k, *v;
    ngx_connection_t        *c;
    ngx_http_request_t      *r;
    privacy_record_field_t  *f;

    h->redis = NULL;

    r = h->request;
    c = r->connection;
    rr = reply;

    if (rc != NGX_OK || rr == NULL || rr->type != REDIS_REPLY_ARRAY) {
        ngx_http_privacy_metric_redis_error();
        rc = ngx_http_privacy_answer_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                           "the records could not be read");
        goto done;
    }

    ngx_str_null(&next);

    if (rr->elements) {
        f = ngx_palloc(r->pool, rr->elements / 2
                                * sizeof(privacy_record_field_t));
        if (f == NULL) {
            rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
            goto done;
        }

        n = 0;

        for (i = 0; i + 1 < rr->elements; i += 2) {
            k = rr->element[i];
            v = rr->element[i + 1];

            if (k->type != REDIS_REPLY_STRING
                || v->type != REDIS_REPLY_STRING)
            {
                continue;
            }

            f[n].name = (u_char *) k->str;
            f[n].name_len = k->len;
            f[n].value = (u_char *) v->str;
            f[n].value_len = v->len;
            n++;

            if (k->len == 8 && ngx_strncmp(k->str, "replaces", 8) == 0
                && v->len == NGX_HTTP_PRIVACY_ID_HEX_LEN)
            {
                next.data = ngx_pnalloc(r->pool, v->len);
                if (next.data == NULL) {
                    rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
                    goto done;
                }

                next.len = v->len;
                ngx_memcpy(next.data, v->str, v->len);
            }
        }

        rec = ngx_array_push(&h->records);
        if (rec == NULL) {
            rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
            goto done;
        }

        rec->data = ngx_pnalloc(r->pool, privacy_record_json(NULL, f, n));
        if (rec->data == NULL) {
            rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
            goto done;
        }

        rec->len = privacy_record_json(rec->data, f, n);
    }

    /* the hiredis reply is freed when this returns: nothing points in it */

    if (next.len && h->records.nelts < NGX_HTTP_PRIVACY_HISTORY_MAX) {
        rc = ngx_http_privacy_history_read(r, h, &next);
        if (rc == NGX_DONE) {
            return;
        }

        goto done;
    }

    rc = ngx_http_privacy_answer_decision(r, h->plcf, &h->token,
                                          &h->records, 0);

done:

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}
