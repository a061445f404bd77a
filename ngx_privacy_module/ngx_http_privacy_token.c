
/*
 * Keys and the consent decision of a request: privacy_secret, reading the
 * consent cookie, minting a token.  The token format itself is the core's
 * (privacy_token.c).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_gpc.h"
#include "ngx_http_privacy_token.h"

#include <sys/stat.h>


/*
 * The keys of privacy_secret in a server, and the tokens a worker verified
 * with them lately.  A returning visitor's token is checked by a
 * constant-time compare with the one verified before instead of a new
 * HMAC: the signature is a property of the bytes and the keys.  Expiry,
 * policy and categories are still checked on every request.
 *
 * Bound: NGX_HTTP_PRIVACY_VERIFIED tokens per key set, the last one
 * verified in each slot.  Invalidation: a token is kept with the keys that
 * verified it and goes with them: they never change once configured, and
 * a configuration read again makes new ones with an empty cache.  (t/023
 * TEST 34: a token verified by one server's keys is not taken by another's.)
 */

#define NGX_HTTP_PRIVACY_VERIFIED  64

typedef struct {
    size_t                          len;          /* 0: an empty slot */
    u_char                          value[PRIVACY_TOKEN_ENCODED_MAX];
    privacy_token_t                 token;
} ngx_http_privacy_verified_t;


struct ngx_http_privacy_keys_s {
    ngx_array_t                     keys;         /* privacy_key_t; the
                                                     first signs */
    ngx_http_privacy_verified_t    *verified;
};


static ngx_int_t ngx_http_privacy_decision_start(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx);
static ngx_uint_t ngx_http_privacy_decision_token(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    privacy_cookie_t *c);
static privacy_token_status_e ngx_http_privacy_verify(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_keys_t *keys,
    ngx_str_t *value, privacy_token_t *token);


/*
 * Constant-time equality, eight bytes at a time: the time depends on the
 * length only, never on where the bytes differ.
 */

static ngx_uint_t
ngx_http_privacy_equal(const u_char *a, const u_char *b, size_t len)
{
    size_t    i;
    uint64_t  x, y, diff;

    diff = 0;

    for (i = 0; i + 8 <= len; i += 8) {
        ngx_memcpy(&x, a + i, 8);
        ngx_memcpy(&y, b + i, 8);
        diff |= x ^ y;
    }

    if (i < len && len >= 8) {
        /* the last eight bytes again, overlapping: no loop per byte */
        ngx_memcpy(&x, a + len - 8, 8);
        ngx_memcpy(&y, b + len - 8, 8);
        diff |= x ^ y;

        return diff == 0;
    }

    for ( /* void */ ; i < len; i++) {
        diff |= (uint64_t) (a[i] ^ b[i]);
    }

    return diff == 0;
}


/*
 * The first HMAC a process computes makes OpenSSL fetch its implementation,
 * some 140,000 instructions: one token signed at configuration time, in
 * the master, spares every worker that work on its first consented
 * visitor.  The token is thrown away.
 */

static void
ngx_http_privacy_warm_up(privacy_key_t *key)
{
    privacy_token_t  token;
    u_char           out[PRIVACY_TOKEN_ENCODED_MAX];

    ngx_memzero(&token, sizeof(privacy_token_t));

    (void) privacy_token_encode(out, &token, key);
}


/*
 * privacy_secret FILE: the first key signs, every key verifies, so keys
 * rotate without logging everyone out.
 */

