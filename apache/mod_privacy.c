
/*
 * mod_privacy: the registrar.  The directives, the per-server and
 * per-directory configurations with their merge, the configuration check
 * (what "apachectl configtest" reports) and the hooks: the request side
 * runs in header_parser, after the per-directory configuration is known
 * and before any handler reads a Cookie header; the response side is an
 * output filter that acts on the headers once, before HTTP_HEADER sends
 * them.
 */


#include "mod_privacy.h"


static void *mod_privacy_create_dir_conf(apr_pool_t *p, char *dir);
static void *mod_privacy_merge_dir_conf(apr_pool_t *p, void *basev,
    void *addv);
static void *mod_privacy_create_srv_conf(apr_pool_t *p, server_rec *s);
static void *mod_privacy_merge_srv_conf(apr_pool_t *p, void *basev,
    void *addv);
static int mod_privacy_check_config(apr_pool_t *pconf, apr_pool_t *plog,
    apr_pool_t *ptemp, server_rec *s);
static int mod_privacy_header_parser(request_rec *r);
static void mod_privacy_insert_filter(request_rec *r);
static apr_status_t mod_privacy_out_filter(ap_filter_t *f,
    apr_bucket_brigade *bb);
static void mod_privacy_register_hooks(apr_pool_t *p);


static const char *
mod_privacy_enable(cmd_parms *cmd, void *conf, int on)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    dcf->enable = on;
    dcf->enable_file = cmd->directive->filename;
    dcf->enable_line = cmd->directive->line_num;

    return NULL;
}


static const char *
mod_privacy_mode(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    if (strcasecmp(arg, "enforce") == 0) {
        dcf->mode = MOD_PRIVACY_MODE_ENFORCE;

    } else if (strcasecmp(arg, "report") == 0) {
        dcf->mode = MOD_PRIVACY_MODE_REPORT;

    } else {
        return mod_privacy_conf_error(cmd,
                                      "invalid value \"%s\", it must be "
                                      "\"enforce\" or \"report\"", arg);
    }

    return NULL;
}


static const char *
mod_privacy_policy_version(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    const unsigned char  *p;

    if (arg[0] == '\0' || strlen(arg) > PRIVACY_POLICY_MAX) {
        return mod_privacy_conf_error(cmd,
                                      "the version must be 1 to %d bytes long",
                                      PRIVACY_POLICY_MAX);
    }

    /* it is written into JSON and Redis records as it is */
    for (p = (const unsigned char *) arg; *p; p++) {
        if (*p <= ' ' || *p == '"' || *p == '\\' || *p == ',' || *p >= 0x7f)
        {
            return mod_privacy_conf_error(cmd, "invalid value \"%s\", use "
                                          "printable characters without "
                                          "spaces, quotes, backslashes or "
                                          "commas", arg);
        }
    }

    dcf->policy_version = arg;

    return NULL;
}


static const char *
mod_privacy_policy_url(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    dcf->policy_url = arg;

    return NULL;
}


static const char *
mod_privacy_unknown_cookies(cmd_parms *cmd, void *conf, const char *arg)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    if (strcasecmp(arg, "allow") == 0) {
        dcf->unknown_cookies = 0;

    } else if (strcasecmp(arg, "block") == 0) {
        dcf->unknown_cookies = 1;

    } else {
        return mod_privacy_conf_error(cmd,
                                      "invalid value \"%s\", it must be "
                                      "\"allow\" or \"block\"", arg);
    }

    return NULL;
}


static const char *
mod_privacy_expire_blocked(cmd_parms *cmd, void *conf, int on)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    dcf->expire_blocked = on;

    return NULL;
}


