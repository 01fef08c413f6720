package dev.heartwatch.agent.send;

/**
 * The few bytes of JSON the agent writes: compact objects and arrays of strings
 * and integers. Escapes every control character and the line/paragraph
 * separators so no value can break a line downstream.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder(256);
    private boolean needComma;

    JsonWriter beginObject() {
        comma();
        out.append('{');
        needComma = false;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        needComma = true;
        return this;
    }

    JsonWriter beginArray(String name) {
        name(name);
        out.append('[');
        needComma = false;
        return this;
    }

    JsonWriter endArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    JsonWriter field(String name, String value) {
        name(name);
        string(value);
        needComma = true;
        return this;
    }

    JsonWriter field(String name, long value) {
        name(name);
        out.append(value);
        needComma = true;
        return this;
    }

    int length() {
        return out.length();
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void name(String name) {
        comma();
        string(name);
        out.append(':');
    }

    private void comma() {
        if (needComma) {
            out.append(',');
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                        out.append("\\u");
                        String hex = Integer.toHexString(c);
                        for (int p = hex.length(); p < 4; p++) {
                            out.append('0');
                        }
                        out.append(hex);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
