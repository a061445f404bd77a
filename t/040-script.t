# privacy_script: third-party scripts, frames, images and links held back
# while their category is not granted, in the banner's pass over the page.
# Each element kind and pattern kind, the tag cut by buffer boundaries at
# every offset (static files in output_buffers of N bytes, padded 0 .. N-1
# bytes; a backend writing a byte at a time), case, quoting, references,
# comments and script text, a tag manager snippet, an inline script over
# the bound, srcset, a page with nothing to hold (unchanged), a visitor
# who granted (untouched, not even chunked), partial grants, report mode,
# the counters and nginx -t.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $Std = privacy_std_config() . q{
    privacy_script analytics www.googletagmanager.com
                             ~^https://stats\.example\.org/;
    privacy_script marketing .facebook.net https://www.youtube.com/embed/;
    privacy_banner off;
    default_type text/html;
};

our $Head = q{<!DOCTYPE html><html><head><title>t</title>} . "\n";

# each line: what the page has, what the visitor gets while undecided
our @Lines = script_lines();

sub page { ('.' x ($_[0] // 0)) . $Head . join("\n", map { $_->[0] } @Lines) . "\n" }
# the page held back where the banner is on it (its script makes the
# frames' placeholders)
sub held_with_banner { ('.' x ($_[0] // 0)) . $Head . join("\n", map { $_->[1] } @Lines) . "\n" }

# the page held back, without the banner; GRANTED: the visitor's grants
sub held {
    my ($pad, $granted) = @_;
    my $p = held_with_banner($pad);
    $p =~ s{(?=<IFRAME data-privacy-category)}{script_placeholder($granted)}e;
    $p;
}

# the page held back for a visitor who granted analytics: its tags as
# written, marketing's held back (the site's marked script left to the test)
sub held_analytics {
    my $p = held($_[0], 'analytics');
    $p =~ s{<script type="text/plain" data-privacy-category="analytics" async data-privacy-src=}{<script async src=};
    $p =~ s{<link data-privacy-category="analytics" rel=preconnect data-privacy-href=}{<link rel=preconnect href=};
    $p =~ s{<script type="text/plain" data-privacy-category="analytics" data-privacy-src="https://stats}{<script src="https://stats};
    $p =~ s{<script type="text/plain" data-privacy-category="analytics" data-privacy-src='https://www.googletagmanager.com/after.js'}{<script src='https://www.googletagmanager.com/after.js'};
    $p;
}

# the Google Tag Manager snippet, as Google gives it
our $Gtm = q{<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-XXXX');</script>};

our $Long = '<script>var x = "https://connect.facebook.net/";'
          . ('/' x 17000) . "</script>\n";

our $Plain = $Head . q{<body><p>No third party here: <a href="https://www.googletagmanager.com/">a link</a>, <img src="/logo.png" alt="www.googletagmanager.com"></p>
<script>var s = "plain";</script></body></html>
};

our $Files = [
    (map { ["p$_.html", page($_)] } 0 .. 13),
    ['gtm.html', $Head . $Gtm . "\n</head><body></body></html>\n"],
    ['long.html', $Long . $Long . q{<script src="https://www.googletagmanager.com/l.js"></script>}],
    ['plain.html', $Plain],
    ['banner.html', '[B]'],
];

our $Config = $Std . join('', map { my $n = $_; qq{
    location /b$n/ {
        alias \$TEST_NGINX_SERVER_ROOT/html/;
        sendfile off;
        output_buffers 1 $n;
    }
} } 1, 2, 3, 7, 13) . q{
    location /px/ {
        proxy_buffering off;
        proxy_pass http://backend/slow/;
    }
    location /report/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        privacy_mode report;
    }
    location /banner/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
        output_buffers 1 7;
        sendfile off;
    }
    location = /status {
        privacy_status;
    }
};

sub reqs   { my ($n) = @_; [map { "GET /b$n/p$_.html" } 0 .. $n - 1] }
sub bodies { my ($n) = @_; [map { held($_) } 0 .. $n - 1] }

our $HttpConfig = backend_http_config();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $HttpConfig)
        unless defined $block->http_config;
    $block->set_value('config', $Config)
        unless defined $block->config;
    $block->set_value('user_files', $Files)
        unless defined $block->user_files;
});

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: an undecided visitor: every element kind and pattern kind held back, the rest byte for byte
--- request
GET /p0.html
--- response_body eval: ::held(0)
--- response_headers
Vary: Cookie
Content-Length:
--- no_error_log
[error]
[alert]



=== TEST 2: one-byte buffers
--- request
GET /b1/p0.html
--- response_body eval: ::held(0)
--- no_error_log
[error]
[alert]



=== TEST 3: two-byte buffers, every tag cut at every offset
--- request eval: ::reqs(2)
--- response_body eval: ::bodies(2)
--- no_error_log
[error]
[alert]



=== TEST 4: three-byte buffers, every tag cut at every offset
--- request eval: ::reqs(3)
--- response_body eval: ::bodies(3)



=== TEST 5: seven-byte buffers, every tag cut at every offset
--- request eval: ::reqs(7)
--- response_body eval: ::bodies(7)



=== TEST 6: 13-byte buffers, every tag cut at every offset
--- request eval: ::reqs(13)
--- response_body eval: ::bodies(13)
--- no_error_log
[error]
[alert]



=== TEST 7: proxied without buffering, the backend writing a byte at a time
--- request eval
["GET /px/p0.html", "GET /px/p5.html"]
--- response_body eval
[::held(0), ::held(5)]
--- no_error_log
[error]
[alert]



=== TEST 8: with the banner, in seven-byte buffers: both in one pass
--- request
GET /banner/p3.html
--- response_body eval
my $p = ::held_with_banner(3); $p =~ s{<body>}{<body>[B]}; $p
--- no_error_log
[error]
[alert]



=== TEST 9: the Google Tag Manager snippet is held back as analytics
--- request
GET /gtm.html
--- response_body eval
my $p = $::Head . $::Gtm . "\n</head><body></body></html>\n";
$p =~ s{^<script>}{<script type="text/plain" data-privacy-category="analytics">}m;
$p
--- no_error_log
[error]



=== TEST 10: inline scripts over 16 KB pass unexamined, logged once at info; a tag after them is held
--- request
GET /long.html
--- response_body eval
$::Long . $::Long . q{<script type="text/plain" data-privacy-category="analytics" data-privacy-src="https://www.googletagmanager.com/l.js"></script>}
--- grep_error_log chop
an inline script over 16384 bytes passed unexamined
--- grep_error_log_out
an inline script over 16384 bytes passed unexamined
--- error_log eval
qr/\[info\] .*privacy script: an inline script over 16384 bytes passed unexamined/



=== TEST 11: a page with nothing to hold back: bytes unchanged
--- request
GET /plain.html
--- response_body eval: $::Plain
--- no_error_log
[error]



=== TEST 12: a visitor who granted both categories: every tag as written, the site's marked analytics script made live
--- request
GET /b7/p3.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics,marketing')
--- response_body eval
my $p = ::page(3);
$p =~ s{<script type="text/plain" data-privacy-category="analytics">ga}{<script  data-privacy-category="analytics">ga};
$p
--- response_headers
! Content-Length
--- no_error_log
[error]



=== TEST 12a: privacy_script_marked off: a visitor who granted both gets the page untouched, not even chunked
--- config eval: $::Std . "privacy_script_marked off;"
--- request
GET /p3.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics,marketing')
--- response_body eval: ::page(3)
--- response_headers eval
"Content-Length: " . length(::page(3))
--- no_error_log
[error]



=== TEST 12b: privacy_script_marked off: marked tags of a granted category stay as written where the rest is rewritten too
--- config eval: $::Std . "privacy_script_marked off;"
--- request
GET /p0.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics')
--- response_body eval
::held_analytics(0)
--- no_error_log
[error]



=== TEST 13: a visitor who granted analytics: marketing's held back, analytics' as written, the marked analytics script made live
--- request
GET /b7/p0.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics')
--- response_body eval
my $p = ::held_analytics(0);
$p =~ s{<script type="text/plain" data-privacy-category="analytics">ga}{<script  data-privacy-category="analytics">ga};
$p
--- no_error_log
[error]



=== TEST 14: a visitor who refused everything: as undecided
--- request
GET /b13/p5.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'none')
--- response_body eval: ::held(5)



=== TEST 15: report mode: the page as it is, what would be held back in the log
--- request
GET /report/p0.html
--- response_body eval: ::page(0)
--- grep_error_log eval
qr/privacy report: would hold back \w+ of category "\w+": "[^"]*"/
--- grep_error_log_out
privacy report: would hold back script of category "analytics": "https://www.googletagmanager.com/gtag/js?id=G-1&amp;l=dl"
privacy report: would hold back script of category "marketing": "(inline)"
privacy report: would hold back link of category "analytics": "https://www.googletagmanager.com"
privacy report: would hold back iframe of category "marketing": "https://www.youtube.com/embed/xyz?rel=0"
privacy report: would hold back img of category "marketing": "https://px.facebook.net/tr?id=1&amp;ev=PageView"
privacy report: would hold back img of category "marketing": "/a.png 1x, //cdn.facebook.net/b.png 2x"
privacy report: would hold back script of category "analytics": "https://stats.example.org/s.js"
privacy report: would hold back script of category "marketing": "(inline)"
privacy report: would hold back script of category "analytics": "https://www.googletagmanager.com/after.js"
privacy report: would hold back img of category "marketing": "https://px.facebook.net/tr?noscript=1"



=== TEST 16: the counters: per category and element, held back only (not in report mode)
--- request eval
["GET /p0.html", "GET /report/p0.html", "GET /status"]
--- response_body_like eval
[qr/./, qr/./, qr/privacy_elements_held_total\{category="analytics",element="script"\} 3
privacy_elements_held_total\{category="analytics",element="iframe"\} 0
privacy_elements_held_total\{category="analytics",element="img"\} 0
privacy_elements_held_total\{category="analytics",element="link"\} 1
privacy_elements_held_total\{category="marketing",element="script"\} 2
privacy_elements_held_total\{category="marketing",element="iframe"\} 1
privacy_elements_held_total\{category="marketing",element="img"\} 3
privacy_elements_held_total\{category="marketing",element="link"\} 0
/]



=== TEST 17: nginx -t: an unknown category, with the directive's file and line
--- config
    privacy on;
    privacy_policy_version 1;
    privacy_category analytics _ga;
    privacy_script analytics www.googletagmanager.com;
    privacy_script marketing .facebook.net;
--- must_die
--- error_log eval
qr/\[emerg\] .*unknown category "marketing" in "privacy_script" in \S+nginx\.conf:\d+/



=== TEST 18: nginx -t: a category declared in a location inside is known there, unknown where the script is inherited without it
--- config
    privacy on;
    privacy_policy_version 1;
    privacy_script marketing .facebook.net;
    location / {
        privacy_category marketing _fbp;
    }
--- must_die
--- error_log eval
qr/\[emerg\] .*unknown category "marketing" in "privacy_script" in \S+nginx\.conf:\d+/



=== TEST 19: nginx -t: an empty pattern
--- config
    privacy on;
    privacy_policy_version 1;
    privacy_category analytics _ga;
    privacy_script analytics "";
--- must_die
--- error_log eval
qr/\[emerg\] .*empty pattern in "privacy_script" in \S+nginx\.conf:\d+/



=== TEST 20: nginx -t: a bad regular expression, and a bad caseless one
--- config
    privacy on;
    privacy_policy_version 1;
    privacy_category analytics _ga;
    privacy_script analytics ~*^https://(x;
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid regular expression "~\*\^https:\/\/\(x" in "privacy_script": pcre2_compile\(\) failed: missing closing parenthesis.* in \S+nginx\.conf:\d+/



=== TEST 21: nginx -t: a pattern that is no host, domain, prefix or regex
--- config
    privacy on;
    privacy_policy_version 1;
    privacy_category analytics _ga;
    privacy_script analytics "www.google tagmanager.com";
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid pattern "www\.google tagmanager\.com" in "privacy_script": .* in \S+nginx\.conf:\d+/



=== TEST 22: a location with its own categories in another order: the names it writes are its own
--- config eval
$::Std . q{
    location /other/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        privacy_category marketing _fbp;
        privacy_category analytics _ga;
    }
}
--- request
GET /other/p0.html
--- response_body eval: ::held(0)



