
/*
 * Shared helpers of the libFuzzer harnesses for the core of
 * ngx_privacy_module (fuzz/README.md).
 */


#ifndef FUZZ_H_INCLUDED_
#define FUZZ_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/*
 * An invariant that does not hold is a finding: abort() so that libFuzzer
 * saves the input as a crash, after saying which invariant it was.
 */
#define FUZZ_CHECK(cond)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: invariant failed: %s\n",                  \
                    __FILE__, __LINE__, #cond);                               \
            abort();                                                          \
        }                                                                     \
    } while (0)


/*
 * An exactly sized heap copy: ASan then catches a read one byte past the
 * end, which a slice of libFuzzer's own (larger) buffer would hide.
 * malloc(0) may return NULL, so at least one byte is allocated; callers
 * pass the real length along.
 */
static inline unsigned char *
fuzz_dup(const uint8_t *data, size_t len)
{
    unsigned char  *p;

    p = malloc(len ? len : 1);
    if (p == NULL) {
        abort();
    }

    if (len) {
        memcpy(p, data, len);
    }

    return p;
}


static inline unsigned char *
fuzz_alloc(size_t len)
{
    unsigned char  *p;

    p = malloc(len ? len : 1);
    if (p == NULL) {
        abort();
    }

    return p;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#endif /* FUZZ_H_INCLUDED_ */
