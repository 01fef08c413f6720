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
        return start(workDir, env, List.of(), args);
    }

    /** The same with JVM options before the main class (e.g. a trust store). */
    public static AgentProcess start(Path workDir, Map<String, String> env, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        // Names resolve through an empty hosts file: a DNS test never asks a real resolver.
        cmd.add("-Djdk.net.hosts.file=" + Path.of("src/test/resources/empty-hosts").toAbsolutePath());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(agentClassPath());
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

    /**
     * The agent's classes and the common module's, which its jar holds too: the reactor's
     * classes directory (or jar) of heartwatch-common, as on this test JVM's class path.
     */
    private static String agentClassPath() {
        return Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator + commonModule();
    }

    /** heartwatch-common on this test JVM's class path: its classes directory or its jar. */
    public static Path commonModule() {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            if (e.contains("/common/target/classes") || e.contains("heartwatch-common")) {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("heartwatch-common is not on the test class path");
    }

    /** The common module's classes as a directory (a jar is unpacked into {@code scratch}), for a test jar. */
    public static Path commonClasses(Path scratch) throws IOException {
        Path module = commonModule();
        if (Files.isDirectory(module)) {
            return module;
        }
        Path dir = Files.createDirectories(scratch.resolve("common-classes"));
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(Files.newInputStream(module))) {
            for (java.util.zip.ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Path to = dir.resolve(entry.getName()).normalize();
                if (!to.startsWith(dir) || entry.getName().startsWith("META-INF")) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(zip, to);
                }
            }
        }
        return dir;
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
