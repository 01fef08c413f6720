package dev.heartwatch.server.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The benchmark's ceiling: a bare JDK {@link HttpServer} that reads the body and answers
 * {@code ok}, with the same thread count as heartwatch-server, nothing stored.
 * {@code java -cp server/target/test-classes dev.heartwatch.server.bench.BareOkServer PORT [THREADS]}
 */
public final class BareOkServer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        // As heartwatch-server does: without it, Nagle + delayed ACK cost ~40 ms per answer.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
        server.createContext("/api/ping", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(200, ok.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(ok);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.start();
        System.out.println("bare server listening on " + port);
    }
}
