package dev.heartwatch.agent.send;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The JDK's TLS socket factory, keeping hold of the plain socket under the latest TLS
 * connection, so that {@link RequestWatchdog} can close it at the deadline: a read blocked in the
 * TLS layer then ends at once. ({@code HttpURLConnection.disconnect()} alone first closes the
 * answer's stream, which waits for the read in progress, up to a whole read timeout.)
 *
 * <p>It makes no unconnected sockets (the inherited {@code createSocket()} refuses), so the
 * JDK's HTTPS client connects a plain socket itself and layers TLS over it here, with the host
 * name for SNI and its HTTPS endpoint identification, as it does through a proxy tunnel. Only
 * one request runs at a time per transport, so the latest socket is the request's (or the
 * kept-alive connection's).
 */
public final class TrackedTlsSockets extends SSLSocketFactory {
    private final SSLSocketFactory tls;
    private volatile Socket latest;

    public TrackedTlsSockets(SSLSocketFactory tls) {
        this.tls = tls;
    }

    /** The plain socket under the latest TLS connection, or null. */
    public Socket latest() {
        return latest;
    }

    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        latest = plain;
        return tls.createSocket(plain, host, port, autoClose);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    // Connected sockets made by address: the JDK's HTTPS client does not use these; delegated as they are.
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return tls.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return tls.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return tls.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return tls.createSocket(address, port, localAddress, localPort);
    }
}
