package dev.heartwatch.cli.history;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made at test time with the JDK's keytool, and a server certificate
 * it signed for 127.0.0.1. The server side uses {@link #serverContext()}; the client trusts only
 * the CA through {@link #clientContext()}, as a real client trusts a real CA.
 */
public final class TestCertificateAuthority {
  private static final String PASS = "test-only-pass";
  private final SSLContext server;
  private final SSLContext client;
  private final Path caCertificate;

  private TestCertificateAuthority(SSLContext server, SSLContext client, Path caCertificate) {
    this.server = server;
    this.client = client;
    this.caCertificate = caCertificate;
  }

  public static TestCertificateAuthority create(Path dir) throws Exception {
    Path ca = dir.resolve("ca.p12");
    Path srv = dir.resolve("server.p12");
    Path csr = dir.resolve("server.csr");
    Path crt = dir.resolve("server.crt");
    Path caCrt = dir.resolve("ca.crt");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=Heartwatch test CA", "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(),
        "-storetype", "PKCS12", "-storepass", PASS);
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-validity", "2", "-keystore", srv.toString(), "-storetype", "PKCS12",
        "-storepass", PASS);
    keytool("-certreq", "-alias", "server", "-keystore", srv.toString(), "-storepass", PASS, "-file", csr.toString());
    keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASS, "-infile", csr.toString(),
        "-outfile", crt.toString(), "-ext", "san=ip:127.0.0.1", "-ext", "eku=serverAuth", "-validity", "2", "-rfc");
    keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASS, "-rfc",
        "-file", caCrt.toString());
    keytool("-importcert", "-alias", "ca", "-keystore", srv.toString(), "-storepass", PASS,
        "-file", caCrt.toString(), "-noprompt");
    keytool("-importcert", "-alias", "server", "-keystore", srv.toString(), "-storepass", PASS,
        "-file", crt.toString(), "-noprompt");

    KeyStore serverStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(srv)) {
      serverStore.load(in, PASS.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(serverStore, PASS.toCharArray());
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);

    return new TestCertificateAuthority(server, trusting(caCrt), caCrt);
  }

  /** A client context trusting only the CA in {@code caCrt} (PEM): for a test's child process. */
  public static SSLContext trusting(Path caCrt) throws Exception {
    Certificate caCert;
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(caCrt))) {
      caCert = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("heartwatch-test-ca", caCert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    return client;
  }

  /** The CA's certificate (PEM), for a child process to trust. */
  public Path caCertificate() {
    return caCertificate;
  }

  SSLContext serverContext() {
    return server;
  }

  public SSLContext clientContext() {
    return client;
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("keytool " + args[0] + " failed: " + output);
    }
  }
}
