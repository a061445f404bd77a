
/*
 * The words of the banner and the settings page: the builtin ones in
 * English, German and French, and each category's label and description
 * (privacy_category_text, or builtin).  The words and the choice among
 * them are the core's (privacy_words.c), which mod_privacy shares.
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_script.h"
#include "ngx_http_privacy_words.h"
#include "privacy_template.h"
#include "privacy_words.h"


static void ngx_http_privacy_builtin_init(void);
static void ngx_http_privacy_category_words(ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t i, ngx_str_t *lang, ngx_str_t *label, ngx_str_t *description);


/*
 * The builtin words are the core's (privacy_words.c), as ngx_str_t: made
 * once, when the configuration is first read, in the master process.
 */

static ngx_http_privacy_strings_t  ngx_http_privacy_builtin_strings[8];
static ngx_uint_t                  ngx_http_privacy_builtin_count;


#define ngx_http_privacy_word(s, w, f)                                       \
    (s)->f.data = (u_char *) (w)->f.data;                                    \
    (s)->f.len = (w)->f.len

static void
ngx_http_privacy_builtin_init(void)
{
    ngx_uint_t                   i;
    ngx_http_privacy_strings_t  *s;
    const privacy_words_t       *w;

    if (ngx_http_privacy_builtin_count) {
        return;
    }

    for (i = 0; (w = privacy_words_builtin(i)); i++) {

        if (i == sizeof(ngx_http_privacy_builtin_strings)
                 / sizeof(ngx_http_privacy_strings_t))
        {
            break;
        }

        s = &ngx_http_privacy_builtin_strings[i];

        ngx_http_privacy_word(s, w, lang);
        ngx_http_privacy_word(s, w, title);
        ngx_http_privacy_word(s, w, text);
        ngx_http_privacy_word(s, w, policy);
        ngx_http_privacy_word(s, w, settings);
        ngx_http_privacy_word(s, w, legend);
        ngx_http_privacy_word(s, w, accept);
        ngx_http_privacy_word(s, w, reject);
        ngx_http_privacy_word(s, w, save);
        ngx_http_privacy_word(s, w, withdraw);
        ngx_http_privacy_word(s, w, current);
        ngx_http_privacy_word(s, w, undecided);
        ngx_http_privacy_word(s, w, granted);
        ngx_http_privacy_word(s, w, refused);
        ngx_http_privacy_word(s, w, none);
        ngx_http_privacy_word(s, w, made_on);
        ngx_http_privacy_word(s, w, details);
        ngx_http_privacy_word(s, w, cookies);
        ngx_http_privacy_word(s, w, essential);
        ngx_http_privacy_word(s, w, gpc);
        ngx_http_privacy_word(s, w, gpc_sent);
        ngx_http_privacy_word(s, w, saved);
        ngx_http_privacy_word(s, w, back);
        ngx_http_privacy_word(s, w, hosts);
    }

    ngx_http_privacy_builtin_count = i;
}


/* the builtin words of a language, English when there are none */

ngx_http_privacy_strings_t *
ngx_http_privacy_builtin_words(ngx_uint_t i)
{
    ngx_http_privacy_builtin_init();

    if (i >= ngx_http_privacy_builtin_count) {
        return NULL;
    }

    return &ngx_http_privacy_builtin_strings[i];
}


ngx_http_privacy_strings_t *
ngx_http_privacy_builtin_strings_of(ngx_str_t *lang)
{
    ngx_uint_t                   i;
    ngx_http_privacy_strings_t  *s;

    ngx_http_privacy_builtin_init();

    for (i = 0; i < ngx_http_privacy_builtin_count; i++) {
        s = &ngx_http_privacy_builtin_strings[i];

        if (s->lang.len == lang->len
            && ngx_strncmp(s->lang.data, lang->data, lang->len) == 0)
        {
            return s;
        }
    }

    return &ngx_http_privacy_builtin_strings[0];
}


/*
 * privacy_category_text CATEGORY LANGUAGE LABEL DESCRIPTION; the category
 * is checked at merge, where the location's categories are known
 */

