# A provider that fails: it refuses connections, accepts and never answers,
# answers too slowly, presents a certificate from another CA, answers 500,
# HTML or cut-off JSON, redirects the token request, or sends 50 MB.  At
# each step (discovery, keys, token) the user gets a 502 or 503 page within
# ZSSOProviderTimeout (2 s in t/conf/zsso_hostile.conf.in), one tagged line
# says what failed, no session is made, a token redirect is not followed,
# and the server keeps answering other requests meanwhile (50 sign-ins
# held by a token endpoint that never answers, for 10 s there).  Keys already
# held keep working while the key endpoint is down.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use File::Temp ();
use HTTP::Request ();
use Time::HiRes qw(time sleep);
use ZssoTest qw(:all);

my $TIMEOUT = 2;          # ZSSOProviderTimeout of the /bad/* locations
my $SLACK = 3;            # what the rest of a sign-in (and a loaded
                          # machine) may add to it

# location => what the log line must mention
my @discovery = (
    ['/bad/closed',          qr/Connection refused|connect/i],
    ['/bad/hang-discovery',  qr/timed out|timeout/i],
    ['/bad/slow-discovery',  qr/timed out|timeout/i],
    ['/bad/500-discovery',   qr/HTTP 500/],
    ['/bad/html-discovery',  qr/JSON|parse|invalid/i],
    ['/bad/trunc-discovery', qr/JSON|parse|premature|end of/i],
    ['/bad/huge-discovery',  qr/over 524288 bytes/],
    ['/bad/rogue',           qr/certificate|SSL|verify/i],
);
my @keys = (
    ['/bad/hang-keys',  qr/timed out|timeout/i],
    ['/bad/500-keys',   qr/HTTP 500/],
    ['/bad/html-keys',  qr/JWK Set|JSON/i],
    ['/bad/trunc-keys', qr/JWK Set|JSON/i],
    ['/bad/huge-keys',  qr/over 524288 bytes/],
);
my @token = (
    ['/bad/hang-token',     qr/timed out|timeout/i],
    ['/bad/slow-token',     qr/timed out|timeout/i],
    ['/bad/500-token',      qr/HTTP 500/],
    ['/bad/html-token',     qr/not a JSON object/],
    ['/bad/trunc-token',    qr/not a JSON object/],
    ['/bad/huge-token',     qr/over 524288 bytes/],
    ['/bad/redirect-token', qr/HTTP 302/],
);
my $N_PARALLEL = 50;

plan tests => 6 * (@discovery + @keys + @token) + 1 + 4 + 8, need_lwp;

# The test's browser trusts both CAs, so only the module's checks decide.
my $bundle = File::Temp->new(SUFFIX => '.pem');
for my $ca ("$ENV{ZSSO_PKI_DIR}/ca.pem", "$ENV{ZSSO_PKI_DIR}/rogue-ca.pem") {
    open my $in, '<', $ca or die "$ca: $!";
    local $/;
    print {$bundle} scalar <$in>;
}
close $bundle;
$ENV{ZSSO_TEST_CA} = $bundle->filename;

fake_reset();

# failing(BASE, LOG_RE): a fresh browser opens BASE/env and follows the
# sign-in; checks the status, the time, the page, the session and the log.
sub failing {
    my ($base, $why) = @_;
    my $offset = error_log_size();
    my $t0 = time;
    my ($res, $hops) = browse(ua(timeout => 20), rp_url("$base/env"));
    my $took = time - $t0;
    my @lines = zsso_lines(error_log_since($offset));
    my @bad = grep { /\[zsso:(?:emerg|alert|crit|error|warn)\]/ } @lines;
    t_debug(dump_res($_)) for @$hops;
    t_debug(sprintf('%s took %.2f s', $base, $took));
    t_debug("log: $_") for @lines;
    my $body = $res->decoded_content // '';
    ok t_cmp($res->code, qr/^50[23]$/, "$base: 502 or 503");
    ok t_cmp($took < $TIMEOUT + $SLACK ? 1 : 0, 1,
             sprintf('%s: answered in %.2f s (timeout %d s)', $base, $took,
                     $TIMEOUT));
    ok t_cmp($body =~ /Reference: [A-Za-z0-9_-]+/ && $body !~ /REMOTE_USER=/
             ? 1 : 0, 1, "$base: the module's page, not the content");
    ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
             "$base: no session cookie");
    ok t_cmp(scalar(@bad), 1, "$base: one line at warn or above");
    ok t_cmp(scalar(grep { /\bZSSO\d{5}:/ && $_ =~ $why } @bad), 1,
             "$base: ... tagged, saying why ($why)");
}

# ------------------------------------------------------------ each step
failing(@$_) for @discovery, @keys, @token;
ok t_cmp(fake_stats()->{redirected}, 0,
         'the token endpoint\'s redirect was not followed');

