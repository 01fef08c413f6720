package dev.heartwatch.agent;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.Locale;

/**
 * The parts of an HTTP/1.1 answer the agent acts on: the status, and whether the connection
 * may carry the next beat (RFC 9112 §9.3: HTTP/1.1 persists unless {@code Connection: close};
 * HTTP/1.0 only with {@code Connection: keep-alive}), and for how long the server says it
 * keeps it idle ({@code Keep-Alive: timeout=N}, RFC 2068 §19.7.1.1).
 *
 * <p>{@link #read} consumes the whole answer, body included, so the connection is ready for
 * the next request: the body is framed by {@code Transfer-Encoding: chunked}, else by
 * {@code Content-Length}, else by the end of the connection (RFC 9112 §6.3), as is a body
 * whose final transfer coding is not chunked. Interim 1xx answers are skipped. A body larger than the agent will read, or one framed by the end of
 * the stream, is not read to its end and the connection is not reused.
 *
 * @param keepAliveSeconds the server's idle time for this connection, or -1 when it named none
 */
record HttpAnswer(int status, boolean reusable, long keepAliveSeconds) {
    static final int MAX_HEAD_BYTES = 16 * 1024;

    /** Only the status of an answer without a body to come (a proxy's answer to CONNECT); 1xx skipped. */
    static int readStatus(AnswerInput in) throws IOException {
        Head head;
        int[] used = {0};
        do {
            head = Head.read(in, used);
        } while (head.status >= 100 && head.status < 200);
        return head.status;
    }

    static HttpAnswer read(AnswerInput in, long maxBodyBytes) throws IOException {
        Head head;
        int[] used = {0}; // interim answers count too: endless 1xx heads end at the limit, not the deadline
        do {
            head = Head.read(in, used);
        } while (head.status >= 100 && head.status < 200 && head.status != 101);

        if (head.status == 101) {
            throw new ProtocolException("the server switched protocols unasked");
        }
        boolean framed = true;
        boolean complete = true;
        if (head.status == 204 || head.status == 304) {
            // no body, whatever the headers say
        } else if (head.chunked) {
            complete = skipChunked(in, maxBodyBytes);
        } else if (head.contentLength >= 0) {
            if (head.contentLength <= maxBodyBytes) {
                in.skipExactly(head.contentLength);
            } else {
                complete = false;
            }
        } else {
            framed = false;
            skipToEnd(in, maxBodyBytes);
        }
        boolean persistent = (head.http11 ? !head.close : head.keepAlive) && !head.suspectFraming;
        boolean reusable = persistent && framed && complete && !in.hasBuffered();
        return new HttpAnswer(head.status, reusable, head.keepAliveSeconds);
    }

    /** Reads a chunked body to its end; false when it passed {@code max} (left unread). */
    private static boolean skipChunked(AnswerInput in, long max) throws IOException {
        long total = 0;
        StringBuilder line = new StringBuilder();
        int[] used = {0};
        while (true) {
            String size = readLine(in, line, used);
            int semicolon = size.indexOf(';');
            String hex = (semicolon < 0 ? size : size.substring(0, semicolon)).trim();
            long n;
            try {
                n = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("malformed chunk size");
            }
            if (n < 0) {
                throw new ProtocolException("malformed chunk size");
            }
            if (n == 0) {
                while (!readLine(in, line, used).isEmpty()) {
                    // trailer fields: nothing the agent needs
                }
                return true;
            }
            if (n > max - total) { // not total + n > max: a huge n would wrap past it
                return false;
            }
            total += n;
            in.skipExactly(n);
            if (!readLine(in, line, used).isEmpty()) {
                throw new ProtocolException("malformed chunk end");
            }
        }
    }

    private static void skipToEnd(AnswerInput in, long max) throws IOException {
        byte[] sink = new byte[512];
        long total = 0;
        int n;
        while (total <= max && (n = in.read(sink, 0, sink.length)) >= 0) {
            total += n;
        }
    }

