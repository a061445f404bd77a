
/*
 * Keys and the consent decision of a request: PrivacySecret and reading
 * the consent cookie.  The token format is the core's (privacy_token.c),
 * so a token one server signs verifies on the other with the same key.
 */


#include "mod_privacy.h"

#include <apr_time.h>
#include <apr_thread_mutex.h>
#include <ap_mpm.h>
#include <openssl/crypto.h>


/*
 * The tokens a child process verified lately.  A returning visitor's token
 * is checked by a constant-time compare with the one verified before
 * instead of a new HMAC (some 24,000 instructions): the signature is a
 * property of the bytes and the keys.  Expiry, policy and categories are
 * still checked on every request.  The nginx module's cache of verified
 * tokens (ngx_http_privacy_token.c).
 *
 * One table per child, shared by its threads under a mutex (none under
 * prefork): a visitor's requests go to any thread of the child, and the
 * lock is held for a compare and a copy.
 *
 * Bound: MOD_PRIVACY_VERIFIED tokens per child (22 KB), the last one
 * verified in each slot.  Invalidation: a token is used only with the
 * keys that verified it (the same PrivacySecret list of the same
 * configuration); keys never change in a child, which a new configuration
 * replaces.  (apache/t/023-token.t: a token verified by one server's keys
 * is not taken by another's.)
 */

#define MOD_PRIVACY_VERIFIED  64

typedef struct {
    const apr_array_header_t       *keys;        /* NULL: an empty slot */
    size_t                          len;
    unsigned char                   value[PRIVACY_TOKEN_ENCODED_MAX];
    privacy_token_t                 token;
} mod_privacy_verified_t;


static privacy_token_status_e mod_privacy_verify(
    const apr_array_header_t *keys, const unsigned char *value, size_t len,
    privacy_token_t *token);


static mod_privacy_verified_t  *mod_privacy_verified;
static apr_thread_mutex_t      *mod_privacy_verified_mutex;


void
mod_privacy_token_child_init(apr_pool_t *p, server_rec *s)
{
    int  threaded;

    mod_privacy_verified = apr_pcalloc(p, MOD_PRIVACY_VERIFIED
                                          * sizeof(mod_privacy_verified_t));

    mod_privacy_verified_mutex = NULL;

    if (ap_mpm_query(AP_MPMQ_IS_THREADED, &threaded) == APR_SUCCESS
        && threaded != AP_MPMQ_NOT_SUPPORTED
        && apr_thread_mutex_create(&mod_privacy_verified_mutex,
                                   APR_THREAD_MUTEX_DEFAULT, p)
           != APR_SUCCESS)
    {
        /* no mutex: no cache, every token is verified */
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "mod_privacy: cannot create the verified tokens' mutex");
        mod_privacy_verified = NULL;
    }
}


/*
 * PrivacySecret FILE: the first key signs, every key verifies, so keys
 * rotate without logging everyone out.
 */

const char *
mod_privacy_secret(cmd_parms *cmd, void *conf, const char *arg)
{
    int                      i;
    const char              *err, *content;
    apr_size_t               len;
    privacy_key_t           *key, *keys;
    apr_fileperms_t          perms;
    mod_privacy_srv_conf_t  *scf;

    scf = ap_get_module_config(cmd->server->module_config, &privacy_module);

    err = mod_privacy_read_file(cmd, arg, 4096, &content, &len, &perms);
    if (err) {
        return err;
    }

    if (perms & (APR_FPROT_WREAD|APR_FPROT_WWRITE)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cmd->server,
                     "PrivacySecret: the key file \"%s\" is readable by "
                     "other users, anyone who can read it can forge "
                     "consent; chmod 600 it", arg);
    }

    if (len < PRIVACY_KEY_MIN_LEN) {
        return mod_privacy_conf_error(cmd,
                                      "the key in \"%s\" is %lu bytes long, "
                                      "it must be at least %d (\"openssl rand "
                                      "-hex 32\" makes a good one)",
                                      arg, (unsigned long) len,
                                      PRIVACY_KEY_MIN_LEN);
    }

    if (scf->keys == NULL) {
        scf->keys = apr_array_make(cmd->pool, 2, sizeof(privacy_key_t));
    }

    key = apr_array_push(scf->keys);

    if (privacy_key_init(key, (const unsigned char *) content, len) != 0) {
        return mod_privacy_conf_error(cmd,
                                      "cannot derive the key id of \"%s\"",
                                      arg);
    }

    keys = (privacy_key_t *) scf->keys->elts;

    for (i = 0; i + 1 < scf->keys->nelts; i++) {
        if (memcmp(keys[i].id, key->id, PRIVACY_KEY_ID_LEN) == 0) {
            return mod_privacy_conf_error(cmd,
                                          "the key in \"%s\" is given twice",
                                          arg);
        }
    }

    return NULL;
}


/*
 * The first half of reading the decision: 1 when it is to be read from the
 * Cookie header (each consent cookie in order goes to
 * mod_privacy_decision_token() until it returns 1), 0 when it is known
 * already or cannot be read.  Inherited settings share their data: an
 * internal redirect to a section with the same policy, categories and
 * PrivacyGPC reads nothing again.
 */

