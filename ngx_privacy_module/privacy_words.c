
/*
 * The words of the banner and the settings page: the builtin ones in
 * English, German and French, each category's label and description, and
 * the languages a visitor's Accept-Language prefers.  Both servers'
 * modules speak with these, so a banner is the same bytes on either.
 */


#include <string.h>

#include "privacy_words.h"


/* the builtin languages; the first is the default */

static const privacy_words_t  privacy_words_builtin_table[] = {

    { privacy_text("en"),
      privacy_text(PRIVACY_WORDS_EN_TITLE),
      privacy_text(PRIVACY_WORDS_EN_TEXT),
      privacy_text(PRIVACY_WORDS_EN_POLICY),
      privacy_text(PRIVACY_WORDS_EN_SETTINGS),
      privacy_text(PRIVACY_WORDS_EN_LEGEND),
      privacy_text(PRIVACY_WORDS_EN_ACCEPT),
      privacy_text(PRIVACY_WORDS_EN_REJECT),
      privacy_text(PRIVACY_WORDS_EN_SAVE),
      privacy_text("Withdraw my consent"),
      privacy_text("Your current choice"),
      privacy_text("You have not made a choice yet."),
      privacy_text("Allowed"),
      privacy_text("Refused"),
      privacy_text(PRIVACY_WORDS_EN_NONE),
      privacy_text("Made on"),
      privacy_text(PRIVACY_WORDS_EN_DETAILS),
      privacy_text(PRIVACY_WORDS_EN_COOKIES),
      privacy_text(PRIVACY_WORDS_EN_ESSENTIAL),
      privacy_text(PRIVACY_WORDS_EN_GPC),
      privacy_text("Your browser sends the Global Privacy Control signal. "
                 "It is honoured: these stay refused unless you allow "
                 "them here:"),
      privacy_text(PRIVACY_WORDS_EN_SAVED),
      privacy_text("Back to the site"),
      privacy_text(PRIVACY_WORDS_EN_HOSTS) },

    { privacy_text("de"),
      privacy_text("Ihre Datenschutz-Einstellungen"),
      privacy_text("Diese Website verwendet Cookies, die sie zum "
                 "Funktionieren braucht. Mit Ihrer Einwilligung verwendet "
                 "sie auch die folgenden Cookies. Keines davon wird "
                 "gesetzt, bevor Sie wählen, und Sie können Ihre Wahl "
                 "jederzeit ändern."),
      privacy_text("Datenschutzerklärung lesen"),
      privacy_text("Datenschutz-Einstellungen"),
      privacy_text("Optionale Cookies"),
      privacy_text("Alle akzeptieren"),
      privacy_text("Alle ablehnen"),
      privacy_text("Auswahl speichern"),
      privacy_text("Einwilligung widerrufen"),
      privacy_text("Ihre aktuelle Wahl"),
      privacy_text("Sie haben noch keine Wahl getroffen."),
      privacy_text("Erlaubt"),
      privacy_text("Abgelehnt"),
      privacy_text("keine"),
      privacy_text("Getroffen am"),
      privacy_text("Details"),
      privacy_text("Cookies"),
      privacy_text("Immer aktiv: die Website braucht sie zum "
                 "Funktionieren."),
      privacy_text("Das Global-Privacy-Control-Signal Ihres Browsers lehnt "
                 "dies ab, solange Sie es hier nicht erlauben."),
      privacy_text("Ihr Browser sendet das Global-Privacy-Control-Signal. "
                 "Es wird beachtet: Folgendes bleibt abgelehnt, solange "
                 "Sie es hier nicht erlauben:"),
      privacy_text("Ihre Wahl ist gespeichert. Sie gilt ab jetzt, und Sie "
                 "können sie hier jederzeit ändern."),
      privacy_text("Zurück zur Website"),
      privacy_text("Drittanbieter") },

    { privacy_text("fr"),
      privacy_text("Vos choix de confidentialité"),
      privacy_text("Ce site utilise les cookies nécessaires à son "
                 "fonctionnement. Avec votre consentement, il utilise "
                 "aussi les cookies ci-dessous. Aucun n'est déposé avant "
                 "votre choix, et vous pouvez changer d'avis à tout "
                 "moment."),
      privacy_text("Lire la politique de confidentialité"),
      privacy_text("Paramètres de confidentialité"),
      privacy_text("Cookies facultatifs"),
      privacy_text("Tout accepter"),
      privacy_text("Tout refuser"),
      privacy_text("Enregistrer mes choix"),
      privacy_text("Retirer mon consentement"),
      privacy_text("Votre choix actuel"),
      privacy_text("Vous n'avez pas encore fait de choix."),
      privacy_text("Autorisés"),
      privacy_text("Refusés"),
      privacy_text("aucun"),
      privacy_text("Fait le"),
      privacy_text("Détails"),
      privacy_text("Cookies"),
      privacy_text("Toujours actifs : le site en a besoin pour "
                 "fonctionner."),
      privacy_text("Le signal Global Privacy Control de votre navigateur "
                 "refuse ceci tant que vous ne l'autorisez pas ici."),
      privacy_text("Votre navigateur envoie le signal Global Privacy "
                 "Control. Il est respecté : ceci reste refusé tant que "
                 "vous ne l'autorisez pas ici :"),
      privacy_text("Votre choix est enregistré. Il s'applique dès "
                 "maintenant, et vous pouvez le changer ici à tout "
                 "moment."),
      privacy_text("Retour au site"),
      privacy_text("Tiers") }
};


