"""The benchmark's static page: a realistic 30 KB HTML document.

A head with meta tags, a stylesheet link, inline critical CSS and JSON-LD,
the <body class=...> tag about 4 KB in, a navigation, an article of
paragraphs, headings, a figure, a table and a quote, a footer, and the
scripts before </body>.  Generated from a fixed seed: every run serves the
same bytes.
"""

import random

SIZE = 30 * 1024

WORDS = """privacy notice cookies consent visitor browser edge server request
response header module configuration category analytics marketing session
essential decision record proof policy version banner tracking status
value signal application proxy upstream location directive filter buffer
stream token signature key rotation retention export access history the a
of and to in is it that for on with as by this be are from at or an which
page site content article section reader people time year way day thing
world life hand part place case week company system program question work
government number night point home water room mother area money story fact
month lot right study book eye job word business issue side kind head house
service friend father power hour game line end member law car city
community name president team minute idea kid body information back parent
face others level office door health person art war history party result
change morning reason research girl guy moment air teacher force
education""".split()

CSS = """
:root{--fg:#1d2433;--bg:#fdfdfc;--accent:#0b5cad;--muted:#5b6475;--max:72rem}
*,*::before,*::after{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font:1rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent);text-decoration-thickness:.08em;text-underline-offset:.15em}
a:hover,a:focus{text-decoration-thickness:.16em}
.site-header{display:flex;align-items:center;justify-content:space-between;padding:1rem 2rem;border-bottom:1px solid #e3e6ec}
.site-header .logo{font-weight:700;font-size:1.25rem;color:var(--fg);text-decoration:none}
.site-nav ul{display:flex;gap:1.5rem;list-style:none;margin:0;padding:0}
.site-nav a{color:var(--muted);text-decoration:none}
.site-nav a[aria-current=page]{color:var(--fg);font-weight:600}
main{max-width:var(--max);margin:0 auto;padding:2rem;display:grid;grid-template-columns:minmax(0,3fr) minmax(0,1fr);gap:3rem}
article h1{font-size:2.5rem;line-height:1.2;margin:0 0 1rem}
article h2{font-size:1.6rem;margin:2.5rem 0 .75rem}
article p{margin:0 0 1.1rem;max-width:68ch}
article figure{margin:2rem 0}
article figure img{max-width:100%;height:auto;border-radius:.5rem}
article figcaption{color:var(--muted);font-size:.875rem}
article blockquote{margin:2rem 0;padding:1rem 1.5rem;border-left:4px solid var(--accent);background:#f3f6fa}
article table{border-collapse:collapse;width:100%;margin:2rem 0}
article th,article td{border-bottom:1px solid #e3e6ec;padding:.5rem;text-align:left}
aside{font-size:.925rem;color:var(--muted)}
aside h3{color:var(--fg);font-size:1rem}
.site-footer{border-top:1px solid #e3e6ec;padding:2rem;color:var(--muted);font-size:.875rem}
.site-footer ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
@media (max-width:48rem){main{grid-template-columns:1fr}.site-nav ul{gap:.75rem}}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--bg:#12151c;--muted:#a3abbb}}
"""

HEAD = """<!DOCTYPE html>
<html lang="en-GB" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>How we handle your data &ndash; Example Journal</title>
<meta name="description" content="A long read on cookies, consent and the edge: what the site stores, why, and how to change your mind.">
<meta name="robots" content="index, follow, max-image-preview:large">
<link rel="canonical" href="https://www.example.org/journal/how-we-handle-your-data/">
<link rel="preload" href="/assets/fonts/inter-var.woff2" as="font" type="font/woff2" crossorigin>
<link rel="stylesheet" href="/assets/css/site.3f9a1c.css" media="all">
<link rel="icon" href="/favicon.ico" sizes="any">
<link rel="alternate" type="application/rss+xml" title="Example Journal" href="/feed/">
<meta property="og:type" content="article">
<meta property="og:title" content="How we handle your data">
<meta property="og:url" content="https://www.example.org/journal/how-we-handle-your-data/">
<meta property="og:image" content="https://www.example.org/assets/img/cover-1200.jpg">
<style id="critical-css">{css}</style>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"Article","headline":"How we handle your data","datePublished":"2018-04-20T09:00:00+01:00","dateModified":"2024-02-11T16:30:00+00:00","author":{{"@type":"Person","name":"A. Writer"}},"publisher":{{"@type":"Organization","name":"Example Journal","logo":{{"@type":"ImageObject","url":"https://www.example.org/assets/img/logo.png"}}}}}}</script>
<!-- the body tag below is where a body_start banner goes -->
</head>
"""

BODY_TAG = ('<body class="post-template-default single single-post '
            'postid-1842 single-format-standard wp-embed-responsive '
            'has-sidebar" data-theme="journal">\n')

HEADER = """<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header" role="banner">
<a class="logo" href="/">Example Journal</a>
<nav class="site-nav" aria-label="Main">
<ul>
<li><a href="/">Home</a></li>
<li><a href="/journal/" aria-current="page">Journal</a></li>
<li><a href="/topics/">Topics</a></li>
<li><a href="/podcast/">Podcast</a></li>
<li><a href="/newsletter/">Newsletter</a></li>
<li><a href="/about/">About</a></li>
<li><a href="/contact/">Contact</a></li>
<li><a href="/search/">Search</a></li>
</ul>
</nav>
</header>
<main id="content">
<article class="post">
<h1>How we handle your data</h1>
<p class="byline">By <a href="/authors/a-writer/">A. Writer</a> &middot; <time datetime="2018-04-20">20 April 2018</time> &middot; 14 min read</p>
"""

