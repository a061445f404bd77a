
/*
 * Third-party scripts, frames and pixels: the privacy_script directive.
 * A directive's patterns are parsed (and its regular expressions compiled)
 * where it is read, so that nginx -t names its file and line; its category
 * is looked up when the location is merged, in the location's category
 * list, which may be declared after it or in a location inside.  The
 * rewriter itself is the core's (privacy_script.c).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_script.h"


/* one privacy_script directive, for the messages of merge time */
typedef struct {
    ngx_str_t                       category;
    u_char                         *file;
    ngx_uint_t                      line;
    ngx_uint_t                      first;        /* its patterns */
    ngx_uint_t                      n;
} ngx_http_privacy_script_dir_t;


static ngx_http_privacy_scripts_t *ngx_http_privacy_script_resolve(
    ngx_conf_t *cf, ngx_http_privacy_scripts_t *scripts,
    ngx_http_privacy_categories_t *cats);
static ngx_int_t ngx_http_privacy_script_hosts_join(ngx_conf_t *cf,
    ngx_http_privacy_scripts_t *scripts);
static ngx_int_t ngx_http_privacy_script_hosts_make(ngx_conf_t *cf,
    ngx_http_privacy_scripts_t *scripts);
static int ngx_http_privacy_script_regex(void *regex, const unsigned char *s,
    size_t len);


/*
 * privacy_script CATEGORY PATTERN ...
 *
 * ~REGEX is case-sensitive and ~*REGEX caseless, as in nginx's location
 * and privacy_category; the URL it is matched against has its scheme and
 * host as the page wrote them (see privacy_script_url()).
 */

char *
ngx_http_privacy_script(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t                     *value;
    ngx_uint_t                     i;
    ngx_regex_compile_t            rc;
    privacy_script_pattern_t      *p;
    ngx_http_privacy_scripts_t    *scripts;
    ngx_http_privacy_script_dir_t *dir;

    value = cf->args->elts;

    scripts = plcf->scripts;

    if (scripts == NULL) {
        scripts = ngx_pcalloc(cf->pool, sizeof(ngx_http_privacy_scripts_t));
        if (scripts == NULL) {
            return NGX_CONF_ERROR;
        }

        if (ngx_array_init(&scripts->directives, cf->pool, 4,
                           sizeof(ngx_http_privacy_script_dir_t))
            != NGX_OK
            || ngx_array_init(&scripts->patterns, cf->pool, 8,
                              sizeof(privacy_script_pattern_t))
               != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        plcf->scripts = scripts;
    }

    dir = ngx_array_push(&scripts->directives);
    if (dir == NULL) {
        return NGX_CONF_ERROR;
    }

    dir->category = value[1];
    dir->file = cf->conf_file->file.name.data;
    dir->line = cf->conf_file->line;
    dir->first = scripts->patterns.nelts;
    dir->n = cf->args->nelts - 2;

    for (i = 2; i < cf->args->nelts; i++) {

        if (value[i].len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "empty pattern in \"%V\"", &cmd->name);
            return NGX_CONF_ERROR;
        }

        p = ngx_array_push(&scripts->patterns);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        /* the category is known at merge time */
        if (privacy_script_pattern(p, value[i].data, value[i].len, -1) != 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid pattern \"%V\" in \"%V\": use a "
                               "host, .domain, a URL prefix (https://, "
                               "http:// or //) or ~regex", &value[i],
                               &cmd->name);
            return NGX_CONF_ERROR;
        }

        if (p->type != PRIVACY_SCRIPT_REGEX) {
            continue;
        }

        if (ngx_http_privacy_conf_regex(cf, cmd, &value[i], &rc) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        p->regex = rc.regex;
    }

    return NGX_CONF_OK;
}


/*
 * Inherited whole or replaced whole, then resolved against the location's
 * category list: once per list, the first location with that list
 * resolving it.
 */

char *
ngx_http_privacy_script_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf)
{
    ngx_http_privacy_scripts_t  *scripts;

    if (conf->scripts == NULL) {
        conf->scripts = prev->scripts;
    }

    if (conf->scripts == NULL) {
        return NGX_CONF_OK;
    }

    if (conf->categories == NULL && !conf->enable) {
        /* resolved where privacy is on, against the list there */
        return NGX_CONF_OK;
    }

    for (scripts = conf->scripts; scripts; scripts = scripts->next) {
        if (scripts->categories && scripts->categories == conf->categories)
        {
            conf->scripts = scripts;
            return NGX_CONF_OK;
        }
    }

    scripts = ngx_http_privacy_script_resolve(cf, conf->scripts,
                                              conf->categories);
    if (scripts == NULL) {
        return NGX_CONF_ERROR;
    }

    conf->scripts = scripts;

    return NGX_CONF_OK;
}


