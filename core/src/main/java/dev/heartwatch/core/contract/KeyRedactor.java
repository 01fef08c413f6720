package dev.heartwatch.core.contract;

import dev.heartwatch.common.SecretRedactor;
import java.util.List;
import java.util.Locale;

/**
 * Removes secrets from client text before it reaches a line (contract §3, step 1): the
 * request's own key wherever it appears, the value of any key-like {@code name=value} pair, and
 * the query string of any URL. The scanning is common's {@link SecretRedactor}, the agent's too.
 */
public final class KeyRedactor {
    public static final String REDACTED = SecretRedactor.MARK;
    private static final SecretRedactor NO_SECRET = SecretRedactor.none();

    private final String key;
    private final String lowerKey;
    private final SecretRedactor redactor;

    /** @param key the request's key, or null/empty when it carried none */
    public KeyRedactor(String key) {
        this.key = key == null || key.length() < Limits.MIN_REDACTABLE_KEY_CHARS ? null : key;
        this.lowerKey = this.key == null ? null : this.key.toLowerCase(Locale.ROOT);
        this.redactor = this.key == null ? NO_SECRET : new SecretRedactor(List.of(this.key));
    }

    public static KeyRedactor none() {
        return new KeyRedactor(null);
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return redactor.redact(text);
    }

    /** True when {@code text} still holds the key, compared case-insensitively. */
    public boolean contains(String text) {
        // Lower-casing at most doubles a text's length (U+0130): shorter texts cannot hold the key.
        return key != null && text != null && 2L * text.length() >= lowerKey.length()
                && text.toLowerCase(Locale.ROOT).contains(lowerKey);
    }

    String key() {
        return key;
    }
}
