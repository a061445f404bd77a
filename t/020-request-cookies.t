# Request side of the enforcement: cookies of categories the visitor has
# not granted leave the Cookie header(s) before the application sees them,
# through proxy_pass and in $http_cookie; a header left empty goes; several
# Cookie headers work; internal redirects and subrequests do not filter
# twice or differently.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $HttpConfig = backend_http_config();
our $Std = privacy_std_config();

our $T_NONE      = mint(grant => 'none');
our $T_ANALYTICS = mint(grant => 'analytics');
our $T_ALL       = mint(grant => 'analytics,marketing');

default_http_config($HttpConfig);

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: undecided: the application gets the essential and unknown cookies only
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: session=abc; _ga=GA1.2.3; _gid=GA1.9; _fbp=fb.1; theme=dark
--- response_body
cookie: session=abc; theme=dark
--- no_error_log
[error]
[alert]
[crit]



=== TEST 2: $http_cookie is filtered too
--- config eval
$::Std . q{
    location = /t { return 200 "cookie: $http_cookie\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc; _fbp=fb.1
--- response_body
cookie: session=abc



=== TEST 3: $cookie_NAME of a blocked cookie is empty
--- config eval
$::Std . q{
    location = /t { return 200 "ga=[$cookie__ga] session=[$cookie_session]\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
--- response_body
ga=[] session=[abc]



=== TEST 4: a consent to analytics lets the analytics cookies and the consent cookie through
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS; session=abc; _ga=GA1.2.3; _gid=GA1.9; _fbp=fb.1"
--- response_body eval
"cookie: privacy_consent=$::T_ANALYTICS; session=abc; _ga=GA1.2.3; _gid=GA1.9\n"
--- no_error_log
[error]



=== TEST 5: a consent to everything lets everything through
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers eval
"Cookie: _fbp=fb.1; privacy_consent=$::T_ALL; _ga=GA1.2.3; theme=dark"
--- response_body eval
"cookie: _fbp=fb.1; privacy_consent=$::T_ALL; _ga=GA1.2.3; theme=dark\n"



=== TEST 6: a refusal blocks like no decision, the consent cookie still passes
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers eval
"Cookie: _ga=GA1.2.3; privacy_consent=$::T_NONE; _fbp=fb.1"
--- response_body eval
"cookie: privacy_consent=$::T_NONE\n"



=== TEST 7: a Cookie header left empty disappears
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; _gid=GA1.9; _fbp=fb.1
--- response_body
cookie: (none)
--- no_error_log
[error]
[alert]



=== TEST 8: $http_cookie is not found once the only Cookie header went
--- config eval
$::Std . q{
    location = /t {
        ssi on;
        ssi_types text/plain;
        return 200 '<!--# echo var="http_cookie" default="(none)" -->\n';
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3
--- response_body
(none)



=== TEST 9: two Cookie headers are filtered each
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
Cookie: theme=dark; _fbp=fb.1
--- response_body
cookie: session=abc; theme=dark



=== TEST 10: the first of two Cookie headers emptied goes, the second stays
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; _fbp=fb.1
Cookie: session=abc
--- response_body
cookie: session=abc



=== TEST 11: the second of two Cookie headers emptied goes
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: session=abc
Cookie: _ga=GA1.2.3
--- response_body
cookie: session=abc



=== TEST 12: the middle one of three Cookie headers emptied, in $http_cookie
--- config eval
$::Std . q{
    location = /t { return 200 "cookie: $http_cookie\n"; }
}
--- request
GET /t
--- more_headers
Cookie: a=1
Cookie: _gid=GA1.9
Cookie: b=2
--- response_body
cookie: a=1; b=2



=== TEST 13: every one of several Cookie headers emptied
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1
Cookie: _gid=2
Cookie: _fbp=3
--- response_body
cookie: (none)



=== TEST 14: many Cookie headers (more than one list part), others after them intact
--- config eval
$::Std . q{
    location = /t {
        proxy_set_header X-Last $http_x_last;
        proxy_set_header X-First $http_x_first;
        proxy_pass http://backend/echo;
        add_header X-Seen "$http_x_first $http_x_last";
    }
}
--- request
GET /t
--- more_headers eval
CORE::join "\n", "X-First: f",
    (map { $_ % 2 ? "Cookie: _ga$_=x" : "Cookie: k$_=v" } 1 .. 30),
    "X-Last: l"
--- response_body eval
"cookie: " . CORE::join("; ", map { "k$_=v" } grep { $_ % 2 == 0 } 1 .. 30) . "\n"
--- response_headers
X-Seen: f l
--- no_error_log
[error]
[alert]



=== TEST 15: many Cookie headers, all emptied, then a header pushed later still works
--- config eval
$::Std . q{
    location = /t {
        proxy_pass http://backend/echo;
        add_header X-Last "[$http_x_last]";
    }
}
--- request
GET /t
--- more_headers eval
CORE::join "\n", (map { "Cookie: _ga$_=x" } 1 .. 25), "X-Last: l"
--- response_body
cookie: (none)
--- response_headers
X-Last: [l]



=== TEST 16: the kept pairs are joined with "; " when that fits
--- config eval
$::Std . q{
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers
Cookie: a=1;_ga=2;b=3
--- response_body
cookie: [a=1; b=3]



=== TEST 17: a regex category matches any cookie name it covers (_gat, _ga_XYZ)
--- config eval
$::Std . q{
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _gat=1; _ga_XYZ=2; x_ga=3; _gid=4; _gidx=5
--- response_body
cookie: [x_ga=3; _gidx=5]



=== TEST 18: ~* is case-insensitive, ~ is not, exact names are case-sensitive
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_category analytics ~*^_ga ~^Hj _Gid;
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
--- request
GET /t
--- more_headers
Cookie: _GA=1; _Ga=2; hjx=3; Hjx=4; _gid=5; _Gid=6
--- response_body
cookie: [hjx=3; _gid=5]



=== TEST 19: an exact name wins over a regex of another category
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_category analytics ~^_ga;
    privacy_category necessary essential _ga_keep;
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
--- request
GET /t
--- more_headers
Cookie: _ga_keep=1; _ga=2
--- response_body
cookie: [_ga_keep=1]



=== TEST 20: the first matching regex in configuration order decides
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_category necessary essential ~^_g;
    privacy_category analytics ~^_ga;
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
--- request
GET /t
--- more_headers
Cookie: _ga=1; x=2
--- response_body
cookie: [_ga=1; x=2]



=== TEST 21: privacy_unknown_cookies block: an unknown cookie needs every category
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: theme=dark; session=abc; privacy_consent=$::T_ANALYTICS"
--- response_body eval
"cookie: [session=abc; privacy_consent=$::T_ANALYTICS]\n"



=== TEST 22: privacy_unknown_cookies block lets unknown cookies pass with every category granted
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: theme=dark; privacy_consent=$::T_ALL"
--- response_body eval
"cookie: [theme=dark; privacy_consent=$::T_ALL]\n"



=== TEST 23: privacy off: nothing is filtered
--- config eval
$::Std . q{
    location = /t { privacy off; proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
--- response_body
cookie: _ga=GA1.2.3; session=abc
--- response_headers
! Set-Cookie
! Tk



=== TEST 24: a renamed consent cookie passes, the default name is just a cookie
--- config eval
$::Std . q{
    privacy_cookie name=pc;
    privacy_unknown_cookies block;
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers
Cookie: pc=x; privacy_consent=y; session=s
--- response_body
cookie: [pc=x; session=s]



=== TEST 25: rewrite ... last: filtered once, expired once
--- config eval
$::Std . q{
    location = /t { rewrite ^ /u last; }
    location = /u { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc; _fbp=fb.1
--- response_body
cookie: session=abc
--- response_headers
Set-Cookie: _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/, _fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/
Tk: N



=== TEST 26: error_page to a named location: filtered once, expired once
--- config eval
$::Std . q{
    location = /t { error_page 404 = @app; return 404; }
    location @app { rewrite ^ /echo break; proxy_pass http://backend; }
}
--- request
GET /t
--- more_headers
Cookie: _gid=GA1.9; session=abc
--- response_body
cookie: session=abc
--- response_headers
Set-Cookie: _gid=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/



=== TEST 27: try_files fallback: filtered once, expired once
--- config eval
$::Std . q{
    location /t { try_files $uri /app; }
    location = /app { proxy_pass http://backend/echo; }
}
--- request
GET /t/missing
--- more_headers
Cookie: session=abc; _fbp=fb.1
--- response_body
cookie: session=abc
--- response_headers
Set-Cookie: _fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/



=== TEST 28: redirected to a location with privacy off, the application still gets the filtered header
--- config eval
$::Std . q{
    location = /t { rewrite ^ /u last; }
    location = /u { privacy off; proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
--- response_body
cookie: session=abc



=== TEST 29: redirected from a location with privacy off to one with it on: filtered there
--- config eval
$::Std . q{
    location = /t { privacy off; rewrite ^ /u last; }
    location = /u { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
--- response_body
cookie: session=abc
--- response_headers
Set-Cookie: _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/



=== TEST 30: a subrequest sees the filtered cookies and adds no expiry of its own
--- config eval
$::Std . q{
    location = /t {
        ssi on;
        ssi_types text/plain;
        return 200 'main: $http_cookie\n<!--# include virtual="/sub" -->';
    }
    location = /sub { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
--- response_body
main: session=abc
cookie: session=abc
--- response_headers
Set-Cookie: _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/



=== TEST 31: auth_request subrequest sees the filtered cookies
--- config eval
$::Std . q{
    location = /t {
        auth_request /auth;
        return 200 "main: $http_cookie\n";
    }
    location = /auth {
        if ($http_cookie ~ "_ga") { return 403; }
        return 204;
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
--- response_body
main: session=abc



=== TEST 32: a cookie without a name is unknown, so kept by default
--- config eval
$::Std . q{
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers
Cookie: lonely; _ga=1; session=abc
--- response_body
cookie: [lonely; session=abc]



=== TEST 33: a Cookie header emptied before other headers: they still reach the application
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo2; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3
X-After: yes
--- response_body
cookie: (none)
after: yes
--- no_error_log
[error]
[alert]
[emerg]



=== TEST 34: two Cookie headers emptied in a row before other headers
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo2; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3
Cookie: _fbp=fb.1
X-After: yes
--- response_body
cookie: (none)
after: yes
--- no_error_log
[error]
[alert]
[emerg]



=== TEST 35: a Cookie header shortened (not emptied) before other headers
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo2; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
X-After: yes
--- response_body
cookie: session=abc
after: yes



=== TEST 36: two Cookie headers emptied in a row, many headers after: none reaches the application
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo2; }
}
--- request
GET /t
--- more_headers eval
CORE::join "\n", "Cookie: _ga=GA1.2.3", "Cookie: _gid=GA1.9",
    (map { "X-Fill-$_: $_" } 1 .. 20), "X-After: yes"
--- response_body
cookie: (none)
after: yes
--- no_error_log
[error]
[alert]
[emerg]



=== TEST 37: a server-level if read $http_cookie first: proxy_set_header Cookie $http_cookie still sends the filtered cookies
--- config eval
$::Std . q{
    if ($http_cookie ~ "logged_in") {
        set $logged_in 1;
    }

    location = /t {
        proxy_set_header Cookie $http_cookie;
        proxy_set_header X-After $logged_in;
        proxy_pass http://backend/echo2;
    }
}
--- request
GET /t
--- more_headers
Cookie: logged_in=1; _ga=GA1.2.3; session=abc; _fbp=fb.1
--- response_body
cookie: logged_in=1; session=abc
after: 1
--- response_headers
Tk: N
--- no_error_log
[error]
[alert]
[crit]



=== TEST 38: a map of $http_cookie read at server level keeps its own value; $http_cookie read afterwards is filtered
--- http_config eval
$::HttpConfig . q{
    map $http_cookie $logged_in {
        default     0;
        ~logged_in  1;
    }
}
--- config eval
$::Std . q{
    set $cache_bypass $logged_in;

    location = /t {
        return 200 "bypass=$cache_bypass cookie=[$http_cookie]\n";
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; logged_in=1; _fbp=fb.1; session=abc
--- response_body
bypass=1 cookie=[logged_in=1; session=abc]
--- no_error_log
[error]



=== TEST 39: set copied $http_cookie at server level: $http_cookie read in the location is filtered
--- config eval
$::Std . q{
    set $raw $HTTP_Cookie;

    location = /t {
        return 200 "cookie=[$http_cookie]\n";
    }
}
--- request
GET /t
--- more_headers
Cookie: session=abc; _ga=GA1.2.3; _gid=GA1.9; theme=dark
--- response_body
cookie=[session=abc; theme=dark]
--- no_error_log
[error]



=== TEST 40: $cookie_NAME read at server level: in the location a blocked one is empty and a kept one is still there
--- config eval
$::Std . q{
    if ($Cookie__GA) {
        set $seen_ga 1;
    }

    set $fbp $cookie__fbp;
    set $session $cookie_session;

    location = /t {
        return 200 "ga=[$cookie__ga] fbp=[$cookie__fbp] session=[$cookie_session]\n";
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc; _fbp=fb.1
--- response_body
ga=[] fbp=[] session=[abc]
--- no_error_log
[error]



=== TEST 41: every cookie blocked, $http_cookie and $cookie_NAME read at server level: the application gets no Cookie header
--- config eval
$::Std . q{
    if ($http_cookie) {
        set $had_cookies 1;
    }

    set $ga $cookie__ga;

    location = /t {
        proxy_set_header Cookie $http_cookie;
        proxy_set_header X-After "[$http_cookie][$cookie__ga][$had_cookies]";
        proxy_pass http://backend/echo2;
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3
Cookie: _fbp=fb.1; _gid=GA1.9
--- response_body
cookie: (none)
after: [][][1]
--- no_error_log
[error]



=== TEST 42: two Cookie headers, one emptied and one shortened, read at server level: the location reads what is left
--- config eval
$::Std . q{
    set $raw "$http_cookie|$cookie__ga|$cookie_theme";

    location = /t {
        proxy_set_header Cookie $http_cookie;
        proxy_set_header X-After "$cookie__ga|$cookie__fbp|$cookie_theme";
        proxy_pass http://backend/echo2;
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; _gid=GA1.9
Cookie: _fbp=fb.1; theme=dark; session=abc
--- response_body
cookie: theme=dark; session=abc
after: ||dark
--- no_error_log
[error]



=== TEST 43: the access log writes the filtered cookies, read first by a server-level if
--- http_config eval
$::HttpConfig . q{
    log_format cookies "$http_cookie|$cookie__ga|$cookie_session";
}
--- config eval
$::Std . q{
    if ($http_cookie ~ "_ga=") {
        set $tracked 1;
    }

    set $ga $cookie__ga;

    location = /t {
        access_log $TEST_NGINX_SERVER_ROOT/logs/cookies.log cookies;
        return 200 "ok\n";
    }

    location = /log {
        access_log off;
        alias $TEST_NGINX_SERVER_ROOT/logs/cookies.log;
    }
}
--- request eval
["GET /t", "GET /log"]
--- more_headers
Cookie: _ga=GA1.2.3; session=abc; _fbp=fb.1
--- response_body_like eval
["\\Aok\\n\\z", "\\A(?:session=abc\\|-\\|abc\\n)+\\z"]
--- no_error_log
[error]



=== TEST 44: a server-level return finalizes the request before the rewrite phase: the access log still writes the filtered cookies
--- http_config eval
$::HttpConfig . q{
    log_format cookies "$http_cookie|$cookie__ga|$cookie_session";
}
--- config eval
$::Std . q{
    access_log $TEST_NGINX_SERVER_ROOT/logs/cookies.log cookies;

    set $probe "$uri $http_cookie";

    if ($probe ~ "^/t .*_ga=") {
        return 200 "early\n";
    }

    location = /log {
        access_log off;
        alias $TEST_NGINX_SERVER_ROOT/logs/cookies.log;
    }
}
--- request eval
["GET /t", "GET /log"]
--- more_headers
Cookie: _ga=GA1.2.3; session=abc; _fbp=fb.1
--- response_body_like eval
["\\Aearly\\n\\z", "\\A(?:session=abc\\|-\\|abc\\n)+\\z"]
--- no_error_log
[error]



=== TEST 45: a long Cookie header (more pairs than a shape holds) read at server level: the location reads it filtered
--- config eval
$::Std . q{
    set $raw "$http_cookie|$cookie__ga|$cookie_c40";

    location = /t {
        return 200 "$http_cookie|$cookie__ga|$cookie__fbp|$cookie_c40\n";
    }
}
--- request
GET /t
--- more_headers eval
"Cookie: " . CORE::join("; ", (map { "c$_=v$_" } 1 .. 20), "_ga=GA1.2.3",
                        (map { "c$_=v$_" } 21 .. 40), "_fbp=fb.1")
--- response_body eval
CORE::join("; ", map { "c$_=v$_" } 1 .. 40) . "|||v40\n"
--- error_log
privacy cookie variables forgotten
--- no_error_log
[error]



=== TEST 46: nothing blocked: the values read at server level are kept, not computed again
--- config eval
$::Std . q{
    set $raw $http_cookie;

    location = /t {
        return 200 "$http_cookie|$cookie_session\n";
    }
}
--- request
GET /t
--- more_headers
Cookie: session=abc; theme=dark
--- response_body
session=abc; theme=dark|abc
--- no_error_log
privacy cookie variables forgotten
[error]



=== TEST 47: report mode changes no Cookie header, so the values read at server level stay
--- config eval
$::Std . q{
    privacy_mode report;

    if ($http_cookie ~ "_ga=") {
        set $tracked 1;
    }

    location = /t {
        return 200 "$http_cookie|$cookie__ga|$privacy_blocked\n";
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
--- response_body
_ga=GA1.2.3; session=abc|GA1.2.3|_ga
--- no_error_log
privacy cookie variables forgotten
[error]



=== TEST 48: exact names that differ in case only are told apart, in any category
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_category necessary essential sid;
    privacy_category analytics SID Sid;
    location = /t { return 200 "cookie: [$http_cookie] blocked: $privacy_blocked\n"; }
--- request
GET /t
--- more_headers
Cookie: sid=1; SID=2; Sid=3; sID=4; SIDX=5; si=6
--- response_body
cookie: [sid=1; sID=4; SIDX=5; si=6] blocked: SID,Sid



=== TEST 49: an exact name of 300 bytes is found like a short one
--- config eval
"    privacy on;
    privacy_policy_version 2018-04;
    privacy_category analytics " . ('L' x 300) . " " . ('l' x 300) . ";
    location = /t { return 200 \"cookie: [\$http_cookie]\\n\"; }
"
--- request
GET /t
--- more_headers eval
"Cookie: " . ('L' x 300) . "=1; " . ('L' x 299) . "=2; " . ('L' x 301)
    . "=3; " . ('l' x 300) . "=4; " . ('l' x 299) . "L=5"
--- response_body eval
"cookie: [" . ('L' x 299) . "=2; " . ('L' x 301) . "=3; " . ('l' x 299)
    . "L=5]\n"



=== TEST 50: a pattern of a literal prefix answers as the regular expression does, others run as regular expressions
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_category analytics ~^_g.a ~*^ab$ ~^x|^y ~^lit ~*^Cs;
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
--- request
GET /t
--- more_headers
Cookie: _gxa=1; _g.a=2; ga=3; AB=4; abc=5; x1=6; y1=7; z=8; li=9; lit=10; litx=11; Lit=12; cs=13; cS_x=14; c=15
--- response_body
cookie: [ga=3; abc=5; z=8; li=9; Lit=12; c=15]
