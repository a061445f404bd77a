
/*
 * The consent endpoint (PrivacyConsentEndpoint): takes the visitor's
 * decision, records it in Redis as proof of consent and only then sets
 * the consent cookie, and answers with the current decision.  The nginx
 * module's privacy_consent_endpoint, answer for answer: the same form
 * (the core's parser, privacy_form.c), the same same-origin checks and
 * limits, the same signed token, the same record in Redis (MULTI, XADD,
 * HSET, PEXPIRE, EXEC; docs/redis.md), the same JSON.
 *
 * It fails toward privacy: a grant that Redis does not record is refused
 * (503, Retry-After), a refusal or a withdrawal takes effect all the same
 * and its record goes to the error log for tools/replay-unrecorded.pl.
 *
 * Redis is asked synchronously, from the pool of mod_privacy_redis.c,
 * within PrivacyRedis timeout=: Apache gives each request its thread.
 */


#include "mod_privacy.h"
#include "privacy_form.h"
#include "privacy_record.h"

#include <apr_lib.h>
#include <hiredis/hiredis.h>
#include <openssl/rand.h>
#include <openssl/sha.h>


#define MOD_PRIVACY_ID_HEX_LEN      (2 * PRIVACY_CONSENT_ID_LEN)
#define MOD_PRIVACY_SHA256_HEX      64
#define MOD_PRIVACY_RECORD_UA_MAX   256
#define MOD_PRIVACY_RETRY_AFTER     "5"
#define MOD_PRIVACY_HISTORY_MAX     20

/* the record's fields, in the order of XADD and HSET (docs/redis.md) */
#define MOD_PRIVACY_RECORD_ID       0
#define MOD_PRIVACY_RECORD_ACTION   1
#define MOD_PRIVACY_RECORD_GRANTED  2
#define MOD_PRIVACY_RECORD_REFUSED  3
#define MOD_PRIVACY_RECORD_POLICY   4
#define MOD_PRIVACY_RECORD_TIME     5
#define MOD_PRIVACY_RECORD_BANNER   6
#define MOD_PRIVACY_RECORD_SOURCE   7
#define MOD_PRIVACY_RECORD_HOST     8
#define MOD_PRIVACY_RECORD_ADDR     9
#define MOD_PRIVACY_RECORD_UA       10
#define MOD_PRIVACY_RECORD_REPLACES 11
#define MOD_PRIVACY_RECORD_EDGE     12
#define MOD_PRIVACY_RECORD_GPC      13
#define MOD_PRIVACY_RECORD_FIELDS   14

/* MULTI, XADD, HSET, PEXPIRE, EXEC */
#define MOD_PRIVACY_RECORD_CMDS     5
#define MOD_PRIVACY_RECORD_ARGS                                              \
    (1 + 6 + 2 * MOD_PRIVACY_RECORD_FIELDS                                   \
     + 2 + 2 * MOD_PRIVACY_RECORD_FIELDS + 3 + 1)

/* an unrecorded refusal's fields per error log line (see nginx's) */
#define MOD_PRIVACY_LOG_RECORD_MAX  1700


typedef struct {
    const char                     *value;
    size_t                          len;
} mod_privacy_str_t;


typedef struct {
    mod_privacy_str_t               field[MOD_PRIVACY_RECORD_FIELDS];
    unsigned char                   id[PRIVACY_CONSENT_ID_LEN];
    apr_uint64_t                    time_ms;
    int                             gpc;
} mod_privacy_record_t;


/* a POST or a DELETE: the decision, from its body to its answer */
typedef struct {
    mod_privacy_dir_conf_t         *dcf;
    int                             action;
    uint32_t                        granted;
    const char                     *return_path;  /* validated, or NULL */
    int                             json;
    int                             refusal;
    int                             unrecorded;
    mod_privacy_record_t           *record;
    privacy_token_t                 token;
    const char                     *cookie;       /* the signed token */
} mod_privacy_consent_t;


static int mod_privacy_consent_read_body(request_rec *r,
    mod_privacy_consent_t *cs, const char **error);
static int mod_privacy_same_origin(request_rec *r);
static int mod_privacy_origin_matches(request_rec *r, const char *value,
    int prefix);
static int mod_privacy_consent_record(request_rec *r,
    mod_privacy_consent_t *cs);
static mod_privacy_record_t *mod_privacy_record_create(request_rec *r,
    mod_privacy_consent_t *cs, const unsigned char *replaces);
static mod_privacy_redis_cmd_t *mod_privacy_record_commands(request_rec *r,
    mod_privacy_record_t *rec);
static void mod_privacy_record_log(request_rec *r, mod_privacy_record_t *rec,
    const char *why);
static int mod_privacy_consent_decided(request_rec *r,
    mod_privacy_consent_t *cs);
static size_t mod_privacy_names(mod_privacy_dir_conf_t *dcf, uint32_t mask,
    char *buf, int quote);
static int mod_privacy_accepts(request_rec *r, const char *type);
static int mod_privacy_answer(request_rec *r, int status, const char *type,
    const char *body);
static int mod_privacy_answer_error(request_rec *r, int status,
    const char *reason);
static int mod_privacy_answer_decision(request_rec *r,
    mod_privacy_dir_conf_t *dcf, privacy_token_t *token, const char *history,
    int unrecorded);
static int mod_privacy_consent_get(request_rec *r,
    mod_privacy_dir_conf_t *dcf, mod_privacy_ctx_t *ctx, const char *url);
static int mod_privacy_history(request_rec *r, mod_privacy_dir_conf_t *dcf,
    privacy_token_t *token);


static const char  *mod_privacy_record_fields[] = {
    "id", "action", "granted", "refused", "policy", "time_ms",
    "banner_sha256", "source", "host", "addr", "ua", "replaces", "edge",
    "gpc"
};

