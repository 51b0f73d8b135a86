# own-work.awk — the module's own time in each sign-in callback.
#
#   awk -v port=OP_PORT -v cb=CALLBACK_PATH -f bench/own-work.awk \
#       ACCESS_LOG WIRE_LOG
#
# ACCESS_LOG: bench/run.sh's "%>s %u %D %U %{begin:usec}t" lines.
# WIRE_LOG: `tcpdump -i lo -nn -tt` of the provider's port, as text.
#
# The provider's time is taken on the wire, where both modules' requests
# and the provider's answers can be seen alike: on each connection, from
# the first packet the client sends for an exchange (its SYN for a new
# connection) to the last data packet the provider sends back before the
# client speaks again.  A TLS handshake thus counts as the provider's for
# the provider's flights and as the client's for the client's work between
# them.  For each callback (ACCESS_LOG, path CB) this prints
#   <callback us> <provider us> <own us>
# own = the callback's duration (%D) minus the provider's time of the
# exchanges that began within it.
FNR == NR {
    if ($4 == cb) { n++; begin[n] = $5; dur[n] = $3 }
    next
}
{
    t = $1 * 1000000
    src = $3; dst = $5; sub(/:$/, "", dst)
    len = 0
    if (match($0, /length [0-9]+/)) len = substr($0, RSTART + 7, RLENGTH - 7) + 0
    syn = index($0, "Flags [S]") > 0
    if (dst ~ "\\." port "$") {                     # client -> provider
        c = src
        if (len == 0 && !syn) next
        if (open[c] && answered[c]) close_seg(c)
        if (!open[c]) { open[c] = 1; answered[c] = 0; start[c] = t }
    } else if (src ~ "\\." port "$") {              # provider -> client
        c = dst
        if (len == 0 || !open[c]) next
        answered[c] = 1; last[c] = t
    }
}
function close_seg(c) {
    if (answered[c]) { m++; sstart[m] = start[c]; send[m] = last[c] }
    open[c] = 0
}
END {
    for (c in open) if (open[c]) close_seg(c)
    for (i = 1; i <= n; i++) {
        b = begin[i]; e = begin[i] + dur[i]; p = 0
        for (j = 1; j <= m; j++)
            if (sstart[j] >= b && sstart[j] <= e) p += send[j] - sstart[j]
        printf "%d %d %d\n", dur[i], p, dur[i] - p
    }
}
