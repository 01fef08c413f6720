package dev.heartwatch.agent.check;

import dev.heartwatch.agent.cause.Cause;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code icmp HOST}: one echo request through the system {@code ping} (iputils), run with
 * {@code LC_ALL=C} so its summary reads the same everywhere. Java cannot open an unprivileged
 * ICMP socket, and {@code InetAddress.isReachable} falls back to a TCP connect to port 7, so
 * this never uses it. Unprivileged, {@code ping} uses an ICMP datagram socket, which the
 * kernel allows only to the groups in {@code net.ipv4.ping_group_range} (docs/checks.md).
 */
final class IcmpProbe implements Probe {
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
    private static final Pattern RTT = Pattern.compile("= [0-9.]+/([0-9.]+)/[0-9.]+/[0-9.]+ ms");
    private static final int MAX_OUTPUT = 4096;

    private final String host;
    private final List<String> command;

    /** @param command how to run ping: {@code ["ping"]}, or a test's wrapper around it */
    IcmpProbe(String host, List<String> command) {
        this.host = host;
        this.command = List.copyOf(command);
        PingLaunch.apply(); // before the first ping: one execution a ping, not two
    }

    @Override
    public ProbeResult run(Deadline deadline) {
        // -n: no reverse lookup; -c 1: one echo; -W: seconds to wait for the reply.
        int waitSeconds = Math.max(1, deadline.millisLeft() / 1000);
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of("-n", "-c", "1", "-W", Integer.toString(waitSeconds), "--", host));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return ProbeResult.fail(Cause.UNKNOWN, "icmp " + host + ": cannot run ping (" + e.getMessage()
                    + "); install iputils-ping");
        }
        try {
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream(); Deadline.Cut cut = deadline.cutAt(() -> kill(p))) {
                out = new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(Math.max(1, deadline.millisLeft()), TimeUnit.MILLISECONDS) || deadline.passed()) {
                // Cut at the deadline (ping waits whole seconds): whatever it printed, no reply in time.
                kill(p);
                return ProbeResult.fail(Cause.TIMEOUT, "icmp " + host + ": no echo reply within the timeout");
            }
            return read(p.exitValue(), out);
        } catch (IOException e) {
            kill(p);
            if (deadline.passed()) {
                // The cut closed ping's output under the read (how it shows depends on how the
                // process was started): the deadline, not a fault of the probe.
                return ProbeResult.fail(Cause.TIMEOUT, "icmp " + host + ": no echo reply within the timeout");
            }
            return ProbeResult.fail(Cause.UNKNOWN, "icmp " + host + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return ProbeResult.fail(Cause.UNKNOWN, "icmp " + host + ": interrupted");
        }
    }

    /** The process and whatever it started (a wrapper's child would hold the output open). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** ping's exit status and summary: 0 a reply, 1 no reply, 2 (or other) an error. */
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

    @Override
    public String target() {
        return host;
    }
}
