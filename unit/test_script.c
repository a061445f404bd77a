
/*
 * Unit tests: privacy_script.c
 */


#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_script.h"


#define ANALYTICS  0
#define ADS        1
#define MEDIA      2

#define ALL        0x7u


/* the "regex" of these tests: a prefix, or an error when it is "!" */
static int fake_match(void *regex, const unsigned char *s, size_t len);
static void set_up(void);
static int url(const char *v);
static int text(const char *t);
static size_t rewrite(unsigned char **out, const char *page, size_t len,
    uint32_t granted, const size_t *cuts, size_t ncuts, int *overlong);
static int splits_agree(const char *page, size_t len, uint32_t granted);
static void expect(const char *page, uint32_t granted, const char *want,
    int line);
static void test_pattern(void);
static void test_decode(void);
static void test_url(void);
static void test_text(void);
static void test_rewrite(void);
static void test_long(void);


static char                      pattern_text[6][64];
static privacy_script_pattern_t  patterns[6];
static privacy_script_set_t      set;
static privacy_script_rw_t       rw;
static const privacy_script_name_t  names[] = {
    { (const unsigned char *) "analytics", 9 },
    { (const unsigned char *) "ads", 3 },
    { (const unsigned char *) "media", 5 }
};


static int
fake_match(void *regex, const unsigned char *s, size_t len)
{
    size_t       n;
    const char  *prefix;

    prefix = regex;

    if (strcmp(prefix, "!") == 0) {
        return -3;
    }

    n = strlen(prefix);

    return len >= n && memcmp(s, prefix, n) == 0;
}


static void
set_up(void)
{
    size_t             i;
    static const char  *src[] = {
        "www.GoogleTagManager.com", ".facebook.com",
        "https://www.youtube.com/embed/", "~px", "//cdn.example:8080/t/",
        ".Tracker.example"
    };
    static const int    cat[] = { ANALYTICS, ADS, MEDIA, ADS, ADS, ADS };

    for (i = 0; i < 6; i++) {
        strcpy(pattern_text[i], src[i]);

        if (privacy_script_pattern(&patterns[i],
                                   (unsigned char *) pattern_text[i],
                                   strlen(pattern_text[i]), cat[i])
            != 0)
        {
            printf("FAIL: pattern %s\n", src[i]);
            exit(1);
        }
    }

    /* the "regex" ~px: URLs starting with https://px.example/ */
    patterns[3].regex = (void *) "https://px.example/";

    set.patterns = patterns;
    set.npatterns = 6;
    set.match = fake_match;
    set.names = names;
    set.nnames = 3;
}


static int
url(const char *v)
{
    int             cat;
    size_t          len;
    unsigned char  *work;

    len = strlen(v);
    work = malloc(len ? len : 1);
    if (work == NULL) {
        abort();
    }

    cat = privacy_script_url(&set, (const unsigned char *) v, len, work);
    free(work);

    return cat;
}


static int
text(const char *t)
{
    return privacy_script_text(&set, (const unsigned char *) t, strlen(t));
}


