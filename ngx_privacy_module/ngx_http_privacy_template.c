
/*
 * What the banner says: the builtin banner in English, German and French,
 * FILE banners, the language picked by Accept-Language, and the template
 * placeholders.  Everything known at configuration time is filled in then;
 * a banner is kept as parts cut at {{return_path}}, which is the only
 * thing filled per request.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_assets.h"
#include "ngx_http_privacy_template.h"
#include "ngx_http_privacy_words.h"
#include "privacy_form.h"


typedef struct {
    ngx_str_t                       lang;
    ngx_str_t                       file;
    ngx_str_t                       text;
} ngx_http_privacy_banner_file_t;


static ngx_int_t ngx_http_privacy_banner_add(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_str_t *template, ngx_http_privacy_strings_t *strings);
static ngx_int_t ngx_http_privacy_builtin_template(ngx_conf_t *cf,
    ngx_http_privacy_strings_t *s, ngx_str_t *out);
static ngx_int_t ngx_http_privacy_banner_gpc_note(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *strings, ngx_str_t *out);
static ngx_int_t ngx_http_privacy_banner_compile(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *strings, ngx_str_t *template,
    ngx_str_t *gpc_note, ngx_array_t **parts);
static ngx_int_t ngx_http_privacy_category_fill(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *strings, ngx_uint_t flags, ngx_str_t *out);
static ngx_int_t ngx_http_privacy_banner_category_inputs(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *out);
static u_char *ngx_http_privacy_conf_escape(ngx_conf_t *cf, ngx_str_t *src,
    ngx_str_t *dst);


/* privacy_banner builtin | off | FILE */

char *
ngx_http_privacy_banner(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t  *value;

    if (plcf->banner != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "builtin") == 0) {
        plcf->banner = NGX_HTTP_PRIVACY_BANNER_BUILTIN;
        return NGX_CONF_OK;
    }

    if (ngx_strcmp(value[1].data, "off") == 0) {
        plcf->banner = NGX_HTTP_PRIVACY_BANNER_OFF;
        return NGX_CONF_OK;
    }

    if (ngx_http_privacy_conf_read_file(cf, &cmd->name, &value[1], 65536,
                                        &plcf->banner_text, NULL)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    plcf->banner = NGX_HTTP_PRIVACY_BANNER_FILE;

    return NGX_CONF_OK;
}


/* privacy_banner_language LANG FILE: adds a language or replaces one */