char *
ngx_http_privacy_category_text(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_privacy_loc_conf_t *plcf = conf;

    ngx_str_t                *value;
    ngx_uint_t                i;
    privacy_category_text_t  *t;

    value = cf->args->elts;

    if (privacy_words_language(value[2].data, value[2].len) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid language \"%V\" in \"%V\", use a "
                           "language tag's primary subtag such as \"de\"",
                           &value[2], &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (value[3].len == 0 || value[3].len > PRIVACY_WORDS_LABEL_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the label in \"%V\" must be 1 to %d bytes long",
                           &cmd->name, PRIVACY_WORDS_LABEL_MAX);
        return NGX_CONF_ERROR;
    }

    if (value[4].len > PRIVACY_WORDS_DESCRIPTION_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the description in \"%V\" must be at most %d "
                           "bytes long", &cmd->name,
                           PRIVACY_WORDS_DESCRIPTION_MAX);
        return NGX_CONF_ERROR;
    }

    if (plcf->category_texts == NULL) {
        plcf->category_texts = ngx_array_create(cf->pool, 4,
                                             sizeof(privacy_category_text_t));
        if (plcf->category_texts == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    t = plcf->category_texts->elts;

    for (i = 0; i < plcf->category_texts->nelts; i++) {
        if (t[i].category.len == value[1].len
            && ngx_strncmp(t[i].category.data, value[1].data, value[1].len)
               == 0
            && t[i].lang.len == value[2].len
            && ngx_strncmp(t[i].lang.data, value[2].data, value[2].len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate \"%V\" for \"%V\" in \"%V\"",
                               &value[2], &value[1], &cmd->name);
            return NGX_CONF_ERROR;
        }
    }

    t = ngx_array_push(plcf->category_texts);
    if (t == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_http_privacy_text(&t->category, &value[1]);
    ngx_http_privacy_text(&t->lang, &value[2]);
    ngx_http_privacy_text(&t->label, &value[3]);
    ngx_http_privacy_text(&t->description, &value[4]);
    t->file = (const char *) cf->conf_file->file.name.data;
    t->line = (unsigned) cf->conf_file->line;

    return NGX_CONF_OK;
}


/* every privacy_category_text names one of the location's categories */

ngx_int_t
ngx_http_privacy_category_texts_check(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *conf)
{
    ngx_uint_t                    i, k, n;
    privacy_category_text_t      *t;
    ngx_http_privacy_category_t  *cat;

    if (conf->category_texts == NULL || conf->categories == NULL) {
        return NGX_OK;
    }

    t = conf->category_texts->elts;
    cat = conf->categories->categories.elts;
    n = conf->categories->categories.nelts;

    for (i = 0; i < conf->category_texts->nelts; i++) {

        for (k = 0; k < n; k++) {
            if (cat[k].name.len == t[i].category.len
                && ngx_strncmp(cat[k].name.data, t[i].category.data,
                               t[i].category.len)
                   == 0)
            {
                break;
            }
        }

        if (k == n) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unknown category \"%*s\" in "
                          "\"privacy_category_text\" in %s:%ui",
                          t[i].category.len, t[i].category.data, t[i].file,
                          (ngx_uint_t) t[i].line);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * A category's label and description in a language: the core's choice
 * (privacy_words_category()) among privacy_category_text and the builtin
 * words.
 */

static void
ngx_http_privacy_category_words(ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t i, ngx_str_t *lang, ngx_str_t *label, ngx_str_t *description)
{
    privacy_text_t                l, d;
    ngx_http_privacy_category_t  *cat;

    cat = plcf->categories->categories.elts;

    privacy_words_category(plcf->category_texts
                           ? plcf->category_texts->elts : NULL,
                           plcf->category_texts
                           ? plcf->category_texts->nelts : 0,
                           cat[i].name.data, cat[i].name.len,
                           lang ? lang->data : NULL, lang ? lang->len : 0,
                           &l, &d);

    label->data = (u_char *) l.data;
    label->len = l.len;
    description->data = (u_char *) d.data;
    description->len = d.len;
}


/*
 * The table is the core's (privacy_template_category()), one category at a
 * time, so that mod_privacy's banner is the same bytes.
 */

size_t
ngx_http_privacy_category_table(u_char *buf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *s, uint32_t checked, ngx_uint_t flags)
{
    size_t                         len;
    ngx_str_t                      label, description, *hosts;
    ngx_uint_t                     i, essential;
    privacy_template_words_t       w;
    ngx_http_privacy_category_t   *cat;
    privacy_template_category_t    c;

    if (plcf->categories == NULL) {
        return 0;
    }

    cat = plcf->categories->categories.elts;
    essential = (flags & NGX_HTTP_PRIVACY_TABLE_ESSENTIAL) ? 1 : 0;
    len = 0;

    ngx_http_privacy_text(&w.details, &s->details);
    ngx_http_privacy_text(&w.essential, &s->essential);
    ngx_http_privacy_text(&w.gpc, &s->gpc);
    ngx_http_privacy_text(&w.cookies, &s->cookies);
    ngx_http_privacy_text(&w.none, &s->none);
    ngx_http_privacy_text(&w.hosts, &s->hosts);

    for (i = 0; i < plcf->categories->categories.nelts; i++) {

        if ((cat[i].essential ? 1 : 0) != essential) {
            continue;
        }

        ngx_http_privacy_category_words(plcf, i, lang, &label, &description);

        ngx_http_privacy_text(&c.name, &cat[i].name);
        ngx_http_privacy_text(&c.label, &label);
        ngx_http_privacy_text(&c.description, &description);
        c.index = (int) i;
        c.essential = essential;
        c.input = (flags & NGX_HTTP_PRIVACY_TABLE_INPUTS) ? 1 : 0;
        c.checked = (checked & (1u << i)) ? 1 : 0;
        c.gpc = (plcf->gpc & (1u << i)) ? 1 : 0;

        hosts = ngx_http_privacy_script_hosts_shown(plcf, i);

        if (hosts) {
            ngx_http_privacy_text(&c.hosts, hosts);

        } else {
            c.hosts.data = NULL;
            c.hosts.len = 0;
        }

        len += privacy_template_category(buf ? buf + len : NULL, &c, &w,
                                         plcf->categories->exact.elts,
                                         plcf->categories->exact.nelts,
                                         plcf->categories->patterns.elts,
                                         plcf->categories->patterns.nelts);
    }

    return len;
}


size_t
ngx_http_privacy_category_labels(u_char *buf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang, uint32_t mask)
{
    size_t       len;
    ngx_str_t    label, description;
    ngx_uint_t   i, n;

    if (plcf->categories == NULL) {
        return 0;
    }

    len = 0;
    n = 0;

    for (i = 0; i < plcf->categories->categories.nelts; i++) {

        if (!(mask & (1u << i))) {
            continue;
        }

        ngx_http_privacy_category_words(plcf, i, lang, &label, &description);

        if (n++) {
            if (buf) {
                ngx_memcpy(buf + len, ", ", 2);
            }

            len += 2;
        }

        len += privacy_html_escape(buf ? buf + len : NULL, label.data,
                                   label.len);
    }

    return len;
}