/*
 * The directives' categories looked up in CATS: in place the first time,
 * in a copy chained on FIRST the next times.
 */

static ngx_http_privacy_scripts_t *
ngx_http_privacy_script_resolve(ngx_conf_t *cf,
    ngx_http_privacy_scripts_t *first, ngx_http_privacy_categories_t *cats)
{
    ngx_uint_t                      i, k, c, n;
    privacy_script_name_t          *names;
    privacy_script_pattern_t       *p;
    ngx_http_privacy_category_t    *cat;
    ngx_http_privacy_scripts_t     *scripts;
    ngx_http_privacy_script_dir_t  *dir;

    scripts = first;

    if (first->categories) {
        /* a copy: the directives shared, the patterns of its own */
        scripts = ngx_palloc(cf->pool, sizeof(ngx_http_privacy_scripts_t));
        if (scripts == NULL) {
            return NULL;
        }

        *scripts = *first;

        p = ngx_palloc(cf->pool, first->patterns.nelts
                                 * sizeof(privacy_script_pattern_t));
        if (p == NULL) {
            return NULL;
        }

        ngx_memcpy(p, first->patterns.elts,
                   first->patterns.nelts * sizeof(privacy_script_pattern_t));

        scripts->patterns.elts = p;
        scripts->named = 0;

        scripts->next = first->next;
        first->next = scripts;
    }

    scripts->categories = cats;

    n = cats ? cats->categories.nelts : 0;
    cat = cats ? cats->categories.elts : NULL;

    dir = scripts->directives.elts;
    p = scripts->patterns.elts;

    for (i = 0; i < scripts->directives.nelts; i++) {

        for (c = 0; c < n; c++) {
            if (cat[c].name.len == dir[i].category.len
                && ngx_strncmp(cat[c].name.data, dir[i].category.data,
                               cat[c].name.len)
                   == 0)
            {
                break;
            }
        }

        if (c == n) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unknown category \"%V\" in \"privacy_script\" "
                          "in %s:%ui: declare it with \"privacy_category\"",
                          &dir[i].category, dir[i].file, dir[i].line);
            return NULL;
        }

        for (k = dir[i].first; k < dir[i].first + dir[i].n; k++) {
            p[k].category = (int) c;
        }

        scripts->named |= 1u << c;
    }

    names = ngx_palloc(cf->pool, (n + 1) * sizeof(privacy_script_name_t));
    if (names == NULL) {
        return NULL;
    }

    for (c = 0; c < n; c++) {
        names[c].data = cat[c].name.data;
        names[c].len = cat[c].name.len;
    }

    scripts->set.patterns = p;
    scripts->set.npatterns = scripts->patterns.nelts;
    scripts->set.match = ngx_http_privacy_script_regex;
    scripts->set.names = names;
    scripts->set.nnames = n;

    if (ngx_http_privacy_script_hosts_make(cf, scripts) != NGX_OK) {
        return NULL;
    }

    return scripts;
}


/* the CSP sources of the host patterns, by category */

