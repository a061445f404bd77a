
/*
 * What the banner says: PrivacyBannerLanguage and PrivacyCategoryText, the
 * category table and labels in a language, and the language a visitor's
 * Accept-Language picks.  The words, the choice among them and the
 * header's reading are the core's (privacy_words.c), as for the nginx
 * module's ngx_http_privacy_words.c and ngx_http_privacy_template.c, so
 * a banner is the same bytes on either server.
 */


#include "mod_privacy.h"

#include <apr_lib.h>

#include "privacy_template.h"
#include "privacy_words.h"


/* PrivacyBannerLanguage LANG FILE: adds a language or replaces one */

const char *
mod_privacy_banner_language(cmd_parms *cmd, void *conf, const char *lang,
    const char *file)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    int                         i;
    char                       *l;
    const char                 *err;
    mod_privacy_banner_file_t  *bf;

    l = apr_pstrdup(cmd->pool, lang);

    if (privacy_words_language((unsigned char *) l, strlen(l)) != 0) {
        return mod_privacy_conf_error(cmd, "invalid language \"%s\", use a "
                                      "language tag's primary subtag such "
                                      "as \"de\"", lang);
    }

    if (dcf->banner_languages == NULL) {
        dcf->banner_languages = apr_array_make(cmd->pool, 2,
                                          sizeof(mod_privacy_banner_file_t));
    }

    bf = (mod_privacy_banner_file_t *) dcf->banner_languages->elts;

    for (i = 0; i < dcf->banner_languages->nelts; i++) {
        if (strcmp(bf[i].lang, l) == 0) {
            return mod_privacy_conf_error(cmd, "duplicate language \"%s\"",
                                          l);
        }
    }

    bf = apr_array_push(dcf->banner_languages);
    bf->lang = l;

    err = mod_privacy_read_file(cmd, file, 65536, &bf->text, &bf->len, NULL);
    if (err) {
        return err;
    }

    return NULL;
}


/*
 * PrivacyCategoryText CATEGORY LANGUAGE LABEL DESCRIPTION; the category is
 * checked with the configuration, where the section's categories are known
 */

const char *
mod_privacy_category_text(cmd_parms *cmd, void *conf, const char *args)
{
    mod_privacy_dir_conf_t  *dcf = conf;

    int                       i;
    char                     *lang, *argv[4];
    privacy_category_text_t  *t;

    /* four words, the description "" for none: Apache's TAKE_ARGV would
     * end the list at an empty one */
    for (i = 0; i < 5; i++) {

        while (apr_isspace(*args)) {
            args++;
        }

        if ((i < 4) != (*args != '\0')) {
            return mod_privacy_conf_error(cmd, "takes a category, a "
                                          "language, a label and a "
                                          "description (\"\" for none)");
        }

        if (i < 4) {
            argv[i] = ap_getword_conf(cmd->pool, &args);
        }
    }

    lang = apr_pstrdup(cmd->pool, argv[1]);

    if (privacy_words_language((unsigned char *) lang, strlen(lang)) != 0) {
        return mod_privacy_conf_error(cmd, "invalid language \"%s\", use a "
                                      "language tag's primary subtag such "
                                      "as \"de\"", argv[1]);
    }

    if (argv[2][0] == '\0' || strlen(argv[2]) > PRIVACY_WORDS_LABEL_MAX) {
        return mod_privacy_conf_error(cmd, "the label must be 1 to %d bytes "
                                      "long", PRIVACY_WORDS_LABEL_MAX);
    }

    if (strlen(argv[3]) > PRIVACY_WORDS_DESCRIPTION_MAX) {
        return mod_privacy_conf_error(cmd, "the description must be at most "
                                      "%d bytes long",
                                      PRIVACY_WORDS_DESCRIPTION_MAX);
    }

    if (dcf->category_texts == NULL) {
        dcf->category_texts = apr_array_make(cmd->pool, 4,
                                             sizeof(privacy_category_text_t));
    }

    t = (privacy_category_text_t *) dcf->category_texts->elts;

    for (i = 0; i < dcf->category_texts->nelts; i++) {
        if (t[i].category.len == strlen(argv[0])
            && memcmp(t[i].category.data, argv[0], t[i].category.len) == 0
            && t[i].lang.len == strlen(lang)
            && memcmp(t[i].lang.data, lang, t[i].lang.len) == 0)
        {
            return mod_privacy_conf_error(cmd, "duplicate \"%s\" for \"%s\"",
                                          lang, argv[0]);
        }
    }

    t = apr_array_push(dcf->category_texts);

    t->category.data = (const unsigned char *) argv[0];
    t->category.len = strlen(argv[0]);
    t->lang.data = (const unsigned char *) lang;
    t->lang.len = strlen(lang);
    t->label.data = (const unsigned char *) argv[2];
    t->label.len = strlen(argv[2]);
    t->description.data = (const unsigned char *) argv[3];
    t->description.len = strlen(argv[3]);
    t->file = cmd->directive->filename;
    t->line = cmd->directive->line_num;

    return NULL;
}


