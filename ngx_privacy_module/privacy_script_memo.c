
/*
 * A page's rewrite remembered: recorded while the rewriter runs, given
 * again for the same bytes (privacy_script_memo.h).
 */


#include <string.h>

#include "privacy_script_memo.h"


void
privacy_memo_record_init(privacy_memo_t *m, void *room)
{
    unsigned char  *p;

    p = room;

    memset(m, 0, sizeof(privacy_memo_t));

    m->pieces = (privacy_memo_piece_t *) p;
    p += PRIVACY_MEMO_PIECES_MAX * sizeof(privacy_memo_piece_t);
    m->held = (privacy_memo_held_t *) p;
    p += PRIVACY_MEMO_HELD_MAX * sizeof(privacy_memo_held_t);
    m->page = p;
    m->text = p + PRIVACY_MEMO_PAGE_MAX;
}


void
privacy_memo_record_page(privacy_memo_t *m, const unsigned char *data,
    size_t len)
{
    if (m->over) {
        return;
    }

    if (len > PRIVACY_MEMO_PAGE_MAX - m->page_len) {
        m->over = 1;
        return;
    }

    m->cut = 1;

    if (len) {
        m->call_due = m->page_len + 1;
    }

    memcpy(m->page + m->page_len, data, len);
    m->page_len += len;
}


/*
 * A piece after the last, due past its call's first byte; the same kind
 * that goes on from where the last of the call ended joins it (and waits
 * as long as its end does)
 */

static void
privacy_memo_record(privacy_memo_t *m, size_t due, size_t from, size_t len,
    uint32_t text)
{
    privacy_memo_piece_t  *last;

    if (due < m->call_due) {
        due = m->call_due;
    }

    if (m->npieces && !m->cut) {
        last = &m->pieces[m->npieces - 1];

        if (last->text == text && last->from + last->len == from) {
            last->len += (uint32_t) len;
            last->due = (uint32_t) due;
            m->out_len += len;
            return;
        }
    }

    if (m->npieces == PRIVACY_MEMO_PIECES_MAX) {
        m->over = 1;
        return;
    }

    m->cut = 0;

    last = &m->pieces[m->npieces++];
    last->due = (uint32_t) due;
    last->from = (uint32_t) from;
    last->len = (uint32_t) len;
    last->text = text;

    m->out_len += len;
}


/* LEN of the page's bytes from FROM, once the page is known up to DUE */

void
privacy_memo_record_pass(privacy_memo_t *m, size_t due, size_t from,
    size_t len)
{
    if (m->over || len == 0) {
        return;
    }

    if (due > m->page_len || from + len > m->page_len) {
        /* not bytes of the page recorded: cannot be given again */
        m->over = 1;
        return;
    }

    privacy_memo_record(m, due, from, len, 0);
}


void
privacy_memo_record_text(privacy_memo_t *m, size_t due,
    const unsigned char *data, size_t len)
{
    if (m->over || len == 0) {
        return;
    }

    if (due > m->page_len || len > PRIVACY_MEMO_TEXT_MAX - m->text_len) {
        m->over = 1;
        return;
    }

    memcpy(m->text + m->text_len, data, len);
    privacy_memo_record(m, due, m->text_len, len, 1);
    m->text_len += len;
}


/*
 * The bytes the rewriter held when the page ended: as they are, which a
 * page that goes on may not have them (the start of a tag held back)
 */

void
privacy_memo_record_end(privacy_memo_t *m, const unsigned char *data,
    size_t len)
{
    if (m->over || len == 0) {
        return;
    }

    if (len > PRIVACY_MEMO_TEXT_MAX - m->text_len) {
        m->over = 1;
        return;
    }

    /* joins nothing: what is due before the end stays so */
    m->cut = 1;

    memcpy(m->text + m->text_len, data, len);
    privacy_memo_record(m, PRIVACY_MEMO_END, m->text_len, len, 1);
    m->text_len += len;
}


void
privacy_memo_record_held(privacy_memo_t *m, size_t due,
    const char *element, int category)
{
    privacy_memo_held_t  *h;

    if (m->over) {
        return;
    }

    if (m->nheld == PRIVACY_MEMO_HELD_MAX || due > m->page_len) {
        m->over = 1;
        return;
    }

    if (due < m->call_due) {
        due = m->call_due;
    }

    h = &m->held[m->nheld++];
    h->due = (uint32_t) due;
    h->category = category;
    h->element = element;
}


/* the pieces and held tags first, for their alignment */

size_t
privacy_memo_size(const privacy_memo_t *m)
{
    return m->npieces * sizeof(privacy_memo_piece_t)
           + m->nheld * sizeof(privacy_memo_held_t)
           + m->page_len + m->text_len;
}


void
privacy_memo_copy(privacy_memo_t *dst, void *block, const privacy_memo_t *src)
{
    unsigned char  *p;

    p = block;

    *dst = *src;

    dst->pieces = (privacy_memo_piece_t *) p;
    memcpy(p, src->pieces, src->npieces * sizeof(privacy_memo_piece_t));
    p += src->npieces * sizeof(privacy_memo_piece_t);

    dst->held = (privacy_memo_held_t *) p;
    memcpy(p, src->held, src->nheld * sizeof(privacy_memo_held_t));
    p += src->nheld * sizeof(privacy_memo_held_t);

    dst->page = p;
    memcpy(p, src->page, src->page_len);
    p += src->page_len;

    dst->text = p;
    memcpy(p, src->text, src->text_len);
}


void
privacy_memo_replay_init(privacy_memo_replay_t *rp, const privacy_memo_t *m)
{
    memset(rp, 0, sizeof(privacy_memo_replay_t));
    rp->m = m;
}


int
privacy_memo_same(privacy_memo_replay_t *rp, const unsigned char *data,
    size_t len)
{
    if (len > rp->m->page_len - rp->seen
        || memcmp(rp->m->page + rp->seen, data, len) != 0)
    {
        return 0;
    }

    rp->seen += len;

    return 1;
}


int
privacy_memo_next(privacy_memo_replay_t *rp, const unsigned char **data,
    size_t *len)
{
    const privacy_memo_piece_t  *piece;

    if (rp->piece == rp->m->npieces) {
        return 0;
    }

    piece = &rp->m->pieces[rp->piece];

    if (piece->due > rp->seen && !rp->end) {
        return 0;
    }

    rp->piece++;
    rp->out += piece->len;

    *data = (piece->text ? rp->m->text : rp->m->page) + piece->from;
    *len = piece->len;

    return 1;
}


const char *
privacy_memo_next_held(privacy_memo_replay_t *rp, int *category)
{
    const privacy_memo_held_t  *h;

    if (rp->held == rp->m->nheld) {
        return NULL;
    }

    h = &rp->m->held[rp->held];

    if (h->due > rp->seen && !rp->end) {
        return NULL;
    }

    rp->held++;
    *category = h->category;

    return h->element;
}


int
privacy_memo_whole(privacy_memo_replay_t *rp)
{
    rp->end = (rp->seen == rp->m->page_len);

    return rp->end;
}
