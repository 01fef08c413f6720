package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.support.Bodies;
import dev.heartwatch.agent.support.RecordingEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/heartwatch-run.sh run for real (bash, timeout(1), the agent's jar) against a loopback
 * endpoint: the start, then the success or the fail with exit status and duration, the command's
 * own output and exit status untouched, and a send that fails or hangs never changes either.
 * (shellcheck: ScriptsTest.)
 */
class HeartwatchRunScriptTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "heartwatch-run.sh").toAbsolutePath().normalize();
    private static final String KEY = "runScriptKey-0123456789abcdefghijklmnop";

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

    record Run(int status, String out, String err, long millis) {
    }

    private Run run(RecordingEndpoint server, Map<String, String> extra, String... args) throws Exception {
        Path envFile = dir.resolve("agent.env");
        Files.writeString(envFile, "HEARTBEAT_URL=" + server.url() + "\nHEARTBEAT_KEY=" + KEY
                + "\nHEARTBEAT_DEVICE=the-host\nHEARTBEAT_TIMEOUT=PT5S\n");
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.put("HEARTWATCH_AGENT_JAR", jar.toString());
        env.put("HEARTWATCH_ENV_FILE", envFile.toString());
        env.putAll(extra);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError("bash is missing: apt-get install -y bash coreutils", e);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "heartwatch-run.sh hung");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void aSuccessfulRunSendsStartThenRunningWithItsDuration() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            Run r = run(server, Map.of(), "--device", "nightly-backup", "--",
                    "sh", "-c", "echo job-out; echo job-err >&2; sleep 0.4");
            assertEquals(0, r.status(), r.err());
            assertEquals("job-out\n", r.out());
            assertEquals("job-err\n", r.err());
            List<RecordingEndpoint.Received> got = server.received();
            assertEquals(2, got.size());
            assertEquals("start", Bodies.field(got.get(0).body(), "state"));
            assertEquals("running", Bodies.field(got.get(1).body(), "state"));
            assertNull(Bodies.field(got.get(1).body(), "exitStatus"));
            long duration = Long.parseLong(Bodies.field(got.get(1).body(), "durationMs"));
            assertTrue(duration >= 390 && duration < 30_000, "durationMs " + duration);
            for (RecordingEndpoint.Received g : got) {
                assertEquals("nightly-backup", Bodies.field(g.body(), "device"));
                assertEquals(KEY, g.keyHeader());
            }
        }
    }

    @Test
    void aFailingRunSendsFailWithItsExitStatusAndExitsWithIt() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            Run r = run(server, Map.of("HEARTWATCH_RUN_DEVICE", "sync"), "sh", "-c", "exit 7");
            assertEquals(7, r.status(), r.err());
            List<RecordingEndpoint.Received> got = server.received();
            assertEquals(2, got.size());
            assertEquals("start", Bodies.field(got.get(0).body(), "state"));
            assertEquals("fail", Bodies.field(got.get(1).body(), "state"));
            assertEquals("7", Bodies.field(got.get(1).body(), "exitStatus"));
            assertTrue(Long.parseLong(Bodies.field(got.get(1).body(), "durationMs")) >= 0);
            assertEquals("sync", Bodies.field(got.get(1).body(), "device"));
        }
    }

    @Test
    void aSendThatFailsChangesNothingForTheCommand() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.answer(n -> 503);
            Run ok = run(server, Map.of(), "sh", "-c", "echo still-ran");
            assertEquals(0, ok.status(), ok.err());
            assertEquals("still-ran\n", ok.out());
            assertTrue(ok.err().contains("the start beat was not delivered: http_5xx"), ok.err());
            assertTrue(ok.err().contains("heartwatch-run: the running signal was not sent (agent exit 1)"), ok.err());
            Run bad = run(server, Map.of(), "sh", "-c", "exit 5");
            assertEquals(5, bad.status(), bad.err());
            assertTrue(bad.err().contains("heartwatch-run: the fail signal was not sent"), bad.err());
            assertFalse((ok.err() + bad.err()).contains(KEY));
        }
    }

    /** An endpoint that never answers, and a send limit below the agent's own timeout: the wrapper still ends. */
    @Test
    void aHungSendIsKilledAtTheLimitAndTheCommandRunsAnyway() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.hangAt(1);
            Run r = run(server, Map.of("HEARTWATCH_RUN_SEND_LIMIT", "3"), "sh", "-c", "echo ran; exit 3");
            server.releaseHung();
            assertEquals(3, r.status(), r.err());
            assertEquals("ran\n", r.out());
            assertTrue(r.err().contains("the start signal took longer than 3 s and was stopped"), r.err());
            assertTrue(r.millis() < 60_000, "took " + r.millis() + " ms");
            // The held start is recorded only once released, so look for the fail anywhere, not last.
            assertTrue(server.received().stream().anyMatch(g -> "fail".equals(Bodies.field(g.body(), "state"))
                    && "3".equals(Bodies.field(g.body(), "exitStatus"))), "the fail after a hung start was not sent");
        }
    }

    @Test
    void theAgentsConfigurationNeverReachesTheCommand() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            Run r = run(server, Map.of(), "sh", "-c", "env");
            assertEquals(0, r.status(), r.err());
            assertFalse(r.out().contains(KEY), "the key leaked into the command's environment");
            assertFalse(r.out().contains("HEARTBEAT_URL"), r.out());
            assertEquals(2, server.received().size());
        }
    }

    /** The env file is the agent's .env, parsed by the agent: no line of it runs as shell code. */
    @Test
    void theEnvFileIsReadByTheAgentNeverRunByTheShell() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            Path envFile = dir.resolve("hostile.env");
            Files.writeString(envFile, "HEARTBEAT_URL=" + server.url() + "\nHEARTBEAT_KEY=" + KEY
                    + "\nHEARTBEAT_DEVICE=the-host\nHEARTBEAT_NOTE=cron job $(touch pwned) `touch pwned2`\n");
            Run r = run(server, Map.of("HEARTWATCH_ENV_FILE", envFile.toString()), "true");
            assertEquals(0, r.status(), r.err());
            assertFalse(Files.exists(dir.resolve("pwned")) || Files.exists(dir.resolve("pwned2")),
                    "a line of the env file ran as shell code");
            assertEquals(2, server.received().size(), r.err());
            assertEquals("cron job $(touch pwned) `touch pwned2`", Bodies.field(server.received().get(0).body(), "note"));
        }
    }

    @Test
    void noCommandIsAUsageError() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            Run r = run(server, Map.of(), "--device", "x");
            assertEquals(2, r.status());
            assertTrue(r.err().contains("no command to run"), r.err());
            assertEquals(0, server.received().size());
        }
    }
}