=== TEST 23: ~*REGEX is caseless, ~REGEX is not
--- config eval
$::Std . q{
    location /re/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        privacy_script analytics ~*^https://STATS\.example\.ORG/;
        privacy_script marketing ~^https://STATS\.example\.ORG/;
    }
}
--- user_files
>>> re/page.html
<script src="https://stats.example.org/a.js"></script>
--- request
GET /re/re/page.html
--- response_body
<script type="text/plain" data-privacy-category="analytics" data-privacy-src="https://stats.example.org/a.js"></script>



=== TEST 24: a visitor who refused marketing: a copy cached while it was granted is not validated (the conditions go), the page comes rewritten
--- config eval: $::Std . "if_modified_since before;"
--- request
GET /p0.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics') . "\nIf-Modified-Since: Tue, 01 Jan 2999 00:00:00 GMT"
--- error_code: 200
--- response_body_like: data-privacy-category="marketing"



=== TEST 25: a visitor who granted both, privacy_script_marked off: the conditions stay, a 304
--- config eval: $::Std . "if_modified_since before; privacy_script_marked off;"
--- request
GET /p0.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics,marketing') . "\nIf-Modified-Since: Tue, 01 Jan 2999 00:00:00 GMT"
--- error_code: 304



=== TEST 25a: a visitor who granted both, marked tags made live: a copy cached before is not validated (the conditions go)
--- config eval: $::Std . "if_modified_since before;"
--- request
GET /p0.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics,marketing') . "\nIf-Modified-Since: Tue, 01 Jan 2999 00:00:00 GMT"
--- error_code: 200
--- response_body_like: <script  data-privacy-category="analytics">ga



