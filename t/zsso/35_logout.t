# Signing out by link: a GET with the session's own token (the application
# gets it as ZSSO_LOGOUT_URL) ends the session; a GET without it, or with
# another session's, only shows the button.  A "return" path on this site
# is where the user lands after Okta's sign-out; anything else is not
# followed.  ZSSOPostLogoutURI is sent to Okta as post_logout_redirect_uri.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use URI ();
use URI::QueryParam ();
use ZssoTest qw(:all);

my $op_port = $ENV{ZSSO_OP_PORT};

plan tests => 6 + 5 + 4, need_lwp;

sub signed_in {
    my $ua = shift;
    return env_of($ua->get(rp_url('/console/env')))->{REMOTE_USER};
}

# ------------------------------------------------------------ the token
my ($res, $alice) = login('alice@example.com', 'alice-pw', '/console/env');
my $url = env_of($res)->{ZSSO_LOGOUT_URL} // '';
ok t_cmp($url, qr{^/console/zsso/logout\?token=[A-Za-z0-9_-]{22}$},
         'the application gets ZSSO_LOGOUT_URL');
my (undef, $bob) = login('bob@example.com', 'bob-pw', '/console/env');
my $bob_url = env_of($bob->get(rp_url('/console/env')))->{ZSSO_LOGOUT_URL};
ok t_cmp($bob_url ne $url ? 1 : 0, 1, '... one per session');

$res = $alice->get(rp_url('/console/zsso/logout?token=AAAAAAAAAAAAAAAAAAAAAA'));
ok t_cmp($res->code . ' ' . (signed_in($alice) // '-'),
         '200 alice@example.com', 'a wrong token: the button page, still signed in');
$res = $alice->get(rp_url($bob_url));
ok t_cmp($res->code . ' ' . (signed_in($alice) // '-'),
         '200 alice@example.com', 'bob\'s token with alice\'s cookie: the same');
$res = $alice->get(rp_url($url));
ok t_cmp($res->code == 302
         && ($res->header('Location') // '') =~ m{^https://127\.0\.0\.1:$op_port/oauth2/v1/logout\?}
         ? 1 : 0, 1, 'her own token: signed out, on to Okta\'s sign-out');
ok t_cmp(is_provider_redirect($alice->get(rp_url('/console/env'))), 1,
         '... and her session is gone');

# ------------------------------------------------------------ return
(undef, $alice) = login('alice@example.com', 'alice-pw', '/console/env');
$res = $alice->post(rp_url('/console/zsso/logout?return=%2Fpublic%2F%3Fbye%3D1'));
my $loc = URI->new($res->header('Location') // '');
ok t_cmp($loc->query_param('state') // '', '/public/?bye=1',
         'a return path goes to Okta as state');
my ($end, $hops) = browse($alice, $loc->as_string);
$end = submit_forms($alice, $end, $hops, logout => 'yes');
t_debug('after logout: ' . dump_res($_)) for @$hops;
ok t_cmp(scalar(grep { ($_->header('Location') // '') eq rp_url('/public/?bye=1') }
                @$hops), 1,
         '... and after Okta\'s sign-out the user lands there');
(undef, $alice) = login('alice@example.com', 'alice-pw', '/console/env');
$res = $alice->post(rp_url('/console/zsso/logout?return=%2F%2Fevil.example%2F'));
$loc = URI->new($res->header('Location') // '');
ok t_cmp(defined $loc->query_param('state') ? 1 : 0, 0,
         'a //host return is not passed on');
$res = ua()->get(rp_url('/console/zsso/logged-out?state=%2F%2Fevil.example'));
ok t_cmp($res->code, 200, 'a crafted state on logged-out: the page, no redirect');
$res = ua()->get(rp_url('/console/zsso/logged-out?state=%2Fpublic%2F'));
ok t_cmp($res->header('Location') // '', rp_url('/public/'),
         '... a path on this site: redirected there');

# ------------------------------------------------------------ ZSSOPostLogoutURI
my $ua2 = ua();
my ($r2) = browse($ua2, rp_url('/dir/post-logout/env'));
ok t_cmp(env_of($r2)->{REMOTE_USER}, 'good@fake.example',
         'ZSSOPostLogoutURI location: signed in');
$res = $ua2->post(rp_url('/dir/post-logout/zsso/logout'));
$loc = URI->new($res->header('Location') // '');
ok t_cmp($loc->query_param('post_logout_redirect_uri') // '',
         rp_url('/public/index.html'),
         '... post_logout_redirect_uri is ZSSOPostLogoutURI, absolute');
my (undef, $back) = browse($ua2, $loc->as_string);
ok t_cmp(scalar(grep { $_->request->uri eq rp_url('/public/index.html') }
                @$back), 1,
         '... and the provider returns there');
my ($gone) = browse(ua(), rp_url('/console/zsso/logout'));
ok t_cmp($gone->code, 200, 'GET logout without a session: the logged-out page');
