package dev.heartwatch.agent;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a connection's answer, buffered here so a header line costs one socket read, not one
 * per byte. The deadline is not kept here: every read of the socket underneath waits only for
 * what is left of it ({@link DeadlineSocket}), TLS layer or not.
 */
final class AnswerInput {
    private final InputStream in;
    private final byte[] buf = new byte[2048];
    private int pos;
    private int lim;

    AnswerInput(InputStream in) {
        this.in = in;
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
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }
}
