package dev.heartwatch.agent.check;

import dev.heartwatch.agent.cause.Cause;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code icmp HOST}: echo requests through the system {@code ping} (iputils), run with
 * {@code LC_ALL=C} so its lines read the same everywhere. Java cannot open an unprivileged ICMP
 * socket, and {@code InetAddress.isReachable} falls back to a TCP connect to port 7, so this
 * never uses it. Unprivileged, {@code ping} uses an ICMP datagram socket, which the kernel
 * allows only to the groups in {@code net.ipv4.ping_group_range} (docs/checks.md).
 *
 * <p><b>One {@code ping} a session, not one a run.</b> Starting a process was most of an icmp
 * check's cost (docs/checks.md, "Cost"), so one {@code ping -i EVERY -c N} serves the check's
 * runs for {@link #SESSION} at most: it sends one echo an interval on its own timer, started at
 * a run, so its sends fall at the check's runs; each run reads what it printed since the last
 * one. A run passes on the first reply it has not counted yet whose round-trip time is within
 * the run's timeout; none by the deadline is a failure ({@code unreachable} when ping said so,
 * else {@code timeout}). The count bounds a session, so a {@code ping} the agent left behind
 * when it was killed stops within {@link #SESSION}; a session that ends is started again at the
 * next run, and a {@code ping} that fails to start (permission, name, network) is read whole, as
 * a single run's was. Output is read without blocking ({@code available}), so no thread waits
 * on a session between runs; the JDK's process reaper holds one small thread a live process.
 */
final class IcmpProbe implements Probe {
    /** How long one {@code ping} serves: its echo count is this over the interval. */
    static final Duration SESSION = Duration.ofHours(1);
    private static final Pattern REPLY = Pattern.compile("bytes from .*icmp_seq=(\\d+) .*time[=<]([0-9.]+) ms");
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
    private static final Pattern RTT = Pattern.compile("= [0-9.]+/([0-9.]+)/[0-9.]+/[0-9.]+ ms");
    private static final int MAX_OUTPUT = 4096;
    private static final long FIRST_WAIT_MILLIS = 1;
    private static final long LONGEST_WAIT_MILLIS = 50;

    private final String host;
    private final List<String> command;
    private final Duration every;

    // One run at a time (CheckRunner never overlaps a check's runs); guarded by this.
    private Process session;
    private InputStream output;
    private long sessionStartNanos;
    private final StringBuilder partial = new StringBuilder();
    /** The session's first lines, for reading a ping that ended at once. */
    private final StringBuilder head = new StringBuilder();
    private long countedSeq;
    private String trouble;
    private int sessions;

    /**
     * @param command how to run ping: {@code ["ping"]}, or a test's wrapper around it
     * @param every   the check's interval: the session's echo interval
     */
    IcmpProbe(String host, List<String> command, Duration every) {
        this.host = host;
        this.command = List.copyOf(command);
        this.every = every;
        PingLaunch.apply(); // before the first ping: one execution a ping, not two
    }

    @Override
    public synchronized ProbeResult run(Deadline deadline) {
        long timeoutMillis = deadline.millisLeft();
        trouble = null;
        boolean restarted = false;
        if (session == null) {
            ProbeResult refused = start(timeoutMillis);
            if (refused != null) {
                return refused;
            }
            restarted = true;
        }
        long wait = FIRST_WAIT_MILLIS;
        while (true) {
            String rtt = drain(timeoutMillis);
            if (rtt != null) {
                return ProbeResult.pass("icmp echo reply, rtt " + rtt + " ms");
            }
            if (!session.isAlive() && drained()) {
                ProbeResult ended = ended(restarted);
                if (ended != null) {
                    return ended;
                }
                ProbeResult refused = start(timeoutMillis); // the session ran its count: the next one
                if (refused != null) {
                    return refused;
                }
                restarted = true;
                continue;
            }
            if (deadline.passed()) {
                return trouble != null ? ProbeResult.fail(Cause.UNREACHABLE, "icmp " + host + ": " + trouble)
                        : ProbeResult.fail(Cause.TIMEOUT, "icmp " + host + ": no echo reply within the timeout");
            }
            try {
                Thread.sleep(Math.min(wait, deadline.millisLeft()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ProbeResult.fail(Cause.UNKNOWN, "icmp " + host + ": interrupted");
            }
            wait = Math.min(LONGEST_WAIT_MILLIS, wait * 2);
        }
    }

    /** Starts a session; a failed start is the run's result (null when it started). */
    private ProbeResult start(long timeoutMillis) {
        // -n: no reverse lookup; -i: one echo an interval; -c: the session's length; -W: how
        // long the last echo is waited for when the count is reached.
        long everyMillis = Math.max(200, every.toMillis()); // iputils' shortest interval for a user
        long count = Math.max(1, SESSION.toMillis() / everyMillis);
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of("-n", "-i", BigDecimal.valueOf(everyMillis, 3).stripTrailingZeros().toPlainString(),
                "-c", Long.toString(count), "-W", Long.toString(Math.max(1, (timeoutMillis + 999) / 1000)), "--", host));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        try {
            session = pb.start();
        } catch (IOException e) {
            session = null;
            return ProbeResult.fail(Cause.UNKNOWN, "icmp " + host + ": cannot run ping (" + e.getMessage()
                    + "); install iputils-ping");
        }
        try {
            session.getOutputStream().close();
        } catch (IOException e) {
            // ping reads nothing: a stdin already gone changes nothing
        }
        sessions++;
        output = session.getInputStream();
        sessionStartNanos = System.nanoTime();
        partial.setLength(0);
        head.setLength(0);
        countedSeq = 0;
        return null;
    }

    /**
     * Reads what the session printed, without blocking. Returns the round-trip time of the first
     * reply not counted yet that came within the timeout (and counts every reply read), or null.
     */
    private String drain(long timeoutMillis) {
        String passed = null;
        try {
            int n;
            while ((n = output.available()) > 0) {
                byte[] bytes = output.readNBytes(Math.min(n, MAX_OUTPUT));
                String text = new String(bytes, StandardCharsets.UTF_8);
                if (head.length() < MAX_OUTPUT) {
                    head.append(text, 0, Math.min(text.length(), MAX_OUTPUT - head.length()));
                }
                partial.append(text);
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    String line = partial.substring(0, nl).strip();
                    partial.delete(0, nl + 1);
                    String rtt = line(line, timeoutMillis);
                    if (passed == null) {
                        passed = rtt;
                    }
                }
                if (partial.length() > MAX_OUTPUT) {
                    partial.setLength(0); // no line is this long: not ping's output
                }
            }
        } catch (IOException e) {
            // the session's output is gone: it has ended, which the caller sees next
        }
        return passed;
    }

    /** One line of ping's: a reply's rtt when it counts for this run, else null (trouble noted). */
    private String line(String line, long timeoutMillis) {
        Matcher reply = REPLY.matcher(line);
        if (reply.find()) {
            long seq;
            try {
                seq = Long.parseLong(reply.group(1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (seq <= countedSeq) {
                return null; // counted already (or ping's sequence wrapped: the next reply counts)
            }
            countedSeq = seq;
            double rtt;
            try {
                rtt = Double.parseDouble(reply.group(2));
            } catch (NumberFormatException e) {
                return null;
            }
            return rtt <= timeoutMillis ? reply.group(2) : null; // a late reply: that echo timed out
        }
        if (line.contains("Unreachable") || line.contains("unreachable")) {
            trouble = line.length() > 120 ? line.substring(0, 120) : line;
        }
        return null;
    }

    private boolean drained() {
        try {
            return output.available() == 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * The session has ended: null when it ran its count (start the next one), else the run's
     * failure, read from the whole output as a single ping's.
     */
    private ProbeResult ended(boolean startedThisRun) {
        int exit;
        try {
            exit = session.waitFor(1, TimeUnit.SECONDS) ? session.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = -1;
        }
        session = null;
        String out = head.toString();
        boolean ranItsCount = (exit == 0 || exit == 1) && RECEIVED.matcher(out).find()
                && System.nanoTime() - sessionStartNanos >= every.toNanos();
        if (ranItsCount && !startedThisRun) {
            return null;
        }
        return read(exit, out);
    }

    /** A whole ping's exit status and output: 0 a reply, 1 no reply, 2 (or other) an error. */
    ProbeResult read(int exit, String out) {
        Matcher received = RECEIVED.matcher(out);
        boolean replied = received.find() && !received.group(2).equals("0");
        if (exit == 0 && replied) {
            Matcher rtt = RTT.matcher(out);
            return ProbeResult.pass("icmp echo reply" + (rtt.find() ? ", rtt " + rtt.group(1) + " ms" : ""));
        }
        String said = lastLine(out);
        if (out.contains("Destination Host Unreachable") || out.contains("Network is unreachable")
                || out.contains("Destination Net Unreachable")) {
            return ProbeResult.fail(Cause.UNREACHABLE, "icmp " + host + ": " + said);
        }
        if (out.contains("Name or service not known") || out.contains("Temporary failure in name resolution")) {
            return ProbeResult.fail(Cause.DNS, "icmp " + host + ": " + said);
        }
        if (out.contains("Operation not permitted") || out.contains("Permission denied")) {
            return ProbeResult.fail(Cause.UNKNOWN, "icmp " + host + ": ping is not permitted (" + said
                    + "); allow the agent's group in net.ipv4.ping_group_range (docs/checks.md)");
        }
        if (exit == 1) {
            return ProbeResult.fail(Cause.TIMEOUT, "icmp " + host + ": no echo reply within the timeout");
        }
        return ProbeResult.fail(Cause.UNKNOWN, "icmp " + host + ": ping exited " + exit + ": " + said);
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (!l.isEmpty() && !l.startsWith("---")) {
                return l.length() > 120 ? l.substring(0, 120) : l;
            }
        }
        return "no output";
    }

    /** How many sessions (ping processes) this probe has started: one an hour when all is well. */
    synchronized int sessionsStarted() {
        return sessions;
    }

    /** Ends the session and whatever its command started (a wrapper's child holds the output). */
    @Override
    public synchronized void close() {
        Process p = session;
        session = null;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public String target() {
        return host;
    }
}
