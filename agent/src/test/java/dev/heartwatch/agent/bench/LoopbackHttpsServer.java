package dev.heartwatch.agent.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The endpoint for scripts/bench-agent.sh: {@code /api/ping} over HTTPS on
 * 127.0.0.1, answers 200 "ok", and appends one line per request (the device
 * from the body, or from the query when there is no body) to a log the script counts.
 *
 * <p>Usage: {@code LoopbackHttpsServer KEYSTORE.p12 PASSWORD PORT_FILE REQUEST_LOG}
 */
public final class LoopbackHttpsServer implements HttpHandler {
    private final Writer log;

    private LoopbackHttpsServer(Writer log) {
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        char[] password = args[1].toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        Writer log = Files.newBufferedWriter(Path.of(args[3]), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        server.createContext("/api/ping", new LoopbackHttpsServer(log));
        server.start();
        Path portFile = Path.of(args[2]);
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.getAddress().getPort()));
        Files.move(tmp, portFile);
    }

    /** The "device" string of a JSON body, whether written compactly (Java) or with spaces (Python). */
    static String device(String body) {
        int at = body.indexOf("\"device\"");
        int colon = at < 0 ? -1 : body.indexOf(':', at);
        int open = colon < 0 ? -1 : body.indexOf('"', colon);
        int close = open < 0 ? -1 : body.indexOf('"', open + 1);
        return close < 0 ? "?" : body.substring(open + 1, close);
    }

    /** The "device" parameter of a query ({@code code=...&device=curl}), "?" when it has none. */
    static String queryDevice(String query) {
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("device=")) {
                return pair.substring("device=".length());
            }
        }
        return "?";
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        // curl in the healthchecks.io style sends a bodiless GET: its device rides in the query.
        String device = body.isEmpty() ? queryDevice(ex.getRequestURI().getRawQuery()) : device(body);
        synchronized (log) {
            log.write(device + "\n");
            log.flush();
        }
        byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, ok.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(ok);
        }
    }
}
