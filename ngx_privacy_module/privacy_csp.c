
/*
 * Content-Security-Policy for ngx_privacy_module: source expressions,
 * patterns as sources, and the violation reports' JSON.
 */


#include <string.h>

#include "privacy_csp.h"


typedef struct {
    const unsigned char   *p;
    const unsigned char   *end;
    unsigned               depth;
    int                    emit;
    int                    count;
    privacy_csp_report_t  *r;
    privacy_csp_report_pt  handler;
    void                  *data;
} privacy_csp_json_t;


/* what a value is to the reports: its place in the body */
enum {
    PRIVACY_CSP_ANY = 0,     /* validated, nothing kept */
    PRIVACY_CSP_TOP,         /* the whole body */
    PRIVACY_CSP_LIST,        /* a Reporting API array */
    PRIVACY_CSP_ENTRY,       /* one of its entries */
    PRIVACY_CSP_BODY         /* a report's fields */
};


static int privacy_csp_lower(int c);
static int privacy_csp_is(const unsigned char *s, size_t len,
    const char *lit);
static int privacy_csp_same(const unsigned char *s, const char *lit,
    size_t n);
static int privacy_csp_b64(const unsigned char *s, size_t len);
static int privacy_csp_host_part(const unsigned char *s, size_t len);
static int privacy_csp_value(privacy_csp_json_t *js, int role);
static int privacy_csp_object(privacy_csp_json_t *js, int role);
static int privacy_csp_array(privacy_csp_json_t *js, int role);
static int privacy_csp_string(privacy_csp_json_t *js, unsigned char *dst,
    size_t size, size_t *len, int *truncated);
static int privacy_csp_number(privacy_csp_json_t *js);
static int privacy_csp_utf8(privacy_csp_json_t *js);
static void privacy_csp_ws(privacy_csp_json_t *js);


const char *const  privacy_csp_directive_names[PRIVACY_CSP_DIRECTIVES] = {
    "default-src", "script-src", "script-src-elem", "script-src-attr",
    "style-src", "style-src-elem", "style-src-attr", "img-src",
    "connect-src", "frame-src", "child-src", "worker-src", "font-src",
    "media-src", "object-src", "manifest-src", "form-action", "other"
};


static int
privacy_csp_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c | 0x20 : c;
}


/* s is lit, ASCII case-insensitively (lit is lowercase) */

static int
privacy_csp_is(const unsigned char *s, size_t len, const char *lit)
{
    if (len != strlen(lit)) {
        return 0;
    }

    return privacy_csp_same(s, lit, len);
}


/* the first n bytes of s and lit, ASCII case-insensitively */

static int
privacy_csp_same(const unsigned char *s, const char *lit, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (privacy_csp_lower(s[i]) != lit[i]) {
            return 0;
        }
    }

    return 1;
}


/* base64-value: 1*( ALPHA / DIGIT / "+" / "/" / "-" / "_" ) *2( "=" ) */

static int
privacy_csp_b64(const unsigned char *s, size_t len)
{
    size_t  i, pad;

    for (pad = 0; pad < len && pad < 2 && s[len - 1 - pad] == '='; pad++) {
        /* void */
    }

    if (len == pad) {
        return 0;
    }

    for (i = 0; i < len - pad; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/'
              || s[i] == '-' || s[i] == '_'))
        {
            return 0;
        }
    }

    return 1;
}


/* host-part: "*" / [ "*." ] 1*host-char *( "." 1*host-char ) [ "." ] */

static int
privacy_csp_host_part(const unsigned char *s, size_t len)
{
    size_t  i, label;

    if (len == 1 && s[0] == '*') {
        return 1;
    }

    if (len >= 2 && s[0] == '*' && s[1] == '.') {
        s += 2;
        len -= 2;
    }

    if (len && s[len - 1] == '.') {
        len--;
    }

    if (len == 0) {
        return 0;
    }

    label = 0;

    for (i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (label == 0) {
                return 0;
            }
            label = 0;
            continue;
        }

        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
        {
            return 0;
        }

        label++;
    }

    return label != 0;
}


