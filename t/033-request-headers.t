# Request headers the module takes out of r->headers_in.headers: a Cookie
# header left empty, and an undecided visitor's If-None-Match and
# If-Modified-Since where the banner may go.  No other header moves: the
# application gets the others in their order, and what nginx keeps of
# them ($http_user_agent is a pointer into the list) stays good, wherever
# the header that went was in the list's parts (nginx makes one of 20
# headers, then more).
#
# The headers the application gets are those proxy logs at debug level,
# one line each, in order ("http proxy header: ..."); the pattern takes
# the request's and leaves the backend's answer.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $HttpConfig = backend_http_config();
our $Std = privacy_std_config();

our $T_NONE = mint(grant => 'none');

our $Proxied = $Std . q{
    location = /t {
        proxy_pass http://backend/echo2;
        add_header X-UA "[$http_user_agent]";
    }
};

our $Sent = qr/http proxy header: "(?:Cookie|X-[\w-]+|If-[\w-]+|User-Agent): [^"]*"/;

# the lines of $Sent for these headers, in order
sub sent {
    return join '', map { qq{http proxy header: "$_"\n} } @_;
}

# N headers "X-F1: 1" ... in more_headers
sub fill {
    my ($from, $to) = @_;
    return map { "X-F$_: $_" } $from .. $to;
}

default_http_config($HttpConfig);

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a Cookie header emptied between two others: both reach the application, in order
--- config eval: $::Proxied
--- request
GET /t
--- more_headers
X-Before: b
Cookie: _ga=GA1.2.3
User-Agent: agent/1
X-After: a
--- response_body
cookie: (none)
after: a
--- response_headers
X-UA: [agent/1]
--- grep_error_log eval: $::Sent
--- grep_error_log_out eval
::sent("X-Before: b", "User-Agent: agent/1", "X-After: a")
--- no_error_log
[alert]



=== TEST 2: the last header of the request emptied, another Cookie header shortened
--- config eval: $::Proxied
--- request
GET /t
--- more_headers
Cookie: session=s; _fbp=fb.1
User-Agent: agent/2
X-After: a
Cookie: _gid=GA1.9
--- response_body
cookie: session=s
after: a
--- response_headers
X-UA: [agent/2]
--- grep_error_log eval: $::Sent
--- grep_error_log_out eval
::sent("Cookie: session=s", "User-Agent: agent/2", "X-After: a")



=== TEST 3: the 21st header, alone in the list's second part, emptied: the first part is the last again
--- config eval: $::Proxied
--- request
GET /t
--- more_headers eval
CORE::join "\n", "User-Agent: agent/3", ::fill(1, 16), "X-After: a",
    "Cookie: _ga=GA1.2.3"
--- response_body
cookie: (none)
after: a
--- response_headers
X-UA: [agent/3]
--- grep_error_log eval: $::Sent
--- grep_error_log_out eval
::sent("User-Agent: agent/3", ::fill(1, 16), "X-After: a")



=== TEST 4: the first header of the last part emptied, headers after it
--- config eval: $::Proxied
--- request
GET /t
--- more_headers eval
CORE::join "\n", ::fill(1, 18), "Cookie: _ga=GA1.2.3", "User-Agent: agent/4",
    "X-After: a"
--- response_body
cookie: (none)
after: a
--- response_headers
X-UA: [agent/4]
--- grep_error_log eval: $::Sent
--- grep_error_log_out eval
::sent(::fill(1, 18), "User-Agent: agent/4", "X-After: a")



=== TEST 5: a header in the middle of the last part emptied: the part is cut in two
--- config eval: $::Proxied
--- request
GET /t
--- more_headers eval
CORE::join "\n", ::fill(1, 19), "Cookie: _ga=GA1.2.3", "User-Agent: agent/5",
    "X-After: a"
--- response_body
cookie: (none)
after: a
--- response_headers
X-UA: [agent/5]
--- grep_error_log eval: $::Sent
--- grep_error_log_out eval
::sent(::fill(1, 19), "User-Agent: agent/5", "X-After: a")



=== TEST 6: every other header of three parts emptied, the rest in order
--- config eval: $::Proxied
--- request
GET /t
--- more_headers eval
CORE::join "\n", (map { ("Cookie: _ga$_=x", "X-F$_: $_") } 1 .. 30),
    "User-Agent: agent/6", "Cookie: k=v", "X-After: a"
--- response_body
cookie: k=v
after: a
--- response_headers
X-UA: [agent/6]
--- grep_error_log eval: $::Sent
--- grep_error_log_out eval
::sent(::fill(1, 30), "User-Agent: agent/6", "Cookie: k=v", "X-After: a")



=== TEST 7: an undecided visitor's conditions do not reach the application where the banner may go
--- config eval: $::Proxied
--- request
GET /t
--- more_headers
If-None-Match: abc
User-Agent: agent/7
If-Modified-Since: Thu, 31 Dec 2037 23:59:59 GMT
X-After: a
--- response_body
cookie: (none)
after: a
--- response_headers
X-UA: [agent/7]
--- grep_error_log eval: $::Sent
--- grep_error_log_out eval
::sent("User-Agent: agent/7", "X-After: a")



=== TEST 8: a decided visitor's conditions reach the application
--- config eval: $::Proxied
--- request
GET /t
--- more_headers eval
qq{If-None-Match: abc
Cookie: privacy_consent=$::T_NONE
If-Modified-Since: Thu, 31 Dec 2037 23:59:59 GMT
X-After: a}
--- response_body eval
"cookie: privacy_consent=$::T_NONE\nafter: a\n"
--- grep_error_log eval: $::Sent
--- grep_error_log_out eval
::sent('If-None-Match: abc', "Cookie: privacy_consent=$::T_NONE",
       "If-Modified-Since: Thu, 31 Dec 2037 23:59:59 GMT", "X-After: a")
