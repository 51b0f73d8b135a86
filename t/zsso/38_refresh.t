# Refresh: with a refresh token (ZSSOScope with offline_access) the access
# token is renewed before it ends, once however many requests arrive at
# that moment; when the provider refuses (the user was deactivated) the
# session ends and the next page load signs in again.  ZSSO_ACCESS_TOKEN
# only with ZSSOPassAccessToken On.  fake-op's "refresh" client gives 20 s
# access tokens, so the module refreshes them 15 s after they were issued.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use POSIX ();
use Time::HiRes qw(time sleep);
use ZssoTest qw(:all);

plan tests => 3 + 4 + 4, need_lwp;

my $t0;
sub until_t { my $d = $t0 + shift() - time; sleep $d if $d > 0 }

sub with {
    my ($cookie, @h) = @_;
    my $res = ua()->request(HTTP::Request->new(GET => rp_url('/dir/refresh/env'),
                            [Cookie => "zsso_session=$cookie", @h]));
    t_debug(sprintf '%.1f s: %s', time - $t0, dump_res($res));
    return $res;
}

sub fake_refresh_fails {
    my $on = shift;
    ua()->post(fake_url('/control/refresh?fail=' . ($on ? 1 : 0)));
}

fake_reset();
fake_refresh_fails(0);
my $ua = ua();
my ($res) = browse($ua, rp_url('/dir/refresh/env'));
$t0 = time;     # the tokens were issued a moment ago, at the callback
my $cookie = cookie_value($ua, 'zsso_session') // '';
my $a1 = env_of($res)->{ZSSO_ACCESS_TOKEN} // '';
ok t_cmp(length $a1 > 20 ? 1 : 0, 1,
         'signed in; ZSSOPassAccessToken On: ZSSO_ACCESS_TOKEN is set');
($res) = browse(ua(), rp_url('/fake/good/env'));
ok t_cmp(exists env_of($res)->{ZSSO_ACCESS_TOKEN} ? 1 : 0, 0,
         '... and not where ZSSOPassAccessToken is Off');
ok t_cmp(env_of(with($cookie))->{ZSSO_ACCESS_TOKEN} // '', $a1,
         'early on, the same access token');

# ------------------------------------------------------------ one refresh
until_t(16);
my @kids;
for (1 .. 10) {
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        my $r = with($cookie);
        POSIX::_exit(env_of($r)->{REMOTE_USER} ? 0 : 1);   # no END blocks
    }
    push @kids, $pid;
}
my $served = 0;
for (@kids) { waitpid $_, 0; $served++ if $? == 0 }
ok t_cmp($served, 10, 'ten requests at once when the token is due: all served');
ok t_cmp(fake_stats()->{refreshes}, 1, '... and exactly one refresh');
my $a2 = env_of(with($cookie))->{ZSSO_ACCESS_TOKEN} // '';
ok t_cmp($a2 ne $a1 && length $a2 > 20 ? 1 : 0, 1,
         '... after which the application gets the new access token');
ok t_cmp(fake_stats()->{refreshes}, 1, '... and no further refresh');

# ------------------------------------------------------------ refused
fake_refresh_fails(1);
my $log_start = error_log_size();
until_t(36);
$res = with($cookie, Accept => 'application/json');
ok t_cmp($res->code, 401,
         'the provider refuses the next refresh: the session is over (API 401)');
ok t_cmp(scalar(grep { /ZSSO00321:.*refused to refresh/ }
                zsso_lines(error_log_since($log_start))), 1,
         '... and the log says why');
$res = with($cookie);
ok t_cmp(is_provider_redirect($res, $ENV{ZSSO_FAKE_PORT}), 1,
         '... a page load signs in again');
ok t_cmp(fake_stats()->{refreshes}, 2, '... without trying once more');
fake_refresh_fails(0);
