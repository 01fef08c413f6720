package dev.heartwatch.server.bench;

import dev.heartwatch.server.http.WebServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP layer's own ceiling: heartwatch-server's {@link WebServer} (Jetty, same threads,
 * same limits) with a handler that reads the body and answers {@code ok}, nothing stored.
 * {@code java -cp server/target/heartwatch-server.jar:server/target/test-classes dev.heartwatch.server.bench.BareJettyOkServer PORT [THREADS]}
 */
public final class BareJettyOkServer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Handler ok = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.asByteBuffer(request);
                response.getHeaders().put("Content-Type", "text/plain; charset=utf-8");
                Content.Sink.write(response, true, "ok", callback);
                return true;
            }
        };
        // Every benchmark connection comes from 127.0.0.1: the per-address cap is not what is measured.
        WebServer server = new WebServer("127.0.0.1", port, threads,
                new WebServer.Limits(Duration.ofSeconds(10), 4096, 4096, java.util.Set.of()), null, ok);
        server.start();
        System.out.println("bare Jetty server listening on " + port);
        Thread.currentThread().join();
    }
}
