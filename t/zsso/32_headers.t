# Identity for a console behind mod_proxy (ZSSOPassHeaders On), headers
# encoded so that no claim can break or add one, and every header a client
# forges under the module's names removed, in every spelling, on every
# request: signed in, refused, OPTIONS, unprotected, the module's own
# endpoints; through mod_proxy to t/idp/echo.mjs and to a CGI.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use JSON::PP ();
use ZssoTest qw(:all);

# A leading ':' makes HTTP::Headers send the name exactly as written
# (it would otherwise turn '_' into '-' and merge the spellings).
my @forged = (
    ':X-ZSSO-User' => 'forged-1', ':x-zsso-role' => 'forged-2',
    ':X_ZSSO_EMAIL' => 'forged-3', ':X-Zsso_Groups' => 'forged-4',
    ':x_zSSo-uSeR' => 'forged-5', ':X-ZSSO-Anything' => 'forged-6',
);
my $n_forged = @forged / 2;

plan tests => 8 + 3 + 3 + 4 + 3, need_lwp;

# echo(UA, METHOD, PATH): what the backend received, as { name => [values] }
# with names lower-cased and '_' read as '-'.
sub echo {
    my ($ua, $method, $path) = @_;
    my $res = $ua->request(HTTP::Request->new($method => rp_url($path),
                                              [@forged]));
    t_debug("$method $path: " . dump_res($res));
    my $got = eval { JSON::PP::decode_json($res->decoded_content) } // {};
    my %h;
    for my $pair (@{ $got->{headers} // [] }) {
        (my $k = lc $pair->[0]) =~ tr/_/-/;
        push @{ $h{$k} }, $pair->[1];
    }
    return ($res, \%h, $got);
}

sub zsso_names {
    my $h = shift;
    return sort grep { /^x-zsso-/ } keys %$h;
}

sub no_forged_value {
    my $h = shift;
    return !grep { /forged-/ } map { @$_ } values %$h;
}

my ($res, $ua) = login('alice@example.com', 'alice-pw', '/console/env');

# ------------------------------------------------------------ passed on
my ($r, $h) = echo($ua, GET => '/console/app/x');
ok t_cmp($r->code, 200, 'signed in, through mod_proxy: 200');
ok t_cmp(join(',', zsso_names($h)),
         'x-zsso-email,x-zsso-groups,x-zsso-role,x-zsso-user',
         '... the backend gets the four X-ZSSO-* headers, no others');
ok t_cmp(scalar(map { @$_ } @$h{zsso_names($h)}), 4, '... once each');
ok t_cmp($h->{'x-zsso-user'}[0], 'alice@example.com', '... X-ZSSO-User');
ok t_cmp($h->{'x-zsso-role'}[0], 'Console Admin', '... X-ZSSO-Role');
ok t_cmp($h->{'x-zsso-email'}[0], 'alice@example.com', '... X-ZSSO-Email');
ok t_cmp($h->{'x-zsso-groups'}[0], 'Everyone,console-admins',
         '... X-ZSSO-Groups');
ok t_cmp(no_forged_value($h) ? 1 : 0, 1,
         "... and none of the $n_forged forged values");

($r, $h) = echo($ua, OPTIONS => '/console/app/x');
ok t_cmp($r->code, 200, 'OPTIONS, signed in, through mod_proxy');
ok t_cmp(join(',', zsso_names($h)),
         'x-zsso-email,x-zsso-groups,x-zsso-role,x-zsso-user',
         '... the module\'s headers only');
ok t_cmp(no_forged_value($h) ? 1 : 0, 1, '... no forged value');

# ------------------------------------------------------------ not passed on
($r, $h) = echo($ua, GET => '/console/app-plain/x');
ok t_cmp($r->code . ' ' . join(',', zsso_names($h)), '200 ',
         'ZSSOPassHeaders Off: no X-ZSSO-* header reaches the backend');
($r, $h) = echo(ua(), GET => '/public/app/x');
ok t_cmp($r->code . ' ' . join(',', zsso_names($h)), '200 ',
         'unprotected location through mod_proxy: none either');
my $env = env_of($ua->request(HTTP::Request->new(GET => rp_url('/console/env'),
                                                  [@forged])));
ok t_cmp(join(',', grep { /^HTTP_X_ZSSO/ } sort keys %$env), '',
         'a CGI sees no forged HTTP_X_ZSSO_* variable');

# ------------------------------------------------------------ refused requests
my $log_start = error_log_size();
my $api = ua()->request(HTTP::Request->new(GET => rp_url('/console/app/x'),
                        [@forged, Accept => 'application/json']));
ok t_cmp($api->code, 401, 'no session, an API call with forged headers: 401');
my @lines = zsso_lines(error_log_since($log_start));
ok t_cmp(scalar(grep { /ZSSO00040:/ } @lines), $n_forged,
         '... each forged header was removed (one log line each)');
$log_start = error_log_size();
ua()->request(HTTP::Request->new(GET => rp_url('/console/zsso/logged-out'),
                                 [@forged]));
@lines = zsso_lines(error_log_since($log_start));
ok t_cmp(scalar(grep { /ZSSO00040:/ } @lines), $n_forged,
         '... and on the module\'s own endpoints');
$log_start = error_log_size();
$ua->request(HTTP::Request->new(GET => rp_url('/console/nobody/env'),
                                [@forged]));
@lines = zsso_lines(error_log_since($log_start));
ok t_cmp(scalar(grep { /ZSSO00040:/ } @lines), $n_forged,
         '... and on a signed-in request authorization refuses');

# ------------------------------------------------------------ odd claims
($res) = browse(ua(), rp_url('/fake-pass/odd-claims/x'));
my $got = eval { JSON::PP::decode_json($res->decoded_content) } // {};
my %odd;
for my $pair (@{ $got->{headers} // [] }) {
    push @{ $odd{lc $pair->[0]} }, $pair->[1];
}
t_debug('odd claims: ' . JSON::PP->new->canonical->encode(\%odd));
ok t_cmp($res->code . ' ' . scalar(grep { /^x-injected$/ } keys %odd), '200 0',
         'claims with CR LF pass through mod_proxy and inject no header');
ok t_cmp($odd{'x-zsso-user'}[0] // '', 'zo%C3%AB%0D%0AX-Injected: user',
         '... the user name arrives %-encoded (UTF-8 and CR LF)');
ok t_cmp($odd{'x-zsso-groups'}[0] // '',
         'a%0D%0AX-Injected: group,b%2Cc,100%25',
         '... groups too, with , and % inside a name escaped');