static const command_rec  mod_privacy_commands[] = {

    AP_INIT_FLAG("Privacy", mod_privacy_enable, NULL, RSRC_CONF|ACCESS_CONF,
                 "On to enforce the privacy notice here"),

    AP_INIT_TAKE1("PrivacyMode", mod_privacy_mode, NULL,
                  RSRC_CONF|ACCESS_CONF, "enforce or report"),

    AP_INIT_TAKE1("PrivacyPolicyVersion", mod_privacy_policy_version, NULL,
                  RSRC_CONF|ACCESS_CONF,
                  "the version of the privacy notice a consent is given to"),

    AP_INIT_TAKE1("PrivacyPolicyURL", mod_privacy_policy_url, NULL,
                  RSRC_CONF|ACCESS_CONF, "the privacy notice's URL"),

    AP_INIT_TAKE1("PrivacySecret", mod_privacy_secret, NULL, RSRC_CONF,
                  "a file with a key that signs and verifies consent "
                  "cookies; the first signs, all verify"),

    AP_INIT_TAKE_ARGV("PrivacyCategory", mod_privacy_category, NULL,
                      RSRC_CONF|ACCESS_CONF,
                      "a category: NAME [essential] PATTERN ..."),

    AP_INIT_TAKE1("PrivacyUnknownCookies", mod_privacy_unknown_cookies, NULL,
                  RSRC_CONF|ACCESS_CONF, "allow or block"),

    AP_INIT_TAKE_ARGV("PrivacyCookie", mod_privacy_cookie, NULL,
                      RSRC_CONF|ACCESS_CONF,
                      "the consent cookie: name=NAME [max_age=TIME] "
                      "[path=PATH] [domain=DOMAIN] [samesite=strict|lax|none]"
                      " [secure=auto|on|off]"),

    AP_INIT_ITERATE("PrivacyCookieDomains", mod_privacy_cookie_domains, NULL,
                    RSRC_CONF|ACCESS_CONF,
                    "the Domain attributes blocked cookies are expired "
                    "under too"),

    AP_INIT_FLAG("PrivacyExpireBlocked", mod_privacy_expire_blocked, NULL,
                 RSRC_CONF|ACCESS_CONF,
                 "On to delete blocked cookies in the browser"),

    AP_INIT_TAKE1("PrivacyTrackingStatus", mod_privacy_tracking_status, NULL,
                  RSRC_CONF|ACCESS_CONF,
                  "auto, or a tracking status value: ! ? G N T C P D U"),

    /* the banner (mod_privacy_banner.c) */

    AP_INIT_TAKE1("PrivacyBanner", mod_privacy_banner, NULL,
                  RSRC_CONF|ACCESS_CONF,
                  "builtin, off, or a file with the banner's HTML"),

    AP_INIT_TAKE1("PrivacyBannerPosition", mod_privacy_banner_position, NULL,
                  RSRC_CONF|ACCESS_CONF, "body_start or body_end"),

    AP_INIT_ITERATE("PrivacyBannerTypes", mod_privacy_banner_types, NULL,
                    RSRC_CONF|ACCESS_CONF,
                    "response types that get the banner besides text/html"),

    /* its words (mod_privacy_words.c) */

    AP_INIT_TAKE2("PrivacyBannerLanguage", mod_privacy_banner_language, NULL,
                  RSRC_CONF|ACCESS_CONF,
                  "a language and a file with the banner's HTML in it"),

    AP_INIT_RAW_ARGS("PrivacyCategoryText", mod_privacy_category_text, NULL,
                     RSRC_CONF|ACCESS_CONF,
                     "a category's words: CATEGORY LANGUAGE LABEL "
                     "DESCRIPTION"),

    /* the consent endpoint, its Redis (mod_privacy_consent.c, _redis.c) */

    AP_INIT_NO_ARGS("PrivacyConsentEndpoint", mod_privacy_consent_endpoint,
                    NULL, ACCESS_CONF,
                    "this <Location> takes and answers consent decisions"),

    AP_INIT_TAKE_ARGV("PrivacyRedis", mod_privacy_redis_directive, NULL,
                      RSRC_CONF,
                      "the Redis that records consent, per server: "
                      "ADDRESS[:PORT] "
                      "[db=N] [user=NAME] [password_file=FILE] "
                      "[prefix=STRING] [edge=NAME] [connect_timeout=TIME] "
                      "[timeout=TIME] [retention=TIME] [pool=N]"),

    /* Global Privacy Control (mod_privacy_gpc.c) */

    AP_INIT_TAKE_ARGV("PrivacyGPC", mod_privacy_gpc, NULL,
                      RSRC_CONF|ACCESS_CONF,
                      "off, or the categories Sec-GPC: 1 refuses"),

    AP_INIT_TAKE1("PrivacyGPCLastUpdate", mod_privacy_gpc_last_update, NULL,
                  RSRC_CONF|ACCESS_CONF,
                  "the lastUpdate of /.well-known/gpc.json, YYYY-MM-DD"),

    { NULL }
};