/* the core's form actions, PRIVACY_FORM_ACCEPT_ALL .. _WITHDRAW */
static const char  *mod_privacy_record_actions[] = {
    "accept_all", "reject_all", "save", "withdraw"
};

/* reasons are fixed ASCII strings of this file: nothing to escape */
static const char  mod_privacy_error_page[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\"><title>%d</title></head><body>"
    "<h1>Your choice was not saved</h1><p>%s (%d).</p>"
    "<p>Please try again in a moment. <a href=\"/\">Back to the site</a></p>"
    "</body></html>\n";

static const char  mod_privacy_unrecorded_page[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\"><title>Your choice applies</title></head><body>"
    "<h1>Your choice applies</h1><p>It is in effect in this browser now, "
    "but the site could not record it.</p>"
    "<p><a href=\"%s\">Back to the site</a></p></body></html>\n";


/* where the first PrivacyConsentEndpoint is, for configtest */
static const char  *mod_privacy_endpoint_file;
static unsigned     mod_privacy_endpoint_line;
static apr_array_header_t  *mod_privacy_endpoint_servers;


void
mod_privacy_consent_pre_config(apr_pool_t *pconf)
{
    mod_privacy_endpoint_file = NULL;
    mod_privacy_endpoint_servers = apr_array_make(pconf, 2,
                                                  sizeof(server_rec *));
}


const char *
mod_privacy_consent_endpoint(cmd_parms *cmd, void *conf)
{
    mod_privacy_dir_conf_t  *dcf = conf;
    const ap_directive_t    *section;
    mod_privacy_srv_conf_t  *scf;

    dcf->consent_endpoint = 1;

    /*
     * the banner's form posts to the server's first endpoint of a plain
     * <Location PATH> (not a pattern, nor a <Directory> or <Files>)
     */
    scf = ap_get_module_config(cmd->server->module_config, &privacy_module);
    section = cmd->directive->parent;

    if (section && cmd->path
        && strcasecmp(section->directive, "<Location") == 0
        && section->args && section->args[0] != '~'
        && cmd->path[0] == '/')
    {
        /* the banner's files are below it */
        dcf->consent_path = cmd->path;

        if (scf->consent_url == NULL) {
            scf->consent_url = cmd->path;
        }
    }

    if (mod_privacy_endpoint_file == NULL) {
        mod_privacy_endpoint_file = cmd->directive->filename;
        mod_privacy_endpoint_line = cmd->directive->line_num;
    }

    *(server_rec **) apr_array_push(mod_privacy_endpoint_servers) =
                                                                cmd->server;

    return NULL;
}


/* what nginx -t says of privacy_consent_endpoint, after the whole file */

int
mod_privacy_consent_check(server_rec *s)
{
    int                      i;
    server_rec             **srv;
    mod_privacy_srv_conf_t  *scf;

    if (mod_privacy_endpoint_file == NULL) {
        return OK;
    }

    srv = (server_rec **) mod_privacy_endpoint_servers->elts;

    for (i = 0; i < mod_privacy_endpoint_servers->nelts; i++) {

        if (!mod_privacy_redis_configured(srv[i])) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         "mod_privacy: \"PrivacyConsentEndpoint\" in %s:%u "
                         "requires \"PrivacyRedis\": the decisions are "
                         "recorded there", mod_privacy_endpoint_file,
                         mod_privacy_endpoint_line);
            return !OK;
        }

        scf = ap_get_module_config(srv[i]->module_config, &privacy_module);

        if (scf->keys == NULL) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         "mod_privacy: \"PrivacyConsentEndpoint\" in %s:%u "
                         "requires \"PrivacySecret\": the decision is a "
                         "signed cookie", mod_privacy_endpoint_file,
                         mod_privacy_endpoint_line);
            return !OK;
        }
    }

    return OK;
}


int
mod_privacy_consent_handler(request_rec *r)
{
    int                      rc;
    size_t                   len;
    const char              *error, *base;
    mod_privacy_ctx_t       *ctx;
    mod_privacy_consent_t   *cs;
    mod_privacy_dir_conf_t  *dcf;

    dcf = mod_privacy_dir_conf(r);

    if (dcf->consent_endpoint != 1 || r->main) {
        return DECLINED;
    }

    ctx = mod_privacy_get_ctx(r);

    /* Tk: U and no banner, on every answer, errors included */
    ctx->endpoint = 1;

    /* on every answer but a hashed file's, errors included */
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");

    /* the banner's files, below the endpoint's <Location> */
    base = dcf->consent_path ? dcf->consent_path
                             : mod_privacy_consent_url(r->server);
    len = strlen(base);

    if (strncmp(r->uri, base, len) == 0 && r->uri[len] != '\0') {
        return mod_privacy_asset_handler(r, r->uri + len);
    }

    if (dcf->policy_version == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "mod_privacy: the consent endpoint needs "
                      "PrivacyPolicyVersion");
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    mod_privacy_read_decision(r, dcf, ctx);

    r->allowed = (AP_METHOD_BIT << M_GET) | (AP_METHOD_BIT << M_POST)
                 | (AP_METHOD_BIT << M_DELETE);

    switch (r->method_number) {

    case M_GET:
        /* the settings page and the JSON share the URL */
        apr_table_mergen(r->headers_out, "Vary", "Accept");

        if (ap_discard_request_body(r) != OK) {
            return HTTP_BAD_REQUEST;
        }

        return mod_privacy_consent_get(r, dcf, ctx, base);

    case M_POST:
    case M_DELETE:
        break;

    default:
        return HTTP_METHOD_NOT_ALLOWED;
    }

    cs = apr_pcalloc(r->pool, sizeof(mod_privacy_consent_t));
    cs->dcf = dcf;

    /* a page on another site cannot decide for the visitor */
    if (!mod_privacy_same_origin(r)) {
        return mod_privacy_answer_error(r, HTTP_FORBIDDEN,
                                        "cross-site request");
    }

    if (r->method_number == M_DELETE) {
        if (ap_discard_request_body(r) != OK) {
            return HTTP_BAD_REQUEST;
        }

        cs->action = PRIVACY_FORM_WITHDRAW;
        cs->json = 1;

        return mod_privacy_consent_record(r, cs);
    }

    error = NULL;

    rc = mod_privacy_consent_read_body(r, cs, &error);

    if (rc != OK) {
        /* bad input changes nothing: a clear status and the reason */
        return error ? mod_privacy_answer_error(r, rc, error) : rc;
    }

    return mod_privacy_consent_record(r, cs);
}


