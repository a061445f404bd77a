# The banner's stylesheet and script, served by the consent endpoint:
# byte for byte the files of ngx_privacy_module/assets/ that the build put
# into the module, under their plain names and under names with a hash of
# their bytes in them.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

# the files as a designer left them
sub asset {
    my ($name) = @_;
    my $file = "$ENV{TEST_NGINX_PRIVACY_ROOT}/ngx_privacy_module/assets/$name";
    open my $fh, '<:raw', $file or die "cannot read $file: $!\n";
    local $/;
    my $bytes = <$fh>;
    close $fh;
    return $bytes;
}

our $Std = privacy_std_config();
our $Css = asset('banner.css');
our $Js  = asset('banner.js');

add_block_preprocessor(sub {
    my $block = shift;

    $block->set_value('http_config', <<'CONF') unless defined $block->http_config;
    privacy_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
CONF

    $block->set_value('config', $Std . <<'CONF')
    location /privacy/consent {
        privacy_consent_endpoint;
    }

    location = /page {
        default_type text/html;
        return 200 "<html><body>page</body></html>\n";
    }
CONF
        unless defined $block->config;
});

repeat_each(2);
no_shuffle();
no_long_string();
run_tests();

__DATA__

=== TEST 1: banner.css is the file's bytes, not to be stored
--- request
GET /privacy/consent/banner.css
--- response_headers eval
"Content-Type: text/css
Content-Length: " . length($::Css) . "
Cache-Control: no-store
Tk: U
! ETag"
--- response_body eval: $::Css
--- no_error_log
[error]



=== TEST 2: banner.js is the file's bytes, not to be stored
--- request
GET /privacy/consent/banner.js
--- response_headers eval
"Content-Type: text/javascript
Content-Length: " . length($::Js) . "
Cache-Control: no-store
Tk: U"
--- response_body eval: $::Js
--- no_error_log
[error]



=== TEST 3: HEAD: the headers of GET, no body
--- request
HEAD /privacy/consent/banner.css
--- response_headers eval
"Content-Type: text/css
Content-Length: " . length($::Css) . "
Cache-Control: no-store"
--- response_body chomp



=== TEST 4: below another privacy_consent_url
--- config eval
$::Std . q{
    privacy_consent_url /choices;
    location /choices { privacy_consent_endpoint; }
}
--- request
GET /choices/banner.js
--- response_body eval: $::Js



=== TEST 5: other names below the endpoint: 404, not to be stored
--- request eval
["GET /privacy/consent/banner.cs", "GET /privacy/consent/banner.css/",
 "GET /privacy/consent/banner.CSS", "GET /privacy/consent/",
 "GET /privacy/consent/" . ("a" x 4000), "GET /privacy/consentbanner.css"]
--- error_code eval
[404, 404, 404, 404, 404, 404]
--- response_headers
Cache-Control: no-store



=== TEST 6: methods other than GET and HEAD: 405
--- request eval
["POST /privacy/consent/banner.css\nx", "DELETE /privacy/consent/banner.js"]
--- error_code eval
[405, 405]
--- response_headers
Cache-Control: no-store