static void *
mod_privacy_create_dir_conf(apr_pool_t *p, char *dir)
{
    mod_privacy_dir_conf_t  *dcf;

    /*
     * set by apr_pcalloc():
     *
     *     dcf->policy_url = NULL;
     *     dcf->policy_version = NULL;
     *     dcf->categories = NULL;
     *     dcf->cookie = NULL;
     *     dcf->cookie_domains = NULL;
     *     dcf->enable_file = NULL;
     *     dcf->banner_text = NULL;
     *     dcf->banner_len = 0;
     *     dcf->banner_types = NULL;
     */

    dcf = apr_pcalloc(p, sizeof(mod_privacy_dir_conf_t));

    dcf->enable = MOD_PRIVACY_UNSET;
    dcf->mode = MOD_PRIVACY_UNSET;
    dcf->tracking_status = MOD_PRIVACY_UNSET;
    dcf->unknown_cookies = MOD_PRIVACY_UNSET;
    dcf->expire_blocked = MOD_PRIVACY_UNSET;
    dcf->banner = MOD_PRIVACY_UNSET;
    dcf->banner_position = MOD_PRIVACY_UNSET;
    dcf->consent_endpoint = MOD_PRIVACY_UNSET;

    return dcf;
}


#define mod_privacy_merge_int(conf, prev, field, def)                        \
    (conf)->field = ((conf)->field != MOD_PRIVACY_UNSET) ? (conf)->field     \
                    : ((prev)->field != MOD_PRIVACY_UNSET) ? (prev)->field   \
                    : (def)

#define mod_privacy_merge_ptr(conf, prev, field)                             \
    (conf)->field = (conf)->field ? (conf)->field : (prev)->field


/*
 * Apache merges per-directory configurations per request, on the request's
 * pool: nothing is built here, every list is shared whole.  A section that
 * names no category inherits the enclosing list; one that names some has
 * its own.  The defaults are applied where the values are read (an unset
 * value reads as its default), so a merge of merges stays right.
 */

static void *
mod_privacy_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    mod_privacy_dir_conf_t  *base = basev;
    mod_privacy_dir_conf_t  *add = addv;
    mod_privacy_dir_conf_t  *conf;

    conf = apr_palloc(p, sizeof(mod_privacy_dir_conf_t));

    *conf = *add;

    mod_privacy_merge_int(conf, base, enable, MOD_PRIVACY_UNSET);
    mod_privacy_merge_int(conf, base, mode, MOD_PRIVACY_UNSET);
    mod_privacy_merge_int(conf, base, tracking_status, MOD_PRIVACY_UNSET);
    mod_privacy_merge_int(conf, base, unknown_cookies, MOD_PRIVACY_UNSET);
    mod_privacy_merge_int(conf, base, expire_blocked, MOD_PRIVACY_UNSET);
    mod_privacy_merge_int(conf, base, consent_endpoint, MOD_PRIVACY_UNSET);
    mod_privacy_merge_ptr(conf, base, consent_path);
    mod_privacy_merge_ptr(conf, base, policy_url);
    mod_privacy_merge_ptr(conf, base, policy_version);
    mod_privacy_merge_ptr(conf, base, categories);
    mod_privacy_merge_ptr(conf, base, cookie);
    mod_privacy_merge_ptr(conf, base, cookie_domains);

    /* the banner: a file goes with its PrivacyBanner */
    if (add->banner == MOD_PRIVACY_UNSET) {
        conf->banner = base->banner;
        conf->banner_text = base->banner_text;
        conf->banner_len = base->banner_len;
    }

    mod_privacy_merge_int(conf, base, banner_position, MOD_PRIVACY_UNSET);
    mod_privacy_merge_ptr(conf, base, banner_types);
    mod_privacy_merge_ptr(conf, base, banner_languages);
    mod_privacy_merge_ptr(conf, base, category_texts);

    if (add->gpc_names == NULL) {
        conf->gpc_names = base->gpc_names;
        conf->gpc_file = base->gpc_file;
        conf->gpc_line = base->gpc_line;
    }

    mod_privacy_merge_ptr(conf, base, gpc_last_update);

    if (add->enable == MOD_PRIVACY_UNSET) {
        conf->enable_file = base->enable_file;
        conf->enable_line = base->enable_line;
    }

    return conf;
}