int
privacy_csp_source(const unsigned char *s, size_t len, const char **err)
{
    size_t                i, n;
    const unsigned char  *p, *end, *host;

    static const char  *keywords[] = {
        "'self'", "'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'",
        "'report-sample'", "'wasm-unsafe-eval'", "'unsafe-allow-redirects'",
        NULL
    };

    static const char  *hashes[] = {
        "'nonce-", "'sha256-", "'sha384-", "'sha512-", NULL
    };

    *err = NULL;

    if (len == 0) {
        *err = "is empty";
        return -1;
    }

    if (s[0] == '\'') {
        for (i = 0; keywords[i]; i++) {
            if (privacy_csp_is(s, len, keywords[i])) {
                return 0;
            }
        }

        if (privacy_csp_is(s, len, "'none'")) {
            *err = "cannot be 'none': the module always allows 'self' and "
                   "the hosts of the categories a visitor granted";
            return -1;
        }

        if (privacy_csp_is(s, len, "'strict-dynamic'")) {
            *err = "cannot be 'strict-dynamic': with it browsers ignore the "
                   "hosts in script-src, and a granted script could load "
                   "any category's";
            return -1;
        }

        for (i = 0; hashes[i]; i++) {
            n = strlen(hashes[i]);

            if (len > n + 1 && s[len - 1] == '\''
                && privacy_csp_is(s, n, hashes[i]))
            {
                if (privacy_csp_b64(s + n, len - n - 1)) {
                    return 0;
                }

                *err = "has a bad base64 value";
                return -1;
            }
        }

        *err = "is not a CSP keyword, nonce or hash (in single quotes)";
        return -1;
    }

    /*
     * nginx's own quoting takes the quotes off 'self': a keyword without
     * them would be a host named "self"
     */

    for (i = 0; keywords[i]; i++) {
        n = strlen(keywords[i]) - 2;

        if (len == n && privacy_csp_same(s, keywords[i] + 1, n)) {
            goto unquoted;
        }
    }

    if (privacy_csp_is(s, len, "none")
        || privacy_csp_is(s, len, "strict-dynamic"))
    {
        goto unquoted;
    }

    for (i = 0; hashes[i]; i++) {
        n = strlen(hashes[i]) - 1;

        if (len > n && privacy_csp_same(s, hashes[i] + 1, n)) {
            goto unquoted;
        }
    }

    p = s;
    end = s + len;

    /* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */

    for (i = 0; i < len; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+'
                            || s[i] == '-' || s[i] == '.'))))
        {
            break;
        }
    }

    if (i > 0 && i < len && s[i] == ':') {
        if (i + 1 == len) {
            return 0;                             /* scheme-source */
        }

        if (len - i < 3 || s[i + 1] != '/' || s[i + 2] != '/') {
            *err = "has a scheme not followed by \"//\" and a host";
            return -1;
        }

        p = s + i + 3;
    }

    host = p;

    while (p < end && *p != ':' && *p != '/') {
        p++;
    }

    if (!privacy_csp_host_part(host, p - host)) {
        *err = "has a bad host (letters, digits and '-' in dot-separated "
               "labels, or \"*.\" before them, or \"*\")";
        return -1;
    }

    if (p < end && *p == ':') {
        p++;

        if (p < end && *p == '*') {
            p++;

        } else {
            for (n = 0; p < end && *p >= '0' && *p <= '9'; p++, n++) {
                /* void */
            }

            if (n == 0 || n > 5) {
                *err = "has a bad port";
                return -1;
            }
        }

        if (p < end && *p != '/') {
            *err = "has a bad port";
            return -1;
        }
    }

    for ( /* void */ ; p < end; p++) {
        if (*p <= 0x20 || *p >= 0x7f || *p == ';' || *p == ','
            || *p == '\'' || *p == '"' || *p == '\\')
        {
            *err = "has a path with a space, quote, ';', ',', '\\' or "
                   "a byte outside printable ASCII";
            return -1;
        }
    }

    return 0;

unquoted:

    *err = "is a CSP keyword, nonce or hash without its single quotes: "
           "nginx removes quotes, so write \"'self'\" in double quotes";
    return -1;
}


size_t
privacy_csp_escape(unsigned char *dst, const unsigned char *src, size_t len)
{
    size_t          i;
    unsigned char  *d, c;

    static const char  hex[] = "0123456789ABCDEF";

    d = dst;

    for (i = 0; i < len; i++) {
        c = src[i];

        if (c <= 0x20 || c >= 0x7f || c == ';' || c == ','
            || c == '\'' || c == '"' || c == '\\')
        {
            *d++ = '%';
            *d++ = hex[c >> 4];
            *d++ = hex[c & 0x0f];

        } else {
            *d++ = c;
        }
    }

    return d - dst;
}