=== TEST 26: two frames held back on a page without the banner: the banner's files linked once, before the first
--- config eval: $::Std
--- user_files
>>> two.html
<p><iframe src="https://www.youtube.com/embed/a"></iframe><iframe src="https://www.youtube.com/embed/b"></iframe></p>
--- request
GET /two.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics')
--- response_body eval
"<p>" . ::script_placeholder('analytics')
. q{<iframe data-privacy-category="marketing" data-privacy-src="https://www.youtube.com/embed/a"></iframe><iframe data-privacy-category="marketing" data-privacy-src="https://www.youtube.com/embed/b"></iframe></p>
}



=== TEST 27: the endpoint's URL HTML-escaped in the links
--- config eval: $::Std . 'privacy_consent_url "/privacy/c&x";'
--- user_files
>>> one.html
<iframe src="https://www.youtube.com/embed/a"></iframe>
--- request
GET /one.html
--- response_body eval
my $p = ::script_placeholder(''); $p =~ s{/privacy/consent/}{/privacy/c&amp;x/}g;
$p . q{<iframe data-privacy-category="marketing" data-privacy-src="https://www.youtube.com/embed/a"></iframe>
}



=== TEST 28: with Consent Mode, a visitor who decided and refused marketing: the page whole (its length changes with the rewriting: chunked)
--- config eval: $::Std . 'privacy_consent_mode analytics_storage=analytics ad_storage=marketing;'
--- request
GET /p0.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics')
--- response_headers
! Content-Length
--- response_body_like: </body></html>\n\z
--- no_error_log
[error]
[alert]



=== TEST 29: a visitor who granted both: a page the rewriter found no marked tag in goes untouched the next time, with its length
--- config eval: $::Std
--- user_files
>>> none.html
<p>nothing marked</p><script src="/local.js"></script>
--- request eval
["GET /none.html", "GET /none.html", "GET /none.html?other=1"]
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics,marketing')
--- response_body eval
[(qq{<p>nothing marked</p><script src="/local.js"></script>\n}) x 3]
--- response_headers eval
["! Content-Length",
 "Content-Length: " . length(qq{<p>nothing marked</p><script src="/local.js"></script>\n}),
 "! Content-Length"]
--- no_error_log
[error]



=== TEST 30: a visitor who granted both: a page with a marked tag has it made live every time
--- config eval: $::Std
--- request eval
["GET /p3.html", "GET /p3.html"]
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics,marketing')
--- response_body eval
my $p = ::page(3);
$p =~ s{<script type="text/plain" data-privacy-category="analytics">ga}{<script  data-privacy-category="analytics">ga};
[$p, $p]
--- no_error_log
[error]
