
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
#include "privacy_words.h"


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

    ngx_str_t                       *value;
    ngx_uint_t                       i;
    ngx_http_privacy_banner_file_t  *bf;

    value = cf->args->elts;

    if (privacy_words_language(value[1].data, value[1].len) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid language \"%V\" in \"%V\", use a "
                           "language tag's primary subtag such as \"de\"",
                           &value[1], &cmd->name);
        return NGX_CONF_ERROR;
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


/* a placeholder of the core's template functions */
#define ngx_http_privacy_fill(f, n, s)                                       \
    do {                                                                     \
        (f)->name.data = (const unsigned char *) n;                          \
        (f)->name.len = sizeof(n) - 1;                                       \
        ngx_http_privacy_text(&(f)->fill, s);                                \
    } while (0)

/* the template is cut at {{return_path}}: its fill has no data */
static ngx_str_t  ngx_http_privacy_cut = ngx_null_string;


/* the builtin banner of a language: the core's, in its words */

static ngx_int_t
ngx_http_privacy_builtin_template(ngx_conf_t *cf,
    ngx_http_privacy_strings_t *s, ngx_str_t *out)
{
    size_t                    len;
    privacy_template_fill_t   f[10];

    static u_char  builtin[] = PRIVACY_TEMPLATE_BUILTIN;

    ngx_http_privacy_fill(&f[0], "{{lang}}", &s->lang);
    ngx_http_privacy_fill(&f[1], "{{title}}", &s->title);
    ngx_http_privacy_fill(&f[2], "{{text}}", &s->text);
    ngx_http_privacy_fill(&f[3], "{{policy}}", &s->policy);
    ngx_http_privacy_fill(&f[4], "{{settings}}", &s->settings);
    ngx_http_privacy_fill(&f[5], "{{legend}}", &s->legend);
    ngx_http_privacy_fill(&f[6], "{{accept}}", &s->accept);
    ngx_http_privacy_fill(&f[7], "{{reject}}", &s->reject);
    ngx_http_privacy_fill(&f[8], "{{save}}", &s->save);
    ngx_http_privacy_fill(&f[9], "{{saved}}", &s->saved);

    len = privacy_template_fill(NULL, builtin, sizeof(builtin) - 1, f, 10,
                                NULL, NULL);

    out->data = ngx_pnalloc(cf->pool, len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    out->len = privacy_template_fill(out->data, builtin, sizeof(builtin) - 1,
                                     f, 10, NULL, NULL);

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
    u_char                   *buf;
    size_t                    len, *cuts, ncuts, start;
    ngx_str_t                *part, inputs, policy_url, consent_url,
                              css_url, js_url, details, essential, none;
    ngx_uint_t                i;
    privacy_template_fill_t   f[9];

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

    ngx_http_privacy_fill(&f[0], "{{policy_url}}", &policy_url);
    ngx_http_privacy_fill(&f[1], "{{consent_url}}", &consent_url);
    ngx_http_privacy_fill(&f[2], "{{category_inputs}}", &inputs);
    ngx_http_privacy_fill(&f[3], "{{return_path}}", &ngx_http_privacy_cut);
    ngx_http_privacy_fill(&f[4], "{{banner_css_url}}", &css_url);
    ngx_http_privacy_fill(&f[5], "{{banner_js_url}}", &js_url);
    ngx_http_privacy_fill(&f[6], "{{category_details}}", &details);
    ngx_http_privacy_fill(&f[7], "{{category_essential}}", &essential);

    ngx_str_null(&none);
    ngx_http_privacy_fill(&f[8], "{{gpc_note}}", gpc_note ? gpc_note : &none);

    len = privacy_template_fill(NULL, template->data, template->len, f, 9,
                                NULL, &ncuts);

    buf = ngx_pnalloc(cf->pool, len + 1);
    cuts = ngx_palloc(cf->pool, (ncuts + 1) * sizeof(size_t));
    *parts = ngx_array_create(cf->pool, ncuts + 1, sizeof(ngx_str_t));

    if (buf == NULL || cuts == NULL || *parts == NULL) {
        return NGX_ERROR;
    }

    (void) privacy_template_fill(buf, template->data, template->len, f, 9,
                                 cuts, &ncuts);

    cuts[ncuts] = len;
    start = 0;

    for (i = 0; i <= ncuts; i++) {
        part = ngx_array_push(*parts);
        if (part == NULL) {
            return NGX_ERROR;
        }

        part->data = buf + start;
        part->len = cuts[i] - start;
        start = cuts[i];
    }

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