int
privacy_csp_directive(const unsigned char *s, size_t len)
{
    int     i;
    size_t  n;

    for (n = 0; n < len && s[n] != ' ' && s[n] != '\t'; n++) {
        /* void */
    }

    for (i = 0; i < PRIVACY_CSP_OTHER; i++) {
        if (privacy_csp_is(s, n, privacy_csp_directive_names[i])) {
            return i;
        }
    }

    return PRIVACY_CSP_OTHER;
}


int
privacy_csp_host(const unsigned char *url, size_t len, int truncated,
    privacy_csp_host_t *h)
{
    size_t                n, port_len, value;
    const unsigned char  *p, *end, *a, *at, *host, *host_end, *port;

    end = url + len;

    if (len > 8 && privacy_csp_is(url, 8, "https://")) {
        h->secure = 1;
        p = url + 8;

    } else if (len > 7 && privacy_csp_is(url, 7, "http://")) {
        h->secure = 0;
        p = url + 7;

    } else if (len > 6 && privacy_csp_is(url, 6, "wss://")) {
        h->secure = 1;
        p = url + 6;

    } else if (len > 5 && privacy_csp_is(url, 5, "ws://")) {
        h->secure = 0;
        p = url + 5;

    } else {
        return -1;
    }

    /* the authority, and in it the host after the last '@' */

    a = p;
    at = NULL;

    while (p < end && *p != '/' && *p != '?' && *p != '#' && *p != '\\') {
        if (*p == '@') {
            at = p;
        }
        p++;
    }

    if (p == end && truncated) {
        return -1;
    }

    host = at ? at + 1 : a;
    host_end = p;
    port = NULL;

    if (host < host_end && *host == '[') {
        for (a = host + 1; a < host_end && *a != ']'; a++) {
            if (!((*a >= '0' && *a <= '9') || *a == ':' || *a == '.'
                  || (privacy_csp_lower(*a) >= 'a'
                      && privacy_csp_lower(*a) <= 'f')))
            {
                return -1;
            }
        }

        if (a == host_end || a == host + 1) {
            return -1;
        }

        a++;

    } else {
        for (a = host; a < host_end && *a != ':'; a++) {
            if (!((*a >= '0' && *a <= '9') || *a == '-' || *a == '.'
                  || (privacy_csp_lower(*a) >= 'a'
                      && privacy_csp_lower(*a) <= 'z')))
            {
                return -1;
            }
        }
    }

    n = a - host;

    if (a < host_end) {
        if (*a != ':') {
            return -1;
        }

        port = a + 1;
    }

    if (n && host[n - 1] == '.' && host[0] != '[') {
        n--;
    }

    if (n == 0 || n > 253 || host[0] == '.') {
        return -1;
    }

    for (a = host + 1; a < host + n; a++) {
        if (*a == '.' && a[-1] == '.') {
            return -1;                            /* an empty label */
        }
    }

    port_len = 0;

    if (port) {
        port_len = host_end - port;

        if (port_len > 5) {
            return -1;
        }

        for (a = port, value = 0; a < host_end; a++) {
            if (*a < '0' || *a > '9') {
                return -1;
            }
            value = value * 10 + (*a - '0');
        }

        if (value > 65535) {
            return -1;
        }

        /* the scheme's default port is no part of the host */
        if (port_len == 0
            || (h->secure && port_len == 3 && memcmp(port, "443", 3) == 0)
            || (!h->secure && port_len == 2 && memcmp(port, "80", 2) == 0))
        {
            port_len = 0;
        }
    }

    for (a = host; a < host + n; a++) {
        h->host[a - host] = (unsigned char) privacy_csp_lower(*a);
    }

    h->host_len = n;

    if (port_len) {
        h->host[n] = ':';
        memcpy(h->host + n + 1, port, port_len);
        h->host_len += 1 + port_len;
    }

    h->path = p;

    while (p < end && *p != '?' && *p != '#') {
        p++;
    }

    h->path_len = p - h->path;

    if (h->path_len > PRIVACY_CSP_PATH_MAX) {
        h->path_len = PRIVACY_CSP_PATH_MAX;
    }

    return 0;
}


/*
 * The reports' JSON.  The body is read twice: the first pass only checks
 * it, so that a body cut in the middle of its thousandth report reports
 * nothing; the second calls the handler.  The recursion is bounded by
 * PRIVACY_CSP_DEPTH_MAX.
 */

