package dev.heartwatch.channels.support;

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
 * A CA made at test time with the JDK's keytool, and a certificate it signed for 127.0.0.1: the
 * fake services serve with {@link #server()}, clients trust {@link #client()} (the CA alone), as
 * a real channel trusts a real CA. A test's child process trusts it through
 * {@link #caCertificate()} and {@link #trusting(Path)}. No key is ever committed. The one test CA
 * of the repository: the server's, the cli's and the function app's tests use it through this
 * module's test-jar.
 */
public final class TestCa {
    private static final String PASS = "test-only-pass";
    private final SSLContext server;
    private final SSLContext client;
    private final Path serverKeystore;
    private final Path caCertificate;

    private TestCa(SSLContext server, SSLContext client, Path serverKeystore, Path caCertificate) {
        this.server = server;
        this.client = client;
        this.serverKeystore = serverKeystore;
        this.caCertificate = caCertificate;
    }

    public static TestCa create(Path dir) throws Exception {
        Path ca = dir.resolve("ca.p12");
        Path srv = dir.resolve("fake.p12");
        Path csr = dir.resolve("fake.csr");
        Path crt = dir.resolve("fake.crt");
        Path caCrt = dir.resolve("ca.crt");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=channels test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-genkeypair", "-alias", "fake", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-keystore", srv.toString(), "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-certreq", "-alias", "fake", "-keystore", srv.toString(), "-storepass", PASS, "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASS, "-infile", csr.toString(),
                "-outfile", crt.toString(), "-ext", "san=ip:127.0.0.1", "-ext", "eku=serverAuth", "-validity", "2", "-rfc");
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASS, "-rfc", "-file", caCrt.toString());
        keytool("-importcert", "-alias", "ca", "-keystore", srv.toString(), "-storepass", PASS, "-file", caCrt.toString(), "-noprompt");
        keytool("-importcert", "-alias", "fake", "-keystore", srv.toString(), "-storepass", PASS, "-file", crt.toString(), "-noprompt");

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(srv)) {
            keys.load(in, PASS.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASS.toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        return new TestCa(server, trusting(caCrt), srv, caCrt);
    }

    /** A client context trusting only the CA in {@code caCrt} (PEM): for a test's child process. */
    public static SSLContext trusting(Path caCrt) throws Exception {
        Certificate caCert;
        try (InputStream in = Files.newInputStream(caCrt)) {
            caCert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("channels-test-ca", caCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return client;
    }

    public SSLContext server() {
        return server;
    }

    public SSLContext client() {
        return client;
    }

    /** The CA's certificate (PEM), for a child process to trust ({@link #trusting(Path)}). */
    public Path caCertificate() {
        return caCertificate;
    }

    /**
     * The fake's key and certificate chain as a PKCS#12 file, for a server that is not the JDK's
     * (Azurite's {@code --cert FILE --pwd PASSWORD}), so one trust ({@link #client()}) serves all.
     */
    public Path serverPkcs12() {
        return serverKeystore;
    }

    /** The password of {@link #serverPkcs12()}; a test-only value. */
    public String serverPkcs12Password() {
        return PASS;
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + new String(out));
        }
    }
}
