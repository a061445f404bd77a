
/*
 * The words of the banner and the settings page: the builtin ones in
 * English, German and French, and each category's label and description
 * (privacy_category_text, or builtin).
 */


#include "ngx_http_privacy.h"
#include "ngx_http_privacy_script.h"
#include "ngx_http_privacy_words.h"
#include "privacy_template.h"


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
      ngx_string(PRIVACY_WORDS_EN_TITLE),
      ngx_string(PRIVACY_WORDS_EN_TEXT),
      ngx_string(PRIVACY_WORDS_EN_POLICY),
      ngx_string(PRIVACY_WORDS_EN_SETTINGS),
      ngx_string(PRIVACY_WORDS_EN_LEGEND),
      ngx_string(PRIVACY_WORDS_EN_ACCEPT),
      ngx_string(PRIVACY_WORDS_EN_REJECT),
      ngx_string(PRIVACY_WORDS_EN_SAVE),
      ngx_string(PRIVACY_WORDS_EN_WITHDRAW),
      ngx_string(PRIVACY_WORDS_EN_CURRENT),
      ngx_string(PRIVACY_WORDS_EN_UNDECIDED),
      ngx_string(PRIVACY_WORDS_EN_GRANTED),
      ngx_string(PRIVACY_WORDS_EN_REFUSED),
      ngx_string(PRIVACY_WORDS_EN_NONE),
      ngx_string(PRIVACY_WORDS_EN_MADE_ON),
      ngx_string(PRIVACY_WORDS_EN_DETAILS),
      ngx_string(PRIVACY_WORDS_EN_COOKIES),
      ngx_string(PRIVACY_WORDS_EN_ESSENTIAL),
      ngx_string(PRIVACY_WORDS_EN_GPC),
      ngx_string(PRIVACY_WORDS_EN_GPC_SENT),
      ngx_string(PRIVACY_WORDS_EN_SAVED),
      ngx_string(PRIVACY_WORDS_EN_BACK),
      ngx_string(PRIVACY_WORDS_EN_HOSTS) },

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
      ngx_string("Zurück zur Website"),
      ngx_string("Drittanbieter") },

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
      ngx_string("Retour au site"),
      ngx_string("Tiers") }
};


/*
 * The builtin words of the common categories, so that a configuration
 * without privacy_category_text reads well in every builtin language.
 */

static ngx_http_privacy_category_text_t  ngx_http_privacy_builtin_texts[] = {

    { ngx_string("necessary"), ngx_string("en"),
      ngx_string(PRIVACY_WORDS_EN_NECESSARY),
      ngx_string(PRIVACY_WORDS_EN_NECESSARY_TEXT), NULL, 0 },
    { ngx_string("necessary"), ngx_string("de"), ngx_string("Notwendig"),
      ngx_string("Cookies, die die Website zum Funktionieren braucht, "
                 "etwa Ihre Sitzung und diese Auswahl."), NULL, 0 },
    { ngx_string("necessary"), ngx_string("fr"),
      ngx_string("Nécessaires"),
      ngx_string("Cookies dont le site a besoin pour fonctionner, comme "
                 "votre session et ce choix."), NULL, 0 },

    { ngx_string("preferences"), ngx_string("en"),
      ngx_string(PRIVACY_WORDS_EN_PREFERENCES),
      ngx_string(PRIVACY_WORDS_EN_PREFERENCES_TEXT), NULL, 0 },
    { ngx_string("preferences"), ngx_string("de"),
      ngx_string("Präferenzen"),
      ngx_string("Speichern Ihre Einstellungen, etwa Sprache oder "
                 "Darstellung, zwischen Besuchen."), NULL, 0 },
    { ngx_string("preferences"), ngx_string("fr"),
      ngx_string("Préférences"),
      ngx_string("Mémorisent vos réglages, comme la langue ou "
                 "l'affichage, d'une visite à l'autre."), NULL, 0 },

    { ngx_string("analytics"), ngx_string("en"),
      ngx_string(PRIVACY_WORDS_EN_ANALYTICS),
      ngx_string(PRIVACY_WORDS_EN_ANALYTICS_TEXT), NULL, 0 },
    { ngx_string("analytics"), ngx_string("de"), ngx_string("Statistik"),
      ngx_string("Messen, wie die Website genutzt wird, etwa die "
                 "besuchten Seiten, um sie zu verbessern."), NULL, 0 },
    { ngx_string("analytics"), ngx_string("fr"),
      ngx_string("Mesure d'audience"),
      ngx_string("Mesurent l'utilisation du site, comme les pages "
                 "visitées, pour l'améliorer."), NULL, 0 },

    { ngx_string("marketing"), ngx_string("en"),
      ngx_string(PRIVACY_WORDS_EN_MARKETING),
      ngx_string(PRIVACY_WORDS_EN_MARKETING_TEXT), NULL, 0 },
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
