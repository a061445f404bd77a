
/*
 * Fuzzes the urlencoded form parser, privacy_form_next(), against a
 * reference decoder written from privacy_form.h, and the return path
 * check, privacy_return_path_ok(), against its documented rules, on the
 * raw input and on every decoded value.  Then the whole input goes, as one
 * consent form body, through privacy_consent_form_parse() in one
 * allocation of exactly PRIVACY_FORM_ROOM(size) bytes, as the nginx glue
 * allocates it, and is checked against a reference of its rules.
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


static const privacy_category_desc_t  fuzz_cats[] = {
    { (const unsigned char *) "necessary", 9, 1 },
    { (const unsigned char *) "analytics", 9, 0 },
    { (const unsigned char *) "a", 1, 0 },
    { (const unsigned char *) "a b", 3, 0 },
};

#define FUZZ_NCATS  (sizeof(fuzz_cats) / sizeof(fuzz_cats[0]))


static int
fuzz_is(const unsigned char *p, long len, const char *s)
{
    return len == (long) strlen(s) && memcmp(p, s, len) == 0;
}


/*
 * The consent form's rules, written from privacy_form.h over the
 * reference decoder: returns the PRIVACY_FORM_ code and fills want.
 */
static int
fuzz_ref_consent(const unsigned char *in, size_t size,
    privacy_consent_form_t *want, unsigned char *name, unsigned char *value,
    unsigned char *ret)
{
    long                  nl, vl;
    size_t                i;
    uint32_t              ticked;
    const unsigned char  *p, *end, *amp, *eq;

    static const char  *actions[] = {
        "accept_all", "reject_all", "save", "withdraw"
    };

    memset(want, 0, sizeof(privacy_consent_form_t));
    want->action = -1;
    ticked = 0;

    if (size > PRIVACY_FORM_BODY_MAX) {
        return PRIVACY_FORM_TOO_LARGE;
    }

    p = in;
    end = in + size;

    while (p < end) {
        if (*p == '&') {
            p++;
            continue;
        }

        amp = memchr(p, '&', end - p);
        if (amp == NULL) {
            amp = end;
        }

        eq = memchr(p, '=', amp - p);
        nl = fuzz_decode(p, eq ? eq : amp, name);
        vl = eq ? fuzz_decode(eq + 1, amp, value) : 0;
        p = amp;

        if (nl <= 0 || vl < 0) {
            return PRIVACY_FORM_BAD;
        }

        for (i = 0; i < (size_t) nl; i++) {
            if (name[i] < 0x20 || name[i] == 0x7f) {
                return PRIVACY_FORM_BAD;
            }
        }

        if (fuzz_is(name, nl, "action")) {
            if (want->action != -1) {
                return PRIVACY_FORM_BAD;
            }

            for (i = 0; i < 4; i++) {
                if (fuzz_is(value, vl, actions[i])) {
                    want->action = (int) i;
                }
            }

            if (want->action == -1) {
                return PRIVACY_FORM_BAD;
            }

        } else if (fuzz_is(name, nl, "category")) {
            for (i = 0; i < FUZZ_NCATS; i++) {
                if ((size_t) vl == fuzz_cats[i].name_len
                    && memcmp(value, fuzz_cats[i].name, vl) == 0)
                {
                    break;
                }
            }

            if (i == FUZZ_NCATS) {
                return PRIVACY_FORM_BAD;
            }

            if (!fuzz_cats[i].essential) {
                ticked |= 1u << i;
            }

        } else if (fuzz_is(name, nl, "return")) {
            if (fuzz_ref_path_ok(value, vl)) {
                memcpy(ret, value, vl);
                want->return_path = ret;
                want->return_path_len = vl;

            } else {
                want->return_path = NULL;
                want->return_path_len = 0;
            }
        }
    }

    if (want->action == -1) {
        return PRIVACY_FORM_BAD;
    }

    if (want->action == PRIVACY_FORM_SAVE) {
        want->granted = ticked;

    } else if (want->action == PRIVACY_FORM_ACCEPT_ALL) {
        for (i = 0; i < FUZZ_NCATS; i++) {
            if (!fuzz_cats[i].essential) {
                want->granted |= 1u << i;
            }
        }
    }

    return PRIVACY_FORM_OK;
}


static void
fuzz_consent(const unsigned char *data, size_t size)
{
    int                      rc, ref;
    unsigned char           *room, *name, *value, *ret;
    privacy_consent_form_t   form, want;

    /* exactly what the glue allocates: ASan sees one byte past it */
    room = fuzz_alloc(PRIVACY_FORM_ROOM(size));
    memcpy(room, data, size);

    name = fuzz_alloc(size);
    value = fuzz_alloc(size);
    ret = fuzz_alloc(size);

    rc = privacy_consent_form_parse(room, size, fuzz_cats, FUZZ_NCATS,
                                    &form);
    ref = fuzz_ref_consent(data, size, &want, name, value, ret);

    FUZZ_CHECK(rc == ref);

    if (rc != PRIVACY_FORM_OK) {
        FUZZ_CHECK(form.error != NULL);

    } else {
        FUZZ_CHECK(form.error == NULL);
        FUZZ_CHECK(form.action == want.action);
        FUZZ_CHECK(form.granted == want.granted);
        FUZZ_CHECK(form.return_path_len == want.return_path_len);
        FUZZ_CHECK((form.return_path == NULL) == (want.return_path == NULL));

        if (form.return_path) {
            FUZZ_CHECK(form.return_path >= room + size
                       && form.return_path + form.return_path_len
                          <= room + PRIVACY_FORM_ROOM(size));
            FUZZ_CHECK(memcmp(form.return_path, want.return_path,
                              want.return_path_len) == 0);
        }
    }

    /* the body itself is left as it was */
    FUZZ_CHECK(size == 0 || memcmp(room, data, size) == 0);

    free(ret);
    free(value);
    free(name);
    free(room);
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

    fuzz_consent(data, size);

    return 0;
}