/*
 * The body, at most PRIVACY_FORM_BODY_MAX bytes (a larger Content-Length
 * is refused before reading, a chunked body as soon as it is over), is
 * read into one allocation with room for its decoded pairs after it, and
 * parsed there by the core as a whole.
 */

static int
mod_privacy_consent_read_body(request_rec *r, mod_privacy_consent_t *cs,
    const char **error)
{
    int                        rc;
    long                       n;
    char                      *room;
    size_t                     len;
    apr_off_t                  clen;
    const char                *type, *cl;
    privacy_consent_form_t     form;
    mod_privacy_categories_t  *cats;

    static const char  urlencoded[] = "application/x-www-form-urlencoded";

    cl = apr_table_get(r->headers_in, "Content-Length");

    if (cl && (apr_strtoff(&clen, cl, NULL, 10) != APR_SUCCESS
               || clen > PRIVACY_FORM_BODY_MAX))
    {
        *error = "body over 4096 bytes";
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }

    type = apr_table_get(r->headers_in, "Content-Type");

    if (type == NULL
        || strncasecmp(type, urlencoded, sizeof(urlencoded) - 1) != 0
        || (type[sizeof(urlencoded) - 1] != '\0'
            && type[sizeof(urlencoded) - 1] != ';'
            && type[sizeof(urlencoded) - 1] != ' '))
    {
        *error = "the body must be application/x-www-form-urlencoded";
        return HTTP_UNSUPPORTED_MEDIA_TYPE;
    }

    rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK);
    if (rc != OK) {
        return rc;
    }

    /* one byte more than allowed: a body that fills it is too large */
    room = apr_palloc(r->pool, PRIVACY_FORM_ROOM(PRIVACY_FORM_BODY_MAX + 1));
    len = 0;

    if (ap_should_client_block(r)) {
        while ((n = ap_get_client_block(r, room + len,
                                        PRIVACY_FORM_BODY_MAX + 1 - len))
               > 0)
        {
            len += n;

            if (len > PRIVACY_FORM_BODY_MAX) {
                *error = "body over 4096 bytes";
                return HTTP_REQUEST_ENTITY_TOO_LARGE;
            }
        }

        if (n < 0) {
            return HTTP_BAD_REQUEST;
        }
    }

    if (len == 0) {
        *error = "no body";
        return HTTP_BAD_REQUEST;
    }

    cats = cs->dcf->categories;

    rc = privacy_consent_form_parse((unsigned char *) room, len,
                                    cats ? cats->desc : NULL,
                                    cats ? cats->categories->nelts : 0,
                                    &form);

    if (rc != PRIVACY_FORM_OK) {
        *error = form.error;

        return (rc == PRIVACY_FORM_TOO_LARGE)
               ? HTTP_REQUEST_ENTITY_TOO_LARGE : HTTP_BAD_REQUEST;
    }

    cs->action = form.action;
    cs->granted = form.granted;

    if (form.return_path) {
        cs->return_path = apr_pstrmemdup(r->pool,
                                         (const char *) form.return_path,
                                         form.return_path_len);
    }

    if (cs->return_path == NULL || mod_privacy_accepts(r, "application/json"))
    {
        cs->json = 1;
    }

    return OK;
}


/*
 * Sec-Fetch-Site, when the browser sends it, must say same-origin (or
 * none: typed by the visitor); otherwise Origin, or failing that Referer,
 * must be this request's own scheme, host and port.
 */

static int
mod_privacy_same_origin(request_rec *r)
{
    const char  *v;

    v = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    if (v) {
        return strcasecmp(v, "same-origin") == 0 || strcasecmp(v, "none") == 0;
    }

    v = apr_table_get(r->headers_in, "Origin");
    if (v) {
        return mod_privacy_origin_matches(r, v, 0);
    }

    v = apr_table_get(r->headers_in, "Referer");
    if (v) {
        return mod_privacy_origin_matches(r, v, 1);
    }

    return 0;
}


/* value is "scheme://host[:port]", followed by a path when prefix is set */

static int
mod_privacy_origin_matches(request_rec *r, const char *value, int prefix)
{
    size_t       n, slen, hlen;
    const char  *scheme, *host;

    scheme = ap_http_scheme(r);
    host = apr_table_get(r->headers_in, "Host");

    if (host == NULL || scheme == NULL) {
        return 0;
    }

    slen = strlen(scheme);
    hlen = strlen(host);
    n = slen + 3 + hlen;

    if (strlen(value) < n
        || strncasecmp(value, scheme, slen) != 0
        || strncmp(value + slen, "://", 3) != 0
        || strncasecmp(value + slen + 3, host, hlen) != 0)
    {
        return 0;
    }

    if (value[n] == '\0') {
        return 1;
    }

    /* "http://example.com.evil.net/" must not pass as example.com */
    return prefix && value[n] == '/';
}


/*
 * The record goes to Redis in one round trip, and the answer waits for
 * it: no cookie for a grant Redis does not hold.
 */

