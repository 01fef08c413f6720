package dev.heartwatch.agent;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Reads a connection's answer without ever blocking past the request's deadline. Before
 * each read from the socket, the socket's read timeout is set to what is left of the
 * deadline, so a server that dribbles its answer a byte at a time is cut off at the
 * deadline, not a read timeout per byte; no watchdog thread is needed. Buffered here so a
 * header line costs one socket read, not one per byte.
 */
final class DeadlineInput {
    private final Socket socket;
    private final InputStream in;
    private final byte[] buf = new byte[2048];
    private int pos;
    private int lim;
    private long end;

    /** @param socket the socket whose read timeout governs {@code in} (for TLS, the SSLSocket) */
    DeadlineInput(Socket socket, InputStream in) {
        this.socket = socket;
        this.in = in;
    }

    /** The deadline, as a {@link System#nanoTime()} value, for the reads that follow. */
    void until(long endNanos) {
        end = endNanos;
    }

    /** Milliseconds left before the deadline (at least 1), or a timeout when none are. */
    static int millisLeft(long endNanos) throws SocketTimeoutException {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no complete answer before the deadline");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
    }

    /** One byte, or -1 at the end of the stream. */
    int read() throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Up to {@code len} bytes into {@code b}; -1 at the end of the stream. */
    int read(byte[] b, int off, int len) throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Skips exactly {@code n} bytes; the stream ending first is an error. */
    void skipExactly(long n) throws IOException {
        while (n > 0) {
            if (pos == lim && !fill()) {
                throw new EOFException("answer cut short");
            }
            int step = (int) Math.min(n, lim - pos);
            pos += step;
            n -= step;
        }
    }

    /** True when bytes already read from the socket are waiting here. */
    boolean hasBuffered() {
        return pos < lim;
    }

    private boolean fill() throws IOException {
        socket.setSoTimeout(millisLeft(end));
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }
}
