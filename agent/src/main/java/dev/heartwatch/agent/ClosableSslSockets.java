package dev.heartwatch.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * An {@link SSLSocketFactory} that remembers its sockets, so the request deadline
 * can close them: closing the socket is the only thing that releases a thread
 * blocked reading a TLS body. One instance per transport (not per request), so the
 * JDK still reuses kept-alive connections, whose cache key includes the factory.
 */
final class ClosableSslSockets extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final List<Socket> sockets = new ArrayList<>();

    ClosableSslSockets(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    /** Closes every socket still open: they all belong to the one request in flight or to the idle pool. */
    synchronized void closeAll() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // already broken: nothing more to release
            }
        }
        sockets.clear();
    }

    private synchronized Socket track(Socket s) {
        for (Iterator<Socket> it = sockets.iterator(); it.hasNext(); ) {
            if (it.next().isClosed()) {
                it.remove();
            }
        }
        sockets.add(s);
        return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return track(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return track(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return track(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return track(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return track(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return track(delegate.createSocket(address, port, localAddress, localPort));
    }
}
