
/*
 * ngx_http_privacy_module: the privacy notice enforced at the edge.
 *
 * Shared declarations of the nginx glue.  The server-agnostic core lives in
 * the privacy_*.[ch] files and knows nothing of nginx.
 */


#ifndef _NGX_HTTP_PRIVACY_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "privacy_cookie.h"
#include "privacy_match.h"
#include "privacy_token.h"
#include "privacy_banner.h"
#include "privacy_template.h"


/* privacy_tracking_status auto: the value is computed per response */
#define NGX_HTTP_PRIVACY_TK_AUTO        0

#define NGX_HTTP_PRIVACY_MODE_ENFORCE   0
#define NGX_HTTP_PRIVACY_MODE_REPORT    1

#define NGX_HTTP_PRIVACY_BANNER_OFF     0
#define NGX_HTTP_PRIVACY_BANNER_BUILTIN 1
#define NGX_HTTP_PRIVACY_BANNER_FILE    2

#define NGX_HTTP_PRIVACY_SECURE_AUTO    2

#define NGX_HTTP_PRIVACY_ID_HEX_LEN     32

/* banner types compared one by one; more are looked up in their hash */
#define NGX_HTTP_PRIVACY_BANNER_TYPES_MAX  8

/* an ngx_str_t as the core's privacy_text_t */
#define ngx_http_privacy_text(t, s)                                          \
    do { (t)->data = (s)->data; (t)->len = (s)->len; } while (0)


/* one privacy_category directive */
typedef struct {
    ngx_str_t                       name;
    ngx_uint_t                      essential;    /* unsigned: 1 */
} ngx_http_privacy_category_t;


/*
 * The category list of a location, shared by the locations that inherit
 * it.  The exact names are looked up in the core's table, and the regular
 * expressions run through the core matcher on a miss; the fingerprint goes
 * into every consent token so that a token from another list is not
 * honoured.
 */
typedef struct {
    ngx_array_t                     categories;   /* of the directives */
    ngx_array_t                     exact;        /* privacy_match_name_t */
    ngx_array_t                     regex;        /* privacy_match_regex_t */
    ngx_array_t                     patterns;     /* the regexes as
                                                     configured, for the
                                                     category details:
                                                     privacy_template_
                                                     pattern_t */
    privacy_names_t                 names;        /* the exact ones */
    privacy_category_desc_t        *desc;         /* per category, for the
                                                     core */
    privacy_matcher_t               matcher;      /* the regexes */
    u_char                          starts[32];   /* a bit per byte that
                                                     starts a name or a
                                                     literal prefix */
    ngx_uint_t                      pcre;         /* unsigned: 1; a regex
                                                     that is no prefix */
    uint64_t                        fingerprint;
    uint32_t                        essential;    /* mask of essential ones */
    uint32_t                        optional;     /* mask of the others */
    ngx_uint_t                      finalized;    /* unsigned: 1 */
    ngx_uint_t                      metric[PRIVACY_MAX_CATEGORIES];
} ngx_http_privacy_categories_t;


typedef struct {
    ngx_str_t                       name;
    time_t                          max_age;
    ngx_str_t                       path;
    ngx_str_t                       domain;
    ngx_str_t                       samesite;     /* "Strict", "Lax", "None" */
    ngx_uint_t                      secure;       /* 0, 1 or SECURE_AUTO */
} ngx_http_privacy_cookie_conf_t;


/* privacy_script's patterns, see ngx_http_privacy_script.h */
typedef struct ngx_http_privacy_scripts_s  ngx_http_privacy_scripts_t;


/* the keys of privacy_secret, see ngx_http_privacy_token.c */
typedef struct ngx_http_privacy_keys_s  ngx_http_privacy_keys_t;


typedef struct {
    ngx_http_privacy_keys_t        *keys;
    ngx_str_t                       csp_report_uri; /* the server's
                                                       report endpoint */
} ngx_http_privacy_srv_conf_t;


/* what the builtin banner and the settings page say, in one language */
typedef struct {
    ngx_str_t                       lang;
    ngx_str_t                       title;
    ngx_str_t                       text;
    ngx_str_t                       policy;
    ngx_str_t                       settings;
    ngx_str_t                       legend;
    ngx_str_t                       accept;
    ngx_str_t                       reject;
    ngx_str_t                       save;
    ngx_str_t                       withdraw;
    ngx_str_t                       current;
    ngx_str_t                       undecided;
    ngx_str_t                       granted;
    ngx_str_t                       refused;
    ngx_str_t                       none;
    ngx_str_t                       made_on;
    ngx_str_t                       details;
    ngx_str_t                       cookies;
    ngx_str_t                       essential;
    ngx_str_t                       gpc;         /* one category */
    ngx_str_t                       gpc_sent;    /* the request's signal */
    ngx_str_t                       saved;       /* after a decision */
    ngx_str_t                       back;        /* a link to the site */
    ngx_str_t                       hosts;       /* "Third parties" */
} ngx_http_privacy_strings_t;


