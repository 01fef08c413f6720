package dev.heartwatch.agent.check;

import dev.heartwatch.agent.send.BoundedResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** {@code tcp HOST:PORT}: the connection opens (and is closed at once, nothing sent). */
final class TcpProbe implements Probe {
    private final String host;
    private final int port;
    private final BoundedResolver resolver;

    TcpProbe(String host, int port, BoundedResolver resolver) {
        this.host = host;
        this.port = port;
        this.resolver = resolver;
    }

    @Override
    public ProbeResult run(Deadline deadline) {
        try {
            InetAddress address = resolver.resolve(host, deadline.endNanos())[0];
            try (Socket s = new Socket(); Deadline.Cut cut = deadline.cutAt(s)) {
                s.connect(new InetSocketAddress(address, port), deadline.millisLeft());
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
