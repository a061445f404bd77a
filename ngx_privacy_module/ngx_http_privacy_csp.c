
/*
 * ngx_http_privacy_module: privacy_csp and privacy_csp_allow.  A tag
 * manager the visitor granted may add a pixel of a category refused at run
 * time, which no rewrite of the HTML sees; a Content-Security-Policy whose
 * script-src, connect-src, img-src and frame-src allow the site's own
 * sources, 'self' and the hosts of the granted categories makes the
 * browser refuse it.  The policy goes on the pages the banner would go
 * into (privacy_banner_types, text/html by default): a CSP governs the
 * document it comes with, and is ignored on images, styles or JSON, whose
 * caching a Vary: Cookie would only spoil.  A CSP the application sent
 * stays: ours is one more header, and browsers enforce every policy.
 *
 * The parts are made at configuration time, one per category; a request
 * only concatenates those of the categories the visitor granted.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_banner_types.h"
#include "ngx_http_privacy_csp.h"
#include "ngx_http_privacy_script.h"
#include "privacy_csp.h"


typedef struct {
    ngx_str_t                       base;        /* " 'self' SOURCE ..." */
    ngx_str_t                       hosts[PRIVACY_MAX_CATEGORIES];
                                                 /* " SOURCE ...", by
                                                    category */
    uint32_t                        with_hosts;  /* categories that have */
    ngx_str_t                       report;      /* "; report-uri ..." */
    ngx_str_t                       endpoints;   /* Reporting-Endpoints */

    /* what it was made from: a location with the same shares it */
    ngx_array_t                    *allow;
    ngx_http_privacy_scripts_t     *scripts;
    ngx_http_privacy_categories_t  *categories;
    u_char                         *report_uri;
} ngx_http_privacy_csp_policy_t;


static ngx_http_privacy_csp_policy_t *ngx_http_privacy_csp_make(
    ngx_conf_t *cf, ngx_http_privacy_loc_conf_t *conf, ngx_str_t *uri);
static ngx_int_t ngx_http_privacy_csp_quote(ngx_conf_t *cf, ngx_str_t *out,
    char *before, ngx_str_t *uri, char *after);
static ngx_int_t ngx_http_privacy_csp_vary(ngx_http_request_t *r);


ngx_conf_enum_t  ngx_http_privacy_csp_modes[] = {
    { ngx_string("off"), NGX_HTTP_PRIVACY_CSP_OFF },
    { ngx_string("enforce"), NGX_HTTP_PRIVACY_CSP_ENFORCE },
    { ngx_string("report"), NGX_HTTP_PRIVACY_CSP_REPORT },
    { ngx_null_string, 0 }
};


/* the directives the policy names; each gets the same sources */
static ngx_str_t  ngx_http_privacy_csp_directives[] = {
    ngx_string("script-src"),
    ngx_string("connect-src"),
    ngx_string("img-src"),
    ngx_string("frame-src")
};

#define NGX_HTTP_PRIVACY_CSP_NDIRECTIVES                                     \
    (sizeof(ngx_http_privacy_csp_directives) / sizeof(ngx_str_t))


static ngx_str_t  ngx_http_privacy_csp_name =
    ngx_string("Content-Security-Policy");
static ngx_str_t  ngx_http_privacy_csp_report_only =
    ngx_string("Content-Security-Policy-Report-Only");
static ngx_str_t  ngx_http_privacy_csp_endpoints =
    ngx_string("Reporting-Endpoints");
static ngx_str_t  ngx_http_privacy_csp_vary_name = ngx_string("Vary");
static ngx_str_t  ngx_http_privacy_csp_cookie = ngx_string("Cookie");


/* privacy_csp_allow SOURCE ...; every SOURCE checked, several lines add */

char *
ngx_http_privacy_csp_allow(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t   *value, *s;
    ngx_uint_t   i;
    const char  *err;

    if (plcf->csp_allow == NGX_CONF_UNSET_PTR) {
        plcf->csp_allow = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
        if (plcf->csp_allow == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (privacy_csp_source(value[i].data, value[i].len, &err) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid source \"%V\" in \"%V\": it %s",
                               &value[i], &cmd->name, err);
            return NGX_CONF_ERROR;
        }

        s = ngx_array_push(plcf->csp_allow);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        *s = value[i];
    }

    return NGX_CONF_OK;
}


