package dev.heartwatch.core.contract;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from client text before it reaches a line (contract §3, step 1): the
 * request's own key wherever it appears, the value of any key-like {@code name=value} pair, and
 * the query string of any URL.
 */
public final class KeyRedactor {
    public static final String REDACTED = "[redacted]";

    private static final Pattern SECRET_PAIR = Pattern.compile(
            "(?i)\\b(code|sig|key|token|secret|password)=[^&\\s]*");
    private static final Pattern FUNCTIONS_KEY_HEADER = Pattern.compile(
            "(?i)(x-functions-key)\\s*[:=]\\s*\\S*");
    private static final Pattern URL_QUERY = Pattern.compile(
            "(?i)(https?://[^\\s?#]*)\\?[^\\s#]*");

    private final String key;

    /** @param key the request's key, or null/empty when it carried none */
    public KeyRedactor(String key) {
        this.key = key == null || key.length() < Limits.MIN_REDACTABLE_KEY_CHARS ? null : key;
    }

    public static KeyRedactor none() {
        return new KeyRedactor(null);
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = replaceKey(text);
        out = URL_QUERY.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "?" + REDACTED));
        out = FUNCTIONS_KEY_HEADER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ": " + REDACTED));
        out = SECRET_PAIR.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "=" + REDACTED));
        return out;
    }

    /** True when {@code text} still holds the key, compared case-insensitively. */
    public boolean contains(String text) {
        return key != null && text != null
                && text.toLowerCase(Locale.ROOT).contains(key.toLowerCase(Locale.ROOT));
    }

    String key() {
        return key;
    }

    private String replaceKey(String text) {
        if (key == null) {
            return text;
        }
        String lowerKey = key.toLowerCase(Locale.ROOT);
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.length() != text.length() || !lower.contains(lowerKey)) {
            // Lower-casing changed the length (rare scripts): fall back to a regex that is
            // case-insensitive over the original text.
            return Pattern.compile(Pattern.quote(key), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                    .matcher(text).replaceAll(Matcher.quoteReplacement(REDACTED));
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        int at;
        while ((at = lower.indexOf(lowerKey, from)) >= 0) {
            out.append(text, from, at).append(REDACTED);
            from = at + key.length();
        }
        return out.append(text, from, text.length()).toString();
    }
}
