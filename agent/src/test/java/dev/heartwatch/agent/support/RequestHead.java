package dev.heartwatch.agent.support;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A request head as the loopback test servers read it: its lines, and a header's value. */
public record RequestHead(List<String> lines) {

    /** The next head on the stream, or null when the client closed the connection first. */
    public static RequestHead read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\r') {
                continue;
            }
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            if (line.length() == 0) {
                return new RequestHead(List.copyOf(lines));
            }
            lines.add(line.toString());
            line.setLength(0);
        }
        return null;
    }

    /** The value of the first header {@code name} (any case), or null. */
    public String header(String name) {
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return l.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Content-Length, or 0. */
    public int contentLength() {
        String v = header("content-length");
        return v == null ? 0 : Integer.parseInt(v);
    }

    public String text() {
        return String.join("\n", lines);
    }
}