static int
mod_privacy_consent_record(request_rec *r, mod_privacy_consent_t *cs)
{
    int                       rc;
    uint32_t                  optional, held;
    const char               *why;
    privacy_key_t            *key;
    unsigned char            *p;
    size_t                    len;
    mod_privacy_ctx_t        *ctx;
    mod_privacy_srv_conf_t   *scf;
    mod_privacy_dir_conf_t   *dcf;
    mod_privacy_redis_cmd_t  *cmds;

    dcf = cs->dcf;
    ctx = mod_privacy_get_ctx(r);

    /*
     * a grant gives a category the visitor's valid decision did not (or
     * any, without one); the rest only takes away or keeps
     */
    optional = dcf->categories ? dcf->categories->optional : 0;
    held = ctx->decided ? ctx->token.granted & optional : 0;
    cs->refusal = ((cs->granted & ~held) == 0);

    cs->record = mod_privacy_record_create(r, cs,
                                           ctx->decided
                                           ? ctx->token.consent_id : NULL);
    if (cs->record == NULL) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the token is signed before Redis is asked: nothing fails after */
    scf = ap_get_module_config(r->server->module_config, &privacy_module);
    key = (privacy_key_t *) scf->keys->elts;

    memcpy(cs->token.consent_id, cs->record->id, PRIVACY_CONSENT_ID_LEN);
    cs->token.granted = cs->granted;
    cs->token.flags = cs->record->gpc ? PRIVACY_TOKEN_FLAG_GPC : 0;
    cs->token.issued = (uint64_t) apr_time_sec(apr_time_now());
    cs->token.expires = cs->token.issued
                        + (uint64_t) mod_privacy_cookie_conf(dcf)->max_age;
    cs->token.categories_fp = dcf->categories ? dcf->categories->fingerprint
                                              : 0;
    cs->token.policy_len = strlen(dcf->policy_version);
    memcpy(cs->token.policy, dcf->policy_version, cs->token.policy_len);

    p = apr_palloc(r->pool, privacy_token_encoded_len(&cs->token) + 1);
    len = privacy_token_encode(p, &cs->token, key);

    if (len == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ALERT, 0, r,
                      "mod_privacy: cannot sign a consent token");
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    p[len] = '\0';
    cs->cookie = (const char *) p;

    cmds = mod_privacy_record_commands(r, cs->record);

    rc = mod_privacy_redis_run(r, cmds, MOD_PRIVACY_RECORD_CMDS, NULL, &why);

    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "mod_privacy: consent %s: recording %s, refusal: %d, "
                  "Redis: %d",
                  cs->record->field[MOD_PRIVACY_RECORD_ACTION].value,
                  cs->record->field[MOD_PRIVACY_RECORD_ID].value,
                  cs->refusal, rc);

    if (rc == MOD_PRIVACY_REDIS_OK) {
        mod_privacy_metric_consent(cs->action);
        return mod_privacy_consent_decided(r, cs);
    }

    mod_privacy_metric_redis_error();

    if (cs->refusal) {
        /* it takes effect all the same; the record goes to the log */
        cs->unrecorded = 1;
        mod_privacy_record_log(r, cs->record, why);
        return mod_privacy_consent_decided(r, cs);
    }

    /*
     * on a timeout or a lost connection Redis may still run the
     * transaction it received: the record then exists for a decision that
     * was never acted on (docs/redis.md)
     */
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                  "mod_privacy: consent %s not acknowledged by Redis (%s), "
                  "answering 503 and granting nothing; a record may still "
                  "appear if Redis received it",
                  cs->record->field[MOD_PRIVACY_RECORD_ID].value,
                  rc == MOD_PRIVACY_REDIS_TIMEOUT ? "timeout" : why);

    return mod_privacy_answer_error(r, HTTP_SERVICE_UNAVAILABLE,
                                    "the decision could not be recorded, "
                                    "nothing was changed");
}


