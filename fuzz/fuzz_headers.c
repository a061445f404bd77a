
/*
 * Fuzzes the request headers the banner and the consent decision read as
 * whole values, exactly sized as the glue passes them: Sec-GPC
 * (privacy_gpc_signal()) and Accept-Language (privacy_words_accept_next()).
 *
 * Invariants: the signal is 1 exactly when a comma-separated element,
 * without spaces and tabs around it, is "1" (a byte-by-byte reference);
 * the Accept-Language reader always moves forward and ends at the end,
 * each tag lies inside the value and holds no '-', ';', ',' or ' ', and
 * each weight is 0 to 1000.
 */


#include "fuzz.h"
#include "privacy_gpc.h"
#include "privacy_words.h"


static int
reference_signal(const unsigned char *v, size_t len)
{
    size_t  i, start, end;

    start = 0;

    for (i = 0; i <= len; i++) {
        if (i < len && v[i] != ',') {
            continue;
        }

        end = i;

        while (start < end && (v[start] == ' ' || v[start] == '\t')) {
            start++;
        }

        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t')) {
            end--;
        }

        if (end - start == 1 && v[start] == '1') {
            return 1;
        }

        start = i + 1;
    }

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                tag_len, k, n;
    unsigned              q;
    unsigned char        *v;
    const unsigned char  *p, *last, *prev, *tag;

    v = fuzz_dup(data, size);

    FUZZ_CHECK(privacy_gpc_signal(v, size) == reference_signal(v, size));

    p = v;
    last = v + size;
    n = 0;

    for ( ;; ) {
        prev = p;

        if (!privacy_words_accept_next(&p, last, &tag, &tag_len, &q)) {
            FUZZ_CHECK(p == last);
            break;
        }

        FUZZ_CHECK(p > prev && p <= last);
        FUZZ_CHECK(tag >= prev && tag + tag_len <= p);
        FUZZ_CHECK(q <= 1000);

        for (k = 0; k < tag_len; k++) {
            FUZZ_CHECK(tag[k] != '-' && tag[k] != ';' && tag[k] != ','
                       && tag[k] != ' ');
        }

        FUZZ_CHECK(++n <= size);
    }

    free(v);

    return 0;
}
