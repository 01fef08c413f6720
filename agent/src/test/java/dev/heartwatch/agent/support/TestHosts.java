package dev.heartwatch.agent.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The test JVM's hosts file ({@code -Djdk.net.hosts.file}, set in the pom), which the JDK reads
 * at each lookup that its address cache does not answer: names the tests map to loopback, so
 * that the JDK's own lookup finds them, and nothing else resolves.
 */
public final class TestHosts {
    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    private TestHosts() {
    }

    /** Maps {@code name} to {@code address} (a loopback literal). */
    public static synchronized void map(String name, String address) throws IOException {
        NAMES.put(name, address);
        write();
    }

    /** Takes {@code name} out of the file: a later lookup not answered by the cache fails. */
    public static synchronized void unmap(String name) throws IOException {
        NAMES.remove(name);
        write();
    }

    private static void write() throws IOException {
        String file = System.getProperty("jdk.net.hosts.file");
        if (file == null) {
            throw new IllegalStateException("run with -Djdk.net.hosts.file (the agent's pom sets it)");
        }
        StringBuilder text = new StringBuilder();
        NAMES.forEach((n, a) -> text.append(a).append(' ').append(n).append('\n'));
        Path p = Path.of(file);
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
