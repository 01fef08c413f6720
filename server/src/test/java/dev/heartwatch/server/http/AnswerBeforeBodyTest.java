package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.Limits;
import dev.heartwatch.core.contract.RequestForm;
import dev.heartwatch.server.store.RegistryAdministration;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.RawHttp;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refusal sent before the body is read (413 over a cap, 401 without the key) must reach a
 * client that is still sending that body (RFC 9112 §9.6): the server answers with
 * {@code Connection: close}, shuts its side, reads and discards the rest of the body, and only
 * then closes, so its close is a FIN and not a reset. Each client here is made to be still
 * sending when the answer is out: it waits until the answer is in its own receive buffer,
 * unread, before it sends the rest. Without the drain the server closes on the first byte that
 * follows the answer, the rest of the body meets a reset, and a client such as the JDK's loses
 * the exchange ("header parser received no bytes", the flaky PingContractOnServerTest case).
 * The drain is bounded: a body over {@link BodyDrain#MAX_BYTES}, or one still arriving at
 * HEARTWATCH_REQUEST_TIMEOUT (PT2S here), is cut off as before.
 */
class AnswerBeforeBodyTest {
    private static final String BATCH_HEADER = RequestForm.HEADER + ": " + RequestForm.BATCH_VERSION + "\r\n";
    private static final String KEY_HEADER = "x-functions-key: " + TestConfig.KEY + "\r\n";

    @TempDir
    Path dir;
    private RunningServer s;

    @BeforeEach
    void start() throws Exception {
        s = new RunningServer(TestConfig.config(dir), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        s.close();
    }

    /** What one raw client saw: whether all it meant to send went out, the answer, how the connection ended. */
    private record Seen(String writeFailure, String answer, String ending) {
        int status() {
            return RawHttp.status(answer);
        }

        /** The answer's body is as long as its {@code Content-Length} says. */
        boolean complete() {
            Matcher m = Pattern.compile("\r\nContent-Length: (\\d+)\r\n", Pattern.CASE_INSENSITIVE).matcher(answer);
            return m.find() && RawHttp.body(answer).length() == Integer.parseInt(m.group(1));
        }

        String describe() {
            return "write failure: " + writeFailure + ", ending: " + ending + ", answer: " + answer;
        }
    }

    /**
     * Sends {@code head} and {@code first}, waits until the server's answer has arrived (unread),
     * then sends {@code rest} in 4 KiB pieces, 5 ms apart, and reads the answer to the end.
     */
    private Seen sendAfterTheAnswer(String head, byte[] first, byte[] rest) throws IOException {
        return sendAfterTheAnswer(head, first, rest, 4096);
    }

    private Seen sendAfterTheAnswer(String head, byte[] first, byte[] rest, int piece) throws IOException {
        try (Socket socket = RawHttp.connect("127.0.0.1", s.server.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(first);
            out.flush();
            Await.until(Duration.ofSeconds(5), () -> {
                try {
                    return in.available() > 0;
                } catch (IOException e) {
                    return true; // the read below will tell
                }
            }, () -> "no answer before the body was sent");
            String writeFailure = null;
            try {
                for (int at = 0; at < rest.length; at += piece) {
                    out.write(rest, at, Math.min(piece, rest.length - at));
                    out.flush();
                    Await.sleep(5);
                }
            } catch (IOException e) {
                writeFailure = e.toString();
            }
            return read(in, writeFailure);
        }
    }

    private static Seen read(InputStream in, String writeFailure) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        String ending = "EOF";
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                answer.write(buf, 0, n);
            }
        } catch (IOException e) {
            ending = e.toString();
        }
        return new Seen(writeFailure, answer.toString(StandardCharsets.ISO_8859_1), ending);
    }

    private static void assertAnsweredAndClosedCleanly(int status, Seen seen) {
        assertNull(seen.writeFailure(), "the server reset the connection while the client was still sending"
                + " the body it had announced: " + seen.describe());
        assertEquals(status, seen.status(), seen.describe());
        assertTrue(seen.answer().contains("\r\nConnection: close\r\n"), seen.describe());
        assertTrue(seen.complete(), "the whole answer arrived: " + seen.describe());
        assertEquals("EOF", seen.ending(), "closed with a FIN after the answer, not a reset: " + seen.describe());
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'y');
        return b;
    }

    private static String post(String headers, long contentLength) {
        return "POST /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    private static byte[] chunk(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes(size));
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void aBatchOneByteOver64KiBGetsTheWhole413WhileStillSendingIt() throws Exception {
        int length = Limits.MAX_BATCH_BODY_BYTES + 1;
        Seen seen = sendAfterTheAnswer(post(KEY_HEADER + BATCH_HEADER, length), bytes(1024), bytes(length - 1024));
        assertAnsweredAndClosedCleanly(413, seen);
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void aSingleBeatOver8KiBGetsTheWhole413WhileStillSendingIt() throws Exception {
        int length = 3 * Limits.MAX_BODY_BYTES;
        Seen seen = sendAfterTheAnswer(post(KEY_HEADER, length), bytes(1024), bytes(length - 1024));
        assertAnsweredAndClosedCleanly(413, seen);
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void aChunkedSingleBeatOver8KiBGetsTheWhole413WhileStillSendingIt() throws Exception {
        // The first chunk is over the cap: the read-ahead holds 8 KiB + 1 and the ping refuses it.
        String head = "POST /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + KEY_HEADER + "Transfer-Encoding: chunked\r\n\r\n";
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        for (int i = 0; i < 12; i++) {
            rest.writeBytes(chunk(4000));
        }
        rest.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        Seen seen = sendAfterTheAnswer(head, chunk(Limits.MAX_BODY_BYTES + 100), rest.toByteArray());
        assertAnsweredAndClosedCleanly(413, seen);
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void aPingWithoutItsKeyGetsTheWhole401WhileStillSendingItsBody() throws Exception {
        // AccessFilter refuses it before the body is read, as Azure's host does.
        int length = 30_000;
        Seen seen = sendAfterTheAnswer(post(BATCH_HEADER, length), bytes(1024), bytes(length - 1024));
        assertAnsweredAndClosedCleanly(401, seen);
    }

    @Test
    void aRegistryUploadJustOverItsMiBGetsTheWhole413WhileStillSendingIt() throws Exception {
        // The largest cap of any route: the drain's bound is twice it.
        int length = RegistryAdministration.MAX_REGISTRY_BYTES + 1;
        String head = "PUT /api/registry HTTP/1.1\r\nHost: 127.0.0.1\r\nx-functions-key: " + TestConfig.ADMIN_KEY
                + "\r\nContent-Length: " + length + "\r\n\r\n";
        Seen seen = sendAfterTheAnswer(head, bytes(1024), bytes(length - 1024), 65_536);
        assertAnsweredAndClosedCleanly(413, seen);
    }

    @Test
    void aDeclaredBodyOverTheDrainBoundIsNotRead() throws Exception {
        // Nothing is drained: the server closes as before, and the client cannot push it all through
        // (16 times the bound is more than the drain and both sockets' buffers can take).
        long length = 16L * BodyDrain.MAX_BYTES;
        Seen seen = sendAfterTheAnswer(post(KEY_HEADER, length), bytes(1024), bytes((int) length - 1024));
        assertEquals(413, seen.status(), seen.describe());
        assertNotNull(seen.writeFailure(), "the server read a body of " + length + " bytes it had refused: " + seen.describe());
    }

    @Test
    void aChunkedBodyIsDrainedOnlyUpToTheBound() throws Exception {
        // Chunked: no length to judge by, so the drain reads until its bound, then the server closes.
        String head = "POST /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + KEY_HEADER + "Transfer-Encoding: chunked\r\n\r\n";
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        while (rest.size() < 16 * BodyDrain.MAX_BYTES) {
            rest.writeBytes(chunk(65_536));
        }
        try (Socket socket = RawHttp.connect("127.0.0.1", s.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(chunk(Limits.MAX_BODY_BYTES + 100));
            String failure = null;
            try {
                out.write(rest.toByteArray()); // as fast as loopback takes it
            } catch (IOException e) {
                failure = e.toString();
            }
            Seen seen = read(socket.getInputStream(), failure);
            assertEquals(413, seen.status(), seen.describe());
            assertNotNull(seen.writeFailure(), "the server read a body of " + rest.size() + " bytes it had refused: " + seen.describe());
        }
    }

    @Test
    void aBodyStillTricklingAtTheRequestTimeoutIsCutOff() throws Exception {
        String head = "POST /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + KEY_HEADER + "Transfer-Encoding: chunked\r\n\r\n";
        try (Socket socket = RawHttp.connect("127.0.0.1", s.server.port())) {
            long t0 = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(chunk(Limits.MAX_BODY_BYTES + 100));
            out.flush();
            // The answer, then the server's half-close (EOF here) while it goes on reading.
            Seen seen = read(socket.getInputStream(), null);
            assertEquals(413, seen.status(), seen.describe());
            assertEquals("EOF", seen.ending(), seen.describe());
            long ms = -1;
            try {
                while ((System.nanoTime() - t0) / 1_000_000 < 10_000) {
                    out.write(chunk(1)); // a byte well inside the idle timeout, for ever
                    out.flush();
                    Await.sleep(100);
                }
            } catch (IOException e) {
                ms = (System.nanoTime() - t0) / 1_000_000; // the server closed: what the test waits for
            }
            assertTrue(ms >= 1_500 && ms < 5_000, "drained until the 2 s request timeout, then closed; took "
                    + (ms < 0 ? "over 10 s" : ms + " ms"));
        }
    }

    // ---- the JDK's client, as PingContractOnServerTest uses it ----

    /**
     * A body of {@code length} bytes handed to the client {@code piece} bytes at a time: it is
     * still writing when the server (which refuses on the declared length) has answered.
     */
    private static HttpRequest.BodyPublisher inPieces(int length, int piece) {
        return HttpRequest.BodyPublishers.fromPublisher(subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private int sent;
            private boolean done;

            @Override
            public synchronized void request(long n) {
                for (long i = 0; i < n && !done; i++) {
                    if (sent == length) {
                        done = true;
                        subscriber.onComplete();
                        return;
                    }
                    int size = Math.min(piece, length - sent);
                    sent += size;
                    subscriber.onNext(ByteBuffer.wrap(bytes(size)));
                }
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        }), length);
    }

    @Test
    void theJdkClientGets413ForABatchOver64KiBEveryTime() throws Exception {
        // Before the drain, about one exchange in ten sent in pieces failed here with the CI's
        // "HTTP/1.1 header parser received no bytes" (and none sent at once, on an idle machine).
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int length = Limits.MAX_BATCH_BODY_BYTES + 1;
        int rounds = 80;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            // Every fourth the whole body at once (the contract case); the others in 128 to 512 byte pieces.
            HttpRequest.BodyPublisher body = i % 4 == 0 ? HttpRequest.BodyPublishers.ofByteArray(bytes(length))
                    : inPieces(length, 128 << (i % 4 - 1));
            HttpRequest request = HttpRequest.newBuilder(s.uri("/api/ping")).timeout(Duration.ofSeconds(10))
                    .header("x-functions-key", TestConfig.KEY).header(RequestForm.HEADER, RequestForm.BATCH_VERSION)
                    .POST(body).build();
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 413) {
                    failures.add("round " + i + ": " + r.statusCode());
                }
            } catch (IOException e) {
                failures.add("round " + i + ": " + e);
            }
        }
        assertEquals(List.of(), failures, failures.size() + " of " + rounds + " exchanges did not end in a 413");
        assertEquals(0, s.server.store().facts().count());
    }
}