static mod_privacy_record_t *
mod_privacy_record_create(request_rec *r, mod_privacy_consent_t *cs,
    const unsigned char *replaces)
{
    int                      i;
    char                    *names, *hex;
    uint32_t                 optional;
    apr_size_t               len;
    const char              *host, *ua, *banner;
    mod_privacy_str_t       *f;
    mod_privacy_dir_conf_t  *dcf;
    mod_privacy_record_t    *rec;
    unsigned char            hash[SHA256_DIGEST_LENGTH];

    dcf = cs->dcf;

    rec = apr_pcalloc(r->pool, sizeof(mod_privacy_record_t));
    f = rec->field;

    if (RAND_bytes(rec->id, sizeof(rec->id)) != 1) {
        ap_log_rerror(APLOG_MARK, APLOG_ALERT, 0, r,
                      "mod_privacy: RAND_bytes() failed");
        return NULL;
    }

    hex = apr_palloc(r->pool, MOD_PRIVACY_ID_HEX_LEN + 1);
    privacy_hex((unsigned char *) hex, rec->id, sizeof(rec->id));
    hex[MOD_PRIVACY_ID_HEX_LEN] = '\0';
    f[MOD_PRIVACY_RECORD_ID].value = hex;

    f[MOD_PRIVACY_RECORD_ACTION].value =
                                    mod_privacy_record_actions[cs->action];

    optional = dcf->categories ? dcf->categories->optional : 0;

    names = apr_palloc(r->pool,
                       mod_privacy_names(dcf, cs->granted, NULL, 0) + 1);
    names[mod_privacy_names(dcf, cs->granted, names, 0)] = '\0';
    f[MOD_PRIVACY_RECORD_GRANTED].value = names;

    names = apr_palloc(r->pool,
                       mod_privacy_names(dcf, optional & ~cs->granted, NULL,
                                         0) + 1);
    names[mod_privacy_names(dcf, optional & ~cs->granted, names, 0)] = '\0';
    f[MOD_PRIVACY_RECORD_REFUSED].value = names;

    f[MOD_PRIVACY_RECORD_POLICY].value = dcf->policy_version;

    rec->time_ms = (apr_uint64_t) apr_time_as_msec(apr_time_now());
    f[MOD_PRIVACY_RECORD_TIME].value = apr_psprintf(r->pool,
                                                    "%" APR_UINT64_T_FMT,
                                                    rec->time_ms);

    /* proof of what was shown: the exact banner bytes for that page */
    banner = mod_privacy_banner_text(r, dcf, cs->return_path, &len);
    SHA256((const unsigned char *) banner, len, hash);
    hex = apr_palloc(r->pool, MOD_PRIVACY_SHA256_HEX + 1);
    privacy_hex((unsigned char *) hex, hash, sizeof(hash));
    hex[MOD_PRIVACY_SHA256_HEX] = '\0';
    f[MOD_PRIVACY_RECORD_BANNER].value = hex;

    f[MOD_PRIVACY_RECORD_SOURCE].value =
                  mod_privacy_accepts(r, "application/json") ? "script"
                                                             : "form";

    /* anything but a host[:port] of at most 255 bytes is "invalid" */
    host = apr_table_get(r->headers_in, "Host");

    if (host == NULL) {
        f[MOD_PRIVACY_RECORD_HOST].value = "";

    } else if (privacy_record_host_ok((const unsigned char *) host,
                                      strlen(host)))
    {
        f[MOD_PRIVACY_RECORD_HOST].value = host;

    } else {
        f[MOD_PRIVACY_RECORD_HOST].value = PRIVACY_RECORD_HOST_INVALID;
    }

    /* the network, not the address: /24, /48 */
    names = (char *) mod_privacy_remote_net(r);

    f[MOD_PRIVACY_RECORD_ADDR].value = names;

    ua = apr_table_get(r->headers_in, "User-Agent");
    f[MOD_PRIVACY_RECORD_UA].value = ua ? ua : "";
    f[MOD_PRIVACY_RECORD_UA].len = ua ? strlen(ua) : 0;

    if (f[MOD_PRIVACY_RECORD_UA].len > MOD_PRIVACY_RECORD_UA_MAX) {
        f[MOD_PRIVACY_RECORD_UA].len = MOD_PRIVACY_RECORD_UA_MAX;
    }

    if (replaces) {
        hex = apr_palloc(r->pool, MOD_PRIVACY_ID_HEX_LEN + 1);
        privacy_hex((unsigned char *) hex, replaces, PRIVACY_CONSENT_ID_LEN);
        hex[MOD_PRIVACY_ID_HEX_LEN] = '\0';
        f[MOD_PRIVACY_RECORD_REPLACES].value = hex;

    } else {
        f[MOD_PRIVACY_RECORD_REPLACES].value = "";
    }

    f[MOD_PRIVACY_RECORD_EDGE].value = mod_privacy_redis_edge(r);

    /* a decision made while the browser sent Sec-GPC: 1 overrides it */
    rec->gpc = mod_privacy_gpc_signal(r);

    f[MOD_PRIVACY_RECORD_GPC].value = rec->gpc ? "1" : "0";

    for (i = 0; i < MOD_PRIVACY_RECORD_FIELDS; i++) {
        if (i != MOD_PRIVACY_RECORD_UA) {
            f[i].len = strlen(f[i].value);
        }
    }

    return rec;
}


/*
 * MULTI; XADD <prefix>log MINID ~ <now - retention> * fields...;
 * HSET <prefix>consent:<id> fields...; PEXPIRE <key> <retention>; EXEC
 */

static mod_privacy_redis_cmd_t *
mod_privacy_record_commands(request_rec *r, mod_privacy_record_t *rec)
{
    int                       i, n;
    const char              **argv, *key, *stream, *prefix;
    size_t                   *argvlen;
    apr_uint64_t              retention_ms, minid;
    mod_privacy_str_t        *f;
    mod_privacy_redis_cmd_t  *cmd;
    int                       start[MOD_PRIVACY_RECORD_CMDS + 1];

    argv = apr_palloc(r->pool, MOD_PRIVACY_RECORD_ARGS * sizeof(char *));
    argvlen = apr_palloc(r->pool, MOD_PRIVACY_RECORD_ARGS * sizeof(size_t));
    cmd = apr_palloc(r->pool,
                     MOD_PRIVACY_RECORD_CMDS * sizeof(mod_privacy_redis_cmd_t));

    f = rec->field;
    prefix = mod_privacy_redis_prefix(r);
    retention_ms = (apr_uint64_t) mod_privacy_redis_retention(r) * 1000;

    key = apr_pstrcat(r->pool, prefix, "consent:",
                      f[MOD_PRIVACY_RECORD_ID].value, NULL);
    stream = apr_pstrcat(r->pool, prefix, "log", NULL);

    minid = rec->time_ms > retention_ms ? rec->time_ms - retention_ms : 0;

#define mod_privacy_arg(s, l)                                                \
    argv[n] = (s); argvlen[n] = (l); n++

    n = 0;

    start[0] = n;
    mod_privacy_arg("MULTI", 5);

    start[1] = n;
    mod_privacy_arg("XADD", 4);
    mod_privacy_arg(stream, strlen(stream));
    mod_privacy_arg("MINID", 5);
    mod_privacy_arg("~", 1);
    argv[n] = apr_psprintf(r->pool, "%" APR_UINT64_T_FMT, minid);
    mod_privacy_arg(argv[n], strlen(argv[n]));
    mod_privacy_arg("*", 1);

    for (i = 0; i < MOD_PRIVACY_RECORD_FIELDS; i++) {
        mod_privacy_arg(mod_privacy_record_fields[i],
                        strlen(mod_privacy_record_fields[i]));
        mod_privacy_arg(f[i].value, f[i].len);
    }

    start[2] = n;
    mod_privacy_arg("HSET", 4);
    mod_privacy_arg(key, strlen(key));

    for (i = 0; i < MOD_PRIVACY_RECORD_FIELDS; i++) {
        mod_privacy_arg(mod_privacy_record_fields[i],
                        strlen(mod_privacy_record_fields[i]));
        mod_privacy_arg(f[i].value, f[i].len);
    }

    start[3] = n;
    mod_privacy_arg("PEXPIRE", 7);
    mod_privacy_arg(key, strlen(key));
    argv[n] = apr_psprintf(r->pool, "%" APR_UINT64_T_FMT, retention_ms);
    mod_privacy_arg(argv[n], strlen(argv[n]));

    start[4] = n;
    mod_privacy_arg("EXEC", 4);

    start[5] = n;

#undef mod_privacy_arg

    for (i = 0; i < MOD_PRIVACY_RECORD_CMDS; i++) {
        cmd[i].argc = start[i + 1] - start[i];
        cmd[i].argv = &argv[start[i]];
        cmd[i].argvlen = &argvlen[start[i]];
    }

    return cmd;
}


