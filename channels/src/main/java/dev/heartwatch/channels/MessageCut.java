package dev.heartwatch.channels;

/**
 * Fits a text into a service's documented limit: a longer one is cut at a character boundary
 * (never inside a surrogate pair) and ends with a note saying it was cut, the whole within the
 * limit. Services count differently (Slack and Discord in characters, Telegram in UTF-16 units,
 * after entity parsing): every limit here is in UTF-16 units, the strictest reading.
 */
public final class MessageCut {
    /** Appended to a cut text. */
    public static final String NOTE = "… (cut to fit)";

    private MessageCut() {
    }

    public static String fit(String text, int limit) {
        if (text == null) {
            return "";
        }
        if (text.length() <= limit) {
            return text;
        }
        if (limit <= NOTE.length()) {
            return cutAt(text, limit);
        }
        return cutAt(text, limit - NOTE.length()) + NOTE;
    }

    /** The same within {@code maxBytes} of UTF-8, for a service that counts bytes (ntfy). */
    public static String fitUtf8(String text, int maxBytes) {
        String t = text == null ? "" : text;
        if (utf8Length(t) <= maxBytes) {
            return t;
        }
        int budget = maxBytes - utf8Length(NOTE);
        int end = 0;
        int bytes = 0;
        while (end < t.length()) {
            int cp = t.codePointAt(end);
            int n = utf8Length(new String(Character.toChars(cp)));
            if (bytes + n > budget) {
                break;
            }
            bytes += n;
            end += Character.charCount(cp);
        }
        return t.substring(0, end) + NOTE;
    }

    private static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** Whether {@code text} had to be cut to fit {@code limit}. */
    public static boolean cut(String text, int limit) {
        return text != null && text.length() > limit;
    }

    private static String cutAt(String text, int end) {
        int e = end;
        if (e > 0 && Character.isHighSurrogate(text.charAt(e - 1))) {
            e--;
        }
        return text.substring(0, e);
    }
}