static void
test_pattern(void)
{
    privacy_script_pattern_t  p;
    unsigned char             b[64];

#define PAT(s, rc)                                                           \
    memcpy(b, s, sizeof(s) - 1);                                             \
    CHECK_INT(privacy_script_pattern(&p, b, sizeof(s) - 1, 4), rc)

    PAT("www.googletagmanager.com", 0);
    CHECK_INT(p.type, PRIVACY_SCRIPT_HOST);
    CHECK_INT(p.category, 4);
    PAT("WWW.Example.COM", 0);
    CHECK_STR(p.host, p.host_len, "www.example.com");
    PAT(".facebook.net", 0);
    CHECK_INT(p.type, PRIVACY_SCRIPT_DOMAIN);
    CHECK_STR(p.host, p.host_len, "facebook.net");
    PAT("HTTPS://WWW.YouTube.com/Embed/", 0);
    CHECK_INT(p.type, PRIVACY_SCRIPT_PREFIX);
    CHECK_INT(p.scheme, 's');
    CHECK_STR(p.host, p.host_len, "www.youtube.com");
    CHECK_STR(p.path, p.path_len, "/Embed/");
    PAT("http://a.example:80/x", 0);
    CHECK_STR(p.host, p.host_len, "a.example");
    CHECK_INT(p.scheme, 'h');
    PAT("https://a.example:8443", 0);
    CHECK_STR(p.host, p.host_len, "a.example:8443");
    CHECK_INT(p.path_len, 0);
    PAT("//a.example/p", 0);
    CHECK_INT(p.scheme, 0);
    PAT("~^https://x", 0);
    CHECK_INT(p.type, PRIVACY_SCRIPT_REGEX);
    CHECK_STR(p.host, p.host_len, "^https://x");

    PAT("", -1);
    PAT("~", -1);
    PAT(".", -1);
    PAT("..a", -1);
    PAT("a..b", -1);
    PAT("a.", -1);
    PAT("a b", -1);
    PAT("a_b.com", -1);
    PAT("a.com:", -1);
    PAT("a.com:123456", -1);
    PAT("a.com:8x", -1);
    PAT("https://", -1);
    PAT("https:///x", -1);
    PAT("//", -1);
    PAT("https://a.com?x", -1);
    PAT("ftp://a.com/", -1);
    PAT("a.com/x", -1);
    PAT("https://user@a.com/", -1);

#undef PAT
}


static void
test_decode(void)
{
    size_t         n;
    unsigned char  out[64];

#define DEC(in, want)                                                        \
    n = privacy_script_decode(out, (const unsigned char *) in,               \
                              sizeof(in) - 1);                               \
    CHECK_STR(out, n, want)

    DEC("a?b=1&amp;c=2", "a?b=1&c=2");
    DEC("https&#58;//x&#x2F;&#X2f;", "https://x//");
    DEC("&colon;&sol;&period;&quest;&num;&commat;&equals;&percnt;",
        ":/.?#@=%");
    DEC("&amp;&lt;&gt;&quot;&apos;", "&<>\"'");
    DEC("&amp &lt", "& <");
    DEC("&ampx &amp=1 &ampamp;", "&ampx &amp=1 &ampamp;");
    DEC("&#65&#x42;C", "ABC");
    DEC("&#0;", "\xef\xbf\xbd");
    DEC("&#xD800;", "\xef\xbf\xbd");
    DEC("&#99999999999999999999;", "\xef\xbf\xbd");
    DEC("&#xe9;", "\xc3\xa9");
    DEC("&#x1F600;", "\xf0\x9f\x98\x80");
    DEC("&#; &#x; &# &", "&#; &#x; &# &");
    DEC("&unknown; &Amp;", "&unknown; &Amp;");
    DEC("", "");

#undef DEC
}


