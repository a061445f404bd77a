# apachectl configtest (apache2 -t) names the directive and the problem,
# as nginx -t does for the nginx module.  Mirrors t/026-config-errors.t.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestConfig ();
use File::Temp qw(tempdir);

plan tests => 11;

my $cfg = Apache::Test::config();
my $httpd = $cfg->{vars}{httpd};
my $keys = "$cfg->{vars}{serverroot}/keys";
my $dir = tempdir(CLEANUP => 1);

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
$lines
EOC
    close $fh;
    my $out = `$httpd -t -d $dir -f $dir/httpd.conf 2>&1`;
    return ($? == 0 ? 'ok: ' : 'fail: ') . $out;
}

ok t_cmp(configtest("Privacy On\nPrivacyPolicyVersion 2018-04\n"
                    . "PrivacySecret $keys/primary.key\n"
                    . "PrivacyCategory analytics ~^_ga _gid\n"),
         qr/^ok: Syntax OK/, 'a good configuration');

ok t_cmp(configtest("PrivacyTrackingStatus X"),
         qr/^fail: .*line 9 of .*\nPrivacyTrackingStatus: invalid value "X", it must be "auto" or one of the tracking status values "!", "\?", "G", "N", "T", "C", "P", "D", "U"/s,
         'a bad tracking status value');

ok t_cmp(configtest("PrivacyCategory analytics ~_ga(("),
         qr/^fail: .*PrivacyCategory: invalid regular expression "~_ga\(\(":/s,
         'a bad regular expression');

ok t_cmp(configtest("PrivacyCategory a x\nPrivacyCategory a y"),
         qr/^fail: .*line 10 .*PrivacyCategory: duplicate category "a"/s,
         'a duplicate category');

ok t_cmp(configtest("PrivacyCategory a x\nPrivacyCategory b y x"),
         qr/^fail: .*PrivacyCategory: cookie "x" is named in two "PrivacyCategory" directives/s,
         'a cookie named in two categories');

ok t_cmp(configtest("PrivacyCategory a.b x"),
         qr/^fail: .*invalid category name "a\.b"/s, 'a bad category name');

ok t_cmp(configtest("PrivacyCategory " . join(' ', map { "c$_ x$_\n"
                                            . "PrivacyCategory" } 1 .. 30)
                    . " c31 x31"),
         qr/^fail: .*too many categories, at most 30/s,
         'more than 30 categories');

ok t_cmp(configtest("Privacy On"),
         qr/^fail: .*"PrivacyPolicyVersion" is required where "Privacy" is On, in \Q$dir\E\/httpd\.conf:9/s,
         'Privacy On without a policy version');

ok t_cmp(configtest("PrivacyPolicyVersion 1\n<Location /a>\n"
                    . "PrivacyPolicyVersion 2\n</Location>\n"
                    . "<Location /b>\nPrivacy On\n</Location>"),
         qr/^ok: Syntax OK/,
         'a section inherits the server\'s policy version');

ok t_cmp(configtest("PrivacySecret $keys/short.key"),
         qr/^fail: .*PrivacySecret: the key in ".*short\.key" is \d+ bytes long, it must be at least 32/s,
         'a key too short');

ok t_cmp(configtest("PrivacySecret $dir/missing.key"),
         qr/^fail: .*PrivacySecret: cannot read ".*missing\.key": No such file/s,
         'a missing key file');