static void *
mod_privacy_create_srv_conf(apr_pool_t *p, server_rec *s)
{
    /*
     * keys = NULL: no PrivacySecret;
     * consent_url = NULL: no PrivacyConsentEndpoint <Location>
     */
    return apr_pcalloc(p, sizeof(mod_privacy_srv_conf_t));
}


/* a virtual host without PrivacySecret verifies with the main server's */

static void *
mod_privacy_merge_srv_conf(apr_pool_t *p, void *basev, void *addv)
{
    mod_privacy_srv_conf_t  *base = basev;
    mod_privacy_srv_conf_t  *add = addv;
    mod_privacy_srv_conf_t  *conf;

    conf = apr_palloc(p, sizeof(mod_privacy_srv_conf_t));

    conf->keys = add->keys ? add->keys : base->keys;
    conf->consent_url = add->consent_url ? add->consent_url
                                         : base->consent_url;

    return conf;
}


/*
 * What nginx -t says at merge time, said before "Syntax OK": where Privacy
 * is On, a policy version is required.  Each server's own settings are
 * checked, and each <Location>, <Directory> and <Files> section merged
 * over them.
 */

static const char *
mod_privacy_check_dir(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *server, mod_privacy_dir_conf_t *dcf)
{
    const char              *err;
    mod_privacy_dir_conf_t  *conf;

    conf = server ? mod_privacy_merge_dir_conf(p, server, dcf) : dcf;

    mod_privacy_banner_prepare(s, conf);

    err = mod_privacy_gpc_check(p, conf);
    if (err == NULL) {
        err = mod_privacy_category_texts_check(p, conf);
    }

    if (err) {
        return err;
    }

    if (conf->enable != 1 || conf->policy_version != NULL) {
        return NULL;
    }

    return apr_psprintf(p, "\"PrivacyPolicyVersion\" is required where "
                        "\"Privacy\" is On, in %s:%u: a consent is given to "
                        "one version of the privacy notice",
                        conf->enable_file ? conf->enable_file : "?",
                        conf->enable_line);
}


static int
mod_privacy_check_sections(apr_pool_t *p, server_rec *s,
    mod_privacy_dir_conf_t *server, apr_array_header_t *sections)
{
    int                      i;
    const char              *err;
    ap_conf_vector_t       **sec;
    mod_privacy_dir_conf_t  *dcf;

    if (sections == NULL) {
        return OK;
    }

    sec = (ap_conf_vector_t **) sections->elts;

    for (i = 0; i < sections->nelts; i++) {
        dcf = ap_get_module_config(sec[i], &privacy_module);
        if (dcf == NULL) {
            continue;
        }

        err = mod_privacy_check_dir(p, s, server, dcf);
        if (err) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "mod_privacy: %s",
                         err);
            return !OK;
        }
    }

    return OK;
}


static int
mod_privacy_check_config(apr_pool_t *pconf, apr_pool_t *plog,
    apr_pool_t *ptemp, server_rec *s)
{
    const char              *err;
    core_server_config      *core;
    mod_privacy_dir_conf_t  *server;

    mod_privacy_banner_init(pconf);

    if (mod_privacy_consent_check(s) != OK) {
        return !OK;
    }

    for ( /* void */ ; s; s = s->next) {

        server = ap_get_module_config(s->lookup_defaults, &privacy_module);

        err = mod_privacy_check_dir(ptemp, s, NULL, server);
        if (err) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "mod_privacy: %s",
                         err);
            return !OK;
        }

        core = ap_get_core_module_config(s->module_config);

        if (mod_privacy_check_sections(ptemp, s, server, core->sec_dir)
            != OK
            || mod_privacy_check_sections(ptemp, s, server, core->sec_url)
               != OK)
        {
            return !OK;
        }
    }

    return OK;
}


static int
mod_privacy_header_parser(request_rec *r)
{
    mod_privacy_ctx_t       *ctx;
    mod_privacy_dir_conf_t  *dcf;

    dcf = mod_privacy_dir_conf(r);

    if (dcf->enable != 1 || r->main) {
        return DECLINED;
    }

    if (mod_privacy_request_cookies(r) != OK) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx = mod_privacy_get_ctx(r);

    mod_privacy_banner_unconditional(r, dcf, ctx);
    mod_privacy_env_request(r, ctx);

    return DECLINED;
}


