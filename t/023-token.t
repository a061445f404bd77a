# The consent token: a signed decision in the consent cookie.  A forged,
# truncated, expired, unknown-key, old-policy or other-category-list token
# counts as no decision (logged at info), never an error page.  Key
# rotation: privacy_secret is repeatable, the first signs, all verify.
# And the Tk value that follows from the decision.

use lib 't/inc';
use PrivacyTest;
use MIME::Base64 ();
use Test::Nginx::Socket 'no_plan';

our $Std = privacy_std_config();

our $T_OK        = mint(grant => 'analytics');
our $T_ALL       = mint(grant => 'analytics,marketing');
our $T_NONE      = mint(grant => 'none');
our $T_RETIRED   = mint(grant => 'analytics', key => 'retired');
our $T_UNKNOWN   = mint(grant => 'analytics', key => 'unknown');
our $T_POLICY    = mint(grant => 'analytics', policy => '2017-01');
our $T_CATS      = mint(grant => 'analytics',
                        categories => 'necessary:essential,analytics');
our $T_ORDER     = mint(grant => 'analytics',
                        categories => 'necessary:essential,marketing,analytics');
our $T_FLAGS     = mint(grant => 'analytics',
                        categories => 'necessary,analytics,marketing');
our $T_EXPIRED   = mint(grant => 'analytics', issued => time - 86400,
                        expires => time - 60);
our $T_FUTURE    = mint(grant => 'analytics', issued => time + 86400,
                        expires => time + 2 * 86400);
our $T_OLD       = mint(grant => 'analytics', issued => time - 40 * 86400,
                        expires => time + 140 * 86400);
our $T_ID        = mint(grant => 'analytics',
                        id => '00112233445566778899aabbccddeeff');

# one base64url character changed in the payload (the consent id) and one
# in the signature; the token stays well-formed base64url
sub flip {
    my ($t, $pos) = @_;
    my $c = substr($t, $pos, 1);
    substr($t, $pos, 1) = $c eq 'A' ? 'B' : 'A';
    return $t;
}

our $T_FORGED_PAYLOAD = flip($T_OK, 12);
our $T_FORGED_MAC     = flip($T_OK, length($T_OK) - 20);
our $T_TRUNCATED      = substr($T_OK, 0, 80);

# the format version byte changed (the signature no longer matters)
our $T_VERSION = do {
    (my $b = $T_OK) =~ tr{-_}{+/};
    $b .= '=' x ((4 - length($b) % 4) % 4);
    my $raw = MIME::Base64::decode_base64($b);
    substr($raw, 0, 1) = chr(2);
    my $t = MIME::Base64::encode_base64($raw, '');
    $t =~ tr{+/}{-_};
    $t =~ s/=+$//;
    $t;
};

# the granted bits of a primary-key token set to everything: forged grant
our $T_FORGED_GRANT = do {
    (my $b = $T_NONE) =~ tr{-_}{+/};
    $b .= '=' x ((4 - length($b) % 4) % 4);
    my $raw = MIME::Base64::decode_base64($b);
    substr($raw, 45, 4) = pack('N', 0xffffffff);
    my $t = MIME::Base64::encode_base64($raw, '');
    $t =~ tr{+/}{-_};
    $t =~ s/=+$//;
    $t;
};

our $Echo = q{
    location = /t {
        return 200 "consent=[$privacy_consent] cookie=[$http_cookie]\n";
    }
};

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a valid token grants its categories: Tk C
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; _fbp=2; privacy_consent=$::T_OK"
--- response_headers
Tk: C
Set-Cookie: _fbp=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/
--- response_body eval
"consent=[analytics] cookie=[_ga=1; privacy_consent=$::T_OK]\n"
--- no_error_log
[error]
[warn]
rejected



=== TEST 2: a valid refusal: Tk N, a decision all the same
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_NONE"
--- response_headers
Tk: N
--- response_body eval
"consent=[none] cookie=[privacy_consent=$::T_NONE]\n"
--- no_error_log
rejected



=== TEST 3: no token: Tk N, no decision, nothing logged
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers
Cookie: _ga=1; session=2
--- response_headers
Tk: N
--- response_body
consent=[] cookie=[session=2]
--- no_error_log
rejected
[error]



=== TEST 4: a changed payload byte is a bad signature: no decision, logged at info
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_FORGED_PAYLOAD"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_FORGED_PAYLOAD]\n"
--- grep_error_log eval
qr/\[info\] .*privacy consent token rejected: \w+/
--- grep_error_log_out eval
qr/^[^\n]*\[info\] [^\n]*privacy consent token rejected: bad_signature\n$/
--- no_error_log
[error]
[warn]