/* the configuration check: each PrivacyCategoryText names a category */

const char *
mod_privacy_category_texts_check(apr_pool_t *p, mod_privacy_dir_conf_t *dcf)
{
    int                       i, k, n;
    mod_privacy_category_t   *cat;
    privacy_category_text_t  *t;

    if (dcf->category_texts == NULL || dcf->categories == NULL) {
        return NULL;
    }

    t = (privacy_category_text_t *) dcf->category_texts->elts;
    cat = (mod_privacy_category_t *) dcf->categories->categories->elts;
    n = dcf->categories->categories->nelts;

    for (i = 0; i < dcf->category_texts->nelts; i++) {

        for (k = 0; k < n; k++) {
            if (strlen(cat[k].name) == t[i].category.len
                && memcmp(cat[k].name, t[i].category.data,
                          t[i].category.len)
                   == 0)
            {
                break;
            }
        }

        if (k == n) {
            return apr_psprintf(p, "unknown category \"%.*s\" in "
                                "\"PrivacyCategoryText\" in %s:%u",
                                (int) t[i].category.len,
                                (const char *) t[i].category.data,
                                t[i].file, t[i].line);
        }
    }

    return NULL;
}


/*
 * Category I's label and description in a language (lang NULL: English):
 * PrivacyCategoryText's, or the builtin words (privacy_words.c)
 */

void
mod_privacy_words_category(mod_privacy_dir_conf_t *dcf, int i,
    const privacy_text_t *lang, privacy_text_t *label,
    privacy_text_t *description)
{
    const char              *name;
    mod_privacy_category_t  *cat;

    cat = (mod_privacy_category_t *) dcf->categories->categories->elts;
    name = cat[i].name;

    privacy_words_category(dcf->category_texts
                           ? (privacy_category_text_t *)
                                 dcf->category_texts->elts
                           : NULL,
                           dcf->category_texts
                           ? (size_t) dcf->category_texts->nelts : 0,
                           (const unsigned char *) name, strlen(name),
                           lang ? lang->data : NULL, lang ? lang->len : 0,
                           label, description);
}


/*
 * The category table of a banner in a language (lang NULL: English),
 * essential categories or the others: the core's markup, one category at
 * a time, with the GPC note of the categories in gpc.
 */

privacy_text_t
mod_privacy_words_table(apr_pool_t *p, mod_privacy_dir_conf_t *dcf,
    const privacy_text_t *lang, const privacy_words_t *words, int essential,
    uint32_t gpc)
{
    int                           i, n, pass;
    size_t                        len;
    unsigned char                *buf;
    privacy_text_t                out;
    mod_privacy_category_t       *cat;
    mod_privacy_categories_t     *cats;
    privacy_template_words_t      w;
    privacy_template_category_t   c;

    out.data = (const unsigned char *) "";
    out.len = 0;

    cats = dcf->categories;

    if (cats == NULL) {
        return out;
    }

    w.details = words->details;
    w.essential = words->essential;
    w.gpc = words->gpc;
    w.cookies = words->cookies;
    w.none = words->none;
    w.hosts = words->hosts;

    cat = (mod_privacy_category_t *) cats->categories->elts;
    n = cats->categories->nelts;
    buf = NULL;
    len = 0;

    /* counted, then written */
    for (pass = 0; pass < 2; pass++) {

        if (pass == 1) {
            buf = apr_palloc(p, len + 1);
            out.data = buf;
            out.len = len;
            len = 0;
        }

        for (i = 0; i < n; i++) {

            if ((cat[i].essential ? 1 : 0) != (essential ? 1 : 0)) {
                continue;
            }

            memset(&c, 0, sizeof(privacy_template_category_t));

            c.name.data = (const unsigned char *) cat[i].name;
            c.name.len = strlen(cat[i].name);
            c.index = i;
            c.essential = cat[i].essential ? 1 : 0;
            c.input = 1;
            c.gpc = (gpc & (1u << i)) ? 1 : 0;

            mod_privacy_words_category(dcf, i, lang, &c.label,
                                       &c.description);

            len += privacy_template_category(buf ? buf + len : NULL, &c, &w,
                       (privacy_match_name_t *) cats->exact->elts,
                       cats->exact->nelts,
                       (privacy_template_pattern_t *) cats->patterns->elts,
                       cats->patterns->nelts);
        }
    }

    return out;
}


