# privacy_csp: the Content-Security-Policy (or -Report-Only) a visitor
# gets on HTML responses: 'self', privacy_csp_allow's sources and the
# privacy_script hosts of the categories granted, report-uri/report-to
# when the server has a report endpoint, Vary: Cookie when the policy
# depends on the consent; the application's own CSP kept; nginx -t errors.
# privacy_csp_report_endpoint: both report formats, the GET answer, the
# bound on hosts (least recently reported out), hostile bodies, methods
# and types.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $Base = privacy_std_config();

our $Std = $Base . q{
    privacy_banner off;
    privacy_script necessary static.example.net;
    privacy_script analytics www.googletagmanager.com .google-analytics.com;
    privacy_script marketing .facebook.net https://www.youtube.com/embed/
                             "~^https://ads\.example/";
};

our $Pages = q{
    location = /page {
        default_type text/html;
        return 200 "<p>page</p>\n";
    }

    location = /text {
        return 200 "text\n";
    }

    location = /csp-report {
        privacy_csp_report_endpoint hosts=3;
    }
};

our $Csp = $Std . q{
    privacy_csp enforce;
    privacy_csp_allow https://cdn.example.com;
} . $Pages;

our $T_ANALYTICS = mint(grant => 'analytics');
our $T_ALL       = mint(grant => 'analytics,marketing');

our $Analytics = ' www.googletagmanager.com'
               . ' google-analytics.com *.google-analytics.com';
our $Marketing = ' facebook.net *.facebook.net https://www.youtube.com/embed/';

# the policy for the sources a visitor gets beyond the site's own
sub csp {
    my ($extra, $report) = @_;
    $report = '; report-uri /csp-report; report-to privacy-csp'
        unless defined $report;
    return join('; ', map {
        "$_ 'self' https://cdn.example.com static.example.net$extra"
    } qw(script-src connect-src img-src frame-src)) . $report;
}

# a Reporting API body: one csp-violation per URL, for img-src
sub reports {
    return '[' . join(',', map {
        '{"type":"csp-violation","age":1,"url":"https://site.example/",'
        . '"body":{"blockedURL":"' . $_ . '","effectiveDirective":"img-src",'
        . '"documentURL":"https://site.example/"}}'
    } @_) . ']';
}

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: off by default: no policy
--- config eval
$::Std . $::Pages
--- request
GET /page
--- response_headers
! Content-Security-Policy
! Content-Security-Policy-Report-Only
! Reporting-Endpoints
--- no_error_log
[error]



=== TEST 2: enforce, undecided: 'self', the site's list and the essential category's hosts; Vary: Cookie
--- config eval: $::Csp
--- request
GET /page
--- response_headers eval
"Content-Security-Policy: " . ::csp('') . "
! Content-Security-Policy-Report-Only
Reporting-Endpoints: privacy-csp=\"/csp-report\"
Vary: Cookie"
--- response_body
<p>page</p>
--- no_error_log
[error]



=== TEST 3: analytics granted: its host and domain join every directive
--- config eval: $::Csp
--- request
GET /page
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_headers eval
"Content-Security-Policy: " . ::csp($::Analytics) . "
Vary: Cookie"



=== TEST 4: everything granted: the URL prefix as origin and path; a ~REGEX has no CSP form
--- config eval: $::Csp
--- request
GET /page
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_headers eval
"Content-Security-Policy: " . ::csp($::Analytics . $::Marketing)
--- response_headers_like
Content-Security-Policy: ^(?!.*ads).*$



=== TEST 5: report: Content-Security-Policy-Report-Only, nothing enforced
--- config eval
$::Std . q{
    privacy_csp report;
    privacy_csp_allow https://cdn.example.com;
} . $::Pages
--- request
GET /page
--- response_headers eval
"! Content-Security-Policy
Content-Security-Policy-Report-Only: " . ::csp('')



=== TEST 6: privacy_mode report turns an enforced policy into a report-only one
--- config eval
$::Std . q{
    privacy_mode report;
    privacy_csp enforce;
    privacy_csp_allow https://cdn.example.com;
} . $::Pages
--- request
GET /page
--- response_headers eval
"! Content-Security-Policy
Content-Security-Policy-Report-Only: " . ::csp('')