char *
ngx_http_privacy_csp_merge(ngx_conf_t *cf, ngx_http_privacy_loc_conf_t *prev,
    ngx_http_privacy_loc_conf_t *conf)
{
    ngx_str_t                      *uri;
    ngx_http_privacy_srv_conf_t    *pscf;
    ngx_http_privacy_csp_policy_t  *policy;

    ngx_conf_merge_uint_value(conf->csp, prev->csp, NGX_HTTP_PRIVACY_CSP_OFF);
    ngx_conf_merge_ptr_value(conf->csp_allow, prev->csp_allow, NULL);

    conf->csp_policy = NULL;

    if (conf->csp == NGX_HTTP_PRIVACY_CSP_OFF) {
        return NGX_CONF_OK;
    }

    pscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_privacy_module);
    uri = &pscf->csp_report_uri;

    policy = prev->csp_policy;

    if (policy
        && policy->allow == conf->csp_allow
        && policy->scripts == conf->scripts
        && policy->categories == conf->categories
        && policy->report_uri == uri->data)
    {
        conf->csp_policy = policy;
        return NGX_CONF_OK;
    }

    conf->csp_policy = ngx_http_privacy_csp_make(cf, conf, uri);
    if (conf->csp_policy == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static ngx_http_privacy_csp_policy_t *
ngx_http_privacy_csp_make(ngx_conf_t *cf, ngx_http_privacy_loc_conf_t *conf,
    ngx_str_t *uri)
{
    u_char                          *p;
    size_t                           len;
    ngx_str_t                       *s;
    ngx_uint_t                       i, c, n, ncategories;
    ngx_http_privacy_csp_policy_t   *policy;
    ngx_http_privacy_script_host_t  *h;

    policy = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_csp_policy_t));
    if (policy == NULL) {
        return NULL;
    }

    policy->allow = conf->csp_allow;
    policy->scripts = conf->scripts;
    policy->categories = conf->categories;
    policy->report_uri = uri->data;

    /* 'self': the site's own resources are no third party's */

    len = sizeof(" 'self'") - 1;
    s = conf->csp_allow ? conf->csp_allow->elts : NULL;
    n = conf->csp_allow ? conf->csp_allow->nelts : 0;

    for (i = 0; i < n; i++) {
        len += 1 + s[i].len;
    }

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NULL;
    }

    policy->base.data = p;
    p = ngx_cpymem(p, " 'self'", sizeof(" 'self'") - 1);

    for (i = 0; i < n; i++) {
        *p++ = ' ';
        p = ngx_cpymem(p, s[i].data, s[i].len);
    }

    policy->base.len = p - policy->base.data;

    /* the hosts of each category; a ~REGEX pattern has no CSP form */

    ncategories = conf->categories ? conf->categories->categories.nelts : 0;

    for (c = 0; c < ncategories; c++) {

        n = ngx_http_privacy_script_hosts(conf, c, &h);

        if (n == 0) {
            continue;
        }

        len = 0;

        for (i = 0; i < n; i++) {
            len += 1 + 3 * h[i].source.len;
        }

        p = ngx_pnalloc(cf->pool, len);
        if (p == NULL) {
            return NULL;
        }

        policy->hosts[c].data = p;

        for (i = 0; i < n; i++) {
            *p++ = ' ';

            if (h[i].type == PRIVACY_SCRIPT_PREFIX) {
                /* a path may hold what would end the directive */
                p += privacy_csp_escape(p, h[i].source.data,
                                        h[i].source.len);

            } else {
                p = ngx_cpymem(p, h[i].source.data, h[i].source.len);
            }
        }

        policy->hosts[c].len = p - policy->hosts[c].data;
        policy->with_hosts |= (uint32_t) 1 << c;
    }

    if (uri->len == 0) {
        return policy;
    }

    /*
     * report-uri for the browsers that know only it, report-to and its
     * Reporting-Endpoints header for the others (they then ignore
     * report-uri)
     */

    if (ngx_http_privacy_csp_quote(cf, &policy->report, "; report-uri ",
                                   uri, "; report-to privacy-csp")
        != NGX_OK
        || ngx_http_privacy_csp_quote(cf, &policy->endpoints,
                                      "privacy-csp=\"", uri, "\"")
           != NGX_OK)
    {
        return NULL;
    }

    return policy;
}


/* before, the URI with what would end a directive %-encoded, after */

