
/*
 * The record of a consent decision, the proof of consent in Redis
 * (docs/redis.md), built in two steps: the record's fields from the
 * request, the decision and the configuration, then the Redis commands
 * that write it.  A refusal Redis did not record is written to the error
 * log instead, quoted for redis-cli (tools/replay-unrecorded.pl).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_redis.h"
#include "ngx_http_privacy_gpc.h"
#include "ngx_http_privacy_banner_text.h"
#include "ngx_http_privacy_template.h"
#include "ngx_http_privacy_consent_record.h"
#include "privacy_record.h"

#include <openssl/rand.h>
#include <openssl/sha.h>


/*
 * The arguments of the commands: MULTI; XADD key MINID ~ minid * and the
 * field pairs; HSET key and the field pairs; PEXPIRE key ms; EXEC
 */
#define NGX_HTTP_PRIVACY_RECORD_ARGS                                         \
    (1 + 6 + 2 * NGX_HTTP_PRIVACY_RECORD_FIELDS                              \
     + 2 + 2 * NGX_HTTP_PRIVACY_RECORD_FIELDS + 3 + 1)

/*
 * The fields of an unrecorded refusal per error log line: the line must
 * stay below NGX_MAX_ERROR_STR (2048) with its time, pid and message; a
 * longer record is split between lines, a field is never cut
 */
#define NGX_HTTP_PRIVACY_LOG_RECORD_MAX  1700


/* step 2's commands; they point into the record and into this */
typedef struct {
    ngx_http_privacy_redis_cmd_t    cmd[NGX_HTTP_PRIVACY_RECORD_CMDS];
    const char                     *argv[NGX_HTTP_PRIVACY_RECORD_ARGS];
    size_t                          argvlen[NGX_HTTP_PRIVACY_RECORD_ARGS];
    u_char                          minid[NGX_INT64_LEN];
    u_char                          expire[NGX_INT64_LEN];
} ngx_http_privacy_record_cmds_t;


static ngx_uint_t ngx_http_privacy_record_log_next(u_char **start,
    ngx_uint_t i);


/*
 * The fields' names, and the bound of each value (docs/redis.md, "The
 * largest record"):
 *
 *   id             32  hex of 16 random bytes
 *   action         10  one of ngx_http_privacy_record_actions
 *   granted,      989  together: the optional categories, at most 30,
 *   refused            names of at most 32 bytes, commas
 *   policy         64  privacy_policy_version
 *   time_ms        20  NGX_INT64_LEN (13 digits until the year 2286)
 *   banner_sha256  64  hex of SHA-256
 *   source          6  "form" or "script"
 *   host          255  privacy_record_host_ok(), "invalid" otherwise
 *   addr           16  anonymized (IPv4: 13)
 *   ua            256  cut
 *   replaces       32  hex of an id
 *   edge           64  the nginx that wrote it (privacy_redis edge=)
 *   gpc             1  "1" when the browser sent Sec-GPC: 1, else "0"
 */
static ngx_str_t  ngx_http_privacy_record_fields[] = {
    ngx_string("id"),
    ngx_string("action"),
    ngx_string("granted"),
    ngx_string("refused"),
    ngx_string("policy"),
    ngx_string("time_ms"),
    ngx_string("banner_sha256"),
    ngx_string("source"),
    ngx_string("host"),
    ngx_string("addr"),
    ngx_string("ua"),
    ngx_string("replaces"),
    ngx_string("edge"),
    ngx_string("gpc")
};

/* the core's form actions, PRIVACY_FORM_ACCEPT_ALL .. _WITHDRAW */
static ngx_str_t  ngx_http_privacy_record_actions[] = {
    ngx_string("accept_all"),
    ngx_string("reject_all"),
    ngx_string("save"),
    ngx_string("withdraw")
};


/*
 * Step 1.  Every field has a bound (see above): the request gives the
 * Host (checked, at most 255 bytes), the User-Agent (cut at 256 bytes)
 * and, through the address and the consent cookie, addr and replaces.
 */