/* a banner ready to serve: its parts are cut at {{return_path}} */
typedef struct ngx_http_privacy_banner_lang_s
    ngx_http_privacy_banner_lang_t;

struct ngx_http_privacy_banner_lang_s {
    ngx_str_t                       lang;         /* empty: the default */
    ngx_array_t                    *parts;        /* ngx_str_t */
    ngx_http_privacy_strings_t     *strings;
    ngx_http_privacy_banner_lang_t *gpc;          /* the same with its
                                                     {{gpc_note}} said, for
                                                     Sec-GPC: 1; or NULL */
};


typedef struct {
    ngx_flag_t                      enable;
    ngx_uint_t                      tracking_status;
    ngx_str_t                       policy_url;
    ngx_uint_t                      mode;
    ngx_str_t                       policy_version;
    ngx_http_privacy_categories_t  *categories;
    ngx_http_privacy_scripts_t     *scripts;     /* privacy_script, shared
                                                    like categories */
    ngx_flag_t                      script_marked; /* activate the
                                                      site's marked tags */
    ngx_uint_t                      csp;          /* privacy_csp */
    ngx_array_t                    *csp_allow;    /* privacy_csp_allow,
                                                     ngx_str_t */
    void                           *csp_policy;   /* built at merge */
    void                           *csp_report;   /* the endpoint's zone */
    ngx_uint_t                      unknown_cookies; /* 1: block */
    ngx_http_privacy_cookie_conf_t  cookie;
    ngx_array_t                    *cookie_domains; /* ngx_str_t */
    ngx_str_t                      *expire_suffix;  /* per domain, and
                                                       host-only first */
    ngx_flag_t                      expire_blocked;
    ngx_str_t                       consent_url;

    ngx_uint_t                      banner;
    ngx_str_t                       banner_text;  /* FILE contents */
    ngx_array_t                    *banner_languages; /* LANG FILE */
    ngx_array_t                    *category_texts; /* privacy_category_text
                                                       */
    ngx_array_t                    *banners;     /* compiled, per language */
    ngx_uint_t                      banner_default;
    ngx_uint_t                      banner_position;
    ngx_hash_t                      banner_types;
    ngx_array_t                    *banner_types_keys;
    ngx_array_t                    *banner_types_list; /* ngx_str_t, or
                                                          NULL: the hash */

    ngx_flag_t                      consent_endpoint;

    ngx_array_t                    *gpc_names;   /* privacy_gpc, ngx_str_t;
                                                    NULL: off */
    uint32_t                        gpc;         /* the categories the
                                                    signal refuses */
    u_char                         *gpc_file;    /* where privacy_gpc is */
    ngx_uint_t                      gpc_line;
    ngx_str_t                       gpc_last_update; /* gpc.json's date */
    ngx_array_t                    *consent_mode; /* privacy_consent_mode;
                                                     NULL: off */
    ngx_str_t                       consent_mode_tag; /* its tag's start */
    u_char                         *consent_mode_file;
    ngx_uint_t                      consent_mode_line;

    /* where the directives were, for nginx -t messages from merge */
    u_char                         *conf_file;
    ngx_uint_t                      conf_line;
} ngx_http_privacy_loc_conf_t;


typedef struct {
    void                           *redis;       /* the Redis layer's */
    ngx_uint_t                      endpoints;   /* consent endpoints */
    u_char                         *endpoint_file; /* where the first is */
    ngx_uint_t                      endpoint_line;
    /* indexes (ngx_uint_t) of $http_cookie and the $cookie_NAME used */
    ngx_array_t                    *cookie_variables;
} ngx_http_privacy_main_conf_t;


/* room for blocked names made at the first one: most requests block few */
#define NGX_HTTP_PRIVACY_BLOCKED  8


/* a cookie name blocked in a request or a response */
typedef struct {
    ngx_str_t                       name;
    ngx_int_t                       category;     /* -1: none names it */
    ngx_table_elt_t                *set_cookie;   /* one to turn into the
                                                     expiring Set-Cookie */
} ngx_http_privacy_blocked_t;


