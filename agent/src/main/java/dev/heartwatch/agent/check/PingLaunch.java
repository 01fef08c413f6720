package dev.heartwatch.agent.check;

import java.util.Locale;

/**
 * How the JVM starts the {@code ping} of an {@code icmp} check, the check's main cost (a
 * process a run). JDK 12 to 24 start a process on Linux by {@code posix_spawn} of the JDK's
 * {@code jspawnhelper}, which then executes the command: two executions a process. The
 * {@code VFORK} mechanism ({@code jdk.lang.Process.launchMechanism}, Linux's default up to JDK
 * 11) executes the command directly. Measured on the 2-core build machine (OpenJDK 17, the
 * agent's flags, 200 {@code ping -c 1} to loopback, JVM and child CPU): 2.0 to 3.2 ms a ping by
 * {@code posix_spawn}, 1.4 to 1.55 ms by {@code VFORK} (docs/checks.md, "Cost").
 *
 * <p>JDK 25 deprecates {@code VFORK} and a later JDK removes it (openjdk/jdk pull requests
 * 25282 and 25768, JDK-8357179 and JDK-8357089), so the agent asks for it only on Linux with a JDK
 * below 25, and never over a mechanism the user chose ({@code -Djdk.lang.Process.launchMechanism=...}).
 * The JDK reads the property once, when it starts its first process: the agent sets it when
 * it reads its checks, before any {@code ping} runs.
 */
final class PingLaunch {
    static final String PROPERTY = "jdk.lang.Process.launchMechanism";
    /** The first JDK that deprecates VFORK (and warns on stderr when asked for it). */
    static final int VFORK_DEPRECATED_IN = 25;

    private PingLaunch() {
    }

    /** Whether to ask for {@code VFORK}: Linux, a JDK that still supports it quietly, and no choice of the user's. */
    static boolean prefersVfork(String osName, int jdkFeature, String chosen) {
        return chosen == null && osName != null && osName.toLowerCase(Locale.ROOT).startsWith("linux")
                && jdkFeature < VFORK_DEPRECATED_IN;
    }

    /** Asks this JVM for {@code VFORK} where {@link #prefersVfork} says so; idempotent. */
    static synchronized void apply() {
        if (prefersVfork(System.getProperty("os.name"), Runtime.version().feature(), System.getProperty(PROPERTY))) {
            System.setProperty(PROPERTY, "VFORK");
        }
    }
}
