package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * {@link BodyReadAhead.CopyingLoader} against a scripted request: Jetty's reads as a client that
 * sends one byte per packet would make them, each followed by a wait (a {@code null} read and a
 * demand), so every read is seen on its own.
 */
class BodyReadAheadTest {
    /** A request whose body is {@code script}, in order; a {@code null} is "nothing yet: demand". */
    static final class Scripted {
        final Deque<Content.Chunk> script = new LinkedList<>(); // a null: a wait
        final long declaredLength;
        int reads;
        int released;
        boolean ended;
        Runnable demand;
        final List<Runnable> executed = new ArrayList<>();
        final Request request;

        Scripted(long declaredLength) {
            this.declaredLength = declaredLength;
            Context context = (Context) Proxy.newProxyInstance(Context.class.getClassLoader(),
                    new Class<?>[] {Context.class}, (proxy, method, args) -> {
                        if (method.getName().equals("execute")) {
                            executed.add((Runnable) args[0]);
                            return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
            request = (Request) Proxy.newProxyInstance(Request.class.getClassLoader(),
                    new Class<?>[] {Request.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "read" -> {
                            if (ended) {
                                yield Content.Chunk.EOF; // as Jetty: the end, again and again
                            }
                            Content.Chunk next = script.pollFirst();
                            ended = next != null && next.isLast() && !Content.Chunk.isFailure(next);
                            if (next != null && next.hasRemaining()) {
                                reads++; // the reads of bytes (an empty chunk needs no release)
                            }
                            yield next;
                        }
                        case "demand" -> {
                            assertNull(demand, "demanded twice");
                            demand = (Runnable) args[0];
                            yield null;
                        }
                        case "getLength" -> declaredLength;
                        case "getContext" -> context;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "scripted request";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        /** One read of each byte, each after a wait; then the body's end, alone, after a wait. */
        Scripted bytesOneByOne(byte[] body, boolean thenEnd) {
            for (byte b : body) {
                script.add(chunk(new byte[] {b}, false));
                script.add(null);
            }
            if (thenEnd) {
                script.add(Content.Chunk.EOF);
            }
            return this;
        }

        Content.Chunk chunk(byte[] bytes, boolean last) {
            return Content.Chunk.from(ByteBuffer.wrap(bytes), last, () -> released++);
        }

        /** Runs what Jetty would: each demand (its wait, read as a null, is over), then what was executed. */
        void deliver() {
            while (demand != null) {
                Runnable d = demand;
                demand = null;
                d.run();
            }
            for (Runnable r : List.copyOf(executed)) {
                r.run();
            }
        }
    }

    /** The route: records the request it was given and does not read (the test reads it). */
    static final class Route extends Handler.Abstract {
        Request seen;

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            seen = request;
            return true;
        }
    }

    static byte[] body(int n) {
        byte[] body = new byte[n];
        for (int i = 0; i < n; i++) {
            body[i] = (byte) (i * 31 + 7);
        }
        return body;
    }

    static byte[] bytesOf(Content.Chunk chunk) {
        ByteBuffer buffer = chunk.getByteBuffer().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static Response response() {
        return (Response) Proxy.newProxyInstance(Response.class.getClassLoader(), new Class<?>[] {Response.class},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static Route load(Scripted scripted, int bound) throws Exception {
        Route route = new Route();
        new BodyReadAhead.CopyingLoader(route, scripted.request, response(), Callback.NOOP, bound).load();
        return route;
    }

    @Test
    void aBodyInOneByteReadsReachesTheRouteWholeInOrderWithEachReadReleasedAtOnce() throws Exception {
        byte[] body = body(5000);
        for (long declared : new long[] {5000, -1}) { // with a Content-Length, and chunked
            Scripted scripted = new Scripted(declared).bytesOneByOne(body, true);
            Route route = load(scripted, 8193);
            assertNull(route.seen, "handed on before the body was all there");
            while (scripted.demand != null) {
                // Every read so far is released: nothing held per read, only the copied bytes.
                assertEquals(scripted.reads, scripted.released, "a read still held");
                scripted.deliver();
            }
            scripted.deliver();
            assertNotNull(route.seen, "never handed on");
            assertEquals(5000, scripted.reads);
            assertEquals(5000, scripted.released);
            assertTrue(scripted.script.isEmpty(), "the end not read");
            assertFalse(scripted.executed.isEmpty(), "the route ran on the reading thread, not one of Jetty's");

            Content.Chunk all = route.seen.read();
            assertTrue(all.isLast(), "the body's end not with its bytes");
            assertArrayEquals(body, bytesOf(all));
            assertTrue(route.seen.read().isLast(), "read past the end");
        }
    }

    @Test
    void atTheCapPlusOneItStopsReadingAndTheRestStaysOnTheRequest() throws Exception {
        byte[] body = body(20);
        Scripted scripted = new Scripted(-1).bytesOneByOne(body, true);
        Route route = load(scripted, 11);
        scripted.deliver();
        assertNotNull(route.seen, "not handed on at the cap + 1");
        assertEquals(11, scripted.reads, "read past the cap + 1");

        Content.Chunk first = route.seen.read();
        assertFalse(first.isLast(), "a body over the cap reads as ended");
        assertArrayEquals(java.util.Arrays.copyOf(body, 11), bytesOf(first));
        // What BodyDrain discards is still there, on the request, from the next byte on.
        scripted.script.pollFirst(); // the wait after byte 11
        Content.Chunk next = route.seen.read();
        assertArrayEquals(new byte[] {body[11]}, bytesOf(next));
        assertEquals(12, scripted.reads);
    }

    @Test
    void aReadCrossingTheCapPlusOneLosesNoByte() throws Exception {
        byte[] body = body(15);
        Scripted scripted = new Scripted(-1);
        scripted.script.add(scripted.chunk(body, false));
        scripted.script.add(scripted.chunk(new byte[] {1, 2}, true));
        Route route = load(scripted, 11);
        assertNotNull(route.seen, "not handed on at once, on the first read's thread");
        assertTrue(scripted.executed.isEmpty());
        assertEquals(0, scripted.released, "the crossing read is released before its tail was read");
        Content.Chunk first = route.seen.read();
        assertFalse(first.isLast());
        assertArrayEquals(java.util.Arrays.copyOf(body, 11), bytesOf(first));
        // A route that reads on (the registry's cap is larger than the read-ahead's) gets every byte.
        Content.Chunk tail = route.seen.read();
        assertArrayEquals(java.util.Arrays.copyOfRange(body, 11, 15), bytesOf(tail), "the crossing read's tail lost");
        assertFalse(tail.isLast());
        tail.release();
        assertEquals(1, scripted.released);
        assertArrayEquals(new byte[] {1, 2}, bytesOf(route.seen.read()), "the next read not from the request");
    }

    @Test
    void aFailureWhileReadingReachesTheRouteAfterTheBytesReadBeforeIt() throws Exception {
        byte[] body = body(3);
        Scripted scripted = new Scripted(100).bytesOneByOne(body, false);
        Content.Chunk failure = Content.Chunk.from(new TimeoutException("the body did not arrive in time"), true);
        scripted.script.add(failure);
        Route route = load(scripted, 101);
        scripted.deliver();
        assertNotNull(route.seen, "a failure not handed on");
        Content.Chunk first = route.seen.read();
        assertFalse(first.isLast());
        assertArrayEquals(body, bytesOf(first));
        assertSame(failure, route.seen.read());
    }

    @Test
    void aFailureBeforeAnyByteIsTheRoutesFirstRead() throws Exception {
        Scripted scripted = new Scripted(-1);
        Content.Chunk failure = Content.Chunk.from(new TimeoutException("idle"), false);
        scripted.script.add(null);
        scripted.script.add(failure);
        Route route = load(scripted, 11);
        scripted.deliver();
        assertSame(failure, route.seen.read());
    }

    @Test
    void anEmptyBodyIsOneEmptyLastChunk() throws Exception {
        Scripted scripted = new Scripted(0);
        scripted.script.add(Content.Chunk.EOF);
        Route route = load(scripted, 11);
        Content.Chunk only = route.seen.read();
        assertTrue(only.isLast());
        assertEquals(0, only.remaining());
    }
}