char *
ngx_http_privacy_secret(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_srv_conf_t *pscf = conf;

    ngx_str_t                *value, content;
    ngx_uint_t                i;
    privacy_key_t            *key, *keys;
    ngx_file_info_t           fi;
    ngx_http_privacy_keys_t  *set;

    value = cf->args->elts;

    if (ngx_http_privacy_conf_read_file(cf, &cmd->name, &value[1], 4096,
                                        &content, &fi)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (fi.st_mode & (S_IROTH|S_IWOTH)) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"%V\": the key file \"%V\" is readable by other "
                           "users, anyone who can read it can forge "
                           "consent; chmod 600 it", &cmd->name, &value[1]);
    }

    ngx_http_privacy_trim(&content);

    if (content.len < PRIVACY_KEY_MIN_LEN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": the key in \"%V\" is %uz bytes long, it "
                           "must be at least %d (\"openssl rand -hex 32\" "
                           "makes a good one)", &cmd->name, &value[1],
                           content.len, PRIVACY_KEY_MIN_LEN);
        return NGX_CONF_ERROR;
    }

    set = pscf->keys;

    if (set == NULL) {
        set = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_keys_t));
        if (set == NULL) {
            return NGX_CONF_ERROR;
        }

        if (ngx_array_init(&set->keys, cf->pool, 2, sizeof(privacy_key_t))
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        /* each worker fills its own copy */
        set->verified = ngx_pcalloc(cf->pool, NGX_HTTP_PRIVACY_VERIFIED
                                        * sizeof(ngx_http_privacy_verified_t));
        if (set->verified == NULL) {
            return NGX_CONF_ERROR;
        }

        pscf->keys = set;
    }

    key = ngx_array_push(&set->keys);
    if (key == NULL) {
        return NGX_CONF_ERROR;
    }

    if (privacy_key_init(key, content.data, content.len) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": cannot derive the key id of \"%V\"",
                           &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    if (set->keys.nelts == 1) {
        ngx_http_privacy_warm_up(key);
    }

    keys = set->keys.elts;

    for (i = 0; i + 1 < set->keys.nelts; i++) {
        if (ngx_memcmp(keys[i].id, key->id, PRIVACY_KEY_ID_LEN) == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\": the key in \"%V\" is given twice",
                               &cmd->name, &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


privacy_key_t *
ngx_http_privacy_signing_key(ngx_http_request_t *r)
{
    ngx_http_privacy_srv_conf_t  *pscf;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    if (pscf->keys == NULL) {
        return NULL;
    }

    return pscf->keys->keys.elts;
}


/*
 * Reads the visitor's decision from the consent cookies, in one pass over
 * the Cookie headers, once per main request and category list: the first
 * token that verifies decides (a browser may send two), wherever it is.
 * A token that does not verify counts as no decision: it is logged at info
 * level and never turns into an error page.  The request side of the
 * cookies reads ctx->granted afterwards.
 */

ngx_int_t
ngx_http_privacy_read_decision(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    ngx_uint_t         n;
    const u_char      *pos;
    ngx_table_elt_t   *h;
    privacy_cookie_t   c;

    if (ngx_http_privacy_decision_start(r, plcf, ctx) != NGX_OK) {
        return NGX_OK;
    }

    for (n = 0; (h = ngx_http_privacy_cookie_header(r, n)); n++) {

        pos = h->value.data;

        while (privacy_cookie_find(&pos, h->value.data,
                                   h->value.data + h->value.len,
                                   plcf->cookie.name.data,
                                   plcf->cookie.name.len, &c))
        {
            if (ngx_http_privacy_decision_token(r, plcf, ctx, &c)) {
                return NGX_OK;
            }
        }
    }

    return NGX_OK;
}


/*
 * NGX_OK when the decision is to be read, NGX_DECLINED when it is known
 * already or cannot be (no privacy_secret).
 */

static ngx_int_t
ngx_http_privacy_decision_start(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    uint32_t                      gpc;
    ngx_http_privacy_srv_conf_t  *pscf;

    gpc = ngx_http_privacy_gpc_refused(r, plcf);

    /* inherited settings share their data: an internal redirect to a
     * location with the same policy, categories and privacy_gpc reads
     * nothing again */
    if (ctx->decision_read
        && ctx->decided_for == plcf->categories
        && ctx->decided_policy == plcf->policy_version.data
        && ctx->gpc_refused == gpc)
    {
        return NGX_DECLINED;
    }

    ctx->decision_read = 1;
    ctx->gpc_refused = gpc;
    ctx->decided = 0;
    ctx->decided_for = plcf->categories;
    ctx->decided_policy = plcf->policy_version.data;
    ctx->granted = plcf->categories ? plcf->categories->essential : 0;
    ctx->rejected = PRIVACY_TOKEN_OK;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    if (pscf->keys == NULL) {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* a consent cookie C: 1 when its token decided, 0 to look further */

static ngx_uint_t
ngx_http_privacy_decision_token(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx,
    privacy_cookie_t *c)
{
    ngx_str_t                     value;
    privacy_token_status_e        rc;
    ngx_http_privacy_srv_conf_t  *pscf;

    pscf = ngx_http_get_module_srv_conf(r, ngx_http_privacy_module);

    value.data = (u_char *) c->value;
    value.len = c->value_len;

    rc = ngx_http_privacy_verify(r, plcf, pscf->keys, &value, &ctx->token);

    if (rc == PRIVACY_TOKEN_OK) {
        ctx->decided = 1;
        ctx->rejected = PRIVACY_TOKEN_OK;

        /* the signal refuses what a decision made without it granted;
         * everything that reads the token sees the refusal */
        if (!(ctx->token.flags & PRIVACY_TOKEN_FLAG_GPC)) {
            ctx->token.granted &= ~ctx->gpc_refused;
        }

        ctx->granted |= ctx->token.granted;
        return 1;
    }

    ctx->rejected = rc;

    return 0;
}


static privacy_token_status_e
ngx_http_privacy_verify(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_keys_t *keys,
    ngx_str_t *value, privacy_token_t *token)
{
    uint64_t                      fp;
    ngx_uint_t                    i;
    privacy_token_status_e        rc;
    ngx_http_privacy_verified_t  *v;

    v = NULL;

    if (value->len >= 4 && value->len <= PRIVACY_TOKEN_ENCODED_MAX) {
        /* the last characters encode the signature: well spread */
        i = value->data[value->len - 1]
            + 31 * (value->data[value->len - 2]
                    + 31 * value->data[value->len - 3]);
        v = &keys->verified[i % NGX_HTTP_PRIVACY_VERIFIED];
    }

    if (v && v->len == value->len
        && ngx_http_privacy_equal(v->value, value->data, value->len))
    {
        *token = v->token;
        rc = PRIVACY_TOKEN_OK;

    } else {
        rc = privacy_token_decode(token, value->data, value->len,
                                  keys->keys.elts, keys->keys.nelts);

        if (rc == PRIVACY_TOKEN_OK && v) {
            v->len = value->len;
            ngx_memcpy(v->value, value->data, value->len);
            v->token = *token;
        }
    }

    if (rc == PRIVACY_TOKEN_OK) {
        fp = plcf->categories ? plcf->categories->fingerprint : 0;

        rc = privacy_token_check(token, (uint64_t) ngx_time(),
                                 plcf->policy_version.data,
                                 plcf->policy_version.len, fp);
    }

    /* privacy_cookie max_age bounds a decision even when it was lowered
     * after the token was issued */
    if (rc == PRIVACY_TOKEN_OK
        && token->issued + (uint64_t) plcf->cookie.max_age
           <= (uint64_t) ngx_time())
    {
        rc = PRIVACY_TOKEN_EXPIRED;
    }

    if (rc == PRIVACY_TOKEN_OK) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "privacy consent token verified");
        return rc;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "privacy consent token rejected: %s, treated as no "
                  "decision", privacy_token_status_text(rc));

    ngx_http_privacy_metric_token_rejected(rc);

    return rc;
}


/* a new token for the decision in *token; its id and times are set here */

ngx_int_t
ngx_http_privacy_mint(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, privacy_token_t *token,
    ngx_str_t *value)
{
    privacy_key_t  *key;

    key = ngx_http_privacy_signing_key(r);
    if (key == NULL) {
        return NGX_ERROR;
    }

    token->issued = ngx_time();
    token->expires = token->issued + plcf->cookie.max_age;
    token->categories_fp = plcf->categories ? plcf->categories->fingerprint
                                            : 0;
    token->policy_len = plcf->policy_version.len;
    ngx_memcpy(token->policy, plcf->policy_version.data, token->policy_len);

    value->data = ngx_pnalloc(r->pool, privacy_token_encoded_len(token));
    if (value->data == NULL) {
        return NGX_ERROR;
    }

    value->len = privacy_token_encode(value->data, token, key);
    if (value->len == 0) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "privacy: cannot sign a consent token");
        return NGX_ERROR;
    }

    return NGX_OK;
}


char *
ngx_http_privacy_policy_version(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char      *p;
    ngx_str_t   *value;

    if (plcf->policy_version.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > PRIVACY_POLICY_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must be 1 to %d bytes long",
                           &cmd->name, PRIVACY_POLICY_MAX);
        return NGX_CONF_ERROR;
    }

    /* it is written into JSON and Redis records as it is */
    for (p = value[1].data; p < value[1].data + value[1].len; p++) {
        if (*p <= ' ' || *p == '"' || *p == '\\' || *p == ',' || *p >= 0x7f)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid value \"%V\" in \"%V\" directive, "
                               "use printable characters without spaces, "
                               "quotes, backslashes or commas",
                               &value[1], &cmd->name);
            return NGX_CONF_ERROR;
        }
    }

    plcf->policy_version = value[1];

    return NGX_CONF_OK;
}