static void
test_url(void)
{
    /* host and its subdomains */
    CHECK_INT(url("https://www.googletagmanager.com/gtm.js?id=1"), ANALYTICS);
    CHECK_INT(url("HTTPS://WWW.GOOGLETAGMANAGER.COM/gtm.js"), ANALYTICS);
    CHECK_INT(url("//www.googletagmanager.com/gtm.js"), ANALYTICS);
    CHECK_INT(url("http:www.googletagmanager.com"), ANALYTICS);
    CHECK_INT(url("https:////www.googletagmanager.com/"), ANALYTICS);
    CHECK_INT(url("\\\\www.googletagmanager.com\\x"), ANALYTICS);
    CHECK_INT(url("https:\\\\www.googletagmanager.com"), ANALYTICS);
    CHECK_INT(url("https://u:p@www.googletagmanager.com/"), ANALYTICS);
    CHECK_INT(url("https://www.googletagmanager.com./x"), ANALYTICS);
    CHECK_INT(url("https://www.googletagmanager.com:8443/x"), ANALYTICS);
    CHECK_INT(url("https://www%2egoogletagmanager.com/"), ANALYTICS);
    CHECK_INT(url("  \n https://www.google\ttagmanager.com/ \r"), ANALYTICS);
    CHECK_INT(url("https&#58;//www.googletagmanager.com&sol;"), ANALYTICS);
    CHECK_INT(url("https://www.googletagmanager.com?x"), ANALYTICS);
    CHECK_INT(url("https://x.www.googletagmanager.com/"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://googletagmanager.com/"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://www.googletagmanager.com.evil/"),
              PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://evil/?www.googletagmanager.com"),
              PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://www.googletagmanager.com@evil/"),
              PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://connect.facebook.com/en_US/fbevents.js"), ADS);
    CHECK_INT(url("https://facebook.com/tr?id=1&amp;ev=PageView"), ADS);
    CHECK_INT(url("https://FACEBOOK.com:444/tr"), ADS);
    CHECK_INT(url("https://notfacebook.com/tr"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://a.b.tracker.example/"), ADS);

    /* relative URLs are first-party */
    CHECK_INT(url("/www.googletagmanager.com/gtm.js"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("www.googletagmanager.com/gtm.js"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("gtm.js?www.googletagmanager.com"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("javascript://www.googletagmanager.com/"),
              PRIVACY_MATCH_NONE);
    CHECK_INT(url(""), PRIVACY_MATCH_NONE);
    CHECK_INT(url("//"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://"), PRIVACY_MATCH_NONE);

    /* URL prefixes, with either scheme for "//" */
    CHECK_INT(url("https://www.youtube.com/embed/xyz"), MEDIA);
    CHECK_INT(url("//www.youtube.com/embed/xyz"), MEDIA);
    CHECK_INT(url("https://WWW.YOUTUBE.COM:443/embed/"), MEDIA);
    CHECK_INT(url("http://www.youtube.com/embed/xyz"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://www.youtube.com/Embed/xyz"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://www.youtube.com/watch"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("https://www.youtube.com/embed"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("http://cdn.example:8080/t/p.gif"), ADS);
    CHECK_INT(url("https://cdn.example:8080/t/p.gif"), ADS);
    CHECK_INT(url("https://cdn.example/t/p.gif"), PRIVACY_MATCH_NONE);

    /* regex, on the value as normalized */
    CHECK_INT(url("https://px.example/p.gif"), ADS);
    CHECK_INT(url(" https://px.example/p.gif?a&amp;b"), ADS);
    CHECK_INT(url("https://px.example"), PRIVACY_MATCH_NONE);

    patterns[3].regex = (void *) "!";
    CHECK_INT(url("https://other.example/"), PRIVACY_MATCH_ERROR);
    /* an earlier pattern still wins */
    CHECK_INT(url("https://www.googletagmanager.com/"), ANALYTICS);
    patterns[3].regex = (void *) "https://px.example/";

    /*
     * without expressions a "/path" is answered before it is decoded:
     * not when the byte after the '/' may make it "//host"
     */
    set.match = NULL;
    CHECK_INT(url("/"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("/www.googletagmanager.com/gtm.js"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("/%2Fwww.googletagmanager.com/"), PRIVACY_MATCH_NONE);
    CHECK_INT(url("//www.googletagmanager.com/gtm.js"), ANALYTICS);
    CHECK_INT(url("/\\www.googletagmanager.com/gtm.js"), ANALYTICS);
    CHECK_INT(url("/\t/www.googletagmanager.com/gtm.js"), ANALYTICS);
    CHECK_INT(url("/\n/www.googletagmanager.com/gtm.js"), ANALYTICS);
    CHECK_INT(url("/\r/www.googletagmanager.com/gtm.js"), ANALYTICS);
    CHECK_INT(url("/&sol;www.googletagmanager.com/gtm.js"), ANALYTICS);
    CHECK_INT(url("/&#47;www.googletagmanager.com/gtm.js"), ANALYTICS);
    CHECK_INT(url("https://px.example/p.gif"), PRIVACY_MATCH_NONE);
    set.match = fake_match;
}


static void
test_text(void)
{
    CHECK_INT(text("(function(w,d,s,l,i){j.src='https://www.googletagmanager"
                   ".com/gtm.js?id='+i;})(window,document)"), ANALYTICS);
    CHECK_INT(text("x='https:\\/\\/WWW.GOOGLETAGMANAGER.COM\\/gtm.js'"),
              ANALYTICS);
    CHECK_INT(text("www.googletagmanager.com"), ANALYTICS);
    CHECK_INT(text("'//connect.facebook.com/en_US/fbevents.js'"), ADS);
    CHECK_INT(text("'facebook.com'"), ADS);
    CHECK_INT(text("src: \"https://www.youtube.com\\/embed/x\""), MEDIA);
    CHECK_INT(text("x.www.googletagmanager.com"), PRIVACY_MATCH_NONE);
    CHECK_INT(text("www.googletagmanager.company"), PRIVACY_MATCH_NONE);
    CHECK_INT(text("www.googletagmanager.com.evil"), PRIVACY_MATCH_NONE);
    CHECK_INT(text("notfacebook.com"), PRIVACY_MATCH_NONE);
    CHECK_INT(text("https://www.youtube.com/watch"), PRIVACY_MATCH_NONE);
    CHECK_INT(text("https://px.example/"), PRIVACY_MATCH_NONE);
    CHECK_INT(text(""), PRIVACY_MATCH_NONE);
    CHECK_INT(text("www.googletagmanager.co"), PRIVACY_MATCH_NONE);
}


static size_t
rewrite(unsigned char **out, const char *page, size_t len, uint32_t granted,
    const size_t *cuts, size_t ncuts, int *overlong)
{
    size_t  n, m;

    n = privacy_script_rewrite(&rw, NULL, 0, (const unsigned char *) page,
                               len, &set, granted, cuts, ncuts, NULL);

    /* exactly sized: ASan sees any overrun */
    *out = malloc(n ? n : 1);
    if (*out == NULL) {
        abort();
    }

    m = privacy_script_rewrite(&rw, *out, n, (const unsigned char *) page,
                               len, &set, granted, cuts, ncuts, overlong);
    if (m != n) {
        printf("    the measured length differs\n");
    }

    return n;
}


static int
splits_agree(const char *page, size_t len, uint32_t granted)
{
    int             ok;
    size_t          n, m, i, j, cuts[2], *every;
    unsigned char  *ref, *out;

    n = rewrite(&ref, page, len, granted, NULL, 0, NULL);
    ok = 1;

    /* a long page is cut at every 97th offset and around the bounds */
    for (i = 0; ok && i <= len; i += (len > 2000) ? 97 : 1) {
        cuts[0] = i;
        m = rewrite(&out, page, len, granted, cuts, 1, NULL);

        if (m != n || memcmp(out, ref, n) != 0) {
            printf("    one cut at %zu differs\n", i);
            unit_show("ref", ref, n);
            unit_show("cut", out, m);
            ok = 0;
        }

        free(out);

        for (j = i; ok && len <= 300 && j <= len; j++) {
            cuts[1] = j;
            m = rewrite(&out, page, len, granted, cuts, 2, NULL);

            if (m != n || memcmp(out, ref, n) != 0) {
                printf("    cuts at %zu, %zu differ\n", i, j);
                ok = 0;
            }

            free(out);
        }
    }

    every = malloc((len + 1) * sizeof(size_t));
    if (every == NULL) {
        abort();
    }

    for (i = 0; i <= len; i++) {
        every[i] = i;
    }

    m = rewrite(&out, page, len, granted, every, len + 1, NULL);

    if (ok && (m != n || memcmp(out, ref, n) != 0)) {
        printf("    byte by byte differs\n");
        ok = 0;
    }

    free(out);
    free(every);
    free(ref);

    return ok;
}


static void
expect(const char *page, uint32_t granted, const char *want, int line)
{
    size_t          n, len;
    unsigned char  *out;

    len = strlen(page);
    n = rewrite(&out, page, len, granted, NULL, 0, NULL);

    unit_check_mem(out, n, want, strlen(want), page, __FILE__, line);
    free(out);

    unit_check(splits_agree(page, len, granted), "splits agree", __FILE__,
               line);
}


#define REWRITES(page, want)    expect(page, 0, want, __LINE__)
#define UNTOUCHED(page)         expect(page, 0, page, __LINE__)
#define GRANTED(page, g, want)  expect(page, g, want, __LINE__)

#define GTM   "https://www.googletagmanager.com/gtm.js?id=GTM-1"
#define HOLD  "type=\"text/plain\" data-privacy-category="


static void
test_rewrite(void)
{
    /* external scripts */
    REWRITES("<p>x</p><script src=\"" GTM "\" async></script><p>y",
             "<p>x</p><script " HOLD "\"analytics\" data-privacy-src=\""
             GTM "\" async></script><p>y");
    REWRITES("<script async type=\"text/javascript\" src='" GTM "'>"
             "</script>",
             "<script " HOLD "\"analytics\" async data-privacy-type="
             "\"text/javascript\" data-privacy-src='" GTM "'></script>");
    REWRITES("<SCRIPT SRC=//www.googletagmanager.com/gtm.js></SCRIPT>",
             "<SCRIPT " HOLD "\"analytics\" data-privacy-SRC="
             "//www.googletagmanager.com/gtm.js></SCRIPT>");
    REWRITES("<script\nsrc = \"" GTM "&amp;l=dl\"\n></script>",
             "<script " HOLD "\"analytics\"\ndata-privacy-src = \""
             GTM "&amp;l=dl\"\n></script>");
    REWRITES("<script/src=https&#58;//www.googletagmanager.com/x></script>",
             "<script " HOLD "\"analytics\"/data-privacy-src=https&#58;"
             "//www.googletagmanager.com/x></script>");
    REWRITES("<script src=" GTM " src=/a.js></script>",
             "<script " HOLD "\"analytics\" data-privacy-src=" GTM
             " data-privacy-src=/a.js></script>");
    REWRITES("<script src=\"https://connect.facebook.com/x.js\"/>",
             "<script " HOLD "\"ads\" data-privacy-src="
             "\"https://connect.facebook.com/x.js\"/>");
    /* the first src is the one a browser loads */
    UNTOUCHED("<script src=/a.js src=" GTM "></script>");
    UNTOUCHED("<script src=\"/js/www.googletagmanager.com.js\"></script>");
    UNTOUCHED("<script src=\"www.googletagmanager.com/gtm.js\"></script>");
    GRANTED("<script src=\"" GTM "\"></script>", 1u << ANALYTICS,
            "<script src=\"" GTM "\"></script>");

    /* not tags: comments, another script's text, svg, attributes */
    UNTOUCHED("<!-- <script src=\"" GTM "\"></script> -->");
    UNTOUCHED("<script>var s = '<script src=\"/x.js\"></script>';</script>");
    UNTOUCHED("<textarea><script src=" GTM "></script></textarea>");
    UNTOUCHED("<title><img src=https://facebook.com/tr></title>");
    UNTOUCHED("<svg><script src=\"" GTM "\"></script></svg>");
    UNTOUCHED("<p title='<script src=" GTM ">'>");
    UNTOUCHED("</script src=" GTM "><scriptx src=" GTM ">");
    UNTOUCHED("<plaintext><script src=" GTM ">");
    UNTOUCHED("<a href=" GTM ">x</a><link rel=stylesheet href=" GTM ">");
    UNTOUCHED("<<p><script data-x src=/a.js>");

    /* the script double escaped state: the outer script is inline */
    REWRITES("<script><!--\ndocument.write(\"<script src=" GTM "></script>"
             "\");\n//--></script><p>",
             "<script " HOLD "\"analytics\"><!--\ndocument.write(\"<script "
             "src=" GTM "></script>\");\n//--></script><p>");

    /* </script in a JS string ends the script, as in a browser */
    REWRITES("<script>var a = \"</script>\"; b = '" GTM "';</script>",
             "<script>var a = \"</script>\"; b = '" GTM "';</script>");

    /* frames, pixels, preloads */
    REWRITES("<iframe width=1 src=\"https://www.youtube.com/embed/x\">"
             "</iframe>",
             "<iframe data-privacy-category=\"media\" width=1 "
             "data-privacy-src=\"https://www.youtube.com/embed/x\">"
             "</iframe>");
    REWRITES("<noscript><img height=\"1\" src=\"https://www.facebook.com/tr?"
             "id=1&amp;ev=PageView&amp;noscript=1\"/></noscript>",
             "<noscript><img data-privacy-category=\"ads\" height=\"1\" "
             "data-privacy-src=\"https://www.facebook.com/tr?id=1&amp;ev="
             "PageView&amp;noscript=1\"/></noscript>");
    REWRITES("<noscript><iframe src=\"https://www.googletagmanager.com/ns"
             ".html?id=GTM-1\" height=\"0\"></iframe></noscript>",
             "<noscript><iframe data-privacy-category=\"analytics\" "
             "data-privacy-src=\"https://www.googletagmanager.com/ns.html?"
             "id=GTM-1\" height=\"0\"></iframe></noscript>");
    REWRITES("<img src=/logo.png srcset=\"/a.png 1x, "
             "https://facebook.com/p.gif 2x\" alt=x>",
             "<img data-privacy-category=\"ads\" data-privacy-src=/logo.png "
             "data-privacy-srcset=\"/a.png 1x, https://facebook.com/p.gif 2x"
             "\" alt=x>");
    REWRITES("<img srcset='/a.png 1x,https://px.example/p.gif 2x'>",
             "<img data-privacy-category=\"ads\" data-privacy-srcset="
             "'/a.png 1x,https://px.example/p.gif 2x'>");
    REWRITES("<img srcset='/a.png, https://px.example/p.gif'>",
             "<img data-privacy-category=\"ads\" data-privacy-srcset="
             "'/a.png, https://px.example/p.gif'>");
    /* a comma inside a URL is the URL's: one relative URL */
    UNTOUCHED("<img srcset='/a.png,https://px.example/p.gif 2x'>");
    UNTOUCHED("<img srcset=\"/a.png 1x, /b.png 2x\" src=/c.png>");
    REWRITES("<LINK REL=\"dns-prefetch preconnect\" HREF="
             "\"//www.googletagmanager.com\">",
             "<LINK data-privacy-category=\"analytics\" REL=\"dns-prefetch "
             "preconnect\" data-privacy-HREF=\"//www.googletagmanager.com\">");
    REWRITES("<link href=" GTM " rel=preload as=script>",
             "<link data-privacy-category=\"analytics\" data-privacy-href="
             GTM " rel=preload as=script>");
    UNTOUCHED("<link rel=icon href=" GTM ">");
    /* template contents may be cloned into the page: rewritten too */
    REWRITES("<template><img src=https://facebook.com/p></template>",
             "<template><img data-privacy-category=\"ads\" "
             "data-privacy-src=https://facebook.com/p></template>");

    /* inline scripts: a tag manager snippet */
    REWRITES("<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm."
             "start':new Date().getTime(),event:'gtm.js'});var f=d."
             "getElementsByTagName(s)[0],j=d.createElement(s),dl=l!="
             "'dataLayer'?'&l='+l:'';j.async=true;j.src='https://www."
             "googletagmanager.com/gtm.js?id='+i+dl;f.parentNode."
             "insertBefore(j,f);})(window,document,'script','dataLayer',"
             "'GTM-1');</script>",
             "<script " HOLD "\"analytics\">(function(w,d,s,l,i){w[l]=w[l]||"
             "[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'"
             "});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),"
             "dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://www."
             "googletagmanager.com/gtm.js?id='+i+dl;f.parentNode."
             "insertBefore(j,f);})(window,document,'script','dataLayer',"
             "'GTM-1');</script>");
    REWRITES("<script type=module>import 'https://connect.facebook.com/"
             "x.js'</script >",
             "<script " HOLD "\"ads\" data-privacy-type=module>import "
             "'https://connect.facebook.com/x.js'</script >");
    UNTOUCHED("<script type=application/ld+json>{\"u\":\"" GTM "\"}"
              "</script>");
    UNTOUCHED("<script>var a = 1;</script><script></script>");
    UNTOUCHED("<script>www.googletagmanager.com");
    GRANTED("<script>x('" GTM "')</script>", 1u << ANALYTICS,
            "<script>x('" GTM "')</script>");

    /* marked by the site: inert until granted, then made to run */
    UNTOUCHED("<script type=\"text/plain\" data-privacy-category=\"ads\">"
              "fbq('init')</script>");
    GRANTED("<script type=\"text/plain\" data-privacy-category=\"ads\">"
            "fbq('init')</script>", 1u << ADS,
            "<script  data-privacy-category=\"ads\">fbq('init')</script>");
    GRANTED("<script TYPE=text/plain data-privacy-category=ads "
            "data-privacy-type=module>x</script>", ALL,
            "<script  data-privacy-category=ads type=module>x</script>");
    GRANTED("<script type=\"text/plain\" data-privacy-category=\"analytics\""
            " data-privacy-src=\"" GTM "\"></script>", 1u << ANALYTICS,
            "<script  data-privacy-category=\"analytics\" src=\"" GTM
            "\"></script>");
    GRANTED("<img data-privacy-category=ads data-privacy-src=/p.gif>",
            1u << ADS, "<img data-privacy-category=ads src=/p.gif>");
    GRANTED("<img data-privacy-category=ads data-privacy-src=/p.gif>",
            1u << ANALYTICS,
            "<img data-privacy-category=ads data-privacy-src=/p.gif>");
    GRANTED("<img data-privacy-category=other data-privacy-src=/p.gif>",
            0xffffffffu,
            "<img data-privacy-category=other data-privacy-src=/p.gif>");

    /* a page with no match: unchanged */
    UNTOUCHED("<!DOCTYPE html><html><head><title>t</title><script src="
              "/app.js></script><link rel=preload href=/f.woff2></head>"
              "<body><img src=/a.png srcset=\"/b.png 2x\"><iframe src="
              "/frame></iframe><script>var x = '<';</script></body></html>");
    UNTOUCHED("");
    UNTOUCHED("<");
    UNTOUCHED("<script src=\"" GTM);
    UNTOUCHED("<img src=https://facebook.com/p");
}


static void
test_long(void)
{
    int             overlong;
    size_t          n, len, k;
    char           *page;
    unsigned char  *out;

    page = malloc(40000);
    if (page == NULL) {
        abort();
    }

    /* an inline script over the bound passes untouched, reported once */
    k = (size_t) sprintf(page, "<script>x='" GTM "';");
    memset(page + k, ' ', PRIVACY_SCRIPT_INLINE_MAX);
    k += PRIVACY_SCRIPT_INLINE_MAX;
    k += (size_t) sprintf(page + k, "</script><script>'" GTM "'</script>");
    len = k;

    n = rewrite(&out, page, len, 0, NULL, 0, &overlong);
    k = strlen("<script>x='" GTM "';") + PRIVACY_SCRIPT_INLINE_MAX
        + strlen("</script>");
    CHECK_INT(overlong, 2);
    CHECK_INT(n, len + strlen(" " HOLD "\"analytics\""));
    CHECK(memcmp(out, page, k) == 0);
    CHECK(memcmp(out + k, "<script " HOLD "\"analytics\">",
                 strlen("<script " HOLD "\"analytics\">")) == 0);
    free(out);

    /* at the bound it is still examined */
    k = (size_t) sprintf(page, "<script>");
    memset(page + k, ' ', PRIVACY_SCRIPT_INLINE_MAX - strlen(GTM));
    k += PRIVACY_SCRIPT_INLINE_MAX - strlen(GTM);
    k += (size_t) sprintf(page + k, GTM "</script>");
    n = rewrite(&out, page, k, 0, NULL, 0, &overlong);
    CHECK_INT(overlong, 0);
    CHECK_INT(n, k + strlen(" " HOLD "\"analytics\""));
    free(out);

    /* a start tag over the bound passes untouched */
    k = (size_t) sprintf(page, "<script src=" GTM " data-x=\"");
    memset(page + k, 'a', PRIVACY_SCRIPT_TAG_MAX);
    k += PRIVACY_SCRIPT_TAG_MAX;
    k += (size_t) sprintf(page + k, "\"></script><script src=" GTM ">");
    n = rewrite(&out, page, k, 0, NULL, 0, &overlong);
    CHECK_INT(overlong, 1);
    CHECK_INT(n, k + strlen(" " HOLD "\"analytics\"") + strlen("data-privacy-"));
    CHECK(memcmp(out, page, k - strlen("<script src=" GTM ">")) == 0);
    free(out);

    CHECK(splits_agree(page, k, 0));

    free(page);
}


int
main(void)
{
    set_up();

    test_pattern();
    test_decode();
    test_url();
    test_text();
    test_rewrite();
    test_long();

    return unit_done();
}
