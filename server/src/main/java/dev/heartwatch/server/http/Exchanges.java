package dev.heartwatch.server.http;

import com.sun.net.httpserver.HttpExchange;
import dev.heartwatch.core.contract.ClientAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Small pieces every handler needs: plain answers, the bounded body, the key, the client address. */
public final class Exchanges {
    private Exchanges() {
    }

    /** A body over {@code limit} bytes: {@link #readBody} read {@code limit + 1} and stopped. */
    public static final class TooLarge extends Exception {
        TooLarge() {
            super("body too large", null, false, false);
        }
    }

    /**
     * Reads at most {@code limit} bytes of body; one byte more means {@link TooLarge}, and
     * nothing beyond that byte is read. A declared {@code Content-Length} over the limit is
     * refused before reading anything.
     */
    public static byte[] readBody(HttpExchange ex, int limit) throws IOException, TooLarge {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > limit) {
                    throw new TooLarge();
                }
            } catch (NumberFormatException e) {
                // The JDK server already rejects a malformed Content-Length; be safe anyway.
                throw new TooLarge();
            }
        }
        InputStream in = ex.getRequestBody();
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 1024));
        byte[] buf = new byte[2048];
        int total = 0;
        while (true) {
            int want = Math.min(buf.length, limit + 1 - total);
            int n = in.read(buf, 0, want);
            if (n < 0) {
                return out.toByteArray();
            }
            total += n;
            if (total > limit) {
                throw new TooLarge();
            }
            out.write(buf, 0, n);
        }
    }

    /**
     * Reads an empty request body to its end. The server is configured never to drain unread
     * bodies ({@code sun.net.httpserver.drainAmount=0}, so an early 401/413 reads nothing more);
     * a handler that leaves even an empty body unread would see its keep-alive connection
     * closed after the answer. Bodies with content are left alone.
     */
    public static void consumeEmptyBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        boolean chunked = ex.getRequestHeaders().containsKey("Transfer-Encoding");
        if (!chunked && (length == null || "0".equals(length.strip()))) {
            ex.getRequestBody().read();
        }
    }

    /** Answers with a short plain-text message; {@code close} asks the client to drop the connection. */
    public static void text(HttpExchange ex, int status, String message, boolean close) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (close) {
            ex.getResponseHeaders().set("Connection", "close");
        }
        send(ex, status, body);
    }

    public static void json(HttpExchange ex, int status, String json) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        send(ex, status, json.getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        ex.close();
    }

    /** The key as Azure reads it: the {@code x-functions-key} header, else the {@code code} query parameter. */
    public static String presentedKey(HttpExchange ex, Map<String, String> query) {
        String header = ex.getRequestHeaders().getFirst("x-functions-key");
        return header != null ? header : query.get("code");
    }

    /**
     * The client's address as the Azure front end would set {@code X-Client-IP}: the socket's
     * peer; only when the peer is a configured trusted proxy, the last hop of its
     * {@code X-Forwarded-For} (the hop that proxy appended).
     */
    public static Optional<String> clientAddress(HttpExchange ex, Set<String> trustedProxies) {
        InetSocketAddress remote = ex.getRemoteAddress();
        Optional<String> peer = remote == null || remote.getAddress() == null
                ? Optional.empty()
                : ClientAddress.parse(remote.getAddress().getHostAddress());
        if (peer.isPresent() && trustedProxies.contains(peer.get())) {
            List<String> xff = ex.getRequestHeaders().get("X-Forwarded-For");
            if (xff != null && !xff.isEmpty()) {
                Optional<String> forwarded = ClientAddress.fromHeaders(null, String.join(",", xff));
                if (forwarded.isPresent()) {
                    return forwarded;
                }
            }
        }
        return peer;
    }
}
