
/*
 * mod_privacy: the privacy notice enforced at the edge, for Apache httpd
 * 2.4.  The same enforcement as ngx_http_privacy_module, on the same
 * server-agnostic core (ngx_privacy_module/privacy_*.[ch]), which knows
 * nothing of Apache either.
 *
 * Shared declarations of the Apache glue.  The registrar (mod_privacy.c)
 * holds the directives, the configurations and their merge, and registers
 * the hooks; each feature file has its concern: cookies in both directions
 * (mod_privacy_cookie.c), the consent decision (mod_privacy_token.c), the
 * tracking status (mod_privacy_tk.c), the banner (mod_privacy_banner.c,
 * what it says in mod_privacy_banner_text.c) and its words
 * (mod_privacy_words.c), Global Privacy Control (mod_privacy_gpc.c), the
 * consent endpoint (mod_privacy_consent.c, its settings page in
 * mod_privacy_settings.c), its Redis pool (mod_privacy_redis.c), the
 * banner's files it serves (mod_privacy_assets.c), the metrics
 * (mod_privacy_metrics.c), the environment variables (mod_privacy_env.c),
 * small helpers (mod_privacy_util.c).
 */


#ifndef MOD_PRIVACY_H_INCLUDED_
#define MOD_PRIVACY_H_INCLUDED_


#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <ap_regex.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "privacy_cookie.h"
#include "privacy_match.h"
#include "privacy_token.h"
#include "privacy_banner.h"
#include "privacy_template.h"
#include "privacy_words.h"


#define MOD_PRIVACY_UNSET           (-1)

/* PrivacyTrackingStatus auto: the value is computed per response */
#define MOD_PRIVACY_TK_AUTO         0

#define MOD_PRIVACY_MODE_ENFORCE    0
#define MOD_PRIVACY_MODE_REPORT     1

#define MOD_PRIVACY_SECURE_AUTO     2

/* the category of the consent cookie, which always passes */
#define MOD_PRIVACY_NAME_CONSENT    (-3)

#define MOD_PRIVACY_TK_HANDLER      "privacy-tracking-status"
#define MOD_PRIVACY_STATUS_HANDLER  "privacy-status"
#define MOD_PRIVACY_GPC_HANDLER     "privacy-gpc"

/* mod_privacy_redis_run() */
#define MOD_PRIVACY_REDIS_OK        0
#define MOD_PRIVACY_REDIS_ERROR     1
#define MOD_PRIVACY_REDIS_TIMEOUT   2

/* mod_privacy_metric_blocked()'s direction */
#define MOD_PRIVACY_DIR_REQUEST     0
#define MOD_PRIVACY_DIR_RESPONSE    1

#define MOD_PRIVACY_BANNER_OFF      0
#define MOD_PRIVACY_BANNER_BUILTIN  1
#define MOD_PRIVACY_BANNER_FILE     2

/* mod_privacy_asset_path() */
#define MOD_PRIVACY_ASSET_CSS       0
#define MOD_PRIVACY_ASSET_JS        1

/* mod_privacy_category_table()'s flags */
#define MOD_PRIVACY_TABLE_INPUTS    1
#define MOD_PRIVACY_TABLE_ESSENTIAL 2


/* one PrivacyCategory directive */
typedef struct {
    const char                     *name;
    int                             essential;
} mod_privacy_category_t;


/*
 * The category list of a section, shared by the sections that inherit it.
 * The core matcher points into the arrays; it is rebuilt by each
 * PrivacyCategory directive of the section, so the list is complete and
 * checked once the section's last one is read.
 */
typedef struct {
    apr_array_header_t             *categories;  /* mod_privacy_category_t */
    apr_array_header_t             *exact;       /* privacy_match_name_t */
    apr_array_header_t             *regex;       /* privacy_match_regex_t */
    apr_array_header_t             *patterns;    /* privacy_template_pattern_t:
                                                    the banner lists them */
    privacy_category_desc_t        *desc;
    privacy_matcher_t               matcher;
    uint64_t                        fingerprint;
    uint32_t                        essential;   /* mask of essential ones */
    uint32_t                        optional;    /* mask of the others */
} mod_privacy_categories_t;


