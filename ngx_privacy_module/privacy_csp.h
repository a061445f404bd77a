
/*
 * Content-Security-Policy for ngx_privacy_module (privacy_csp): the check
 * of a CSP source expression, the CSP sources of a privacy_script pattern,
 * and a strict JSON scanner for the violation reports browsers send
 * (privacy_csp_report_endpoint): application/csp-report (CSP level 2) and
 * application/reports+json (the Reporting API).
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 */


#ifndef PRIVACY_CSP_H_INCLUDED_
#define PRIVACY_CSP_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/*
 * Checks one SOURCE of privacy_csp_allow against the CSP level 3 grammar:
 *
 *   'self' 'unsafe-inline' 'unsafe-eval' 'unsafe-hashes' 'report-sample'
 *   'wasm-unsafe-eval' 'unsafe-allow-redirects'   (any case)
 *   'nonce-B64' 'sha256-B64' 'sha384-B64' 'sha512-B64'
 *   scheme:                      https: data: blob: ...
 *   [scheme://]host[:port][/path]  host is *, or [*.]label(.label)*,
 *                                  port digits or *, the path without
 *                                  ';' ',' quotes or spaces
 *
 * 'none' is refused (the module always adds 'self' and the visitor's
 * hosts), and so is 'strict-dynamic' (with it browsers ignore every host
 * in script-src, so the categories could hold nothing back).  Returns 0,
 * or -1 with *err saying why.
 */
int privacy_csp_source(const unsigned char *s, size_t len, const char **err);

/*
 * A source made from a privacy_script URL prefix, for a header: ';' ','
 * quotes, '\\' and bytes up to 0x20 or over 0x7e are %-encoded (CSP
 * decodes a path's %XX before it compares), so that no pattern ends the
 * directive it is in.  dst holds 3 * len bytes; returns the length written.
 */
size_t privacy_csp_escape(unsigned char *dst, const unsigned char *src,
    size_t len);


/* the directives a report is counted for; OTHER: none of these */
enum {
    PRIVACY_CSP_DEFAULT_SRC = 0,
    PRIVACY_CSP_SCRIPT_SRC,
    PRIVACY_CSP_SCRIPT_SRC_ELEM,
    PRIVACY_CSP_SCRIPT_SRC_ATTR,
    PRIVACY_CSP_STYLE_SRC,
    PRIVACY_CSP_STYLE_SRC_ELEM,
    PRIVACY_CSP_STYLE_SRC_ATTR,
    PRIVACY_CSP_IMG_SRC,
    PRIVACY_CSP_CONNECT_SRC,
    PRIVACY_CSP_FRAME_SRC,
    PRIVACY_CSP_CHILD_SRC,
    PRIVACY_CSP_WORKER_SRC,
    PRIVACY_CSP_FONT_SRC,
    PRIVACY_CSP_MEDIA_SRC,
    PRIVACY_CSP_OBJECT_SRC,
    PRIVACY_CSP_MANIFEST_SRC,
    PRIVACY_CSP_FORM_ACTION,
    PRIVACY_CSP_OTHER,
    PRIVACY_CSP_DIRECTIVES
};

extern const char *const  privacy_csp_directive_names[PRIVACY_CSP_DIRECTIVES];

/*
 * The directive a report names: the first word of s (an effective
 * directive is one word, a CSP2 violated-directive is the whole directive
 * with its sources), any case.
 */
int privacy_csp_directive(const unsigned char *s, size_t len);


/* the longest host kept, with ":port" */
#define PRIVACY_CSP_HOST_MAX   262
/* the longest path kept (the rest is cut) */
#define PRIVACY_CSP_PATH_MAX   128

typedef struct {
    unsigned char         host[PRIVACY_CSP_HOST_MAX];
    size_t                host_len;
    const unsigned char  *path;      /* into the URL, up to '?' or '#' */
    size_t                path_len;  /* at most PRIVACY_CSP_PATH_MAX */
    int                   secure;    /* https or wss */
} privacy_csp_host_t;

/*
 * The host of an absolute http, https, ws or wss URL: lowercased, without
 * userinfo, a trailing '.' or the scheme's default port; letters, digits,
 * '-' and '.', or an IPv6 literal in brackets.  truncated says the URL was
 * cut: its authority must then end before the cut.  Returns 0, or -1 for
 * anything else (the "inline", "eval", "data" or "blob" a report names,
 * other schemes, relative URLs, bad hosts).
 */
int privacy_csp_host(const unsigned char *url, size_t len, int truncated,
    privacy_csp_host_t *h);


/* the longest URL kept from a report (longer ones are cut, see truncated) */
#define PRIVACY_CSP_URL_MAX        2048
#define PRIVACY_CSP_WORD_MAX       64
/* objects and arrays nested deeper are refused */
#define PRIVACY_CSP_DEPTH_MAX      32

#define PRIVACY_CSP_REPORT_BAD     (-1)

typedef struct {
    unsigned char  value[PRIVACY_CSP_URL_MAX];
    size_t         len;
    int            set;
    int            truncated;
} privacy_csp_url_t;

typedef struct {
    unsigned char  value[PRIVACY_CSP_WORD_MAX];
    size_t         len;
    int            set;
    int            truncated;
} privacy_csp_word_t;

/* one report, its strings decoded from JSON (UTF-8) */
typedef struct {
    privacy_csp_url_t   blocked;      /* blocked-uri, blockedURL */
    privacy_csp_url_t   document;     /* document-uri, documentURL, url */
    privacy_csp_word_t  effective;    /* effective-directive,
                                         effectiveDirective */
    privacy_csp_word_t  violated;     /* violated-directive */
    privacy_csp_word_t  type;         /* a Reporting API entry's type */
    int                 body;         /* the report's body was seen */
} privacy_csp_report_t;

typedef void (*privacy_csp_report_pt)(void *data,
    const privacy_csp_report_t *report);

/*
 * The reports of a request body: one {"csp-report": {...}} object, or a
 * Reporting API array [{"type": "csp-violation", "url": ..., "body":
 * {...}}, ...] whose entries of other types are skipped.  The body must be
 * one strict JSON value (RFC 8259: UTF-8, no lone surrogate escapes
 * decoded as such but as U+FFFD, at most PRIVACY_CSP_DEPTH_MAX deep) with
 * only whitespace around it; otherwise nothing is reported and the result
 * is PRIVACY_CSP_REPORT_BAD.  A key given twice counts the first time;
 * a field that is not a string is absent.  Each report goes to handler in
 * order, in *work (overwritten for each); returns their number.
 */
int privacy_csp_reports(const unsigned char *body, size_t len,
    privacy_csp_report_t *work, privacy_csp_report_pt handler, void *data);


#endif /* PRIVACY_CSP_H_INCLUDED_ */
