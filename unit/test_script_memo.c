
/*
 * Unit tests: privacy_script_memo.c, the record of a page's rewrite and
 * its pieces given again (fuzz_script drives it with the rewriter).
 */


#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_script_memo.h"


static void *
test_room(void)
{
    void  *room;

    room = malloc(PRIVACY_MEMO_RECORD_SIZE);
    if (room == NULL) {
        abort();
    }

    return room;
}


/*
 * "<a>xy<b>z" in two calls, "<a>x" and "y<b>z", whose "<b>" the rewriter
 * made "<B!>"
 */

static void
test_record(privacy_memo_t *m, void *room)
{
    privacy_memo_record_init(m, room);

    privacy_memo_record_page(m, S("<a>x"));
    privacy_memo_record_pass(m, 3, 0, 3);
    privacy_memo_record_pass(m, 4, 3, 1);          /* joins the first */
    privacy_memo_record_page(m, S("y<b>z"));
    privacy_memo_record_pass(m, 4, 4, 1);          /* another call's: not,
                                                      and due at 5 */
    privacy_memo_record_held(m, 8, "script", 1);
    privacy_memo_record_text(m, 8, S("<B"));
    privacy_memo_record_text(m, 8, S("!>"));       /* joins the text */
    privacy_memo_record_pass(m, 9, 8, 1);
}


static void
test_pieces(void)
{
    int                    category;
    void                  *room, *block;
    size_t                 len;
    const char            *held;
    privacy_memo_t         m, copy;
    const unsigned char   *p;
    privacy_memo_replay_t  rp;

    room = test_room();
    test_record(&m, room);

    CHECK(!m.over);
    CHECK_INT(m.npieces, 4);
    CHECK_INT(m.page_len, 9);
    CHECK_INT(m.text_len, 4);
    CHECK_INT(m.out_len, 10);
    CHECK_INT(m.nheld, 1);
    CHECK_INT(m.pieces[1].due, 5);

    block = malloc(privacy_memo_size(&m));
    privacy_memo_copy(&copy, block, &m);
    memset(room, 0, PRIVACY_MEMO_RECORD_SIZE);
    free(room);

    /* the page's first 3 bytes: nothing due, the first piece waits for 4 */
    privacy_memo_replay_init(&rp, &copy);
    CHECK(privacy_memo_same(&rp, S("<a>")));
    CHECK(!privacy_memo_next(&rp, &p, &len));
    CHECK(privacy_memo_next_held(&rp, &category) == NULL);

    /* the first call's end: its pieces, none of the next call's */
    CHECK(privacy_memo_same(&rp, S("x")));
    CHECK(privacy_memo_next(&rp, &p, &len));
    CHECK_MEM(p, len, "<a>x", 4);
    CHECK(!privacy_memo_next(&rp, &p, &len));
    CHECK_INT(rp.out, 4);

    CHECK(privacy_memo_same(&rp, S("y")));
    CHECK(privacy_memo_next(&rp, &p, &len));
    CHECK_MEM(p, len, "y", 1);
    CHECK(!privacy_memo_next(&rp, &p, &len));

    /* a byte that differs is not seen, nor is a page longer than it */
    CHECK(!privacy_memo_same(&rp, S("<c")));
    CHECK(!privacy_memo_same(&rp, S("<b>z!")));
    CHECK_INT(rp.seen, 5);
    CHECK(!privacy_memo_whole(&rp));

    CHECK(privacy_memo_same(&rp, S("<b>")));
    held = privacy_memo_next_held(&rp, &category);
    CHECK(held != NULL && strcmp(held, "script") == 0 && category == 1);
    CHECK(privacy_memo_next(&rp, &p, &len));
    CHECK_MEM(p, len, "<B!>", 4);
    CHECK(!privacy_memo_next(&rp, &p, &len));

    CHECK(privacy_memo_same(&rp, S("z")));
    CHECK(privacy_memo_whole(&rp));
    CHECK(privacy_memo_next(&rp, &p, &len));
    CHECK_MEM(p, len, "z", 1);
    CHECK(!privacy_memo_next(&rp, &p, &len));
    CHECK_INT(rp.out, 10);

    /* nothing at all is the same page for no bytes only */
    CHECK(privacy_memo_same(&rp, (const unsigned char *) "", 0));
    CHECK(!privacy_memo_same(&rp, S("z")));

    free(block);
}


