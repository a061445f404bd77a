
/*
 * Fuzzes the urlencoded form parser, privacy_form_next(), against a
 * reference decoder written from privacy_form.h, and the return path
 * check, privacy_return_path_ok(), against its documented rules, on the
 * raw input and on every decoded value.
 */


#include "fuzz.h"
#include "privacy_form.h"


static int
fuzz_hex(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/* decodes p .. e into out; -1 on a bad or truncated %-escape */
static long
fuzz_decode(const unsigned char *p, const unsigned char *e,
    unsigned char *out)
{
    int             hi, lo;
    unsigned char  *o;

    for (o = out; p < e; p++) {
        if (*p == '+') {
            *o++ = ' ';

        } else if (*p == '%') {
            if (e - p < 3) {
                return -1;
            }
            hi = fuzz_hex(p[1]);
            lo = fuzz_hex(p[2]);
            if (hi < 0 || lo < 0) {
                return -1;
            }
            *o++ = (unsigned char) (hi * 16 + lo);
            p += 2;

        } else {
            *o++ = *p;
        }
    }

    return o - out;
}


static int
fuzz_ref_path_ok(const unsigned char *p, size_t len)
{
    size_t  i;

    if (len == 0 || len > PRIVACY_RETURN_PATH_MAX || p[0] != '/') {
        return 0;
    }

    if (len > 1 && (p[1] == '/' || p[1] == '\\')) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (p[i] <= 0x20 || p[i] == 0x7f || p[i] == '\\') {
            return 0;
        }
    }

    return 1;
}


static void
fuzz_path(const unsigned char *p, size_t len)
{
    unsigned char  *copy;

    copy = fuzz_dup(p, len);
    FUZZ_CHECK(privacy_return_path_ok(copy, len) == fuzz_ref_path_ok(p, len));
    free(copy);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                   rc, ref;
    long                  nl, vl;
    size_t                i;
    unsigned char        *in, *buf, *ref_name, *ref_value;
    const unsigned char  *p, *end, *piece, *amp, *eq;
    privacy_form_pair_t   pair;

    in = fuzz_dup(data, size);
    end = in + size;
    ref_name = fuzz_alloc(size);
    ref_value = fuzz_alloc(size);

    fuzz_path(in, size);

    p = in;

    for ( ;; ) {
        /* the reference: skip empty pieces, then one piece */
        while (p < end && *p == '&') {
            p++;
        }

        piece = p;
        amp = memchr(piece, '&', end - piece);
        if (amp == NULL) {
            amp = end;
        }

        /* buf as small as the contract allows: ASan checks the rest */
        buf = fuzz_alloc(end - p);
        rc = privacy_form_next(&p, end, buf, &pair);

        if (piece == end) {
            FUZZ_CHECK(rc == 0 && p == end);
            free(buf);
            break;
        }

        FUZZ_CHECK(p >= amp && p <= end);

        eq = memchr(piece, '=', amp - piece);
        nl = fuzz_decode(piece, eq ? eq : amp, ref_name);
        vl = eq ? fuzz_decode(eq + 1, amp, ref_value) : 0;

        ref = 1;
        if (nl <= 0 || vl < 0) {
            ref = -1;

        } else {
            for (i = 0; i < (size_t) nl; i++) {
                if (ref_name[i] < 0x20 || ref_name[i] == 0x7f) {
                    ref = -1;
                }
            }
        }

        FUZZ_CHECK(rc == ref);

        if (rc == 1) {
            FUZZ_CHECK(pair.name_len == (size_t) nl);
            FUZZ_CHECK(pair.value_len == (size_t) vl);
            FUZZ_CHECK(memcmp(pair.name, ref_name, nl) == 0);
            FUZZ_CHECK(vl == 0 || memcmp(pair.value, ref_value, vl) == 0);
            fuzz_path(pair.value, pair.value_len);
        }

        free(buf);
    }

    free(ref_value);
    free(ref_name);
    free(in);

    return 0;
}