static void
mod_privacy_insert_filter(request_rec *r)
{
    mod_privacy_dir_conf_t  *dcf;

    dcf = mod_privacy_dir_conf(r);

    if (dcf->enable != 1 || r->main) {
        return;
    }

    ap_add_output_filter("PRIVACY_HEADERS", NULL, r, r->connection);
}


/*
 * The response side, on the headers, once per response: Set-Cookie of
 * categories not granted, deletions of the blocked cookies, Tk.  It runs
 * after the content filters (mod_headers' included) and before
 * HTTP_HEADER, then steps out of the way.
 */

static apr_status_t
mod_privacy_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    char                     tk[2];
    request_rec             *r;
    mod_privacy_ctx_t       *ctx;
    mod_privacy_dir_conf_t  *dcf;

    r = f->r;

    ap_remove_output_filter(f);

    dcf = mod_privacy_dir_conf(r);

    ctx = mod_privacy_get_ctx(r);

    if (mod_privacy_response_cookies(r, dcf, ctx) != OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "mod_privacy: the response's cookies could not be "
                      "filtered");
        return APR_EGENERAL;
    }

    mod_privacy_env_response(r, ctx);

    tk[0] = mod_privacy_tracking_value(r, dcf, ctx);
    tk[1] = '\0';

    /* setn: a second pass (an error response after this one) replaces */
    apr_table_setn(r->err_headers_out, "Tk", apr_pstrdup(r->pool, tk));

    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "mod_privacy: tracking status %s", tk);

    return ap_pass_brigade(f->next, bb);
}


/* the consent endpoint, Redis and the metrics: their per-configuration
 * and per-child state */

static int
mod_privacy_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
    apr_pool_t *ptemp)
{
    mod_privacy_assets_init();
    mod_privacy_consent_pre_config(pconf);
    mod_privacy_redis_pre_config(pconf);
    mod_privacy_metrics_pre_config(pconf);
    mod_privacy_gpc_pre_config(pconf);

    return OK;
}


static int
mod_privacy_post_config(apr_pool_t *pconf, apr_pool_t *plog,
    apr_pool_t *ptemp, server_rec *s)
{
    return mod_privacy_metrics_init(pconf, s);
}


static void
mod_privacy_child_init(apr_pool_t *p, server_rec *s)
{
    mod_privacy_redis_child_init(p, s);
    mod_privacy_token_child_init(p, s);
}


static void
mod_privacy_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(mod_privacy_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(mod_privacy_post_config, NULL, NULL,
                        APR_HOOK_MIDDLE);
    ap_hook_child_init(mod_privacy_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(mod_privacy_consent_handler, NULL, NULL,
                    APR_HOOK_MIDDLE);
    ap_hook_handler(mod_privacy_status_handler, NULL, NULL,
                    APR_HOOK_MIDDLE);

    ap_hook_check_config(mod_privacy_check_config, NULL, NULL,
                         APR_HOOK_MIDDLE);
    ap_hook_header_parser(mod_privacy_header_parser, NULL, NULL,
                          APR_HOOK_FIRST);
    ap_hook_handler(mod_privacy_tk_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(mod_privacy_gpc_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_filter(mod_privacy_insert_filter, NULL, NULL,
                          APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(mod_privacy_insert_filter, NULL, NULL,
                                APR_HOOK_MIDDLE);
    ap_hook_insert_filter(mod_privacy_banner_insert_filter, NULL, NULL,
                          APR_HOOK_MIDDLE);

    /* after the content's own filters (SSI), before mod_deflate's */
    ap_register_output_filter("PRIVACY_BANNER", mod_privacy_banner_filter,
                              NULL, AP_FTYPE_CONTENT_SET - 1);

    /* after every content filter, mod_headers' included */
    ap_register_output_filter("PRIVACY_HEADERS", mod_privacy_out_filter,
                              NULL, AP_FTYPE_PROTOCOL - 1);
}


AP_DECLARE_MODULE(privacy) = {
    STANDARD20_MODULE_STUFF,
    mod_privacy_create_dir_conf,
    mod_privacy_merge_dir_conf,
    mod_privacy_create_srv_conf,
    mod_privacy_merge_srv_conf,
    mod_privacy_commands,
    mod_privacy_register_hooks
};
