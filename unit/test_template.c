
/*
 * Unit tests: privacy_template.c
 */


#include <string.h>

#include "unit.h"
#include "privacy_banner.h"
#include "privacy_template.h"


#define T(lit)  { (const unsigned char *) (lit), sizeof(lit) - 1 }


/* a template filled once counting, once writing: the same length */
static size_t
fill(unsigned char *out, const char *tpl, const privacy_template_fill_t *f,
    size_t n, size_t *cuts, size_t *ncuts)
{
    size_t  len, len2, counted;

    len = privacy_template_fill(NULL, (const unsigned char *) tpl,
                                strlen(tpl), f, n, NULL, &counted);
    memset(out, '#', len + 1);
    len2 = privacy_template_fill(out, (const unsigned char *) tpl,
                                 strlen(tpl), f, n, cuts, ncuts);

    CHECK_INT(len2, len);
    CHECK_INT(*ncuts, counted);
    CHECK(out[len] == '#');

    return len;
}


static void
test_fill(void)
{
    size_t                   len, cuts[4], ncuts;
    unsigned char            out[256];
    privacy_template_fill_t  f[3] = {
        { T("{{a}}"), T("<A&>") },
        { T("{{cut}}"), { NULL, 0 } },
        { T("{{ab}}"), T("") }
    };

    len = fill(out, "x{{a}}y{{cut}}z{{ab}}{{a}}", f, 3, cuts, &ncuts);
    CHECK_STR(out, len, "x<A&>yz<A&>");
    CHECK_INT(ncuts, 1);
    CHECK_INT(cuts[0], 6);

    /* no placeholder, unknown ones, a lone brace, one cut at the end */
    len = fill(out, "{{b}} { {{a} {{", f, 3, cuts, &ncuts);
    CHECK_STR(out, len, "{{b}} { {{a} {{");
    CHECK_INT(ncuts, 0);

    len = fill(out, "{{cut}}{{cut}}", f, 3, cuts, &ncuts);
    CHECK_INT(len, 0);
    CHECK_INT(ncuts, 2);
    CHECK_INT(cuts[0], 0);
    CHECK_INT(cuts[1], 0);

    len = fill(out, "", f, 3, cuts, &ncuts);
    CHECK_INT(len, 0);
    CHECK_INT(ncuts, 0);

    /* a placeholder cut by the template's end is text */
    len = fill(out, "a{{a}", f, 3, cuts, &ncuts);
    CHECK_STR(out, len, "a{{a}");
}


static void
test_category(void)
{
    size_t                        len;
    unsigned char                 out[1024];
    privacy_match_name_t          names[] = {
        { (const unsigned char *) "_gid", 4, 1 },
        { (const unsigned char *) "s", 1, 0 },
        { (const unsigned char *) "a<b", 3, 1 }
    };
    privacy_template_pattern_t    patterns[] = {
        { T("~^_ga&"), 1 },
        { T("~^x"), 0 }
    };
    privacy_template_words_t      w = {
        T("Details"), T("Always on"), T("GPC"), T("Cookies"), T("none"),
        T("Hosts")
    };
    privacy_template_category_t   c;

    memset(&c, 0, sizeof(c));
    c.name = (privacy_text_t) T("analytics");
    c.label = (privacy_text_t) T("A & B");
    c.description = (privacy_text_t) T("d\"");
    c.index = 1;
    c.input = 1;

    len = privacy_template_category(NULL, &c, &w, names, 3, patterns, 2);
    CHECK(len < sizeof(out));
    CHECK_INT(privacy_template_category(out, &c, &w, names, 3, patterns, 2),
              len);
    CHECK_STR(out, len,
              "<div class=\"privacy-banner__category\">"
              "<label class=\"privacy-banner__choice\"><input "
              "type=\"checkbox\" name=\"category\" value=\"analytics\"> "
              "A &amp; B</label><details class=\"privacy-banner__details\">"
              "<summary>Details<span class=\"privacy-banner__about\"> "
              "(A &amp; B)</span></summary><p>d&quot;</p><dl><dt>Cookies"
              "</dt><dd>_gid, a&lt;b, ~^_ga&amp;</dd></dl></details></div>");

    /* the hosts of its trackers after its cookies, escaped */
    c.hosts = (privacy_text_t) T("a.example, b<c");
    len = privacy_template_category(out, &c, &w, names, 3, patterns, 2);
    CHECK(len > 66
          && memcmp(out + len - 66, "</dd><dt>Hosts</dt><dd>a.example, "
                    "b&lt;c</dd></dl></details></div>", 66) == 0);
    c.hosts.len = 0;

    /* a category with patterns only */
    c.index = 0;
    c.name = (privacy_text_t) T("x");
    len = privacy_template_category(out, &c, &w, names + 2, 0, patterns, 2);
    CHECK(len > 33
          && memcmp(out + len - 33, "<dd>~^x</dd></dl></details></div>", 33)
             == 0);
    c.name = (privacy_text_t) T("analytics");

    /* essential: no checkbox, always on; checked and GPC; no cookies */
    c.essential = 1;
    c.index = 2;
    c.description.len = 0;
    c.gpc = 1;
    len = privacy_template_category(out, &c, &w, names, 3, patterns, 2);
    CHECK_STR(out, len,
              "<div class=\"privacy-banner__category\">"
              "<span class=\"privacy-banner__choice\">A &amp; B</span>"
              "<details class=\"privacy-banner__details\"><summary>Details"
              "<span class=\"privacy-banner__about\"> (A &amp; B)</span>"
              "</summary><p>Always on</p><p class=\"privacy-banner__gpc\">"
              "GPC</p><dl><dt>Cookies</dt><dd>none</dd></dl></details>"
              "</div>");

    c.essential = 0;
    c.gpc = 0;
    c.checked = 1;
    c.index = 1;
    len = privacy_template_category(out, &c, &w, names, 3, NULL, 0);
    CHECK(len > 150 && memcmp(out + 115, "value=\"analytics\" checked> ",
                              27) == 0);
}


int
main(void)
{
    test_fill();
    test_category();

    return unit_done();
}
