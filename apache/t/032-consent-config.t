# apachectl configtest for the consent endpoint and its Redis: what nginx
# -t says of privacy_consent_endpoint and privacy_redis (t/030-consent.t's
# configuration blocks).

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Temp qw(tempdir);

plan tests => 12;

my $cfg = Apache::Test::config();
my $httpd = $cfg->{vars}{httpd};
my $keys = "$cfg->{vars}{serverroot}/keys";
my $dir = tempdir(CLEANUP => 1);

open my $pw, '>', "$dir/redis.pass" or die "$dir/redis.pass: $!";
print $pw "  secret\n";
close $pw;

# apache2 -t on a configuration of the module with LINES; its output
sub configtest {
    my ($lines) = @_;
    open my $fh, '>', "$dir/httpd.conf" or die "$dir/httpd.conf: $!";
    print $fh <<"EOC";
ServerRoot $dir
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule privacy_module $ENV{PRIVACY_MODULE}
ErrorLog $dir/error.log
PidFile $dir/httpd.pid
Listen 127.0.0.1:1
ServerName localhost
Privacy On
PrivacyPolicyVersion 2018-04
$lines
EOC
    close $fh;
    my $out = `$httpd -t -d $dir -f $dir/httpd.conf 2>&1`;
    return ($? == 0 ? 'ok: ' : 'fail: ') . $out;
}

my $endpoint = "<Location /privacy/consent>\nPrivacyConsentEndpoint\n"
               . "</Location>";

ok t_cmp(configtest("PrivacySecret $keys/primary.key\n"
                    . "PrivacyRedis 127.0.0.1:6390 db=2 user=app "
                    . "password_file=$dir/redis.pass prefix=p: edge=eu-1 "
                    . "connect_timeout=250ms timeout=1s retention=1y "
                    . "pool=16\n$endpoint"),
         qr/^ok: Syntax OK/, 'every option');

ok t_cmp(configtest("PrivacySecret $keys/primary.key\n$endpoint"),
         qr/^fail: .*"PrivacyConsentEndpoint" in \S+httpd.conf:13 requires "PrivacyRedis"/s,
         'the endpoint needs PrivacyRedis, and says where it is');

ok t_cmp(configtest("PrivacyRedis 127.0.0.1\n$endpoint"),
         qr/^fail: .*"PrivacyConsentEndpoint" in \S+ requires "PrivacySecret"/s,
         'the endpoint needs PrivacySecret');

ok t_cmp(configtest("PrivacySecret $keys/primary.key\n"
                    . "<VirtualHost 127.0.0.1:1>\nPrivacyRedis 127.0.0.1\n"
                    . "$endpoint\n</VirtualHost>"),
         qr/^ok: Syntax OK/, 'a virtual host\'s own Redis and endpoint');

ok t_cmp(configtest("PrivacyRedis redis.example.com:6379"),
         qr/^fail: .*PrivacyRedis: "redis.example.com" is not an IP address/s,
         'a host name is refused: it would be resolved per request');

ok t_cmp(configtest("PrivacyRedis [::1]:6380"), qr/^ok: Syntax OK/,
         'an IPv6 address with a port');

ok t_cmp(configtest("PrivacyRedis 127.0.0.1:99999"),
         qr/^fail: .*PrivacyRedis: invalid port in "127.0.0.1:99999"/s,
         'a port out of range');

ok t_cmp(configtest("PrivacyRedis 127.0.0.1 pool=0"),
         qr/^fail: .*PrivacyRedis: invalid pool "0", it must be 1 to 256/s,
         'a pool of none');

ok t_cmp(configtest("PrivacyRedis 127.0.0.1 timeout=soon"),
         qr/^fail: .*PrivacyRedis: invalid timeout "soon"/s, 'a bad timeout');

ok t_cmp(configtest("PrivacyRedis 127.0.0.1 user=app"),
         qr/^fail: .*PrivacyRedis: user= requires password_file=/s,
         'user= without a password');

ok t_cmp(configtest("PrivacyRedis 127.0.0.1\nPrivacyRedis 127.0.0.2"),
         qr/^fail: .*PrivacyRedis: is duplicate/s, 'twice in one server');

ok t_cmp(configtest("PrivacyConsentEndpoint"),
         qr/^fail: .*line 11 .*PrivacyConsentEndpoint not allowed here/s,
         'the endpoint outside a section');
