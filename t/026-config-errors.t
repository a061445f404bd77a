# nginx -t names the directive, the problem and where it is: a bad regular
# expression (with PCRE2's message), an unknown option, a duplicate
# category, more than 30 categories, a cookie named in two categories, a
# missing or too short key file, a value a directive does not take (with
# the values it takes), a consent endpoint without what it needs; and warns
# about a key file other users can read.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $Base = q{
    privacy on;
    privacy_policy_version 2018-04;
};

# n categories c1 .. cn, each with one cookie
sub categories {
    my ($n) = @_;
    return join '', map { "    privacy_category c$_ cookie$_;\n" } 1 .. $n;
}

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a bad regular expression: the directive, the pattern and PCRE2's message
--- config eval
$::Base . q{
    privacy_category analytics ~^(_ga;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid regular expression "~\^\(_ga" in "privacy_category": pcre2_compile\(\) failed: missing closing parenthesis in "\^\(_ga" in \S+nginx\.conf:\d+/



=== TEST 2: a bad case-insensitive regular expression
--- config eval
$::Base . q{
    privacy_category analytics _gid ~*[_ga;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid regular expression "~\*\[_ga" in "privacy_category": pcre2_compile\(\) failed: missing terminating \] for character class/



=== TEST 3: an empty regular expression
--- config eval
$::Base . q{
    privacy_category analytics ~;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*empty regular expression "~" in "privacy_category"/



=== TEST 4: an unknown privacy_cookie option
--- config eval
$::Base . q{
    privacy_cookie name=pc foo=1;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*unknown option "foo=1" in "privacy_cookie", expected name=, max_age=, path=, domain=, samesite= or secure= in \S+nginx\.conf:\d+/



=== TEST 5: a privacy_cookie option without a value
--- config eval
$::Base . q{
    privacy_cookie name=pc secure;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "secure" in "privacy_cookie" directive, it must be an option NAME=VALUE in \S+nginx\.conf:\d+/



=== TEST 6: a bad privacy_cookie max_age
--- config eval
$::Base . q{
    privacy_cookie name=pc max_age=soon;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "max_age=soon" in "privacy_cookie" directive, it must be a time above 0/



=== TEST 7: samesite=none needs secure
--- config eval
$::Base . q{
    privacy_cookie name=pc samesite=none secure=off;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_cookie": samesite=none needs secure=on or secure=auto/



=== TEST 8: a duplicate category
--- config eval
$::Base . q{
    privacy_category analytics _ga;
    privacy_category marketing _fbp;
    privacy_category analytics _gid;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*duplicate category "analytics" in "privacy_category" in \S+nginx\.conf:\d+/



=== TEST 9: 30 categories are fine
--- config eval
$::Base . ::categories(30) . q{
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- response_body
ok
--- no_error_log
[emerg]
[warn]



=== TEST 10: 31 categories are too many
--- config eval
$::Base . ::categories(31)
--- must_die
--- error_log eval
qr/\[emerg\] .*too many categories in "privacy_category", at most 30 in \S+nginx\.conf:\d+/



=== TEST 11: a cookie named in two categories
--- config eval
$::Base . q{
    privacy_category necessary essential session _ga;
    privacy_category analytics _gid _ga;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*cookie "_ga" is named in two "privacy_category" directives in \S+nginx\.conf:\d+/



=== TEST 12: a cookie named twice in one category
--- config eval
$::Base . q{
    privacy_category analytics _ga _gid _ga;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*cookie "_ga" is named twice in this "privacy_category" in \S+nginx\.conf:\d+/



=== TEST 13: a cookie named in two categories of a location
--- config eval
$::Base . q{
    privacy_category analytics _ga;
    location /x {
        privacy_category a x1;
        privacy_category b x2 x1;
    }
}
--- must_die
--- error_log eval
qr/\[emerg\] .*cookie "x1" is named in two "privacy_category" directives in \S+nginx\.conf:\d+/



=== TEST 14: a bad category name
--- config eval
$::Base . q{
    privacy_category "ads & more" _fbp;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid category name "ads & more" in "privacy_category", use 1 to 32 letters, digits, "_" or "-"/



=== TEST 15: a category name over 32 characters
--- config eval
$::Base . q{
    privacy_category abcdefghijklmnopqrstuvwxyz0123456 _fbp;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid category name "abcdefghijklmnopqrstuvwxyz0123456" in "privacy_category"/



=== TEST 16: a category without a cookie
--- config eval
$::Base . q{
    privacy_category necessary essential;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*category "necessary" in "privacy_category" has no cookie name or pattern/



=== TEST 17: a missing key file
--- config eval
$::Base . q{
    privacy_secret $TEST_NGINX_SERVER_ROOT/conf/missing.key;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_secret": cannot open (?:the key file )?"\S+\/conf\/missing\.key" \(2: No such file or directory\) in \S+nginx\.conf:\d+/



=== TEST 18: a key that is too short
--- config eval
$::Base . q{
    privacy_secret $TEST_NGINX_KEY_SHORT;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_secret": the key in "\S+short\.key" is 15 bytes long, it must be at least 32/



=== TEST 19: white space around the key does not count
--- config eval
$::Base . q{
    privacy_secret $TEST_NGINX_SERVER_ROOT/html/spaced.key;
}
--- user_files eval
[["spaced.key", "  \n" . ("k" x 31) . "\n\n   \t\n"]]
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_secret": the key in "\S+spaced\.key" is 31 bytes long, it must be at least 32/



=== TEST 20: a key file others can read: a warning, and nginx starts
--- config eval
$::Base . q{
    privacy_secret $TEST_NGINX_KEY_WORLD;
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[warn\] .*"privacy_secret": the key file "\S+" is readable by other users/



=== TEST 21: a private key file: no warning
--- config eval
$::Base . q{
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- response_body
ok
--- no_error_log
readable by other users
[emerg]



=== TEST 22: the same key given twice
--- config eval
$::Base . q{
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_secret": the key in "\S+primary\.key" is given twice/



=== TEST 23: privacy_secret is not allowed in a location
--- config eval
$::Base . q{
    location /x { privacy_secret $TEST_NGINX_KEY_PRIMARY; }
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_secret" directive is not allowed here/



=== TEST 24: a policy version with a comma
--- config
    privacy on;
    privacy_policy_version "2018,04";
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "2018,04" in "privacy_policy_version" directive/



=== TEST 25: a policy version over 64 characters
--- config eval
"privacy on;\nprivacy_policy_version " . ("v" x 65) . ";\n"
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_policy_version"/



=== TEST 26: an unknown privacy_mode
--- config eval
$::Base . q{
    privacy_mode audit;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "audit" in "privacy_mode" directive, it must be "enforce" or "report" in \S+nginx\.conf:\d+/



=== TEST 27: a missing banner file
--- config eval
$::Base . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/none.html;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_banner": cannot open (?:the banner file )?"\S+none\.html" \(2: No such file or directory\)/



=== TEST 28: the consent endpoint needs privacy_redis
--- config eval
$::Base . q{
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    location /privacy/consent { privacy_consent_endpoint; }
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_consent_endpoint" in \S+nginx\.conf:\d+ needs "privacy_redis"/



=== TEST 29: the consent endpoint needs privacy_secret
--- http_config
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config eval
$::Base . q{
    location /privacy/consent { privacy_consent_endpoint; }
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_consent_endpoint" in \S+:\d+ needs "privacy_secret"/



=== TEST 30: an unknown privacy_unknown_cookies: the directive, the values it takes, the file and the line
--- config eval
$::Base . q{
    privacy_unknown_cookies deny;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "deny" in "privacy_unknown_cookies" directive, it must be "allow" or "block" in \S+nginx\.conf:\d+/



=== TEST 31: an unknown privacy_banner_position
--- config eval
$::Base . q{
    privacy_banner_position top;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "top" in "privacy_banner_position" directive, it must be "body_start" or "body_end" in \S+nginx\.conf:\d+/



=== TEST 32: an empty privacy_unknown_cookies
--- config eval
$::Base . q{
    privacy_unknown_cookies "";
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "" in "privacy_unknown_cookies" directive, it must be "allow" or "block" in \S+nginx\.conf:\d+/



=== TEST 33: a privacy_mode longer than an error line: nginx still stops
--- config eval
$::Base . "privacy_mode " . ("x" x 4000) . ";\n"
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "xxxxxxxx/



=== TEST 34: the values are compared without case, as nginx's own
--- config eval
$::Base . q{
    privacy_unknown_cookies BLOCK;
    privacy_mode Report;
    privacy_banner_position Body_End;
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- response_body
ok
--- no_error_log
[emerg]



=== TEST 35: privacy_mode given twice at one level
--- config eval
$::Base . q{
    privacy_mode report;
    privacy_mode enforce;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_mode" directive is duplicate in \S+nginx\.conf:\d+/



=== TEST 36: a flag directive: nginx's own message
--- config eval
$::Base . q{
    privacy_expire_blocked yes;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "yes" in "privacy_expire_blocked" directive, it must be "on" or "off" in \S+nginx\.conf:\d+/



=== TEST 37: the consent endpoint without privacy_redis: the file and line of the first privacy_consent_endpoint
--- config eval
$::Base . q{
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    include $TEST_NGINX_SERVER_ROOT/html/endpoint.conf;
}
--- user_files
>>> endpoint.conf
# the consent endpoints of the site

location /privacy/consent {
    privacy_consent_endpoint;
}

location /other/consent {
    privacy_consent_endpoint;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*"privacy_consent_endpoint" in \S+\/html\/endpoint\.conf:4 needs "privacy_redis" in the http block/



=== TEST 38: privacy_cookie samesite= names its values
--- config eval
$::Base . q{
    privacy_cookie name=pc samesite=sometimes;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "samesite=sometimes" in "privacy_cookie" directive, it must be "strict", "lax" or "none" in \S+nginx\.conf:\d+/



=== TEST 39: privacy_cookie secure= names its values
--- config eval
$::Base . q{
    privacy_cookie name=pc secure=yes;
}
--- must_die
--- error_log eval
qr/\[emerg\] .*invalid value "secure=yes" in "privacy_cookie" directive, it must be "auto", "on" or "off" in \S+nginx\.conf:\d+/
