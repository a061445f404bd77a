
/*
 * The words of the banner and the settings page, shared by the nginx
 * module and mod_privacy: the builtin ones in English, German and French,
 * each category's label and description (configured, or builtin), the
 * language tags of the configuration, and the languages of an
 * Accept-Language header.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 */


#ifndef PRIVACY_WORDS_H_INCLUDED_
#define PRIVACY_WORDS_H_INCLUDED_


#include <stddef.h>

#include "privacy_template.h"


/* a category text's bounds: a label is short, a description a few
 * sentences */
#define PRIVACY_WORDS_LABEL_MAX        64
#define PRIVACY_WORDS_DESCRIPTION_MAX  512

/* a language is a language tag's primary subtag: 1 to 8 letters */
#define PRIVACY_WORDS_LANG_MAX         8


/* a string literal as a privacy_text_t initializer */
#define privacy_text(s)  { (const unsigned char *) (s), sizeof(s) - 1 }


/* what the builtin banner and the settings page say, in one language */
typedef struct {
    privacy_text_t        lang;
    privacy_text_t        title;
    privacy_text_t        text;
    privacy_text_t        policy;
    privacy_text_t        settings;
    privacy_text_t        legend;
    privacy_text_t        accept;
    privacy_text_t        reject;
    privacy_text_t        save;
    privacy_text_t        withdraw;
    privacy_text_t        current;
    privacy_text_t        undecided;
    privacy_text_t        granted;
    privacy_text_t        refused;
    privacy_text_t        none;
    privacy_text_t        made_on;
    privacy_text_t        details;
    privacy_text_t        cookies;
    privacy_text_t        essential;
    privacy_text_t        gpc;         /* one category */
    privacy_text_t        gpc_sent;    /* the request's signal */
    privacy_text_t        saved;       /* after a decision */
    privacy_text_t        back;        /* a link to the site */
    privacy_text_t        hosts;       /* "Third parties" */
} privacy_words_t;


/* a category's words in one language: configured, or builtin */
typedef struct {
    privacy_text_t        category;
    privacy_text_t        lang;
    privacy_text_t        label;
    privacy_text_t        description;
    const char           *file;        /* where it is configured, for the */
    unsigned              line;        /* configuration check's messages */
} privacy_category_text_t;


/* the i-th builtin language's words, English first; NULL past the last */
const privacy_words_t *privacy_words_builtin(size_t i);

/* the builtin words of a language, English when it has none */
const privacy_words_t *privacy_words_of(const unsigned char *lang,
    size_t len);

/*
 * A language of the configuration (privacy_banner_language,
 * privacy_category_text): 1 to PRIVACY_WORDS_LANG_MAX ASCII letters,
 * lowercased in place.  Returns 0, or -1 when it is not one.
 */
int privacy_words_language(unsigned char *lang, size_t len);

/*
 * A category's label and description in a language: texts[0 .. n) for it,
 * the builtin words for it, then the same in English, then the name itself
 * without a description (description->len 0).
 */
void privacy_words_category(const privacy_category_text_t *texts, size_t n,
    const unsigned char *name, size_t name_len, const unsigned char *lang,
    size_t lang_len, privacy_text_t *label, privacy_text_t *description);

/*
 * The next language of an Accept-Language value at *pos (before last):
 * its primary subtag (*tag, *tag_len; 0 for an empty one) and its weight
 * in thousandths (*q: 1000 without ";q=", 0 for a weight that does not
 * parse).  Returns 0 at the end of the value.
 */
int privacy_words_accept_next(const unsigned char **pos,
    const unsigned char *last, const unsigned char **tag, size_t *tag_len,
    unsigned *q);


#endif /* PRIVACY_WORDS_H_INCLUDED_ */
