# Session lifetime: ZSSOSessionMaxAge ends a session when its time is up,
# and ZSSOSessionIdleTimeout when no request came for that long, even if
# the browser still sends the cookie; activity moves the idle deadline. A
# navigation after expiry signs in again and returns where the user was;
# an API call gets 401; pending-login cookies stay few even after fifty
# page loads on an expired session.  (The shortest maximum age is 60 s, so
# this test waits a minute; it is numbered last so that the minute does not
# fall between the other tests.)
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use Time::HiRes qw(time sleep);
use ZssoTest qw(:all);

plan tests => 1 + 7 + 2 + 2, need_lwp;

my $t0 = time;
sub until_t { my $t = shift; my $d = $t0 + $t - time; sleep $d if $d > 0 }

# with(PATH, COOKIE, HEADERS...): the cookie sent as it was, whatever the
# browser would have done.
sub with {
    my ($path, $cookie, @h) = @_;
    my $res = ua()->request(HTTP::Request->new(GET => rp_url($path),
                            [Cookie => "zsso_session=$cookie", @h]));
    t_debug(sprintf '%.0f s: %s', time - $t0, dump_res($res));
    return $res;
}

sub signed_in { return env_of(shift)->{REMOTE_USER} ? 1 : 0 }

# ------------------------------------------------------------ sign in
my $ua = ua();
my ($res) = browse($ua, rp_url('/dir/session-age/env'));
ok t_cmp(env_of($res)->{REMOTE_USER}, 'good@fake.example',
         'signed in at a location with ZSSOSessionMaxAge 60');
my $aged = cookie_value($ua, 'zsso_session') // '';
my ($busy_ua, $idle_ua) = (ua(), ua());
browse($busy_ua, rp_url('/dir/idle/env'));
browse($idle_ua, rp_url('/dir/idle/env'));
my $busy = cookie_value($busy_ua, 'zsso_session') // '';
my $idle = cookie_value($idle_ua, 'zsso_session') // '';

# ------------------------------------------------------------ idle
until_t(12);
ok t_cmp(signed_in(with('/dir/idle/env', $busy)), 1,
         'ZSSOSessionIdleTimeout 20: a request after 12 s is served');
until_t(25);
ok t_cmp(signed_in(with('/dir/idle/env', $busy)), 1,
         '... and moved the deadline: another after 25 s is served too');
$res = with('/dir/idle/env', $idle, Accept => 'application/json');
ok t_cmp($res->code, 401, 'the session left alone for 25 s is over: API 401');
$res = with('/dir/idle/env?tab=2', $idle);
ok t_cmp(is_provider_redirect($res, $ENV{ZSSO_FAKE_PORT}), 1,
         '... a page load signs in again');
my ($back) = browse($idle_ua, rp_url('/dir/idle/env?tab=2'));
ok t_cmp($back->request->uri->path_query, '/dir/idle/env?tab=2',
         '... and returns where the user was');
ok t_cmp(signed_in($back), 1, '... signed in');
ok t_cmp((cookie_value($idle_ua, 'zsso_session') // '') ne $idle ? 1 : 0, 1,
         '... with a new session id');

# ------------------------------------------------------------ many page loads
my $jar_ua = ua();
$jar_ua->cookie_jar->set_cookie(0, 'zsso_session', $idle, '/dir/idle',
                                'localhost.local');
$jar_ua->get(rp_url("/dir/idle/env?n=$_")) for 1 .. 50;
my $req = HTTP::Request->new(GET => rp_url('/dir/idle/env'));
$jar_ua->cookie_jar->add_cookie_header($req);
my $header = $req->header('Cookie') // '';
my $states = () = $header =~ /zsso_state_/g;
t_debug("Cookie header after 50 page loads: " . length($header) . " bytes");
ok t_cmp($states <= 4 ? 1 : 0, 1,
         "fifty page loads on an expired session: at most 4 pending-login "
         . "cookies ($states)");
ok t_cmp(length($header) < 2048 ? 1 : 0, 1,
         '... and a Cookie header under 2 KB (' . length($header) . ')');

# ------------------------------------------------------------ max age
until_t(62);
$res = with('/dir/session-age/env', $aged);
ok t_cmp(is_provider_redirect($res, $ENV{ZSSO_FAKE_PORT}), 1,
         'after 62 s the ZSSOSessionMaxAge 60 session is over: sign in again');
ok t_cmp(env_of($res)->{REMOTE_USER}, undef, '... and nothing of it is served');
