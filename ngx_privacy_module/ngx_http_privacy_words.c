
/*
 * The words of the banner and the settings page: the builtin ones in
 * English, German and French, and each category's label and description
 * (privacy_category_text, or builtin).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_words.h"


static ngx_int_t ngx_http_privacy_language_tag(ngx_str_t *lang);
static void ngx_http_privacy_category_words(ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t i, ngx_str_t *lang, ngx_str_t *label, ngx_str_t *description);


/* a category's words in one language: privacy_category_text, or builtin */
typedef struct {
    ngx_str_t                       category;
    ngx_str_t                       lang;
    ngx_str_t                       label;
    ngx_str_t                       description;
    u_char                         *file;        /* where the directive is */
    ngx_uint_t                      line;
} ngx_http_privacy_category_text_t;


/* privacy_category_text bounds: a label is short, a description a few
 * sentences */
#define NGX_HTTP_PRIVACY_LABEL_MAX        64
#define NGX_HTTP_PRIVACY_DESCRIPTION_MAX  512


/* the builtin languages; the first is the default */

static ngx_http_privacy_strings_t  ngx_http_privacy_builtin_strings[] = {

    { ngx_string("en"),
      ngx_string("Your privacy choices"),
      ngx_string("This site uses cookies it needs to work. With your "
                 "consent it also uses the cookies below. None of them is "
                 "set before you choose, and you can change your mind at "
                 "any time."),
      ngx_string("Read the privacy notice"),
      ngx_string("Privacy settings"),
      ngx_string("Optional cookies"),
      ngx_string("Accept all"),
      ngx_string("Reject all"),
      ngx_string("Save my choices"),
      ngx_string("Withdraw my consent"),
      ngx_string("Your current choice"),
      ngx_string("You have not made a choice yet."),
      ngx_string("Allowed"),
      ngx_string("Refused"),
      ngx_string("none"),
      ngx_string("Made on"),
      ngx_string("Details"),
      ngx_string("Cookies"),
      ngx_string("Always on: the site needs these to work."),
      ngx_string("Your browser's Global Privacy Control signal refuses "
                 "this unless you allow it here."),
      ngx_string("Your browser sends the Global Privacy Control signal. "
                 "It is honoured: these stay refused unless you allow "
                 "them here:"),
      ngx_string("Your choice is saved. It applies from now on, and you "
                 "can change it here at any time."),
      ngx_string("Back to the site") },

    { ngx_string("de"),
      ngx_string("Ihre Datenschutz-Einstellungen"),
      ngx_string("Diese Website verwendet Cookies, die sie zum "
                 "Funktionieren braucht. Mit Ihrer Einwilligung verwendet "
                 "sie auch die folgenden Cookies. Keines davon wird "
                 "gesetzt, bevor Sie wählen, und Sie können Ihre Wahl "
                 "jederzeit ändern."),
      ngx_string("Datenschutzerklärung lesen"),
      ngx_string("Datenschutz-Einstellungen"),
      ngx_string("Optionale Cookies"),
      ngx_string("Alle akzeptieren"),
      ngx_string("Alle ablehnen"),
      ngx_string("Auswahl speichern"),
      ngx_string("Einwilligung widerrufen"),
      ngx_string("Ihre aktuelle Wahl"),
      ngx_string("Sie haben noch keine Wahl getroffen."),
      ngx_string("Erlaubt"),
      ngx_string("Abgelehnt"),
      ngx_string("keine"),
      ngx_string("Getroffen am"),
      ngx_string("Details"),
      ngx_string("Cookies"),
      ngx_string("Immer aktiv: die Website braucht sie zum "
                 "Funktionieren."),
      ngx_string("Das Global-Privacy-Control-Signal Ihres Browsers lehnt "
                 "dies ab, solange Sie es hier nicht erlauben."),
      ngx_string("Ihr Browser sendet das Global-Privacy-Control-Signal. "
                 "Es wird beachtet: Folgendes bleibt abgelehnt, solange "
                 "Sie es hier nicht erlauben:"),
      ngx_string("Ihre Wahl ist gespeichert. Sie gilt ab jetzt, und Sie "
                 "können sie hier jederzeit ändern."),
      ngx_string("Zurück zur Website") },

    { ngx_string("fr"),
      ngx_string("Vos choix de confidentialité"),
      ngx_string("Ce site utilise les cookies nécessaires à son "
                 "fonctionnement. Avec votre consentement, il utilise "
                 "aussi les cookies ci-dessous. Aucun n'est déposé avant "
                 "votre choix, et vous pouvez changer d'avis à tout "
                 "moment."),
      ngx_string("Lire la politique de confidentialité"),
      ngx_string("Paramètres de confidentialité"),
      ngx_string("Cookies facultatifs"),
      ngx_string("Tout accepter"),
      ngx_string("Tout refuser"),
      ngx_string("Enregistrer mes choix"),
      ngx_string("Retirer mon consentement"),
      ngx_string("Votre choix actuel"),
      ngx_string("Vous n'avez pas encore fait de choix."),
      ngx_string("Autorisés"),
      ngx_string("Refusés"),
      ngx_string("aucun"),
      ngx_string("Fait le"),
      ngx_string("Détails"),
      ngx_string("Cookies"),
      ngx_string("Toujours actifs : le site en a besoin pour "
                 "fonctionner."),
      ngx_string("Le signal Global Privacy Control de votre navigateur "
                 "refuse ceci tant que vous ne l'autorisez pas ici."),
      ngx_string("Votre navigateur envoie le signal Global Privacy "
                 "Control. Il est respecté : ceci reste refusé tant que "
                 "vous ne l'autorisez pas ici :"),
      ngx_string("Votre choix est enregistré. Il s'applique dès "
                 "maintenant, et vous pouvez le changer ici à tout "
                 "moment."),
      ngx_string("Retour au site") }
};


