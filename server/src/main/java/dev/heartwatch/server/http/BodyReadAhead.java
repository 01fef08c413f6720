package dev.heartwatch.server.http;

import dev.heartwatch.core.contract.Limits;
import dev.heartwatch.core.contract.RequestForm;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * A request body is read before its route runs, without a thread: Jetty's
 * {@link EagerContentHandler} calls a loader that waits for the bytes in Jetty's selector
 * ({@link Request#demand}) and hands the route a request whose body is already in memory, so a
 * client that trickles a body (it may hold a ping key) holds a connection, never one of the
 * request threads every heartbeat needs (issue 14, D1).
 *
 * <p>The bound is the body cap of the request's form, plus one byte: a ping with
 * {@code X-Heartwatch-Batch: 1} (issue 17) takes {@link Limits#MAX_BATCH_BODY_BYTES} + 1,
 * everything else {@link Limits#MAX_BODY_BYTES} + 1. The loader ({@link CopyingLoader}) copies
 * each read's bytes into one array of at most that bound and releases the read at once, so a
 * body that arrives one byte per packet costs its bytes, not one held chunk per read (Jetty's own
 * {@code RetainedContentLoader} held every chunk, about 130 bytes of heap per read). It hands the
 * body on only at its end or at that bound, so the route sees either the whole body or one byte
 * more than it takes, and refuses that (413) having read no further ({@link BodyDrain} discards
 * the rest once the answer is out): the route never waits for a byte. A chunked body
 * ({@code getLength() == -1}) is read ahead in the same way: the loader counts the bytes it
 * holds, not a declared length. A declared {@code Content-Length} over the bound skips it, so the
 * route refuses it before a byte is read, as does a ping of a batch version this server does not
 * read (answered {@code 400}). It sits behind {@link AccessFilter}: a request without its key is
 * refused before its body is read.
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

    /** The copying loader, bound per request to its form's cap plus one byte. */
    private static final class PerForm implements EagerContentHandler.ContentLoaderFactory {
        @Override
        public String getApplicableMimeType() {
            return null; // any content type
        }

        @Override
        public EagerContentHandler.ContentLoader newContentLoader(String contentType, String mimeType, Handler handler,
                                                                 Request request, Response response, Callback callback) {
            // Not refused here (the route answers): handed on at the end or at the cap + 1 only.
            return new CopyingLoader(handler, request, response, callback, cap(request) + 1);
        }
    }

    /**
     * Reads a body into one array of at most {@code bound} bytes, then hands the route a request
     * whose {@code read()} returns those bytes as one chunk (last when the body ended) and after
     * it reads on from the original request. Each chunk read is released as soon as its bytes are
     * copied; the read that crosses the bound is kept, and its bytes past the bound are the route's
     * next read, before the rest of the original request (a route refuses the body at the bound's
     * byte and {@link BodyDrain} discards the rest; a route with a larger cap of its own, the
     * registry's, reads on, losing nothing). A failure (the body deadline of {@link ReadDeadline}, Jetty's idle timeout, the
     * client gone) hands the route what was read, then that failure chunk, as Jetty's
     * {@code RetainedContentLoader} queues it behind the bytes it holds; the route fails on it as
     * before, only without waiting for a body that would follow a transient failure. As in Jetty's
     * loader, the route runs at once when the body is there on the first read, else from a Jetty
     * thread when a later read completes it, never on the selector's thread.
     */
    static final class CopyingLoader extends EagerContentHandler.ContentLoader implements Invocable.Task {
        private final int bound;
        private byte[] bytes;
        private int size;

        CopyingLoader(Handler handler, Request request, Response response, Callback callback, int bound) {
            super(handler, request, response, callback);
            this.bound = bound;
            long declared = request.getLength();
            // A declared length (at most the cap: larger ones are not read ahead) is all the body can be.
            this.bytes = new byte[declared >= 0 ? (int) Math.min(declared, bound) : Math.min(bound, 1024)];
        }

        @Override
        protected void load() {
            read(false);
        }

        @Override
        public void run() {
            read(true);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING; // it only copies bytes, and hands the route to a thread
        }

        private void read(boolean fromDemand) {
            Request request = getRequest();
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this); // run again when bytes arrive (or at a failure)
                    return;
                }
                Content.Chunk after;
                if (Content.Chunk.isFailure(chunk)) {
                    after = chunk; // a failure holds no pooled bytes: handed on as it is
                } else {
                    boolean last = chunk.isLast();
                    copy(chunk.getByteBuffer());
                    if (chunk.hasRemaining()) {
                        // The read crossed the bound: its tail is the route's next read, never dropped
                        // (a route whose own cap is larger, the registry's, reads on past this one).
                        after = chunk;
                    } else {
                        chunk.release();
                        if (!last && size < bound) {
                            continue;
                        }
                        after = last && size < bound ? Content.Chunk.EOF : null;
                    }
                }
                Request withBody = new ReadAhead(request, ByteBuffer.wrap(bytes, 0, size), after);
                bytes = null;
                if (fromDemand) {
                    request.getContext().execute(() -> handle(withBody, getResponse(), getCallback()));
                } else {
                    handle(withBody, getResponse(), getCallback());
                }
                return;
            }
        }

        /** Appends as much of {@code buffer} as fits under the bound, growing the array to at most it. */
        private void copy(ByteBuffer buffer) {
            int n = Math.min(buffer.remaining(), bound - size);
            if (size + n > bytes.length) {
                long doubled = 2L * bytes.length;
                // Doubled; straight to the bound when it is one byte more (a cap of a power of two).
                bytes = Arrays.copyOf(bytes, doubled + 1 >= bound ? bound : (int) Math.max(size + n, doubled));
            }
            buffer.get(bytes, size, n);
            size += n;
        }
    }

    /**
     * The request as its route sees it: the bytes read ahead as one chunk, then, when the body
     * ended or failed while being read ahead, its end or failure, then whatever the original
     * request still has (nothing when it ended).
     */
    static final class ReadAhead extends Request.Wrapper {
        private ByteBuffer body;
        private Content.Chunk after;

        ReadAhead(Request request, ByteBuffer body, Content.Chunk after) {
            super(request);
            this.body = body;
            this.after = after;
        }

        @Override
        public Content.Chunk read() {
            synchronized (this) {
                if (body != null) {
                    ByteBuffer bytes = body;
                    body = null;
                    boolean ended = after == Content.Chunk.EOF;
                    if (ended) {
                        after = null;
                    }
                    if (bytes.hasRemaining() || ended || after == null) {
                        return Content.Chunk.from(bytes, ended);
                    }
                }
                if (after != null) {
                    Content.Chunk failure = after;
                    after = null;
                    return failure;
                }
            }
            return super.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            synchronized (this) {
                if (body != null || after != null) {
                    getContext().execute(demandCallback); // a read would return at once
                    return;
                }
            }
            super.demand(demandCallback);
        }
    }
}
