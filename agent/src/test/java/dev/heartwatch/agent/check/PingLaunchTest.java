package dev.heartwatch.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the agent asks the JVM to start {@code ping} by {@code VFORK}, and that a ping so started works. */
class PingLaunchTest {
    @TempDir
    Path dir;

    @Test
    void vforkOnlyOnLinuxBelowJdk25AndNeverOverTheUsersChoice() {
        assertTrue(PingLaunch.prefersVfork("Linux", 17, null));
        assertTrue(PingLaunch.prefersVfork("Linux", 24, null));
        assertFalse(PingLaunch.prefersVfork("Linux", 25, null), "deprecated from JDK 25, removed later");
        assertFalse(PingLaunch.prefersVfork("Linux", 27, null));
        assertFalse(PingLaunch.prefersVfork("Linux", 17, "POSIX_SPAWN"), "the user's choice stands");
        assertFalse(PingLaunch.prefersVfork("Mac OS X", 17, null));
        assertFalse(PingLaunch.prefersVfork(null, 17, null));
    }

    /**
     * A fresh JVM, as the agent starts: an icmp probe made first, then a process run through it.
     * The child must see the mechanism set and the process must run and be read as usual.
     */
    @Test
    void aJvmThatMadeAnIcmpProbeStartsItsProcessesByVforkAndTheyWork() throws Exception {
        Path main = dir.resolve("Probe.java");
        Files.writeString(main, """
                public class Probe {
                    public static void main(String[] a) throws Exception {
                        java.lang.reflect.Constructor<?> c = Class.forName("dev.heartwatch.agent.check.IcmpProbe")
                                .getDeclaredConstructor(String.class, java.util.List.class, java.time.Duration.class);
                        c.setAccessible(true);
                        c.newInstance("127.0.0.1", java.util.List.of("ping"), java.time.Duration.ofMinutes(1));
                        Process p = new ProcessBuilder("sh", "-c", "echo started").start();
                        String out = new String(p.getInputStream().readAllBytes()).strip();
                        System.out.println(System.getProperty("jdk.lang.Process.launchMechanism") + " " + out + " " + p.waitFor());
                    }
                }
                """);
        String cp = System.getProperty("java.class.path");
        Process jvm = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, main.toString())).redirectErrorStream(true).start();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
        String expected = PingLaunch.prefersVfork(System.getProperty("os.name"), Runtime.version().feature(), null)
                ? "VFORK" : "null";
        assertEquals(expected + " started 0", lastLine(out), out);
    }

    private static String lastLine(String out) throws IOException {
        String[] lines = out.split("\n");
        return lines[lines.length - 1].strip();
    }
}
