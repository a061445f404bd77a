
/*
 * The banner's template, shared by the nginx module and mod_privacy: the
 * builtin banner's markup and English words, one category's part of the
 * category table, and the placeholder filling that makes a banner of a
 * template.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates
 * (each function counts with dst NULL, then writes).
 */


#ifndef PRIVACY_TEMPLATE_H_INCLUDED_
#define PRIVACY_TEMPLATE_H_INCLUDED_


#include <stddef.h>

#include "privacy_match.h"


typedef struct {
    const unsigned char  *data;
    size_t                len;
} privacy_text_t;


/*
 * A placeholder ("{{policy_url}}") and its fill, put as it is (the caller
 * escapes it).  A fill whose data is NULL cuts the result there instead.
 */
typedef struct {
    privacy_text_t        name;
    privacy_text_t        fill;
} privacy_template_fill_t;


/*
 * The builtin banner, with the placeholders of its words ({{lang}},
 * {{title}}, {{text}}, {{policy}}, {{settings}}, {{legend}}, {{accept}},
 * {{reject}}, {{save}}, {{saved}}: the note its script shows after a
 * decision) and those of any template, filled afterwards ({{gpc_note}}:
 * what the banner says to a browser sending Global Privacy Control).
 * Accept all and Reject all look and sit alike; the choices start
 * unticked; it works without script and holds nothing a strict
 * Content-Security-Policy blocks: its stylesheet and optional script are
 * external files served by the consent endpoint.
 */
#define PRIVACY_TEMPLATE_BUILTIN                                             \
    "<div id=\"privacy-banner\" class=\"privacy-banner\" lang=\"{{lang}}\" " \
    "role=\"dialog\" aria-modal=\"false\" "                                  \
    "aria-labelledby=\"privacy-banner-title\" "                              \
    "aria-describedby=\"privacy-banner-text\">"                              \
    "<link rel=\"stylesheet\" href=\"{{banner_css_url}}\">"                  \
    "<script src=\"{{banner_js_url}}\" defer></script>"                      \
    "<form class=\"privacy-banner__form\" method=\"post\" "                  \
    "action=\"{{consent_url}}\">"                                            \
    "<h2 id=\"privacy-banner-title\" class=\"privacy-banner__title\">"       \
    "{{title}}</h2>"                                                         \
    "<p id=\"privacy-banner-text\" class=\"privacy-banner__text\">{{text}} " \
    "<a href=\"{{policy_url}}\">{{policy}}</a> &middot; "                    \
    "<a href=\"{{consent_url}}\">{{settings}}</a></p>{{gpc_note}}"           \
    "<div class=\"privacy-banner__essential\">{{category_essential}}"        \
    "</div>"                                                                 \
    "<fieldset class=\"privacy-banner__choices\">"                           \
    "<legend>{{legend}}</legend>{{category_details}}</fieldset>"             \
    "<input type=\"hidden\" name=\"return\" value=\"{{return_path}}\">"      \
    "<div class=\"privacy-banner__actions\">"                                \
    "<button type=\"submit\" name=\"action\" value=\"accept_all\" "          \
    "class=\"privacy-banner__button\">{{accept}}</button>"                   \
    "<button type=\"submit\" name=\"action\" value=\"reject_all\" "          \
    "class=\"privacy-banner__button\">{{reject}}</button>"                   \
    "<button type=\"submit\" name=\"action\" value=\"save\" "                \
    "class=\"privacy-banner__button privacy-banner__button--save\">"         \
    "{{save}}</button>"                                                      \
    "</div></form>"                                                          \
    "<p class=\"privacy-banner__saved\" hidden>{{saved}} "                   \
    "<a href=\"{{consent_url}}\">{{settings}}</a></p></div>"


/* the builtin banner's English words, the default language's */
#define PRIVACY_WORDS_EN_TITLE     "Your privacy choices"
#define PRIVACY_WORDS_EN_TEXT                                                \
    "This site uses cookies it needs to work. With your consent it also "    \
    "uses the cookies below. None of them is set before you choose, and "    \
    "you can change your mind at any time."
#define PRIVACY_WORDS_EN_POLICY    "Read the privacy notice"
#define PRIVACY_WORDS_EN_SETTINGS  "Privacy settings"
#define PRIVACY_WORDS_EN_LEGEND    "Optional cookies"
#define PRIVACY_WORDS_EN_ACCEPT    "Accept all"
#define PRIVACY_WORDS_EN_REJECT    "Reject all"
#define PRIVACY_WORDS_EN_SAVE      "Save my choices"
#define PRIVACY_WORDS_EN_SAVED                                               \
    "Your choice is saved. It applies from now on, and you can change it "   \
    "here at any time."