=== TEST 5: a changed signature byte is a bad signature
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_FORGED_MAC"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_FORGED_MAC]\n"
--- error_log
privacy consent token rejected: bad_signature
--- no_error_log
[error]



=== TEST 6: a refusal turned into a grant of everything is a bad signature
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; _fbp=2; privacy_consent=$::T_FORGED_GRANT"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_FORGED_GRANT]\n"
--- error_log
privacy consent token rejected: bad_signature



=== TEST 7: a truncated token is malformed
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_TRUNCATED"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_TRUNCATED]\n"
--- error_log
privacy consent token rejected: malformed
--- no_error_log
[error]



=== TEST 8: garbage is malformed, never an error page
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers
Cookie: privacy_consent=%00<script>"'; _ga=1
--- response_body
consent=[] cookie=[privacy_consent=%00<script>"']
--- error_log
privacy consent token rejected: malformed
--- no_error_log
[error]



=== TEST 9: an empty consent cookie is no decision
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers
Cookie: privacy_consent=; _ga=1
--- response_headers
Tk: N
--- response_body
consent=[] cookie=[privacy_consent=]
--- no_error_log
[error]



=== TEST 10: another format version is rejected as such
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_VERSION"
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_VERSION]\n"
--- error_log
privacy consent token rejected: version



=== TEST 11: an expired token is no decision
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_EXPIRED"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_EXPIRED]\n"
--- error_log
privacy consent token rejected: expired
--- no_error_log
[error]



=== TEST 12: a token issued a day in the future is rejected
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_FUTURE"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_FUTURE]\n"
--- error_log eval
qr/privacy consent token rejected: \w+/



=== TEST 13: a token signed by an unknown key is no decision
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_UNKNOWN"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_UNKNOWN]\n"
--- error_log
privacy consent token rejected: unknown_key



=== TEST 14: a token signed by a key no longer configured is no decision
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_RETIRED"
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_RETIRED]\n"
--- error_log
privacy consent token rejected: unknown_key



=== TEST 15: key rotation: a token of the second key verifies
--- config eval
$::Std . q{
    privacy_secret $TEST_NGINX_KEY_RETIRED;
} . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_RETIRED"
--- response_headers
Tk: C
--- response_body eval
"consent=[analytics] cookie=[_ga=1; privacy_consent=$::T_RETIRED]\n"
--- no_error_log
rejected



=== TEST 16: key rotation: a token of the first key verifies too
--- config eval
$::Std . q{
    privacy_secret $TEST_NGINX_KEY_RETIRED;
} . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_OK"
--- response_headers
Tk: C
--- response_body eval
"consent=[analytics] cookie=[_ga=1; privacy_consent=$::T_OK]\n"



=== TEST 17: key rotation: a key of another server does not verify here
--- config eval
$::Std . $::Echo
--- http_config
    server {
        listen unix:$TEST_NGINX_SERVER_ROOT/logs/other.sock;
        privacy_secret $TEST_NGINX_KEY_UNKNOWN;
    }
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_UNKNOWN"
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_UNKNOWN]\n"
--- error_log
privacy consent token rejected: unknown_key



=== TEST 18: privacy_secret at http level is inherited by the server
--- http_config
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
--- config eval
my $c = $::Std . $::Echo;
$c =~ s/\n\s*privacy_secret [^\n]*//;
$c
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_OK"
--- response_body eval
"consent=[analytics] cookie=[privacy_consent=$::T_OK]\n"



=== TEST 19: without any privacy_secret no token verifies
--- config eval
my $c = $::Std . $::Echo;
$c =~ s/\n\s*privacy_secret [^\n]*//;
$c
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_OK"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_OK]\n"
--- no_error_log
[error]



=== TEST 20: a consent to an older policy version is no decision
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_POLICY"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_POLICY]\n"
--- error_log
privacy consent token rejected: policy
--- no_error_log
[error]



=== TEST 21: a location with a newer policy version asks again
--- config eval
$::Std . q{
    location = /new {
        privacy_policy_version 2019-01;
        return 200 "consent=[$privacy_consent]\n";
    }
} . $::Echo
--- request eval
["GET /t", "GET /new"]
--- more_headers eval
"Cookie: privacy_consent=$::T_OK"
--- response_body eval
["consent=[analytics] cookie=[privacy_consent=$::T_OK]\n", "consent=[]\n"]
--- response_headers eval
["Tk: C", "Tk: N"]



=== TEST 22: a token for another category list is no decision
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_CATS"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_CATS]\n"
--- error_log
privacy consent token rejected: categories



=== TEST 23: a token for the same categories in another order is no decision
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_ORDER"
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_ORDER]\n"
--- error_log
privacy consent token rejected: categories