/*
 * A refusal Redis did not record, quoted for redis-cli, split between
 * lines at fields when too long for one, as nginx writes it:
 *
 *   privacy: consent ID not acknowledged by Redis (WHY), a refusal,
 *   applied anyway; record: id "..." action "withdraw" ...
 */

static void
mod_privacy_record_log(request_rec *r, mod_privacy_record_t *rec,
    const char *why)
{
    int                 i, k, part, parts;
    char               *buf, *p;
    size_t              size;
    mod_privacy_str_t  *f;
    char               *start[MOD_PRIVACY_RECORD_FIELDS + 1];

    f = rec->field;
    size = 0;

    for (i = 0; i < MOD_PRIVACY_RECORD_FIELDS; i++) {
        size += strlen(mod_privacy_record_fields[i]) + 2
                + privacy_record_quote(NULL, (const unsigned char *)
                                       f[i].value, f[i].len);
    }

    buf = apr_palloc(r->pool, size + 1);
    p = buf;

    for (i = 0; i < MOD_PRIVACY_RECORD_FIELDS; i++) {
        start[i] = p;
        p = apr_cpystrn(p, mod_privacy_record_fields[i], size + 1);
        *p++ = ' ';
        p += privacy_record_quote((unsigned char *) p,
                                  (const unsigned char *) f[i].value,
                                  f[i].len);
        *p++ = ' ';
    }

    start[i] = p;

    parts = 0;

    for (i = 0; i < MOD_PRIVACY_RECORD_FIELDS; i = k, parts++) {
        for (k = i + 1; k < MOD_PRIVACY_RECORD_FIELDS; k++) {
            if (start[k + 1] - start[i] > MOD_PRIVACY_LOG_RECORD_MAX) {
                break;
            }
        }
    }

    part = 1;

    for (i = 0; i < MOD_PRIVACY_RECORD_FIELDS; i = k, part++) {
        for (k = i + 1; k < MOD_PRIVACY_RECORD_FIELDS; k++) {
            if (start[k + 1] - start[i] > MOD_PRIVACY_LOG_RECORD_MAX) {
                break;
            }
        }

        if (parts == 1) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          "privacy: consent %s not acknowledged by Redis "
                          "(%s), a refusal, applied anyway; record: %.*s",
                          f[MOD_PRIVACY_RECORD_ID].value, why,
                          (int) (start[k] - start[i] - 1), start[i]);
            continue;
        }

        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "privacy: consent %s not acknowledged by Redis (%s), "
                      "a refusal, applied anyway; record %d/%d: %.*s",
                      f[MOD_PRIVACY_RECORD_ID].value, why, part, parts,
                      (int) (start[k] - start[i] - 1), start[i]);
    }
}


/*
 * Redis holds the record, or it is a refusal: the cookie goes out, and
 * the cookies the browser holds that the new decision blocks are expired.
 */