/* one PrivacyBannerLanguage directive */
typedef struct {
    const char                     *lang;        /* lowercased */
    const char                     *text;        /* the file's contents */
    apr_size_t                      len;
} mod_privacy_banner_file_t;


typedef struct {
    const char                     *name;
    apr_time_t                      max_age;     /* seconds */
    const char                     *path;
    const char                     *domain;      /* NULL: host-only */
    const char                     *samesite;    /* "Strict", "Lax", "None" */
    int                             secure;      /* 0, 1 or SECURE_AUTO */
} mod_privacy_cookie_conf_t;


typedef struct {
    apr_array_header_t             *keys;        /* privacy_key_t */
    const char                     *consent_url; /* the <Location> of the
                                                    first endpoint */
} mod_privacy_srv_conf_t;


typedef struct {
    int                             enable;
    int                             mode;
    int                             tracking_status;
    const char                     *policy_url;
    const char                     *policy_version;
    mod_privacy_categories_t       *categories;
    int                             unknown_cookies;  /* 1: block */
    mod_privacy_cookie_conf_t      *cookie;
    apr_array_header_t             *cookie_domains;   /* const char * */
    int                             expire_blocked;

    /* the banner (mod_privacy_banner.c) */
    int                             banner;
    const char                     *banner_text;     /* FILE contents */
    apr_size_t                      banner_len;
    int                             banner_position;
    apr_array_header_t             *banner_types;    /* const char * */
    apr_array_header_t             *banner_languages; /* mod_privacy_banner_
                                                          file_t */
    apr_array_header_t             *category_texts;  /* privacy_category_
                                                        text_t */

    /* the consent endpoint (mod_privacy_consent.c) */
    int                             consent_endpoint;
    const char                     *consent_path;    /* its <Location> */

    /* Global Privacy Control (mod_privacy_gpc.c) */
    apr_array_header_t             *gpc_names;   /* const char *; empty:
                                                    off, NULL: unset */
    const char                     *gpc_file;    /* where PrivacyGPC is */
    unsigned                        gpc_line;
    const char                     *gpc_last_update; /* gpc.json's date */

    /* where "Privacy On" was, for the configuration check's messages */
    const char                     *enable_file;
    unsigned                        enable_line;
} mod_privacy_dir_conf_t;


/*
 * A banner ready to serve, in one language (mod_privacy_banner_text.c):
 * its parts are cut at {{return_path}}
 */
typedef struct {
    privacy_text_t                 *parts;
    int                             nparts;
    apr_size_t                      len;         /* of the parts */
} mod_privacy_banner_t;


/* a cookie name blocked in a request or a response */
typedef struct {
    const char                     *name;        /* NUL-terminated copy */
    size_t                          len;
    int                             category;    /* -1: none names it */
    int                             replaced;    /* an application's
                                                    Set-Cookie became its
                                                    deletion */
} mod_privacy_blocked_t;


/*
 * Per request state, kept by the initial request and shared by its
 * internal redirects (mod_privacy_get_ctx()), so cookies are filtered once
 * and the decision is read once.
 */
typedef struct {
    mod_privacy_categories_t       *decided_for;
    const char                     *decided_policy;
    privacy_token_t                 token;
    uint32_t                        granted;     /* with essentials added */
    uint32_t                        gpc_refused; /* by Sec-GPC: 1, unless
                                                    the decision came
                                                    with it */
    apr_array_header_t             *blocked;     /* mod_privacy_blocked_t */
    int                             request_blocked;  /* the first ones */
    mod_privacy_dir_conf_t         *filtered_by;
    int                             rejected;    /* privacy_token_status_e */
    apr_array_header_t             *own;         /* the module's Set-Cookie
                                                    values (const char *) */
    apr_time_t                      redis_deadline;  /* 0: not asked yet */

    unsigned                        decision_read:1;
    unsigned                        decided:1;   /* a valid token */
    unsigned                        request_filtered:1;
    unsigned                        expired_sent:1;
    unsigned                        endpoint:1;
    unsigned                        tk_resource:1;
    unsigned                        shared:1;    /* the same answer for
                                                    every visitor */
} mod_privacy_ctx_t;


/* one Redis command, its arguments by pointer and length */
typedef struct {
    int                             argc;
    const char                    **argv;
    size_t                         *argvlen;
} mod_privacy_redis_cmd_t;


