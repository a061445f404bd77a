# The variables: $privacy_consent (empty, none, or the granted categories),
# $privacy_consent_id (32 hex digits), $privacy_blocked and
# $privacy_remote_addr.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $HttpConfig = backend_http_config();
our $Std = privacy_std_config();

our $ID = '00112233445566778899aabbccddeeff';

our $T_NONE      = mint(grant => 'none', id => $ID);
our $T_ANALYTICS = mint(grant => 'analytics', id => $ID);
our $T_MARKETING = mint(grant => 'marketing');
our $T_ALL       = mint(grant => 'marketing,analytics', id => $ID);
our $T_EVERY     = mint(grant => 'all');
our $T_EXPIRED   = mint(grant => 'analytics', id => $ID,
                        issued => time - 86400, expires => time - 60);

our $Vars = q{
    location = /t {
        return 200 "consent=[$privacy_consent] id=[$privacy_consent_id] blocked=[$privacy_blocked]\n";
    }
};

# the client address from X-Real-IP (ngx_http_realip_module)
our $RealIp = q{
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Real-IP;
    location = /t { return 200 "addr=[$privacy_remote_addr]\n"; }
};

default_http_config($HttpConfig);

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: no decision: all empty
--- config eval: $::Std . $::Vars
--- request
GET /t
--- response_body
consent=[] id=[] blocked=[]
--- no_error_log
[error]



=== TEST 2: a refusal: none, with its id
--- config eval: $::Std . $::Vars
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_NONE"
--- response_body eval
"consent=[none] id=[$::ID] blocked=[]\n"



=== TEST 3: one category granted
--- config eval: $::Std . $::Vars
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_body eval
"consent=[analytics] id=[$::ID] blocked=[]\n"



=== TEST 4: two categories granted, named in configuration order
--- config eval: $::Std . $::Vars
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL"
--- response_body eval
"consent=[analytics,marketing] id=[$::ID] blocked=[]\n"



=== TEST 5: "all" granted names the optional categories only
--- config eval
$::Std . q{
    location = /t { return 200 "consent=[$privacy_consent]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_EVERY"
--- response_body
consent=[analytics,marketing]



=== TEST 6: marketing only
--- config eval
$::Std . q{
    location = /t { return 200 "consent=[$privacy_consent]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_MARKETING"
--- response_body
consent=[marketing]



=== TEST 7: a random consent id is 32 lowercase hex digits
--- config eval
$::Std . q{
    location = /t { return 200 "id=[$privacy_consent_id]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_MARKETING"
--- response_body_like: ^id=\[[0-9a-f]{32}\]$



=== TEST 8: a rejected token: no consent, no id
--- config eval: $::Std . $::Vars
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_EXPIRED"
--- response_body
consent=[] id=[] blocked=[_ga]



=== TEST 9: $privacy_blocked names the blocked request cookies once each, in order
--- config eval: $::Std . $::Vars
--- request
GET /t
--- more_headers
Cookie: _fbp=1; session=2; _ga=3; _fbp=4
Cookie: _gid=5; _ga=6
--- response_body
consent=[] id=[] blocked=[_fbp,_ga,_gid]



=== TEST 10: $privacy_blocked after the response names the removed Set-Cookie too
--- config eval
$::Std . q{
    location = /t {
        add_header Set-Cookie "_gid=1";
        add_header Set-Cookie "session=2";
        ssi on;
        ssi_types text/plain;
        return 200 'blocked=[<!--# echo var="privacy_blocked" default="" -->]\n';
    }
}
--- request
GET /t
--- more_headers
Cookie: _fbp=1
--- response_body
blocked=[_fbp,_gid]
--- response_headers eval
"Set-Cookie: session=2, _fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"



=== TEST 11: $privacy_remote_addr zeroes the host part of an IPv4 address
--- config
    location = /t { return 200 "addr=[$privacy_remote_addr]\n"; }
--- request
GET /t
--- response_body
addr=[127.0.0.0]



=== TEST 12: $privacy_remote_addr where privacy is on
--- config eval
$::Std . q{
    location = /t { return 200 "addr=[$privacy_remote_addr]\n"; }
}
--- request
GET /t
--- response_body
addr=[127.0.0.0]



=== TEST 13: $privacy_remote_addr is empty for a unix socket client
--- http_config
    server {
        listen unix:$TEST_NGINX_SERVER_ROOT/logs/addr.sock;
        location / { return 200 "addr=[$privacy_remote_addr]\n"; }
    }
--- config
    location = /t { proxy_pass http://unix:$TEST_NGINX_SERVER_ROOT/logs/addr.sock:/; }
--- request
GET /t
--- response_body
addr=[]



=== TEST 14: $privacy_remote_addr of an IPv6 client keeps /48
--- http_config
    server {
        listen [::1]:$TEST_NGINX_SERVER_PORT;
        location / { return 200 "addr=[$privacy_remote_addr]\n"; }
    }
--- config
    location = /t { proxy_pass http://[::1]:$TEST_NGINX_SERVER_PORT/; }
--- request
GET /t
--- response_body
addr=[::]



=== TEST 15: the decision variables in a location without a category list
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    location = /t { return 200 "consent=[$privacy_consent]\n"; }
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ANALYTICS"
--- response_body
consent=[]
--- error_log
privacy consent token rejected: categories



=== TEST 16: the variables can be logged
--- http_config
    log_format privacy '$privacy_remote_addr "$privacy_consent" $privacy_consent_id "$privacy_blocked"';
--- config eval
$::Std . q{
    access_log $TEST_NGINX_SERVER_ROOT/logs/privacy.log privacy;
    location = /t { return 200 "ok\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: _fbp=1; privacy_consent=$::T_ANALYTICS"
--- response_body
ok
--- no_error_log
[error]
[alert]



=== TEST 17: $privacy_remote_addr of an IPv6 client through realip keeps /48
--- config eval: $::RealIp
--- request
GET /t
--- more_headers
X-Real-IP: 2001:db8:1:ffff:ffff:ffff:ffff:ffff
--- response_body
addr=[2001:db8:1::]



=== TEST 18: a 6to4 client is its IPv4 network: the /48 would be the whole address
--- config eval: $::RealIp
--- request
GET /t
--- more_headers
X-Real-IP: 2002:cb00:7107:abcd::1
--- response_body
addr=[203.0.113.0]



=== TEST 19: a 6to4 client with every bit set
--- config eval: $::RealIp
--- request
GET /t
--- more_headers
X-Real-IP: 2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff
--- response_body
addr=[255.255.255.0]



=== TEST 20: a Teredo client is its public IPv4 network, without server or port
--- config eval: $::RealIp
--- request
GET /t
--- more_headers
X-Real-IP: 2001:0:4136:e378:8000:63bf:3fff:fdd2
--- response_body
addr=[192.0.2.0]



=== TEST 21: a v4-mapped client is its IPv4 network
--- config eval: $::RealIp
--- request
GET /t
--- more_headers
X-Real-IP: ::ffff:192.0.2.55
--- response_body
addr=[192.0.2.0]



=== TEST 22: a NAT64 client keeps the /48, which holds none of its IPv4 address
--- config eval: $::RealIp
--- request
GET /t
--- more_headers
X-Real-IP: 64:ff9b:1:c000:2:3700::
--- response_body
addr=[64:ff9b:1::]
