package dev.heartwatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.support.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code heartwatch-server} prints and returns when it must not start (issue 14, D8 and D9):
 * one line naming the setting and the cause, exit 2 for configuration, no stack trace, no
 * "null", no key, and nothing created beside the database.
 */
class StartRefusalTest {
    static final String KEY = "start-refusal-ping-key-0123456789abcdef";

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HEARTWATCH_KEYS", KEY);
        env.put("HEARTWATCH_PORT", "0");
        env.put("HEARTWATCH_DB", dir.resolve("db/heartwatch.db").toString());
        env.put("HEARTWATCH_OUTBOX", dir.resolve("outbox").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static Result run(Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = HeartwatchServer.run(new String[0], env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void assertRefused(Result r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("configuration error: "), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("null") || r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertFalse(r.err().contains(KEY), "no key: " + r.err());
        assertFalse(Files.exists(dir.resolve("db")), "nothing is created when the start is refused");
    }

    @Test
    void aTypoInTheConfigurationFileStopsTheStart() throws IOException {
        Path file = dir.resolve("heartwatch-server.properties");
        Files.writeString(file, "HEARTWATCH_TRESHOLD=PT5S\n");
        assertRefused(run(env("HEARTWATCH_CONFIG", file.toString())), "did you mean HEARTWATCH_THRESHOLD?");
    }

    @Test
    void aNearMissInTheEnvironmentStopsTheStart() {
        assertRefused(run(env("HEARTWATCH_THRESHHOLD", "PT5S")), "did you mean HEARTWATCH_THRESHOLD?");
    }

    @Test
    void theAdminKeyEqualToThePingKeyStopsTheStart() {
        assertRefused(run(env("HEARTWATCH_ADMIN_KEYS", KEY)), "must all differ");
    }

    @Test
    void aOneLetterPingKeyStopsTheStart() {
        assertRefused(run(env("HEARTWATCH_KEYS", "a")), "shorter than 32 characters");
    }

    @Test
    void whatTheRuleRefusesStopsTheStart() {
        assertRefused(run(env("HEARTWATCH_LOOKBACK", "PT1M")), "lookback PT1M must exceed threshold PT5M");
    }

    // --- D9: each keystore failure has its reason

    private Path keystore(String password) throws Exception {
        Path p12 = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", password,
                "-alias", "heartwatch", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2"))
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), out);
        return p12;
    }

    private Result withKeystore(Path p12, String password) {
        return run(env("HEARTWATCH_TLS_KEYSTORE", p12.toString(), "HEARTWATCH_TLS_KEYSTORE_PASSWORD", password));
    }

    @Test
    void aGarbageKeystoreSaysItIsNotOne() throws IOException {
        Path p12 = dir.resolve("garbage.p12");
        Files.writeString(p12, "-----BEGIN NONSENSE-----\nnot a keystore\n");
        assertRefused(withKeystore(p12, "pw"), "HEARTWATCH_TLS_KEYSTORE " + p12 + " is not a PKCS12 keystore (or is damaged)");
        Files.write(p12, new byte[0]);
        assertRefused(withKeystore(p12, "pw"), "is not a PKCS12 keystore");
    }

    @Test
    void aWrongPasswordSaysSo() throws Exception {
        Path p12 = keystore("right-password");
        assertRefused(withKeystore(p12, "wrong-password"), "HEARTWATCH_TLS_KEYSTORE " + p12
                + ": wrong password (HEARTWATCH_TLS_KEYSTORE_PASSWORD)");
    }

    @Test
    void aMissingKeystoreOrADirectorySaysSo() throws IOException {
        Files.writeString(dir.resolve("garbage.p12"), "x");
        Path missing = dir.resolve("nowhere.p12");
        assertRefused(withKeystore(missing, "pw"), "HEARTWATCH_TLS_KEYSTORE " + missing + " does not exist");
        assertRefused(withKeystore(dir, "pw"), "is a directory, not a PKCS12 keystore file");
        Path throughAFile = dir.resolve("garbage.p12/server.p12");
        assertRefused(withKeystore(throughAFile, "pw"), "HEARTWATCH_TLS_KEYSTORE " + throughAFile + " cannot be read: Not a directory");
    }

    @Test
    void aKeystoreWithOnlyACertificateSaysSo() throws Exception {
        Path p12 = keystore("pw-0123");
        KeyStore full = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            full.load(in, "pw-0123".toCharArray());
        }
        KeyStore certOnly = KeyStore.getInstance("PKCS12");
        certOnly.load(null, null);
        certOnly.setCertificateEntry("ca", full.getCertificate("heartwatch"));
        Path trust = dir.resolve("trust.p12");
        try (var out = Files.newOutputStream(trust)) {
            certOnly.store(out, "pw-0123".toCharArray());
        }
        assertRefused(withKeystore(trust, "pw-0123"), "holds no private key with its certificate");
    }

    /**
     * An unreadable keystore. Root reads any file, so as root the server runs in a child JVM
     * without the capabilities that let root ignore file modes ({@code setpriv}, util-linux).
     */
    @Test
    void anUnreadableKeystoreSaysPermissionDenied() throws Exception {
        Path p12 = keystore("pw-0123");
        Files.setPosixFilePermissions(p12, PosixFilePermissions.fromString("---------"));
        Map<String, String> env = env("HEARTWATCH_TLS_KEYSTORE", p12.toString(), "HEARTWATCH_TLS_KEYSTORE_PASSWORD", "pw-0123");
        if (!"root".equals(System.getProperty("user.name"))) {
            assertRefused(run(env), "cannot be read by this user (permission denied)");
            return;
        }
        Path setpriv = Path.of("/usr/bin/setpriv");
        assertTrue(Files.isExecutable(setpriv), "as root this test needs setpriv (apt-get install util-linux)");
        List<String> command = new ArrayList<>(List.of(setpriv.toString(), "--bounding-set=-dac_override,-dac_read_search",
                ChildProcess.java(), "-Xmx64m", "-cp", System.getProperty("java.class.path"), HeartwatchServer.class.getName()));
        Path log = dir.resolve("child.log");
        try (ChildProcess child = ChildProcess.start(command, env, log)) {
            int code = child.exitCode(60);
            String err = Files.readString(log);
            assertEquals(2, code, err);
            assertTrue(err.contains("configuration error: HEARTWATCH_TLS_KEYSTORE " + p12
                    + " cannot be read by this user (permission denied)"), err);
            assertFalse(err.contains("Exception") || err.contains("null"), err);
        }
        assertFalse(Files.exists(dir.resolve("db")), "nothing is created when the start is refused");
    }
}