#define PRIVACY_WORDS_EN_NONE      "none"
#define PRIVACY_WORDS_EN_DETAILS   "Details"
#define PRIVACY_WORDS_EN_COOKIES   "Cookies"
#define PRIVACY_WORDS_EN_HOSTS     "Third parties"
#define PRIVACY_WORDS_EN_ESSENTIAL "Always on: the site needs these to work."
#define PRIVACY_WORDS_EN_GPC                                                 \
    "Your browser's Global Privacy Control signal refuses this unless you "  \
    "allow it here."

/* the settings page's own English words */
#define PRIVACY_WORDS_EN_WITHDRAW  "Withdraw my consent"
#define PRIVACY_WORDS_EN_CURRENT   "Your current choice"
#define PRIVACY_WORDS_EN_UNDECIDED "You have not made a choice yet."
#define PRIVACY_WORDS_EN_GRANTED   "Allowed"
#define PRIVACY_WORDS_EN_REFUSED   "Refused"
#define PRIVACY_WORDS_EN_MADE_ON   "Made on"
#define PRIVACY_WORDS_EN_GPC_SENT                                            \
    "Your browser sends the Global Privacy Control signal. It is honoured: " \
    "these stay refused unless you allow them here:"
#define PRIVACY_WORDS_EN_BACK      "Back to the site"

/* the English words of the common categories: label, description */
#define PRIVACY_WORDS_EN_NECESSARY          "Necessary"
#define PRIVACY_WORDS_EN_NECESSARY_TEXT                                      \
    "Cookies the site needs to work, such as your session and this choice."
#define PRIVACY_WORDS_EN_PREFERENCES        "Preferences"
#define PRIVACY_WORDS_EN_PREFERENCES_TEXT                                    \
    "Remember your settings, such as language or layout, between visits."
#define PRIVACY_WORDS_EN_ANALYTICS          "Analytics"
#define PRIVACY_WORDS_EN_ANALYTICS_TEXT                                      \
    "Measure how the site is used, such as the pages visited, to improve it."
#define PRIVACY_WORDS_EN_MARKETING          "Marketing"
#define PRIVACY_WORDS_EN_MARKETING_TEXT                                      \
    "Let advertising partners recognise you across sites to show ads based " \
    "on your interests."


/* the words one category's part of the table uses, in its language */
typedef struct {
    privacy_text_t        details;
    privacy_text_t        essential;   /* "always on" */
    privacy_text_t        gpc;
    privacy_text_t        cookies;
    privacy_text_t        none;
    privacy_text_t        hosts;       /* "Third parties" */
} privacy_template_words_t;


/* a cookie pattern of a category as configured ("~^_ga") */
typedef struct {
    privacy_text_t        text;
    int                   category;
} privacy_template_pattern_t;


/* one category, as the banner and the settings page show it */
typedef struct {
    privacy_text_t        name;        /* letters, digits, '_', '-' */
    privacy_text_t        label;
    privacy_text_t        description; /* len 0: none */
    privacy_text_t        hosts;       /* its trackers' hosts as shown,
                                          len 0: none */
    int                   index;       /* the cookies of names[] with it */
    unsigned              essential:1;
    unsigned              input:1;     /* a checkbox, else a label */
    unsigned              checked:1;
    unsigned              gpc:1;       /* Global Privacy Control refuses it */
} privacy_template_category_t;


/*
 * A category's part of the table: its label, a checkbox (c->input, not for
 * an essential one) or the label alone, and a <details> with its
 * description, "always on" for an essential one, the GPC note, and the
 * names of names[0 .. n) of its index (the exact cookie names), then its
 * patterns[0 .. npatterns) as written, then the hosts of its trackers
 * (c->hosts, when there are some).  Labels, descriptions, words, names
 * and patterns are HTML-escaped.  With dst NULL returns the length only.
 */
size_t privacy_template_category(unsigned char *dst,
    const privacy_template_category_t *c, const privacy_template_words_t *w,
    const privacy_match_name_t *names, size_t n,
    const privacy_template_pattern_t *patterns, size_t npatterns);

/*
 * TPL with each placeholder of fills[0 .. nfills) replaced by its fill;
 * text that is no placeholder, "{{...}}" included, stays as it is.  A
 * fill with data NULL cuts instead: the offset in the result of each cut
 * is written to cuts[] (when not NULL) and their count to *ncuts.  With
 * dst NULL only counts.  Returns the result's length.
 */
size_t privacy_template_fill(unsigned char *dst, const unsigned char *tpl,
    size_t len, const privacy_template_fill_t *fills, size_t nfills,
    size_t *cuts, size_t *ncuts);


#endif /* PRIVACY_TEMPLATE_H_INCLUDED_ */
