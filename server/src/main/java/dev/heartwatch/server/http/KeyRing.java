package dev.heartwatch.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
        return match(presented).isPresent();
    }

    /**
     * Which key {@code presented} is, as a name that is not the key ({@code key#1} for the first
     * configured), for limits kept per key; empty when it is none of them.
     */
    public Optional<String> match(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] d = sha256(presented);
        int found = -1;
        for (int i = 0; i < digests.size(); i++) {
            // No early exit: every key is compared, whichever matches.
            if (MessageDigest.isEqual(digests.get(i), d)) {
                found = i;
            }
        }
        return found < 0 ? Optional.empty() : Optional.of("key#" + (found + 1));
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
