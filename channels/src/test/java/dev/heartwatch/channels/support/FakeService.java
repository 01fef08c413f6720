package dev.heartwatch.channels.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * A service's stand-in on 127.0.0.1 over HTTPS (the JDK's own server, with the test CA's
 * certificate): records every request and answers from a script, in the answer shapes the real
 * service documents (each test says which page). An answer may hang until the fake is closed,
 * as a black-holed receiver does.
 */
public final class FakeService implements AutoCloseable {
    /** What came in. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** What to answer: a status, headers, a body; {@code hang} answers nothing until closed. */
    public record Answer(int status, Map<String, String> headers, String body, boolean hang) {
        public static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "application/json"), body, false);
        }

        public static Answer of(int status, Map<String, String> headers, String body) {
            return new Answer(status, headers, body, false);
        }

        public static Answer hanging() {
            return new Answer(0, Map.of(), "", true);
        }
    }

    private final HttpsServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Answer> script = new ArrayDeque<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private Function<Request, Answer> otherwise;

    public FakeService(TestCa ca, Function<Request, Answer> otherwise) throws IOException {
        this.otherwise = otherwise;
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.server()));
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI base() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    public URI url(String path) {
        return base().resolve(path);
    }

    /** The next answers, in order, before {@code otherwise} applies again. */
    public synchronized FakeService then(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    public synchronized void answerOtherwise(Function<Request, Answer> f) {
        otherwise = f;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
                Map.copyOf(ex.getRequestHeaders()), body);
        requests.add(req);
        Answer a;
        synchronized (this) {
            a = script.isEmpty() ? otherwise.apply(req) : script.poll();
        }
        if (a.hang()) {
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
