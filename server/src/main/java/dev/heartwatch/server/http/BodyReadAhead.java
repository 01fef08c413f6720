package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.Limits;
import dev.heartwatch.core.contract.RequestForm;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.server.handler.EagerContentHandler.RetainedContentLoaderFactory.RetainedContentLoader;
import org.eclipse.jetty.util.Callback;

/**
 * A request body is read before its route runs, without a thread: Jetty's
 * {@link EagerContentHandler} waits for the bytes in its selector and hands the route a request
 * whose body is already in memory, so a client that trickles a body (it may hold a ping key)
 * holds a connection, never one of the request threads every heartbeat needs (issue 14, D1).
 *
 * <p>The bound is the body cap of the request's form, plus one byte: a ping with
 * {@code X-Heartwatch-Batch: 1} (issue 17) takes {@link Limits#MAX_BATCH_BODY_BYTES} + 1,
 * everything else {@link Limits#MAX_BODY_BYTES} + 1. Jetty's {@link RetainedContentLoader} hands
 * the body on only at its end or at that bound (no per-chunk allowance is counted), so the route
 * sees either the whole body or one byte more than it takes, and refuses that (413) having read
 * no further ({@link BodyDrain} discards the rest once the answer is out): the route never waits
 * for a byte. A chunked body ({@code getLength() == -1}) is read ahead in the same way: Jetty
 * counts the bytes it retains, not a declared length. A declared {@code Content-Length} over the
 * bound skips it, so the route refuses it before a byte is read, as does a ping of a batch
 * version this server does not read (answered {@code 400}). It sits behind
 * {@link AccessFilter}: a request without its key is refused before its body is read.
 */
public final class BodyReadAhead {
    private BodyReadAhead() {
    }

    public static Handler around(Handler routes) {
        EagerContentHandler eager = new EagerContentHandler(routes, new PerForm());
        eager.include(request -> {
            int cap = cap(request);
            return cap > 0 && request.getLength() <= cap;
        });
        return eager;
    }

    /**
     * The most body the route that takes {@code request} reads, as {@link PingHandler} chooses it
     * (on the ping route, whatever the method: the ping reads a GET's body too); 0 when it reads none.
     */
    static int cap(Request request) {
        if (!PingHandler.PATH.equals(request.getHttpURI().getPath())) {
            return Limits.MAX_BODY_BYTES;
        }
        RequestForm form = RequestForm.of(name -> request.getHeaders().get(name));
        return form == RequestForm.UNSUPPORTED ? 0 : form.maxBodyBytes();
    }

    /** Jetty's retained-content loader, bound per request to its form's cap plus one byte. */
    private static final class PerForm implements EagerContentHandler.ContentLoaderFactory {
        @Override
        public String getApplicableMimeType() {
            return null; // any content type
        }

        @Override
        public EagerContentHandler.ContentLoader newContentLoader(String contentType, String mimeType, Handler handler,
                                                                 Request request, Response response, Callback callback) {
            // Not refused here (the route answers); 0 framing overhead: handed on at the end or past the cap only.
            return new RetainedContentLoader(handler, request, response, callback, cap(request) + 1L, 0, false);
        }
    }
}
