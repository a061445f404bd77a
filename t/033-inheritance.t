# Inheritance of the directives that take a list: a list given at the http
# or server level holds in a location that gives none, and a location (or
# server) that gives its own replaces the inherited list whole, as
# add_header and proxy_set_header do; nothing is added up across levels.
# privacy_banner_language, privacy_category, privacy_cookie_domains,
# privacy_banner_types, privacy_secret, and privacy_cookie's options.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $prefix = "t033:$$:";
$ENV{TEST_NGINX_T033_PREFIX} = $prefix;

our $T_PRIMARY = mint(grant => 'analytics');
our $T_RETIRED = mint(grant => 'analytics', key => 'retired');

our $Base = q{
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
};

our $Langs = [['de.html', '[DE]'], ['fr.html', '[FR]'], ['en.html', '[EN]'],
              ['file.html', '[FILE]']];

# the builtin banner of a language
sub builtin {
    my ($lang) = @_;
    return qr{^<body><div id="privacy-banner" class="privacy-banner" lang="$lang" .*</form><p class="privacy-banner__saved" hidden>[^<]*<a [^>]*>[^<]*</a></p></div>x$}s;
}

# the expiring Set-Cookie of a blocked cookie
our $X = 'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/';

our $Redis = q{
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT prefix=$TEST_NGINX_T033_PREFIX;
};

our $Post = "Origin: http://localhost\nAccept: application/json\n"
          . "Content-Type: application/x-www-form-urlencoded";

repeat_each(2);
no_shuffle();
run_tests();

# the records the consent endpoint blocks made
my $keys = redis('KEYS', "${prefix}*");
redis('DEL', @$keys) if @$keys;

__DATA__