int
privacy_csp_reports(const unsigned char *body, size_t len,
    privacy_csp_report_t *work, privacy_csp_report_pt handler, void *data)
{
    int                 pass;
    privacy_csp_json_t  js;

    js.count = 0;

    for (pass = 0; pass < 2; pass++) {
        js.p = body;
        js.end = body + len;
        js.depth = 0;
        js.emit = pass;
        js.count = 0;
        js.r = work;
        js.handler = handler;
        js.data = data;

        privacy_csp_ws(&js);

        if (privacy_csp_value(&js, PRIVACY_CSP_TOP) != 0) {
            return PRIVACY_CSP_REPORT_BAD;
        }

        privacy_csp_ws(&js);

        if (js.p != js.end) {
            return PRIVACY_CSP_REPORT_BAD;
        }
    }

    return js.count;
}


static void
privacy_csp_ws(privacy_csp_json_t *js)
{
    while (js->p < js->end
           && (*js->p == ' ' || *js->p == '\t' || *js->p == '\n'
               || *js->p == '\r'))
    {
        js->p++;
    }
}


static int
privacy_csp_value(privacy_csp_json_t *js, int role)
{
    size_t       n;
    const char  *lit;

    if (js->p == js->end) {
        return -1;
    }

    switch (*js->p) {

    case '{':
        if (role == PRIVACY_CSP_LIST || role == PRIVACY_CSP_ANY) {
            /* an object inside a list entry's fields: nothing of ours */
            role = PRIVACY_CSP_ANY;
        }

        return privacy_csp_object(js, role);

    case '[':
        return privacy_csp_array(js, role == PRIVACY_CSP_TOP
                                     ? PRIVACY_CSP_LIST : PRIVACY_CSP_ANY);

    case '"':
        return privacy_csp_string(js, NULL, 0, &n, NULL);

    case 't':
        lit = "true";
        break;

    case 'f':
        lit = "false";
        break;

    case 'n':
        lit = "null";
        break;

    default:
        return privacy_csp_number(js);
    }

    n = strlen(lit);

    if ((size_t) (js->end - js->p) < n || memcmp(js->p, lit, n) != 0) {
        return -1;
    }

    js->p += n;

    return 0;
}


/* a key as the reports name their fields: short, compared exactly */
#define PRIVACY_CSP_KEY(k, lit)                                               \
    ((k)->len == sizeof(lit) - 1 && memcmp((k)->value, lit, (k)->len) == 0)


static int
privacy_csp_object(privacy_csp_json_t *js, int role)
{
    int                    child, rc;
    privacy_csp_url_t     *url;
    privacy_csp_word_t     key, *word;
    privacy_csp_report_t  *r;

    r = js->r;

    if (++js->depth > PRIVACY_CSP_DEPTH_MAX) {
        return -1;
    }

    js->p++;

    if (role == PRIVACY_CSP_TOP || role == PRIVACY_CSP_ENTRY) {
        r->blocked.set = 0;
        r->document.set = 0;
        r->effective.set = 0;
        r->violated.set = 0;
        r->type.set = 0;
        r->body = 0;
    }

    privacy_csp_ws(js);

    if (js->p < js->end && *js->p == '}') {
        js->p++;
        goto done;
    }

    for ( ;; ) {
        privacy_csp_ws(js);

        if (js->p == js->end || *js->p != '"') {
            return -1;
        }

        key.truncated = 0;

        if (privacy_csp_string(js, key.value, sizeof(key.value), &key.len,
                               &key.truncated)
            != 0)
        {
            return -1;
        }

        if (key.truncated) {
            key.len = 0;
        }

        privacy_csp_ws(js);

        if (js->p == js->end || *js->p != ':') {
            return -1;
        }

        js->p++;
        privacy_csp_ws(js);

        if (js->p == js->end) {
            return -1;
        }

        child = PRIVACY_CSP_ANY;
        url = NULL;
        word = NULL;

        switch (role) {

        case PRIVACY_CSP_TOP:
            if (PRIVACY_CSP_KEY(&key, "csp-report") && !r->body
                && *js->p == '{')
            {
                child = PRIVACY_CSP_BODY;
                r->body = 1;
            }
            break;

        case PRIVACY_CSP_ENTRY:
            if (PRIVACY_CSP_KEY(&key, "body") && !r->body && *js->p == '{') {
                child = PRIVACY_CSP_BODY;
                r->body = 1;

            } else if (PRIVACY_CSP_KEY(&key, "type")) {
                word = &r->type;

            } else if (PRIVACY_CSP_KEY(&key, "url")) {
                url = &r->document;
            }
            break;

        case PRIVACY_CSP_BODY:
            if (PRIVACY_CSP_KEY(&key, "blocked-uri")
                || PRIVACY_CSP_KEY(&key, "blockedURL"))
            {
                url = &r->blocked;

            } else if (PRIVACY_CSP_KEY(&key, "document-uri")
                       || PRIVACY_CSP_KEY(&key, "documentURL"))
            {
                url = &r->document;

            } else if (PRIVACY_CSP_KEY(&key, "effective-directive")
                       || PRIVACY_CSP_KEY(&key, "effectiveDirective"))
            {
                word = &r->effective;

            } else if (PRIVACY_CSP_KEY(&key, "violated-directive")) {
                word = &r->violated;
            }
            break;
        }

        if (url && !url->set && *js->p == '"') {
            url->truncated = 0;
            rc = privacy_csp_string(js, url->value, sizeof(url->value),
                                    &url->len, &url->truncated);
            url->set = 1;

        } else if (word && !word->set && *js->p == '"') {
            word->truncated = 0;
            rc = privacy_csp_string(js, word->value, sizeof(word->value),
                                    &word->len, &word->truncated);
            word->set = 1;

        } else {
            rc = privacy_csp_value(js, child);
        }

        if (rc != 0) {
            return -1;
        }

        privacy_csp_ws(js);

        if (js->p == js->end) {
            return -1;
        }

        if (*js->p == '}') {
            js->p++;
            break;
        }

        if (*js->p != ',') {
            return -1;
        }

        js->p++;
    }

done:

    js->depth--;

    if (role == PRIVACY_CSP_ENTRY
        && !(r->type.set && !r->type.truncated
             && PRIVACY_CSP_KEY(&r->type, "csp-violation")))
    {
        return 0;
    }

    if ((role == PRIVACY_CSP_TOP || role == PRIVACY_CSP_ENTRY) && r->body) {
        js->count++;

        if (js->emit && js->handler) {
            js->handler(js->data, r);
        }
    }

    return 0;
}


