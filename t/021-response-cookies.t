# Response side of the enforcement: every Set-Cookie whose cookie belongs
# to a category the visitor has not granted is removed, whoever set it
# (the upstream, add_header, the userid module); the essential categories
# always pass, and the consent cookie passes when the module set it and
# goes when anyone else did.  Strict mode removes nameless cookies in every
# form.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $HttpConfig = backend_http_config();
our $Std = privacy_std_config();

our $T_NONE      = mint(grant => 'none');
our $T_ANALYTICS = mint(grant => 'analytics');
our $T_MARKETING = mint(grant => 'marketing');
our $T_ALL       = mint(grant => 'analytics,marketing');

# an upstream whose Set-Cookie headers stock nginx cannot send, an empty
# one among them
raw_backend("HTTP/1.1 200 OK\r\n"
            . "Content-Type: text/plain\r\n"
            . "Content-Length: 4\r\n"
            . "Connection: close\r\n"
            . "Set-Cookie:\r\n"
            . "Set-Cookie: =\r\n"
            . "Set-Cookie: nameless_tracker_value\r\n"
            . "Set-Cookie: =value; Path=/\r\n"
            . "Set-Cookie: \t=v\r\n"
            . "Set-Cookie: session=1\r\n"
            . "\r\n"
            . "raw\n");

# the consent records of TEST 26
our $prefix = "t021:$$:";
$ENV{TEST_NGINX_T021_PREFIX} = $prefix;

default_http_config($HttpConfig);

repeat_each(2);
no_shuffle();
run_tests();

my $keys = redis('KEYS', "${prefix}*");
redis('DEL', @$keys) if @$keys;

__DATA__

=== TEST 1: undecided: only the essential and the unknown cookies of the upstream pass
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, theme=dark; Path=/
Tk: N
--- response_body
cookie: (none)
--- no_error_log
[error]
[alert]



=== TEST 2: a consent to analytics lets the analytics cookies of the upstream pass
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, _ga=GA1.2.3; Path=/; Max-Age=63072000, _gid=GA1.2.4; Path=/, theme=dark; Path=/
Tk: C



=== TEST 3: a consent to marketing lets the marketing cookie pass
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_MARKETING"
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, _fbp=fb.1.2; Path=/; Domain=.example.com, theme=dark; Path=/



=== TEST 4: a consent to everything lets everything pass
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, _ga=GA1.2.3; Path=/; Max-Age=63072000, _gid=GA1.2.4; Path=/, _fbp=fb.1.2; Path=/; Domain=.example.com, theme=dark; Path=/



=== TEST 5: a refusal removes every optional cookie
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_NONE"
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, theme=dark; Path=/