/*
 * The builtin words of the common categories, so that a configuration
 * without privacy_category_text reads well in every builtin language.
 */

static ngx_http_privacy_category_text_t  ngx_http_privacy_builtin_texts[] = {

    { ngx_string("necessary"), ngx_string("en"), ngx_string("Necessary"),
      ngx_string("Cookies the site needs to work, such as your session "
                 "and this choice."), NULL, 0 },
    { ngx_string("necessary"), ngx_string("de"), ngx_string("Notwendig"),
      ngx_string("Cookies, die die Website zum Funktionieren braucht, "
                 "etwa Ihre Sitzung und diese Auswahl."), NULL, 0 },
    { ngx_string("necessary"), ngx_string("fr"),
      ngx_string("Nécessaires"),
      ngx_string("Cookies dont le site a besoin pour fonctionner, comme "
                 "votre session et ce choix."), NULL, 0 },

    { ngx_string("preferences"), ngx_string("en"),
      ngx_string("Preferences"),
      ngx_string("Remember your settings, such as language or layout, "
                 "between visits."), NULL, 0 },
    { ngx_string("preferences"), ngx_string("de"),
      ngx_string("Präferenzen"),
      ngx_string("Speichern Ihre Einstellungen, etwa Sprache oder "
                 "Darstellung, zwischen Besuchen."), NULL, 0 },
    { ngx_string("preferences"), ngx_string("fr"),
      ngx_string("Préférences"),
      ngx_string("Mémorisent vos réglages, comme la langue ou "
                 "l'affichage, d'une visite à l'autre."), NULL, 0 },

    { ngx_string("analytics"), ngx_string("en"), ngx_string("Analytics"),
      ngx_string("Measure how the site is used, such as the pages "
                 "visited, to improve it."), NULL, 0 },
    { ngx_string("analytics"), ngx_string("de"), ngx_string("Statistik"),
      ngx_string("Messen, wie die Website genutzt wird, etwa die "
                 "besuchten Seiten, um sie zu verbessern."), NULL, 0 },
    { ngx_string("analytics"), ngx_string("fr"),
      ngx_string("Mesure d'audience"),
      ngx_string("Mesurent l'utilisation du site, comme les pages "
                 "visitées, pour l'améliorer."), NULL, 0 },

    { ngx_string("marketing"), ngx_string("en"), ngx_string("Marketing"),
      ngx_string("Let advertising partners recognise you across sites "
                 "to show ads based on your interests."), NULL, 0 },
    { ngx_string("marketing"), ngx_string("de"), ngx_string("Marketing"),
      ngx_string("Erlauben Werbepartnern, Sie über Websites hinweg "
                 "wiederzuerkennen, um Werbung nach Ihren Interessen zu "
                 "zeigen."), NULL, 0 },
    { ngx_string("marketing"), ngx_string("fr"), ngx_string("Marketing"),
      ngx_string("Permettent à des partenaires publicitaires de vous "
                 "reconnaître d'un site à l'autre pour afficher des "
                 "publicités selon vos centres d'intérêt."), NULL, 0 }
};


