package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.support.Bodies;
import dev.heartwatch.agent.support.RecordingEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's scripts, run for real: shellcheck-clean, the tmux start/stop pair
 * (the stop must produce the "stopping" beat) and the systemd installer under a
 * scratch root with a recording systemctl. Needs shellcheck and tmux.
 */
@Tag("full")
class ScriptsTest {
    private static final Path SCRIPTS = Path.of("..", "scripts").toAbsolutePath().normalize();

    @TempDir
    Path dir;
    Path jar;

    /** The jar does not exist yet in the test phase: build one from target/classes and common's classes. */
    @BeforeEach
    void agentJar() throws Exception {
        jar = dir.resolve("heartwatch-agent.jar");
        ToolProvider jarTool = ToolProvider.findFirst("jar").orElseThrow();
        Path common = dev.heartwatch.agent.support.AgentProcess.commonClasses(dir.resolve("scratch"));
        int rc = jarTool.run(System.out, System.err, "--create", "--file", jar.toString(),
                "--main-class", "dev.heartwatch.agent.Main", "-C", "target/classes", ".", "-C", common.toString(),
                "dev");
        assertEquals(0, rc);
    }

    private static String run(Path workDir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is missing: run scripts/test.sh, which installs it "
                    + "(apt-get install -y shellcheck tmux)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void everyAgentScriptIsShellcheckClean() throws Exception {
        run(dir, Map.of(), "shellcheck", "--version");
        for (String s : List.of("start-agent.sh", "stop-agent.sh", "install-agent.sh", "bench-agent.sh",
                "bench-agent-checks.sh", "agent-archive.sh", "heartwatch-run.sh")) {
            String text = Files.readString(SCRIPTS.resolve(s));
            assertTrue(text.contains("set -euo pipefail"), s);
            run(dir, Map.of(), "shellcheck", SCRIPTS.resolve(s).toString());
        }
    }

    @Test
    void startThenStopInTmuxEndsWithAStoppingBeat() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            Files.writeString(dir.resolve(".env"), "HEARTBEAT_URL=" + server.url() + "?code=tmuxKey\n"
                    + "HEARTBEAT_DEVICE=tmux-test\nHEARTBEAT_INTERVAL=PT0.2S\n");
            Path sockets = Files.createDirectories(dir.resolve("tmux"));
            Map<String, String> env = Map.of("TMUX_TMPDIR", sockets.toString(), "HEARTWATCH_SESSION", "hw-test",
                    "HEARTWATCH_AGENT_JAR", jar.toString());
            try {
                run(dir, env, SCRIPTS.resolve("start-agent.sh").toString());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (server.received().size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(server.received().size() >= 2, "the agent in tmux never beat");
                run(dir, env, SCRIPTS.resolve("stop-agent.sh").toString());
                List<RecordingEndpoint.Received> got = server.received();
                assertEquals("stopping", Bodies.field(got.get(got.size() - 1).body(), "state"));
                assertEquals("tmuxKey", got.get(0).keyHeader());
            } finally {
                // Only the test's own tmux server (its socket lives under TMUX_TMPDIR), never the user's.
                ProcessBuilder kill = new ProcessBuilder("tmux", "kill-server").directory(dir.toFile()).inheritIO();
                kill.environment().put("TMUX_TMPDIR", sockets.toString());
                kill.start().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void installPutsEachFileInPlaceKeepsTheKeyPrivateEnablesTheServiceAndInstallsTheCronWrapper() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            Path root = Files.createDirectories(dir.resolve("root"));
            Path calls = dir.resolve("systemctl.calls");
            Path fake = dir.resolve("systemctl");
            Files.writeString(fake, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path config = dir.resolve("agent.env");
            Files.writeString(config, "HEARTBEAT_URL=" + server.url() + "\nHEARTBEAT_DEVICE=installed\n"
                    + "HEARTBEAT_KEY=installKey\n");
            run(dir, Map.of("ROOT", root.toString(), "SYSTEMCTL", fake.toString(),
                    "HEARTWATCH_AGENT_JAR", jar.toString()), SCRIPTS.resolve("install-agent.sh").toString(),
                    config.toString());

            assertTrue(Files.exists(root.resolve("opt/heartwatch-agent/heartwatch-agent.jar")));
            Path archive = root.resolve("opt/heartwatch-agent/agent.jsa");
            assertTrue(Files.exists(archive), "class-data archive");
            assertTheUnitsJvmAcceptsTheArchive(root.resolve("opt/heartwatch-agent/heartwatch-agent.jar"), archive);
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(root.resolve("etc/heartwatch-agent/agent.env"))));
            assertEquals(Files.readString(SCRIPTS.resolve("systemd/heartwatch-agent.service")),
                    Files.readString(root.resolve("etc/systemd/system/heartwatch-agent.service")));
            assertEquals("daemon-reload\nenable --now heartwatch-agent.service\n", Files.readString(calls));
            assertEquals("installed", Bodies.field(server.received().get(0).body(), "device"));
            assertEquals("installKey", server.received().get(0).keyHeader());

            // The cron wrapper, installed for docs/cron.md's crontab line, runs from its installed
            // copy with the installed jar and configuration (a real root's are where it looks
            // itself; under the scratch root they are named).
            Path wrapper = root.resolve("usr/local/bin/heartwatch-run");
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(wrapper)));
            assertEquals(Files.readString(SCRIPTS.resolve("heartwatch-run.sh")), Files.readString(wrapper));
            int before = server.received().size();
            run(dir, Map.of("HEARTWATCH_AGENT_JAR", root.resolve("opt/heartwatch-agent/heartwatch-agent.jar").toString(),
                    "HEARTWATCH_ENV_FILE", root.resolve("etc/heartwatch-agent/agent.env").toString(),
                    "JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                    wrapper.toString(), "--device", "nightly-backup", "--", "true");
            var got = server.received().subList(before, server.received().size());
            assertEquals(2, got.size(), got.toString());
            assertEquals("start", Bodies.field(got.get(0).body(), "state"));
            assertEquals("running", Bodies.field(got.get(1).body(), "state"));
            assertTrue(Long.parseLong(Bodies.field(got.get(1).body(), "durationMs")) >= 0);
            for (var g : got) {
                assertEquals("nightly-backup", Bodies.field(g.body(), "device"));
                assertEquals("installKey", g.keyHeader());
            }
        }
    }

    /**
     * The JVM silently ignores an archive that does not fit its flags, which would quietly cost
     * the memory and CPU the archive saves: with -Xshare:on it refuses to start instead.
     */
    private void assertTheUnitsJvmAcceptsTheArchive(Path jarFile, Path archive) throws Exception {
        String unit = Files.readString(SCRIPTS.resolve("systemd/heartwatch-agent.service"));
        String execStart = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String word : execStart.substring("ExecStart=".length()).split(" ")) {
            if (word.startsWith("-XX:SharedArchiveFile=")) {
                command.add("-XX:SharedArchiveFile=" + archive);
            } else if (word.startsWith("-XX:") || word.startsWith("-X")) {
                command.add(word);
            }
        }
        assertTrue(command.contains("-XX:SharedArchiveFile=" + archive), execStart);
        command.addAll(List.of("-Xshare:on", "-jar", jarFile.toString(), "--version"));
        assertEquals(AgentVersion.read(), run(dir, Map.of(), command.toArray(new String[0])).trim());
    }
}
