package dev.heartwatch.agent.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent as its own JVM ({@code java -cp target/classes ...Main}), as it runs at
 * home, so a test can SIGTERM it or {@code kill -9} it. Its environment holds only
 * what the test gives (no HEARTBEAT_* leaks in from the machine).
 */
public final class AgentProcess {
    private final Process process;
    private final Path output;

    private AgentProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    public static AgentProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        // Names resolve through an empty hosts file: a DNS test never asks a real resolver.
        cmd.add("-Djdk.net.hosts.file=" + Path.of("src/test/resources/empty-hosts").toAbsolutePath());
        cmd.add("-cp");
        cmd.add(Path.of("target/classes").toAbsolutePath().toString());
        cmd.add("dev.heartwatch.agent.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        Path out = Files.createTempFile(workDir, "agent-", ".out");
        pb.redirectOutput(out.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().putAll(env);
        return new AgentProcess(pb.start(), out);
    }

    /** Waits for the exit code (fails the test on a hang). */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("agent did not exit within " + seconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM: the shutdown hook runs. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: nothing runs, as after {@code kill -9} or a power cut. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