static ngx_int_t
ngx_http_privacy_script_hosts_make(ngx_conf_t *cf,
    ngx_http_privacy_scripts_t *scripts)
{
    u_char                          *s;
    size_t                           len;
    ngx_uint_t                       i, c, n;
    privacy_script_pattern_t        *p;
    ngx_http_privacy_script_host_t  *h;

    p = scripts->patterns.elts;
    n = 0;

    for (i = 0; i < scripts->patterns.nelts; i++) {
        n += (p[i].type != PRIVACY_SCRIPT_REGEX);
    }

    ngx_memzero(scripts->first, sizeof(scripts->first));
    ngx_memzero(scripts->shown, sizeof(scripts->shown));
    scripts->hosts = NULL;

    if (n == 0) {
        return NGX_OK;
    }

    h = ngx_palloc(cf->pool, n * sizeof(ngx_http_privacy_script_host_t));
    if (h == NULL) {
        return NGX_ERROR;
    }

    scripts->hosts = h;
    n = 0;

    for (c = 0; c < PRIVACY_MAX_CATEGORIES; c++) {

        scripts->first[c] = n;

        for (i = 0; i < scripts->patterns.nelts; i++) {

            if (p[i].category != (int) c || p[i].type == PRIVACY_SCRIPT_REGEX)
            {
                continue;
            }

            /* "https://" host path, or host " *." host */
            len = sizeof("https://") - 1 + 2 * p[i].host_len + 3
                  + p[i].path_len;

            s = ngx_pnalloc(cf->pool, len);
            if (s == NULL) {
                return NGX_ERROR;
            }

            h[n].type = p[i].type;
            h[n].host.data = (u_char *) p[i].host;
            h[n].host.len = p[i].host_len;
            h[n].source.data = s;

            if (p[i].type == PRIVACY_SCRIPT_PREFIX) {
                if (p[i].scheme == 's') {
                    s = ngx_cpymem(s, "https://", 8);

                } else if (p[i].scheme == 'h') {
                    s = ngx_cpymem(s, "http://", 7);
                }
            }

            s = ngx_cpymem(s, p[i].host, p[i].host_len);

            if (p[i].type == PRIVACY_SCRIPT_DOMAIN) {
                s = ngx_cpymem(s, " *.", 3);
                s = ngx_cpymem(s, p[i].host, p[i].host_len);

            } else if (p[i].type == PRIVACY_SCRIPT_PREFIX) {
                s = ngx_cpymem(s, p[i].path, p[i].path_len);
            }

            h[n].source.len = s - h[n].source.data;
            n++;
        }
    }

    scripts->first[PRIVACY_MAX_CATEGORIES] = n;

    return ngx_http_privacy_script_hosts_join(cf, scripts);
}


/* each category's hosts, each once, for the banner's details */

static ngx_int_t
ngx_http_privacy_script_hosts_join(ngx_conf_t *cf,
    ngx_http_privacy_scripts_t *scripts)
{
    u_char                          *s;
    size_t                           len;
    ngx_uint_t                       c, i, k;
    ngx_str_t                       *shown;
    ngx_http_privacy_script_host_t  *h;

    h = scripts->hosts;

    for (c = 0; c < PRIVACY_MAX_CATEGORIES; c++) {
        shown = &scripts->shown[c];
        ngx_str_null(shown);

        len = 0;

        for (i = scripts->first[c]; i < scripts->first[c + 1]; i++) {
            len += h[i].host.len + 2;
        }

        if (len == 0) {
            continue;
        }

        s = ngx_pnalloc(cf->pool, len);
        if (s == NULL) {
            return NGX_ERROR;
        }

        shown->data = s;

        for (i = scripts->first[c]; i < scripts->first[c + 1]; i++) {

            for (k = scripts->first[c]; k < i; k++) {
                if (h[k].host.len == h[i].host.len
                    && ngx_memcmp(h[k].host.data, h[i].host.data,
                                  h[i].host.len)
                       == 0)
                {
                    break;
                }
            }

            if (k < i) {
                continue;
            }

            if (s != shown->data) {
                s = ngx_cpymem(s, ", ", 2);
            }

            s = ngx_cpymem(s, h[i].host.data, h[i].host.len);
        }

        shown->len = s - shown->data;
    }

    return NGX_OK;
}


ngx_str_t *
ngx_http_privacy_script_hosts_shown(ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t category)
{
    ngx_http_privacy_scripts_t  *scripts;

    scripts = plcf->scripts;

    if (scripts == NULL || category >= PRIVACY_MAX_CATEGORIES
        || scripts->shown[category].len == 0)
    {
        return NULL;
    }

    return &scripts->shown[category];
}


ngx_uint_t
ngx_http_privacy_script_hosts(ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t category, ngx_http_privacy_script_host_t **hosts)
{
    ngx_uint_t                   n;
    ngx_http_privacy_scripts_t  *scripts;

    scripts = plcf->scripts;
    *hosts = NULL;

    if (scripts == NULL || category >= PRIVACY_MAX_CATEGORIES) {
        return 0;
    }

    n = scripts->first[category + 1] - scripts->first[category];

    if (n) {
        *hosts = &scripts->hosts[scripts->first[category]];
    }

    return n;
}


/* the core's callback: 1 on a match, 0 on none, -1 on an error */

static int
ngx_http_privacy_script_regex(void *regex, const unsigned char *s, size_t len)
{
    ngx_int_t  n;
    ngx_str_t  url;

    url.data = (u_char *) s;
    url.len = len;

    n = ngx_regex_exec((ngx_regex_t *) regex, &url, NULL, 0);

    if (n == NGX_REGEX_NO_MATCHED) {
        return 0;
    }

    return n < 0 ? -1 : 1;
}