ngx_http_privacy_record_t *
ngx_http_privacy_record_create(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_uint_t action, uint32_t granted,
    ngx_str_t *return_path, const u_char *replaces)
{
    u_char                     *names;
    uint32_t                    optional;
    ngx_str_t                   banner, *host, *ua, *v;
    ngx_uint_t                  i;
    ngx_time_t                 *tp;
    ngx_http_privacy_record_t  *rec;
    u_char                      hash[SHA256_DIGEST_LENGTH];

    rec = ngx_palloc(r->pool, sizeof(ngx_http_privacy_record_t));
    if (rec == NULL) {
        return NULL;
    }

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i++) {
        rec->field[i].name = ngx_http_privacy_record_fields[i];
    }

    if (RAND_bytes(rec->id, sizeof(rec->id)) != 1) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "privacy: RAND_bytes() failed");
        return NULL;
    }

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_ID].value;
    privacy_hex(rec->id_hex, rec->id, sizeof(rec->id));
    v->data = rec->id_hex;
    v->len = NGX_HTTP_PRIVACY_ID_HEX_LEN;

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_ACTION].value;
    *v = ngx_http_privacy_record_actions[action];

    /* granted and refused share the room of the names of both */
    optional = plcf->categories ? plcf->categories->optional : 0;

    names = ngx_pnalloc(r->pool,
                        ngx_http_privacy_record_names(plcf,
                                                      optional | granted,
                                                      NULL, ",", 0));
    if (names == NULL) {
        return NULL;
    }

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_GRANTED].value;
    v->data = names;
    v->len = ngx_http_privacy_record_names(plcf, granted, names, ",", 0);

    names += v->len;

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_REFUSED].value;
    v->data = names;
    v->len = ngx_http_privacy_record_names(plcf, optional & ~granted, names,
                                           ",", 0);

    rec->field[NGX_HTTP_PRIVACY_RECORD_POLICY].value = plcf->policy_version;

    tp = ngx_timeofday();
    rec->time_ms = (uint64_t) tp->sec * 1000 + tp->msec;

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_TIME].value;
    v->data = rec->time_dec;
    v->len = ngx_sprintf(rec->time_dec, "%uL", rec->time_ms) - rec->time_dec;

    /* proof of what was shown: the exact banner bytes for that page */
    if (ngx_http_privacy_banner_text(r, plcf, return_path, &banner)
        != NGX_OK)
    {
        return NULL;
    }

    SHA256(banner.data, banner.len, hash);

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_BANNER].value;
    privacy_hex(rec->banner_hex, hash, sizeof(hash));
    v->data = rec->banner_hex;
    v->len = NGX_HTTP_PRIVACY_SHA256_HEX;

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_SOURCE].value;

    if (ngx_http_privacy_wants_json(r)) {
        ngx_str_set(v, "script");
    } else {
        ngx_str_set(v, "form");
    }

    /*
     * nginx lets much through as a Host (8 KB of quotes, braces, spaces):
     * anything but a host[:port] of at most 255 bytes is recorded as
     * "invalid", the name RFC 6761 keeps from ever resolving
     */
    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_HOST].value;
    host = r->headers_in.host ? &r->headers_in.host->value : NULL;

    if (host == NULL) {
        ngx_str_null(v);

    } else if (privacy_record_host_ok(host->data, host->len)) {
        *v = *host;

    } else {
        ngx_str_set(v, PRIVACY_RECORD_HOST_INVALID);
    }

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_ADDR].value;

    if (ngx_http_privacy_remote_addr(r, v) != NGX_OK) {
        return NULL;
    }

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_UA].value;
    ua = r->headers_in.user_agent ? &r->headers_in.user_agent->value : NULL;

    if (ua) {
        v->data = ua->data;
        v->len = ngx_min(ua->len, NGX_HTTP_PRIVACY_RECORD_UA_MAX);

    } else {
        ngx_str_null(v);
    }

    /* the decision this one replaces, from the token the visitor holds */
    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_REPLACES].value;

    if (replaces) {
        privacy_hex(rec->replaces_hex, replaces, PRIVACY_CONSENT_ID_LEN);
        v->data = rec->replaces_hex;
        v->len = NGX_HTTP_PRIVACY_ID_HEX_LEN;

    } else {
        ngx_str_null(v);
    }

    /* which nginx wrote it, when several write to one Redis */
    rec->field[NGX_HTTP_PRIVACY_RECORD_EDGE].value =
                                            *ngx_http_privacy_redis_edge(r);

    /* a decision made while the browser sent the signal overrides it */
    rec->gpc = ngx_http_privacy_gpc_signal(r);

    v = &rec->field[NGX_HTTP_PRIVACY_RECORD_GPC].value;

    if (rec->gpc) {
        ngx_str_set(v, "1");
    } else {
        ngx_str_set(v, "0");
    }

    return rec;
}


