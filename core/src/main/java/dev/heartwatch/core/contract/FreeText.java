package dev.heartwatch.core.contract;

import java.text.Normalizer;

/**
 * Free text ({@code note}, {@code detail}) as contract §3 step 2 defines it: NFC, every
 * character that could split, forge or disguise a line replaced by a space, whitespace
 * collapsed, trimmed, cut to a number of code points without breaking a surrogate pair.
 */
public final class FreeText {
    private FreeText() {
    }

    public static String clean(String raw, int maxCodePoints) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        String text = Normalizer.normalize(raw, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxCodePoints * 2));
        int kept = 0;
        boolean pendingSpace = false;
        for (int i = 0; i < text.length() && kept < maxCodePoints; ) {
            int cp = text.codePointAt(i);
            int width = Character.charCount(cp);
            boolean unpairedSurrogate = width == 1 && Character.isSurrogate((char) cp);
            i += width;
            if (unpairedSurrogate || isUnsafe(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                pendingSpace = out.length() > 0;
                continue;
            }
            if (pendingSpace) {
                if (kept + 1 >= maxCodePoints) {
                    break;
                }
                out.append(' ');
                kept++;
                pendingSpace = false;
            }
            out.appendCodePoint(cp);
            kept++;
        }
        return out.toString();
    }

    /** Characters that must never reach a line: controls, format (bidi, zero-width), separators. */
    static boolean isUnsafe(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE
                || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED;
    }
}
