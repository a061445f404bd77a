
/*
 * A page's rewrite remembered (privacy_script_memo.c): the page's bytes
 * and what the rewriter (privacy_script.c) made of them, as pieces in
 * order, each a run of the page's own bytes or of the rewriter's, and
 * each due once the page is known up to an offset.  A page of the same
 * bytes, in any buffers, is given the same pieces without the rewriter.
 *
 * Why that is exact: the rewriter reads a page in order, and what it has
 * said after reading N bytes depends on those N bytes only; its whole
 * output does not depend on the buffers (fuzz_script checks both).  So
 * where a page turns out to differ from the one remembered, the pieces
 * given so far are a beginning of its own rewrite; the rewriter run again
 * over the bytes that were the same says the rest, less the bytes
 * already given (fuzz_script drives exactly that).
 *
 * The caller may put bytes of its own between two calls of the rewriter
 * (the banner): a piece never joins one of an earlier call, and is due
 * past the call's first byte, so that the pieces due when the page is
 * known up to the end of a call are those of it and the calls before.
 *
 * Server-agnostic core: plain C99, never allocates.
 */


#ifndef PRIVACY_SCRIPT_MEMO_H_INCLUDED_
#define PRIVACY_SCRIPT_MEMO_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/* the bounds of a page remembered: a longer one is not */
#define PRIVACY_MEMO_PAGE_MAX    65536
#define PRIVACY_MEMO_TEXT_MAX    32768
#define PRIVACY_MEMO_PIECES_MAX  1024
#define PRIVACY_MEMO_HELD_MAX    256

/* the due of the rewriter's last bytes: given at the page's end only */
#define PRIVACY_MEMO_END         UINT32_MAX


typedef struct {
    uint32_t                due;      /* the page's bytes it waits for */
    uint32_t                from;     /* in page, or in text */
    uint32_t                len;
    uint32_t                text;     /* the rewriter's bytes */
} privacy_memo_piece_t;


/* a tag held back, for the caller's count */
typedef struct {
    uint32_t                due;
    int                     category;
    const char             *element;  /* the step's held: static */
} privacy_memo_held_t;


typedef struct {
    privacy_memo_piece_t   *pieces;
    size_t                  npieces;
    privacy_memo_held_t    *held;
    size_t                  nheld;
    unsigned char          *page;
    size_t                  page_len;
    unsigned char          *text;
    size_t                  text_len;
    size_t                  out_len;      /* the pieces' bytes */
    int                     marked_seen;  /* the rewriter's, at the end */
    int                     over;         /* a bound was passed */

    /* recording: the call's first due, and no piece joins one before */
    size_t                  call_due;
    int                     cut;
} privacy_memo_t;


/* the room privacy_memo_record_init() records in, 8-byte aligned */
#define PRIVACY_MEMO_RECORD_SIZE                                             \
    (PRIVACY_MEMO_PIECES_MAX * sizeof(privacy_memo_piece_t)                  \
     + PRIVACY_MEMO_HELD_MAX * sizeof(privacy_memo_held_t)                   \
     + PRIVACY_MEMO_PAGE_MAX + PRIVACY_MEMO_TEXT_MAX)


void privacy_memo_record_init(privacy_memo_t *m, void *room);
/* the bytes of a call of the rewriter, before what it says of them */
void privacy_memo_record_page(privacy_memo_t *m, const unsigned char *data,
    size_t len);
void privacy_memo_record_pass(privacy_memo_t *m, size_t due, size_t from,
    size_t len);
void privacy_memo_record_text(privacy_memo_t *m, size_t due,
    const unsigned char *data, size_t len);
void privacy_memo_record_held(privacy_memo_t *m, size_t due,
    const char *element, int category);
/* what the rewriter held at the page's end (privacy_script_finish()) */
void privacy_memo_record_end(privacy_memo_t *m, const unsigned char *data,
    size_t len);

/* a recording as one block of privacy_memo_size() bytes, 8-byte aligned */
size_t privacy_memo_size(const privacy_memo_t *m);
void privacy_memo_copy(privacy_memo_t *dst, void *block,
    const privacy_memo_t *src);


typedef struct {
    const privacy_memo_t   *m;
    size_t                  seen;     /* the page's bytes found the same */
    size_t                  piece;    /* the next to give */
    size_t                  held;
    size_t                  out;      /* bytes given */
    int                     end;      /* the page ended: all are due */
} privacy_memo_replay_t;


void privacy_memo_replay_init(privacy_memo_replay_t *rp,
    const privacy_memo_t *m);
/* 1: the page's next LEN bytes are DATA, and seen now; 0: they differ */
int privacy_memo_same(privacy_memo_replay_t *rp, const unsigned char *data,
    size_t len);
/* the next piece due, 0 when none is yet */
int privacy_memo_next(privacy_memo_replay_t *rp, const unsigned char **data,
    size_t *len);
/* the next tag held back that is due, NULL when none is yet */
const char *privacy_memo_next_held(privacy_memo_replay_t *rp,
    int *category);
/* the page ends here: 1 when it is the page remembered, all due */
int privacy_memo_whole(privacy_memo_replay_t *rp);


#endif /* PRIVACY_SCRIPT_MEMO_H_INCLUDED_ */
