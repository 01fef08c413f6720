package dev.heartwatch.server.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process a test starts (agent, Python agent, server), its output in a file the failure
 * message can show. {@link #kill9()} is SIGKILL, {@link #terminate()} SIGTERM (Linux JDK).
 */
public final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ChildProcess start(List<String> command, Map<String, String> env, Path log) throws IOException {
        return start(command, env, log, null);
    }

    public static ChildProcess start(List<String> command, Map<String, String> env, Path log, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .directory(workDir == null ? null : workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("HEARTBEAT_") || k.startsWith("HEARTWATCH_"));
        pb.environment().putAll(env);
        return new ChildProcess(pb.start(), log);
    }

    /** The JVM running these tests, for child JVMs. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public int terminate(long waitSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(waitSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not stop within " + waitSeconds + " s of SIGTERM\n" + output());
        }
        return process.exitValue();
    }

    /** Waits for a process that ends by itself; its exit code. */
    public int exitCode(long waitSeconds) throws InterruptedException {
        if (!process.waitFor(waitSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after " + waitSeconds + " s\n" + output());
        }
        return process.exitValue();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