static int
privacy_csp_array(privacy_csp_json_t *js, int role)
{
    if (++js->depth > PRIVACY_CSP_DEPTH_MAX) {
        return -1;
    }

    js->p++;
    privacy_csp_ws(js);

    if (js->p < js->end && *js->p == ']') {
        js->p++;
        js->depth--;
        return 0;
    }

    for ( ;; ) {
        privacy_csp_ws(js);

        if (privacy_csp_value(js, role == PRIVACY_CSP_LIST
                                  ? PRIVACY_CSP_ENTRY : PRIVACY_CSP_ANY)
            != 0)
        {
            return -1;
        }

        privacy_csp_ws(js);

        if (js->p == js->end) {
            return -1;
        }

        if (*js->p == ']') {
            js->p++;
            break;
        }

        if (*js->p != ',') {
            return -1;
        }

        js->p++;
    }

    js->depth--;

    return 0;
}


static int
privacy_csp_hex4(const unsigned char *p)
{
    int  i, v, c;

    v = 0;

    for (i = 0; i < 4; i++) {
        c = privacy_csp_lower(p[i]);

        if (c >= '0' && c <= '9') {
            v = v * 16 + c - '0';

        } else if (c >= 'a' && c <= 'f') {
            v = v * 16 + c - 'a' + 10;

        } else {
            return -1;
        }
    }

    return v;
}


/* appends a byte to a bounded field; *truncated when it is full */
#define PRIVACY_CSP_PUT(c)                                                    \
    do {                                                                      \
        if (dst == NULL) {                                                    \
            /* only checked */                                                \
        } else if (n < size) {                                                \
            dst[n++] = (unsigned char) (c);                                   \
        } else {                                                              \
            *truncated = 1;                                                   \
        }                                                                     \
    } while (0)


/*
 * A JSON string at js->p, decoded into dst (NULL: only checked) up to
 * size bytes; *len gets the decoded length kept.
 */

