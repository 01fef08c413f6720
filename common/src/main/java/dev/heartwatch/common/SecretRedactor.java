package dev.heartwatch.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Removes secrets from text before it is printed, logged or stored: every given secret
 * (case-insensitively), every URL's query string, and the value of every {@code code=},
 * {@code sig=}, {@code key=}, {@code token=}, {@code secret=}, {@code password=} pair and
 * {@code x-functions-key:} (or {@code =}) header. One implementation for the agent (its keys and
 * proxy password) and core (the request's key, contract §3). Plain scanning, no regex, so the
 * agent's start-up loads no pattern machinery.
 */
public final class SecretRedactor {
    public static final String MARK = "[redacted]";
    private static final String[] PAIR_NAMES = {"code=", "sig=", "key=", "token=", "secret=", "password="};

    private final List<String> secrets;

    /** @param secrets texts to remove wherever they appear; null and empty entries are ignored */
    public SecretRedactor(List<String> secrets) {
        List<String> kept = new ArrayList<>();
        for (String s : secrets) {
            if (s != null && !s.isEmpty()) {
                kept.add(s);
            }
        }
        this.secrets = List.copyOf(kept);
    }

    /** Only the patterns (queries, pairs, headers): no secret of its own. */
    public static SecretRedactor none() {
        return new SecretRedactor(List.of());
    }

    /** The text without secrets; "" for null. */
    public String redact(String text) {
        if (text == null) {
            return "";
        }
        String s = text;
        for (String secret : secrets) {
            s = replaceIgnoreCase(s, secret);
        }
        if (s.indexOf('=') < 0 && s.indexOf(':') < 0) {
            // Every pattern below needs one of them (a pair's "=", "x-functions-key:", a URL's
            // "://"): most texts (device names, short notes) are done here, unscanned.
            return s;
        }
        s = redactQueryStrings(s);
        for (String name : PAIR_NAMES) {
            s = redactPairs(s, name);
        }
        return redactPairs(redactPairs(s, "x-functions-key:"), "x-functions-key=");
    }

    private static String replaceIgnoreCase(String s, String secret) {
        StringBuilder out = null;
        int from = 0;
        for (int i = 0; i + secret.length() <= s.length(); ) {
            if (s.regionMatches(true, i, secret, 0, secret.length())) {
                if (out == null) {
                    out = new StringBuilder(s.length());
                }
                out.append(s, from, i).append(MARK);
                i += secret.length();
                from = i;
            } else {
                i++;
            }
        }
        return out == null ? s : out.append(s, from, s.length()).toString();
    }

    private static String redactQueryStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int http = indexOfIgnoreCase(s, "http", i);
            if (http < 0) {
                break;
            }
            int afterScheme = schemeEnd(s, http);
            if (afterScheme < 0) {
                out.append(s, i, http + 4);
                i = http + 4;
                continue;
            }
            int end = afterScheme;
            while (end < s.length() && !isUrlEnd(s.charAt(end))) {
                end++;
            }
            int q = s.indexOf('?', afterScheme);
            if (q >= 0 && q < end) {
                out.append(s, i, q + 1).append(MARK);
            } else {
                out.append(s, i, end);
            }
            i = end;
        }
        return out.append(s, i, s.length()).toString();
    }

    /** Index just past "http://" or "https://" at {@code at}, or -1. */
    private static int schemeEnd(String s, int at) {
        if (s.regionMatches(true, at, "https://", 0, 8)) {
            return at + 8;
        }
        if (s.regionMatches(true, at, "http://", 0, 7)) {
            return at + 7;
        }
        return -1;
    }

    private static boolean isUrlEnd(char c) {
        return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == ',' || c == ')';
    }

    private static String redactPairs(String s, String name) {
        StringBuilder out = null;
        int from = 0;
        int i = 0;
        while (true) {
            int at = indexOfIgnoreCase(s, name, i);
            if (at < 0) {
                break;
            }
            i = at + name.length();
            if (at > 0 && Character.isLetterOrDigit(s.charAt(at - 1))) {
                continue; // "barcode=" is not "code="
            }
            int v = i;
            while (v < s.length() && s.charAt(v) == ' ') {
                v++;
            }
            int end = v;
            while (end < s.length() && !isValueEnd(s.charAt(end))) {
                end++;
            }
            if (end == v || s.startsWith(MARK, v)) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length());
            }
            out.append(s, from, v).append(MARK);
            from = end;
            i = end;
        }
        return out == null ? s : out.append(s, from, s.length()).toString();
    }

    private static boolean isValueEnd(char c) {
        return Character.isWhitespace(c) || c == '&' || c == '"' || c == '\'' || c == ';' || c == ','
                || c == ')' || c == '>' || c == '<';
    }

    private static int indexOfIgnoreCase(String s, String needle, int from) {
        for (int i = Math.max(0, from); i + needle.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }
}