/*
 * Per main request state.  It survives internal redirects (see
 * ngx_http_privacy_get_ctx()), so cookies are filtered once and the
 * decision is read once.
 */
typedef struct {
    ngx_http_privacy_categories_t  *decided_for;  /* list the decision used */
    u_char                         *decided_policy; /* version's data */
    privacy_token_t                 token;
    uint32_t                        granted;      /* with essentials added */
    uint32_t                        gpc_refused;  /* by Sec-GPC: 1, unless
                                                     the decision came
                                                     with it */
    ngx_http_privacy_blocked_t     *blocked;      /* see block() */
    ngx_uint_t                      nblocked;
    ngx_uint_t                      blocked_room;
    ngx_uint_t                      request_blocked; /* the first ones */
    ngx_http_privacy_loc_conf_t    *filtered_by;  /* the request side's
                                                     location */
    ngx_uint_t                      rejected;     /* privacy_token_status_e */
    void                           *banner;       /* body filter state */
    void                           *consent_mode; /* body filter state */
    ngx_http_privacy_loc_conf_t    *script_for;   /* script_marked_page for
                                                     this location */

    unsigned                        decision_read:1;
    unsigned                        decided:1;    /* a valid token */
    unsigned                        request_filtered:1;
    unsigned                        request_changed:1; /* a Cookie header
                                                     changed or went */
    unsigned                        expired_sent:1;
    unsigned                        endpoint:1;   /* consent endpoint */
    unsigned                        tk_resource:1;
    unsigned                        shared:1;     /* the same answer for
                                                     every visitor: no
                                                     cookie set or expired */
    unsigned                        script_marked_page:1; /* may carry
                                                     marked tags */
} ngx_http_privacy_ctx_t;


extern ngx_module_t  ngx_http_privacy_module;


/* ngx_http_privacy_util.c */
ngx_http_privacy_ctx_t *ngx_http_privacy_get_ctx(ngx_http_request_t *r);
ngx_int_t ngx_http_privacy_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_str_t *body);
ngx_table_elt_t *ngx_http_privacy_find_header(ngx_http_request_t *r,
    u_char *name, size_t len);
ngx_int_t ngx_http_privacy_wants_json(ngx_http_request_t *r);
ngx_int_t ngx_http_privacy_wants_html(ngx_http_request_t *r);
ngx_int_t ngx_http_privacy_remote_addr(ngx_http_request_t *r,
    ngx_str_t *addr);
void ngx_http_privacy_trim(ngx_str_t *s);
ngx_int_t ngx_http_privacy_conf_read_file(ngx_conf_t *cf, ngx_str_t *directive,
    ngx_str_t *name, size_t max, ngx_str_t *content, ngx_file_info_t *info);
char *ngx_http_privacy_conf_set_enum(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_privacy_conf_regex(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_str_t *value, ngx_regex_compile_t *rc);
ngx_int_t ngx_http_privacy_grants_optional(ngx_http_privacy_loc_conf_t *plcf,
    ngx_http_privacy_ctx_t *ctx);
ngx_int_t ngx_http_privacy_remove_header(ngx_http_request_t *r,
    ngx_table_elt_t *h);
ngx_int_t ngx_http_privacy_add_vary(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_uint_t languages);

extern ngx_str_t  ngx_http_privacy_cache_control;
extern ngx_str_t  ngx_http_privacy_no_store;
extern ngx_str_t  ngx_http_privacy_retry_after;


/*
 * A response header; r->headers_out fields that mirror it are left alone.
 * Inline: the module adds a few headers to most responses.
 */

static ngx_inline ngx_int_t
ngx_http_privacy_add_header(ngx_http_request_t *r, ngx_str_t *key,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    h->key = *key;
    h->value = *value;

    return NGX_OK;
}


/* the n-th Cookie header of the request, or NULL */

static ngx_inline ngx_table_elt_t *
ngx_http_privacy_cookie_header(ngx_http_request_t *r, ngx_uint_t n)
{
#if (nginx_version >= 1023000)
    ngx_table_elt_t  *h;

    for (h = r->headers_in.cookie; h && n; h = h->next) {
        n--;
    }

    return h;
#else
    ngx_table_elt_t  **h;

    if (n >= r->headers_in.cookies.nelts) {
        return NULL;
    }

    h = r->headers_in.cookies.elts;

    return h[n];
#endif
}


#endif /* _NGX_HTTP_PRIVACY_H_INCLUDED_ */