=== TEST 24: a token for other essential flags is no decision
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_FLAGS"
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_FLAGS]\n"
--- error_log
privacy consent token rejected: categories



=== TEST 25: the patterns are not part of the fingerprint
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential PHPSESSID;
    privacy_category analytics ~^_pk_ _hjid;
    privacy_category marketing fr IDE;
    location = /t { return 200 "consent=[$privacy_consent] cookie=[$http_cookie]\n"; }
--- request
GET /t
--- more_headers eval
"Cookie: _pk_id=1; fr=2; privacy_consent=$::T_OK"
--- response_body eval
"consent=[analytics] cookie=[_pk_id=1; privacy_consent=$::T_OK]\n"



=== TEST 26: a rejected token is read once per request, logged once
--- config eval
$::Std . q{
    location = /t { rewrite ^ /u last; }
    location = /u { return 200 "consent=[$privacy_consent] cookie=[$http_cookie]\n"; }
}
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_EXPIRED"
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_EXPIRED]\n"
--- grep_error_log eval
qr/privacy consent token rejected: \w+/
--- grep_error_log_out
privacy consent token rejected: expired



=== TEST 27: the first token that verifies wins (a browser may send two)
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_FORGED_MAC; _ga=1\nCookie: privacy_consent=$::T_OK"
--- response_headers
Tk: C
--- response_body eval
"consent=[analytics] cookie=[privacy_consent=$::T_FORGED_MAC; _ga=1; privacy_consent=$::T_OK]\n"



=== TEST 28: a valid token and a forged one: the valid one wins, wherever it is
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_ALL; privacy_consent=$::T_FORGED_GRANT; _fbp=1"
--- response_headers
Tk: C
--- response_body eval
"consent=[analytics,marketing] cookie=[privacy_consent=$::T_ALL; privacy_consent=$::T_FORGED_GRANT; _fbp=1]\n"



=== TEST 29: a renamed consent cookie carries the token; the default name is ignored
--- config eval
$::Std . q{
    privacy_cookie name=pc;
} . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_OK; pc=$::T_ALL"
--- response_headers
Tk: C
--- response_body eval
"consent=[analytics,marketing] cookie=[privacy_consent=$::T_OK; pc=$::T_ALL]\n"



=== TEST 30: the token is verified in report mode too (Tk says T there)
--- config eval
$::Std . q{
    privacy_mode report;
} . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_FORGED_MAC"
--- response_headers
Tk: T
--- error_log
privacy consent token rejected: bad_signature



=== TEST 31: Tk C with marketing only
--- config eval: $::Std . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'marketing')
--- response_headers
Tk: C



=== TEST 32: Tk N when the category granting the cookie is essential only
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session;
    location = /t { return 200 "consent=[$privacy_consent]\n"; }
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'all', categories => 'necessary:essential')
--- response_headers
Tk: N
--- response_body
consent=[none]



=== TEST 33: a decision older than privacy_cookie max_age is no decision
--- config eval
$::Std . q{
    privacy_cookie name=privacy_consent max_age=30d;
} . $::Echo
--- request
GET /t
--- more_headers eval
"Cookie: _ga=1; privacy_consent=$::T_OLD"
--- response_headers
Tk: N
--- response_body eval
"consent=[] cookie=[privacy_consent=$::T_OLD]\n"



=== TEST 34: a token verified by one server's keys is not taken by another server's, in the same worker
A worker keeps the tokens it verified with the keys that verified them:
the request here verifies the token with the primary key, and the server
behind it, whose only key is another, must still reject the same token.
--- config eval
$::Std . q{
    location = /t {
        proxy_pass http://unix:$TEST_NGINX_SERVER_ROOT/logs/other.sock:/t;
        add_header X-Here "[$privacy_consent]";
    }
}
--- http_config
    server {
        listen unix:$TEST_NGINX_SERVER_ROOT/logs/other.sock;
        privacy on;
        privacy_policy_version 2018-04;
        privacy_secret $TEST_NGINX_KEY_UNKNOWN;
        privacy_category necessary essential session;
        privacy_category analytics ~^_ga _gid;
        privacy_category marketing _fbp;
        location = /t { return 200 "there=[$privacy_consent]\n"; }
    }
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_OK"
--- response_headers
X-Here: [analytics]
--- response_body
there=[]
--- error_log
privacy consent token rejected: unknown_key



=== TEST 35: the same token again, in the same worker, after the other server saw it
--- request
GET /t
--- more_headers eval
"Cookie: privacy_consent=$::T_OK"
--- response_headers
X-Here: [analytics]
--- response_body
there=[]
--- error_log
privacy consent token rejected: unknown_key
