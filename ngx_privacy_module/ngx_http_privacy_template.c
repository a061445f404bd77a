
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
#include "privacy_form.h"


/*
 * What a consent form body keeps, beyond the builtin form's fields, for
 * fields of a file banner's own (form-encoded): the return path gets the
 * rest.
 */
#define NGX_HTTP_PRIVACY_FORM_OWN  256


typedef struct {
    ngx_str_t                       lang;
    ngx_str_t                       file;
    ngx_str_t                       text;
} ngx_http_privacy_banner_file_t;


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


static ngx_http_privacy_strings_t *ngx_http_privacy_builtin_strings_of(
    ngx_str_t *lang);
static ngx_int_t ngx_http_privacy_banner_add(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_str_t *template, ngx_http_privacy_strings_t *strings);
static ngx_int_t ngx_http_privacy_builtin_template(ngx_conf_t *cf,
    ngx_http_privacy_strings_t *s, ngx_str_t *out);
static ngx_int_t ngx_http_privacy_banner_compile(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *strings, ngx_str_t *template,
    ngx_array_t **parts);
static ngx_int_t ngx_http_privacy_category_fill(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *lang,
    ngx_http_privacy_strings_t *strings, ngx_uint_t flags, ngx_str_t *out);
static ngx_int_t ngx_http_privacy_category_texts_check(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *conf);
static void ngx_http_privacy_category_words(ngx_http_privacy_loc_conf_t *plcf,
    ngx_uint_t i, ngx_str_t *lang, ngx_str_t *label, ngx_str_t *description);
static ngx_int_t ngx_http_privacy_language_tag(ngx_str_t *lang);
static ngx_int_t ngx_http_privacy_banner_category_inputs(ngx_conf_t *cf,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *out);
static u_char *ngx_http_privacy_conf_escape(ngx_conf_t *cf, ngx_str_t *src,
    ngx_str_t *dst);
static ngx_int_t ngx_http_privacy_qvalue(u_char *p, u_char *last);


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
                 "them here:") },

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
                 "Sie es hier nicht erlauben:") },

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
                 "vous ne l'autorisez pas ici :") }
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

static ngx_http_privacy_strings_t *
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

