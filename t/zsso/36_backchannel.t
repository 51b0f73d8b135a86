# Back-Channel Logout 1.0: a sign-out at the provider reaches
# <base>/zsso/backchannel server to server and ends the user's sessions;
# a logout token that fails any check of section 2.6 is refused with 400
# and ends nothing; a replayed one is refused.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use HTTP::Request::Common qw(POST);
use JSON::PP ();
use Time::HiRes qw(sleep);
use URI::Escape qw(uri_escape);
use ZssoTest qw(:all);

my @bad = qw(nonce no-events wrong-aud expired no-sub-sid no-jti bad-sig);

plan tests => 3 + 3 * @bad + 6 + 3 + 2, need_lwp;

sub works {
    my ($path, $cookie) = @_;
    my $res = ua()->request(HTTP::Request->new(GET => rp_url($path),
                                               [Cookie => "zsso_session=$cookie"]));
    return env_of($res)->{REMOTE_USER} ? 1 : 0;
}

sub logout_token {
    my $q = shift;
    my $res = ua()->get(fake_url("/control/logout-token?$q"));
    return JSON::PP::decode_json($res->decoded_content)->{logout_token};
}

sub post_token {
    my ($path, $token) = @_;
    my $res = ua()->request(POST rp_url($path), [logout_token => $token]);
    t_debug('back-channel: ' . dump_res($res));
    return $res;
}

# ------------------------------------------------------------ okta-op
my ($res, $ua) = login('alice@example.com', 'alice-pw', '/console/env');
my $alice = cookie_value($ua, 'zsso_session');
ok t_cmp(works('/console/env', $alice), 1, 'alice is signed in');
my $log_start = error_log_size();
# She signs out at the provider (as from her Okta dashboard).
my ($end, $hops) = browse($ua, op_url('/oauth2/v1/logout'));
$end = submit_forms($ua, $end, $hops, logout => 'yes');
t_debug('provider sign-out: ' . dump_res($_)) for @$hops;
my $gone = 0;
for (1 .. 30) {
    last if ($gone = !works('/console/env', $alice));
    sleep 0.2;
}
ok t_cmp($gone, 1,
         'after her sign-out at the provider, her session here is gone');
ok t_cmp(scalar(grep { /ZSSO00311:.*sub 00ualice.*[1-9]\d* session/ }
                zsso_lines(error_log_since($log_start))), 1,
         '... ended by a back-channel logout, logged');

# ------------------------------------------------------------ bad tokens
my $fake_ua = ua();
($res, $hops) = browse($fake_ua, rp_url('/fake/good/env'));
my $good = cookie_value($fake_ua, 'zsso_session');
for my $bad (@bad) {
    $log_start = error_log_size();
    $res = post_token('/fake/good/zsso/backchannel',
                      logout_token("client=good&sub=00u-good&bad=$bad"));
    ok t_cmp($res->code, 400, "a logout token with $bad: 400");
    ok t_cmp(scalar(grep { /ZSSO00310:/ }
                    zsso_lines(error_log_since($log_start))), 1,
             '... and one log line');
    ok t_cmp(works('/fake/good/env', $good), 1, '... the session lives on');
}

# ------------------------------------------------------------ good tokens
my $token = logout_token('client=good&sub=00u-good&jti=once-' . time);
$res = post_token('/fake/good/zsso/backchannel', $token);
ok t_cmp($res->code, 200, 'a valid logout token for sub: 200');
ok t_cmp($res->header('Cache-Control') // '', qr/no-store/, '... not cached');
ok t_cmp(works('/fake/good/env', $good), 0, '... and the session is gone');
$res = post_token('/fake/good/zsso/backchannel', $token);
ok t_cmp($res->code, 400, 'the same token again (same jti): 400');

($res, $hops) = browse($fake_ua = ua(), rp_url('/fake/good/env'));
$good = cookie_value($fake_ua, 'zsso_session');
$res = post_token('/fake/good/zsso/backchannel',
                  logout_token('client=good&sid=sid-good'));
ok t_cmp($res->code, 200, 'a logout token with only sid: 200');
ok t_cmp(works('/fake/good/env', $good), 0, '... ends that provider session');

# ------------------------------------------------------------ many sessions
# One user's sessions are indexed over several store entries (by their
# reference): a logout for the sub finds every one of them.
my @many;
for (1 .. 8) {
    my $u = ua();
    browse($u, rp_url('/fake/good/env'));
    push @many, cookie_value($u, 'zsso_session');
}
ok t_cmp(scalar(grep { works('/fake/good/env', $_) } @many), 8,
         'eight sessions of one user');
$res = post_token('/fake/good/zsso/backchannel',
                  logout_token('client=good&sub=00u-good&jti=many-' . time));
ok t_cmp($res->code, 200, 'a logout token for that sub: 200');
ok t_cmp(scalar(grep { works('/fake/good/env', $_) } @many), 0,
         '... ends all eight');

# ------------------------------------------------------------ not a logout
$res = ua()->get(rp_url('/fake/good/zsso/backchannel'));
ok t_cmp($res->code, 400, 'GET: 400');
$res = ua()->request(HTTP::Request->new(
    POST => rp_url('/fake/good/zsso/backchannel'),
    ['Content-Type' => 'application/json'], '{"logout_token":"x"}'));
ok t_cmp($res->code, 400, 'not a form: 400');
