# The tracking status: Tk on every response where Privacy is On, the
# /.well-known/dnt/ resource, and DNT never changing the answer.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET GET_BODY);
use Apache::TestUtil qw(t_cmp);

plan tests => 6;

my $r = GET '/index.html';
ok t_cmp($r->header('Tk'), 'N', 'Tk: N on a plain page while enforcing');

$r = GET '/off/index.html';
ok t_cmp($r->header('Tk'), undef, 'no Tk where Privacy is Off');

$r = GET '/index.html', DNT => 1;
ok t_cmp($r->header('Tk'), 'N', 'DNT: 1 does not change the answer');

$r = GET '/nonexistent';
ok t_cmp($r->code . ' ' . $r->header('Tk'), '404 N', 'Tk on error pages');

$r = GET '/fixed';
ok t_cmp($r->header('Tk'), 'P', 'a fixed tracking status value');

$r = GET '/.well-known/dnt/';
ok t_cmp(join('|', $r->header('Content-Type'), $r->header('Cache-Control'),
              $r->header('Tk'), $r->content),
         'application/tracking-status+json|no-store|N|'
         . '{"tracking":"N","policy":"https://example.com/privacy?v=1'
         . '\u0026x=\"y\""}' . "\n",
         'the tracking status resource');