static int
mod_privacy_consent_decided(request_rec *r, mod_privacy_consent_t *cs)
{
    int                              i, d, k, category, expired;
    char                            *v, *last;
    size_t                           len, dlen;
    uint32_t                         granted;
    const char                      *cookie, **domain;
    const unsigned char             *pos, *end;
    privacy_cookie_t                 c;
    apr_array_header_t              *names;
    mod_privacy_ctx_t               *ctx;
    mod_privacy_blocked_t           *b;
    mod_privacy_dir_conf_t          *dcf;
    const mod_privacy_cookie_conf_t *cc;

    dcf = cs->dcf;
    ctx = mod_privacy_get_ctx(r);
    cc = mod_privacy_cookie_conf(dcf);

    v = apr_psprintf(r->pool, "%s=%s; Max-Age=%" APR_TIME_T_FMT
                     "; Path=%s%s%s; SameSite=%s; HttpOnly%s",
                     cc->name, cs->cookie, cc->max_age, cc->path,
                     cc->domain ? "; Domain=" : "",
                     cc->domain ? cc->domain : "", cc->samesite,
                     (cc->secure == 1
                      || (cc->secure == MOD_PRIVACY_SECURE_AUTO
                          && strcmp(ap_http_scheme(r), "https") == 0))
                     ? "; Secure" : "");

    mod_privacy_add_own_cookie(r, ctx, r->err_headers_out, v);

    /*
     * the names the browser holds: those still in the request and those
     * the request side removed
     */
    names = apr_array_make(r->pool, 8, sizeof(mod_privacy_blocked_t));

    cookie = apr_table_get(r->headers_in, "Cookie");

    if (cookie) {
        pos = (const unsigned char *) cookie;
        end = pos + strlen(cookie);

        while (privacy_cookie_next(&pos, end, &c)) {
            b = apr_array_push(names);
            b->name = apr_pstrmemdup(r->pool, (const char *) c.name,
                                     c.name_len);
            b->len = c.name_len;
        }
    }

    for (i = 0; i < ctx->request_blocked; i++) {
        *(mod_privacy_blocked_t *) apr_array_push(names) =
                         ((mod_privacy_blocked_t *) ctx->blocked->elts)[i];
    }

    granted = cs->granted | (dcf->categories ? dcf->categories->essential
                                             : 0);

    domain = dcf->cookie_domains ? (const char **) dcf->cookie_domains->elts
                                 : NULL;
    expired = 0;

    b = (mod_privacy_blocked_t *) names->elts;

    for (i = 0; dcf->expire_blocked != 0 && i < names->nelts; i++) {

        if (b[i].len == 0) {
            continue;
        }

        category = mod_privacy_name_category(dcf,
                                             (const unsigned char *) b[i].name,
                                             b[i].len);

        if (mod_privacy_allowed(dcf, granted, category)) {
            continue;
        }

        /* host-only, then once per PrivacyCookieDomains entry */
        for (d = -1; d < (domain ? dcf->cookie_domains->nelts : 0); d++) {
            dlen = d < 0 ? 0 : strlen(domain[d]);

            len = privacy_cookie_expire_len((const unsigned char *) b[i].name,
                                            b[i].len,
                                            (const unsigned char *)
                                            (d < 0 ? NULL : domain[d]), dlen);
            v = apr_palloc(r->pool, len + 1);

            last = (char *) privacy_cookie_expire((unsigned char *) v,
                                        (const unsigned char *) b[i].name,
                                        b[i].len,
                                        (const unsigned char *)
                                        (d < 0 ? NULL : domain[d]), dlen);
            *last = '\0';

            mod_privacy_add_own_cookie(r, ctx, r->err_headers_out, v);
        }

        expired++;
    }

    mod_privacy_metric_expired(expired);

    /* the response side's expiry would repeat these */
    ctx->expired_sent = 1;

    /* JSON for a script, a DELETE and a form without a return path */
    if (cs->json) {
        return mod_privacy_answer_decision(r, dcf, &cs->token, NULL,
                                           cs->unrecorded);
    }

    if (cs->unrecorded) {
        k = (int) strlen(cs->return_path);
        v = ap_escape_html(r->pool, apr_pstrndup(r->pool, cs->return_path,
                                                 k));

        return mod_privacy_answer(r, HTTP_OK, "text/html; charset=utf-8",
                                  apr_psprintf(r->pool,
                                               mod_privacy_unrecorded_page,
                                               v));
    }

    /* a relative Location, left as it is (a path of this site, checked) */
    apr_table_setn(r->headers_out, "Location", cs->return_path);

    return mod_privacy_answer(r, HTTP_SEE_OTHER, NULL, "");
}


/*
 * The names of the categories in mask, comma-separated, each in quotes if
 * asked; with buf NULL only the length.
 */

static size_t
mod_privacy_names(mod_privacy_dir_conf_t *dcf, uint32_t mask, char *buf,
    int quote)
{
    int                      i;
    size_t                   len, n;
    mod_privacy_category_t  *cat;

    if (dcf->categories == NULL) {
        return 0;
    }

    cat = (mod_privacy_category_t *) dcf->categories->categories->elts;
    len = 0;

    for (i = 0; i < dcf->categories->categories->nelts; i++) {

        if (!(mask & (1u << i))) {
            continue;
        }

        n = strlen(cat[i].name);

        if (buf) {
            if (len) {
                buf[len] = ',';
            }

            if (quote) {
                buf[len + (len != 0)] = '"';
                buf[len + (len != 0) + quote + n] = '"';
            }

            memcpy(buf + len + (len != 0) + quote, cat[i].name, n);
        }

        len += (len != 0) + n + 2 * quote;
    }

    return len;
}


static int
mod_privacy_accepts(request_rec *r, const char *type)
{
    const char  *v;

    v = apr_table_get(r->headers_in, "Accept");

    return v != NULL && ap_strcasestr(v, type) != NULL;
}


/* a whole small answer of the module's own, with its status */

static int
mod_privacy_answer(request_rec *r, int status, const char *type,
    const char *body)
{
    r->status = status;

    if (type) {
        ap_set_content_type(r, type);
    }

    ap_set_content_length(r, strlen(body));

    if (!r->header_only && body[0] != '\0') {
        ap_rputs(body, r);
    }

    return OK;
}


static int
mod_privacy_answer_error(request_rec *r, int status, const char *reason)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "mod_privacy: consent refused with %d: %s", status, reason);

    if (status == HTTP_SERVICE_UNAVAILABLE) {
        apr_table_setn(r->err_headers_out, "Retry-After",
                       MOD_PRIVACY_RETRY_AFTER);
    }

    /* the body of an error is read no further: keep-alive must not see it */
    r->connection->keepalive = AP_CONN_CLOSE;

    if (!mod_privacy_accepts(r, "application/json")
        && mod_privacy_accepts(r, "text/html"))
    {
        /* the form without script: a page the visitor can act on */
        return mod_privacy_answer(r, status, "text/html; charset=utf-8",
                                  apr_psprintf(r->pool,
                                               mod_privacy_error_page,
                                               status, reason, status));
    }

    return mod_privacy_answer(r, status, "application/json",
                              apr_psprintf(r->pool, "{\"error\":\"%s\"}\n",
                                           reason));
}


/*
 * {"decision":{"id":"..","granted":[..],"refused":[..],"time":N,
 *  "policy":".."},"history":[..],"recorded":false} or {"decision":null}
 */

