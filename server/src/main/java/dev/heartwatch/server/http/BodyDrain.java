package dev.heartwatch.server.http;

import dev.heartwatch.server.store.RegistryAdministration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * An answer sent before its request's body was read (413 over a cap, 401 without the key, any
 * early refusal) reaches a client that is still sending that body: after the answer is written
 * (with {@code Connection: close}, Jetty then shuts the output: a FIN), the rest of the body is
 * read and discarded, and only then is the exchange complete and the connection closed. This is
 * RFC 9112 §9.6's staged tear-down. Without it, Jetty 12.1 closes the connection on the first
 * request byte that arrives after the exchange completes ({@code HttpConnection}'s parser is
 * closed and refuses it), the kernel answers the unread bytes with a reset, and a client still
 * writing its body loses the answer: the JDK's client reports "HTTP/1.1 header parser received
 * no bytes". {@code HttpConfiguration.setMaxUnconsumedRequestContentReads} does not help: it
 * reads only what has already arrived, it never waits for the rest.
 *
 * <p>Bounded, so that a refused client cannot keep its connection: at most {@link #MAX_BYTES}
 * are discarded (a declared {@code Content-Length} over it is not read at all: the server closes
 * as before), and the reads go through {@link ReadDeadline}'s body deadline, so the drain ends
 * at the request time, like any body; Jetty's idle timeout bounds each wait. No thread waits:
 * the drain goes on when Jetty has bytes ({@link Request#demand}). A request that says
 * {@code Expect: 100-continue} is not drained: answered without the {@code 100}, its client
 * should not send the body, and reading it would make Jetty ask for it.
 */
final class BodyDrain extends Handler.Wrapper {
    /**
     * The most of a body read after its answer: twice the largest body a route takes (the
     * registry's 1 MiB), so a client's upload just over a cap still learns why it was refused.
     */
    static final int MAX_BYTES = 2 * RegistryAdministration.MAX_REGISTRY_BYTES;

    BodyDrain(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(request, response, new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                if (!response.isCommitted() // nothing written yet: Jetty writes the answer when told
                        || request.getLength() > MAX_BYTES
                        || request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString())) {
                    super.succeeded();
                    return;
                }
                new Drain(request, getCallback()).run();
            }
        });
    }

    /** Reads and drops what is left of a request's body, then completes the exchange. */
    private static final class Drain implements Runnable {
        private final Request request;
        private final Callback done;
        private long left = MAX_BYTES;

        Drain(Request request, Callback done) {
            this.request = request;
            this.done = done;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this); // called again when bytes arrive, or at the body deadline
                    return;
                }
                // A failure (the deadline, the idle timeout, the client gone) ends it as the end does.
                boolean end = chunk.isLast() || Content.Chunk.isFailure(chunk);
                left -= chunk.getByteBuffer().remaining();
                chunk.release();
                if (end || left < 0) {
                    done.succeeded(); // the body's end, or as much as is read: Jetty closes as it would have
                    return;
                }
            }
        }
    }
}