/*
 * The labels of the categories in MASK in a language (lang NULL:
 * English), ", " between, HTML-escaped; with buf NULL only the length.
 */

size_t
mod_privacy_words_labels(unsigned char *buf, mod_privacy_dir_conf_t *dcf,
    const privacy_text_t *lang, uint32_t mask)
{
    int             i, n;
    size_t          len;
    privacy_text_t  label, description;

    len = 0;
    n = 0;

    for (i = 0; dcf->categories && i < dcf->categories->categories->nelts;
         i++)
    {
        if (!(mask & (1u << i))) {
            continue;
        }

        mod_privacy_words_category(dcf, i, lang, &label, &description);

        if (n++) {
            if (buf) {
                memcpy(buf + len, ", ", 2);
            }

            len += 2;
        }

        len += privacy_html_escape(buf ? buf + len : NULL, label.data,
                                   label.len);
    }

    return len;
}


/*
 * What {{gpc_note}} says to a visitor whose browser sends Sec-GPC: 1: the
 * builtin sentence and the labels of the categories in gpc, HTML-escaped,
 * as the nginx module writes it.
 */

privacy_text_t
mod_privacy_words_gpc_note(apr_pool_t *p, mod_privacy_dir_conf_t *dcf,
    const privacy_text_t *lang, const privacy_words_t *words, uint32_t gpc)
{
    int              pass;
    size_t           len;
    unsigned char   *buf;
    privacy_text_t   out;

    static const char  open[] = "<p class=\"privacy-banner__gpc-sent\">";
    static const char  close[] = "</p>";

    buf = NULL;
    len = 0;

    for (pass = 0; pass < 2; pass++) {

        if (pass == 1) {
            buf = apr_palloc(p, len + 1);
            len = 0;
        }

        if (buf) {
            memcpy(buf + len, open, sizeof(open) - 1);
            memcpy(buf + len + sizeof(open) - 1, words->gpc_sent.data,
                   words->gpc_sent.len);
            buf[len + sizeof(open) - 1 + words->gpc_sent.len] = ' ';
        }

        len += sizeof(open) - 1 + words->gpc_sent.len + 1;
        len += mod_privacy_words_labels(buf ? buf + len : NULL, dcf, lang,
                                        gpc);

        if (buf) {
            memcpy(buf + len, close, sizeof(close) - 1);
        }

        len += sizeof(close) - 1;
    }

    out.data = buf;
    out.len = len;

    return out;
}


/*
 * The language of langs[0 .. n) that the request's Accept-Language
 * prefers: the entry with the highest q whose primary subtag is one of
 * them, ASCII case-insensitively; dflt when none is.
 */

int
mod_privacy_words_pick(request_rec *r, const char *const *langs, int n,
    int dflt)
{
    int                   i, best;
    size_t                tag_len;
    unsigned              q, best_q;
    const char           *value;
    const unsigned char  *p, *last, *tag;

    value = apr_table_get(r->headers_in, "Accept-Language");
    if (value == NULL) {
        return dflt;
    }

    best = dflt;
    best_q = 0;
    p = (const unsigned char *) value;
    last = p + strlen(value);

    while (privacy_words_accept_next(&p, last, &tag, &tag_len, &q)) {

        if (q <= best_q || tag_len == 0) {
            continue;
        }

        for (i = 0; i < n; i++) {
            if (langs[i] && strlen(langs[i]) == tag_len
                && strncasecmp(langs[i], (const char *) tag, tag_len) == 0)
            {
                best = i;
                best_q = q;
                break;
            }
        }
    }

    return best;
}
