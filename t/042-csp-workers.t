# privacy_csp_report_endpoint with two worker processes: the hosts live in
# shared memory, so a GET answered by either worker counts the reports
# both took.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $Config = privacy_std_config() . q{
    privacy_script analytics .google-analytics.com;

    location = /csp-report {
        privacy_csp_report_endpoint;
    }
};

our $Report = '{"csp-report":{"blocked-uri":"https://www.google-analytics.com/g",'
            . '"effective-directive":"connect-src"}}';

master_on();
workers(2);
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: forty reports on forty connections, then three GETs: every one counts forty
--- config eval: $::Config
--- more_headers
Content-Type: application/csp-report
--- request eval
[ (map { "POST /csp-report\n$::Report" } 1 .. 40),
  ("GET /csp-report") x 3 ]
--- error_code eval
[ (204) x 40, (200) x 3 ]
--- response_body_like eval
[ (qr/^$/) x 40,
  (qr/^\{"hosts":\[\{"host":"www\.google-analytics\.com","category":"analytics","count":40,"last_seen":"[^"]+","directives":\{"connect-src":40\}\}\],"reports":40,/) x 3 ]
--- no_error_log
[error]
