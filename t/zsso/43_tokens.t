# Token and key edge cases over HTTP, against fake-op: NumericDates that are
# huge, negative, fractional or strings; aud empty or an object; a claim
# with an embedded NUL; compact forms with two or four parts, bad base64url
# or a header that is not JSON; key sets with a thousand keys, a key of the
# wrong type, a 512-bit RSA key; a sealed state cookie cut short (a GCM tag
# under 16 bytes); a flood of unknown kids.  Each refusal is a 401 (or 502
# for a provider with no usable key, 400 for a bad state) with one tagged
# line naming the check; the worker goes on.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use MIME::Base64 qw(decode_base64url encode_base64url);
use Time::HiRes qw(time);
use URI ();
use ZssoTest qw(:all);

# location => [status, what the log line says]
my %cases = (
    '/hx/exp-huge'            => [401, 'exp is out of range'],
    '/hx/exp-huge-int'        => [401, 'exp is out of range'],
    '/hx/exp-negative'        => [401, 'token expired (exp)'],
    '/hx/exp-string'          => [401, 'exp is not a number'],
    '/hx/iat-string'          => [401, 'iat is not a number'],
    '/hx/nbf-huge'            => [401, 'nbf is out of range'],
    '/hx/aud-empty'           => [401, 'aud does not contain the client ID'],
    '/hx/aud-object'          => [401, 'aud is not a string or an array'],
    '/hx/nul-claim'           => [401, 'is not a JSON object'],
    '/hx/jws-2parts'          => [401, 'JWS must have three parts'],
    '/hx/jws-4parts'          => [401, 'JWS must have three parts'],
    '/hx/jws-bad-b64'         => [401, 'bad base64url in JWS'],
    '/hx/jws-header-not-json' => [401, 'is not a JSON object'],
    '/bad/keys-1000'          => [401, 'no key for kid "key1"'],
    '/bad/keys-wrongtype'     => [401, 'key type does not fit alg RS256'],
    '/bad/keys-rsa512'        => [502, 'JWK Set has no usable key'],
);

my $cb_re = qr{/fake/good/zsso/callback\?};
my @cuts = (1, 4, 15, 16, 28, 1000);  # bytes cut from the sealed cookie

plan tests => 4 * keys(%cases) + 3 + 3 * @cuts + 2 + 4, need_lwp;

fake_reset();

# ------------------------------------------------------------ refusals
for my $base (sort keys %cases) {
    my ($status, $why) = @{ $cases{$base} };
    my $offset = error_log_size();
    my ($res, $hops) = browse(ua(), rp_url("$base/env"));
    my @lines = grep { /\[zsso:(?:emerg|alert|crit|error|warn)\]/ }
                zsso_lines(error_log_since($offset));
    t_debug(dump_res($_)) for @$hops;
    t_debug("log: $_") for @lines;
    ok t_cmp($res->code, $status, "$base: $status");
    ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
             "$base: no session cookie");
    ok t_cmp(scalar(@lines), 1, "$base: one line at warn or above");
    ok t_cmp(scalar(grep { /\bZSSO\d{5}:/ && /\Q$why\E/ } @lines), 1,
             "$base: ... tagged, saying '$why'");
}

# ------------------------------------------------------------ accepted
# RFC 7519 section 2: a NumericDate may have a fraction.
{
    my ($res) = browse(ua(), rp_url('/hx/exp-fraction/env'));
    ok t_cmp($res->code, 200, 'fractional exp and iat: accepted');
    ok t_cmp(env_of($res)->{REMOTE_USER}, 'exp-fraction@fake.example',
             '... REMOTE_USER');
    ($res) = browse(ua(), rp_url('/fake/good/env'));
    ok t_cmp($res->code, 200, 'after all of the above, a good sign-in works');
}

# ------------------------------------------------------------ short tags
# The state cookie is seal(...) in base64url, the 16-byte GCM tag at its
# end: cut bytes off so the tag is short (1, 4, 15), missing (16), the
# nonce short too (28), or nothing is left.  The callback refuses (400)
# and says the sealed data does not verify or has a bad length.
for my $cut (@cuts) {
    my ($res, $ua) = login('x', 'x', '/fake/good/env', stop_at => $cb_re);
    my $cb = URI->new_abs($res->header('Location') // '',
                          $res->request->uri)->as_string;
    my ($name, $value);
    $ua->cookie_jar->scan(sub {
        ($name, $value) = @_[1, 2] if $_[1] =~ /^zsso_state_/;
    });
    $name //= 'zsso_state_none';
    $value //= '';
    my $raw = decode_base64url($value);
    my $short = encode_base64url(substr($raw, 0, length($raw) > $cut
                                                 ? length($raw) - $cut : 0));
    my $offset = error_log_size();
    $res = ua()->request(HTTP::Request->new(GET => $cb,
                                            [Cookie => "$name=$short"]));
    my @lines = grep { /ZSSO00207/ } zsso_lines(error_log_since($offset));
    t_debug("cut $cut: " . dump_res($res));
    t_debug("log: $_") for @lines;
    ok t_cmp($res->code, 400, "sealed state cut by $cut bytes: 400");
    ok t_cmp(scalar(grep { /sealed data (?:does not verify|has a bad length)|nothing to unseal/ }
                    @lines), 1,
             '... one line says the sealed data does not open');
    # The untouched cookie in its own browser still signs in.
    $res = $ua->get($cb);
    ok t_cmp($res->code, 302, '... the untouched one still works');
}

# ------------------------------------------------------------ kid flood
# Twenty callbacks with unknown kids on one connection (one worker) after
# the worker fetched the keys: at most one more JWKS fetch; each is 401.
{
    my $ua = ua(keep_alive => 4);
    browse($ua, rp_url('/fake/good/env'));
    my $before = fake_stats()->{jwks_fetches};
    my $refused = 0;
    my $t0 = time;
    for (1 .. 20) {
        my ($res) = browse($ua, rp_url('/fake/unknown-kid/env'));
        $refused++ if $res->code == 401;
    }
    my $fetches = fake_stats()->{jwks_fetches} - $before;
    t_debug(sprintf('20 unknown kids: %d JWKS fetches, %.2f s', $fetches,
                    time - $t0));
    ok t_cmp($refused, 20, 'twenty unknown-kid tokens: each refused (401)');
    ok t_cmp($fetches <= 1 ? 1 : 0, 1,
             "... at most one JWKS fetch for all of them (got $fetches)");
}

# ------------------------------------------------------------ after it all
{
    my $log = error_log_since(0);
    ok t_cmp(scalar(() = $log =~ /exit signal|Segmentation/g), 0,
             'no worker died');
    ok t_cmp(scalar(() = $log =~ /eyJ[A-Za-z0-9_-]{10,}/g), 0,
             'no JWT in the error log');
    my ($res) = browse(ua(), rp_url('/fake/es256/env'));
    ok t_cmp($res->code, 200, 'a sign-in after it all works');
    ok t_cmp(ua()->get(rp_url('/public/index.html'))->code, 200,
             '... and so does the public page');
}
