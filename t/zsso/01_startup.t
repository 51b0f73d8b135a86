# Start-up: the module tells the administrator, for every protected
# location, the sign-in redirect URI to paste into Okta and the SSO login
# URL; and `apache2 -t` refuses a configuration that cannot work, naming the
# directive at fault.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use File::Temp ();
use ZssoTest qw(:all);

my $rp = rp_url('');

# Locations of t/conf/*.conf.in that carry their own Okta connection.
my @bases = qw(/console /fake/good /fake/wrong-iss /as/postonly);

# Configurations `apache2 -t` must refuse: name => [directive named in the
# message, directives of the server config, directives of the location].
my %refused = (
    'no client ID' => ['ZSSOClientID',
        ['ZSSOOktaDomain 127.0.0.1:18443', 'ZSSOClientSecret s3cret'], []],
    'no client secret' => ['ZSSOClientSecret',
        ['ZSSOOktaDomain 127.0.0.1:18443', 'ZSSOClientID app'], []],
    'domain with a scheme' => ['ZSSOOktaDomain',
        ['ZSSOOktaDomain http://x', 'ZSSOClientID app',
         'ZSSOClientSecret s3cret'], []],
    'domain with a space and !' => ['ZSSOOktaDomain',
        ['ZSSOOktaDomain "bad host!"', 'ZSSOClientID app',
         'ZSSOClientSecret s3cret'], []],
    'bad domain inside the location' => ['ZSSOOktaDomain',
        ['ZSSOClientID app', 'ZSSOClientSecret s3cret'],
        ['ZSSOOktaDomain http://x']],
    'no domain at all' => ['ZSSOOktaDomain',
        ['ZSSOClientID app', 'ZSSOClientSecret s3cret'], []],
    'the Okta admin console address' => ['ZSSOOktaDomain',
        ['ZSSOOktaDomain acme-admin.okta.com', 'ZSSOClientID app',
         'ZSSOClientSecret s3cret'], []],
    'a CA file without a certificate' => ['ZSSOCAFile',
        ['ZSSOOktaDomain 127.0.0.1:18443', 'ZSSOClientID app',
         'ZSSOClientSecret s3cret', 'ZSSOCAFile /etc/passwd'], []],
    'a redirect URI outside every protected location' => ['ZSSORedirectURI',
        ['ZSSOOktaDomain 127.0.0.1:18443', 'ZSSOClientID app',
         'ZSSOClientSecret s3cret'], ['ZSSORedirectURI /elsewhere/cb']],
    'the default store without mod_socache_shmcb' => ['socache_shmcb',
        ['-shmcb', 'ZSSOOktaDomain 127.0.0.1:18443', 'ZSSOClientID app',
         'ZSSOClientSecret s3cret'], []],
);
my @refused = sort keys %refused;

plan tests => 3 * @bases + 2 + 3 * @refused, need_lwp;

# ------------------------------------------------------------ notice lines
my $log = do {
    open my $fh, '<', error_log_path() or die error_log_path() . ": $!";
    local $/;
    <$fh>;
};
my @zsso = zsso_lines($log);
t_debug("ZSSO start-up line: $_") for grep { /redirect URI|login URL/ } @zsso;

for my $base (@bases) {
    my $cb = quotemeta "$rp$base/zsso/callback";
    my $login = quotemeta "$base/zsso/login";
    my @redirect = grep { /sign-in redirect URI\b.{0,20}?$cb(?:\s|$|[",;])/ }
                   @zsso;
    ok t_cmp(scalar(@redirect) > 0, 1,
             "start-up names the sign-in redirect URI $rp$base/zsso/callback");
    ok t_cmp(scalar(grep { /SSO login URL\b.{0,20}?(?:\Q$rp\E)?$login\b/ }
                    @zsso) > 0, 1,
             "start-up names the SSO login URL $base/zsso/login");
    ok t_cmp(scalar(grep { /\[zsso:notice\]/ } @redirect) > 0, 1,
             "the redirect URI of $base is logged at level notice");
}

# ------------------------------------------------------------ apache2 -t
my $httpd = $ENV{ZSSO_TEST_HTTPD} || Apache::Test::vars('httpd')
    || '/usr/sbin/apache2';
my $moddir = $ENV{ZSSO_HTTPD_MODDIR} || '/usr/lib/apache2/modules';
my $module = Apache::Test::vars('top_dir') . '/.libs/mod_zsso.so';

# configtest(SERVER_LINES, LOCATION_LINES): (exit status, output).
sub configtest {
    my ($server, $location) = @_;
    my $dir = File::Temp->newdir('zsso-configtest-XXXXXX', TMPDIR => 1);
    # '-shmcb' among the server lines: leave mod_socache_shmcb out.
    my @mods = qw(mpm_event authn_core authz_core authz_user);
    push @mods, 'socache_shmcb' unless grep { $_ eq '-shmcb' } @$server;
    $server = [grep { $_ ne '-shmcb' } @$server];
    my @load = map { qq{LoadModule ${_}_module "$moddir/mod_$_.so"} } @mods;
    my $conf = join "\n",
        qq{ServerRoot "$dir"}, qq{DefaultRuntimeDir "$dir"},
        qq{PidFile "$dir/httpd.pid"}, qq{ErrorLog "$dir/error_log"},
        'ServerName localhost', 'Listen 127.0.0.1:8599', @load,
        qq{LoadModule zsso_module "$module"}, @$server,
        '<Location /app>', '    AuthType zsso', '    Require valid-user',
        map({ "    $_" } @$location), '</Location>', '';
    my $file = "$dir/httpd.conf";
    t_write_file($file, $conf);
    my $out = `'$httpd' -t -f '$file' 2>&1`;
    my $status = $? >> 8;
    t_debug("apache2 -t exit $status: $out");
    return ($status, $out);
}

my ($status, $out) = configtest(
    ['ZSSOOktaDomain 127.0.0.1:18443', 'ZSSOClientID app',
     'ZSSOClientSecret s3cret'], []);
ok t_cmp($status, 0, 'apache2 -t accepts a complete minimal configuration');
ok t_cmp($out, qr/Syntax OK/, '... and says Syntax OK');

for my $case (@refused) {
    my ($directive, $server, $location) = @{ $refused{$case} };
    ($status, $out) = configtest($server, $location);
    ok t_cmp($status != 0, 1, "apache2 -t refuses: $case");
    ok t_cmp($out, qr/\Q$directive\E/i, "... naming $directive");
    ok t_cmp($out !~ /Syntax OK/, 1, '... and does not say Syntax OK');
}
