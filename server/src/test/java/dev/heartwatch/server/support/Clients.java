package dev.heartwatch.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real clients the end-to-end tests run: the Java agent jar, the project's Python client with
 * the original agent's wire behaviour, and the original Python agent itself (only when named).
 */
public final class Clients {
    private Clients() {
    }

    /** The agent jar: {@code -Dheartwatch.agent.jar}, default {@code ../agent/target/heartwatch-agent.jar}. */
    public static Path agentJar() {
        Path jar = Path.of(System.getProperty("heartwatch.agent.jar", "../agent/target/heartwatch-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the agent jar is missing at " + jar.toAbsolutePath()
                    + ": build it first (mvn -B -q -DskipTests -pl agent -am package, as scripts/test.sh does)"
                    + " or point -Dheartwatch.agent.jar at it");
        }
        return jar;
    }

    /** The interpreter for the Python clients: {@code $HEARTWATCH_PYTHON}, default /usr/bin/python3, with requests and dotenv. */
    public static String python() {
        String python = System.getenv().getOrDefault("HEARTWATCH_PYTHON", "/usr/bin/python3");
        try {
            Process p = new ProcessBuilder(python, "-c", "import requests, dotenv").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new AssertionError(python + " cannot import requests and dotenv (" + out.strip()
                        + "): apt-get install -y python3-requests python3-dotenv, as scripts/test.sh does, or set HEARTWATCH_PYTHON");
            }
        } catch (IOException e) {
            throw new AssertionError("no Python at " + python + ": apt-get install -y python3 python3-requests python3-dotenv, or set HEARTWATCH_PYTHON");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return python;
    }

    /**
     * The project's own Python client with the original agent's wire behaviour
     * ({@code src/test/resources/compat/requests_heartbeat.py}), copied into {@code into}: it
     * reads a {@code .env} beside itself, as the original does.
     */
    public static Path compatClient(Path into) throws IOException {
        Path script = into.resolve("requests_heartbeat.py");
        try (InputStream in = Clients.class.getResourceAsStream("/compat/requests_heartbeat.py")) {
            if (in == null) {
                throw new AssertionError("compat/requests_heartbeat.py is not on the test class path");
            }
            Files.copy(in, script);
        }
        return script;
    }

    /** The system property naming the folder that holds the original article (000_*.txt). */
    public static final String SEEDS_DIR = "heartwatch.seeds.dir";

    /**
     * The original Python agent, extracted from the article it was published in (the first
     * seed, {@code 000_*.txt}): the fenced python block that reads {@code HEARTBEAT_URL}. The
     * article is not part of the repository; its folder must be named with
     * {@code -Dheartwatch.seeds.dir} (relative to the repository root, or absolute), and a
     * named folder without it fails.
     */
    public static Path pythonAgent(Path into) throws IOException {
        String named = System.getProperty(SEEDS_DIR, "");
        if (named.isBlank()) {
            throw new AssertionError("no folder named for the original agent's article: run with -D" + SEEDS_DIR
                    + "=DIR (scripts/test.sh passes $HEARTWATCH_SEEDS_DIR)");
        }
        // Surefire runs in the module's folder; the user names the folder from the repository root.
        Path seeds = Path.of("..").resolve(named).normalize();
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(seeds)) {
            try (Stream<Path> files = Files.list(seeds)) {
                files.filter(p -> p.getFileName().toString().matches("000_.*\\.txt")).sorted().forEach(found::add);
            }
        }
        if (found.isEmpty()) {
            throw new AssertionError("-D" + SEEDS_DIR + "=" + named + " names " + seeds.toAbsolutePath()
                    + (Files.isDirectory(seeds) ? ", which holds no 000_*.txt" : ", which does not exist")
                    + ": name the folder that holds the original article");
        }
        String text = Files.readString(found.get(0), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```python\\r?\\n(.*?)```", Pattern.DOTALL).matcher(text);
        while (m.find()) {
            if (m.group(1).contains("HEARTBEAT_URL")) {
                Path script = into.resolve("heartbeat_agent.py");
                Files.writeString(script, m.group(1), StandardCharsets.UTF_8);
                return script;
            }
        }
        throw new AssertionError("no ```python block reading HEARTBEAT_URL in " + found.get(0));
    }
}