TAIL = """</article>
<aside class="sidebar" aria-label="Related">
<h3>Related reading</h3>
<ul>
<li><a href="/journal/cookies-explained/">Cookies, explained</a></li>
<li><a href="/journal/do-not-track/">What happened to Do Not Track</a></li>
<li><a href="/journal/consent-records/">Keeping proof of consent</a></li>
<li><a href="/journal/edge-computing/">Doing it at the edge</a></li>
</ul>
<h3>Newsletter</h3>
<form action="/newsletter/subscribe" method="post"><label for="nl-email">Email</label> <input id="nl-email" type="email" name="email" autocomplete="email"> <button type="submit">Subscribe</button></form>
</aside>
</main>
<footer class="site-footer" role="contentinfo">
<ul>
<li><a href="/privacy.html">Privacy notice</a></li>
<li><a href="/privacy/consent">Your cookie choices</a></li>
<li><a href="/terms/">Terms</a></li>
<li><a href="/accessibility/">Accessibility</a></li>
<li><a href="/imprint/">Imprint</a></li>
</ul>
<p>&copy; 2018&ndash;2024 Example Journal. Text licensed CC BY-SA 4.0.</p>
</footer>
<script src="/assets/js/site.8c1d2e.js" defer></script>
<script src="/assets/js/comments.41aa0f.js" defer></script>
</body>
</html>
"""


def _sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.2:
        i = rng.randrange(1, len(words))
        words[i] = '<a href="/journal/%s/">%s</a>' % (words[i], words[i])
    elif rng.random() < 0.15:
        i = rng.randrange(1, len(words))
        words[i] = "<em>%s</em>" % words[i]
    return " ".join(words) + rng.choice(".....?;")[0].replace(";", ".")


def _paragraph(rng):
    return "<p>%s</p>\n" % " ".join(_sentence(rng)
                                    for _ in range(rng.randint(3, 7)))


def build(size=SIZE, seed=2018):
    """The page, as bytes, within a few hundred bytes of SIZE."""
    rng = random.Random(seed)
    head = HEAD.format(css=CSS.strip())
    parts = [head, BODY_TAG, HEADER]
    n = 0
    while True:
        n += 1
        if n % 6 == 0:
            parts.append("<h2>%s</h2>\n" % _sentence(rng).rstrip(".?"))
        if n == 9:
            parts.append(
                '<figure><img src="/assets/img/edge-800.jpg" srcset='
                '"/assets/img/edge-400.jpg 400w, /assets/img/edge-800.jpg '
                '800w, /assets/img/edge-1600.jpg 1600w" sizes="(max-width: '
                '48rem) 100vw, 48rem" width="800" height="450" alt="A '
                'server rack" loading="lazy"><figcaption>%s</figcaption>'
                '</figure>\n' % _sentence(rng))
        if n == 17:
            parts.append("<blockquote><p>%s</p></blockquote>\n"
                         % _sentence(rng))
        if n == 23:
            rows = "".join("<tr><td>%s</td><td>%s</td><td>%d days</td></tr>"
                           % (rng.choice(WORDS), rng.choice(WORDS),
                              rng.randint(1, 400)) for _ in range(6))
            parts.append("<table><thead><tr><th>Cookie</th><th>Purpose</th>"
                         "<th>Lifetime</th></tr></thead><tbody>%s</tbody>"
                         "</table>\n" % rows)
        parts.append(_paragraph(rng))
        if sum(len(p) for p in parts) + len(TAIL) >= size:
            break
    parts.append(TAIL)
    return "".join(parts).encode()


# six tracker tags as sites carry them: gtag.js and its config, the GTM
# and Meta pixel snippets, the pixel's <noscript> image, a YouTube embed
TRACKERS_HEAD = (
    '<link rel="preconnect" href="https://www.googletagmanager.com">\n'
    '<script async src="https://www.googletagmanager.com/gtag/js?'
    'id=G-XXXXXXX"></script>\n'
    "<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':"
    "new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)"
    "[0],j=d.createElement(s);j.async=true;j.src='https://www."
    "googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);})"
    "(window,document,'script','dataLayer','GTM-XXXX');</script>\n"
    "<script>!function(f,b,e,v,n,t,s){n=f.fbq=function(){n.q.push("
    "arguments)};n.q=[];t=b.createElement(e);t.async=!0;t.src=v;s=b."
    "getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,"
    "document,'script','https://connect.facebook.net/en_US/fbevents.js');"
    "fbq('init','1234');fbq('track','PageView');</script>\n")
TRACKERS_BODY = (
    '<noscript><img height="1" width="1" style="display:none" '
    'src="https://www.facebook.com/tr?id=1234&amp;ev=PageView&amp;'
    'noscript=1"></noscript>\n'
    '<iframe width="560" height="315" src="https://www.youtube.com/embed/'
    'dQw4w9WgXcQ" title="Video" allowfullscreen></iframe>\n')


def build_trackers():
    """The page with six tracker tags: in the head and after the header."""
    p = build().decode()
    p = p.replace("</head>", TRACKERS_HEAD + "</head>", 1)
    p = p.replace("</header>", "</header>" + TRACKERS_BODY, 1)
    return p.encode()


if __name__ == "__main__":
    import sys
    sys.stdout.buffer.write(build())
