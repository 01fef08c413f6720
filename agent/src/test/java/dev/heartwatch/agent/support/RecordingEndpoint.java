package dev.heartwatch.agent.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * A loopback {@code /api/ping} that records every request (headers, query, body)
 * and answers with a status chosen per request number; it can also hang one
 * request (to kill the agent while it is in flight) or dribble its answer.
 */
public final class RecordingEndpoint implements AutoCloseable {
    /** One request as received, and what it was answered. */
    public record Received(int number, String query, String keyHeader, String body, int status, boolean batch) {
        public Received(int number, String query, String keyHeader, String body, int status) {
            this(number, query, keyHeader, body, status, false);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile IntUnaryOperator statusFor = n -> 200;
    private volatile int hangAt = -1;
    private volatile boolean readsBatches = true;
    private volatile long slowBodyMillis;
    private final CountDownLatch hanging = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private int count;

    private RecordingEndpoint(HttpServer server) {
        this.server = server;
        server.createContext("/api/ping", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public static RecordingEndpoint http() throws IOException {
        return new RecordingEndpoint(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50));
    }

    public static RecordingEndpoint https(SSLContext context) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        s.setHttpsConfigurator(new HttpsConfigurator(context));
        return new RecordingEndpoint(s);
    }

    public String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/api/ping";
    }

    /** The status for request number n (1-based). */
    public void answer(IntUnaryOperator statusForNumber) {
        this.statusFor = statusForNumber;
    }

    /** Request number n is held until {@link #releaseHung()} and then answered 503. */
    public void hangAt(int n) {
        this.hangAt = n;
    }

    public boolean awaitHanging(long seconds) throws InterruptedException {
        return hanging.await(seconds, TimeUnit.SECONDS);
    }

    public void releaseHung() {
        release.countDown();
    }

    /** Answer 200 with a 10-byte body, one byte every {@code millis}. */
    public void dribble(long millis) {
        this.slowBodyMillis = millis;
    }

    /** Answer a batch with a plain {@code ok}, as a receiver from before the batch form does. */
    public void answerBatchesAsAnOlderReceiver() {
        readsBatches = false;
    }

    /** Only the batches (the checks' beats), in order. */
    public List<Received> batches() {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.batch()) {
                out.add(r);
            }
        }
        return out;
    }

    /** Only the agent's own beats, in order. */
    public List<Received> beats() {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (!r.batch()) {
                out.add(r);
            }
        }
        return out;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    private void handle(HttpExchange ex) throws IOException {
        int n;
        synchronized (this) {
            n = ++count;
        }
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String query = ex.getRequestURI().getRawQuery();
        String key = ex.getRequestHeaders().getFirst("x-functions-key");
        if (n == hangAt) {
            hanging.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.add(new Received(n, query, key, body, 503));
            ex.sendResponseHeaders(503, -1);
            ex.close();
            return;
        }
        if (slowBodyMillis > 0) {
            received.add(new Received(n, query, key, body, 200));
            ex.sendResponseHeaders(200, 10);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 10; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(slowBodyMillis);
                }
            } catch (InterruptedException | IOException e) {
                // the agent gave up: that is what the test wants
            }
            return;
        }
        int status = statusFor.applyAsInt(n);
        // A batch (docs/contract.md §1a) is answered as a current receiver does, unless told otherwise.
        boolean batch = "1".equals(ex.getRequestHeaders().getFirst("X-Heartwatch-Batch"));
        received.add(new Received(n, query, key, body, status, batch));
        byte[] ok = (batch && readsBatches ? "ok batch 1" : "ok").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(status, ok.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(ok);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
