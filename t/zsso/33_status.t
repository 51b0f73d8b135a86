# SetHandler zsso-status: per organisation the issuer, the client ID (never
# the secret), the URLs to paste into Okta, what was fetched and when, the
# keys held, and counters shared by every process; HTML, or JSON with ?json.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use JSON::PP ();
use ZssoTest qw(:all);

my $port = $ENV{ZSSO_RP_PORT};

plan tests => 4 + 9 + 4 + 3, need_lwp;

sub status_json {
    my $res = ua()->get(rp_url('/zsso-status?json'));
    my $j = eval { JSON::PP::decode_json($res->decoded_content) } // {};
    my %by = map { ($_->{login_url} => $_) }
             @{ $j->{organizations} // [] };
    return ($res, \%by);
}

sub secret_of {
    my $f = shift;
    open my $fh, '<', $f or die "$f: $!";
    local $/;
    (my $s = <$fh>) =~ s/\s+\z//;
    return $s;
}

# ------------------------------------------------------------ HTML
my $res = ua()->get(rp_url('/zsso-status'));
my $html = $res->decoded_content // '';
ok t_cmp($res->code, 200, 'the status page answers');
ok t_cmp($html, qr{http://localhost:$port/console/zsso/callback},
         '... with the sign-in redirect URI');
ok t_cmp($html, qr{zsso-beta}, '... and the second organisation');
ok t_cmp(index($html, client_secret()) < 0
         && index($html, secret_of("$ENV{ZSSO_RUN_DIR}/org2_secret")) < 0
         ? 1 : 0, 1, '... but no client secret');

# ------------------------------------------------------------ JSON and counters
my (undef, $before) = status_json();
my ($ok) = login('alice@example.com', 'alice-pw', '/console/env');
login('carol@example.com', 'carol-pw', '/console/env');
ua()->get(rp_url('/console/env'), Accept => 'application/json');
my ($jres, $after) = status_json();
my $c = $after->{"http://localhost:$port/console/zsso/login"};
ok t_cmp($jres->header('Content-Type') // '', qr{^application/json},
         '?json answers JSON');
ok t_cmp($c->{client_id}, 'zsso-test', '... /console: its client ID');
ok t_cmp($c->{issuer}, "https://127.0.0.1:$ENV{ZSSO_OP_PORT}", '... issuer');
ok t_cmp($c->{login_url}, "http://localhost:$port/console/zsso/login",
         '... SSO login URL');
ok t_cmp($c->{keys_held} >= 1 && defined $c->{keys_fetched}
         && defined $c->{discovery_fetched} ? 1 : 0, 1,
         '... keys and discovery fetched, and when');
my $b = $before->{"http://localhost:$port/console/zsso/login"}{counters}
        // {};
my $a = $c->{counters} // {};
ok t_cmp($a->{login} - ($b->{login} // 0), 1, '... one more login counted');
ok t_cmp($a->{not_assigned} - ($b->{not_assigned} // 0), 1,
         '... one more "not assigned" refusal');
ok t_cmp($a->{no_session_401} - ($b->{no_session_401} // 0), 1,
         '... one more 401 to an API call');
ok t_cmp($after->{"http://localhost:$port/beta/zsso/login"}{client_id},
         'zsso-beta',
         '... and /beta is listed with its own client');

# ------------------------------------------------------------ protected, methods
my (undef, $bob) = login('bob@example.com', 'bob-pw', '/console/env');
(undef, my $alice) = login('alice@example.com', 'alice-pw', '/console/env');
ok t_cmp($alice->get(rp_url('/console/status'))->code, 200,
         'behind Require zsso-role "Console Admin": alice sees it');
ok t_cmp($bob->get(rp_url('/console/status'))->code, 403, '... bob does not');
ok t_cmp(ua()->get(rp_url('/console/status'),
                   Accept => 'application/json')->code, 401,
         '... nor does anyone without a session');
ok t_cmp(ua()->post(rp_url('/zsso-status'))->code, 405, 'POST: 405');

# ------------------------------------------------------------ escaped
$res = ua()->get(rp_url('/zsso-status'));
ok t_cmp($res->header('Content-Type') // '', qr{^text/html}, 'HTML by default');
ok t_cmp($res->header('Cache-Control') // '', qr/no-store/, '... not cached');
ok t_cmp(($res->decoded_content // '') !~ /<script/i ? 1 : 0, 1,
         '... and carries no script');
