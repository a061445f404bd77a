# Cookie header shapes: a worker keeps the pairs, categories and verdicts
# of the Cookie headers it parsed by their shape (length, structural bytes
# and names), the second time a shape comes, and a header of a shape it
# keeps is not parsed again.  What it keeps must never decide for a header
# that differs from it in a name, in its structure, or in the categories,
# consent cookie or settings its location uses; a header that differs in
# its values only gets its own values.
#
# nginx is started afresh for each block, and kept for its second repeat,
# which meets the shapes of the first: grep_error_log_out has one text
# each, of what the block's error log holds by then
# (check_accum_error_log).  The requests of a block are pipelined: the
# log is checked after each response, and they have all been answered by
# the first check.
#
# The headers come from proxy_set_header in locations of a plain server
# here, which proxy to a server with the module (one worker: the requests
# of a block meet the same shapes).

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $Shaped = privacy_std_config();

# (q() for the server's halves: q{} would want their braces balanced)
our $HttpConfig = backend_http_config() . q(
    server {
        listen unix:$TEST_NGINX_SERVER_ROOT/logs/shaped.sock;
        server_name shaped;
) . $Shaped . q(
        location = /t { proxy_pass http://backend/echo; }

        location = /other-categories {
            privacy_category necessary essential session sess _gid;
            proxy_pass http://backend/echo;
        }

        location = /other-consent {
            privacy_cookie name=sess;
            proxy_pass http://backend/echo;
        }

        location = /strict {
            privacy_unknown_cookies block;
            proxy_pass http://backend/echo;
        }

        location = /blocked {
            return 200 "blocked: $privacy_blocked cookie: $http_cookie\n";
        }
    }
);

our $T_ANALYTICS = mint(grant => 'analytics');

# the lines the requests of a block log about shapes, one word each
sub shapes {
    my %line = (seen  => 'privacy cookie header shape seen',
                kept  => 'privacy cookie header shape kept',
                known => 'privacy cookie header of a known shape');
    return join '', map { "$line{$_}\n" } @_;
}

# a location of the plain server that sends COOKIE to PATH on the shaped one
sub via {
    my ($location, $cookie, $path) = @_;
    $path = '/t' unless defined $path;
    return qq{
    location = /$location {
        proxy_set_header Cookie "$cookie";
        proxy_pass http://unix:\$TEST_NGINX_SERVER_ROOT/logs/shaped.sock:$path;
    }
};
}

default_http_config($HttpConfig);

our $Shapes = qr/privacy cookie header (?:of a known shape|shape kept|shape seen)/;

repeat_each(2);
no_shuffle();
check_accum_error_log();
run_tests();

__DATA__

=== TEST 1: the same shape with other values: each header keeps its own values
--- config eval
main::via('a', '_ga=GA1.1; sess=abcd; theme=dark')
. main::via('b', '_ga=GA9.9; sess=wxyz; theme=lite')
--- pipelined_requests eval
["GET /a", "GET /b", "GET /a", "GET /b"]
--- response_body eval
["cookie: sess=abcd; theme=dark\n", "cookie: sess=wxyz; theme=lite\n",
 "cookie: sess=abcd; theme=dark\n", "cookie: sess=wxyz; theme=lite\n"]
--- grep_error_log eval: $::Shapes
--- grep_error_log_out eval
[main::shapes(qw(seen kept known known)),
 main::shapes(qw(seen kept known known), qw(known known known known))]
--- no_error_log
[error]



=== TEST 2: one name differs from a shape kept, of the same length: its own category decides
--- config eval
main::via('a', '_ga=1; sess=2; theme=3')
. main::via('b', '_ga=1; _gid=2; theme=3')
--- pipelined_requests eval
["GET /a", "GET /a", "GET /b", "GET /a"]
--- response_body eval
["cookie: sess=2; theme=3\n", "cookie: sess=2; theme=3\n",
 "cookie: theme=3\n", "cookie: sess=2; theme=3\n"]
--- grep_error_log eval: $::Shapes
--- grep_error_log_out eval
[main::shapes(qw(seen kept kept kept)),
 main::shapes(qw(seen kept kept kept), qw(known known kept kept))]



=== TEST 3: a ';' or a space where a shape kept has a value byte: another shape
--- config eval
main::via('a', '_ga=ab; s=1; t=2')
. main::via('b', '_ga=a;b; s=1; t=2')
. main::via('c', '_ga=a b; s=1; t=2')
. main::via('d', '_ga=abc; s=1; t=2')
--- pipelined_requests eval
["GET /d", "GET /d", "GET /b", "GET /c", "GET /d"]
--- response_body eval
["cookie: s=1; t=2\n", "cookie: s=1; t=2\n", "cookie: b; s=1; t=2\n",
 "cookie: s=1; t=2\n", "cookie: s=1; t=2\n"]
--- grep_error_log eval: $::Shapes
--- grep_error_log_out eval
[main::shapes(qw(seen kept seen seen known)),
 main::shapes(qw(seen kept seen seen known), qw(known known seen seen known))]



=== TEST 4: the same header in a location with other categories is looked up again
--- config eval
main::via('a', '_gid=1; sess=2; x=3')
. main::via('b', '_gid=1; sess=2; x=3', '/other-categories')
--- request eval
["GET /a", "GET /a", "GET /b", "GET /a"]
--- response_body eval
["cookie: sess=2; x=3\n", "cookie: sess=2; x=3\n",
 "cookie: _gid=1; sess=2; x=3\n", "cookie: sess=2; x=3\n"]



=== TEST 5: the same header in a location with another consent cookie is looked up again
--- config eval
main::via('a', "privacy_consent=$::T_ANALYTICS; _ga=1; sess=2; x=3")
. main::via('b', "privacy_consent=$::T_ANALYTICS; _ga=1; sess=2; x=3",
            '/other-consent')
--- request eval
["GET /a", "GET /a", "GET /b"]
--- response_body eval
["cookie: privacy_consent=$::T_ANALYTICS; _ga=1; sess=2; x=3\n",
 "cookie: privacy_consent=$::T_ANALYTICS; _ga=1; sess=2; x=3\n",
 "cookie: privacy_consent=$::T_ANALYTICS; sess=2; x=3\n"]



=== TEST 6: a consent cookie in a known shape still decides, with its own token
--- config eval
main::via('a', "_ga=1; privacy_consent=$::T_ANALYTICS; sess=2; x=3")
. main::via('b', "_ga=1; privacy_consent=" . ('x' x length $::T_ANALYTICS)
            . "; sess=2; x=3")
--- pipelined_requests eval
["GET /a", "GET /a", "GET /b", "GET /a"]
--- response_body eval
["cookie: _ga=1; privacy_consent=$::T_ANALYTICS; sess=2; x=3\n",
 "cookie: _ga=1; privacy_consent=$::T_ANALYTICS; sess=2; x=3\n",
 "cookie: privacy_consent=" . ('x' x length $::T_ANALYTICS) . "; sess=2; x=3\n",
 "cookie: _ga=1; privacy_consent=$::T_ANALYTICS; sess=2; x=3\n"]
--- grep_error_log eval: $::Shapes
--- grep_error_log_out eval
[main::shapes(qw(seen kept known known)),
 main::shapes(qw(seen kept known known), qw(known known known known))]



=== TEST 7: the same header in a location with the same categories and other settings gets its own verdicts
--- config eval
main::via('a', '_ga=1; x=2; session=3')
. main::via('b', '_ga=1; x=2; session=3', '/strict')
--- pipelined_requests eval
["GET /a", "GET /a", "GET /b", "GET /a"]
--- response_body eval
["cookie: x=2; session=3\n", "cookie: x=2; session=3\n",
 "cookie: session=3\n", "cookie: x=2; session=3\n"]
--- grep_error_log eval: $::Shapes
--- grep_error_log_out eval
[main::shapes(qw(seen kept known known)),
 main::shapes(qw(seen kept known known), qw(known known known known))]



=== TEST 8: the names blocked in a known shape are recorded once each, in order
--- config eval
main::via('a', '_ga=1; _gid=2; sess=3; _fbp=4', '/blocked')
. main::via('b', '_ga=1; _gid=2; sess=3; _ga=4', '/blocked')
--- pipelined_requests eval
["GET /a", "GET /a", "GET /a", "GET /b", "GET /b", "GET /b"]
--- response_body eval
["blocked: _ga,_gid,_fbp cookie: sess=3\n",
 "blocked: _ga,_gid,_fbp cookie: sess=3\n",
 "blocked: _ga,_gid,_fbp cookie: sess=3\n",
 "blocked: _ga,_gid cookie: sess=3\n",
 "blocked: _ga,_gid cookie: sess=3\n",
 "blocked: _ga,_gid cookie: sess=3\n"]
--- grep_error_log eval: $::Shapes
--- grep_error_log_out eval
[main::shapes(qw(seen kept known seen kept known)),
 main::shapes(qw(seen kept known seen kept known), qw(known known known known known known))]



=== TEST 9: shapes seen once do not take the place of a shape kept
--- config eval
main::via('a', '_ga=1; sess=2; x=3')
. main::via('b', '_ga=12; sess=2; x=')
. main::via('c', '_ga=1; sess=23; x=')
--- pipelined_requests eval
["GET /a", "GET /a", "GET /b", "GET /a", "GET /c", "GET /a"]
--- response_body eval
["cookie: sess=2; x=3\n", "cookie: sess=2; x=3\n", "cookie: sess=2; x=\n",
 "cookie: sess=2; x=3\n", "cookie: sess=23; x=\n", "cookie: sess=2; x=3\n"]
--- grep_error_log eval: $::Shapes
--- grep_error_log_out eval
[main::shapes(qw(seen kept seen known seen known)),
 main::shapes(qw(seen kept seen known seen known), qw(known known seen known seen known))]



=== TEST 10: a known shape whose kept pairs must be joined is joined on every request
--- config eval
main::via('a', 'a=1;_ga=2;b=3;c=4')
--- pipelined_requests eval
["GET /a", "GET /a", "GET /a"]
--- response_body eval
["cookie: a=1; b=3; c=4\n", "cookie: a=1; b=3; c=4\n",
 "cookie: a=1; b=3; c=4\n"]
--- grep_error_log eval: $::Shapes
--- grep_error_log_out eval
[main::shapes(qw(seen kept known)), main::shapes(qw(seen kept known), qw(known known known))]