/* what the rewriter held at the end is given at the end only */

static void
test_end(void)
{
    void                  *room;
    size_t                 len;
    privacy_memo_t         m;
    const unsigned char   *p;
    privacy_memo_replay_t  rp;

    room = test_room();
    privacy_memo_record_init(&m, room);
    privacy_memo_record_page(&m, S("ab<im"));
    privacy_memo_record_pass(&m, 2, 0, 2);
    privacy_memo_record_end(&m, S("<im"));
    CHECK(!m.over);
    CHECK_INT(m.npieces, 2);

    privacy_memo_replay_init(&rp, &m);
    CHECK(privacy_memo_same(&rp, S("ab<im")));
    CHECK(privacy_memo_next(&rp, &p, &len));
    CHECK_MEM(p, len, "ab", 2);
    CHECK(!privacy_memo_next(&rp, &p, &len));

    CHECK(privacy_memo_whole(&rp));
    CHECK(privacy_memo_next(&rp, &p, &len));
    CHECK_MEM(p, len, "<im", 3);

    free(room);
}


static void
test_bounds(void)
{
    size_t          i;
    void           *room;
    unsigned char  *page;
    privacy_memo_t  m;

    room = test_room();
    page = calloc(1, PRIVACY_MEMO_PAGE_MAX + 1);

    /* the page's bound: to it, not past it */
    privacy_memo_record_init(&m, room);
    privacy_memo_record_page(&m, page, PRIVACY_MEMO_PAGE_MAX);
    CHECK(!m.over);
    privacy_memo_record_page(&m, page, 1);
    CHECK(m.over);
    CHECK_INT(m.page_len, PRIVACY_MEMO_PAGE_MAX);

    /* the rewriter's bytes */
    privacy_memo_record_init(&m, room);
    privacy_memo_record_page(&m, page, 10);
    privacy_memo_record_text(&m, 10, page, PRIVACY_MEMO_TEXT_MAX);
    CHECK(!m.over);
    privacy_memo_record_text(&m, 10, page, 1);
    CHECK(m.over);

    /* pieces that cannot join: alternating kinds */
    privacy_memo_record_init(&m, room);
    privacy_memo_record_page(&m, page, PRIVACY_MEMO_PIECES_MAX);

    for (i = 0; i < PRIVACY_MEMO_PIECES_MAX; i += 2) {
        privacy_memo_record_pass(&m, i + 1, i, 1);
        privacy_memo_record_text(&m, i + 1, page, 1);
    }

    CHECK(!m.over);
    CHECK_INT(m.npieces, PRIVACY_MEMO_PIECES_MAX);
    privacy_memo_record_pass(&m, i, i, 1);
    CHECK(m.over);

    /* held tags */
    privacy_memo_record_init(&m, room);
    privacy_memo_record_page(&m, page, 1);

    for (i = 0; i < PRIVACY_MEMO_HELD_MAX; i++) {
        privacy_memo_record_held(&m, 1, "img", 0);
    }

    CHECK(!m.over);
    privacy_memo_record_held(&m, 1, "img", 0);
    CHECK(m.over);

    /* bytes of the page not recorded, or due past it, cannot be given */
    privacy_memo_record_init(&m, room);
    privacy_memo_record_page(&m, page, 4);
    privacy_memo_record_pass(&m, 4, 2, 3);
    CHECK(m.over);

    privacy_memo_record_init(&m, room);
    privacy_memo_record_page(&m, page, 4);
    privacy_memo_record_text(&m, 5, page, 1);
    CHECK(m.over);

    /* nothing recorded once over */
    CHECK_INT(m.npieces, 0);
    CHECK_INT(m.text_len, 0);

    free(page);
    free(room);
}


int
main(void)
{
    test_pieces();
    test_end();
    test_bounds();

    return unit_done();
}
