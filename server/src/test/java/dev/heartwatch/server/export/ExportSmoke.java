package dev.heartwatch.server.export;

import com.microsoft.azure.functions.HttpMethod;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.heartwatch.function.Ping;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM the export test runs under the real Application Insights agent, standing in for
 * {@code HeartwatchServer} until it is merged: {@code /api/ping} on a loopback port, served by the
 * real {@link Ping}, each line handed to {@link AppInsightsExport#fromEnvironment}. It prints
 * {@code listening on http://127.0.0.1:PORT} and runs until it is stopped.
 */
public final class ExportSmoke {
    private ExportSmoke() {
    }

    public static void main(String[] args) throws IOException {
        LineExport export = AppInsightsExport.fromEnvironment(System.getenv());
        PingInvoker invoker = new PingInvoker(new Ping(Clock.systemUTC()));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/api/ping", exchange -> {
            try (exchange) {
                serve(exchange, invoker, export);
            }
        });
        server.start();
        System.out.println("listening on http://127.0.0.1:" + server.getAddress().getPort());
        System.out.flush();
    }

    private static void serve(HttpExchange exchange, PingInvoker invoker, LineExport export) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
        Map<String, String> query = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        HttpMethod method = "POST".equals(exchange.getRequestMethod()) ? HttpMethod.POST : HttpMethod.GET;
        PingInvoker.Result result = invoker.invoke(method, URI.create("http://127.0.0.1/api/ping"),
                headers, query, body.isEmpty() ? null : body);
        List<String> lines = result.lines();
        for (String line : lines) {
            export.export(line); // where the server exports: after the line is stored
        }
        byte[] out = result.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(result.status(), out.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(out);
        }
    }
}
