package dev.heartwatch.agent.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Faults below HTTP, on loopback: a port that refuses, a server that resets the
 * connection after reading the request, one that accepts and never answers, one
 * whose accept queue is full so a new connection never completes, and one that
 * answers a TLS client with a handshake record dribbled a byte every 200 ms.
 */
public final class RawFaultServer implements AutoCloseable {
    public enum Fault { RESET, HANG, FULL_BACKLOG, DRIBBLE_TLS }

    private final ServerSocket socket;
    private final List<Socket> held = new ArrayList<>();
    private final Thread acceptor;

    private RawFaultServer(Fault fault) throws IOException {
        socket = new ServerSocket(0, fault == Fault.FULL_BACKLOG ? 1 : 50, InetAddress.getLoopbackAddress());
        if (fault == Fault.FULL_BACKLOG) {
            // Never accept; fill the queue so the kernel drops further SYNs.
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket();
                try {
                    s.connect(socket.getLocalSocketAddress(), 200);
                    held.add(s);
                } catch (IOException e) {
                    s.close();
                    break;
                }
            }
            acceptor = null;
            return;
        }
        acceptor = new Thread(() -> serve(fault), "raw-fault-" + fault);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static RawFaultServer start(Fault fault) throws IOException {
        return new RawFaultServer(fault);
    }

    /** A loopback port with nothing listening: connections are refused. */
    public static int refusingPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Connections accepted so far. */
    public int accepted() {
        synchronized (held) {
            return held.size();
        }
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/api/ping";
    }

    private void serve(Fault fault) {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                synchronized (held) {
                    held.add(s);
                }
                if (fault == Fault.DRIBBLE_TLS) {
                    Thread t = new Thread(() -> dribbleHandshake(s), "raw-fault-dribble");
                    t.setDaemon(true);
                    t.start();
                    continue;
                }
                readHeaders(s.getInputStream());
                if (fault == Fault.RESET) {
                    s.setSoLinger(true, 0); // close with RST, not FIN
                    s.close();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * A TLS record header announcing a 16 KiB handshake message, then its bytes, slowly, for
     * 5 s (longer than the tests' timeouts, short enough that a client that waits fails, not hangs).
     */
    private static void dribbleHandshake(Socket s) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00});
            out.flush();
            for (int i = 0; i < 25 && !s.isClosed(); i++) {
                Thread.sleep(200);
                out.write(0x02);
                out.flush();
            }
            s.close();
        } catch (IOException | InterruptedException e) {
            // the client gave up
        }
    }

    private static void readHeaders(InputStream in) throws IOException {
        int matched = 0;
        int b;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4 && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
        socket.close();
    }
}
