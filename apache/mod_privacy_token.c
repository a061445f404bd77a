
/*
 * Keys and the consent decision of a request: PrivacySecret and reading
 * the consent cookie.  The token format is the core's (privacy_token.c),
 * so a token one server signs verifies on the other with the same key.
 */


#include "mod_privacy.h"

#include <apr_time.h>


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

    rc = privacy_token_decode(&ctx->token, c->value, c->value_len,
                              (privacy_key_t *) scf->keys->elts,
                              scf->keys->nelts);

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
