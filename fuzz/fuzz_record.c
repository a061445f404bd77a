
/*
 * Fuzzes the record's request fields, privacy_record.c: the Host check
 * against a reference written from its contract (host or [v6], then ":"
 * and at most 5 digits, at most 255 bytes), and the quoting for the error
 * log: at most 4 * n + 2 bytes of printable ASCII, in quotes, that read
 * back as redis-cli reads an argument (\xHH, \" and \\) to the input.
 *
 * Input: the Host, and the value to quote, both the whole input.
 */


#include "fuzz.h"
#include "privacy_record.h"


static int
ref_hex(unsigned char c)
{
    return c != '\0' && strchr("0123456789abcdefABCDEF", c) != NULL;
}


static int
ref_val(unsigned char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}


static int
ref_host_ok(const unsigned char *h, size_t n)
{
    size_t  i, end;

    if (n == 0 || n > 255) {
        return 0;
    }

    if (h[0] == '[') {
        for (end = 1; end < n && h[end] != ']'; end++) {
            if (!ref_hex(h[end]) && h[end] != ':' && h[end] != '.') {
                return 0;
            }
        }

        if (end == n || end == 1) {
            return 0;
        }

        end++;

    } else {
        for (end = 0; end < n && h[end] != ':'; end++) {
            /* void */
        }

        if (end == 0) {
            return 0;
        }

        for (i = 0; i < end; i++) {
            if (h[i] == '%') {
                if (i + 2 >= end || !ref_hex(h[i + 1])
                    || !ref_hex(h[i + 2]))
                {
                    return 0;
                }

                i += 2;
                continue;
            }

            if (h[i] == '\0'
                || strchr("abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                          "-._~!$&'()*+,;=", h[i]) == NULL)
            {
                return 0;
            }
        }
    }

    if (end == n) {
        return 1;
    }

    if (h[end] != ':' || n - end - 1 > 5) {
        return 0;
    }

    for (i = end + 1; i < n; i++) {
        if (h[i] < '0' || h[i] > '9') {
            return 0;
        }
    }

    return 1;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t          len, i, k;
    unsigned char  *in, *out, *back, c;

    in = fuzz_dup(data, size);

    FUZZ_CHECK(privacy_record_host_ok(in, size) == ref_host_ok(in, size));

    len = privacy_record_quote(NULL, in, size);
    FUZZ_CHECK(len >= 2 && len <= 4 * size + 2);

    out = fuzz_alloc(len);
    FUZZ_CHECK(privacy_record_quote(out, in, size) == len);
    FUZZ_CHECK(out[0] == '"' && out[len - 1] == '"');

    back = fuzz_alloc(size);
    k = 0;

    for (i = 1; i < len - 1; i++) {
        c = out[i];
        FUZZ_CHECK(c >= 0x20 && c < 0x7f && c != '"');

        if (c != '\\') {
            FUZZ_CHECK(k < size);
            back[k++] = c;
            continue;
        }

        FUZZ_CHECK(i + 1 < len - 1);
        c = out[++i];

        if (c == 'x') {
            FUZZ_CHECK(i + 2 < len - 1 && ref_hex(out[i + 1])
                       && ref_hex(out[i + 2]));
            FUZZ_CHECK(k < size);
            back[k++] = (unsigned char) (ref_val(out[i + 1]) * 16
                                         + ref_val(out[i + 2]));
            i += 2;
            continue;
        }

        FUZZ_CHECK(c == '"' || c == '\\');
        FUZZ_CHECK(k < size);
        back[k++] = c;
    }

    FUZZ_CHECK(k == size && (size == 0 || memcmp(back, in, size) == 0));

    free(back);
    free(out);
    free(in);

    return 0;
}