static ngx_int_t
ngx_http_privacy_csp_quote(ngx_conf_t *cf, ngx_str_t *out, char *before,
    ngx_str_t *uri, char *after)
{
    u_char  *p;
    size_t   len;

    len = ngx_strlen(before) + 3 * uri->len + ngx_strlen(after);

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;
    p = ngx_cpymem(p, before, ngx_strlen(before));
    p += privacy_csp_escape(p, uri->data, uri->len);
    p = ngx_cpymem(p, after, ngx_strlen(after));
    out->len = p - out->data;

    return NGX_OK;
}


/*
 * Header filter part: the policy of this visitor, on an HTML response.
 * Under privacy_mode report the policy only reports, like the rest.
 */

ngx_int_t
ngx_http_privacy_csp_header(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_http_privacy_ctx_t *ctx)
{
    u_char                         *p;
    size_t                          len, sources;
    uint32_t                        granted;
    ngx_str_t                       value, *name;
    ngx_uint_t                      c, d;
    ngx_http_privacy_csp_policy_t  *policy;

    policy = plcf->csp_policy;

    if (policy == NULL) {
        return NGX_OK;
    }

    /* a 304 updates the headers the browser stored, the policy too */
    if (!ngx_http_privacy_banner_type_any_status(r, plcf)) {
        return NGX_OK;
    }

    granted = ctx->granted & policy->with_hosts;

    sources = policy->base.len;

    for (c = 0; c < PRIVACY_MAX_CATEGORIES && (granted >> c); c++) {
        if (granted & ((uint32_t) 1 << c)) {
            sources += policy->hosts[c].len;
        }
    }

    len = policy->report.len;

    for (d = 0; d < NGX_HTTP_PRIVACY_CSP_NDIRECTIVES; d++) {
        len += ngx_http_privacy_csp_directives[d].len + sources + 2;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    value.data = p;

    for (d = 0; d < NGX_HTTP_PRIVACY_CSP_NDIRECTIVES; d++) {
        if (d) {
            *p++ = ';';
            *p++ = ' ';
        }

        p = ngx_cpymem(p, ngx_http_privacy_csp_directives[d].data,
                       ngx_http_privacy_csp_directives[d].len);
        p = ngx_cpymem(p, policy->base.data, policy->base.len);

        for (c = 0; c < PRIVACY_MAX_CATEGORIES && (granted >> c); c++) {
            /* a category with no hosts has no data to copy */
            if ((granted & ((uint32_t) 1 << c)) && policy->hosts[c].len) {
                p = ngx_cpymem(p, policy->hosts[c].data,
                               policy->hosts[c].len);
            }
        }
    }

    if (policy->report.len) {
        p = ngx_cpymem(p, policy->report.data, policy->report.len);
    }

    value.len = p - value.data;

    if (plcf->csp == NGX_HTTP_PRIVACY_CSP_ENFORCE
        && plcf->mode == NGX_HTTP_PRIVACY_MODE_ENFORCE)
    {
        name = &ngx_http_privacy_csp_name;

    } else {
        name = &ngx_http_privacy_csp_report_only;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy csp: \"%V: %V\"", name, &value);

    if (ngx_http_privacy_add_header(r, name, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    if (policy->endpoints.len
        && ngx_http_privacy_add_header(r, &ngx_http_privacy_csp_endpoints,
                                       &policy->endpoints)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the policy differs with the consent cookie when a category the
     * visitor may refuse has hosts */
    if (plcf->categories
        && (policy->with_hosts & plcf->categories->optional))
    {
        return ngx_http_privacy_csp_vary(r);
    }

    return NGX_OK;
}


/* Vary: Cookie, unless a Vary header names it already (the banner's) */

static ngx_int_t
ngx_http_privacy_csp_vary(ngx_http_request_t *r)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0
            || h[i].key.len != sizeof("Vary") - 1
            || ngx_strncasecmp(h[i].key.data, (u_char *) "Vary",
                               sizeof("Vary") - 1)
               != 0)
        {
            continue;
        }

        if (h[i].value.len == 1 && h[i].value.data[0] == '*') {
            return NGX_OK;
        }

        if (ngx_strlcasestrn(h[i].value.data,
                             h[i].value.data + h[i].value.len,
                             (u_char *) "cookie", sizeof("cookie") - 2)
            != NULL)
        {
            return NGX_OK;
        }
    }

    return ngx_http_privacy_add_header(r, &ngx_http_privacy_csp_vary_name,
                                       &ngx_http_privacy_csp_cookie);
}
