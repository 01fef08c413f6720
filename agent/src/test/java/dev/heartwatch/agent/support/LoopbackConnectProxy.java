package dev.heartwatch.agent.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP proxy on loopback, as a branch office's would be: {@code CONNECT} opens a tunnel
 * (to loopback targets only; anything else is refused 403), any other request is answered
 * by the proxy itself with 200 "ok" (enough to see the absolute-form request it got). With
 * credentials set, a request without the matching {@code Proxy-Authorization} gets 407.
 * Records every request head, and every byte the client sent into a tunnel.
 */
public final class LoopbackConnectProxy implements AutoCloseable {
    private final ServerSocket socket;
    private final String requiredAuthorization;
    private final List<String> heads = new ArrayList<>();
    private final ByteArrayOutputStream tunnelled = new ByteArrayOutputStream();
    private final List<Socket> open = new ArrayList<>();

    /** @param requiredAuthorization e.g. "Basic dTpw", or null to let everyone through */
    public LoopbackConnectProxy(String requiredAuthorization) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.requiredAuthorization = requiredAuthorization;
        Thread t = new Thread(this::accept, "connect-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    public synchronized List<String> heads() {
        return List.copyOf(heads);
    }

    /** What clients wrote into tunnels, as text (TLS records: nothing of it should be readable). */
    public String tunnelledText() {
        synchronized (tunnelled) {
            return tunnelled.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                synchronized (this) {
                    open.add(s);
                }
                Thread t = new Thread(() -> serve(s), "connect-proxy-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            while (true) {
                RequestHead head = RequestHead.read(in);
                if (head == null) {
                    client.close();
                    return;
                }
                synchronized (this) {
                    heads.add(head.text());
                }
                String auth = head.header("proxy-authorization");
                if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\n"
                            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    client.close();
                    return;
                }
                String[] requestLine = head.lines().get(0).split(" ");
                if (requestLine[0].equals("CONNECT")) {
                    tunnel(client, in, out, requestLine[1]);
                    return;
                }
                in.readNBytes(head.contentLength());
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void tunnel(Socket client, InputStream in, OutputStream out, String authority) throws IOException {
        int colon = authority.lastIndexOf(':');
        String host = authority.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(authority.substring(colon + 1));
        InetAddress address = InetAddress.getByName(host); // literals only in these tests: nothing is looked up
        if (!address.isLoopbackAddress()) {
            out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.close();
            return;
        }
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(address, port), 2000);
        } catch (IOException e) {
            out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.close();
            return;
        }
        synchronized (this) {
            open.add(upstream);
        }
        out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread down = new Thread(() -> pipe(upstream, client, null), "connect-proxy-down");
        down.setDaemon(true);
        down.start();
        pipe(in, upstream, tunnelled);
    }

    private static void pipe(Socket from, Socket to, ByteArrayOutputStream copy) {
        try {
            pipe(from.getInputStream(), to, copy);
        } catch (IOException e) {
            // closed
        }
    }

    private static void pipe(InputStream from, Socket to, ByteArrayOutputStream copy) {
        byte[] buf = new byte[4096];
        try {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = from.read(buf)) >= 0) {
                if (copy != null) {
                    synchronized (copy) {
                        copy.write(buf, 0, n);
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed: the tunnel ends
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        synchronized (this) {
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
