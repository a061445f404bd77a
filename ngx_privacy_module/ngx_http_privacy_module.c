
/*
 * ngx_http_privacy_module: the registrar.  The module context, the
 * directives, configuration create and merge, the filters and the request
 * handler that call each feature in turn, and the variables' registration.
 * Dependencies run one way: this file calls the feature files, the feature
 * files call ngx_http_privacy_util.c and the core (privacy_*.c), and none
 * calls back here (tools/layers.py checks it).  Each concern has its own
 * file:
 *
 *   ngx_http_privacy_tk.c        Tk header and /.well-known/dnt/
 *   ngx_http_privacy_gpc.c       Global Privacy Control, gpc.json
 *   ngx_http_privacy_category.c  cookie categories and the names blocked
 *   ngx_http_privacy_script.c    privacy_script, third-party tags' patterns
 *   ngx_http_privacy_script_filter.c the rewriter's part of the banner's
 *                                body filter, and beside it:
 *   ngx_http_privacy_script_memo.c   the pages rewritten before
 *   ngx_http_privacy_csp.c       privacy_csp, the visitor's CSP, and
 *   ngx_http_privacy_csp_report.c    the endpoint its reports go to
 *   ngx_http_privacy_cookie_in.c the Cookie headers the application gets
 *   ngx_http_privacy_cookie_out.c  the Set-Cookie headers the visitor gets,
 *                                expiry, the consent cookie
 *   ngx_http_privacy_token.c     keys and the consent decision of a request
 *   ngx_http_privacy_banner.c    the banner body filter, and beside it:
 *   ngx_http_privacy_banner_types.c  which responses get it
 *   ngx_http_privacy_consent_mode.c  Google Consent Mode's script tag,
 *                                and its directive (_conf)
 *   ngx_http_privacy_banner_head.c   the heads of pages seen before
 *   ngx_http_privacy_banner_text.c   a request's banner and language
 *   ngx_http_privacy_chain.c     the body filters' own buffers
 *   ngx_http_privacy_template.c  the banners' templates, compiled
 *   ngx_http_privacy_words.c     the builtin words, the categories' labels
 *   ngx_http_privacy_settings.c  the settings page
 *   ngx_http_privacy_consent.c   the consent endpoint, and below it:
 *   ngx_http_privacy_consent_history.c   ?history=1
 *   ngx_http_privacy_consent_answer.c    what the endpoint answers
 *   ngx_http_privacy_consent_record.c    a decision's record, its commands
 *   ngx_http_privacy_assets.c    the banner's stylesheet and script
 *   ngx_http_privacy_redis*.c    Redis: privacy_redis (_conf), the requests,
 *                                the connection (_link), hiredis on
 *                                nginx's event loop (_adapter)
 *   ngx_http_privacy_metrics.c   the counters and privacy_status
 *   ngx_http_privacy_variables.c the values of the module's variables
 *   ngx_http_privacy_util.c      request helpers every feature file uses
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_banner.h"
#include "ngx_http_privacy_banner_head.h"
#include "ngx_http_privacy_banner_types.h"
#include "ngx_http_privacy_category.h"
#include "ngx_http_privacy_consent.h"
#include "ngx_http_privacy_cookie_in.h"
#include "ngx_http_privacy_cookie_out.h"
#include "ngx_http_privacy_csp.h"
#include "ngx_http_privacy_csp_report.h"
#include "ngx_http_privacy_gpc.h"
#include "ngx_http_privacy_consent_mode.h"
#include "ngx_http_privacy_metrics.h"
#include "ngx_http_privacy_redis.h"
#include "ngx_http_privacy_script.h"
#include "ngx_http_privacy_script_filter.h"
#include "ngx_http_privacy_script_memo.h"
#include "ngx_http_privacy_template.h"
#include "ngx_http_privacy_tk.h"
#include "ngx_http_privacy_token.h"
#include "ngx_http_privacy_variables.h"
#include "ngx_http_privacy_words.h"


static ngx_int_t ngx_http_privacy_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_privacy_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_privacy_request_handler(ngx_http_request_t *r);

static ngx_int_t ngx_http_privacy_add_variables(ngx_conf_t *cf);

static ngx_int_t ngx_http_privacy_init(ngx_conf_t *cf);
static void ngx_http_privacy_exit_process(ngx_cycle_t *cycle);
static void *ngx_http_privacy_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_privacy_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_privacy_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void *ngx_http_privacy_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_privacy_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);


static ngx_http_output_header_filter_pt  ngx_http_privacy_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_privacy_next_body_filter;


static ngx_conf_enum_t  ngx_http_privacy_modes[] = {
    { ngx_string("enforce"), NGX_HTTP_PRIVACY_MODE_ENFORCE },
    { ngx_string("report"), NGX_HTTP_PRIVACY_MODE_REPORT },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_privacy_unknown_cookies[] = {
    { ngx_string("allow"), 0 },
    { ngx_string("block"), 1 },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_privacy_banner_positions[] = {
    { ngx_string("body_start"), PRIVACY_BANNER_BODY_START },
    { ngx_string("body_end"), PRIVACY_BANNER_BODY_END },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_privacy_commands[] = {

    { ngx_string("privacy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, enable),
      NULL },

    { ngx_string("privacy_tracking_status"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_tracking_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_tracking_status_resource"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_privacy_tracking_status_resource,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_policy_url"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, policy_url),
      NULL },

    { ngx_string("privacy_mode"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_conf_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, mode),
      &ngx_http_privacy_modes },

    { ngx_string("privacy_policy_version"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_policy_version,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_secret"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_secret,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_category"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_2MORE,
      ngx_http_privacy_category,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_script"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_2MORE,
      ngx_http_privacy_script,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_script_marked"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, script_marked),
      NULL },

    { ngx_string("privacy_csp"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_conf_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, csp),
      &ngx_http_privacy_csp_modes },

    { ngx_string("privacy_csp_allow"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_privacy_csp_allow,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_csp_report_endpoint"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE1,
      ngx_http_privacy_csp_report_endpoint,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_unknown_cookies"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_conf_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, unknown_cookies),
      &ngx_http_privacy_unknown_cookies },

    { ngx_string("privacy_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_privacy_cookie,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_cookie_domains"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_privacy_cookie_domains,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_expire_blocked"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, expire_blocked),
      NULL },

    { ngx_string("privacy_consent_url"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, consent_url),
      NULL },

    { ngx_string("privacy_banner"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_banner,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_banner_language"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_privacy_banner_language,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_category_text"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE4,
      ngx_http_privacy_category_text,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_banner_position"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_privacy_conf_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, banner_position),
      &ngx_http_privacy_banner_positions },

    { ngx_string("privacy_banner_types"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_types_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_privacy_loc_conf_t, banner_types_keys),
      &ngx_http_html_default_types[0] },

    { ngx_string("privacy_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_privacy_redis_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_consent_endpoint"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_privacy_consent_endpoint,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_gpc"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_privacy_gpc,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_consent_mode"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_privacy_consent_mode,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_gpc_resource"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE1,
      ngx_http_privacy_gpc_resource,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("privacy_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_privacy_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_privacy_module_ctx = {
    ngx_http_privacy_add_variables,        /* preconfiguration */
    ngx_http_privacy_init,                 /* postconfiguration */

    ngx_http_privacy_create_main_conf,     /* create main configuration */
    NULL,                                  /* init main configuration */

    ngx_http_privacy_create_srv_conf,      /* create server configuration */
    ngx_http_privacy_merge_srv_conf,       /* merge server configuration */

    ngx_http_privacy_create_loc_conf,      /* create location configuration */
    ngx_http_privacy_merge_loc_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_privacy_module = {
    NGX_MODULE_V1,
    &ngx_http_privacy_module_ctx,          /* module context */
    ngx_http_privacy_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_http_privacy_cookie_variables,     /* init module */
    ngx_http_privacy_redis_init_process,   /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_privacy_exit_process,         /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_variable_t  ngx_http_privacy_vars[] = {

    { ngx_string("privacy_dnt"), NULL,
      ngx_http_privacy_variable_dnt, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_consent"), NULL,
      ngx_http_privacy_variable_consent, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_consent_id"), NULL,
      ngx_http_privacy_variable_consent_id, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_blocked"), NULL,
      ngx_http_privacy_variable_blocked, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_gpc"), NULL,
      ngx_http_privacy_variable_gpc, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("privacy_remote_addr"), NULL,
      ngx_http_privacy_variable_remote_addr, 0, 0, 0 },

      ngx_http_null_variable
};


static ngx_int_t
ngx_http_privacy_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt           *h;
    ngx_http_core_main_conf_t     *cmcf;
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_privacy_module);

    /* no consent is acted on that could not be recorded */
    if (pmcf->endpoints && pmcf->redis == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"privacy_consent_endpoint\" in %s:%ui needs "
                      "\"privacy_redis\" in the http block: every decision "
                      "is recorded before it is acted on",
                      pmcf->endpoint_file, pmcf->endpoint_line);
        return NGX_ERROR;
    }

    /*
     * pages remembered with the rewrite of a configuration that goes
     * (a reload without a master process keeps its memory)
     */
    ngx_http_privacy_script_memos_free();

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    /* cookies leave the request before access checks, content and proxy */
    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_privacy_request_handler;

    ngx_http_privacy_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_privacy_header_filter;

    ngx_http_privacy_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_privacy_body_filter;

    return ngx_http_privacy_metrics_init(cf);
}


