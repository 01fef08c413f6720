package dev.heartwatch.cli.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Azurite blob service on 127.0.0.1, over HTTPS with OAuth ({@code --oauth basic}), with a
 * certificate made for 127.0.0.1 at test time. The test's SDK client trusts exactly that
 * certificate through {@link #sslContext()}.
 */
public final class Azurite implements AutoCloseable {
  public static final String ACCOUNT = "devstoreaccount1";

  private final Process process;
  private final int port;
  private final SSLContext sslContext;
  private final Path logFile;

  private Azurite(Process process, int port, SSLContext sslContext, Path logFile) {
    this.process = process;
    this.port = port;
    this.sslContext = sslContext;
    this.logFile = logFile;
  }

  public static Azurite start(Path workDir) throws Exception {
    Path binary = RepoRoot.find().resolve("tools/node_modules/.bin/azurite-blob");
    if (!Files.isExecutable(binary)) {
      throw new AssertionError(
          "Azurite is missing (" + binary + "). Run scripts/test.sh, which installs it, or: "
              + "npm --prefix tools install (tools/package.json pins azurite 3.37.0)");
    }
    Path cert = workDir.resolve("azurite-cert.pem");
    Path key = workDir.resolve("azurite-key.pem");
    run(
        List.of(
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", key.toString(), "-out", cert.toString()),
        workDir);
    int port = freePort();
    Path data = Files.createDirectories(workDir.resolve("azurite-data"));
    Path log = workDir.resolve("azurite.log");
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                "--location", data.toString(), "--silent", "--skipApiVersionCheck",
                "--disableTelemetry", "--cert", cert.toString(), "--key", key.toString(),
                "--oauth", "basic")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Azurite azurite = new Azurite(process, port, trusting(cert), log);
    azurite.awaitListening(Duration.ofSeconds(30));
    return azurite;
  }

  public String endpoint() {
    return "https://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  public SSLContext sslContext() {
    return sslContext;
  }

  private void awaitListening(Duration limit) throws Exception {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("Azurite exited (" + process.exitValue() + "): " + Files.readString(logFile));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    close();
    throw new AssertionError("Azurite did not listen within " + limit + ": " + Files.readString(logFile));
  }

  /** A loopback port nobody listens on (bound, then released). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static SSLContext trusting(Path certPem) throws Exception {
    Certificate cert;
    try (var in = new ByteArrayInputStream(Files.readAllBytes(certPem))) {
      cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("azurite", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static void run(List<String> command, Path dir) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0) + " (install it: apt-get install -y openssl)", e);
    }
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(command.get(0) + " failed: " + output);
    }
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