    /**
     * One line without its CRLF (a bare LF is accepted, RFC 9112 §2.2), ISO-8859-1. Every
     * line of the head and of the chunk framing counts towards {@link #MAX_HEAD_BYTES}, so a
     * server cannot make the agent read or keep an endless line.
     */
    static String readLine(AnswerInput in, StringBuilder line, int[] used) throws IOException {
        line.setLength(0);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException(used[0] == 0 ? "connection closed before any answer" : "answer cut short");
            }
            if (++used[0] > MAX_HEAD_BYTES) {
                throw new ProtocolException("answer head too long");
            }
            line.append((char) b);
        }
        used[0]++;
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(len - 1);
        }
        return line.toString();
    }

    /** Status line and the header fields that matter here. */
    private static final class Head {
        int status;
        boolean http11;
        boolean transferEncoding;
        boolean chunked;
        boolean suspectFraming;
        long contentLength = -1;
        boolean close;
        boolean keepAlive;
        long keepAliveSeconds = -1;

        static Head read(AnswerInput in, int[] used) throws IOException {
            StringBuilder line = new StringBuilder(64);
            String statusLine = readLine(in, line, used);
            Head h = new Head();
            // HTTP-version SP status-code SP [reason-phrase]
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || statusLine.charAt(8) != ' ') {
                throw new ProtocolException("not an HTTP/1.x answer");
            }
            h.http11 = statusLine.charAt(7) != '0';
            try {
                h.status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new ProtocolException("malformed status line");
            }
            if (h.status < 100 || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
                throw new ProtocolException("malformed status line");
            }
            // A field is acted on only once the next line shows it is not continued (obs-fold).
            String pending = null;
            String field;
            while (!(field = readLine(in, line, used)).isEmpty()) {
                char first = field.charAt(0);
                if (first == ' ' || first == '\t') {
                    // RFC 9112 §5.2: a folded line continues the field before it, read as one space;
                    // never a field of its own (a folded "Content-Length" would misframe the body).
                    if (pending == null) {
                        throw new ProtocolException("malformed header field"); // §2.2: none before the first field
                    }
                    pending = pending + ' ' + field.trim();
                    continue;
                }
                if (pending != null) {
                    h.field(pending);
                }
                pending = field;
            }
            if (pending != null) {
                h.field(pending);
            }
            if (h.transferEncoding) {
                // RFC 9112 §6.3: Transfer-Encoding wins over a length; a final coding other than
                // chunked means the body ends with the connection. With a length too, or in an
                // HTTP/1.0 answer (§6.1), the framing is suspect: read it, then never reuse.
                h.suspectFraming = h.contentLength >= 0 || !h.http11;
                h.contentLength = -1;
            }
            return h;
        }

        private void field(String field) throws ProtocolException {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("malformed header field");
            }
            String name = field.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = field.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> contentLength = contentLength(value, contentLength);
                case "transfer-encoding" -> {
                    // Several fields make one list (RFC 9110 §5.3): the last field's last coding is the final one.
                    transferEncoding = true;
                    chunked = value.substring(value.lastIndexOf(',') + 1).trim().equals("chunked");
                }
                case "connection" -> {
                    close |= hasToken(value, "close");
                    keepAlive |= hasToken(value, "keep-alive");
                }
                case "keep-alive" -> keepAliveSeconds = timeout(value);
                default -> {
                    // not needed by the agent
                }
            }
        }

        private static long contentLength(String value, long earlier) throws ProtocolException {
            // 1*DIGIT (RFC 9110 §8.6): no sign, no spaces; 18 digits cannot overflow a long.
            if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new ProtocolException("malformed Content-Length");
            }
            long n = Long.parseLong(value);
            if (earlier >= 0 && earlier != n) {
                throw new ProtocolException("malformed Content-Length");
            }
            return n;
        }

        private static boolean hasToken(String value, String token) {
            for (String t : value.split(",")) {
                if (t.trim().equals(token)) {
                    return true;
                }
            }
            return false;
        }

        /** {@code timeout=N} of a Keep-Alive field, or -1. */
        private static long timeout(String value) {
            for (String part : value.split(",")) {
                String p = part.trim();
                if (p.startsWith("timeout=")) {
                    try {
                        return Math.max(0, Long.parseLong(p.substring(8).trim()));
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
            return -1;
        }
    }
}
