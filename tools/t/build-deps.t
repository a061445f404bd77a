# Plain `make` on a machine without the hiredis headers (or without
# nginx-dev) stops before the compiler with what to run instead, rather
# than with the compiler's "No such file or directory".  The headers are
# "removed" by pointing the check at a directory that does not exist.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use Test::More;

my $top = abs_path(dirname(__FILE__) . '/../..');
my $tmp = tempdir('build-deps-t-XXXXXX', TMPDIR => 1, CLEANUP => 1);

local $ENV{MAKEFLAGS};
delete $ENV{MAKEFLAGS};

my $out = `make -C $top --no-print-directory build \\
               HIREDIS_INCLUDE=$tmp/none 2>&1`;
isnt($? >> 8, 0, 'make fails without the hiredis headers');
is((grep { /^hiredis headers missing/ } split /\n/, $out)[0],
   'hiredis headers missing: run `make deps`'
   . ' (or apt-get install libhiredis-dev)',
   'and says what to run');
unlike($out, qr/No such file|error:|configure/,
       'before the compiler or configure ran');

$out = `make -C $top --no-print-directory build \\
            NGINX_DEV=$tmp/none 2>&1`;
isnt($? >> 8, 0, 'make fails without nginx-dev');
is((grep { /^nginx-dev missing/ } split /\n/, $out)[0],
   "nginx-dev missing ($tmp/none): run `make deps`"
   . ' (or apt-get install nginx-dev)',
   'and says what to run');

done_testing();