/*
 * The decision, then the Cookie headers it leaves the application: once
 * per main request, whatever internal redirects follow.
 */

static ngx_int_t
ngx_http_privacy_request_handler(ngx_http_request_t *r)
{
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (!plcf->enable || r != r->main) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (!ctx->request_filtered
        && (ngx_http_privacy_read_decision(r, plcf, ctx) != NGX_OK
            || ngx_http_privacy_request_cookies(r, plcf, ctx) != NGX_OK))
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_privacy_banner_unconditional(r, plcf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_privacy_header_filter(ngx_http_request_t *r)
{
    ngx_int_t                     rc, held;
    ngx_http_privacy_ctx_t       *ctx;
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_privacy_module);

    if (!plcf->enable || r != r->main) {
        return ngx_http_privacy_next_header_filter(r);
    }

    ctx = ngx_http_privacy_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_read_decision(r, plcf, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the request side ran in the rewrite phase, unless the request was
     * finalized earlier (a 400 or a redirect in server rewrites) */
    if (ngx_http_privacy_request_cookies(r, plcf, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_tk_header(r, plcf, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_response_cookies(r, plcf, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    /* Consent Mode's tag first: it clears a length the banner would hold */
    held = ngx_http_privacy_consent_mode_header(r, plcf, ctx);

    if (held == NGX_ERROR) {
        return NGX_ERROR;
    }

    rc = ngx_http_privacy_banner_header(r, plcf, ctx);

    if (rc != NGX_OK && rc != NGX_DONE) {
        return NGX_ERROR;
    }

    if (ngx_http_privacy_csp_header(r, plcf, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (rc == NGX_DONE || held == NGX_DONE) {
        /* a body filter sends the header, with the length */
        return NGX_OK;
    }

    return ngx_http_privacy_next_header_filter(r);
}


static ngx_int_t
ngx_http_privacy_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_int_t     rc;
    ngx_uint_t    i;
    ngx_chain_t  *out;

    /* the banner, then Consent Mode's tag on what the banner passes on */
    for (i = 0; i < 2; i++) {
        rc = i ? ngx_http_privacy_consent_mode_body(r, in, &out)
               : ngx_http_privacy_banner_body(r, in, &out);

        if (rc == NGX_DECLINED) {
            continue;
        }

        if (rc == NGX_DONE) {
            /* the header was held until the length was known */
            rc = ngx_http_privacy_next_header_filter(r);

            if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
                return rc;
            }

        } else if (rc != NGX_OK) {
            return rc;
        }

        if (out == NULL) {
            /* all of it held back, or dropped after a HEAD's header */
            return NGX_OK;
        }

        in = out;
    }

    return ngx_http_privacy_next_body_filter(r, in);
}



static ngx_int_t
ngx_http_privacy_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_privacy_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static void
ngx_http_privacy_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_privacy_redis_exit_process(cycle);
    ngx_http_privacy_banner_heads_free();
    ngx_http_privacy_script_memos_free();
}


static void *
ngx_http_privacy_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_privacy_main_conf_t  *pmcf;

    pmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_main_conf_t));
    if (pmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     pmcf->redis = NULL;
     *     pmcf->endpoints = 0;
     *     pmcf->endpoint_file = NULL;
     *     pmcf->endpoint_line = 0;
     *     pmcf->cookie_variables = NULL;
     */

    return pmcf;
}


static void *
ngx_http_privacy_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_privacy_srv_conf_t  *pscf;

    pscf = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_srv_conf_t));
    if (pscf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     pscf->keys = NULL;
     *     pscf->csp_report_uri = { 0, NULL };
     */

    return pscf;
}


static char *
ngx_http_privacy_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_privacy_srv_conf_t *prev = parent;
    ngx_http_privacy_srv_conf_t *conf = child;

    if (conf->keys == NULL) {
        conf->keys = prev->keys;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_privacy_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_privacy_loc_conf_t  *plcf;

    plcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_loc_conf_t));
    if (plcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     plcf->policy_url = { 0, NULL };
     *     plcf->policy_version = { 0, NULL };
     *     plcf->categories = NULL;
 *     plcf->scripts = NULL;
     *     plcf->expire_suffix = NULL;
     *     plcf->cookie.path = { 0, NULL };
     *     plcf->cookie.domain = { 0, NULL };
     *     plcf->cookie.samesite = { 0, NULL };
     *     plcf->consent_url = { 0, NULL };
     *     plcf->banner_text = { 0, NULL };
     *     plcf->banner_languages = NULL;
     *     plcf->category_texts = NULL;
     *     plcf->banners = NULL;
     *     plcf->banner_types = { NULL };
     *     plcf->banner_types_keys = NULL;
     *     plcf->banner_types_list = NULL;
     *     plcf->consent_endpoint = 0;
     *     plcf->gpc = 0;
     *     plcf->gpc_file = NULL;
     *     plcf->gpc_last_update = { 0, NULL };
     *     plcf->conf_file = NULL;
     *     plcf->csp_policy = NULL;
     *     plcf->csp_report = NULL;
     */

    plcf->enable = NGX_CONF_UNSET;
    plcf->tracking_status = NGX_CONF_UNSET_UINT;
    plcf->mode = NGX_CONF_UNSET_UINT;
    plcf->unknown_cookies = NGX_CONF_UNSET_UINT;
    plcf->cookie.max_age = NGX_CONF_UNSET;
    plcf->cookie.secure = NGX_CONF_UNSET_UINT;
    plcf->cookie_domains = NGX_CONF_UNSET_PTR;
    plcf->expire_blocked = NGX_CONF_UNSET;
    plcf->script_marked = NGX_CONF_UNSET;
    plcf->banner = NGX_CONF_UNSET_UINT;
    plcf->banner_position = NGX_CONF_UNSET_UINT;
    plcf->gpc_names = NGX_CONF_UNSET_PTR;
    plcf->consent_mode = NGX_CONF_UNSET_PTR;
    plcf->csp = NGX_CONF_UNSET_UINT;
    plcf->csp_allow = NGX_CONF_UNSET_PTR;

    plcf->conf_file = cf->conf_file->file.name.data;
    plcf->conf_line = cf->conf_file->line;

    return plcf;
}