# ------------------------------------------------------------ keys held
# A worker that holds the provider's keys signs people in while the key
# endpoint is down; an unknown kid then gets a clear refusal, and the keys
# held still work after it.  One connection: one worker process.
{
    my $ua = ua(keep_alive => 4);
    my ($res) = browse($ua, rp_url('/fake/good/env'));
    my $before = fake_stats()->{jwks_fetches};
    ua()->post(fake_url('/control/keys-down?on=1'));
    ($res) = browse($ua, rp_url('/fake/es256/env'));
    ok t_cmp($res->code, 200, 'key endpoint down: a known kid still signs in');
    my ($unknown) = browse($ua, rp_url('/fake/unknown-kid/env'));
    t_debug('unknown kid with the keys down: ' . dump_res($unknown));
    ok t_cmp($unknown->code, qr/^(?:401|502)$/,
             '... an unknown kid is refused (401 or 502)');
    ($res) = browse($ua, rp_url('/fake/ps256/env'));
    ok t_cmp($res->code, 200, '... and the keys held still work after it');
    ua()->post(fake_url('/control/keys-down?on=0'));
    ok t_cmp(fake_stats()->{jwks_fetches} - $before <= 1, 1,
             '... having asked the key endpoint at most once');
}

# ------------------------------------------------------------ many waiting
# 50 sign-ins meet a token endpoint that never answers (they would wait
# 10 s: the ZSSOProviderTimeout of /bad/hang-token-long).  At most
# ZSSOProviderCallsMax (4 in the test config) wait per process; the others
# get 503 at once.  Meanwhile an unprotected page and a signed-in page
# answer at once.  The children are started first and let go together.
{
    my $LONG = 10;
    my ($res, $signed) = (undef, ua(keep_alive => 1));
    ($res) = browse($signed, rp_url('/fake/good/env'));
    pipe my $gate_r, my $gate_w or die "pipe: $!";
    my @kids;
    for (1 .. $N_PARALLEL) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if ($pid == 0) {
            close $gate_w;
            sysread $gate_r, my $byte, 1;    # returns when the gate closes
            my ($fin) = browse(ua(timeout => 30),
                               rp_url('/bad/hang-token-long/env'));
            exit(0) if $fin->code == 502;
            exit(2) if $fin->code == 503 && $fin->header('Retry-After');
            exit(1);
        }
        push @kids, $pid;
    }
    close $gate_r;
    my $offset = error_log_size();
    my $t0 = time;
    close $gate_w;
    # Wait until the provider holds some and the rest had time to be
    # turned away, then measure.
    my $held = 0;
    sleep 2;
    $held = fake_stats()->{hanging};
    my ($worst, $ok) = (0, 1);
    for (1 .. 5) {
        my $t = time;
        my $p = ua()->get(rp_url('/public/index.html'));
        my $s = $signed->get(rp_url('/fake/good/env'));
        my $d = time - $t;
        $worst = $d if $d > $worst;
        $ok &&= $p->code == 200 && $s->code == 200;
        sleep 0.1;
    }
    my $measured = time - $t0;
    my %got = (0 => 0, 1 => 0, 2 => 0);
    for my $pid (@kids) {
        waitpid $pid, 0;
        $got{$? >> 8}++;
    }
    my $all = time - $t0;
    my $busy = grep { /ZSSO0050[23]:/ } zsso_lines(error_log_since($offset));
    t_debug(sprintf('provider held %d; worst answer %.3f s, measured by '
                    . '%.1f s; all done in %.1f s; 502: %d, 503: %d, other: '
                    . '%d; ZSSO00502/3 lines: %d', $held, $worst, $measured,
                    $all, $got{0}, $got{2}, $got{1}, $busy));
    ok t_cmp($held >= 1 && $measured < $LONG ? 1 : 0, 1,
             "the provider held $held sign-ins open while pages were "
             . 'measured');
    ok t_cmp($ok, 1, '... a public and a signed-in page answered 200');
    # Blocked behind the held workers, they would take seconds.
    ok t_cmp($worst < 2 ? 1 : 0, 1,
             sprintf('... at once (worst %.3f s)', $worst));
    ok t_cmp($got{1}, 0, "... each of the $N_PARALLEL sign-ins got 502 "
             . 'or 503 with Retry-After');
    ok t_cmp($got{0} >= 1 && $got{2} >= 1 ? 1 : 0, 1,
             "... some waited (502: $got{0}), the rest were turned away "
             . "at once (503: $got{2})");
    ok t_cmp($busy, $got{2},
             '... each 503 logged once (ZSSO00502 at the start, ZSSO00503 '
             . 'at the callback)');
    ok t_cmp($all < $LONG + 15 ? 1 : 0, 1,
             sprintf('... within the timeout (all done in %.1f s)', $all));
    my $log = error_log_since(0);
    ok t_cmp(scalar(() = $log =~ /exit signal|Segmentation/g), 0,
             'no worker died (no "exit signal" in the error log)');
}
