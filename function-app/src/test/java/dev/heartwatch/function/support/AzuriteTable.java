package dev.heartwatch.function.support;

import dev.heartwatch.channels.support.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real Azurite Table service on 127.0.0.1 over HTTPS with OAuth ({@code --oauth basic}),
 * serving the test CA's certificate ({@code --cert FILE.p12 --pwd ...}), so the code under test
 * trusts it exactly as it trusts the other loopback fakes. Needs tools/node_modules (scripts/test.sh).
 */
public final class AzuriteTable implements AutoCloseable {
    public static final String ACCOUNT = "devstoreaccount1";
    private final Process process;
    private final int port;
    private final Path log;

    private AzuriteTable(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static AzuriteTable start(Path workDir, TestCa ca) throws Exception {
        Path binary = repoRoot().resolve("tools/node_modules/.bin/azurite-table");
        if (!Files.isExecutable(binary)) {
            throw new AssertionError("Azurite is missing (" + binary + "). Run scripts/test.sh, which installs it, or: "
                    + "npm --prefix tools install (tools/package.json pins azurite 3.37.0)");
        }
        int port = freePort();
        Path data = Files.createDirectories(workDir.resolve("azurite-table"));
        Path log = workDir.resolve("azurite-table.log");
        Process p = new ProcessBuilder(binary.toString(), "--tableHost", "127.0.0.1", "--tablePort", String.valueOf(port),
                "--location", data.toString(), "--silent", "--skipApiVersionCheck", "--disableTelemetry",
                "--cert", ca.serverPkcs12().toString(), "--pwd", ca.serverPkcs12Password(), "--oauth", "basic")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AzuriteTable a = new AzuriteTable(p, port, log);
        a.awaitListening(Duration.ofSeconds(30));
        return a;
    }

    /** The path-style endpoint of the development account. */
    public URI endpoint() {
        return URI.create("https://127.0.0.1:" + port + "/" + ACCOUNT);
    }

    private void awaitListening(Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("azurite-table exited (" + process.exitValue() + "): " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        close();
        throw new AssertionError("azurite-table did not listen within " + limit + ": " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("host.json"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("no repository root (host.json) above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
