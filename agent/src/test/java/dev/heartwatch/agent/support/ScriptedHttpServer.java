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
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTP/1.x server that answers each request (numbered from 1) with bytes given
 * by the test, exactly as written, then keeps the connection or closes it: for answers a
 * real server may give that the JDK's HttpServer never writes (chunked with trailers,
 * interim 1xx, no length, HTTP/1.0, malformed heads). Records the head of each request and
 * the (1-based) connection it came on.
 */
public final class ScriptedHttpServer implements AutoCloseable {
    /** What to write for a request, and whether to close the connection after it. */
    public record Reply(String bytes, boolean closeAfter) {
        public static Reply keep(String bytes) {
            return new Reply(bytes, false);
        }

        public static Reply close(String bytes) {
            return new Reply(bytes, true);
        }
    }

    private final ServerSocket socket;
    private final boolean tls;
    private final IntFunction<Reply> script;
    private final List<Integer> connectionOfRequest = new ArrayList<>();
    private final List<String> heads = new ArrayList<>();
    private final List<Socket> open = new ArrayList<>();
    private int connections;

    private ScriptedHttpServer(ServerSocket socket, boolean tls, IntFunction<Reply> script) {
        this.socket = socket;
        this.tls = tls;
        this.script = script;
        Thread acceptor = new Thread(this::accept, "scripted-http");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static ScriptedHttpServer http(IntFunction<Reply> script) throws IOException {
        return new ScriptedHttpServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), false, script);
    }

    public static ScriptedHttpServer https(SSLContext context, IntFunction<Reply> script) throws IOException {
        return new ScriptedHttpServer(
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()), true,
                script);
    }

    public String url() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + socket.getLocalPort() + "/api/ping";
    }

    public synchronized List<Integer> connectionOfEachRequest() {
        return List.copyOf(connectionOfRequest);
    }

    public synchronized List<String> heads() {
        return List.copyOf(heads);
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
                Thread t = new Thread(() -> serve(s, number), "scripted-http-" + number);
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
                StringBuilder head = new StringBuilder();
                int length = readHead(in, head);
                if (length < 0) {
                    return;
                }
                in.readNBytes(length);
                int request;
                synchronized (this) {
                    connectionOfRequest.add(connection);
                    heads.add(head.toString());
                    request = heads.size();
                }
                Reply reply = script.apply(request);
                out.write(reply.bytes().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (reply.closeAfter()) {
                    return; // try-with-resources closes: FIN, and over TLS a close_notify first
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Reads a request head into {@code head}; returns its Content-Length, or -1 at the end of the stream. */
    private static int readHead(InputStream in, StringBuilder head) throws IOException {
        StringBuilder line = new StringBuilder();
        int length = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String l = line.toString().trim();
            line.setLength(0);
            if (l.isEmpty()) {
                return length;
            }
            head.append(l).append('\n');
            if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(l.substring("content-length:".length()).trim());
            }
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
