package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.RawHttp;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The D1 limits one by one, fast (the 500-connection attack is {@code SlowClientLoadTest}): the
 * per-address cap, a trusted proxy left uncapped, and the head and body read within
 * HEARTWATCH_REQUEST_TIMEOUT (PT2S here) even when each byte comes well inside the idle timeout.
 */
class ConnectionLimitsTest {
    private static final int CAP = 4;
    private static final String PROXY = "127.0.0.5";
    private static final String PING = RawHttp.get("GET", "/api/ping?code=" + TestConfig.KEY + "&device=pi", "");

    @TempDir
    Path dir;
    private RunningServer s;
    private final ExecutorService dribblers = Executors.newCachedThreadPool();
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        s = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(CAP),
                "HEARTWATCH_TRUSTED_PROXIES", PROXY)), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws IOException {
        dribblers.shutdownNow();
        for (Socket socket : sockets) {
            socket.close();
        }
        s.close();
    }

    private Socket open(String from) throws IOException {
        Socket socket = RawHttp.connect(from, s.server.port());
        sockets.add(socket);
        return socket;
    }

    private static int pingOn(Socket socket) throws IOException {
        socket.getOutputStream().write(PING.getBytes(StandardCharsets.US_ASCII));
        return RawHttp.status(RawHttp.readAll(socket.getInputStream()));
    }

    @Test
    void oneAddressGetsAtMostTheCapAndOthersAreServedMeanwhile() throws Exception {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            held.add(open("127.0.0.3"));
        }
        Socket over = open("127.0.0.3");
        over.setSoTimeout(1_500);
        long t0 = System.nanoTime();
        assertEquals(-1, over.getInputStream().read(), "the connection over the cap is closed unread");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1_000, "closed at once, not by a timeout");
        assertEquals(200, pingOn(open("127.0.0.4")), "another address is served while 127.0.0.3 is at its cap");
        assertEquals(200, pingOn(held.get(0)), "the connections within the cap are served");
        for (Socket socket : held) {
            socket.close();
        }
        Await.until(Duration.ofSeconds(2), () -> {
            try {
                return pingOn(open("127.0.0.3")) == 200;
            } catch (IOException e) {
                return false;
            }
        }, () -> "127.0.0.3 is served again once its connections are closed");
    }

    @Test
    void aTrustedProxyIsNotCappedBecauseEveryClientBehindItSharesItsAddress() throws Exception {
        List<Socket> viaProxy = new ArrayList<>();
        for (int i = 0; i < CAP + 2; i++) {
            viaProxy.add(open(PROXY));
        }
        for (Socket socket : viaProxy) {
            assertEquals(200, pingOn(socket));
        }
    }

    @Test
    void beyondTheTotalANewConnectionWaitsForASlotInsteadOfBeingRefused() throws Exception {
        s.close();
        s = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_MAX_CONNECTIONS", "4",
                "HEARTWATCH_MAX_CONNECTIONS_PER_ADDRESS", "4")), Clock.systemUTC());
        for (int i = 0; i < 4; i++) {
            open("127.0.0." + (10 + i)); // idle: each holds a slot until the 2 s head deadline
        }
        Thread.sleep(200);
        long t0 = System.nanoTime();
        Socket waiting = open("127.0.0.20"); // the kernel's accept queue takes it
        assertEquals(200, pingOn(waiting), "served once a slot is free");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 1_000 && ms < 5_000, "waited for the idle ones to be cut (~2 s), took " + ms + " ms");
    }

    /** Writes {@code bytes} one every 500 ms: each well inside the 2 s idle timeout. */
    private Future<?> dribble(Socket socket, String bytes) {
        return dribblers.submit(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (byte b : bytes.getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(500);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed it: what the test waits for
            }
            return null;
        });
    }

    @Test
    void aHeadThatTricklesInIsCutOffAtTheRequestTimeoutThoughEachByteBeatsTheIdleTimeout() throws Exception {
        Socket socket = open("127.0.0.6");
        long t0 = System.nanoTime();
        dribble(socket, "GET /api/ping?code=" + TestConfig.KEY + " HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(100));
        assertEquals("", RawHttp.readAll(socket.getInputStream()), "closed without an answer");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 1_500 && ms < 4_000, "cut off at the 2 s request timeout, took " + ms + " ms");
        assertEquals(0, s.server.store().facts().count());
    }

    @Test
    void aBodyThatTricklesInIsAnsweredWith408AtTheRequestTimeout() throws Exception {
        Socket socket = open("127.0.0.7");
        socket.getOutputStream().write(("POST /api/ping?code=" + TestConfig.KEY + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        long t0 = System.nanoTime();
        dribble(socket, "{\"device\":\"pi\"" + " ".repeat(85) + "}");
        String answer = RawHttp.readAll(socket.getInputStream());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(408, RawHttp.status(answer), answer);
        assertTrue(ms >= 1_500 && ms < 4_000, "cut off at the 2 s request timeout, took " + ms + " ms");
        assertEquals(0, s.server.store().facts().count());
    }
}