=== TEST 1: privacy_banner_language at server level, inherited: no Accept-Language gets the builtin English banner
--- config eval
$::Base . q{
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- user_files eval: $::Langs
--- request
GET /t
--- response_body_like eval: ::builtin('en')
--- no_error_log
[error]



=== TEST 2: privacy_banner_language at server level, inherited: Accept-Language picks the file
--- config eval
$::Base . q{
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- user_files eval: $::Langs
--- request
GET /t
--- more_headers
Accept-Language: de-DE, en;q=0.5
--- response_body: <body>[DE]x



=== TEST 3: privacy_banner_language at http level, inherited by the server and the location
--- http_config
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
--- config eval
$::Base . q{
    location = /t { default_type text/html; return 200 "<body>x"; }
    location /n/ { location = /n/t { default_type text/html; return 200 "<body>x"; } }
}
--- user_files eval: $::Langs
--- request eval
["GET /t", "GET /n/t"]
--- response_body_like eval
[::builtin('en'), ::builtin('en')]



=== TEST 4: privacy_banner_language at http level, inherited: the file for its language
--- http_config
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
--- config eval
$::Base . q{
    location /n/ { location = /n/t { default_type text/html; return 200 "<body>x"; } }
}
--- user_files eval: $::Langs
--- request
GET /n/t
--- more_headers
Accept-Language: de
--- response_body: <body>[DE]x



=== TEST 5: a location's privacy_banner_language replaces the server's: the server's language is builtin again
--- config eval
$::Base . q{
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
    location = /t {
        privacy_banner_language fr $TEST_NGINX_SERVER_ROOT/html/fr.html;
        default_type text/html; return 200 "<body>x";
    }
}
--- user_files eval: $::Langs
--- request
GET /t
--- more_headers
Accept-Language: de
--- response_body_like eval: ::builtin('de')



=== TEST 6: a location's privacy_banner_language replaces the server's: its own language is its file
--- config eval
$::Base . q{
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
    location = /t {
        privacy_banner_language fr $TEST_NGINX_SERVER_ROOT/html/fr.html;
        default_type text/html; return 200 "<body>x";
    }
}
--- user_files eval: $::Langs
--- request eval
["GET /t", "GET /t"]
--- more_headers
Accept-Language: fr-CA
--- response_body eval
["<body>[FR]x", "<body>[FR]x"]



=== TEST 7: a location's privacy_banner_language replaces the server's: English by default
--- config eval
$::Base . q{
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
    location = /t {
        privacy_banner_language fr $TEST_NGINX_SERVER_ROOT/html/fr.html;
        default_type text/html; return 200 "<body>x";
    }
}
--- user_files eval: $::Langs
--- request
GET /t
--- response_body_like eval: ::builtin('en')



=== TEST 8: privacy_banner_language en replaces the builtin English banner, also as the default
--- config eval
$::Base . q{
    location = /t {
        privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
        privacy_banner_language en $TEST_NGINX_SERVER_ROOT/html/en.html;
        default_type text/html; return 200 "<body>x";
    }
}
--- user_files eval: $::Langs
--- request
GET /t
--- response_body: <body>[EN]x



=== TEST 9: privacy_banner_language en after another, at server level, inherited: the default is the English file
--- config eval
$::Base . q{
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
    privacy_banner_language en $TEST_NGINX_SERVER_ROOT/html/en.html;
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- user_files eval: $::Langs
--- request eval
["GET /t", "GET /t"]
--- response_body eval
["<body>[EN]x", "<body>[EN]x"]



=== TEST 10: privacy_banner FILE and languages at server level, inherited: no Accept-Language gets the FILE
--- config eval
$::Base . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/file.html;
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- user_files eval: $::Langs
--- request
GET /t
--- response_body: <body>[FILE]x



=== TEST 11: privacy_banner FILE and languages at server level, inherited: a language nobody has gets the FILE
--- config eval
$::Base . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/file.html;
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
    location = /t { default_type text/html; return 200 "<body>x"; }
}
--- user_files eval: $::Langs
--- request
GET /t
--- more_headers
Accept-Language: fr
--- response_body: <body>[FILE]x



=== TEST 12: a privacy_banner_language of a builtin language: the settings page speaks it in the builtin words
--- http_config eval: $::Redis
--- config eval
$::Base . q{
    privacy_banner_language de $TEST_NGINX_SERVER_ROOT/html/de.html;
    location /privacy/consent { privacy_consent_endpoint; }
}
--- user_files eval: $::Langs
--- request
GET /privacy/consent
--- more_headers
Accept: text/html
Accept-Language: de
--- response_body_like chomp
<html lang="de">.*<h1>Datenschutz-Einstellungen</h1>



=== TEST 13: privacy_category at server level, inherited by a location
--- config eval
$::Base . q{
    privacy_category analytics _ga;
    location = /t { return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; _fbp=2; theme=3
--- response_body
consent=[] blocked=[_ga]



=== TEST 14: privacy_category at http level, inherited by the server and the location
--- http_config
    privacy_category analytics _ga;
--- config eval
$::Base . q{
    location /n/ { location = /n/t { return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n"; } }
}
--- request
GET /n/t
--- more_headers
Cookie: _ga=1; _fbp=2; theme=3
--- response_body
consent=[] blocked=[_ga]



=== TEST 15: a location's privacy_category replaces the server's list whole: the server's categories are unknown there
--- config eval
$::Base . q{
    privacy_category analytics _ga;
    location = /t {
        privacy_category marketing _fbp;
        return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n";
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; _fbp=2; theme=3
--- response_body
consent=[] blocked=[_fbp]



=== TEST 16: a location's list replaces the server's, also with unknown cookies blocked
--- config eval
$::Base . q{
    privacy_unknown_cookies block;
    privacy_category analytics _ga;
    location = /t {
        privacy_category marketing _fbp;
        return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n";
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1; _fbp=2; theme=3
--- response_body
consent=[] blocked=[_ga,_fbp,theme]



=== TEST 17: a consent to the server's list is not one to a location's own list
--- config eval
$::Base . q{
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga _gid;
    privacy_category marketing _fbp;
    location = /s { return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n"; }
    location = /t {
        privacy_category analytics ~^_ga _gid;
        return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n";
    }
}
--- request eval
["GET /s", "GET /t"]
--- more_headers eval
"Cookie: privacy_consent=$::T_PRIMARY; _ga=1"
--- response_body eval
["consent=[analytics] blocked=[]\n", "consent=[] blocked=[_ga]\n"]



=== TEST 18: privacy_cookie_domains at server level, inherited by a location
--- config eval
$::Base . q{
    privacy_category analytics _ga;
    privacy_cookie_domains .example.com;
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1
--- response_headers eval
"Set-Cookie: _ga=; $::X, _ga=; $::X; Domain=.example.com"



=== TEST 19: a location's privacy_cookie_domains replaces the server's
--- config eval
$::Base . q{
    privacy_category analytics _ga;
    privacy_cookie_domains .example.com www.example.com;
    location = /t {
        privacy_cookie_domains .example.org;
        return 200 "ok\n";
    }
}
--- request
GET /t
--- more_headers
Cookie: _ga=1
--- response_headers eval
"Set-Cookie: _ga=; $::X, _ga=; $::X; Domain=.example.org"



=== TEST 20: privacy_cookie_domains at http level, inherited by a nested location
--- http_config
    privacy_cookie_domains .example.com;
--- config eval
$::Base . q{
    privacy_category analytics _ga;
    location /n/ { location = /n/t { return 200 "ok\n"; } }
}
--- request
GET /n/t
--- more_headers
Cookie: _ga=1
--- response_headers eval
"Set-Cookie: _ga=; $::X, _ga=; $::X; Domain=.example.com"



=== TEST 21: privacy_banner_types at server level, inherited by a location
--- config eval
$::Base . q{
    privacy_banner_types text/plain;
    location = /t { default_type text/plain; return 200 "<body>x"; }
}
--- request
GET /t
--- response_body_like eval: ::builtin('en')



=== TEST 22: a location's privacy_banner_types replaces the server's; text/html is always one
--- config eval
$::Base . q{
    privacy_banner_types text/plain;
    location = /t {
        privacy_banner_types application/xhtml+xml;
        default_type text/plain;
        return 200 "<body>x";
    }
    location = /x {
        privacy_banner_types application/xhtml+xml;
        default_type application/xhtml+xml;
        return 200 "<body>x";
    }
    location = /h {
        privacy_banner_types application/xhtml+xml;
        default_type text/html;
        return 200 "<body>x";
    }
}
--- request eval
["GET /t", "GET /x", "GET /h"]
--- response_body_like eval
[qr/^<body>x$/, ::builtin('en'), ::builtin('en')]



=== TEST 23: privacy_secret at http level, inherited by a server: its key verifies
--- http_config
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
--- config eval
q{
    privacy on;
    privacy_policy_version 2018-04;
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga _gid;
    privacy_category marketing _fbp;
    location = /t { return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_PRIMARY"
--- response_body
consent=[analytics] blocked=[]



=== TEST 24: a server's privacy_secret replaces the keys of the http level: their tokens do not verify there
--- http_config
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
--- config eval
q{
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_RETIRED;
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga _gid;
    privacy_category marketing _fbp;
    location = /t { return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_PRIMARY"
--- response_body
consent=[] blocked=[]



=== TEST 25: a server's privacy_secret replaces the keys of the http level: its own key verifies
--- http_config
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
--- config eval
q{
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_RETIRED;
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga _gid;
    privacy_category marketing _fbp;
    location = /t { return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_RETIRED"
--- response_body
consent=[analytics] blocked=[]



=== TEST 26: privacy_cookie at server level, inherited by the consent endpoint: every option
--- http_config eval: $::Redis
--- config eval
$::Base . q{
    privacy_cookie name=sc max_age=1d path=/app domain=.example.com samesite=strict secure=on;
    location /privacy/consent { privacy_consent_endpoint; }
}
--- request
POST /privacy/consent
action=reject_all
--- more_headers eval: $::Post
--- response_headers_like
Set-Cookie: sc=[A-Za-z0-9_-]+; Max-Age=86400; Path=/app; Domain=\.example\.com; SameSite=Strict; HttpOnly; Secure
--- no_error_log
[error]



=== TEST 27: a location's privacy_cookie replaces the server's whole: the options it leaves out have their defaults
--- http_config eval: $::Redis
--- config eval
$::Base . q{
    privacy_cookie name=sc max_age=1d path=/app domain=.example.com samesite=strict secure=on;
    location /privacy/consent {
        privacy_cookie name=lc;
        privacy_consent_endpoint;
    }
}
--- request
POST /privacy/consent
action=reject_all
--- more_headers eval: $::Post
--- response_headers_like
Set-Cookie: lc=[A-Za-z0-9_-]+; Max-Age=15552000; Path=/; SameSite=Lax; HttpOnly
--- no_error_log
[error]



=== TEST 28: privacy_cookie at http level, inherited: pages read the consent cookie of that name
--- http_config
    privacy_cookie name=sc path=/app;
--- config eval
$::Base . q{
    privacy_category necessary essential session;
    privacy_category analytics ~^_ga _gid;
    privacy_category marketing _fbp;
    location /n/ { location = /n/t { return 200 "consent=[$privacy_consent] blocked=[$privacy_blocked]\n"; } }
}
--- request
GET /n/t
--- more_headers eval
"Cookie: sc=$::T_PRIMARY; privacy_consent=x"
--- response_body
consent=[analytics] blocked=[]
