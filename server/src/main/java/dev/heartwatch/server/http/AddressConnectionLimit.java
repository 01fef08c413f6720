package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.ClientAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.SelectorManager;

/**
 * At most {@code perAddress} open connections from one socket address; one more is closed as it
 * is accepted, before Jetty registers it or reads a byte (the client sees its connection closed,
 * not an answer). Jetty has a total ({@code NetworkConnectionLimit}) but no count per address, so
 * this is a {@link SelectorManager.AcceptListener} on the connector, the hook Jetty's own
 * connection limits use.
 *
 * <p>It counts the socket's peer, not the client a trusted proxy names: at accept time no request
 * has been read, so no {@code X-Forwarded-For} is known. A trusted proxy is therefore not capped
 * (every client behind it shares its address); it must limit its own clients.
 */
final class AddressConnectionLimit implements SelectorManager.AcceptListener {
    private final int perAddress;
    private final Set<String> uncapped;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final Map<SelectableChannel, InetAddress> counted = new ConcurrentHashMap<>();

    AddressConnectionLimit(int perAddress, Set<String> uncapped) {
        if (perAddress < 1) {
            throw new IllegalArgumentException("perAddress must be at least 1");
        }
        this.perAddress = perAddress;
        this.uncapped = Set.copyOf(uncapped);
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        InetAddress address = peer(channel);
        if (address == null || ClientAddress.parse(address.getHostAddress()).map(uncapped::contains).orElse(false)) {
            return;
        }
        if (open.merge(address, 1, Integer::sum) > perAddress) {
            release(address);
            try {
                channel.close(); // not registered with a selector yet: the client sees the close at once
            } catch (IOException e) {
                // closing is all we wanted
            }
            return;
        }
        counted.put(channel, address);
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        onClosed(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        InetAddress address = counted.remove(channel);
        if (address != null) {
            release(address);
        }
    }

    private void release(InetAddress address) {
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    private static InetAddress peer(SelectableChannel channel) {
        try {
            SocketAddress remote = channel instanceof SocketChannel socket ? socket.getRemoteAddress() : null;
            return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
