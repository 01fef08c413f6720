package dev.heartwatch.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server's certificate and key from {@code HEARTWATCH_TLS_KEYSTORE} (PKCS12); Jetty does the
 * TLS with it. Each way the file can be unusable gets its own one-line reason: "cannot start:
 * null" told nobody that the password was wrong.
 */
public final class TlsKeystore {
    private TlsKeystore() {
    }

    public static SSLContext load(Path file, String password) {
        String where = "HEARTWATCH_TLS_KEYSTORE " + file;
        if (Files.isDirectory(file)) {
            throw new ConfigException(where + " is a directory, not a PKCS12 keystore file");
        }
        char[] secret = password.toCharArray();
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, secret);
        } catch (IOException e) {
            Optional<String> unopened = FileProblem.opening(e);
            if (unopened.isPresent()) {
                throw new ConfigException(where + " " + unopened.get());
            }
            // The JDK reports a wrong password as an IOException caused by UnrecoverableKeyException.
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(where + ": wrong password (HEARTWATCH_TLS_KEYSTORE_PASSWORD)");
            }
            throw new ConfigException(where + " is not a PKCS12 keystore (or is damaged); make one with "
                    + "keytool -genkeypair -storetype PKCS12, or openssl pkcs12 -export");
        } catch (GeneralSecurityException e) {
            throw new ConfigException(where + " cannot be read: " + e.getClass().getSimpleName());
        }
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(ks.aliases())) {
                hasKey |= ks.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new ConfigException(where + " holds no private key with its certificate (only certificates)");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, secret);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            return tls;
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException(where + ": its private key has a password other than the keystore's; "
                    + "give both the one password in HEARTWATCH_TLS_KEYSTORE_PASSWORD");
        } catch (GeneralSecurityException e) {
            throw new ConfigException(where + " cannot be used: " + e.getClass().getSimpleName());
        }
    }
}