=== TEST 7: the application's policy stays, ours comes beside it
--- config eval
$::Std . q{
    privacy_csp enforce;
    privacy_csp_allow https://cdn.example.com;

    location = /app {
        default_type text/html;
        add_header Content-Security-Policy "default-src 'none'";
        return 200 "<p>app</p>\n";
    }
} . $::Pages
--- request
GET /app
--- raw_response_headers_like eval
qr/\r\nContent-Security-Policy: default-src 'none'\r\n(?:.*\r\n)*Content-Security-Policy: script-src 'self' https:\/\/cdn\.example\.com static\.example\.net; connect-src /
--- raw_response_headers_unlike eval
qr/\r\nContent-Security-Policy: default-src 'none'\r\n(?:.*\r\n)*Content-Security-Policy: default-src 'none'\r\n/



=== TEST 8: not a page: no policy, no Vary
--- config eval: $::Csp
--- request
GET /text
--- response_headers
! Content-Security-Policy
! Vary



=== TEST 9: a 304 carries the policy too (to a visitor who granted all, on a site that marks no tags: tags held back or made live forbid a 304)
--- config eval
$::Csp . q{
    if_modified_since before;
    privacy_script_marked off;
}
--- request
GET /index.html
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL
If-Modified-Since: Thu, 31 Dec 2099 23:59:59 GMT"
--- error_code: 304
--- response_headers eval
"Content-Security-Policy: " . ::csp($::Analytics . $::Marketing) . "
Vary: Cookie"



=== TEST 10: no category has hosts: the same policy for everyone, no Vary
--- config eval
$::Base . q{
    privacy_banner off;
    privacy_csp enforce;
    privacy_csp_allow https://cdn.example.com;
    location = /page {
        default_type text/html;
        return 200 "<p>page</p>\n";
    }
}
--- request
GET /page
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_headers
Content-Security-Policy: script-src 'self' https://cdn.example.com; connect-src 'self' https://cdn.example.com; img-src 'self' https://cdn.example.com; frame-src 'self' https://cdn.example.com
! Reporting-Endpoints
! Vary



=== TEST 11: with the banner, one Vary: Cookie, Accept-Language (the builtin banner speaks three)
--- config eval
$::Base . q{
    privacy_script analytics www.googletagmanager.com;
    privacy_csp enforce;
    location = /page {
        default_type text/html;
        return 200 "<html><body><p>page</p></body></html>\n";
    }
}
--- request
GET /page
--- raw_response_headers_like eval
qr/\r\nVary: Cookie, Accept-Language\r\n/
--- raw_response_headers_unlike eval
qr/Vary:(?:.*\r\n)+Vary:/
--- response_headers
Content-Security-Policy: script-src 'self'; connect-src 'self'; img-src 'self'; frame-src 'self'



=== TEST 12: a path of a URL prefix is %-encoded: no directive ends inside it
--- config eval
$::Base . q{
    privacy_banner off;
    privacy_script analytics "https://t.example/a;b,c/";
    privacy_csp enforce;
    location = /page {
        default_type text/html;
        return 200 "<p>page</p>\n";
    }
}
--- request
GET /page
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_headers
Content-Security-Policy: script-src 'self' https://t.example/a%3Bb%2Cc/; connect-src 'self' https://t.example/a%3Bb%2Cc/; img-src 'self' https://t.example/a%3Bb%2Cc/; frame-src 'self' https://t.example/a%3Bb%2Cc/



