# The tracking status: Tk on every response where privacy is on, the
# /.well-known/dnt/ resource, $privacy_dnt, and DNT never changing the
# answer (the privacy notice does not honour DNT).

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: Tk: N on a plain page while enforcing
--- config
    privacy on;
    privacy_policy_version 2018-04;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_headers
Tk: N
--- response_body
ok
--- no_error_log
[error]



=== TEST 2: no Tk where privacy is off (the default)
--- config
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_headers
! Tk
--- response_body
ok



=== TEST 3: privacy off in one location of a server that has it on
--- config
    privacy on;
    privacy_policy_version 2018-04;
    location = /t { privacy off; return 200 "ok\n"; }
--- request
GET /t
--- response_headers
! Tk



=== TEST 4: DNT: 1 does not change the answer
--- config
    privacy on;
    privacy_policy_version 2018-04;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- more_headers
DNT: 1
--- response_headers
Tk: N



=== TEST 5: Tk on error pages too
--- config
    privacy on;
    privacy_policy_version 2018-04;
    location = /t { return 404; }
--- request
GET /t
--- error_code: 404
--- response_headers
Tk: N



=== TEST 6: a fixed tracking status value
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_tracking_status P;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_headers
Tk: P



=== TEST 7: a fixed value is inherited and can be set back to auto
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_tracking_status "!";
    location = /fixed { return 200 "ok\n"; }
    location = /auto { privacy_tracking_status auto; return 200 "ok\n"; }
--- request eval
["GET /fixed", "GET /auto"]
--- response_headers eval
["Tk: !", "Tk: N"]



=== TEST 8: a bad value is rejected by nginx -t with the allowed values
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_tracking_status X;
--- must_die
--- error_log eval
qr/invalid value "X" in "privacy_tracking_status" directive, it must be "auto" or one of the tracking status values "!", "\?", "G", "N", "T", "C", "P", "D", "U"/



=== TEST 9: the tracking status resource
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_policy_url https://example.com/privacy?v=1&x="y";
    location = /.well-known/dnt/ { privacy_tracking_status_resource; }
--- request
GET /.well-known/dnt/
--- response_headers
Content-Type: application/tracking-status+json
Cache-Control: no-store
Tk: N
--- response_body
{"tracking":"N","policy":"https://example.com/privacy?v=1\u0026x=\"y\""}



=== TEST 10: the resource answers the same to DNT: 1
--- config
    privacy on;
    privacy_policy_version 2018-04;
    location = /.well-known/dnt/ { privacy_tracking_status_resource; }
--- request
GET /.well-known/dnt/
--- more_headers
DNT: 1
--- response_body
{"tracking":"N"}



=== TEST 11: the resource never sets a cookie, whoever tries
--- config
    privacy on;
    privacy_policy_version 2018-04;
    privacy_secret $TEST_NGINX_KEY_PRIMARY;
    privacy_category necessary essential session;
    location = /.well-known/dnt/ {
        add_header Set-Cookie "session=1; Path=/";
        privacy_tracking_status_resource;
    }
--- request
GET /.well-known/dnt/
--- more_headers
Cookie: _ga=GA1.2.3; session=abc
--- response_headers
! Set-Cookie
--- error_code: 200



=== TEST 12: the resource takes GET and HEAD only
--- config
    privacy on;
    privacy_policy_version 2018-04;
    location = /.well-known/dnt/ { privacy_tracking_status_resource; }
--- request
POST /.well-known/dnt/
x=1
--- error_code: 405



=== TEST 13: HEAD on the resource has headers and no body
--- config
    privacy on;
    privacy_policy_version 2018-04;
    location = /.well-known/dnt/ { privacy_tracking_status_resource; }
--- request
HEAD /.well-known/dnt/
--- response_headers
Content-Type: application/tracking-status+json
--- response_body



=== TEST 14: $privacy_dnt holds 1
--- config
    location = /t { return 200 "dnt=[$privacy_dnt]\n"; }
--- request
GET /t
--- more_headers
DNT: 1
--- response_body
dnt=[1]



=== TEST 15: $privacy_dnt holds 0
--- config
    location = /t { return 200 "dnt=[$privacy_dnt]\n"; }
--- request
GET /t
--- more_headers
DNT: 0
--- response_body
dnt=[0]



=== TEST 16: $privacy_dnt is empty for another value
--- config
    location = /t { return 200 "dnt=[$privacy_dnt] tk=[$sent_http_tk]\n"; }
--- request
GET /t
--- more_headers
DNT: yes
--- response_body
dnt=[] tk=[]



=== TEST 17: report mode says T
--- config
    privacy on;
    privacy_mode report;
    privacy_policy_version 2018-04;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_headers
Tk: T



=== TEST 18: report mode says D to a DNT: 1 request
--- config
    privacy on;
    privacy_mode report;
    privacy_policy_version 2018-04;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- more_headers
DNT: 1
--- response_headers
Tk: D



=== TEST 19: privacy on needs a policy version
--- config
    privacy on;
    location = /t { return 200; }
--- must_die
--- error_log eval
qr/"privacy_policy_version" is required where "privacy" is on/
