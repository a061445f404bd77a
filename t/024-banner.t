# The consent banner: which responses get it (status 200, a type of
# privacy_banner_types, main request, not HEAD, not 304, not the consent
# endpoint's, not a Content-Encoding one), where it goes (body_start,
# body_end), what it is made of (builtin, FILE with placeholders) and the
# headers that change with it (Content-Length, Accept-Ranges, ETag, Vary),
# on HEAD as on GET.
# Bodies cut into small buffers are in 025-banner-stream.t.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $Std = privacy_std_config();

our $T_OK   = mint(grant => 'analytics');
our $T_NONE = mint(grant => 'none');

our $Page = '<html><head><title>t</title></head>'
          . '<body class="x"><p>content</p></body></html>';

# the page with the banner file "[B]" in it
our $PageB = '<html><head><title>t</title></head>'
           . '<body class="x">[B]<p>content</p></body></html>';

our $Files = [['banner.html', '[B]'], ['page.html', $Page]];

our $File = q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    location /p/ { alias $TEST_NGINX_SERVER_ROOT/html/; default_type text/html; }
};

our $Inputs = '<label class="privacy-banner__choice"><input type="checkbox" '
            . 'name="category" value="analytics"> analytics</label>'
            . '<label class="privacy-banner__choice"><input type="checkbox" '
            . 'name="category" value="marketing"> marketing</label>';

# the builtin banner's: each optional category by its label, with its
# details (a regular expression's cookies are not listed)
our $Choices = '<div class="privacy-banner__category">'
    . '<label class="privacy-banner__choice"><input type="checkbox" '
    . 'name="category" value="analytics"> Analytics</label>'
    . '<details class="privacy-banner__details"><summary>Details'
    . '<span class="privacy-banner__about"> (Analytics)</span></summary>'
    . '<p>Measure how the site is used, such as the pages visited, to '
    . 'improve it.</p><dl><dt>Cookies</dt><dd>_gid, ~^_ga</dd></dl></details></div>'
    . '<div class="privacy-banner__category">'
    . '<label class="privacy-banner__choice"><input type="checkbox" '
    . 'name="category" value="marketing"> Marketing</label>'
    . '<details class="privacy-banner__details"><summary>Details'
    . '<span class="privacy-banner__about"> (Marketing)</span></summary>'
    . '<p>Let advertising partners recognise you across sites to show ads '
    . 'based on your interests.</p><dl><dt>Cookies</dt><dd>_fbp</dd></dl>'
    . '</details></div>';

our $HttpConfig = backend_http_config();

# a second server with privacy on, behind the test's own server
our $Inner = sub {
    my ($body) = @_;
    return $HttpConfig . "    server {\n"
        . "        listen unix:\$TEST_NGINX_SERVER_ROOT/logs/inner.sock;\n"
        . $Std . $body . "    }\n";
};

default_http_config($HttpConfig);

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the builtin banner goes right after <body ...> of an undecided visitor's page
--- config eval
$::Std . q{
    location /p/ { alias $TEST_NGINX_SERVER_ROOT/html/; default_type text/html; }
}
--- user_files eval: $::Files
--- request
GET /p/page.html
--- response_body_like eval
qr{^<html><head><title>t</title></head><body class="x"><div id="privacy-banner" [^>]*role="dialog"[^>]*>.*</form><p class="privacy-banner__saved" hidden>Your choice is saved\. [^<]*<a href="/privacy/consent">Privacy settings</a></p></div><p>content</p></body></html>$}s
--- response_headers
Vary: Cookie, Accept-Language
! Transfer-Encoding
! Accept-Ranges
Tk: N
--- response_headers_like
Content-Length: \d+
--- no_error_log
[error]
[alert]



