package dev.heartwatch.agent.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 made with the JDK's keytool at test time,
 * so no private key is ever committed. {@link #clientContext()} trusts only it.
 */
public final class TestCertificates {
    public static final char[] PASSWORD = "changeit".toCharArray();

    private final Path keyStore;
    private final Path trustStore;
    private final Path pem;

    private TestCertificates(Path keyStore, Path trustStore, Path pem) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.pem = pem;
    }

    /** The certificate in PEM, as a check's {@code ca FILE} reads it. */
    public Path pem() {
        return pem;
    }

    /** Generates a key pair and certificate (CN=alias, SAN ip:127.0.0.1) in {@code dir}. */
    public static TestCertificates generate(Path dir, String alias) throws IOException, InterruptedException {
        return generate(dir, alias, "ip:127.0.0.1");
    }

    /** The same with other subject alternative names, in keytool's form ({@code ip:..., dns:...}). */
    public static TestCertificates generate(Path dir, String alias, String san)
            throws IOException, InterruptedException {
        return generate(dir, alias, san, 2);
    }

    /** The same, valid for {@code days} days from now; its PEM is {@link #pem}. */
    public static TestCertificates generate(Path dir, String alias, String san, int days)
            throws IOException, InterruptedException {
        Path ks = dir.resolve(alias + "-keystore.p12");
        Path cert = dir.resolve(alias + ".pem");
        Path ts = dir.resolve(alias + "-truststore.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + alias, "-ext", "SAN=" + san, "-validity", Integer.toString(days),
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", alias, "-keystore", ks.toString(),
                "-storepass", "changeit", "-file", cert.toString()));
        run(List.of(keytool, "-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(),
                "-storetype", "PKCS12", "-keystore", ts.toString(), "-storepass", "changeit"));
        return new TestCertificates(ks, ts, cert);
    }

    public Path trustStore() {
        return trustStore;
    }

    /** JVM options for an agent process that trusts this certificate (AgentProcess). */
    public List<String> trustingJvmOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=" + new String(PASSWORD));
    }

    public SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore ks = load(keyStore);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** A client context that trusts this certificate and nothing else. */
    public SSLContext clientContext() throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path p) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(out));
        }
    }
}