static char *
ngx_http_privacy_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_privacy_loc_conf_t *prev = parent;
    ngx_http_privacy_loc_conf_t *conf = child;

    ngx_http_privacy_srv_conf_t  *pscf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_uint_value(conf->tracking_status, prev->tracking_status,
                              NGX_HTTP_PRIVACY_TK_AUTO);
    ngx_conf_merge_str_value(conf->policy_url, prev->policy_url, "");
    ngx_conf_merge_uint_value(conf->mode, prev->mode,
                              NGX_HTTP_PRIVACY_MODE_ENFORCE);
    ngx_conf_merge_str_value(conf->policy_version, prev->policy_version, "");
    ngx_conf_merge_uint_value(conf->unknown_cookies, prev->unknown_cookies,
                              0);

    /*
     * privacy_cookie is inherited whole or replaced whole: the options a
     * location leaves out have their defaults, not the server's values
     */
    if (conf->cookie.name.data == NULL) {
        conf->cookie = prev->cookie;
    }

    if (conf->cookie.name.data == NULL) {
        ngx_str_set(&conf->cookie.name, "privacy_consent");
    }

    ngx_conf_init_value(conf->cookie.max_age, 180 * 86400);

    if (conf->cookie.path.data == NULL) {
        ngx_str_set(&conf->cookie.path, "/");
    }

    if (conf->cookie.samesite.data == NULL) {
        ngx_str_set(&conf->cookie.samesite, "Lax");
    }

    ngx_conf_init_uint_value(conf->cookie.secure,
                             NGX_HTTP_PRIVACY_SECURE_AUTO);

    ngx_conf_merge_ptr_value(conf->cookie_domains, prev->cookie_domains,
                             NULL);

    if (ngx_http_privacy_expire_suffixes(cf, prev, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }
    ngx_conf_merge_value(conf->expire_blocked, prev->expire_blocked, 1);
    ngx_conf_merge_value(conf->script_marked, prev->script_marked, 1);
    ngx_conf_merge_str_value(conf->consent_url, prev->consent_url,
                             "/privacy/consent");

    if (conf->categories == NULL) {
        conf->categories = prev->categories;
    }

    if (conf->categories && !conf->categories->finalized) {
        if (ngx_http_privacy_categories_finalize(cf, conf->categories)
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_http_privacy_script_merge(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_privacy_csp_merge(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_privacy_gpc_merge(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_privacy_consent_mode_merge(cf, prev, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_privacy_banner_merge(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_privacy_banner_types_list(cf, prev, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->consent_endpoint) {
        pscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_privacy_module);

        if (pscf->keys == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"privacy_consent_endpoint\" in %s:%ui needs "
                          "\"privacy_secret\" to sign consent cookies",
                          conf->conf_file, conf->conf_line);
            return NGX_CONF_ERROR;
        }

        if (conf->policy_version.len == 0) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"privacy_consent_endpoint\" in %s:%ui needs "
                          "\"privacy_policy_version\"",
                          conf->conf_file, conf->conf_line);
            return NGX_CONF_ERROR;
        }
    }

    if (conf->enable && conf->policy_version.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"privacy_policy_version\" is required where "
                      "\"privacy\" is on, in %s:%ui: a consent is given "
                      "to one version of the privacy notice",
                      conf->conf_file, conf->conf_line);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