=== TEST 2: the builtin banner: stylesheet, form, labelled dialog
--- config eval
$::Std . q{
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_like eval
qr{^<body><div id="privacy-banner" class="privacy-banner"[^>]* role="dialog" aria-modal="false" aria-labelledby="privacy-banner-title" aria-describedby="privacy-banner-text">.*<h2 id="privacy-banner-title" class="privacy-banner__title">.*<p id="privacy-banner-text" class="privacy-banner__text">.*</div>x$}s



=== TEST 3: the builtin banner links its stylesheet below privacy_consent_url
--- config eval
$::Std . q{
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_like eval
qr{^<body><div id="privacy-banner"[^>]*><link rel="stylesheet" href="/privacy/consent/banner\.[0-9a-f]{12}\.css"><script src="/privacy/consent/banner\.[0-9a-f]{12}\.js" defer></script><form class="privacy-banner__form" method="post" action="/privacy/consent">}s



=== TEST 4: the builtin banner has no inline script, no style element, no style attribute
--- config eval
$::Std . q{
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_unlike eval
qr{<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=}i



=== TEST 5: the builtin banner's one script is the optional external file
--- config eval
$::Std . q{
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_like eval
qr{^<body><div id="privacy-banner"[^>]*>(?:(?!<script).)*<script src="/privacy/consent/banner\.[0-9a-f]{12}\.js" defer></script>(?:(?!<script).)*</div>x$}s



=== TEST 6: the builtin banner: one unticked checkbox per optional category, none for essential ones
--- config eval
$::Std . q{
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_like eval
qr{<legend>Optional cookies</legend>\Q$::Choices\E</fieldset>}



=== TEST 7: the builtin banner has no ticked box and no essential category
--- config eval
$::Std . q{
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_unlike eval
qr{checked|value="necessary"}



=== TEST 8: Accept all and Reject all buttons alike, and Save
--- config eval
$::Std . q{
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_like eval
qr{<button type="submit" name="action" value="accept_all" class="privacy-banner__button">Accept all</button><button type="submit" name="action" value="reject_all" class="privacy-banner__button">Reject all</button><button type="submit" name="action" value="save" class="privacy-banner__button privacy-banner__button--save">Save my choices</button>}



=== TEST 9: the builtin banner's return path is the request URI, HTML-escaped
--- config eval
$::Std . q{
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t?a=1&b='2'
--- response_body_like eval
qr{<input type="hidden" name="return" value="/t\?a=1&amp;b=&#39;2&#39;">}



=== TEST 10: the builtin banner links the privacy notice, HTML-escaped
--- config eval
$::Std . q{
    privacy_policy_url '/privacy?v=1&lang="en"';
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_like eval
qr{<a href="/privacy\?v=1&amp;lang=&quot;en&quot;">Read the privacy notice</a>}



=== TEST 11: privacy_consent_url moves the form and the stylesheet
--- config eval
$::Std . q{
    privacy_consent_url /choices;
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_like eval
qr{^<body><div id="privacy-banner"[^>]*><link rel="stylesheet" href="/choices/banner\.[0-9a-f]{12}\.css"><script src="/choices/banner\.[0-9a-f]{12}\.js" defer></script><form class="privacy-banner__form" method="post" action="/choices">}s



=== TEST 12: a FILE banner, placeholders replaced and HTML-escaped
--- config eval
$::Std . q{
    privacy_policy_url '/privacy?v=1&lang="en"';
    privacy_consent_url /consent<x>;
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- user_files eval
[['banner.html', '<div id="privacy-banner" role="dialog">P={{policy_url}} C={{consent_url}} R={{return_path}} I={{category_inputs}} R2={{return_path}} {{unknown}}</div>']]
--- request
GET /t?q=<a>&r="1"
--- response_body eval
'<body><div id="privacy-banner" role="dialog">P=/privacy?v=1&amp;lang=&quot;en&quot; C=/consent&lt;x&gt; R=/t?q=&lt;a&gt;&amp;r=&quot;1&quot; I=' . $::Inputs . ' R2=/t?q=&lt;a&gt;&amp;r=&quot;1&quot; {{unknown}}</div>x'



=== TEST 13: a FILE banner at body_start, exactly
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- request
GET /p/page.html
--- response_body eval: $::PageB



=== TEST 14: body_end puts the banner right before </body>
--- config eval
$::Std . $::File . q{
    privacy_banner_position body_end;
}
--- user_files eval: $::Files
--- request
GET /p/page.html
--- response_body eval
'<html><head><title>t</title></head><body class="x"><p>content</p>[B]</body></html>'



=== TEST 15: the tag is matched case-insensitively, with attributes, a ">" in a quoted value
--- config eval
$::Std . $::File . q{
    location = /t {
        default_type text/html;
        return 200 '<HTML><BoDy data-x="a>b" class=\'c>d\' hidden>z</BODY>';
    }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body chomp
<HTML><BoDy data-x="a>b" class='c>d' hidden>[B]z</BODY>



=== TEST 16: body_end is matched case-insensitively too
--- config eval
$::Std . $::File . q{
    privacy_banner_position body_end;
    location = /t { default_type text/html; return 200 '<body>z</BODY >'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body chomp
<body>z[B]</BODY >



=== TEST 17: <tbody>, <bodyx> and <body-x> are not the body tag
--- config eval
$::Std . $::File . q{
    location = /t { default_type text/html; return 200 '<table><tbody></tbody></table><bodyx><body-x>'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body: <table><tbody></tbody></table><bodyx><body-x>



=== TEST 18: a body tag in a comment, a script, a style or a title is not the body tag
--- config eval
$::Std . $::File . q{
    location = /t {
        default_type text/html;
        return 200 '<title><body></title><!-- <body> --><script>s="<body>";</script><style>/*<body>*/</style><body>z';
    }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body: <title><body></title><!-- <body> --><script>s="<body>";</script><style>/*<body>*/</style><body>[B]z



=== TEST 19: only the first body tag gets the banner
--- config eval
$::Std . $::File . q{
    location = /t { default_type text/html; return 200 '<body>a<body>b'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body: <body>[B]a<body>b



=== TEST 20: a page without a body tag is left as it is
--- config eval
$::Std . $::File . q{
    location = /t { default_type text/html; return 200 '<p>no body here</p>'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body: <p>no body here</p>
--- no_error_log
[error]



=== TEST 21: body_end, a page without </body> is left as it is
--- config eval
$::Std . $::File . q{
    privacy_banner_position body_end;
    location = /t { default_type text/html; return 200 '<body><p>x</p></bod'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body: <body><p>x</p></bod



=== TEST 22: a static file: the length counts the banner, Accept-Ranges and the validators go
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- request
GET /p/page.html
--- response_headers eval
"Content-Length: " . length($::PageB) . "
! Transfer-Encoding
! Accept-Ranges
! ETag
! Last-Modified
Vary: Cookie"
--- response_body eval: $::PageB



=== TEST 23: a decided visitor gets the page as it is: length, ranges and strong ETag kept, Vary: Cookie
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- request
GET /p/page.html
--- more_headers eval
"Cookie: privacy_consent=$::T_OK"
--- response_headers eval
"Content-Length: " . length($::Page) . "\nAccept-Ranges: bytes\nVary: Cookie\nTk: C"
--- response_headers_like
ETag: "[0-9a-f]+-[0-9a-f]+"
--- response_body eval: $::Page



=== TEST 24: a refusal is a decision: no banner
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- request
GET /p/page.html
--- more_headers eval
"Cookie: privacy_consent=$::T_NONE"
--- response_headers
Vary: Cookie
Tk: N
--- response_body eval: $::Page



=== TEST 25: a rejected token gets the banner again
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- request
GET /p/page.html
--- more_headers eval
"Cookie: privacy_consent=" . substr($::T_OK, 0, 50)
--- response_body eval: $::PageB



=== TEST 26: text/plain is not a banner type: no banner, no Vary
--- config eval
$::Std . $::File . q{
    location = /t { default_type text/plain; return 200 '<body>x'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_headers
! Vary
--- response_body: <body>x



=== TEST 27: privacy_banner_types adds types
--- config eval
$::Std . $::File . q{
    privacy_banner_types text/plain application/xhtml+xml;
    location = /t { default_type text/plain; return 200 '<body>x'; }
    location = /x { default_type application/xhtml+xml; return 200 '<body>x'; }
    location = /h { default_type text/html; return 200 '<body>x'; }
}
--- user_files eval: $::Files
--- request eval
["GET /t", "GET /x", "GET /h"]
--- response_headers eval
["Vary: Cookie", "Vary: Cookie", "Vary: Cookie"]
--- response_body eval
["<body>[B]x", "<body>[B]x", "<body>[B]x"]



=== TEST 28: privacy_banner_types * matches any type
--- config eval
$::Std . $::File . q{
    privacy_banner_types *;
    location = /t { default_type application/octet-stream; return 200 '<body>x'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body: <body>[B]x



=== TEST 29: a type with a charset parameter still matches
--- config eval
$::Std . $::File . q{
    location /u/ { proxy_pass http://backend/html/; }
}
--- user_files eval: $::Files
--- request
GET /u/page.html
--- response_headers
Content-Type: text/html; charset=utf-8
--- response_body eval: $::PageB



=== TEST 30: error pages get no banner (404 with nginx's own HTML page)
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- request
GET /p/missing.html
--- error_code: 404
--- response_body_like: <body>\r\n<center><h1>404 Not Found</h1></center>
--- response_body_unlike: \[B\]



=== TEST 31: a 201 gets no banner
--- config eval
$::Std . $::File . q{
    location = /t { default_type text/html; return 201 '<body>x'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- error_code: 201
--- response_body: <body>x



=== TEST 32: HEAD gets no banner but GET's headers: the length with the banner, Vary: Cookie, no validators
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- init
main::head_like_get('/p/page.html');
--- request eval
["GET /p/page.html", "HEAD /p/page.html"]
--- response_headers eval
my $h = "Content-Length: " . length($::PageB) . "
Vary: Cookie
! ETag
! Last-Modified
! Accept-Ranges
! Transfer-Encoding";
[$h, $h]
--- response_body eval
[$::PageB, ""]
--- no_error_log
[error]
[alert]



=== TEST 33: a decided visitor's 304 Not Modified: no banner, no body, the Vary of the 200
--- config eval
$::Std . $::File . q{
    location /s/ { alias $TEST_NGINX_SERVER_ROOT/html/; default_type text/html; if_modified_since before; }
}
--- user_files eval
[['banner.html', '[B]'], ['page.html', $::Page, '201801010000']]
--- request
GET /s/page.html
--- more_headers eval
"Cookie: privacy_consent=$::T_NONE
If-Modified-Since: Thu, 31 Dec 2037 23:59:59 GMT"
--- error_code: 304
--- response_body
--- response_headers
Vary: Cookie
--- no_error_log
[error]
[alert]



=== TEST 33a: an undecided visitor revalidating a copy without the banner gets the banner, not a 304
--- config eval
$::Std . $::File . q{
    location /s/ { alias $TEST_NGINX_SERVER_ROOT/html/; default_type text/html; if_modified_since before; }
}
--- user_files eval
[['banner.html', '[B]'], ['page.html', $::Page, '201801010000']]
--- request
GET /s/page.html
--- more_headers
If-Modified-Since: Thu, 31 Dec 2037 23:59:59 GMT
If-None-Match: "5a497a00-4f"
--- error_code: 200
--- response_body eval: $::PageB
--- no_error_log
[error]
[alert]



=== TEST 33b: a proxied page: an undecided visitor's conditions do not reach the application, the page comes with the banner and no validators
--- config eval
$::Std . $::File . q{
    location = /a { proxy_pass http://backend/html/page.html; }
}
--- user_files eval
[['banner.html', '[B]'], ['page.html', $::Page, '201801010000']]
--- request
GET /a
--- more_headers
If-None-Match: *
If-Modified-Since: Mon, 01 Jan 2018 00:00:00 GMT
--- error_code: 200
--- response_headers
! ETag
! Last-Modified
Vary: Cookie
--- response_body eval: $::PageB
--- no_error_log
[error]
[alert]



=== TEST 33c: a proxied page: a decided visitor's If-None-Match reaches the application, which answers 304
--- config eval
$::Std . $::File . q{
    location = /a { proxy_pass http://backend/html/page.html; }
}
--- user_files eval
[['banner.html', '[B]'], ['page.html', $::Page, '201801010000']]
--- request
GET /a
--- more_headers eval
"Cookie: privacy_consent=$::T_OK
If-None-Match: *"
--- error_code: 304
--- response_body
--- no_error_log
[error]
[alert]



=== TEST 33d: a proxied page: a decided visitor's If-Modified-Since reaches the application, which answers 304
--- config eval
$::Std . $::File . q{
    location = /a { proxy_pass http://backend/html/page.html; }
}
--- user_files eval
[['banner.html', '[B]'], ['page.html', $::Page, '201801010000']]
--- request
GET /a
--- more_headers eval
"Cookie: privacy_consent=$::T_OK
If-Modified-Since: Mon, 01 Jan 2018 00:00:00 GMT"
--- error_code: 304
--- response_body
--- no_error_log
[error]
[alert]



=== TEST 34: a Range request gets the whole page with the banner
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- request
GET /p/page.html
--- more_headers
Range: bytes=0-9
--- error_code: 200
--- response_body eval: $::PageB



=== TEST 35: privacy_banner off
--- config eval
$::Std . $::File . q{
    location = /t { privacy_banner off; default_type text/html; return 200 '<body>x'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body: <body>x



=== TEST 36: privacy off: no banner, no Vary
--- config eval
$::Std . $::File . q{
    location = /t { privacy off; default_type text/html; return 200 '<body>x'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_headers
! Vary
--- response_body: <body>x



=== TEST 37: a subrequest's body tag gets no banner, the main request's does
--- config eval
$::Std . $::File . q{
    location = /t {
        ssi on;
        default_type text/html;
        return 200 '<!--# include virtual="/sub" --><body>main';
    }
    location = /sub { default_type text/html; return 200 '<body>sub'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body: <body>sub<body>[B]main



=== TEST 38: a page whose only body tag comes from a subrequest gets no banner
--- config eval
$::Std . $::File . q{
    location = /t {
        ssi on;
        default_type text/html;
        return 200 '<p><!--# include virtual="/sub" --></p>';
    }
    location = /sub { default_type text/html; return 200 '<body>sub'; }
}
--- user_files eval: $::Files
--- request
GET /t
--- response_body: <p><body>sub</p>



=== TEST 39: a gzip-encoded upstream body is left alone, logged at notice level
--- http_config eval
$::Inner->(q{
        privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
        location / {
            proxy_set_header Accept-Encoding gzip;
            proxy_pass http://backend/html/;
        }
})
--- config
    location /outer/ {
        gunzip on;
        proxy_pass http://unix:$TEST_NGINX_SERVER_ROOT/logs/inner.sock:/;
    }
--- user_files eval: $::Files
--- request
GET /outer/page.html
--- response_body eval: $::Page
--- error_log eval
qr/\[notice\] .*privacy banner not inserted: the response has "Content-Encoding: gzip"/
--- no_error_log
[error]
[alert]



=== TEST 40: the gzip-encoded upstream body reaches the client as it is
--- http_config eval: $::HttpConfig
--- config eval
$::Std . $::File . q{
    location /g/ {
        proxy_set_header Accept-Encoding gzip;
        proxy_pass http://backend/html/;
    }
}
--- user_files eval: $::Files
--- request
GET /g/page.html
--- response_headers
Content-Encoding: gzip
Vary: Cookie
--- response_body_unlike: \[B\]
--- error_log
privacy banner not inserted



=== TEST 41: with gunzip on, the banner goes into the decompressed body
--- config eval
$::Std . $::File . q{
    location /g/ {
        gunzip on;
        proxy_set_header Accept-Encoding gzip;
        proxy_pass http://backend/html/;
    }
}
--- user_files eval: $::Files
--- request
GET /g/page.html
--- response_headers
! Content-Encoding
--- response_body eval: $::PageB
--- no_error_log
privacy banner not inserted



=== TEST 42: nginx's own gzip compresses the page with the banner in it
--- http_config eval
$::Inner->(q{
        privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
        gzip on;
        gzip_http_version 1.0;
        gzip_min_length 0;
        location / { alias $TEST_NGINX_SERVER_ROOT/html/; default_type text/html; }
})
--- config
    location /outer/ {
        gunzip on;
        proxy_set_header Accept-Encoding gzip;
        proxy_pass http://unix:$TEST_NGINX_SERVER_ROOT/logs/inner.sock:/;
        add_header X-Upstream-Encoding $upstream_http_content_encoding;
    }
--- user_files eval: $::Files
--- request
GET /outer/page.html
--- response_headers
X-Upstream-Encoding: gzip
--- response_body eval: $::PageB



=== TEST 43: the consent endpoint's answers never get the banner
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config eval
$::Std . $::File . q{
    privacy_banner_types *;
    location /privacy/consent { privacy_consent_endpoint; }
}
--- user_files eval: $::Files
--- request
GET /privacy/consent/banner.css
--- response_headers
Content-Type: text/css
Tk: U
--- response_body_unlike: \[B\]



=== TEST 44: two pages with the banner on one keep-alive connection: each as long as it says
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- pipelined_requests eval
["GET /p/page.html", "GET /p/page.html"]
--- response_body eval
[$::PageB, $::PageB]



=== TEST 45: a static page without a body tag keeps its length and bytes
--- config eval: $::Std . $::File
--- user_files eval
[['banner.html', '[B]'], ['plain.html', '<html><p>no body tag</p></html>']]
--- request
GET /p/plain.html
--- response_headers
Content-Length: 31
! Transfer-Encoding
--- response_body: <html><p>no body tag</p></html>



=== TEST 46: at body_end the length counts the banner too
--- config eval
$::Std . $::File . q{
    privacy_banner_position body_end;
}
--- user_files eval: $::Files
--- request
GET /p/page.html
--- response_headers eval
"Content-Length: " . length('<html><head><title>t</title></head><body class="x"><p>content</p>[B]</body></html>') . "
! Transfer-Encoding"
--- response_body: <html><head><title>t</title></head><body class="x"><p>content</p>[B]</body></html>



=== TEST 47: a proxied page whose body tag is in a later buffer goes chunked, as it must
--- config eval
$::Std . $::File . q{
    location /s/ { proxy_pass http://backend/slow/; proxy_buffering off; }
}
--- user_files eval: $::Files
--- request
GET /s/page.html
--- response_headers
Transfer-Encoding: chunked
! Content-Length
--- response_body eval: $::PageB



=== TEST 48: HEAD at body_end, before any GET of the page: GET's length and headers
--- config eval
$::Std . $::File . q{
    privacy_banner_position body_end;
}
--- user_files eval: $::Files
--- init
main::head_like_get('/p/page.html');
--- request eval
["HEAD /p/page.html", "GET /p/page.html"]
--- response_headers eval
my $h = "Content-Length: " . length('<html><head><title>t</title></head><body class="x"><p>content</p>[B]</body></html>') . "
Vary: Cookie
! ETag
! Last-Modified
! Accept-Ranges
! Transfer-Encoding";
[$h, $h]
--- response_body eval
["", '<html><head><title>t</title></head><body class="x"><p>content</p>[B]</body></html>']
--- no_error_log
[error]
[alert]



=== TEST 49: HEAD with the builtin banner: the length counts the page's return path
--- config eval
$::Std . q{
    location /p/ { alias $TEST_NGINX_SERVER_ROOT/html/; default_type text/html; }
}
--- user_files eval: $::Files
--- init
main::head_like_get('/p/page.html?a=1&b=%22x%22');
main::head_like_get('/p/page.html', "Accept-Language: de\r\n");
--- request
HEAD /p/page.html?a=1&b=%22x%22
--- response_headers
! ETag
! Last-Modified
--- response_headers_like
Content-Length: \d+



=== TEST 50: a decided visitor: HEAD and GET have the file's length and validators
--- config eval: $::Std . $::File
--- user_files eval: $::Files
--- init
main::head_like_get('/p/page.html', "Cookie: privacy_consent=$::T_OK\r\n");
--- request eval
["HEAD /p/page.html", "GET /p/page.html"]
--- more_headers eval
"Cookie: privacy_consent=$::T_OK"
--- response_headers eval
my $h = "Content-Length: " . length($::Page) . "
Vary: Cookie
Accept-Ranges: bytes";
[$h, $h]
--- response_headers_like eval
my $h = 'ETag: "[0-9a-f]+-[0-9a-f]+"
Last-Modified: \w+, \d+ \w+ \d+ [\d:]+ GMT';
[$h, $h]
--- response_body eval
["", $::Page]



=== TEST 51: HEAD of a page without a body tag: GET's length, no validators
--- config eval: $::Std . $::File
--- user_files eval
[['banner.html', '[B]'], ['plain.html', '<html><p>no body tag</p></html>']]
--- init
main::head_like_get('/p/plain.html');
--- request
HEAD /p/plain.html
--- response_headers
Content-Length: 31
! ETag
! Last-Modified
! Accept-Ranges



=== TEST 52: HEAD of a proxied page: whether the banner goes in is not known without the body, so no length; no validators
--- config eval
$::Std . $::File . q{
    location /b/ { proxy_pass http://backend/html/; }
}
--- user_files eval: $::Files
--- request eval
["HEAD /b/page.html", "GET /b/page.html"]
--- response_headers eval
["! Content-Length
! ETag
! Last-Modified
! Accept-Ranges
Vary: Cookie", "Content-Length: " . length($::PageB) . "
! ETag
! Last-Modified
! Accept-Ranges
Vary: Cookie"]
--- response_body eval
["", $::PageB]
--- no_error_log
[error]
[alert]
