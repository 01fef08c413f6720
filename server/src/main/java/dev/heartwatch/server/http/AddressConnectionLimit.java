package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.ClientAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;

/**
 * At most {@code perAddress} open connections from one socket address; one more is closed as it
 * opens, before a byte of it is read. Jetty has a total ({@code NetworkConnectionLimit}) but no
 * count per address, so this is a {@link Connection.Listener} on the connector, the hook Jetty's
 * own limits use.
 *
 * <p>It counts the socket's peer, not the client a trusted proxy names: at accept time no request
 * has been read, so no {@code X-Forwarded-For} is known. A trusted proxy is therefore not capped
 * (every client behind it shares its address); it must limit its own clients.
 */
final class AddressConnectionLimit implements Connection.Listener {
    private final int perAddress;
    private final Set<String> uncapped;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();

    AddressConnectionLimit(int perAddress, Set<String> uncapped) {
        if (perAddress < 1) {
            throw new IllegalArgumentException("perAddress must be at least 1");
        }
        this.perAddress = perAddress;
        this.uncapped = Set.copyOf(uncapped);
    }

    @Override
    public void onOpened(Connection connection) {
        // One HTTP connection per TCP connection (TLS below it is another Connection: not counted).
        if (!(connection instanceof ConnectionMetaData)) {
            return;
        }
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null
                || ClientAddress.parse(inet.getAddress().getHostAddress()).map(uncapped::contains).orElse(false)) {
            return;
        }
        InetAddress address = inet.getAddress();
        counted.put(connection, address);
        if (open.merge(address, 1, Integer::sum) > perAddress) {
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Open connections from {@code address} now (for tests and diagnostics). */
    int openFrom(InetAddress address) {
        return open.getOrDefault(address, 0);
    }
}
