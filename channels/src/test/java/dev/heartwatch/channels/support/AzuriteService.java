package dev.heartwatch.channels.support;

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
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One real Azurite service (blob, queue or table) on 127.0.0.1, over HTTPS with OAuth
 * ({@code --oauth basic}), serving the {@link TestCa}'s server certificate, so the code under test
 * trusts it exactly as it trusts the other loopback fakes. The tests' own views of a service
 * (a queue's messages, say) are built on this one process starter. Needs tools/node_modules,
 * which scripts/test.sh installs.
 */
public final class AzuriteService implements AutoCloseable {
    /** Azurite's development account, addressed path-style. */
    public static final String ACCOUNT = "devstoreaccount1";

    /** The three services, each its own Azurite binary with its own host and port flags. */
    public enum Kind {
        BLOB, QUEUE, TABLE;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final Process process;
    private final int port;
    private final Path log;

    private AzuriteService(Kind kind, Process process, int port, Path log) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code kind} with its data and log under {@code workDir}, and waits until it listens. */
    public static AzuriteService start(Kind kind, Path workDir, TestCa ca) throws Exception {
        String id = kind.id();
        Path binary = repoRoot().resolve("tools/node_modules/.bin/azurite-" + id);
        if (!Files.isExecutable(binary)) {
            throw new AssertionError("Azurite is missing (" + binary + "). Run scripts/test.sh, which installs it, or: "
                    + "npm --prefix tools ci --ignore-scripts (tools/package.json pins azurite 3.37.0)");
        }
        int port = freePort();
        Path data = Files.createDirectories(workDir.resolve("azurite-" + id));
        Path log = workDir.resolve("azurite-" + id + ".log");
        Process p = new ProcessBuilder(binary.toString(), "--" + id + "Host", "127.0.0.1", "--" + id + "Port",
                String.valueOf(port), "--location", data.toString(), "--silent", "--skipApiVersionCheck",
                "--disableTelemetry", "--cert", ca.serverPkcs12().toString(), "--pwd", ca.serverPkcs12Password(),
                "--oauth", "basic")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AzuriteService s = new AzuriteService(kind, p, port, log);
        s.awaitListening(Duration.ofSeconds(30));
        return s;
    }

    /** The path-style endpoint of the development account, {@code https://127.0.0.1:PORT/devstoreaccount1}. */
    public URI endpoint() {
        return URI.create("https://127.0.0.1:" + port + "/" + ACCOUNT);
    }

    private void awaitListening(Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("azurite-" + kind.id() + " exited (" + process.exitValue() + "): "
                        + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        close();
        throw new AssertionError("azurite-" + kind.id() + " did not listen within " + limit + ": " + Files.readString(log));
    }

    /** A loopback port nobody listens on (bound, then released). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The repository root (the folder with host.json), found from the module folder surefire runs in. */
    public static Path repoRoot() {
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
