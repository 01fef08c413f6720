package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.Limits;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.EagerContentHandler;

/**
 * A request body is read before its route runs, without a thread: Jetty's
 * {@link EagerContentHandler} waits for the bytes in its selector and hands the route a request
 * whose body is already in memory, so a client that trickles a body (it may hold a ping key)
 * holds a connection, never one of the request threads every heartbeat needs (issue 14, D1).
 * At most {@link Limits#MAX_BODY_BYTES} + 1 bytes are held: the route then refuses the body
 * (413) having read no further ({@link BodyDrain} discards the rest once the answer is out). A declared {@code Content-Length} over the limit skips it, so
 * the route refuses it before a byte is read. It sits behind {@link AccessFilter}: a request
 * without its key is refused before its body is read.
 */
public final class BodyReadAhead {
    private BodyReadAhead() {
    }

    public static Handler around(Handler routes) {
        EagerContentHandler eager = new EagerContentHandler(routes,
                // At most one byte more than a body may have; not refused here (the route answers).
                new EagerContentHandler.RetainedContentLoaderFactory(Limits.MAX_BODY_BYTES + 1, 0, false));
        eager.include(request -> request.getLength() <= Limits.MAX_BODY_BYTES);
        return eager;
    }
}
