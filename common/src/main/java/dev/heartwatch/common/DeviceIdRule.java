package dev.heartwatch.common;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The device-id rule of the contract (docs/contract.md §3 step 3), in the JDK-only module so the
 * agent names its checks' devices exactly as a receiver will: NFKC, lower case, every run outside
 * {@code [a-z0-9._-]} becomes one {@code -}, leading and trailing {@code -} and {@code .}
 * removed, at most 64 characters. Core's {@code DeviceId} is this rule.
 */
public final class DeviceIdRule {
    public static final int MAX_CHARS = 64;

    private DeviceIdRule() {
    }

    public static String normalize(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        String text = Normalizer.normalize(raw, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS + 1));
        boolean inRun = false;
        for (int i = 0; i < text.length() && out.length() <= MAX_CHARS; i++) {
            char c = text.charAt(i);
            if (isAllowed(c)) {
                out.append(c);
                inRun = false;
            } else if (!inRun) {
                out.append('-');
                inRun = true;
            }
        }
        return trim(out);
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }

    private static String trim(StringBuilder id) {
        int start = 0;
        int end = Math.min(id.length(), MAX_CHARS);
        while (start < end && isTrimmed(id.charAt(start))) {
            start++;
        }
        while (end > start && isTrimmed(id.charAt(end - 1))) {
            end--;
        }
        // Cutting at 64 may expose a trailing '-' or '.', removed above.
        return id.substring(start, end);
    }

    private static boolean isTrimmed(char c) {
        return c == '-' || c == '.';
    }
}
