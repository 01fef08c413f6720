package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/agent.md recommends one set of JVM flags; the benchmark that measures them, the scripts
 * that start the agent or make its archive, and the systemd unit must all use that set, or the
 * figures describe a configuration nobody runs.
 */
class RecommendedFlagsTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void everyPlaceThatStartsTheAgentUsesTheDocumentedFlags() throws IOException {
        String docs = Files.readString(ROOT.resolve("docs/agent.md"));
        int section = docs.indexOf("## Recommended JVM flags");
        int open = docs.indexOf("```", section);
        Set<String> recommended = flags(docs.substring(open + 3, docs.indexOf("```", open + 3)));
        assertTrue(recommended.contains("-XX:+UseSerialGC") && recommended.size() >= 8, recommended.toString());

        String unit = Files.readString(ROOT.resolve("scripts/systemd/heartwatch-agent.service"));
        String execStart = unit.substring(unit.indexOf("ExecStart="), unit.indexOf('\n', unit.indexOf("ExecStart=")));
        assertEquals(recommended, flags(execStart), "the systemd unit");
        for (String script : new String[] {"start-agent.sh", "bench-agent.sh", "bench-agent-checks.sh", "agent-archive.sh"}) {
            String text = Files.readString(ROOT.resolve("scripts").resolve(script));
            int at = text.indexOf("flags=(");
            assertTrue(at >= 0, script);
            assertEquals(recommended, flags(text.substring(at, text.indexOf(')', at))), script);
        }
    }

    /** The JVM options in a command, without those naming a file (the archive's place varies). */
    private static Set<String> flags(String command) {
        Set<String> found = new TreeSet<>();
        for (String word : command.split("[\\s\\\\]+")) {
            if (word.startsWith("flags=(")) {
                word = word.substring("flags=(".length());
            }
            if (word.startsWith("-X") && !word.startsWith("-XX:SharedArchiveFile")) {
                found.add(word);
            }
        }
        return found;
    }
}
