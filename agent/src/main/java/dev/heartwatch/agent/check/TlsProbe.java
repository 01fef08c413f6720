package dev.heartwatch.agent.check;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.send.BoundedResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.util.List;

/**
 * {@code tls HOST:PORT min-days N}: the JDK's handshake verifies the chain against the trust
 * store (the JDK's, or the check's {@code ca} file) and the host name (HTTPS endpoint
 * identification, as for a beat); then the leaf must expire in more than N days. The days left
 * go in the note, or in the outage's detail.
 */
final class TlsProbe implements Probe {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final String host;
    private final int port;
    private final int minDays;
    private final SSLSocketFactory tls;
    private final BoundedResolver resolver;
    private final Clock clock;

    TlsProbe(String host, int port, int minDays, SSLSocketFactory tls, BoundedResolver resolver, Clock clock) {
        this.host = host;
        this.port = port;
        this.minDays = minDays;
        this.tls = tls;
        this.resolver = resolver;
        this.clock = clock;
    }

    @Override
    public ProbeResult run(Deadline deadline) {
        try {
            InetAddress address = resolver.resolve(host, deadline.endNanos())[0];
            X509Certificate leaf;
            try (Socket plain = new Socket(Proxy.NO_PROXY); Deadline.Cut cut = deadline.cutAt(plain)) {
                plain.connect(new InetSocketAddress(address, port), deadline.millisLeft());
                plain.setSoTimeout(deadline.millisLeft());
                try (SSLSocket s = (SSLSocket) tls.createSocket(plain, host, port, true)) {
                    SSLParameters p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    if (!Character.isDigit(host.charAt(0)) && !host.contains(":")) {
                        p.setServerNames(List.of(new SNIHostName(host)));
                    }
                    s.setSSLParameters(p);
                    s.startHandshake();
                    Certificate[] chain = s.getSession().getPeerCertificates();
                    leaf = (X509Certificate) chain[0];
                }
            }
            long left = leaf.getNotAfter().getTime() - clock.millis();
            long days = Math.floorDiv(left, DAY_MS);
            String when = "expires " + Instant.ofEpochMilli(leaf.getNotAfter().getTime()) + ", in " + days + " days";
            if (days <= minDays) {
                return ProbeResult.fail(Cause.CERT_EXPIRING, target() + ": certificate " + when + " (min-days " + minDays + ")");
            }
            return ProbeResult.pass("certificate " + when);
        } catch (IOException e) {
            return ProbeFailures.of(e, deadline, target());
        } catch (RuntimeException e) {
            return ProbeResult.fail(Cause.UNKNOWN, target() + ": " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String target() {
        return HostPort.text(host, port);
    }
}
