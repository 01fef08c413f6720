package dev.heartwatch.server.support;

import dev.heartwatch.server.http.WebServer;
import java.time.Duration;
import org.eclipse.jetty.server.Handler;

/** One handler on the server's own HTTP layer ({@link WebServer}), on 127.0.0.1 and an ephemeral port. */
public final class LoopbackWebServer implements AutoCloseable {
    private final WebServer server;

    public LoopbackWebServer(Handler handler) throws Exception {
        server = new WebServer("127.0.0.1", 0, 8, Duration.ofSeconds(10), null, handler);
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