static const privacy_category_text_t  privacy_words_builtin_texts[] = {

    { privacy_text("necessary"), privacy_text("en"),
      privacy_text(PRIVACY_WORDS_EN_NECESSARY),
      privacy_text(PRIVACY_WORDS_EN_NECESSARY_TEXT), NULL, 0 },
    { privacy_text("necessary"), privacy_text("de"), privacy_text("Notwendig"),
      privacy_text("Cookies, die die Website zum Funktionieren braucht, "
                 "etwa Ihre Sitzung und diese Auswahl."), NULL, 0 },
    { privacy_text("necessary"), privacy_text("fr"),
      privacy_text("Nécessaires"),
      privacy_text("Cookies dont le site a besoin pour fonctionner, comme "
                 "votre session et ce choix."), NULL, 0 },

    { privacy_text("preferences"), privacy_text("en"),
      privacy_text(PRIVACY_WORDS_EN_PREFERENCES),
      privacy_text(PRIVACY_WORDS_EN_PREFERENCES_TEXT), NULL, 0 },
    { privacy_text("preferences"), privacy_text("de"),
      privacy_text("Präferenzen"),
      privacy_text("Speichern Ihre Einstellungen, etwa Sprache oder "
                 "Darstellung, zwischen Besuchen."), NULL, 0 },
    { privacy_text("preferences"), privacy_text("fr"),
      privacy_text("Préférences"),
      privacy_text("Mémorisent vos réglages, comme la langue ou "
                 "l'affichage, d'une visite à l'autre."), NULL, 0 },

    { privacy_text("analytics"), privacy_text("en"),
      privacy_text(PRIVACY_WORDS_EN_ANALYTICS),
      privacy_text(PRIVACY_WORDS_EN_ANALYTICS_TEXT), NULL, 0 },
    { privacy_text("analytics"), privacy_text("de"), privacy_text("Statistik"),
      privacy_text("Messen, wie die Website genutzt wird, etwa die "
                 "besuchten Seiten, um sie zu verbessern."), NULL, 0 },
    { privacy_text("analytics"), privacy_text("fr"),
      privacy_text("Mesure d'audience"),
      privacy_text("Mesurent l'utilisation du site, comme les pages "
                 "visitées, pour l'améliorer."), NULL, 0 },

    { privacy_text("marketing"), privacy_text("en"),
      privacy_text(PRIVACY_WORDS_EN_MARKETING),
      privacy_text(PRIVACY_WORDS_EN_MARKETING_TEXT), NULL, 0 },
    { privacy_text("marketing"), privacy_text("de"), privacy_text("Marketing"),
      privacy_text("Erlauben Werbepartnern, Sie über Websites hinweg "
                 "wiederzuerkennen, um Werbung nach Ihren Interessen zu "
                 "zeigen."), NULL, 0 },
    { privacy_text("marketing"), privacy_text("fr"), privacy_text("Marketing"),
      privacy_text("Permettent à des partenaires publicitaires de vous "
                 "reconnaître d'un site à l'autre pour afficher des "
                 "publicités selon vos centres d'intérêt."), NULL, 0 }
};


