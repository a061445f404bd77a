# Expiry of blocked cookies: a response to a request that carried blocked
# cookies also deletes each of them, once host-only and once per
# privacy_cookie_domains entry; privacy_expire_blocked off and report mode
# expire nothing.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $HttpConfig = backend_http_config();
our $Std = privacy_std_config();

our $T_NONE      = mint(grant => 'none');
our $T_ANALYTICS = mint(grant => 'analytics');
our $T_ALL       = mint(grant => 'analytics,marketing');

our $X = 'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/';

default_http_config($HttpConfig);

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: each blocked cookie of the request is deleted, in request order
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _fbp=fb.1; session=abc; _ga=GA1.2.3; theme=dark
--- response_headers
Set-Cookie: _fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/, _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/
--- raw_response_headers_like eval
qr/\r\nSet-Cookie: _fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=\/\r\nSet-Cookie: _ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=\/\r\n/
--- response_body
ok
--- no_error_log
[error]



=== TEST 2: nothing blocked, nothing deleted
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: session=abc; theme=dark
--- response_headers
! Set-Cookie



=== TEST 3: once host-only and once per privacy_cookie_domains entry
--- config eval
$::Std . q{
    privacy_cookie_domains .example.com www.example.com;
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; _gid=2
--- response_headers eval
"Set-Cookie: _ga=; $::X, _ga=; $::X; Domain=.example.com, _ga=; $::X; Domain=www.example.com, _gid=; $::X, _gid=; $::X; Domain=.example.com, _gid=; $::X; Domain=www.example.com"



=== TEST 4: privacy_cookie_domains repeated adds up
--- config eval
$::Std . q{
    privacy_cookie_domains .example.com;
    privacy_cookie_domains www.example.com;
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1
--- response_headers eval
"Set-Cookie: _ga=; $::X, _ga=; $::X; Domain=.example.com, _ga=; $::X; Domain=www.example.com"



=== TEST 5: privacy_cookie_domains is inherited whole, and replaced whole
--- config eval
$::Std . q{
    privacy_cookie_domains .example.com;
    location = /t { return 200 "ok\n"; }
    location = /u { privacy_cookie_domains .other.org; return 200 "ok\n"; }
}
--- request eval
["GET /t", "GET /u"]
--- more_headers
Cookie: _ga=1
--- response_headers eval
["Set-Cookie: _ga=; $::X, _ga=; $::X; Domain=.example.com",
 "Set-Cookie: _ga=; $::X, _ga=; $::X; Domain=.other.org"]



=== TEST 6: privacy_expire_blocked off deletes nothing, still strips
--- config eval
$::Std . q{
    privacy_expire_blocked off;
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; session=s
--- response_headers
! Set-Cookie
--- response_body
cookie: [session=s]



=== TEST 7: privacy_expire_blocked off in one location only
--- config eval
$::Std . q{
    location = /t { privacy_expire_blocked off; return 200 "ok\n"; }
    location = /u { return 200 "ok\n"; }
}
--- request eval
["GET /t", "GET /u"]
--- more_headers
Cookie: _ga=1
--- response_headers eval
["! Set-Cookie", "Set-Cookie: _ga=; $::X"]



=== TEST 8: report mode deletes nothing
--- config eval
$::Std . q{
    privacy_mode report;
    privacy_cookie_domains .example.com;
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; _fbp=2
--- response_headers
! Set-Cookie
Tk: T



=== TEST 9: with consent, only the cookies still blocked are deleted
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_ANALYTICS; _fbp=2; _gid=3"
--- response_headers eval
"Set-Cookie: _fbp=; $::X"



=== TEST 10: everything granted: nothing deleted
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_ALL; _fbp=2"
--- response_headers
! Set-Cookie



=== TEST 11: a refusal deletes like no decision
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_NONE"
--- response_headers eval
"Set-Cookie: _ga=; $::X"



=== TEST 12: a cookie sent twice is deleted once
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; _ga=2
Cookie: _ga=3
--- response_headers eval
"Set-Cookie: _ga=; $::X"



=== TEST 13: blocked cookies in several Cookie headers are all deleted
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: session=1; _ga=1
Cookie: _fbp=2
--- response_headers eval
"Set-Cookie: _ga=; $::X, _fbp=; $::X"



=== TEST 14: a blocked cookie the upstream sets again is deleted in its place, the others keep theirs
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers
Cookie: _gid=1
--- response_headers eval
"Set-Cookie: session=s1; Path=/; HttpOnly, _gid=; $::X, theme=dark; Path=/"
--- response_body
cookie: (none)



=== TEST 15: a cookie only the response tried to set is removed, not deleted
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, theme=dark; Path=/



=== TEST 16: __Secure- and __Host- cookies are deleted with Secure, __Host- never with a Domain
--- config eval
$::Std . q{
    privacy_category tracking ~^__Secure- ~^__Host-;
    privacy_cookie_domains .example.com;
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: __Secure-id=1; __Host-id=2
--- response_headers eval
"Set-Cookie: __Secure-id=; $::X; Secure, __Secure-id=; $::X; Secure; Domain=.example.com, __Host-id=; $::X; Secure, __Host-id=; $::X; Secure"



=== TEST 17: deletions go out on error pages too
--- config eval
$::Std . q{
    location = /t { return 404; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1
--- error_code: 404
--- response_headers eval
"Set-Cookie: _ga=; $::X"



=== TEST 18: deletions go out once after an internal redirect to an error page
--- config eval
$::Std . q{
    location = /t { error_page 404 = /err; return 404; }
    location = /err { return 200 "err\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; _fbp=2
--- response_headers eval
"Set-Cookie: _ga=; $::X, _fbp=; $::X"
--- response_body
err



=== TEST 19: deletions go out on HEAD
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
HEAD /t
--- more_headers
Cookie: _ga=1
--- response_headers eval
"Set-Cookie: _ga=; $::X"
--- response_body



=== TEST 20: deletions go out on 304 Not Modified (a visitor who refused)
--- config eval
$::Std . q{
    location /t/ { alias $TEST_NGINX_SERVER_ROOT/html/; if_modified_since before; }
}
--- user_files
>>> page.txt 201801010000
hello
--- request
GET /t/page.txt
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_NONE
If-Modified-Since: Thu, 31 Dec 2037 23:59:59 GMT"
--- error_code: 304
--- response_headers eval
"Set-Cookie: _ga=; $::X"



=== TEST 21: the consent cookie is never deleted
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: privacy_consent=garbage; _ga=1
--- response_headers eval
"Set-Cookie: _ga=; $::X"



=== TEST 22: the tracking status resource deletes nothing
--- config eval
$::Std . q{
    location = /.well-known/dnt/ { privacy_tracking_status_resource; }
}
--- request
GET /.well-known/dnt/
--- more_headers
Cookie: _ga=1
--- response_headers
! Set-Cookie



=== TEST 23: a nameless cookie blocked in strict mode cannot be deleted and is skipped
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t { return 200 "cookie: [$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers
Cookie: lonely; session=1; theme=x
--- response_headers eval
"Set-Cookie: theme=; $::X"
--- response_body
cookie: [session=1]



=== TEST 24: the upstream's blocked cookie becomes the host-only deletion, the domain ones follow
--- config eval
$::Std . q{
    privacy_cookie_domains .example.com;
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers
Cookie: _gid=1
--- response_headers eval
"Set-Cookie: session=s1; Path=/; HttpOnly, _gid=; $::X, theme=dark; Path=/, _gid=; $::X; Domain=.example.com"



=== TEST 25: with expiry off, the upstream's blocked cookie goes and nothing is deleted
--- config eval
$::Std . q{
    privacy_expire_blocked off;
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers
Cookie: _gid=1
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, theme=dark; Path=/



=== TEST 26: in report mode the upstream's blocked cookie stays as it is
--- config eval
$::Std . q{
    privacy_mode report;
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers
Cookie: _gid=1
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, _ga=GA1.2.3; Path=/; Max-Age=63072000, _gid=GA1.2.4; Path=/, _fbp=fb.1.2; Path=/; Domain=.example.com, theme=dark; Path=/



=== TEST 27: a location reached after the request side decides the upstream's cookies with its own categories
--- config eval
$::Std . q{
    location = /t { rewrite ^ /u last; }
    location = /u {
        privacy_category necessary essential session _gid;
        proxy_pass http://backend/set;
    }
}
--- request
GET /t
--- more_headers
Cookie: _gid=1
--- response_headers eval
"Set-Cookie: session=s1; Path=/; HttpOnly, _ga=GA1.2.3; Path=/; Max-Age=63072000, _gid=GA1.2.4; Path=/, _fbp=fb.1.2; Path=/; Domain=.example.com, theme=dark; Path=/, _gid=; $::X"



=== TEST 28: a nameless Set-Cookie cannot become a deletion: with a nameless cookie in the request, strict mode still removes it
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t {
        add_header Set-Cookie "nameless_tracker_value";
        add_header Set-Cookie "=value; Path=/";
        add_header Set-Cookie " \t=v";
        add_header Set-Cookie "=";
        add_header Set-Cookie "theme=dark";
        return 200 "cookie: [$http_cookie]\n";
    }
}
--- request
GET /t
--- more_headers
Cookie: abc; theme=x; session=1
--- response_headers eval
"Set-Cookie: theme=; $::X"
--- response_body
cookie: [session=1]
--- no_error_log
[error]



=== TEST 29: the same for a nameless cookie with "=" in the request, a header of a known shape included
--- config eval
$::Std . q{
    privacy_unknown_cookies block;
    location = /t {
        add_header Set-Cookie "nameless_tracker_value; Path=/";
        return 200 "cookie: [$http_cookie]\n";
    }
}
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers
Cookie:  =abc; _ga=1; session=1
--- response_headers eval
[("Set-Cookie: _ga=; $::X") x 3]
--- response_body eval
[("cookie: [session=1]\n") x 3]
--- no_error_log
[error]
