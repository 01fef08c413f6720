package dev.heartwatch.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One connection to an endpoint, kept open from beat to beat while the server allows it.
 * Opened within the request's deadline, directly or through an HTTP proxy: each address the
 * name resolves to is tried in turn; then, for HTTPS, the TLS handshake (sending the host name as SNI)
 * validates the certificate chain, and {@link PeerHostname} checks it names the host.
 */
final class HttpConnection implements AutoCloseable {
    private final DeadlineSocket raw;
    private final Socket socket;
    private final AnswerInput in;
    private final OutputStream out;
    private long idleSince;
    private long idleLimitNanos;

    private HttpConnection(DeadlineSocket raw, Socket socket) throws IOException {
        this.raw = raw;
        this.socket = socket;
        this.in = new AnswerInput(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code host}:{@code port} before {@code endNanos}, over TLS when {@code tls}
     * is not null.
     *
     * @throws UnknownHostException when the name does not resolve
     */
    static HttpConnection open(String host, int port, SSLSocketFactory tls, HttpProxy proxy, BoundedResolver resolver,
                               long endNanos) throws IOException {
        DeadlineSocket raw = proxy == null ? connect(host, port, resolver, endNanos)
                : connect(proxy.host, proxy.port, resolver, endNanos);
        raw.until(endNanos);
        try {
            if (tls == null) {
                return new HttpConnection(raw, raw);
            }
            if (proxy != null) {
                tunnel(raw, host, port, proxy, endNanos);
            }
            return new HttpConnection(raw, handshake(raw, host, port, tls, endNanos));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Asks the proxy for a tunnel to {@code host}:{@code port} (RFC 9110 §9.3.6); the TLS
     * handshake then runs through it with the endpoint itself.
     */
    private static void tunnel(DeadlineSocket raw, String host, int port, HttpProxy proxy, long endNanos)
            throws IOException {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        StringBuilder r = new StringBuilder(128).append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        if (!proxy.authorization.isEmpty()) {
            r.append("Proxy-Authorization: ").append(proxy.authorization).append("\r\n");
        }
        r.append("\r\n");
        OutputStream o = raw.getOutputStream();
        o.write(r.toString().getBytes(StandardCharsets.ISO_8859_1));
        o.flush();
        AnswerInput in = new AnswerInput(raw.getInputStream());
        int status = HttpAnswer.readStatus(in);
        if (status < 200 || status > 299) {
            throw new ProxyRefusedException(proxy, status);
        }
        if (in.hasBuffered()) {
            throw new ProtocolException("the proxy sent bytes of its own into the tunnel");
        }
    }

    /** Tries each address the name resolves to (IPv6 and IPv4, in the resolver's order) until one connects. */
    private static DeadlineSocket connect(String host, int port, BoundedResolver resolver, long endNanos)
            throws IOException {
        IOException last = null;
        for (InetAddress address : resolver.resolve(host, endNanos)) {
            DeadlineSocket raw = new DeadlineSocket();
            try {
                raw.setTcpNoDelay(true);
                raw.connect(new InetSocketAddress(address, port), DeadlineSocket.millisLeft(endNanos));
                return raw;
            } catch (SocketTimeoutException e) {
                raw.close();
                throw e; // the deadline is spent: no time for another address
            } catch (IOException e) {
                raw.close();
                last = e;
            }
        }
        throw last != null ? last : new UnknownHostException(host);
    }

    private static SSLSocket handshake(Socket raw, String host, int port, SSLSocketFactory tls, long endNanos)
            throws IOException {
        SSLSocket s = (SSLSocket) tls.createSocket(raw, host, port, true);
        s.startHandshake(); // its reads go through the DeadlineSocket underneath: bounded
        // The chain was validated in the handshake; the name is checked here, before any byte is sent.
        PeerHostname.verify(host, (X509Certificate) s.getSession().getPeerCertificates()[0]);
        return s;
    }

    /**
     * Sends one request and reads the whole answer before {@code endNanos}. Head and body go
     * in one write: at most about 8 KB, which the socket's empty send buffer takes without
     * blocking, so the write needs no deadline of its own.
     */
    HttpAnswer exchange(byte[] request, long endNanos, long maxBodyBytes) throws IOException {
        raw.until(endNanos);
        out.write(request);
        out.flush();
        return HttpAnswer.read(in, maxBodyBytes);
    }

    /** Idle from {@code nowNanos}, for at most {@code limitNanos} before it is not reused. */
    void idle(long nowNanos, long limitNanos) {
        idleSince = nowNanos;
        idleLimitNanos = limitNanos;
    }

    /**
     * Whether a kept-alive connection can carry the next request: not idle past its limit,
     * and nothing arrived while it was idle. A server closing an idle connection sends its TLS
     * close_notify first (or, over plain HTTP, bytes arrive only with an error), so unread bytes
     * mean the connection is going away. A bare FIN is not seen here; the request then fails at
     * once and {@link HttpTransport} retries it on a fresh connection. Bytes the TLS layer
     * decrypted past the last answer (a record that held more than the answer) wait in the TLS
     * socket, where the raw socket shows nothing: they too would be read as the next answer.
     */
    boolean usable(long nowNanos) {
        if (socket.isClosed() || nowNanos - idleSince > idleLimitNanos || in.hasBuffered()) {
            return false;
        }
        try {
            InputStream rawIn = raw.getInputStream();
            return rawIn.available() == 0 && (socket == raw || socket.getInputStream().available() == 0);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a broken connection: nothing more to release
        }
    }
}
