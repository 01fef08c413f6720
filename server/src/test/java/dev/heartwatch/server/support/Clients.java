package dev.heartwatch.server.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The two real clients the end-to-end tests run: the Java agent jar and the original Python agent. */
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

    /** The interpreter for the Python agent: {@code $HEARTWATCH_PYTHON}, default /usr/bin/python3, with requests and dotenv. */
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
     * The original Python agent, extracted from the first seed (the write-up of the Python
     * version): the fenced python block that reads {@code HEARTBEAT_URL}. The seeds sit beside
     * the clone ({@code ../../shared/seeds/000_*.txt} from this module), as in CI.
     */
    public static Path pythonAgent(Path into) throws IOException {
        Path seeds = Path.of(System.getProperty("heartwatch.seeds.dir", "../../shared/seeds"));
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(seeds)) {
            try (Stream<Path> files = Files.list(seeds)) {
                files.filter(p -> p.getFileName().toString().matches("000_.*\\.txt")).forEach(found::add);
            }
        }
        if (found.isEmpty()) {
            throw new AssertionError("the seed with the original Python agent (000_*.txt) is not in " + seeds.toAbsolutePath()
                    + ": the repository's shared/seeds folder must sit beside the clone, or set -Dheartwatch.seeds.dir");
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
