package dev.heartwatch.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys a request may present, held as SHA-256 digests. Comparing fixed-length digests with
 * {@link MessageDigest#isEqual} (constant time) against every key, without stopping early, leaks
 * neither a key's length nor which key nearly matched.
 */
public final class KeyRing {
    private final List<byte[]> digests = new ArrayList<>();

    public KeyRing(List<String> keys) {
        for (String k : keys) {
            if (k != null && !k.isEmpty()) {
                digests.add(sha256(k));
            }
        }
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public boolean matches(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] d = sha256(presented);
        boolean match = false;
        for (byte[] known : digests) {
            match |= MessageDigest.isEqual(known, d);
        }
        return match;
    }

    // One digest per thread: looking the algorithm up for every request was a tenth of a ping's CPU.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    });

    private static byte[] sha256(String s) {
        return SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
