package dev.heartwatch.agent;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The plain socket under a connection, whose every read waits only for what is left of the
 * request's deadline. A TLS socket layered on it reads through this stream, a record at a time
 * and in as many reads as the bytes arrive, handshake included: without it, a read timeout set
 * once bounds each of those reads, not their sum, and a handshake or a record dribbled a byte
 * at a time (by the server, a proxy or a lossy line) would outlast the timeout many times over.
 */
final class DeadlineSocket extends Socket {
    private long end;
    private InputStream bounded;

    DeadlineSocket() {
        super(Proxy.NO_PROXY);
    }

    /** Milliseconds left before the deadline (at least 1), or a timeout when none are. */
    static int millisLeft(long endNanos) throws SocketTimeoutException {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no complete answer before the deadline");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
    }

    /** The deadline, as a {@link System#nanoTime()} value, for the reads that follow. */
    void until(long endNanos) {
        end = endNanos;
    }

    /** Made once, before the TLS layer takes its stream, so every later read goes through it. */
    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (bounded == null) {
            bounded = new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    setSoTimeout(millisLeft(end));
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    setSoTimeout(millisLeft(end));
                    return in.read(b, off, len);
                }
            };
        }
        return bounded;
    }
}