/*
 * Step 2: MULTI, XADD to the log stream (trimmed to the retention), HSET
 * of the record, PEXPIRE, EXEC, sent in one round trip.
 */

ngx_http_privacy_redis_cmd_t *
ngx_http_privacy_record_commands(ngx_http_request_t *r,
    ngx_http_privacy_record_t *rec)
{
    u_char                           *p;
    uint64_t                          retention_ms, minid;
    ngx_str_t                         key, stream, *prefix;
    ngx_uint_t                        i, n;
    ngx_http_privacy_record_cmds_t   *c;
    ngx_http_privacy_record_field_t  *f;
    ngx_uint_t                        start[NGX_HTTP_PRIVACY_RECORD_CMDS + 1];

    prefix = ngx_http_privacy_redis_prefix(r);
    retention_ms = (uint64_t) ngx_http_privacy_redis_retention(r) * 1000;

    c = ngx_palloc(r->pool, sizeof(ngx_http_privacy_record_cmds_t));

    /* the keys: <prefix>consent:<id> and <prefix>log */
    p = ngx_pnalloc(r->pool, 2 * prefix->len + sizeof("consent:") - 1
                             + NGX_HTTP_PRIVACY_ID_HEX_LEN
                             + sizeof("log") - 1);

    if (c == NULL || p == NULL) {
        return NULL;
    }

    f = rec->field;

    key.data = p;
    key.len = ngx_sprintf(p, "%Vconsent:%V", prefix,
                          &f[NGX_HTTP_PRIVACY_RECORD_ID].value)
              - p;

    stream.data = p + key.len;
    stream.len = ngx_sprintf(stream.data, "%Vlog", prefix) - stream.data;

    minid = rec->time_ms > retention_ms ? rec->time_ms - retention_ms : 0;

#define ngx_http_privacy_arg(s, l)                                           \
    c->argv[n] = (const char *) (s); c->argvlen[n] = (l); n++

    n = 0;

    start[0] = n;
    ngx_http_privacy_arg("MULTI", 5);

    start[1] = n;
    ngx_http_privacy_arg("XADD", 4);
    ngx_http_privacy_arg(stream.data, stream.len);
    ngx_http_privacy_arg("MINID", 5);
    ngx_http_privacy_arg("~", 1);
    ngx_http_privacy_arg(c->minid, ngx_sprintf(c->minid, "%uL", minid)
                                   - c->minid);
    ngx_http_privacy_arg("*", 1);

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i++) {
        ngx_http_privacy_arg(f[i].name.data, f[i].name.len);
        ngx_http_privacy_arg(f[i].value.data, f[i].value.len);
    }

    start[2] = n;
    ngx_http_privacy_arg("HSET", 4);
    ngx_http_privacy_arg(key.data, key.len);

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i++) {
        ngx_http_privacy_arg(f[i].name.data, f[i].name.len);
        ngx_http_privacy_arg(f[i].value.data, f[i].value.len);
    }

    start[3] = n;
    ngx_http_privacy_arg("PEXPIRE", 7);
    ngx_http_privacy_arg(key.data, key.len);
    ngx_http_privacy_arg(c->expire, ngx_sprintf(c->expire, "%uL",
                                                retention_ms)
                                    - c->expire);

    start[4] = n;
    ngx_http_privacy_arg("EXEC", 4);

    start[5] = n;

#undef ngx_http_privacy_arg

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_CMDS; i++) {
        c->cmd[i].argc = start[i + 1] - start[i];
        c->cmd[i].argv = &c->argv[start[i]];
        c->cmd[i].argvlen = &c->argvlen[start[i]];
    }

    return c->cmd;
}