=== TEST 6: cookies set by add_header are filtered too
--- config eval
$::Std . q{
    location = /t {
        add_header Set-Cookie "_ga=1; Path=/";
        add_header Set-Cookie "session=2; Path=/";
        add_header Set-Cookie "_fbp=3; Path=/";
        return 200 "ok\n";
    }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=2; Path=/
--- response_body
ok



=== TEST 7: add_header ... always on an error page is filtered too
--- config eval
$::Std . q{
    location = /t {
        add_header Set-Cookie "_gid=1; Path=/" always;
        add_header Set-Cookie "session=2; Path=/" always;
        return 404;
    }
}
--- request
GET /t
--- error_code: 404
--- response_headers
Set-Cookie: session=2; Path=/
Tk: N



=== TEST 8: both the upstream's and add_header's cookies
--- config eval
$::Std . q{
    location = /t {
        add_header Set-Cookie "_gid=x; Path=/";
        add_header Set-Cookie "lang=en; Path=/";
        proxy_pass http://backend/set;
    }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, theme=dark; Path=/, lang=en; Path=/



=== TEST 9: a cookie set by the userid module is filtered too
--- config eval
$::Std . q{
    location = /t {
        userid on;
        userid_name _ga;
        userid_path /;
        return 200 "ok\n";
    }
}
--- request
GET /t
--- response_headers
! Set-Cookie
--- response_body
ok



=== TEST 10: a cookie set by the userid module passes with consent
--- config eval
$::Std . q{
    location = /t {
        userid on;
        userid_name _ga;
        userid_path /;
        return 200 "ok\n";
    }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_headers_like
Set-Cookie: _ga=[A-Za-z0-9+/=]+; path=/



=== TEST 11: only the module sets the consent cookie: the application's goes, whatever the visitor decided, and is logged at info
--- config eval
$::Std . qq{
    location = /t {
        add_header Set-Cookie "privacy_consent=whatever; Path=/";
        add_header Set-Cookie "privacy_consent=$::T_ALL; Max-Age=15552000; Path=/; SameSite=Lax; HttpOnly";
        add_header Set-Cookie " privacy_consent =x; Path=/";
        add_header Set-Cookie "\\tprivacy_consent\\t=";
        add_header Set-Cookie "Privacy_Consent=x";
        add_header Set-Cookie "PRIVACY_CONSENT=x";
        add_header Set-Cookie "privacy_consent";
        add_header Set-Cookie "privacy_consent_x=1";
        add_header Set-Cookie "session=1";
        return 200 "ok\\n";
    }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_headers
Set-Cookie: Privacy_Consent=x, PRIVACY_CONSENT=x, privacy_consent, privacy_consent_x=1, session=1
--- error_log eval
qr/\[info\] .* privacy removed a Set-Cookie of the consent cookie "privacy_consent" that the module did not set/
--- grep_error_log chop
privacy removed a Set-Cookie of the consent cookie
--- grep_error_log_out
privacy removed a Set-Cookie of the consent cookie
privacy removed a Set-Cookie of the consent cookie
privacy removed a Set-Cookie of the consent cookie
privacy removed a Set-Cookie of the consent cookie
--- no_error_log
[error]



=== TEST 12: a renamed consent cookie: the application's Set-Cookie of that name goes, the default name is an ordinary cookie
--- config eval
$::Std . q{
    privacy_cookie name=pc;
    location = /t {
        add_header Set-Cookie "pc=whatever; Path=/";
        add_header Set-Cookie " pc=x";
        add_header Set-Cookie "privacy_consent=x; Path=/";
        return 200 "ok\n";
    }
    location = /strict {
        privacy_unknown_cookies block;
        add_header Set-Cookie "pc=whatever; Path=/";
        add_header Set-Cookie "privacy_consent=x; Path=/";
        return 200 "ok\n";
    }
}
--- request eval
["GET /t", "GET /strict"]
--- response_headers eval
["Set-Cookie: privacy_consent=x; Path=/", "! Set-Cookie"]
--- error_log
privacy removed a Set-Cookie of the consent cookie "pc" that the module did not set
--- no_error_log
"privacy_consent" that the module



=== TEST 13: an essential category always passes, even without any key
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_category necessary essential session ~^wp_;
    privacy_category analytics _ga;
    location = /t {
        add_header Set-Cookie "wp_logged_in=1";
        add_header Set-Cookie "session=2";
        add_header Set-Cookie "_ga=3";
        return 200 "ok\n";
    }
--- request
GET /t
--- response_headers
Set-Cookie: wp_logged_in=1, session=2



=== TEST 14: the header name is matched case-insensitively
--- config eval
$::Std . q{
    location = /t {
        add_header set-cookie "_ga=1";
        add_header SET-COOKIE "_gid=2";
        add_header Set-Cookie "session=3";
        return 200 "ok\n";
    }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=3



=== TEST 15: the cookie name is trimmed, and ends at the first "="
--- config eval
$::Std . q{
    location = /t {
        add_header Set-Cookie " _ga =GA1=2; Path=/";
        add_header Set-Cookie "_fbp==x";
        add_header Set-Cookie "session=a=b";
        return 200 "ok\n";
    }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=a=b



=== TEST 16: a Set-Cookie without a name is an unknown cookie: kept by default
--- config eval
$::Std . q{
    location = /t {
        add_header Set-Cookie "lonely; Path=/";
        return 200 "ok\n";
    }
}
--- request
GET /t
--- response_headers
Set-Cookie: lonely; Path=/



=== TEST 17: privacy_unknown_cookies block removes unknown cookies until everything is granted
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, _ga=GA1.2.3; Path=/; Max-Age=63072000, _gid=GA1.2.4; Path=/



=== TEST 18: privacy_unknown_cookies block, everything granted
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, _ga=GA1.2.3; Path=/; Max-Age=63072000, _gid=GA1.2.4; Path=/, _fbp=fb.1.2; Path=/; Domain=.example.com, theme=dark; Path=/



=== TEST 19: cookies of an upstream redirect are filtered
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/redirect; }
}
--- http_config eval
$::HttpConfig =~ s/(location = \/set)/location = \/redirect {
            add_header Set-Cookie "_ga=1; Path=\/";
            add_header Set-Cookie "session=1; Path=\/";
            return 302 \/elsewhere;
        }

        $1/r
--- request
GET /t
--- error_code: 302
--- response_headers
Set-Cookie: session=1; Path=/



=== TEST 20: the cookies of an intercepted upstream error are those of the error page
--- config eval
$::Std . q{
    location = /t {
        proxy_intercept_errors on;
        error_page 404 = /fallback;
        proxy_pass http://backend/nothing-here;
    }
    location = /fallback {
        add_header Set-Cookie "_fbp=1";
        add_header Set-Cookie "session=fallback";
        return 200 "fallback\n";
    }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=fallback
--- response_body
fallback



=== TEST 21: a location with its own category list filters by it
--- config eval
$::Std . q{
    location = /t {
        privacy_category necessary essential _ga;
        proxy_pass http://backend/set;
    }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, _ga=GA1.2.3; Path=/; Max-Age=63072000, _gid=GA1.2.4; Path=/, _fbp=fb.1.2; Path=/; Domain=.example.com, theme=dark; Path=/



=== TEST 22: privacy_unknown_cookies block removes a nameless Set-Cookie, whatever its form
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t {
        add_header Set-Cookie "nameless_tracker_value";
        add_header Set-Cookie "=value";
        add_header Set-Cookie "value;Path=/";
        add_header Set-Cookie " \t=v; Path=/";
        add_header Set-Cookie " ";
        add_header Set-Cookie "=";
        add_header Set-Cookie " = ; Path=/";
        add_header Set-Cookie "; _gid=1";
        add_header Set-Cookie "session=1";
        return 200 "ok\n";
    }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=1
--- no_error_log
[error]



=== TEST 23: the same from an upstream, an empty Set-Cookie included
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t { proxy_pass http://unix:$TEST_NGINX_RAW_BACKEND:/; }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=1
--- raw_response_headers_unlike
Set-Cookie:(?! session=1\r\n)
--- response_body
raw
--- no_error_log
[error]



=== TEST 24: in report mode a nameless Set-Cookie passes, and $privacy_blocked names it (by its empty name)
--- config eval
$::Std . q{
    privacy_mode report;
    privacy_unknown_cookies block;
    location = /t {
        add_header Set-Cookie "_gid=1";
        add_header Set-Cookie "=";
        add_header Set-Cookie "=; Path=/";
        ssi on;
        ssi_types text/plain;
        return 200 'blocked=[<!--# echo var="privacy_blocked" default="" -->]\n';
    }
}
--- request
GET /t
--- response_body
blocked=[_gid,]
--- response_headers
Set-Cookie: _gid=1, =, =; Path=/



=== TEST 25: in report mode too, the application's Set-Cookie of the consent cookie goes
--- config eval
$::Std . q{
    privacy_mode report;
    location = /t {
        add_header Set-Cookie "privacy_consent=x; Path=/";
        add_header Set-Cookie "_gid=1";
        return 200 "ok\n";
    }
}
--- request
GET /t
--- response_headers
Set-Cookie: _gid=1
--- error_log
privacy removed a Set-Cookie of the consent cookie "privacy_consent" that the module did not set



=== TEST 26: the consent endpoint's own cookie goes out, the application's of that name does not
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T021_PREFIX;
--- config eval
$::Std . q{
    location /privacy/consent {
        privacy_consent_endpoint;
        add_header Set-Cookie "privacy_consent=forged; Path=/" always;
        add_header Set-Cookie "session=1" always;
    }
}
--- request
POST /privacy/consent
action=accept_all
--- more_headers
Origin: http://localhost
Accept: application/json
Content-Type: application/x-www-form-urlencoded
--- response_headers_like
Set-Cookie: privacy_consent=[A-Za-z0-9_-]{100,}; Max-Age=15552000; Path=/; SameSite=Lax; HttpOnly, session=1
--- error_log
privacy removed a Set-Cookie of the consent cookie "privacy_consent" that the module did not set
--- no_error_log
[error]
