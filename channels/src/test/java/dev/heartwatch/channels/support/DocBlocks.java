package dev.heartwatch.channels.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generated blocks of a doc: a line {@code <!-- KIND:NAME -->} and under it a {@code json} or
 * {@code text} fenced block that holds what the code makes for NAME. docs/notifications.md has two
 * kinds, each checked by its module's NotificationsDocTest: the server's {@code message} blocks and
 * the channels' {@code payload} blocks. Shared through this module's test-jar, so both read the
 * doc alike.
 */
public final class DocBlocks {
    /** Set to true, the blocks are rewritten from the code before they are compared. */
    public static final String UPDATE = "heartwatch.docs.update";

    private DocBlocks() {
    }

    /**
     * Asserts that the doc at {@code doc} (relative to the repository root; a test runs in its
     * module's folder) shows every block of {@code kind} that {@code expected} names, only those,
     * each as {@code expected} has it. With {@code -Dheartwatch.docs.update=true} it first rewrites
     * those blocks with what {@code expected} has. Returns the doc's text as it then stands.
     */
    public static String check(String doc, String kind, Map<String, String> expected) throws IOException {
        Path file = Path.of("..").resolve(doc);
        Pattern block = Pattern.compile("<!-- " + Pattern.quote(kind) + ":([a-z-]+) -->\\n```(json|text)\\n(.*?)\\n```\\n",
                Pattern.DOTALL);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (Boolean.getBoolean(UPDATE)) {
            Matcher m = block.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement("<!-- " + kind + ":" + m.group(1) + " -->\n```" + m.group(2) + "\n"
                        + expected.getOrDefault(m.group(1), m.group(3)) + "\n```\n"));
            }
            m.appendTail(out);
            Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
            text = out.toString();
        }
        Matcher m = block.matcher(text);
        Map<String, String> found = new LinkedHashMap<>();
        while (m.find()) {
            found.put(m.group(1), m.group(3));
        }
        assertEquals(expected.keySet(), found.keySet(), doc + " shows every " + kind + " block, and only those");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), found.get(e.getKey()), e.getKey() + " in " + doc);
        }
        return text;
    }
}
