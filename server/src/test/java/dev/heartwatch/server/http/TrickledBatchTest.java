package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.Limits;
import dev.heartwatch.core.contract.RequestForm;
import dev.heartwatch.server.support.RawHttp;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's rule on issue 17's batch: a batch body (up to 64 KiB, over the 8 KiB of a single
 * beat) that trickles in costs a connection, never a request thread. More tricklers than the
 * server has threads in all (HEARTWATCH_HTTP_THREADS 2: four threads with Jetty's acceptor and
 * selector), each keyed, each sending its body a byte every 300 ms (inside the idle timeout;
 * HEARTWATCH_REQUEST_TIMEOUT is PT60S, so none is cut off during the test): a beat from another
 * client is then answered while every trickler is still open. If a trickled batch held a
 * thread, the beat would wait for the tricklers' 60 s deadline and the test's read of it times out.
 */
class TrickledBatchTest {
    private static final int TRICKLERS = 8;
    private static final int THREADS = 2;
    private static final String KEY_HEADER = "x-functions-key: " + TestConfig.KEY + "\r\n";
    private static final String BATCH_HEADER = RequestForm.HEADER + ": " + RequestForm.BATCH_VERSION + "\r\n";

    @TempDir
    Path dir;
    private RunningServer s;
    private final List<Socket> tricklers = new ArrayList<>();
    private final AtomicBoolean trickling = new AtomicBoolean(true);
    private Thread trickler;

    @BeforeEach
    void start() throws Exception {
        s = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_HTTP_THREADS", String.valueOf(THREADS),
                "HEARTWATCH_REQUEST_TIMEOUT", "PT60S")), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        trickling.set(false);
        if (trickler != null) {
            trickler.join(5_000);
        }
        for (Socket socket : tricklers) {
            socket.close();
        }
        s.close();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'y');
        return b;
    }

    private static byte[] chunk(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Opens the tricklers: each sends {@code head} and {@code first} at once, then {@code drop} every 300 ms. */
    private void trickle(String head, byte[] first, byte[] drop) throws IOException {
        for (int i = 0; i < TRICKLERS; i++) {
            Socket socket = RawHttp.connect("127.0.0.2", s.server.port());
            tricklers.add(socket);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(first);
            out.flush();
        }
        trickler = new Thread(() -> {
            while (trickling.get()) {
                for (Socket socket : tricklers) {
                    try {
                        socket.getOutputStream().write(drop);
                        socket.getOutputStream().flush();
                    } catch (IOException e) {
                        // closed by the server: assertStillOpen says so
                    }
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "tricklers");
        trickler.setDaemon(true);
        trickler.start();
    }

    /** A beat from another address, on a connection of its own; the answer's status, or -1 for none in 15 s. */
    private int beat() throws IOException {
        try (Socket socket = RawHttp.connect("127.0.0.3", s.server.port())) {
            socket.getOutputStream().write(RawHttp.get("GET", "/api/ping?code=" + TestConfig.KEY + "&device=steady", "")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return RawHttp.status(RawHttp.readAll(socket.getInputStream()));
        }
    }

    /** Every trickler's connection is open and unanswered: a read finds nothing, and no end. */
    private void assertTricklersStillOpen() throws IOException {
        for (int i = 0; i < tricklers.size(); i++) {
            Socket socket = tricklers.get(i);
            socket.setSoTimeout(50);
            try {
                int read = socket.getInputStream().read();
                throw new AssertionError("trickler " + i + " was answered or closed (read " + read + ")");
            } catch (SocketTimeoutException e) {
                // open, nothing sent to it: what it should be
            }
        }
    }

    private void assertABeatIsAnsweredWhileTheyTrickle() throws Exception {
        Thread.sleep(1_000); // every trickler's head and first bytes are in, and a few of its drops
        assertEquals(200, beat(), "a beat is answered while " + TRICKLERS + " batch bodies trickle into a server of "
                + (THREADS + 2) + " threads (none: the trickled batches hold the request threads)");
        assertTricklersStillOpen();
        assertEquals(1, s.server.store().facts().count(), "only the beat is stored");
    }

    @Test
    void batchesWithADeclaredLengthOver8KiBHoldNoThreadWhileTheyTrickle() throws Exception {
        int length = 60_000;
        assertTrue(length > Limits.MAX_BODY_BYTES && length <= Limits.MAX_BATCH_BODY_BYTES);
        String head = "POST /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + KEY_HEADER + BATCH_HEADER
                + "Content-Length: " + length + "\r\n\r\n";
        trickle(head, bytes(1024), bytes(1));
        assertABeatIsAnsweredWhileTheyTrickle();
    }

    @Test
    void chunkedBatchesPast8KiBHoldNoThreadWhileTheyTrickle() throws Exception {
        // No length: past the single beat's 8 KiB + 1 a read-ahead bound to it would hand the body on unfinished.
        String head = "POST /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + KEY_HEADER + BATCH_HEADER
                + "Transfer-Encoding: chunked\r\n\r\n";
        trickle(head, chunk(bytes(Limits.MAX_BODY_BYTES + 1024)), chunk(bytes(1)));
        assertABeatIsAnsweredWhileTheyTrickle();
    }
}