static int
mod_privacy_answer_decision(request_rec *r, mod_privacy_dir_conf_t *dcf,
    privacy_token_t *token, const char *history, int unrecorded)
{
    char      *granted, *refused, id[MOD_PRIVACY_ID_HEX_LEN + 1];
    uint32_t   optional;

    if (token == NULL) {
        return mod_privacy_answer(r, HTTP_OK, "application/json",
                                  "{\"decision\":null}\n");
    }

    optional = dcf->categories ? dcf->categories->optional : 0;

    granted = apr_palloc(r->pool,
                         mod_privacy_names(dcf, token->granted & optional,
                                           NULL, 1) + 1);
    granted[mod_privacy_names(dcf, token->granted & optional, granted, 1)] =
                                                                        '\0';

    refused = apr_palloc(r->pool,
                         mod_privacy_names(dcf, optional & ~token->granted,
                                           NULL, 1) + 1);
    refused[mod_privacy_names(dcf, optional & ~token->granted, refused, 1)] =
                                                                        '\0';

    privacy_hex((unsigned char *) id, token->consent_id,
                PRIVACY_CONSENT_ID_LEN);
    id[MOD_PRIVACY_ID_HEX_LEN] = '\0';

    /* the policy version is printable ASCII without quotes (checked) */
    return mod_privacy_answer(r, HTTP_OK, "application/json",
                              apr_psprintf(r->pool,
                                           "{\"decision\":{\"id\":\"%s\","
                                           "\"granted\":[%s],"
                                           "\"refused\":[%s],"
                                           "\"time\":%" APR_UINT64_T_FMT ","
                                           "\"policy\":\"%.*s\"}%s%s%s%s}\n",
                                           id, granted, refused,
                                           (apr_uint64_t) token->issued,
                                           (int) token->policy_len,
                                           (const char *) token->policy,
                                           history ? ",\"history\":[" : "",
                                           history ? history : "",
                                           history ? "]" : "",
                                           unrecorded ? ",\"recorded\":false"
                                                      : ""));
}


/*
 * GET: the current decision as JSON, with ?history=1 its records in
 * Redis; a browser gets the settings page
 */

static int
mod_privacy_consent_get(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx, const char *url)
{
    const char  *v, *page;

    v = mod_privacy_arg(r, "history");

    if (ctx->decided && v && strcmp(v, "1") == 0) {
        return mod_privacy_history(r, dcf, &ctx->token);
    }

    if (!mod_privacy_accepts(r, "application/json")
        && mod_privacy_accepts(r, "text/html"))
    {
        page = mod_privacy_settings_page(r, dcf, ctx, url);

        return mod_privacy_answer(r, HTTP_OK, "text/html; charset=utf-8",
                                  page);
    }

    return mod_privacy_answer_decision(r, dcf,
                                       ctx->decided ? &ctx->token : NULL,
                                       NULL, 0);
}


/*
 * A decision's history: the records Redis holds of the visitor's decision
 * and of those it replaced, newest first, read one HGETALL at a time
 * along their "replaces" fields, at most MOD_PRIVACY_HISTORY_MAX of them,
 * each as a JSON object of its fields, as the nginx module answers.
 */

static int
mod_privacy_history(request_rec *r, mod_privacy_dir_conf_t *dcf,
    privacy_token_t *token)
{
    int                       n, rc;
    char                     *obj;
    size_t                    i, nf;
    void                     *reply;
    const char               *argv[2], *why, *history, *next;
    size_t                    argvlen[2];
    redisReply               *rr, *k, *v;
    privacy_record_field_t   *f;
    mod_privacy_redis_cmd_t   cmd;
    char                      id[MOD_PRIVACY_ID_HEX_LEN + 1];

    if (!mod_privacy_redis_configured(r->server)) {
        return mod_privacy_answer_error(r, HTTP_SERVICE_UNAVAILABLE,
                                        "no record store");
    }

    privacy_hex((unsigned char *) id, token->consent_id,
                PRIVACY_CONSENT_ID_LEN);
    id[MOD_PRIVACY_ID_HEX_LEN] = '\0';

    history = "";
    next = id;

    for (n = 0; next && n < MOD_PRIVACY_HISTORY_MAX; n++) {

        argv[0] = "HGETALL";
        argvlen[0] = 7;
        argv[1] = apr_pstrcat(r->pool, mod_privacy_redis_prefix(r),
                              "consent:", next, NULL);
        argvlen[1] = strlen(argv[1]);

        cmd.argc = 2;
        cmd.argv = argv;
        cmd.argvlen = argvlen;

        rc = mod_privacy_redis_run(r, &cmd, 1, &reply, &why);
        rr = reply;

        if (rc != MOD_PRIVACY_REDIS_OK || rr == NULL
            || rr->type != REDIS_REPLY_ARRAY)
        {
            mod_privacy_metric_redis_error();
            return mod_privacy_answer_error(r, HTTP_SERVICE_UNAVAILABLE,
                                            "the records could not be read");
        }

        next = NULL;

        if (rr->elements == 0) {
            /* gone with its retention: the history ends there */
            break;
        }

        f = apr_palloc(r->pool, rr->elements / 2
                                * sizeof(privacy_record_field_t));
        nf = 0;

        for (i = 0; i + 1 < rr->elements; i += 2) {
            k = rr->element[i];
            v = rr->element[i + 1];

            if (k->type != REDIS_REPLY_STRING
                || v->type != REDIS_REPLY_STRING)
            {
                continue;
            }

            f[nf].name = (const unsigned char *) k->str;
            f[nf].name_len = k->len;
            f[nf].value = (const unsigned char *) v->str;
            f[nf].value_len = v->len;
            nf++;

            if (k->len == 8 && memcmp(k->str, "replaces", 8) == 0
                && v->len == MOD_PRIVACY_ID_HEX_LEN)
            {
                next = apr_pstrmemdup(r->pool, v->str, v->len);
            }
        }

        obj = apr_palloc(r->pool, privacy_record_json(NULL, f, nf) + 1);
        obj[privacy_record_json((unsigned char *) obj, f, nf)] = '\0';

        history = (n == 0) ? obj : apr_pstrcat(r->pool, history, ",", obj,
                                               NULL);
    }

    return mod_privacy_answer_decision(r, dcf, token, history, 0);
}
