package ZssoNodes;
# Several httpd nodes behind one public origin, sharing a session store, as
# a deployment that outgrew one machine runs them.  There is no load
# balancer: every node has ServerName http://localhost:$ZSSO_LB_PORT, and
# the test decides which node each request goes to by rewriting that origin
# to the node's own port (cookies do not depend on the port).  The stores
# (redis-server, memcached) are real, on loopback, started and stopped here.

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use Apache::Test ();
use File::Path ();
use HTML::Form ();
use HTTP::Request ();
use IO::Socket::INET ();
use Time::HiRes qw(sleep);
use URI ();

our @EXPORT_OK = qw(
    store_start store_stop node_start node_stop node_url via_node
    node_login node_log node_log_size
);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $lb = "localhost:" . ($ENV{ZSSO_LB_PORT} // 8540);

sub top { return Apache::Test::vars('top_dir') }
sub base { return Apache::Test::vars('t_logs') . '/nodes' }

sub wait_port {
    my ($port, $up) = @_;
    for (1 .. 100) {
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port",
                                      Timeout => 1);
        return 1 if ($s ? 1 : 0) == $up;
        sleep 0.1;
    }
    return 0;
}

sub read_pid {
    my $f = shift;
    open my $fh, '<', $f or return;
    chomp(my $pid = <$fh> // '');
    return $pid =~ /^(\d+)$/ ? $1 : undef;
}

# --------------------------------------------------------------- stores

my %store_port = (redis => $ENV{ZSSO_REDIS_PORT},
                  memcache => $ENV{ZSSO_MEMCACHED_PORT});

# store_start(KIND): a fresh, empty redis-server or memcached on loopback.
sub store_start {
    my $kind = shift;
    my $dir = base() . "/$kind";
    my $port = $store_port{$kind};
    File::Path::make_path($dir);
    my @cmd = $kind eq 'redis'
        ? ('redis-server', '--port', $port, '--bind', '127.0.0.1',
           '--save', '', '--appendonly', 'no', '--daemonize', 'yes',
           '--pidfile', "$dir/store.pid", '--logfile', "$dir/store.log",
           '--dir', $dir)
        : ('memcached', '-l', '127.0.0.1', '-p', $port, '-U', '0', '-d',
           '-P', "$dir/store.pid");
    wait_port($port, 0) or die "port $port is taken: cannot start $kind\n";
    unlink "$dir/store.pid";
    system(@cmd) == 0 or die "@cmd: $?\n";
    wait_port($port, 1) or die "$kind did not start on $port\n";
    return "$kind:127.0.0.1:$port";
}

sub store_stop {
    my $kind = shift;
    my $pid = read_pid(base() . "/$kind/store.pid");
    return unless $pid && kill 0, $pid;
    kill 'TERM', $pid;
    wait_port($store_port{$kind}, 0) or die "$kind did not stop\n";
}

# --------------------------------------------------------------- nodes

sub node_dir { return base() . "/node-" . shift }

sub node_conf {
    my ($name, $port, $spec) = @_;
    my $dir = node_dir($name);
    my $moddir = $ENV{ZSSO_HTTPD_MODDIR};
    my $top = top();
    (my $provider = $spec) =~ s/:.*//;
    return <<"CONF";
# Node $name of t/zsso/50_nodes.t, written by t/lib/ZssoNodes.pm.
ServerRoot "$dir"
DefaultRuntimeDir "$dir"
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error_log"
LogLevel info zsso:debug
Listen 127.0.0.1:$port
ServerName http://$lb
LoadModule mpm_event_module "$moddir/mod_mpm_event.so"
LoadModule authn_core_module "$moddir/mod_authn_core.so"
LoadModule authz_core_module "$moddir/mod_authz_core.so"
LoadModule authz_user_module "$moddir/mod_authz_user.so"
LoadModule alias_module "$moddir/mod_alias.so"
LoadModule cgid_module "$moddir/mod_cgid.so"
LoadModule socache_${provider}_module "$moddir/mod_socache_$provider.so"
LoadModule zsso_module "$top/.libs/mod_zsso.so"
ScriptSock "$dir/cgisock"
StartServers 1
ThreadsPerChild 8
MaxRequestWorkers 16

ZSSOOktaDomain        127.0.0.1:$ENV{ZSSO_OP_PORT}
ZSSOClientID          zsso-test
ZSSOClientSecret      "file:$ENV{ZSSO_RUN_DIR}/client_secret"
ZSSOCAFile            "$ENV{ZSSO_TEST_CA}"
ZSSOCryptoPassphrase  env:ZSSO_CRYPTO_PASSPHRASE
ZSSOSessionCache      $spec
ZSSORoleMap           console-admins "Console Admin"

ScriptAlias /console/env "$top/t/cgi-bin/env.cgi"
ScriptAlias /refresh/env "$top/t/cgi-bin/env.cgi"
<Directory "$top/t/cgi-bin">
    Options +ExecCGI
    Require all granted
</Directory>
<Location /console>
    AuthType zsso
    Require valid-user
</Location>
# fake-op's refresh client: 20 s access tokens and a refresh token.
<Location /refresh>
    ZSSOOktaDomain      127.0.0.1:$ENV{ZSSO_FAKE_PORT}
    ZSSOClientID        refresh
    ZSSOClientSecret    fake-secret
    ZSSOPassAccessToken On
    AuthType zsso
    Require valid-user
</Location>
CONF
}

sub httpd { return $ENV{ZSSO_TEST_HTTPD} || Apache::Test::vars('httpd') }

# node_start(NAME, PORT, STORE_SPEC): an httpd with its own config.
sub node_start {
    my ($name, $port, $spec) = @_;
    my $dir = node_dir($name);
    File::Path::make_path($dir);
    open my $fh, '>', "$dir/httpd.conf" or die "$dir/httpd.conf: $!";
    print $fh node_conf($name, $port, $spec);
    close $fh;
    unlink "$dir/error_log";
    system(httpd(), '-f', "$dir/httpd.conf", '-k', 'start') == 0
        or die "node $name did not start: $?\n";
    wait_port($port, 1) or die "node $name does not listen on $port\n";
    return $port;
}

sub node_stop {
    my ($name, $port) = @_;
    my $dir = node_dir($name);
    my $pid = read_pid("$dir/httpd.pid");
    return unless $pid;
    kill 'TERM', $pid;
    for (1 .. 100) {
        last unless kill 0, $pid;
        sleep 0.1;
    }
    wait_port($port, 0);
}

sub node_log_size { return -s (node_dir(shift) . '/error_log') // 0 }

# node_log(NAME, OFFSET): what the node logged after OFFSET bytes.
sub node_log {
    my ($name, $offset) = @_;
    sleep 0.3;
    open my $fh, '<', node_dir($name) . '/error_log' or return '';
    seek $fh, $offset // 0, 0;
    local $/;
    return <$fh> // '';
}

# --------------------------------------------------------------- requests

# via_node(PORT, URL): URL with the public origin replaced by the node's.
sub via_node {
    my ($port, $url) = @_;
    $url =~ s{^http://\Q$lb\E/}{http://localhost:$port/};
    return $url;
}

sub node_url {
    my ($port, $path) = @_;
    return "http://localhost:$port$path";
}

# follow(UA, REQ, PORT): send, then follow redirects, every hop to the
# public origin going to the node at PORT. Returns the last response.
sub follow {
    my ($ua, $req, $port) = @_;
    for (1 .. 25) {
        $req->uri(via_node($port, $req->uri->as_string));
        my $res = $ua->request($req);
        return $res unless $res->is_redirect && $res->header('Location');
        $req = HTTP::Request->new(
            GET => URI->new_abs($res->header('Location'), $req->uri));
    }
    die "too many redirects\n";
}

# node_login(UA, PORT, USER, PASSWORD, PATH): a person opens PATH on the
# node at PORT and signs in on the provider's page; the callback and the
# way back go to the same node. Returns the final response.
sub node_login {
    my ($ua, $port, $user, $password, $path) = @_;
    my $res = follow($ua, HTTP::Request->new(GET => node_url($port, $path)),
                     $port);
    return $res unless ($res->header('Content-Type') // '') =~ m{text/html}
        && $res->request->uri->port != $port;
    my ($form) = HTML::Form->parse($res->decoded_content, base => $res->base);
    return $res unless $form && $form->find_input('password');
    $form->value(login => $user);
    $form->value(password => $password);
    return follow($ua, $form->click, $port);
}

1;
