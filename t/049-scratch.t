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

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $HttpConfig)
        unless defined $block->http_config;
});

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

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
join "\n", (map { "Cookie: _ga$_=x" } 1 .. 25), "X-Last: l"
--- response_body
cookie: (none)
--- response_headers
X-Last: [l]



