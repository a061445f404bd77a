
/*
 * application/x-www-form-urlencoded parsing for ngx_privacy_module.
 */


#include <string.h>

#include "privacy_form.h"


static int privacy_form_hex(unsigned char c);
static int privacy_form_decode(const unsigned char *p,
    const unsigned char *end, unsigned char *dst, size_t *len);
static int privacy_form_is(const privacy_form_pair_t *pair,
    const char *name, size_t len);
static int privacy_form_value_is(const privacy_form_pair_t *pair,
    const char *value, size_t len);


static int
privacy_form_hex(unsigned char c)
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


static int
privacy_form_decode(const unsigned char *p, const unsigned char *end,
    unsigned char *dst, size_t *len)
{
    int             hi, lo;
    unsigned char  *d;

    d = dst;

    while (p < end) {

        if (*p == '+') {
            *d++ = ' ';
            p++;
            continue;
        }

        if (*p != '%') {
            *d++ = *p++;
            continue;
        }

        if (end - p < 3) {
            return -1;
        }

        hi = privacy_form_hex(p[1]);
        lo = privacy_form_hex(p[2]);

        if (hi < 0 || lo < 0) {
            return -1;
        }

        *d++ = (unsigned char) (hi << 4 | lo);
        p += 3;
    }

    *len = (size_t) (d - dst);

    return 0;
}


int
privacy_form_next(const unsigned char **pos, const unsigned char *end,
    unsigned char *buf, privacy_form_pair_t *pair)
{
    size_t                i;
    const unsigned char  *p, *amp, *eq;

    p = *pos;

    while (p < end && *p == '&') {
        p++;
    }

    if (p == end) {
        *pos = end;
        return 0;
    }

    amp = memchr(p, '&', (size_t) (end - p));
    if (amp == NULL) {
        amp = end;
    }

    *pos = (amp < end) ? amp + 1 : end;

    eq = memchr(p, '=', (size_t) (amp - p));

    pair->name = buf;

    if (privacy_form_decode(p, eq ? eq : amp, buf, &pair->name_len) != 0
        || pair->name_len == 0)
    {
        return -1;
    }

    for (i = 0; i < pair->name_len; i++) {
        if (buf[i] < 0x20 || buf[i] == 0x7f) {
            return -1;
        }
    }

    pair->value = buf + pair->name_len;
    pair->value_len = 0;

    if (eq && privacy_form_decode(eq + 1, amp, pair->value, &pair->value_len)
              != 0)
    {
        return -1;
    }

    return 1;
}


static int
privacy_form_is(const privacy_form_pair_t *pair, const char *name,
    size_t len)
{
    return pair->name_len == len && memcmp(pair->name, name, len) == 0;
}


static int
privacy_form_value_is(const privacy_form_pair_t *pair, const char *value,
    size_t len)
{
    return pair->value_len == len && memcmp(pair->value, value, len) == 0;
}


int
privacy_consent_form_parse(unsigned char *room, size_t len,
    const privacy_category_desc_t *cats, size_t ncats,
    privacy_consent_form_t *form)
{
    int                   rc, have_action;
    size_t                i;
    uint32_t              ticked;
    unsigned char        *buf;
    const unsigned char  *pos, *end;
    privacy_form_pair_t   pair;

    static const struct {
        const char  *name;
        size_t       len;
    } actions[] = {
        { "accept_all", sizeof("accept_all") - 1 },   /* ACCEPT_ALL */
        { "reject_all", sizeof("reject_all") - 1 },   /* REJECT_ALL */
        { "save", sizeof("save") - 1 },               /* SAVE */
        { "withdraw", sizeof("withdraw") - 1 }        /* WITHDRAW */
    };

    memset(form, 0, sizeof(privacy_consent_form_t));

    if (len > PRIVACY_FORM_BODY_MAX) {
        form->error = "body over 4096 bytes";
        return PRIVACY_FORM_TOO_LARGE;
    }

    if (ncats > PRIVACY_MAX_CATEGORIES) {
        ncats = PRIVACY_MAX_CATEGORIES;
    }

    pos = room;
    end = room + len;

    /*
     * Each pair is decoded right after the previous one, which keeps the
     * return path alive.  Decoding never grows a piece, so the pairs
     * written so far never take more room than the pieces read so far:
     * the len bytes after the body always hold what is left.
     */
    buf = room + len;

    have_action = 0;
    ticked = 0;

    while ((rc = privacy_form_next(&pos, end, buf, &pair)) == 1) {

        if (privacy_form_is(&pair, "action", sizeof("action") - 1)) {
            if (have_action) {
                form->error = "action given twice";
                return PRIVACY_FORM_BAD;
            }

            for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
                if (privacy_form_value_is(&pair, actions[i].name,
                                          actions[i].len))
                {
                    break;
                }
            }

            if (i == sizeof(actions) / sizeof(actions[0])) {
                form->error = "unknown action";
                return PRIVACY_FORM_BAD;
            }

            form->action = (int) i;
            have_action = 1;

        } else if (privacy_form_is(&pair, "category", sizeof("category") - 1))
        {
            for (i = 0; i < ncats; i++) {
                if (privacy_form_value_is(&pair, (const char *) cats[i].name,
                                          cats[i].name_len))
                {
                    break;
                }
            }

            if (i == ncats) {
                form->error = "unknown category";
                return PRIVACY_FORM_BAD;
            }

            /* an essential category is granted anyway */
            if (!cats[i].essential) {
                ticked |= (uint32_t) 1 << i;
            }

        } else if (privacy_form_is(&pair, "return", sizeof("return") - 1)) {

            /* a path of this site or nothing: no open redirect */
            if (privacy_return_path_ok(pair.value, pair.value_len)) {
                form->return_path = pair.value;
                form->return_path_len = pair.value_len;

            } else {
                form->return_path = NULL;
                form->return_path_len = 0;
            }
        }

        buf = pair.value + pair.value_len;
    }

    if (rc < 0) {
        form->error = "malformed form encoding";
        return PRIVACY_FORM_BAD;
    }

    if (!have_action) {
        form->error = "no action";
        return PRIVACY_FORM_BAD;
    }

    switch (form->action) {

    case PRIVACY_FORM_SAVE:
        form->granted = ticked;
        break;

    case PRIVACY_FORM_ACCEPT_ALL:
        for (i = 0; i < ncats; i++) {
            if (!cats[i].essential) {
                form->granted |= (uint32_t) 1 << i;
            }
        }
        break;

    default:
        form->granted = 0;
    }

    return PRIVACY_FORM_OK;
}


int
privacy_return_path_ok(const unsigned char *p, size_t len)
{
    size_t  i;

    if (len == 0 || len > PRIVACY_RETURN_PATH_MAX || p[0] != '/') {
        return 0;
    }

    /* "//host" is another origin; "/\host" too, caught below */

    if (len > 1 && p[1] == '/') {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (p[i] <= 0x20 || p[i] == 0x7f || p[i] == '\\') {
            return 0;
        }
    }

    return 1;
}
