
/*
 * Where Google Consent Mode's script goes in a page (privacy_consent_mode.h).
 *
 * The banner's tokenizer is followed a byte at a time, the bytes that
 * change nothing (text, quoted values, comments) skipped: the point is
 * near the start of most pages (after "<!DOCTYPE html><html><head>"), and
 * the matcher stops there.  A page with no head, body or script start tag
 * is read to its end.
 */


#include <string.h>

#include "privacy_consent_mode.h"


#define privacy_consent_mode_ws(c)                                           \
    ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r' || (c) == '\f')


static int privacy_consent_mode_alive(const privacy_banner_t *t,
    int state);
static int privacy_consent_mode_name(const privacy_banner_t *t,
    const char *name, size_t len);


void
privacy_consent_mode_init(privacy_consent_mode_t *m)
{
    memset(m, 0, sizeof(privacy_consent_mode_t));

    /* BODY_START: the tokenizer says where <body ...> ends; noscript is
     * raw text, as in a browser with scripts */
    privacy_banner_init(&m->tok, PRIVACY_BANNER_BODY_START);
}


static int
privacy_consent_mode_name(const privacy_banner_t *t, const char *name,
    size_t len)
{
    return t->name_len == len && memcmp(t->name, name, len) == 0;
}


/* whether the bytes since the last '<' may still be "<script" */

static int
privacy_consent_mode_alive(const privacy_banner_t *t, int state)
{
    switch (state) {

    case PRIVACY_BANNER_TAG_LT:
        return 1;

    case PRIVACY_BANNER_TAG_NAME:
        return t->name_len <= 6 && memcmp(t->name, "script", t->name_len) == 0;

    default:
        return 0;
    }
}


void
privacy_consent_mode_scan(privacy_consent_mode_t *m, const unsigned char *buf,
    size_t len, privacy_banner_result_t *r)
{
    int            in_held, state, prev, live;
    size_t         i, old, cand;
    unsigned char  c;

    r->pre = m->emit;
    r->pre_len = 0;
    r->pass = len;
    r->found = 0;
    r->post = m->emit;
    r->post_len = 0;

    /* an empty buffer (buf may be NULL) leaves the held bytes held */
    if (m->done || len == 0) {
        return;
    }

    old = m->held_len;
    memcpy(m->emit, m->held, old);
    m->held_len = 0;

    /* the candidate "<script" starts in the held bytes, or at buf[cand] */
    in_held = (old != 0);
    cand = len;

    state = privacy_banner_tag_state(&m->tok);

    for (i = 0; i < len; i++) {

        if (state == PRIVACY_BANNER_TAG_NONE && !in_held && cand == len) {
            /* no candidate: what changes nothing is skipped */
            i += privacy_banner_skip(&m->tok, buf + i, len - i);

            if (i == len) {
                break;
            }
        }

        c = buf[i];

        /* a start tag's elements count outside templates and svg, math */
        live = (m->tok.templates == 0 && m->tok.foreign == 0);

        if (state == PRIVACY_BANNER_TAG_NAME && live
            && (privacy_consent_mode_ws(c) || c == '/' || c == '>')
            && privacy_consent_mode_name(&m->tok, "script", 6))
        {
            /* before the '<' of the first script */
            m->done = 1;
            r->found = 1;

            if (in_held) {
                r->post_len = old;
                r->pass = 0;

            } else {
                r->pre_len = old;
                r->pass = cand;
            }

            return;
        }

        if (privacy_banner_step(&m->tok, c) != 0) {
            /* after the '>' of <body ...> */
            goto after;
        }

        prev = state;
        state = privacy_banner_tag_state(&m->tok);

        if ((prev == PRIVACY_BANNER_TAG_NAME
             || prev == PRIVACY_BANNER_TAG_ATTRS)
            && state == PRIVACY_BANNER_TAG_NONE && live && c == '>'
            && privacy_consent_mode_name(&m->tok, "head", 4))
        {
            /* after the '>' of <head ...> */
            goto after;
        }

        if (c == '<' && state == PRIVACY_BANNER_TAG_LT) {
            in_held = 0;
            cand = i;

        } else if ((in_held || cand != len)
                   && !privacy_consent_mode_alive(&m->tok, state))
        {
            in_held = 0;
            cand = len;
        }
    }

    if (in_held) {
        memcpy(m->held, m->emit, old);
        memcpy(m->held + old, buf, len);
        m->held_len = (unsigned char) (old + len);
        r->pass = 0;
        return;
    }

    r->pre_len = old;
    r->pass = cand;

    if (cand < len) {
        memcpy(m->held, buf + cand, len - cand);
        m->held_len = (unsigned char) (len - cand);
    }

    return;

after:

    /* a tag that is no "<script" ended here: nothing is held */
    m->done = 1;
    m->after = 1;
    r->found = 1;
    r->pre_len = old;
    r->pass = i + 1;
}


int
privacy_consent_mode_after(const privacy_consent_mode_t *m)
{
    return m->after;
}


size_t
privacy_consent_mode_held(const privacy_consent_mode_t *m)
{
    return m->held_len;
}


size_t
privacy_consent_mode_finish(privacy_consent_mode_t *m,
    const unsigned char **held)
{
    size_t  n;

    n = m->held_len;
    memcpy(m->emit, m->held, n);

    m->held_len = 0;
    m->done = 1;

    *held = m->emit;

    return n;
}


static void
privacy_consent_mode_scan_any(void *m, const unsigned char *buf, size_t len,
    privacy_banner_result_t *r)
{
    privacy_consent_mode_scan(m, buf, len, r);
}


static size_t
privacy_consent_mode_finish_any(void *m, const unsigned char **held)
{
    return privacy_consent_mode_finish(m, held);
}


size_t
privacy_consent_mode_insert(unsigned char *dst, const unsigned char *page,
    size_t len, const unsigned char *tag, size_t tag_len, const size_t *cuts,
    size_t ncuts, int *found)
{
    privacy_consent_mode_t  m;

    privacy_consent_mode_init(&m);

    return privacy_banner_insert_with(&m, privacy_consent_mode_scan_any,
                                      privacy_consent_mode_finish_any, dst,
                                      page, len, tag, tag_len, cuts, ncuts,
                                      found);
}