/*
 * The record as field names and values quoted for redis-cli, split
 * between lines at fields only when it is too long for one line:
 *
 *   privacy: consent ID not acknowledged by Redis (error), a refusal,
 *   applied anyway; record: id "..." action "withdraw" ... replaces "..."
 *
 * and "record 1/2: ...", "record 2/2: ..." when split.
 */

void
ngx_http_privacy_record_log(ngx_http_request_t *r,
    ngx_http_privacy_record_t *rec, const char *why)
{
    u_char                           *buf, *p;
    size_t                            size;
    ngx_str_t                        *id;
    ngx_uint_t                        i, k, part, parts;
    ngx_http_privacy_record_field_t  *f;
    u_char                           *start[NGX_HTTP_PRIVACY_RECORD_FIELDS
                                            + 1];

    f = rec->field;
    id = &f[NGX_HTTP_PRIVACY_RECORD_ID].value;

    size = 0;

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i++) {
        size += f[i].name.len + sizeof(" ") - 1
                + privacy_record_quote(NULL, f[i].value.data, f[i].value.len)
                + sizeof(" ") - 1;
    }

    buf = ngx_pnalloc(r->pool, size);
    if (buf == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "privacy: consent %V not acknowledged by Redis (%s), "
                      "a refusal, applied anyway; no memory to log its "
                      "record", id, why);
        return;
    }

    /* "name value " per field; a line is the fields from start[i] */
    p = buf;

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i++) {
        start[i] = p;
        p = ngx_cpymem(p, f[i].name.data, f[i].name.len);
        *p++ = ' ';
        p += privacy_record_quote(p, f[i].value.data, f[i].value.len);
        *p++ = ' ';
    }

    start[i] = p;

    parts = 0;

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i = k) {
        k = ngx_http_privacy_record_log_next(start, i);
        parts++;
    }

    part = 1;

    for (i = 0; i < NGX_HTTP_PRIVACY_RECORD_FIELDS; i = k, part++) {
        k = ngx_http_privacy_record_log_next(start, i);

        if (parts == 1) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "privacy: consent %V not acknowledged by Redis "
                          "(%s), a refusal, applied anyway; record: %*s",
                          id, why,
                          (size_t) (start[k] - start[i] - 1), start[i]);
            continue;
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "privacy: consent %V not acknowledged by Redis "
                      "(%s), a refusal, applied anyway; record %ui/%ui: %*s",
                      id, why, part, parts,
                      (size_t) (start[k] - start[i] - 1), start[i]);
    }
}


/* the first field after the line that starts with field i */

static ngx_uint_t
ngx_http_privacy_record_log_next(u_char **start, ngx_uint_t i)
{
    ngx_uint_t  k;

    for (k = i + 1; k < NGX_HTTP_PRIVACY_RECORD_FIELDS; k++) {
        if ((size_t) (start[k + 1] - start[i])
            > NGX_HTTP_PRIVACY_LOG_RECORD_MAX)
        {
            break;
        }
    }

    return k;
}


/*
 * The names of the categories in mask, joined by sep, quoted for JSON if
 * asked; with buf NULL only the length.  Names need no escaping: they are
 * letters, digits, "_" and "-".
 */

size_t
ngx_http_privacy_record_names(ngx_http_privacy_loc_conf_t *plcf,
    uint32_t mask, u_char *buf, const char *sep, ngx_uint_t quote)
{
    size_t                        len;
    ngx_uint_t                    i;
    ngx_http_privacy_category_t  *cat;

    if (plcf->categories == NULL) {
        return 0;
    }

    cat = plcf->categories->categories.elts;
    len = 0;

    for (i = 0; i < plcf->categories->categories.nelts; i++) {

        if (!(mask & (1u << i))) {
            continue;
        }

        if (len) {
            if (buf) {
                buf[len] = *sep;
            }
            len++;
        }

        if (quote) {
            if (buf) {
                buf[len] = '"';
            }
            len++;
        }

        if (buf) {
            ngx_memcpy(buf + len, cat[i].name.data, cat[i].name.len);
        }

        len += cat[i].name.len;

        if (quote) {
            if (buf) {
                buf[len] = '"';
            }
            len++;
        }
    }

    return len;
}