/* the builtin words of a language, English when there are none */


ngx_http_privacy_strings_t *
ngx_http_privacy_builtin_words(ngx_uint_t i)
{
    if (i >= sizeof(ngx_http_privacy_builtin_strings)
             / sizeof(ngx_http_privacy_strings_t))
    {
        return NULL;
    }

    return &ngx_http_privacy_builtin_strings[i];
}


ngx_http_privacy_strings_t *
ngx_http_privacy_builtin_strings_of(ngx_str_t *lang)
{
    ngx_uint_t                   i;
    ngx_http_privacy_strings_t  *s;

    for (i = 0; i < sizeof(ngx_http_privacy_builtin_strings)
                    / sizeof(ngx_http_privacy_strings_t); i++)
    {
        s = &ngx_http_privacy_builtin_strings[i];

        if (s->lang.len == lang->len
            && ngx_strncmp(s->lang.data, lang->data, lang->len) == 0)
        {
            return s;
        }
    }

    return &ngx_http_privacy_builtin_strings[0];
}


/* a language tag's primary subtag, lowercased: NGX_ERROR when it is not */

static ngx_int_t
ngx_http_privacy_language_tag(ngx_str_t *lang)
{
    u_char  *p;

    if (lang->len == 0 || lang->len > 8) {
        return NGX_ERROR;
    }

    for (p = lang->data; p < lang->data + lang->len; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
            return NGX_ERROR;
        }

        *p = ngx_tolower(*p);
    }

    return NGX_OK;
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

    ngx_str_t                         *value;
    ngx_uint_t                         i;
    ngx_http_privacy_category_text_t  *t;

    value = cf->args->elts;

    if (ngx_http_privacy_language_tag(&value[2]) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid language \"%V\" in \"%V\", use a "
                           "language tag's primary subtag such as \"de\"",
                           &value[2], &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (value[3].len == 0 || value[3].len > NGX_HTTP_PRIVACY_LABEL_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the label in \"%V\" must be 1 to %d bytes long",
                           &cmd->name, NGX_HTTP_PRIVACY_LABEL_MAX);
        return NGX_CONF_ERROR;
    }

    if (value[4].len > NGX_HTTP_PRIVACY_DESCRIPTION_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the description in \"%V\" must be at most %d "
                           "bytes long", &cmd->name,
                           NGX_HTTP_PRIVACY_DESCRIPTION_MAX);
        return NGX_CONF_ERROR;
    }

    if (plcf->category_texts == NULL) {
        plcf->category_texts = ngx_array_create(cf->pool, 4,
                                     sizeof(ngx_http_privacy_category_text_t));
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

    t->category = value[1];
    t->lang = value[2];
    t->label = value[3];
    t->description = value[4];
    t->file = cf->conf_file->file.name.data;
    t->line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/* every privacy_category_text names one of the location's categories */

ngx_int_t
ngx_http_privacy_category_texts_check(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *conf)
{
    ngx_uint_t                         i, k, n;
    ngx_http_privacy_category_t       *cat;
    ngx_http_privacy_category_text_t  *t;

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
                          "unknown category \"%V\" in "
                          "\"privacy_category_text\" in %s:%ui",
                          &t[i].category, t[i].file, t[i].line);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * A category's label and description in a language: privacy_category_text
 * for it, the builtin words for it, then the same in English, then the
 * name itself without a description.
 */

static void
ngx_http_privacy_category_words(ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t i, ngx_str_t *lang, ngx_str_t *label, ngx_str_t *description)
{
    ngx_str_t                          en, *want, *name;
    ngx_uint_t                         k, pass, n;
    ngx_http_privacy_category_t       *cat;
    ngx_http_privacy_category_text_t  *t;

    ngx_str_set(&en, "en");

    cat = plcf->categories->categories.elts;
    name = &cat[i].name;

    for (pass = 0; pass < 4; pass++) {

        want = (pass < 2 && lang && lang->len) ? lang : &en;

        if (pass % 2 == 0) {
            t = plcf->category_texts ? plcf->category_texts->elts : NULL;
            n = plcf->category_texts ? plcf->category_texts->nelts : 0;

        } else {
            t = ngx_http_privacy_builtin_texts;
            n = sizeof(ngx_http_privacy_builtin_texts)
                / sizeof(ngx_http_privacy_category_text_t);
        }

        for (k = 0; k < n; k++) {
            if (t[k].category.len == name->len
                && ngx_strncmp(t[k].category.data, name->data, name->len)
                   == 0
                && t[k].lang.len == want->len
                && ngx_strncmp(t[k].lang.data, want->data, want->len) == 0)
            {
                *label = t[k].label;
                *description = t[k].description;
                return;
            }
        }
    }

    *label = *name;
    ngx_str_null(description);
}


/* with buf NULL these only count */

static ngx_inline size_t
ngx_http_privacy_put(u_char *buf, size_t len, const char *src, size_t n)
{
    if (buf) {
        ngx_memcpy(buf + len, src, n);
    }

    return len + n;
}


static ngx_inline size_t
ngx_http_privacy_put_escaped(u_char *buf, size_t len, ngx_str_t *src)
{
    return len + privacy_html_escape(buf ? buf + len : NULL, src->data,
                                     src->len);
}


#define ngx_http_privacy_put_literal(buf, len, s)                            \
    ngx_http_privacy_put(buf, len, s, sizeof(s) - 1)


size_t
ngx_http_privacy_category_table(u_char *buf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *s, uint32_t checked, ngx_uint_t flags)
{
    size_t                         len;
    ngx_str_t                      label, description, name;
    ngx_uint_t                     i, k, essential, cookies;
    ngx_str_t                     *text;
    privacy_match_name_t          *exact;
    privacy_match_regex_t         *regex;
    ngx_http_privacy_category_t   *cat;

    if (plcf->categories == NULL) {
        return 0;
    }

    cat = plcf->categories->categories.elts;
    exact = plcf->categories->exact.elts;
    regex = plcf->categories->regex.elts;
    text = plcf->categories->regex_text.elts;
    essential = (flags & NGX_HTTP_PRIVACY_TABLE_ESSENTIAL) ? 1 : 0;
    len = 0;

    for (i = 0; i < plcf->categories->categories.nelts; i++) {

        if ((cat[i].essential ? 1 : 0) != essential) {
            continue;
        }

        ngx_http_privacy_category_words(plcf, i, lang, &label, &description);

        len = ngx_http_privacy_put_literal(buf, len,
                                    "<div class=\"privacy-banner__category\">");

        /* names are letters, digits, "_" and "-": nothing to escape */
        if (!essential && (flags & NGX_HTTP_PRIVACY_TABLE_INPUTS)) {
            len = ngx_http_privacy_put_literal(buf, len,
                          "<label class=\"privacy-banner__choice\">"
                          "<input type=\"checkbox\" name=\"category\" "
                          "value=\"");
            len = ngx_http_privacy_put(buf, len, (char *) cat[i].name.data,
                                       cat[i].name.len);

            if (checked & (1u << i)) {
                len = ngx_http_privacy_put_literal(buf, len, "\" checked> ");

            } else {
                len = ngx_http_privacy_put_literal(buf, len, "\"> ");
            }

            len = ngx_http_privacy_put_escaped(buf, len, &label);
            len = ngx_http_privacy_put_literal(buf, len, "</label>");

        } else {
            len = ngx_http_privacy_put_literal(buf, len,
                                    "<span class=\"privacy-banner__choice\">");
            len = ngx_http_privacy_put_escaped(buf, len, &label);
            len = ngx_http_privacy_put_literal(buf, len, "</span>");
        }

        /* a disclosure the browser opens by keyboard, without script */
        len = ngx_http_privacy_put_literal(buf, len,
                                  "<details class=\"privacy-banner__details\">"
                                  "<summary>");
        len = ngx_http_privacy_put_escaped(buf, len, &s->details);
        len = ngx_http_privacy_put_literal(buf, len,
                                  "<span class=\"privacy-banner__about\"> (");
        len = ngx_http_privacy_put_escaped(buf, len, &label);
        len = ngx_http_privacy_put_literal(buf, len, ")</span></summary>");

        if (description.len) {
            len = ngx_http_privacy_put_literal(buf, len, "<p>");
            len = ngx_http_privacy_put_escaped(buf, len, &description);
            len = ngx_http_privacy_put_literal(buf, len, "</p>");
        }

        if (essential) {
            len = ngx_http_privacy_put_literal(buf, len, "<p>");
            len = ngx_http_privacy_put_escaped(buf, len, &s->essential);
            len = ngx_http_privacy_put_literal(buf, len, "</p>");
        }

        if (plcf->gpc & (1u << i)) {
            len = ngx_http_privacy_put_literal(buf, len,
                                       "<p class=\"privacy-banner__gpc\">");
            len = ngx_http_privacy_put_escaped(buf, len, &s->gpc);
            len = ngx_http_privacy_put_literal(buf, len, "</p>");
        }

        len = ngx_http_privacy_put_literal(buf, len, "<dl><dt>");
        len = ngx_http_privacy_put_escaped(buf, len, &s->cookies);
        len = ngx_http_privacy_put_literal(buf, len, "</dt><dd>");

        /* the cookie names, then the patterns, as configured */
        cookies = 0;

        for (k = 0; k < plcf->categories->exact.nelts; k++) {
            if ((ngx_uint_t) exact[k].category != i) {
                continue;
            }

            if (cookies++) {
                len = ngx_http_privacy_put_literal(buf, len, ", ");
            }

            name.data = (u_char *) exact[k].name;
            name.len = exact[k].name_len;
            len = ngx_http_privacy_put_escaped(buf, len, &name);
        }

        for (k = 0; k < plcf->categories->regex.nelts; k++) {
            if ((ngx_uint_t) regex[k].category != i) {
                continue;
            }

            if (cookies++) {
                len = ngx_http_privacy_put_literal(buf, len, ", ");
            }

            len = ngx_http_privacy_put_escaped(buf, len, &text[k]);
        }

        if (cookies == 0) {
            len = ngx_http_privacy_put_escaped(buf, len, &s->none);
        }

        len = ngx_http_privacy_put_literal(buf, len, "</dd>");

        /*
         * a hook: the third-party hosts of the category's trackers
         * (privacy_script) go here as a <dt>/<dd> pair once that
         * directive exists; none are listed yet
         */

        len = ngx_http_privacy_put_literal(buf, len,
                                           "</dl></details></div>");
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
            len = ngx_http_privacy_put_literal(buf, len, ", ");
        }

        len = ngx_http_privacy_put_escaped(buf, len, &label);
    }

    return len;
}