static int
privacy_csp_string(privacy_csp_json_t *js, unsigned char *dst, size_t size,
    size_t *len, int *truncated)
{
    int                   cp, lo;
    size_t                n;
    const unsigned char  *start;

    n = 0;
    js->p++;

    for ( ;; ) {
        if (js->p == js->end) {
            return -1;
        }

        if (*js->p == '"') {
            js->p++;
            break;
        }

        if (*js->p < 0x20) {
            return -1;
        }

        if (*js->p >= 0x80) {
            start = js->p;

            if (privacy_csp_utf8(js) != 0) {
                return -1;
            }

            for ( /* void */ ; start < js->p; start++) {
                PRIVACY_CSP_PUT(*start);
            }

            continue;
        }

        if (*js->p != '\\') {
            PRIVACY_CSP_PUT(*js->p);
            js->p++;
            continue;
        }

        if (js->end - js->p < 2) {
            return -1;
        }

        js->p++;

        switch (*js->p++) {
        case '"':  PRIVACY_CSP_PUT('"');  continue;
        case '\\': PRIVACY_CSP_PUT('\\'); continue;
        case '/':  PRIVACY_CSP_PUT('/');  continue;
        case 'b':  PRIVACY_CSP_PUT('\b'); continue;
        case 'f':  PRIVACY_CSP_PUT('\f'); continue;
        case 'n':  PRIVACY_CSP_PUT('\n'); continue;
        case 'r':  PRIVACY_CSP_PUT('\r'); continue;
        case 't':  PRIVACY_CSP_PUT('\t'); continue;
        case 'u':  break;
        default:   return -1;
        }

        if (js->end - js->p < 4 || (cp = privacy_csp_hex4(js->p)) < 0) {
            return -1;
        }

        js->p += 4;

        if (cp >= 0xd800 && cp <= 0xdbff) {
            /* a high surrogate: a pair only with a low one right after */
            if (js->end - js->p >= 6 && js->p[0] == '\\' && js->p[1] == 'u'
                && (lo = privacy_csp_hex4(js->p + 2)) >= 0xdc00
                && lo <= 0xdfff)
            {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                js->p += 6;

            } else {
                cp = 0xfffd;
            }

        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            cp = 0xfffd;
        }

        if (cp < 0x80) {
            PRIVACY_CSP_PUT(cp);

        } else if (cp < 0x800) {
            PRIVACY_CSP_PUT(0xc0 | (cp >> 6));
            PRIVACY_CSP_PUT(0x80 | (cp & 0x3f));

        } else if (cp < 0x10000) {
            PRIVACY_CSP_PUT(0xe0 | (cp >> 12));
            PRIVACY_CSP_PUT(0x80 | ((cp >> 6) & 0x3f));
            PRIVACY_CSP_PUT(0x80 | (cp & 0x3f));

        } else {
            PRIVACY_CSP_PUT(0xf0 | (cp >> 18));
            PRIVACY_CSP_PUT(0x80 | ((cp >> 12) & 0x3f));
            PRIVACY_CSP_PUT(0x80 | ((cp >> 6) & 0x3f));
            PRIVACY_CSP_PUT(0x80 | (cp & 0x3f));
        }
    }

    *len = n;

    return 0;
}


/* one UTF-8 sequence at js->p (RFC 3629: no overlongs, no surrogates) */

static int
privacy_csp_utf8(privacy_csp_json_t *js)
{
    size_t                need, i;
    unsigned char         c, lo, hi;
    const unsigned char  *p;

    p = js->p;
    c = *p;
    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;

    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        }

    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }

    } else {
        return -1;
    }

    if ((size_t) (js->end - p) <= need) {
        return -1;
    }

    for (i = 1; i <= need; i++) {
        if (p[i] < lo || p[i] > hi) {
            return -1;
        }
        lo = 0x80;
        hi = 0xbf;
    }

    js->p = p + need + 1;

    return 0;
}


static int
privacy_csp_number(privacy_csp_json_t *js)
{
    const unsigned char  *p, *end;

    p = js->p;
    end = js->end;

#define PRIVACY_CSP_DIGIT(p)  ((p) < end && *(p) >= '0' && *(p) <= '9')

    if (p < end && *p == '-') {
        p++;
    }

    if (p < end && *p == '0') {
        p++;

    } else if (PRIVACY_CSP_DIGIT(p)) {
        while (PRIVACY_CSP_DIGIT(p)) {
            p++;
        }

    } else {
        return -1;
    }

    if (p < end && *p == '.') {
        p++;

        if (!PRIVACY_CSP_DIGIT(p)) {
            return -1;
        }

        while (PRIVACY_CSP_DIGIT(p)) {
            p++;
        }
    }

    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;

        if (p < end && (*p == '+' || *p == '-')) {
            p++;
        }

        if (!PRIVACY_CSP_DIGIT(p)) {
            return -1;
        }

        while (PRIVACY_CSP_DIGIT(p)) {
            p++;
        }
    }

#undef PRIVACY_CSP_DIGIT

    js->p = p;

    return 0;
}