static ngx_int_t
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
                                        &ngx_http_privacy_builtin_strings[0])
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        return NGX_CONF_OK;
    }

    for (i = 0; i < sizeof(ngx_http_privacy_builtin_strings)
                    / sizeof(ngx_http_privacy_strings_t); i++)
    {
        strings = &ngx_http_privacy_builtin_strings[i];

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

    en = &ngx_http_privacy_builtin_strings[0].lang;
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
    ngx_uint_t                       i;
    ngx_http_privacy_banner_lang_t  *bl;

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

    return ngx_http_privacy_banner_compile(cf, plcf, lang, strings, template,
                                           &bl->parts);
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
        "<a href=\"{{consent_url}}\">%V</a></p>"
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
        "</div></form></div>";

    len = sizeof(fmt) + s->lang.len + s->title.len + s->text.len
          + s->policy.len + s->settings.len + s->legend.len + s->accept.len
          + s->reject.len + s->save.len;

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;
    out->len = ngx_snprintf(p, len, (char *) fmt, &s->lang, &s->title,
                            &s->text, &s->policy, &s->settings, &s->legend,
                            &s->accept, &s->reject, &s->save)
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
    ngx_array_t **parts)
{
    u_char       *p, *last, *start, *buf;
    size_t        len;
    ngx_str_t    *part, inputs, policy_url, consent_url, css_url, js_url,
                 details, essential, *fill[8];
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
        ngx_string("{{category_essential}}")
    };

    fill[0] = &policy_url;
    fill[1] = &consent_url;
    fill[2] = &inputs;
    fill[3] = NULL;
    fill[4] = &css_url;
    fill[5] = &js_url;
    fill[6] = &details;
    fill[7] = &essential;

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

    for (i = 0; i < 8; i++) {
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

        for (i = 0; i < 8; i++) {
            if ((size_t) (last - p) >= names[i].len
                && ngx_strncmp(p, names[i].data, names[i].len) == 0)
            {
                break;
            }
        }

        if (i < 8) {
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

        for (i = 0; i < 8; i++) {
            if ((size_t) (last - p) >= names[i].len
                && ngx_strncmp(p, names[i].data, names[i].len) == 0)
            {
                break;
            }
        }

        if (i == 8) {
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
    privacy_match_name_t          *exact;
    ngx_http_privacy_category_t   *cat;

    if (plcf->categories == NULL) {
        return 0;
    }

    cat = plcf->categories->categories.elts;
    exact = plcf->categories->exact.elts;
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

        /*
         * the cookie names as configured; the patterns are compiled
         * before this is made and their text is not kept by the category
         * list (a hook: list them here once it keeps them)
         */
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


/* the weight of ";q=0.8" in thousandths; a weight that does not parse is 0 */

static ngx_int_t
ngx_http_privacy_qvalue(u_char *p, u_char *last)
{
    ngx_int_t   q, scale;

    while (p < last && *p == ' ') {
        p++;
    }

    if (last - p < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '='
        || (p[2] != '0' && p[2] != '1'))
    {
        return 0;
    }

    q = (p[2] - '0') * 1000;
    p += 3;

    if (p < last && *p == '.') {
        p++;

        for (scale = 100; scale && p < last && *p >= '0' && *p <= '9';
             scale /= 10)
        {
            q += (*p++ - '0') * scale;
        }
    }

    return ngx_min(q, 1000);
}


/*
 * The banner in the visitor's language: the Accept-Language entry with the
 * highest q whose primary subtag has a banner, otherwise the default.
 */

ngx_http_privacy_banner_lang_t *
ngx_http_privacy_banner_pick(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf)
{
    u_char                          *p, *last, *tag, *tag_end;
    ngx_int_t                        q, best_q;
    ngx_uint_t                       i;
    ngx_table_elt_t                 *h;
    ngx_http_privacy_banner_lang_t  *bl, *best;

    bl = plcf->banners->elts;
    best = &bl[plcf->banner_default];

    h = ngx_http_privacy_find_header(r, (u_char *) "Accept-Language",
                                     sizeof("Accept-Language") - 1);
    if (h == NULL) {
        return best;
    }

    best_q = 0;
    p = h->value.data;
    last = p + h->value.len;

    while (p < last) {

        while (p < last && (*p == ' ' || *p == ',')) {
            p++;
        }

        tag = p;

        while (p < last && *p != '-' && *p != ';' && *p != ','
               && *p != ' ')
        {
            p++;
        }

        tag_end = p;

        /* the rest of the tag, then ";q=0.8" */
        while (p < last && *p != ';' && *p != ',') {
            p++;
        }

        q = 1000;

        if (p < last && *p == ';') {
            q = ngx_http_privacy_qvalue(p + 1, last);

            while (p < last && *p != ',') {
                p++;
            }
        }

        if (q <= best_q || tag_end == tag) {
            continue;
        }

        for (i = 0; i < plcf->banners->nelts; i++) {
            if (bl[i].lang.len == (size_t) (tag_end - tag)
                && ngx_strncasecmp(bl[i].lang.data, tag, tag_end - tag) == 0)
            {
                best = &bl[i];
                best_q = q;
                break;
            }
        }
    }

    return best;
}


/*
 * The return path the banner carries on this page, HTML-escaped for its
 * attribute: privacy_banner_return_path() of the request target, with a
 * form body's room less what the rest of the form may take with every box
 * ticked ("action=accept_all", an "&category=NAME" per optional category,
 * "&return=") and NGX_HTTP_PRIVACY_FORM_OWN for a file banner's own
 * fields.  Whatever the page, the endpoint takes the form and redirects.
 */

ngx_int_t
ngx_http_privacy_banner_return(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *escaped)
{
    u_char                       *p;
    size_t                        len, rest;
    ngx_uint_t                    i;
    ngx_http_privacy_category_t  *cat;
    u_char                        path[PRIVACY_RETURN_PATH_MAX];

    rest = sizeof("action=accept_all&return=") - 1
           + NGX_HTTP_PRIVACY_FORM_OWN;

    if (plcf->categories) {
        cat = plcf->categories->categories.elts;

        for (i = 0; i < plcf->categories->categories.nelts; i++) {
            if (!cat[i].essential) {
                rest += sizeof("&category=") - 1 + cat[i].name.len;
            }
        }
    }

    /* at most 25 + 256 + 30 * (10 + 32) bytes: room is left */

    len = privacy_banner_return_path(path, r->unparsed_uri.data,
                                     r->unparsed_uri.len,
                                     PRIVACY_FORM_BODY_MAX - rest);

    escaped->len = privacy_html_escape(NULL, path, len);

    p = ngx_pnalloc(r->pool, escaped->len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    (void) privacy_html_escape(p, path, len);
    escaped->data = p;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "privacy banner: return path \"%*s\"", len, path);

    return NGX_OK;
}


/* the exact bytes of the banner served for RETURN_PATH (not escaped) */

ngx_int_t
ngx_http_privacy_banner_text(ngx_http_request_t *r,
    ngx_http_privacy_loc_conf_t *plcf, ngx_str_t *return_path,
    ngx_str_t *text)
{
    u_char                          *p;
    size_t                           len, escaped;
    ngx_str_t                       *part;
    ngx_uint_t                       i, n;
    ngx_http_privacy_banner_lang_t  *bl;

    if (plcf->banner == NGX_HTTP_PRIVACY_BANNER_OFF) {
        /* the site shows its own: the record says no banner was served */
        ngx_str_null(text);
        return NGX_OK;
    }

    bl = ngx_http_privacy_banner_pick(r, plcf);

    part = bl->parts->elts;
    n = bl->parts->nelts;

    escaped = privacy_html_escape(NULL, return_path->data, return_path->len);
    len = escaped * (n - 1);

    for (i = 0; i < n; i++) {
        len += part[i].len;
    }

    p = ngx_pnalloc(r->pool, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    text->data = p;

    for (i = 0; i < n; i++) {
        if (i) {
            p += privacy_html_escape(p, return_path->data, return_path->len);
        }

        p = ngx_cpymem(p, part[i].data, part[i].len);
    }

    text->len = p - text->data;

    return NGX_OK;
}
