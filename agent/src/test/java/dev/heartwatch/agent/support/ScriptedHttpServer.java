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
import java.util.function.IntFunction;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback HTTP/1.x server that answers each request (numbered from 1) with bytes given
 * by the test, exactly as written, then keeps the connection or closes it: for answers a
 * real server may give that the JDK's HttpServer never writes (chunked with trailers,
 * interim 1xx, no length, HTTP/1.0, malformed heads). Records the head of each request and
 * the (1-based) connection it came on.
 */
public final class ScriptedHttpServer implements AutoCloseable {
    /**
     * What to write for a request, and whether to close the connection after it; {@code reset}:
     * write nothing and reset the connection (RST, not FIN), as a server does that drops an
     * idle connection just as the client's next request arrives.
     */
    public record Reply(String bytes, boolean closeAfter, boolean reset) {
        public static Reply keep(String bytes) {
            return new Reply(bytes, false, false);
        }

        public static Reply close(String bytes) {
            return new Reply(bytes, true, false);
        }

        public static Reply resetting() {
            return new Reply("", true, true);
        }
    }

    private final ServerSocket socket;
    private final boolean tls;
    private final IntFunction<Reply> script;
    private final List<Integer> connectionOfRequest = new ArrayList<>();
    private final List<String> heads = new ArrayList<>();
    private final List<String> serverNames = new ArrayList<>();
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

    /** For each TLS connection, the host name the client asked for (SNI), or "" when it sent none. */
    public synchronized List<String> serverNames() {
        return List.copyOf(serverNames);
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
            if (s instanceof SSLSocket tlsSocket) {
                tlsSocket.startHandshake();
                String name = "";
                for (SNIServerName n : ((ExtendedSSLSession) tlsSocket.getSession()).getRequestedServerNames()) {
                    if (n instanceof SNIHostName host) {
                        name = host.getAsciiName();
                    }
                }
                synchronized (this) {
                    serverNames.add(name);
                }
            }
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                RequestHead head = RequestHead.read(in);
                if (head == null) {
                    return;
                }
                in.readNBytes(head.contentLength());
                int request;
                synchronized (this) {
                    connectionOfRequest.add(connection);
                    heads.add(head.text() + "\n");
                    request = heads.size();
                }
                Reply reply = script.apply(request);
                if (reply.reset()) {
                    s.setSoLinger(true, 0);
                    return;
                }
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