int
mod_privacy_decision_start(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx)
{
    uint32_t                 gpc;
    mod_privacy_srv_conf_t  *scf;

    gpc = mod_privacy_gpc_refused(r, dcf);

    if (ctx->decision_read
        && ctx->decided_for == dcf->categories
        && ctx->decided_policy == dcf->policy_version
        && ctx->gpc_refused == gpc)
    {
        return 0;
    }

    ctx->decision_read = 1;
    ctx->gpc_refused = gpc;
    ctx->decided = 0;
    ctx->decided_for = dcf->categories;
    ctx->decided_policy = dcf->policy_version;
    ctx->granted = dcf->categories ? dcf->categories->essential : 0;
    ctx->rejected = PRIVACY_TOKEN_OK;

    scf = ap_get_module_config(r->server->module_config, &privacy_module);

    return scf->keys != NULL;
}


/* a consent cookie C: 1 when its token decided, 0 to look further */

int
mod_privacy_decision_token(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx, const privacy_cookie_t *c)
{
    uint64_t                 fp, now;
    apr_time_t               max_age;
    privacy_token_status_e   rc;
    mod_privacy_srv_conf_t  *scf;

    scf = ap_get_module_config(r->server->module_config, &privacy_module);

    rc = mod_privacy_verify(scf->keys, c->value, c->value_len, &ctx->token);

    now = (uint64_t) apr_time_sec(apr_time_now());

    if (rc == PRIVACY_TOKEN_OK) {
        fp = dcf->categories ? dcf->categories->fingerprint : 0;
        rc = privacy_token_check(&ctx->token, now,
                             (const unsigned char *) dcf->policy_version,
                             dcf->policy_version
                                 ? strlen(dcf->policy_version) : 0,
                             fp);
    }

    /* PrivacyCookie max_age bounds a decision even when it was lowered
     * after the token was issued */
    max_age = mod_privacy_cookie_conf(dcf)->max_age;

    if (rc == PRIVACY_TOKEN_OK
        && ctx->token.issued + (uint64_t) max_age <= now)
    {
        rc = PRIVACY_TOKEN_EXPIRED;
    }

    if (rc == PRIVACY_TOKEN_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                      "mod_privacy: consent token verified");

        /* the first token that verifies wins: a browser may send two */
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

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "mod_privacy: consent token rejected: %s, treated as no "
                  "decision", privacy_token_status_text(rc));

    ctx->rejected = rc;

    mod_privacy_metric_token_rejected(rc);

    return 0;
}


/* the decision from the Cookie header, for callers that filter nothing */

void
mod_privacy_read_decision(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx)
{
    const char             *name, *value;
    size_t                  name_len;
    privacy_cookie_t        c;
    const unsigned char    *pos, *end;

    if (!mod_privacy_decision_start(r, dcf, ctx)) {
        return;
    }

    value = apr_table_get(r->headers_in, "Cookie");
    if (value == NULL) {
        return;
    }

    name = mod_privacy_cookie_conf(dcf)->name;
    name_len = strlen(name);

    pos = (const unsigned char *) value;
    end = pos + strlen(value);

    while (privacy_cookie_next(&pos, end, &c)) {
        if (c.name_len == name_len
            && memcmp(c.name, name, name_len) == 0
            && mod_privacy_decision_token(r, dcf, ctx, &c))
        {
            return;
        }
    }
}


/* the token of VALUE signed by one of KEYS, from the cache when it is there */

static privacy_token_status_e
mod_privacy_verify(const apr_array_header_t *keys, const unsigned char *value,
    size_t len, privacy_token_t *token)
{
    int                      hit;
    unsigned                 i;
    privacy_token_status_e   rc;
    mod_privacy_verified_t  *v;

    v = NULL;

    if (mod_privacy_verified && len >= 4 && len <= PRIVACY_TOKEN_ENCODED_MAX)
    {
        /* the last characters encode the signature: well spread */
        i = value[len - 1] + 31 * (value[len - 2] + 31 * value[len - 3]);
        v = &mod_privacy_verified[i % MOD_PRIVACY_VERIFIED];
    }

    if (v) {
        if (mod_privacy_verified_mutex) {
            apr_thread_mutex_lock(mod_privacy_verified_mutex);
        }

        hit = (v->keys == keys && v->len == len
               && CRYPTO_memcmp(v->value, value, len) == 0);

        if (hit) {
            *token = v->token;
        }

        if (mod_privacy_verified_mutex) {
            apr_thread_mutex_unlock(mod_privacy_verified_mutex);
        }

        if (hit) {
            return PRIVACY_TOKEN_OK;
        }
    }

    rc = privacy_token_decode(token, value, len,
                              (const privacy_key_t *) keys->elts,
                              keys->nelts);

    if (rc == PRIVACY_TOKEN_OK && v) {
        if (mod_privacy_verified_mutex) {
            apr_thread_mutex_lock(mod_privacy_verified_mutex);
        }

        v->keys = keys;
        v->len = len;
        memcpy(v->value, value, len);
        v->token = *token;

        if (mod_privacy_verified_mutex) {
            apr_thread_mutex_unlock(mod_privacy_verified_mutex);
        }
    }

    return rc;
}
