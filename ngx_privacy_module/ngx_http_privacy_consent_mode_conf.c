
/*
 * ngx_http_privacy_module: privacy_consent_mode, the directive and its
 * merge: Google's consent types mapped to the location's categories, and
 * the fixed start of the tag (ngx_http_privacy_consent_mode.c adds the
 * visitor's states).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_assets.h"
#include "ngx_http_privacy_consent_mode.h"


/* Google's consent types (developers.google.com/tag-platform/security) */
static ngx_str_t  ngx_http_privacy_consent_types[] = {
    ngx_string("ad_storage"),
    ngx_string("analytics_storage"),
    ngx_string("ad_user_data"),
    ngx_string("ad_personalization"),
    ngx_string("functionality_storage"),
    ngx_string("personalization_storage"),
    ngx_string("security_storage")
};

#define NGX_HTTP_PRIVACY_CONSENT_TYPES                                        \
    (sizeof(ngx_http_privacy_consent_types) / sizeof(ngx_str_t))


/* privacy_consent_mode off | TYPE=CATEGORY ...: categories at merge */

char *
ngx_http_privacy_consent_mode(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char                           *eq;
    ngx_str_t                        *value;
    ngx_uint_t                        i, k;
    ngx_http_privacy_consent_type_t  *t, *types;

    if (plcf->consent_mode != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2
        && value[1].len == 3 && ngx_strncmp(value[1].data, "off", 3) == 0)
    {
        plcf->consent_mode = NULL;
        return NGX_CONF_OK;
    }

    plcf->consent_mode = ngx_array_create(cf->pool, cf->args->nelts - 1,
                             sizeof(ngx_http_privacy_consent_type_t));
    if (plcf->consent_mode == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < cf->args->nelts; i++) {

        eq = ngx_strlchr(value[i].data, value[i].data + value[i].len, '=');

        if (eq == NULL || eq == value[i].data
            || eq == value[i].data + value[i].len - 1)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid \"%V\" in \"%V\": TYPE=CATEGORY "
                               "expected", &value[i], &cmd->name);
            return NGX_CONF_ERROR;
        }

        t = ngx_array_push(plcf->consent_mode);
        if (t == NULL) {
            return NGX_CONF_ERROR;
        }

        t->type.data = value[i].data;
        t->type.len = eq - value[i].data;
        t->category.data = eq + 1;
        t->category.len = value[i].data + value[i].len - (eq + 1);
        t->index = 0;

        for (k = 0; k < NGX_HTTP_PRIVACY_CONSENT_TYPES; k++) {
            if (ngx_http_privacy_consent_types[k].len == t->type.len
                && ngx_strncmp(ngx_http_privacy_consent_types[k].data,
                               t->type.data, t->type.len)
                   == 0)
            {
                break;
            }
        }

        if (k == NGX_HTTP_PRIVACY_CONSENT_TYPES) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown consent type \"%V\" in \"%V\": "
                               "ad_storage, analytics_storage, "
                               "ad_user_data, ad_personalization, "
                               "functionality_storage, "
                               "personalization_storage or "
                               "security_storage expected",
                               &t->type, &cmd->name);
            return NGX_CONF_ERROR;
        }

        types = plcf->consent_mode->elts;

        for (k = 0; k + 1 < plcf->consent_mode->nelts; k++) {
            if (types[k].type.len == t->type.len
                && ngx_strncmp(types[k].type.data, t->type.data,
                               t->type.len)
                   == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "consent type \"%V\" given twice in "
                                   "\"%V\"", &t->type, &cmd->name);
                return NGX_CONF_ERROR;
            }
        }
    }

    plcf->consent_mode_file = cf->conf_file->file.name.data;
    plcf->consent_mode_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/*
 * The categories, known here only, against the location's list; the
 * message names the directive's place.  The tag's fixed start, with the
 * script's URL below this location's privacy_consent_url.
 */

char *
ngx_http_privacy_consent_mode_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf)
{
    u_char                           *p;
    size_t                            len;
    ngx_str_t                         url, *path;
    ngx_uint_t                        i, k, n;
    ngx_array_t                      *types;
    ngx_http_privacy_category_t      *cat;
    ngx_http_privacy_consent_type_t  *t;

    static u_char  start[] = "<script src=\"";
    static u_char  attr[] = "\" data-privacy-consent=\"";

    if (conf->consent_mode == NGX_CONF_UNSET_PTR) {
        conf->consent_mode = prev->consent_mode;
        conf->consent_mode_file = prev->consent_mode_file;
        conf->consent_mode_line = prev->consent_mode_line;
    }

    if (conf->consent_mode == NGX_CONF_UNSET_PTR) {
        conf->consent_mode = NULL;
    }

    if (conf->consent_mode == NULL || conf->categories == NULL) {
        /* no categories here, nothing to say: the tag's start stays empty */
        return NGX_CONF_OK;
    }

    /* the indexes are this list's: a copy, the inherited one is shared */
    types = ngx_array_create(cf->pool, conf->consent_mode->nelts,
                             sizeof(ngx_http_privacy_consent_type_t));
    if (types == NULL) {
        return NGX_CONF_ERROR;
    }

    cat = conf->categories->categories.elts;
    n = conf->categories->categories.nelts;

    for (i = 0; i < conf->consent_mode->nelts; i++) {

        t = ngx_array_push(types);
        if (t == NULL) {
            return NGX_CONF_ERROR;
        }

        *t = ((ngx_http_privacy_consent_type_t *) conf->consent_mode->elts)[i];

        for (k = 0; k < n; k++) {
            if (cat[k].name.len == t->category.len
                && ngx_strncmp(cat[k].name.data, t->category.data,
                               t->category.len)
                   == 0)
            {
                break;
            }
        }

        if (k == n) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unknown category \"%V\" in "
                          "\"privacy_consent_mode\" in %s:%ui",
                          &t->category, conf->consent_mode_file,
                          conf->consent_mode_line);
            return NGX_CONF_ERROR;
        }

        t->index = k;
    }

    conf->consent_mode = types;

    /* the URL is the consent endpoint's, HTML-escaped */
    len = privacy_html_escape(NULL, conf->consent_url.data,
                              conf->consent_url.len);

    url.data = ngx_pnalloc(cf->pool, len + 1);
    if (url.data == NULL) {
        return NGX_CONF_ERROR;
    }

    url.len = privacy_html_escape(url.data, conf->consent_url.data,
                                  conf->consent_url.len);

    path = ngx_http_privacy_asset_path(NGX_HTTP_PRIVACY_ASSET_CONSENT_MODE);

    len = sizeof(start) - 1 + url.len + path->len + sizeof(attr) - 1;

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    conf->consent_mode_tag.data = p;

    p = ngx_cpymem(p, start, sizeof(start) - 1);
    p = ngx_cpymem(p, url.data, url.len);
    p = ngx_cpymem(p, path->data, path->len);
    p = ngx_cpymem(p, attr, sizeof(attr) - 1);

    conf->consent_mode_tag.len = p - conf->consent_mode_tag.data;

    return NGX_CONF_OK;
}