=== TEST 13: nginx -t: 'none'
--- config eval
$::Base . q{
    privacy_csp enforce;
    privacy_csp_allow "'self'" "'none'";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid source "'none'" in "privacy_csp_allow": it cannot be 'none': the module always allows 'self' .* in \S+nginx\.conf:\d+/



=== TEST 14: nginx -t: 'strict-dynamic'
--- config eval
$::Base . q{
    privacy_csp_allow "'strict-dynamic'";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid source "'strict-dynamic'" in "privacy_csp_allow": it cannot be 'strict-dynamic': with it browsers ignore the hosts in script-src.* in \S+nginx\.conf:\d+/



=== TEST 15: nginx -t: a bad host
--- config eval
$::Base . q{
    privacy_csp_allow https://cdn.example.com ex..ample.com;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid source "ex\.\.ample\.com" in "privacy_csp_allow": it has a bad host .* in \S+nginx\.conf:\d+/



=== TEST 16: nginx -t: 'self' without double quotes reaches the module as self
--- config eval
$::Base . q{
    privacy_csp_allow 'self' https://cdn.example.com;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid source "self" in "privacy_csp_allow": it is a CSP keyword, nonce or hash without its single quotes: nginx removes quotes, so write "'self'" in double quotes in \S+nginx\.conf:\d+/



=== TEST 17: nginx -t: a bad hash
--- config eval
$::Base . q{
    privacy_csp_allow "'sha256-abc!'";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid source "'sha256-abc!'" in "privacy_csp_allow": it has a bad base64 value in \S+nginx\.conf:\d+/



=== TEST 18: nginx -t: a ';' in a path
--- config eval
$::Base . q{
    privacy_csp_allow "cdn.example.com/a;script-src";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid source "cdn\.example\.com\/a;script-src" in "privacy_csp_allow": it has a path with .* in \S+nginx\.conf:\d+/



=== TEST 19: nginx -t: an unknown keyword
--- config eval
$::Base . q{
    privacy_csp_allow "'unsafe-everything'";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid source "'unsafe-everything'" in "privacy_csp_allow": it is not a CSP keyword, nonce or hash .* in \S+nginx\.conf:\d+/



=== TEST 20: nginx -t: privacy_csp's values
--- config eval
$::Base . q{
    privacy_csp on;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "on" in "privacy_csp" directive, it must be "off", "enforce" or "report" in \S+nginx\.conf:\d+/



=== TEST 21: nginx -t: hosts=0
--- config eval
$::Base . q{
    location = /r { privacy_csp_report_endpoint hosts=0; }
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid "hosts=0" in "privacy_csp_report_endpoint": from 1 to 100000 hosts in \S+nginx\.conf:\d+/



=== TEST 22: nginx -t: an unknown parameter
--- config eval
$::Base . q{
    location = /r { privacy_csp_report_endpoint size=10; }
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid parameter "size=10" in "privacy_csp_report_endpoint", expected "hosts=N" in \S+nginx\.conf:\d+/



=== TEST 23: a CSP2 report, then the GET answer with the host's category
--- config eval: $::Csp
--- more_headers
Content-Type: application/csp-report
--- request eval
[ qq{POST /csp-report
{"csp-report":{"document-uri":"https://site.example/p?q=1","referrer":"","violated-directive":"img-src 'self'","effective-directive":"img-src","original-policy":"img-src 'self'","blocked-uri":"https:\\/\\/www.google-analytics.com\\/g\\/collect?v=2","status-code":200}}},
  "GET /csp-report" ]
--- error_code eval
[204, 200]
--- response_body eval
[ "",
  qr/\A\{"hosts":\[\{"host":"www\.google-analytics\.com","category":"analytics","count":1,"last_seen":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ","directives":\{"img-src":1\}\}\],"reports":1,"ignored":0,"evicted":0,"bound":3\}\n\z/ ]
--- no_error_log
[error]



=== TEST 24: the Reporting API: entries of other types skipped, inline and first-party ignored, a URL prefix's category, null for an unknown host
--- config eval: $::Csp
--- more_headers
Content-Type: application/reports+json
--- request eval
[ "POST /csp-report\n" . '[{"type":"csp-violation","url":"https://site.example/","body":{"blockedURL":"https://www.youtube.com/embed/x?a=1","effectiveDirective":"frame-src","documentURL":"https://site.example/"}},{"type":"deprecation","body":{"blockedURL":"https://no.example/"}},{"type":"csp-violation","body":{"blockedURL":"inline","effectiveDirective":"script-src-elem"}},{"type":"csp-violation","body":{"blockedURL":"https://site.example/a.js","documentURL":"https://site.example/b","effectiveDirective":"script-src-elem"}},{"type":"csp-violation","body":{"blockedURL":"https://unknown.example:8443/p","effectiveDirective":"connect-src"}}]',
  "GET /csp-report" ]
--- error_code eval
[204, 200]
--- response_body eval
[ "",
  qr/\A\{"hosts":\[\{"host":"unknown\.example:8443","category":null,"count":1,"last_seen":"[^"]+","directives":\{"connect-src":1\}\},\{"host":"www\.youtube\.com","category":"marketing","count":1,"last_seen":"[^"]+","directives":\{"frame-src":1\}\}\],"reports":4,"ignored":2,"evicted":0,"bound":3\}\n\z/ ]



=== TEST 25: more hosts than the bound: the least recently reported go
--- config eval: $::Csp
--- more_headers
Content-Type: application/reports+json
--- request eval
[ "POST /csp-report\n" . ::reports(map { "https://h$_.example/" } 1 .. 3),
  "POST /csp-report\n" . ::reports('https://h1.example/x', 'https://connect.facebook.net/p'),
  "GET /csp-report" ]
--- error_code eval
[204, 204, 200]
--- response_body eval
[ "", "",
  qr/\A\{"hosts":\[\{"host":"connect\.facebook\.net","category":"marketing",[^}]+\}\},\{"host":"h1\.example","category":null,"count":2,[^}]+\}\},\{"host":"h3\.example",[^}]+\}\}\],"reports":5,"ignored":0,"evicted":1,"bound":3\}\n\z/ ]



=== TEST 26: hostile bodies: cut, too deep, not UTF-8, empty, trailing bytes, an array cut after a whole report: 400, nothing counted
--- config eval: $::Csp
--- more_headers
Content-Type: application/csp-report
--- request eval
[ "POST /csp-report\n" . '{"csp-report":{"blocked-uri":"https://a.example/"}',
  "POST /csp-report\n" . ('[' x 40) . (']' x 40),
  "POST /csp-report\n" . qq{{"csp-report":{"blocked-uri":"https://b.example/\xff"}}},
  "POST /csp-report\n",
  "POST /csp-report\n" . '{"csp-report":{"blocked-uri":"https://c.example/"}}x',
  "POST /csp-report\n" . substr(::reports('https://d.example/', 'https://e.example/'), 0, -3),
  "GET /csp-report" ]
--- error_code eval
[400, 400, 400, 400, 400, 400, 200]
--- response_body_like eval
[ (qr/400 Bad Request/) x 6,
  qr/\A\{"hosts":\[\],"reports":0,"ignored":0,"evicted":0,"bound":3\}\n\z/ ]



=== TEST 27: a cut body is logged at info
--- config eval: $::Csp
--- more_headers
Content-Type: application/csp-report
--- request
POST /csp-report
{"csp-report":{"blocked-uri":"https://a.example/"}
--- error_code: 400
--- error_log
privacy csp report: the body is not a JSON value



=== TEST 28: over 64 KB with a length: 413
--- config eval: $::Csp
--- more_headers
Content-Type: application/csp-report
--- request eval
"POST /csp-report\n" . ('x' x 65537)
--- error_code: 413



=== TEST 29: over 64 KB chunked: 413
--- config eval: $::Csp
--- raw_request eval
"POST /csp-report HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
. "Content-Type: application/csp-report\r\nTransfer-Encoding: chunked\r\n\r\n"
. "8000\r\n" . ('x' x 32768) . "\r\n8000\r\n" . ('x' x 32768) . "\r\n"
. "1\r\nx\r\n0\r\n\r\n"
--- error_code: 413



=== TEST 30: exactly 64 KB of whitespace around a report is taken
--- config eval: $::Csp
--- more_headers
Content-Type: application/csp-report
--- request eval
my $r = '{"csp-report":{"blocked-uri":"https://w.example/"}}';
"POST /csp-report\n" . $r . (' ' x (65536 - length($r)))
--- error_code: 204



=== TEST 31: a wrong method: 405 with Allow
--- config eval: $::Csp
--- request
PUT /csp-report
{}
--- error_code: 405
--- response_headers
Allow: GET, HEAD, POST



=== TEST 32: a wrong or missing type: 415
--- config eval: $::Csp
--- more_headers
Content-Type: text/plain
--- request eval
[ "POST /csp-report\n{\"csp-report\":{}}" ]
--- error_code: 415



=== TEST 33: no type: 415
--- config eval: $::Csp
--- request eval
[ "POST /csp-report\n{\"csp-report\":{}}" ]
--- error_code: 415



=== TEST 34: application/json; charset=utf-8 and a thousand reports in one body
--- config eval
$::Std . q{
    location = /csp-report {
        privacy_csp_report_endpoint;
    }
}
--- more_headers
Content-Type: application/json; charset=utf-8
--- request eval
[ "POST /csp-report\n[" . CORE::join(',', map { '{"type":"csp-violation","body":{"blockedURL":"https://h' . ($_ % 7) . '"}}' } 1 .. 1000) . "]",
  "GET /csp-report" ]
--- error_code eval
[204, 200]
--- response_body_like eval
[ qr/^$/,
  qr/"reports":1000,"ignored":0,"evicted":0,"bound":1000\}/ ]
