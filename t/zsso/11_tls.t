# TLS to the provider is always verified: a provider whose certificate does
# not chain to ZSSOCAFile (or the system store) is unreachable for the
# module, which answers 502 and logs why; it never signs anybody in.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use File::Temp ();
use ZssoTest qw(:all);

# The test's own browser trusts both CAs, so that whatever the module sends
# it to, the browser can follow and only the module's checks decide.
my $bundle = File::Temp->new(SUFFIX => '.pem');
for my $ca ("$ENV{ZSSO_PKI_DIR}/ca.pem", "$ENV{ZSSO_PKI_DIR}/rogue-ca.pem") {
    open my $in, '<', $ca or die "$ca: $!";
    local $/;
    my $pem = <$in>;
    print {$bundle} $pem;
}
close $bundle;

my @cases = (
    ['/tls/rogue-ca',     'ZSSOCAFile names a CA that did not sign the '
                          . 'provider\'s certificate'],
    ['/tls/rogue-server', 'the provider\'s certificate comes from an '
                          . 'unknown CA'],
);

plan tests => 4 * @cases, need_lwp;

for my $case (@cases) {
    my ($base, $label) = @$case;
    local $ENV{ZSSO_TEST_CA} = $bundle->filename;
    my $offset = error_log_size();
    my ($res, $hops) = browse(ua(), rp_url("$base/env"));
    t_debug(dump_res($_)) for @$hops;
    my @lines = zsso_lines(error_log_since($offset));
    t_debug("log: $_") for @lines;
    ok t_cmp($res->code, 502, "$label: 502");
    ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
             "$label: no session cookie");
    ok t_cmp(scalar(grep { /\[zsso:(?:error|warn)\]/ } @lines) > 0, 1,
             "$label: an error is logged, tagged");
    ok t_cmp(scalar(grep { /certificate|SSL|TLS|verify/i } @lines) > 0, 1,
             "$label: the log line says it is about the certificate");
}
