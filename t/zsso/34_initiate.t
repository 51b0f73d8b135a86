# The SSO login URL is also Okta's "Initiate login URI" (OpenID Connect Core
# section 4): iss is honoured only when it is the configured issuer, and
# target_link_uri only when it is a path on this site; anything else lands
# on the location's root. login_hint is passed on to the provider.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use URI ();
use URI::Escape qw(uri_escape);
use URI::QueryParam ();
use ZssoTest qw(:all);

my $iss = "https://127.0.0.1:$ENV{ZSSO_OP_PORT}";

my @cases = (
    # [ query, where the user lands, what it shows ]
    [ "iss=$iss&target_link_uri=" . uri_escape(rp_url('/console/env')),
      '/console/env', 'an absolute same-origin target_link_uri' ],
    [ "iss=$iss&target_link_uri=%2Fconsole%2Fenv%3Ftab%3D2",
      '/console/env', 'a path target_link_uri' ],
    [ 'iss=https%3A%2F%2Fevil.example&target_link_uri=%2Fconsole%2Fenv',
      '/console/', 'a foreign iss' ],
    [ "iss=$iss&target_link_uri=https%3A%2F%2Fevil.example%2F",
      '/console/', 'a target on another site' ],
    [ "iss=$iss&target_link_uri=%2F%2Fevil.example%2Fx",
      '/console/', 'a //host target' ],
    [ "iss=$iss&target_link_uri=%2F%5Cevil.example",
      '/console/', 'a /\\host target' ],
    [ "iss=$iss&target_link_uri=%2Fconsole%2Fenv&target_link_uri=%2Fx",
      '/console/', 'two target_link_uri' ],
    [ 'target_link_uri=' . uri_escape('http://localhost.evil.example/'),
      '/console/', 'a host that only starts like ours' ],
);

plan tests => 2 * @cases + 4, need_lwp;

for my $c (@cases) {
    my ($query, $lands, $what) = @$c;
    my ($res) = login('alice@example.com', 'alice-pw',
                      "/console/zsso/login?$query");
    ok t_cmp($res->code, 200, "$what: signed in");
    ok t_cmp($res->request ? $res->request->uri->path : '', $lands,
             "... lands on $lands");
}

my $res = ua()->get(rp_url('/console/zsso/login?login_hint=alice%40example.com'));
my $loc = URI->new($res->header('Location') // '');
ok t_cmp($loc->query_param('login_hint') // '', 'alice@example.com',
         'login_hint goes on to the provider');
$res = ua()->get(rp_url('/console/zsso/login?login_hint=a%0Db'));
$loc = URI->new($res->header('Location') // '');
ok t_cmp(defined $loc->query_param('login_hint') ? 1 : 0, 0,
         '... unless it carries a control character');

my (undef, $ua) = login('alice@example.com', 'alice-pw', '/console/env');
$res = $ua->get(rp_url('/console/zsso/login?target_link_uri=%2Fconsole%2Fenv'));
ok t_cmp($res->code . ' ' . ($res->header('Location') // ''),
         '302 ' . rp_url('/console/env'),
         'signed in already: straight to target_link_uri');
$res = $ua->get(rp_url('/console/zsso/login?target_link_uri=%2F%2Fevil.example'));
ok t_cmp($res->header('Location') // '', rp_url('/console/'),
         '... or to the root when it is not a path on this site');
