package dev.heartwatch.server.http;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * The one way every route answers: a short plain-text (or JSON) body with its length, never a
 * stack trace or an HTML page; Jetty's own errors come here too ({@link PlainErrors}). Also the
 * bounded body read that the ping and the admin API share.
 */
public final class Answers {
    private Answers() {
    }

    /** A body over {@code limit} bytes: {@link #readBody} read {@code limit + 1} and stopped. */
    public static final class TooLarge extends Exception {
        TooLarge() {
            super("body too large", null, false, false);
        }
    }

    /** Plain text with a trailing newline; {@code close} asks the client to drop the connection. */
    public static void text(Response response, Callback callback, int status, String message, boolean close) {
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        plain(response, callback, status, message + "\n");
    }

    /** Plain text exactly as given (the ping's {@code ok}, byte for byte what {@code Ping} answers). */
    public static void plain(Response response, Callback callback, int status, String body) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        send(response, callback, status, body.getBytes(StandardCharsets.UTF_8));
    }

    public static void json(Response response, Callback callback, int status, byte[] json) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        send(response, callback, status, json);
    }

    /** Status, {@code nosniff}, a known length and the body, as the last write of the exchange. */
    public static void send(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * Reads at most {@code limit} bytes of body; one byte more means {@link TooLarge}, and
     * nothing beyond that byte is read. A declared {@code Content-Length} over the limit is
     * refused before reading anything. Jetty bounds the wait for each byte by the connector's
     * idle timeout.
     */
    public static byte[] readBody(Request request, int limit) throws IOException, TooLarge {
        if (request.getLength() > limit) {
            throw new TooLarge();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(limit, 1024));
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                // Nothing buffered: wait for the next bytes (Jetty's idle timeout bounds the wait).
                try (Blocker.Runnable ready = Blocker.runnable()) {
                    request.demand(ready);
                    ready.block();
                }
                continue;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    // Jetty's own EofException as it is: Jetty treats it as quiet (no WARNING).
                    Throwable failure = chunk.getFailure();
                    throw failure instanceof IOException io ? io : new IOException(failure);
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                if (body.size() + bytes.remaining() > limit) {
                    throw new TooLarge();
                }
                byte[] part = new byte[bytes.remaining()];
                bytes.get(part);
                body.write(part);
                if (chunk.isLast()) {
                    return body.toByteArray();
                }
            } finally {
                chunk.release();
            }
        }
    }

    /** A read that failed because Jetty's idle timeout expired (the client stopped sending). */
    public static boolean isTimeout(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The key as Azure reads it: the {@code x-functions-key} header, else the {@code code} query parameter. */
    public static String presentedKey(Request request, Query query) {
        String header = request.getHeaders().get("x-functions-key");
        return header != null ? header : query.get("code");
    }
}