char *
ngx_http_privacy_banner_language(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    u_char                          *p;
    ngx_str_t                       *value;
    ngx_uint_t                       i;
    ngx_http_privacy_banner_file_t  *bf;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > 8) {
        goto invalid;
    }

    for (p = value[1].data; p < value[1].data + value[1].len; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
            goto invalid;
        }

        *p = ngx_tolower(*p);
    }

    if (plcf->banner_languages == NULL) {
        plcf->banner_languages = ngx_array_create(cf->pool, 2,
                                       sizeof(ngx_http_privacy_banner_file_t));
        if (plcf->banner_languages == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    bf = plcf->banner_languages->elts;

    for (i = 0; i < plcf->banner_languages->nelts; i++) {
        if (bf[i].lang.len == value[1].len
            && ngx_strncmp(bf[i].lang.data, value[1].data, value[1].len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate language \"%V\" in \"%V\"",
                               &value[1], &cmd->name);
            return NGX_CONF_ERROR;
        }
    }

    bf = ngx_array_push(plcf->banner_languages);
    if (bf == NULL) {
        return NGX_CONF_ERROR;
    }

    bf->lang = value[1];
    bf->file = value[2];

    if (ngx_http_privacy_conf_read_file(cf, &cmd->name, &value[2], 65536,
                                        &bf->text, NULL)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid language \"%V\" in \"%V\", use a language "
                       "tag's primary subtag such as \"de\"", &value[1],
                       &cmd->name);

    return NGX_CONF_ERROR;
}


char *
ngx_http_privacy_banner_merge(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *prev, ngx_http_privacy_loc_conf_t *conf)
{
    ngx_str_t                        template, *en;
    ngx_uint_t                       i, n;
    ngx_http_privacy_strings_t      *strings;
    ngx_http_privacy_banner_file_t  *bf;
    ngx_http_privacy_banner_lang_t  *bl;

    if (conf->banner == NGX_CONF_UNSET_UINT) {
        conf->banner = prev->banner;
        conf->banner_text = prev->banner_text;
    }

    if (conf->banner_languages == NULL) {
        conf->banner_languages = prev->banner_languages;
    }

    if (conf->category_texts == NULL) {
        conf->category_texts = prev->category_texts;
    }

    if (ngx_http_privacy_category_texts_check(cf, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_uint_value(conf->banner, prev->banner,
                              NGX_HTTP_PRIVACY_BANNER_BUILTIN);
    ngx_conf_merge_uint_value(conf->banner_position, prev->banner_position,
                              PRIVACY_BANNER_BODY_START);

    if (ngx_http_merge_types(cf, &conf->banner_types_keys,
                             &conf->banner_types,
                             &prev->banner_types_keys, &prev->banner_types,
                             ngx_http_html_default_types)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    /* the parent's banners serve when nothing they are made of changed */
    if (prev->banners
        && prev->banner == conf->banner
        && prev->banner_text.data == conf->banner_text.data
        && prev->banner_languages == conf->banner_languages
        && prev->categories == conf->categories
        && prev->category_texts == conf->category_texts
        && prev->gpc == conf->gpc
        && prev->policy_url.data == conf->policy_url.data
        && prev->consent_url.data == conf->consent_url.data)
    {
        conf->banners = prev->banners;
        conf->banner_default = prev->banner_default;
        return NGX_CONF_OK;
    }

    conf->banners = ngx_array_create(cf->pool, 4,
                                     sizeof(ngx_http_privacy_banner_lang_t));
    if (conf->banners == NULL) {
        return NGX_CONF_ERROR;
    }

    /*
     * the languages given by privacy_banner_language come first, so they
     * replace builtin ones, and the settings page speaks a builtin
     * language in its own words; the default (English, or the FILE
     * banner) is kept in conf->banner_default
     */

    bf = conf->banner_languages ? conf->banner_languages->elts : NULL;
    n = conf->banner_languages ? conf->banner_languages->nelts : 0;

    for (i = 0; i < n; i++) {
        strings = ngx_http_privacy_builtin_strings_of(&bf[i].lang);

        if (ngx_http_privacy_banner_add(cf, conf, &bf[i].lang, &bf[i].text,
                                        strings)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->banner == NGX_HTTP_PRIVACY_BANNER_FILE) {
        conf->banner_default = conf->banners->nelts;

        if (ngx_http_privacy_banner_add(cf, conf, NULL, &conf->banner_text,
                                        ngx_http_privacy_builtin_words(0))
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        return NGX_CONF_OK;
    }

    for (i = 0; (strings = ngx_http_privacy_builtin_words(i)); i++) {

        if (ngx_http_privacy_builtin_template(cf, strings, &template)
            != NGX_OK
            || ngx_http_privacy_banner_add(cf, conf, &strings->lang,
                                           &template, strings)
               != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    /* English, builtin or given by "privacy_banner_language en" */

    en = &ngx_http_privacy_builtin_words(0)->lang;
    bl = conf->banners->elts;

    for (i = 0; i < conf->banners->nelts; i++) {
        if (bl[i].lang.len == en->len
            && ngx_strncmp(bl[i].lang.data, en->data, en->len) == 0)
        {
            conf->banner_default = i;
            break;
        }
    }

    return NGX_CONF_OK;
}


/* a compiled banner; a language already there is kept (given first) */

static ngx_int_t
ngx_http_privacy_banner_add(ngx_conf_t *cf, ngx_http_privacy_loc_conf_t *plcf,
    ngx_str_t *lang, ngx_str_t *template, ngx_http_privacy_strings_t *strings)
{
    ngx_str_t                        note;
    ngx_uint_t                       i;
    ngx_http_privacy_banner_lang_t  *bl, *gpc;

    bl = plcf->banners->elts;

    for (i = 0; lang && i < plcf->banners->nelts; i++) {
        if (bl[i].lang.len == lang->len
            && ngx_strncmp(bl[i].lang.data, lang->data, lang->len) == 0)
        {
            return NGX_OK;
        }
    }

    bl = ngx_array_push(plcf->banners);
    if (bl == NULL) {
        return NGX_ERROR;
    }

    if (lang) {
        bl->lang = *lang;
    } else {
        ngx_str_null(&bl->lang);
    }

    bl->strings = strings;
    bl->gpc = NULL;

    if (ngx_http_privacy_banner_compile(cf, plcf, lang, strings, template,
                                        NULL, &bl->parts)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (plcf->gpc == 0) {
        return NGX_OK;
    }

    /*
     * The same banner saying that the visitor's Global Privacy Control
     * signal refuses the categories of privacy_gpc: compiled once more
     * here, picked per request (ngx_http_privacy_banner_pick()), so that
     * a request pays nothing for it
     */

    gpc = ngx_palloc(cf->pool, sizeof(ngx_http_privacy_banner_lang_t));
    if (gpc == NULL) {
        return NGX_ERROR;
    }

    *gpc = *bl;

    if (ngx_http_privacy_banner_gpc_note(cf, plcf, lang, strings, &note)
        != NGX_OK
        || ngx_http_privacy_banner_compile(cf, plcf, lang, strings, template,
                                           &note, &gpc->parts)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    bl->gpc = gpc;

    return NGX_OK;
}


/* what {{gpc_note}} says to a visitor whose browser sends Sec-GPC: 1 */

static ngx_int_t
ngx_http_privacy_banner_gpc_note(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *s, ngx_str_t *out)
{
    u_char  *p;
    size_t   len;

    static u_char  open[] = "<p class=\"privacy-banner__gpc-sent\">";
    static u_char  close[] = "</p>";

    len = ngx_http_privacy_category_labels(NULL, plcf, lang, plcf->gpc);

    p = ngx_pnalloc(cf->pool, sizeof(open) + s->gpc_sent.len + 1 + len
                              + sizeof(close));
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;

    p = ngx_cpymem(p, open, sizeof(open) - 1);
    p = ngx_cpymem(p, s->gpc_sent.data, s->gpc_sent.len);
    *p++ = ' ';
    p += ngx_http_privacy_category_labels(p, plcf, lang, plcf->gpc);
    p = ngx_cpymem(p, close, sizeof(close) - 1);

    out->len = p - out->data;

    return NGX_OK;
}


/*
 * The builtin banner of a language.  Accept all and Reject all look and
 * sit alike; the choices start unticked; it works without script and
 * holds nothing a strict Content-Security-Policy blocks: its stylesheet
 * and optional script are external files served by the consent endpoint.
 */

static ngx_int_t
ngx_http_privacy_builtin_template(ngx_conf_t *cf,
    ngx_http_privacy_strings_t *s, ngx_str_t *out)
{
    u_char  *p;
    size_t   len;

    static u_char  fmt[] =
        "<div id=\"privacy-banner\" class=\"privacy-banner\" lang=\"%V\" "
        "role=\"dialog\" aria-modal=\"false\" "
        "aria-labelledby=\"privacy-banner-title\" "
        "aria-describedby=\"privacy-banner-text\">"
        "<link rel=\"stylesheet\" href=\"{{banner_css_url}}\">"
        "<script src=\"{{banner_js_url}}\" defer></script>"
        "<form class=\"privacy-banner__form\" method=\"post\" "
        "action=\"{{consent_url}}\">"
        "<h2 id=\"privacy-banner-title\" class=\"privacy-banner__title\">"
        "%V</h2>"
        "<p id=\"privacy-banner-text\" class=\"privacy-banner__text\">%V "
        "<a href=\"{{policy_url}}\">%V</a> &middot; "
        "<a href=\"{{consent_url}}\">%V</a></p>{{gpc_note}}"
        "<div class=\"privacy-banner__essential\">{{category_essential}}"
        "</div>"
        "<fieldset class=\"privacy-banner__choices\">"
        "<legend>%V</legend>{{category_details}}</fieldset>"
        "<input type=\"hidden\" name=\"return\" value=\"{{return_path}}\">"
        "<div class=\"privacy-banner__actions\">"
        "<button type=\"submit\" name=\"action\" value=\"accept_all\" "
        "class=\"privacy-banner__button\">%V</button>"
        "<button type=\"submit\" name=\"action\" value=\"reject_all\" "
        "class=\"privacy-banner__button\">%V</button>"
        "<button type=\"submit\" name=\"action\" value=\"save\" "
        "class=\"privacy-banner__button privacy-banner__button--save\">"
        "%V</button>"
        "</div></form>"
        "<p class=\"privacy-banner__saved\" hidden>%V "
        "<a href=\"{{consent_url}}\">%V</a></p></div>";

    len = sizeof(fmt) + s->lang.len + s->title.len + s->text.len
          + s->policy.len + s->settings.len + s->legend.len + s->accept.len
          + s->reject.len + s->save.len + s->saved.len + s->settings.len;

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;
    out->len = ngx_snprintf(p, len, (char *) fmt, &s->lang, &s->title,
                            &s->text, &s->policy, &s->settings, &s->legend,
                            &s->accept, &s->reject, &s->save, &s->saved,
                            &s->settings)
               - p;

    return NGX_OK;
}


/*
 * Replaces the placeholders known at configuration time, HTML-escaped,
 * and cuts the template at each {{return_path}}.
 */

static ngx_int_t
ngx_http_privacy_banner_compile(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *strings, ngx_str_t *template,
    ngx_str_t *gpc_note, ngx_array_t **parts)
{
    u_char       *p, *last, *start, *buf;
    size_t        len;
    ngx_str_t    *part, inputs, policy_url, consent_url, css_url, js_url,
                 details, essential, none, *fill[9];
    ngx_uint_t    i, n;

    /* {{return_path}} (3) cuts the template: it has no fill */
    static ngx_str_t  names[] = {
        ngx_string("{{policy_url}}"),
        ngx_string("{{consent_url}}"),
        ngx_string("{{category_inputs}}"),
        ngx_string("{{return_path}}"),
        ngx_string("{{banner_css_url}}"),
        ngx_string("{{banner_js_url}}"),
        ngx_string("{{category_details}}"),
        ngx_string("{{category_essential}}"),
        ngx_string("{{gpc_note}}")
    };

    fill[0] = &policy_url;
    fill[1] = &consent_url;
    fill[2] = &inputs;
    fill[3] = NULL;
    fill[4] = &css_url;
    fill[5] = &js_url;
    fill[6] = &details;
    fill[7] = &essential;
    fill[8] = gpc_note ? gpc_note : &none;

    ngx_str_null(&none);

    if (ngx_http_privacy_banner_category_inputs(cf, plcf, &inputs)
        != NGX_OK
        || ngx_http_privacy_category_fill(cf, plcf, lang, strings,
                                          NGX_HTTP_PRIVACY_TABLE_INPUTS,
                                          &details)
           != NGX_OK
        || ngx_http_privacy_category_fill(cf, plcf, lang, strings,
                                          NGX_HTTP_PRIVACY_TABLE_ESSENTIAL,
                                          &essential)
           != NGX_OK
        || ngx_http_privacy_conf_escape(cf, &plcf->policy_url, &policy_url)
           == NULL
        || ngx_http_privacy_conf_escape(cf, &plcf->consent_url,
                                        &consent_url)
           == NULL
        || ngx_http_privacy_asset_url(cf->pool, &consent_url,
                                      NGX_HTTP_PRIVACY_ASSET_CSS, &css_url)
           != NGX_OK
        || ngx_http_privacy_asset_url(cf->pool, &consent_url,
                                      NGX_HTTP_PRIVACY_ASSET_JS, &js_url)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the placeholders, each filled with at most the longest fill */
    len = 0;

    for (i = 0; i < 9; i++) {
        if (fill[i] && fill[i]->len > len) {
            len = fill[i]->len;
        }
    }

    n = 0;
    p = template->data;
    last = template->data + template->len;

    while (p < last) {
        p = ngx_strlchr(p, last, '{');
        if (p == NULL) {
            break;
        }

        for (i = 0; i < 9; i++) {
            if ((size_t) (last - p) >= names[i].len
                && ngx_strncmp(p, names[i].data, names[i].len) == 0)
            {
                break;
            }
        }

        if (i < 9) {
            n++;
            p += names[i].len;

        } else {
            p++;
        }
    }

    len = template->len + n * len + 1;

    buf = ngx_pnalloc(cf->pool, len);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    *parts = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
    if (*parts == NULL) {
        return NGX_ERROR;
    }

    p = template->data;
    last = template->data + template->len;
    start = buf;

    while (p < last) {

        for (i = 0; i < 9; i++) {
            if ((size_t) (last - p) >= names[i].len
                && ngx_strncmp(p, names[i].data, names[i].len) == 0)
            {
                break;
            }
        }

        if (i == 9) {
            *buf++ = *p++;
            continue;
        }

        p += names[i].len;

        if (i == 3) {
            part = ngx_array_push(*parts);
            if (part == NULL) {
                return NGX_ERROR;
            }

            part->data = start;
            part->len = buf - start;
            start = buf;
            continue;
        }

        if (fill[i]->len) {
            buf = ngx_cpymem(buf, fill[i]->data, fill[i]->len);
        }
    }

    part = ngx_array_push(*parts);
    if (part == NULL) {
        return NGX_ERROR;
    }

    part->data = start;
    part->len = buf - start;

    return NGX_OK;
}


/* one unticked checkbox per category the visitor may choose */

static ngx_int_t
ngx_http_privacy_banner_category_inputs(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *out)
{
    u_char                       *p;
    size_t                        len;
    ngx_uint_t                    i;
    ngx_http_privacy_category_t  *cat;

    static u_char  open[] = "<label class=\"privacy-banner__choice\">"
                            "<input type=\"checkbox\" name=\"category\" "
                            "value=\"";
    static u_char  middle[] = "\"> ";
    static u_char  close[] = "</label>";

    ngx_str_null(out);

    if (plcf->categories == NULL) {
        return NGX_OK;
    }

    cat = plcf->categories->categories.elts;
    len = 0;

    for (i = 0; i < plcf->categories->categories.nelts; i++) {
        if (!cat[i].essential) {
            /* names are letters, digits, "_" and "-": nothing to escape */
            len += sizeof(open) - 1 + sizeof(middle) - 1 + sizeof(close) - 1
                   + 2 * cat[i].name.len;
        }
    }

    p = ngx_pnalloc(cf->pool, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;

    for (i = 0; i < plcf->categories->categories.nelts; i++) {
        if (!cat[i].essential) {
            p = ngx_cpymem(p, open, sizeof(open) - 1);
            p = ngx_cpymem(p, cat[i].name.data, cat[i].name.len);
            p = ngx_cpymem(p, middle, sizeof(middle) - 1);
            p = ngx_cpymem(p, cat[i].name.data, cat[i].name.len);
            p = ngx_cpymem(p, close, sizeof(close) - 1);
        }
    }

    out->len = p - out->data;

    return NGX_OK;
}


/* the category table of a banner, made once per language */

static ngx_int_t
ngx_http_privacy_category_fill(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *strings, ngx_uint_t flags, ngx_str_t *out)
{
    out->len = ngx_http_privacy_category_table(NULL, plcf, lang, strings, 0,
                                               flags);

    out->data = ngx_pnalloc(cf->pool, out->len + 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    (void) ngx_http_privacy_category_table(out->data, plcf, lang, strings, 0,
                                           flags);

    return NGX_OK;
}


static u_char *
ngx_http_privacy_conf_escape(ngx_conf_t *cf, ngx_str_t *src, ngx_str_t *dst)
{
    dst->len = privacy_html_escape(NULL, src->data, src->len);

    dst->data = ngx_pnalloc(cf->pool, dst->len + 1);
    if (dst->data == NULL) {
        return NULL;
    }

    (void) privacy_html_escape(dst->data, src->data, src->len);

    return dst->data;
}

