package dev.heartwatch.agent.check;

import dev.heartwatch.agent.send.BoundedResolver;
import dev.heartwatch.common.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;

/**
 * {@code tcp HOST:PORT}: the connection opens (and is closed at once, nothing sent). Direct,
 * never through a SOCKS proxy the JVM may be given; the connect's own timeout (the time left) is
 * its bound, as nothing else blocks. An address literal is read once, a name resolved each run.
 */
final class TcpProbe implements Probe {
    private final String host;
    private final int port;
    private final BoundedResolver resolver;
    private final InetSocketAddress literal;

    TcpProbe(String host, int port, BoundedResolver resolver) {
        this.host = host;
        this.port = port;
        this.resolver = resolver;
        InetAddress a = IpLiteral.parse(host);
        this.literal = a == null ? null : new InetSocketAddress(a, port);
    }

    @Override
    public ProbeResult run(Deadline deadline) {
        try {
            InetSocketAddress to = literal != null ? literal
                    : new InetSocketAddress(resolver.resolve(host, deadline.endNanos())[0], port);
            try (Socket s = new Socket(Proxy.NO_PROXY)) {
                s.connect(to, deadline.millisLeft());
            }
            return ProbeResult.pass("tcp open");
        } catch (IOException e) {
            return ProbeFailures.of(e, deadline, target());
        }
    }

    @Override
    public String target() {
        return HostPort.text(host, port);
    }
}
