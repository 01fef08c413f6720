package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.ClientAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;

/** Who is on the other end of a request, from the socket; forwarded headers only from a trusted proxy. */
public final class Peer {
    private Peer() {
    }

    /** The socket's peer, or null when the connection has none (Jetty's in-memory connectors). */
    public static InetAddress socketAddress(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /**
     * The socket peer in canonical text ({@link ClientAddress#parse}), parsed once per connection
     * and kept as a connection attribute: every request on a kept-alive connection has the same
     * peer, and each asked for it twice (the access decision, then the ping's address).
     */
    static Optional<String> canonicalPeer(Request request) {
        ConnectionMetaData connection = request.getConnectionMetaData();
        if (connection.getAttribute(PEER_ATTRIBUTE) instanceof String cached) {
            return cached.isEmpty() ? Optional.empty() : Optional.of(cached);
        }
        InetAddress socket = socketAddress(request);
        Optional<String> peer = socket == null ? Optional.empty() : ClientAddress.parse(socket.getHostAddress());
        connection.setAttribute(PEER_ATTRIBUTE, peer.orElse(""));
        return peer;
    }

    private static final String PEER_ATTRIBUTE = Peer.class.getName() + ".canonical";

    /**
     * The client's address as the Azure front end would set {@code X-Client-IP}: the socket's
     * peer; only when the peer is a configured trusted proxy, the last hop of its
     * {@code X-Forwarded-For} (the hop that proxy appended).
     */
    public static Optional<String> clientAddress(Request request, Set<String> trustedProxies) {
        Optional<String> peer = canonicalPeer(request);
        if (peer.isPresent() && trustedProxies.contains(peer.get())) {
            List<String> xff = request.getHeaders().getValuesList("X-Forwarded-For");
            if (!xff.isEmpty()) {
                Optional<String> forwarded = ClientAddress.fromHeaders(null, String.join(",", xff));
                if (forwarded.isPresent()) {
                    return forwarded;
                }
            }
        }
        return peer;
    }

    /**
     * Headers a proxy adds to say whom it forwards for (RFC 7239's {@code Forwarded}, the
     * de-facto {@code X-Forwarded-*} and {@code X-Real-IP}, and {@code Via}, RFC 9110 section 7.6.3).
     */
    static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
            "X-Forwarded-Proto", "X-Real-IP", "Via");

    /**
     * The request came through a proxy, as far as the server can tell: its socket peer is a
     * trusted proxy, or it carries any forwarding header. A proxy that is not listed and adds
     * none of them cannot be told from a local client (docs/server.md, "Access").
     */
    public static boolean isForwarded(Request request, Set<String> trustedProxies) {
        if (canonicalPeer(request).map(trustedProxies::contains).orElse(false)) {
            return true;
        }
        for (String header : FORWARDING_HEADERS) {
            if (request.getHeaders().contains(header)) {
                return true;
            }
        }
        return false;
    }
}
