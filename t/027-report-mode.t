# Report mode: nothing is stripped, removed, expired or inserted, but every
# decision is computed: $privacy_blocked names what enforcing would block
# and Tk says T, or D to a DNT: 1 request.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $HttpConfig = backend_http_config();
our $Std = privacy_std_config() . "    privacy_mode report;\n";

our $T_OK   = mint(grant => 'analytics');
our $T_NONE = mint(grant => 'none');

default_http_config($HttpConfig);

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the application gets every cookie
--- config eval
$::Std . q{
    location = /t { proxy_pass http://backend/echo; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; session=2; _fbp=3
Cookie: _gid=4
--- response_body
cookie: _ga=1; session=2; _fbp=3; _gid=4
--- response_headers
Tk: T
! Set-Cookie
--- no_error_log
[error]
[alert]



=== TEST 2: every Set-Cookie passes, nothing is expired
--- config eval
$::Std . q{
    privacy_cookie_domains .example.com;
    location = /t { proxy_pass http://backend/set; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1
--- response_headers
Set-Cookie: session=s1; Path=/; HttpOnly, _ga=GA1.2.3; Path=/; Max-Age=63072000, _gid=GA1.2.4; Path=/, _fbp=fb.1.2; Path=/; Domain=.example.com, theme=dark; Path=/
Tk: T



=== TEST 3: no banner
--- config eval
$::Std . q{
    location = /t { default_type text/html; return 200 "<html><body><p>x</p></body></html>"; }
}
--- request
GET /t
--- response_body: <html><body><p>x</p></body></html>
--- response_headers
Tk: T



=== TEST 4: Tk: D to a DNT: 1 request, with or without consent
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers eval
"DNT: 1\nCookie: privacy_consent=$::T_OK"
--- response_headers
Tk: D



=== TEST 5: Tk: T with consent
--- config eval
$::Std . q{
    location = /t { return 200 "consent=[$privacy_consent]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_OK"
--- response_headers
Tk: T
--- response_body
consent=[analytics]



=== TEST 6: Tk: T to DNT: 0
--- config eval
$::Std . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
DNT: 0
--- response_headers
Tk: T



=== TEST 7: $privacy_blocked names the request's cookies enforcing would block
--- config eval
$::Std . q{
    location = /t { return 200 "blocked=[$privacy_blocked] cookie=[$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; session=2; _fbp=3; _ga=4
--- response_body
blocked=[_ga,_fbp] cookie=[_ga=1; session=2; _fbp=3; _ga=4]



=== TEST 8: $privacy_blocked also names the response's cookies enforcing would remove
--- config eval
$::Std . q{
    location = /t {
        add_header Set-Cookie "_gid=1";
        add_header Set-Cookie "session=2";
        add_header Set-Cookie "_ga=3";
        ssi on;
        ssi_types text/plain;
        return 200 'blocked=[<!--# echo var="privacy_blocked" default="" -->]\n';
    }
}
--- request
GET /t
--- more_headers
Cookie: _fbp=1; _ga=2
--- response_body
blocked=[_fbp,_ga,_gid]
--- response_headers
Set-Cookie: _gid=1, session=2, _ga=3



=== TEST 9: $privacy_blocked with consent names what is still not granted
--- config eval
$::Std . q{
    location = /t { return 200 "blocked=[$privacy_blocked]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; _fbp=2; privacy_consent=$::T_OK"
--- response_body
blocked=[_fbp]



=== TEST 10: a refusal in report mode: everything optional would be blocked
--- config eval
$::Std . q{
    location = /t { return 200 "blocked=[$privacy_blocked] consent=[$privacy_consent]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; _fbp=2; privacy_consent=$::T_NONE"
--- response_body
blocked=[_ga,_fbp] consent=[none]



=== TEST 11: report mode in one location of an enforcing server
--- config eval
::privacy_std_config() . q{
    location = /report { privacy_mode report; proxy_pass http://backend/echo; }
    location = /enforce { proxy_pass http://backend/echo; }
}
--- request eval
["GET /report", "GET /enforce"]
--- more_headers
Cookie: _ga=1; session=2
--- response_body eval
["cookie: _ga=1; session=2\n", "cookie: session=2\n"]
--- response_headers eval
["Tk: T", "Tk: N"]