const privacy_words_t *
privacy_words_builtin(size_t i)
{
    if (i >= sizeof(privacy_words_builtin_table) / sizeof(privacy_words_t)) {
        return NULL;
    }

    return &privacy_words_builtin_table[i];
}


const privacy_words_t *
privacy_words_of(const unsigned char *lang, size_t len)
{
    size_t                  i;
    const privacy_words_t  *w;

    for (i = 0; (w = privacy_words_builtin(i)); i++) {
        if (w->lang.len == len && memcmp(w->lang.data, lang, len) == 0) {
            return w;
        }
    }

    return &privacy_words_builtin_table[0];
}


int
privacy_words_language(unsigned char *lang, size_t len)
{
    size_t  i;

    if (len == 0 || len > PRIVACY_WORDS_LANG_MAX) {
        return -1;
    }

    for (i = 0; i < len; i++) {
        if (lang[i] >= 'A' && lang[i] <= 'Z') {
            lang[i] = (unsigned char) (lang[i] - 'A' + 'a');

        } else if (lang[i] < 'a' || lang[i] > 'z') {
            return -1;
        }
    }

    return 0;
}


void
privacy_words_category(const privacy_category_text_t *texts, size_t n,
    const unsigned char *name, size_t name_len, const unsigned char *lang,
    size_t lang_len, privacy_text_t *label, privacy_text_t *description)
{
    size_t                          k, pass, count;
    const unsigned char            *want;
    size_t                          want_len;
    const privacy_category_text_t  *t;

    for (pass = 0; pass < 4; pass++) {

        if (pass < 2 && lang_len) {
            want = lang;
            want_len = lang_len;

        } else {
            want = (const unsigned char *) "en";
            want_len = 2;
        }

        if (pass % 2 == 0) {
            t = texts;
            count = texts ? n : 0;

        } else {
            t = privacy_words_builtin_texts;
            count = sizeof(privacy_words_builtin_texts)
                    / sizeof(privacy_category_text_t);
        }

        for (k = 0; k < count; k++) {
            if (t[k].category.len == name_len
                && memcmp(t[k].category.data, name, name_len) == 0
                && t[k].lang.len == want_len
                && memcmp(t[k].lang.data, want, want_len) == 0)
            {
                *label = t[k].label;
                *description = t[k].description;
                return;
            }
        }
    }

    label->data = name;
    label->len = name_len;
    description->data = NULL;
    description->len = 0;
}


/* the weight of "q=0.8" at p in thousandths; one that does not parse is 0 */

static unsigned
privacy_words_qvalue(const unsigned char *p, const unsigned char *last)
{
    unsigned  q, scale;

    while (p < last && *p == ' ') {
        p++;
    }

    if (last - p < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '='
        || (p[2] != '0' && p[2] != '1'))
    {
        return 0;
    }

    q = (unsigned) (p[2] - '0') * 1000;
    p += 3;

    if (p < last && *p == '.') {
        p++;

        for (scale = 100; scale && p < last && *p >= '0' && *p <= '9';
             scale /= 10)
        {
            q += (unsigned) (*p++ - '0') * scale;
        }
    }

    return q < 1000 ? q : 1000;
}


int
privacy_words_accept_next(const unsigned char **pos,
    const unsigned char *last, const unsigned char **tag, size_t *tag_len,
    unsigned *q)
{
    const unsigned char  *p, *start;

    p = *pos;

    while (p < last && (*p == ' ' || *p == ',')) {
        p++;
    }

    if (p == last) {
        *pos = p;
        return 0;
    }

    start = p;

    while (p < last && *p != '-' && *p != ';' && *p != ',' && *p != ' ') {
        p++;
    }

    *tag = start;
    *tag_len = p - start;

    /* the rest of the tag, then ";q=0.8" */
    while (p < last && *p != ';' && *p != ',') {
        p++;
    }

    *q = 1000;

    if (p < last && *p == ';') {
        *q = privacy_words_qvalue(p + 1, last);

        while (p < last && *p != ',') {
            p++;
        }
    }

    *pos = p;

    return 1;
}
