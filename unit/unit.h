
/*
 * A tiny assertion helper for the core's unit tests: each failed check
 * prints one line, unit_done() prints "unit: N passed, M failed" and
 * gives the exit status.
 */


#ifndef UNIT_H_INCLUDED_
#define UNIT_H_INCLUDED_


#include <stdio.h>
#include <string.h>


static unsigned  unit_passed;
static unsigned  unit_failed;


static inline int
unit_check(int ok, const char *what, const char *file, int line)
{
    if (ok) {
        unit_passed++;

    } else {
        unit_failed++;
        printf("FAIL %s:%d: %s\n", file, line, what);
    }

    return ok;
}


static inline void
unit_show(const char *label, const void *p, size_t len)
{
    size_t               i;
    const unsigned char  *s;

    s = p;
    printf("    %s (%zu): \"", label, len);

    for (i = 0; i < len; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\') {
            putchar(s[i]);

        } else {
            printf("\\x%02x", s[i]);
        }
    }

    printf("\"\n");
}


static inline int
unit_check_mem(const void *got, size_t got_len, const void *want,
    size_t want_len, const char *what, const char *file, int line)
{
    int  ok;

    ok = got_len == want_len
         && (want_len == 0 || memcmp(got, want, want_len) == 0);

    if (!unit_check(ok, what, file, line)) {
        unit_show("got ", got, got_len);
        unit_show("want", want, want_len);
    }

    return ok;
}


static inline int
unit_check_long(long long got, long long want, const char *what,
    const char *file, int line)
{
    if (!unit_check(got == want, what, file, line)) {
        printf("    got %lld, want %lld\n", got, want);
        return 0;
    }

    return 1;
}


static inline int
unit_done(void)
{
    printf("unit: %u passed, %u failed\n", unit_passed, unit_failed);

    return unit_failed ? 1 : 0;
}


#define CHECK(cond)  unit_check((cond) != 0, #cond, __FILE__, __LINE__)

#define CHECK_INT(got, want)                                                 \
    unit_check_long((long long) (got), (long long) (want),                   \
                    #got " == " #want, __FILE__, __LINE__)

/* got with its length against a string literal */
#define CHECK_STR(got, got_len, want)                                        \
    unit_check_mem(got, got_len, want, sizeof(want) - 1,                     \
                   #got " == " #want, __FILE__, __LINE__)

#define CHECK_MEM(got, got_len, want, want_len)                              \
    unit_check_mem(got, got_len, want, want_len,                             \
                   #got " == " #want, __FILE__, __LINE__)

#define S(lit)  ((const unsigned char *) (lit)), (sizeof(lit) - 1)


#endif /* UNIT_H_INCLUDED_ */