extern module AP_MODULE_DECLARE_DATA  privacy_module;


/* mod_privacy_util.c */
mod_privacy_ctx_t *mod_privacy_get_ctx(request_rec *r);
mod_privacy_dir_conf_t *mod_privacy_dir_conf(request_rec *r);
int mod_privacy_grants_optional(mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx);
const char *mod_privacy_read_file(cmd_parms *cmd, const char *name,
    apr_size_t max, const char **content, apr_size_t *len,
    apr_fileperms_t *perms);
const char *mod_privacy_parse_time(const char *s, apr_time_t *sec);
const char *mod_privacy_conf_error(cmd_parms *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mod_privacy_add_own_cookie(request_rec *r, mod_privacy_ctx_t *ctx,
    apr_table_t *t, const char *value);
int mod_privacy_resource_start(request_rec *r, const char *handler);
const char *mod_privacy_arg(request_rec *r, const char *name);
const mod_privacy_cookie_conf_t *mod_privacy_cookie_conf(
    mod_privacy_dir_conf_t *dcf);

/* mod_privacy_cookie.c */
const char *mod_privacy_category(cmd_parms *cmd, void *conf, int argc,
    char *const argv[]);
const char *mod_privacy_cookie(cmd_parms *cmd, void *conf, int argc,
    char *const argv[]);
const char *mod_privacy_cookie_domains(cmd_parms *cmd, void *conf,
    const char *arg);
int mod_privacy_name_category(mod_privacy_dir_conf_t *dcf,
    const unsigned char *name, size_t len);
int mod_privacy_allowed(mod_privacy_dir_conf_t *dcf, uint32_t granted,
    int category);
int mod_privacy_request_cookies(request_rec *r);
int mod_privacy_response_cookies(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx);

/* mod_privacy_token.c */
const char *mod_privacy_secret(cmd_parms *cmd, void *conf, const char *arg);
void mod_privacy_token_child_init(apr_pool_t *p, server_rec *s);
int mod_privacy_decision_start(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx);
int mod_privacy_decision_token(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx, const privacy_cookie_t *c);
void mod_privacy_read_decision(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx);

/* mod_privacy_banner.c */
const char *mod_privacy_banner(cmd_parms *cmd, void *conf, const char *arg);
const char *mod_privacy_banner_position(cmd_parms *cmd, void *conf,
    const char *arg);
const char *mod_privacy_banner_types(cmd_parms *cmd, void *conf,
    const char *arg);
void mod_privacy_banner_unconditional(request_rec *r,
    mod_privacy_dir_conf_t *dcf, mod_privacy_ctx_t *ctx);
void mod_privacy_banner_insert_filter(request_rec *r);
apr_status_t mod_privacy_banner_filter(ap_filter_t *f,
    apr_bucket_brigade *bb);

/* mod_privacy_banner_text.c */
void mod_privacy_banner_init(apr_pool_t *pconf);
void mod_privacy_banner_prepare(server_rec *s, mod_privacy_dir_conf_t *dcf);
const char *mod_privacy_consent_url(server_rec *s);
mod_privacy_banner_t *mod_privacy_banner_get(request_rec *r,
    mod_privacy_dir_conf_t *dcf);
const char *mod_privacy_banner_text(request_rec *r,
    mod_privacy_dir_conf_t *dcf, const char *return_path, apr_size_t *len);
size_t mod_privacy_category_table(unsigned char *buf,
    mod_privacy_dir_conf_t *dcf, uint32_t checked, int flags);

/* mod_privacy_tk.c */
const char *mod_privacy_tracking_status(cmd_parms *cmd, void *conf,
    const char *arg);
int mod_privacy_dnt(request_rec *r);
char mod_privacy_tracking_value(request_rec *r, mod_privacy_dir_conf_t *dcf,
    mod_privacy_ctx_t *ctx);
int mod_privacy_tk_handler(request_rec *r);

/* mod_privacy_env.c */
const char *mod_privacy_remote_net(request_rec *r);
void mod_privacy_env_request(request_rec *r, mod_privacy_ctx_t *ctx);
void mod_privacy_env_response(request_rec *r, mod_privacy_ctx_t *ctx);

/* mod_privacy_words.c */
const char *mod_privacy_banner_language(cmd_parms *cmd, void *conf,
    const char *lang, const char *file);
const char *mod_privacy_category_text(cmd_parms *cmd, void *conf,
    const char *args);
const char *mod_privacy_category_texts_check(apr_pool_t *p,
    mod_privacy_dir_conf_t *dcf);
privacy_text_t mod_privacy_words_table(apr_pool_t *p,
    mod_privacy_dir_conf_t *dcf, const privacy_text_t *lang,
    const privacy_words_t *words, int essential, uint32_t gpc);
void mod_privacy_words_category(mod_privacy_dir_conf_t *dcf, int i,
    const privacy_text_t *lang, privacy_text_t *label,
    privacy_text_t *description);
size_t mod_privacy_words_labels(unsigned char *buf,
    mod_privacy_dir_conf_t *dcf, const privacy_text_t *lang, uint32_t mask);
privacy_text_t mod_privacy_words_gpc_note(apr_pool_t *p,
    mod_privacy_dir_conf_t *dcf, const privacy_text_t *lang,
    const privacy_words_t *words, uint32_t gpc);
int mod_privacy_words_pick(request_rec *r, const char *const *langs, int n,
    int dflt);

/* mod_privacy_gpc.c */
const char *mod_privacy_gpc(cmd_parms *cmd, void *conf, int argc,
    char *const argv[]);
const char *mod_privacy_gpc_last_update(cmd_parms *cmd, void *conf,
    const char *arg);
void mod_privacy_gpc_pre_config(apr_pool_t *pconf);
uint32_t mod_privacy_gpc_mask(apr_pool_t *p, mod_privacy_dir_conf_t *dcf,
    const char **err);
const char *mod_privacy_gpc_check(apr_pool_t *p, mod_privacy_dir_conf_t *dcf);
int mod_privacy_gpc_signal(request_rec *r);
uint32_t mod_privacy_gpc_refused(request_rec *r, mod_privacy_dir_conf_t *dcf);
int mod_privacy_gpc_handler(request_rec *r);

/* mod_privacy_consent.c */
void mod_privacy_consent_pre_config(apr_pool_t *pconf);
const char *mod_privacy_consent_endpoint(cmd_parms *cmd, void *conf);
int mod_privacy_consent_check(server_rec *s);
int mod_privacy_consent_handler(request_rec *r);

/* mod_privacy_assets.c */
void mod_privacy_assets_init(void);
const char *mod_privacy_asset_path(int asset);
int mod_privacy_asset_handler(request_rec *r, const char *name);

/* mod_privacy_settings.c */
const char *mod_privacy_settings_page(request_rec *r,
    mod_privacy_dir_conf_t *dcf, mod_privacy_ctx_t *ctx, const char *url);

/* mod_privacy_redis.c */
void mod_privacy_redis_pre_config(apr_pool_t *pconf);
const char *mod_privacy_redis_directive(cmd_parms *cmd, void *conf, int argc,
    char *const argv[]);
void mod_privacy_redis_child_init(apr_pool_t *p, server_rec *s);
int mod_privacy_redis_configured(server_rec *s);
const char *mod_privacy_redis_prefix(request_rec *r);
const char *mod_privacy_redis_edge(request_rec *r);
apr_time_t mod_privacy_redis_retention(request_rec *r);
int mod_privacy_redis_run(request_rec *r, mod_privacy_redis_cmd_t *cmds,
    int n, void **replies, const char **why);

/* mod_privacy_metrics.c */
void mod_privacy_metrics_pre_config(apr_pool_t *pconf);
void mod_privacy_metrics_name(const char *name);
int mod_privacy_metrics_init(apr_pool_t *pconf, server_rec *s);
int mod_privacy_status_handler(request_rec *r);
void mod_privacy_metric_banner(void);
/* category: the index in dcf's list, -1 when none names it */
void mod_privacy_metric_blocked(mod_privacy_dir_conf_t *dcf, int category,
    int direction);
void mod_privacy_metric_expired(int n);
void mod_privacy_metric_consent(int action);
void mod_privacy_metric_token_rejected(int reason);
void mod_privacy_metric_redis_error(void);
void mod_privacy_metric_redis_rtt(apr_interval_time_t usec);


#endif /* MOD_PRIVACY_H_INCLUDED_ */
