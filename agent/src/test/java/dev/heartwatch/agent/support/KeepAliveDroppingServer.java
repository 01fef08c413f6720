package dev.heartwatch.agent.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS endpoint on loopback that keeps connections alive (HTTP/1.1, answers 200 with a
 * Content-Length) but drops one chosen request: it reads it, then resets the connection, as a
 * server does that closes an idle connection just as the client's next request arrives.
 * Records, for each request, the number of the connection it came on.
 */
public final class KeepAliveDroppingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final int dropRequest;
    private final List<Integer> connectionOfRequest = new ArrayList<>();
    private final List<Socket> open = new ArrayList<>();
    private int connections;

    /** @param dropRequest the 1-based request to reset after reading it */
    public KeepAliveDroppingServer(SSLContext tls, int dropRequest) throws IOException {
        this.socket = tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.dropRequest = dropRequest;
        Thread acceptor = new Thread(this::accept, "keep-alive-dropping");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "https://127.0.0.1:" + socket.getLocalPort() + "/api/ping";
    }

    /** For each request received so far, the (1-based) connection it arrived on. */
    public synchronized List<Integer> connectionOfEachRequest() {
        return List.copyOf(connectionOfRequest);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                int number;
                synchronized (this) {
                    open.add(s);
                    number = ++connections;
                }
                Thread t = new Thread(() -> serve(s, number), "keep-alive-connection-" + number);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                int length = readHeaders(in);
                if (length < 0) {
                    return; // the client closed the connection
                }
                in.readNBytes(length);
                int request;
                synchronized (this) {
                    connectionOfRequest.add(connection);
                    request = connectionOfRequest.size();
                }
                if (request == dropRequest) {
                    s.setSoLinger(true, 0); // RST, not FIN: the request dies under the client
                    return;
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away; nothing to serve
        }
    }

    /** Reads a request's headers; returns its Content-Length, or -1 at the end of the stream. */
    private static int readHeaders(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int length = 0;
        boolean any = false;
        int b;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String l = line.toString().trim();
            line.setLength(0);
            if (l.isEmpty()) {
                return length;
            }
            if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(l.substring("content-length:".length()).trim());
            }
        }
        if (any) {
            throw new IOException("request cut short");
        }
        return -1;
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
