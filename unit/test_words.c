
/*
 * Unit tests: privacy_words.c
 */


#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_words.h"


static void
test_builtin(void)
{
    const privacy_words_t  *w;

    w = privacy_words_builtin(0);
    CHECK(w != NULL);
    CHECK_STR(w->lang.data, w->lang.len, "en");
    CHECK_STR(w->title.data, w->title.len, PRIVACY_WORDS_EN_TITLE);
    CHECK(privacy_words_builtin(3) == NULL);

    w = privacy_words_of(S("de"));
    CHECK_STR(w->lang.data, w->lang.len, "de");

    w = privacy_words_of(S("fr"));
    CHECK_STR(w->lang.data, w->lang.len, "fr");

    /* a language without builtin words speaks English */
    w = privacy_words_of(S("xx"));
    CHECK_STR(w->lang.data, w->lang.len, "en");
    w = privacy_words_of(S(""));
    CHECK_STR(w->lang.data, w->lang.len, "en");
}


static void
test_language(void)
{
    unsigned char  l[16];

    memcpy(l, "DE", 2);
    CHECK_INT(privacy_words_language(l, 2), 0);
    CHECK_STR(l, 2, "de");

    memcpy(l, "abcdefgh", 8);
    CHECK_INT(privacy_words_language(l, 8), 0);
    memcpy(l, "abcdefghi", 9);
    CHECK_INT(privacy_words_language(l, 9), -1);
    CHECK_INT(privacy_words_language(l, 0), -1);
    memcpy(l, "de-AT", 5);
    CHECK_INT(privacy_words_language(l, 5), -1);
    memcpy(l, "d1", 2);
    CHECK_INT(privacy_words_language(l, 2), -1);
    memcpy(l, "d\xc3", 2);
    CHECK_INT(privacy_words_language(l, 2), -1);
}


static void
test_category(void)
{
    privacy_text_t           label, desc;
    privacy_category_text_t  t[2];

    memset(t, 0, sizeof(t));
    t[0].category.data = (const unsigned char *) "analytics";
    t[0].category.len = 9;
    t[0].lang.data = (const unsigned char *) "de";
    t[0].lang.len = 2;
    t[0].label.data = (const unsigned char *) "Analyse";
    t[0].label.len = 7;
    t[0].description.data = (const unsigned char *) "";
    t[0].description.len = 0;
    t[1] = t[0];
    t[1].category.data = (const unsigned char *) "stats";
    t[1].category.len = 5;
    t[1].lang.data = (const unsigned char *) "en";
    t[1].label.data = (const unsigned char *) "Stats";
    t[1].label.len = 5;

    /* configured first */
    privacy_words_category(t, 2, S("analytics"), S("de"), &label, &desc);
    CHECK_STR(label.data, label.len, "Analyse");
    CHECK_INT(desc.len, 0);

    /* builtin in the language, then English */
    privacy_words_category(t, 2, S("analytics"), S("fr"), &label, &desc);
    CHECK_STR(label.data, label.len, "Mesure d'audience");
    privacy_words_category(t, 2, S("analytics"), S("xx"), &label, &desc);
    CHECK_STR(label.data, label.len, PRIVACY_WORDS_EN_ANALYTICS);
    CHECK_STR(desc.data, desc.len, PRIVACY_WORDS_EN_ANALYTICS_TEXT);
    privacy_words_category(NULL, 0, S("analytics"), NULL, 0, &label, &desc);
    CHECK_STR(label.data, label.len, PRIVACY_WORDS_EN_ANALYTICS);

    /* configured in English for another language */
    privacy_words_category(t, 2, S("stats"), S("de"), &label, &desc);
    CHECK_STR(label.data, label.len, "Stats");

    /* the name itself */
    privacy_words_category(t, 2, S("other"), S("de"), &label, &desc);
    CHECK_STR(label.data, label.len, "other");
    CHECK_INT(desc.len, 0);
}


/* every language of an Accept-Language value, "tag=q " each */

static size_t
accept_all(const char *v, char *out)
{
    size_t                tag_len, n;
    unsigned              q;
    const unsigned char  *p, *last, *tag;

    p = (const unsigned char *) v;
    last = p + strlen(v);
    n = 0;

    while (privacy_words_accept_next(&p, last, &tag, &tag_len, &q)) {
        memcpy(out + n, tag, tag_len);
        n += tag_len;
        n += sprintf(out + n, "=%u ", q);
    }

    return n;
}


static void
test_accept(void)
{
    size_t          n, tag_len;
    unsigned        q;
    char            out[512];
    unsigned char  *v;
    const unsigned char  *p, *tag;

    n = accept_all("de-AT, fr;q=0.8 , en;q=0.1", out);
    CHECK_STR(out, n, "de=1000 fr=800 en=100 ");

    n = accept_all("de;q=1.5,fr;q=x,en;Q=0.123456,*;q=0", out);
    CHECK_STR(out, n, "de=1000 fr=0 en=123 *=0 ");

    n = accept_all(",,; ;q=1,-x", out);
    CHECK_STR(out, n, "=0 =1000 ");

    n = accept_all("", out);
    CHECK_INT(n, 0);

    n = accept_all("en;q=", out);
    CHECK_STR(out, n, "en=0 ");

    /* a long value, exactly sized, for ASan: one tag of it all */
    v = malloc(4096);
    if (!CHECK(v != NULL)) {
        return;
    }

    memset(v, 'a', 4096);
    p = v;
    CHECK_INT(privacy_words_accept_next(&p, v + 4096, &tag, &tag_len, &q),
              1);
    CHECK_INT(tag_len, 4096);
    CHECK_INT(privacy_words_accept_next(&p, v + 4096, &tag, &tag_len, &q),
              0);

    memset(v, ';', 4096);
    p = v;
    CHECK_INT(privacy_words_accept_next(&p, v + 4096, &tag, &tag_len, &q),
              1);
    CHECK_INT(q, 0);

    free(v);
}


int
main(void)
{
    test_builtin();
    test_language();
    test_category();
    test_accept();

    return unit_done();
}
