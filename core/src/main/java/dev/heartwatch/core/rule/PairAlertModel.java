package dev.heartwatch.core.rule;

import dev.heartwatch.core.rule.AzureAlertModel.Kind;
import dev.heartwatch.core.rule.AzureAlertModel.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Two stacks watching the same homes and each other (issue 18, {@code docs/regions.md}), as
 * {@link AzureAlertModel} sees each: every stack runs its own alert query over its own lines only.
 *
 * <p>The lines: each home device beats every {@code heartbeatInterval} to both stacks (fan-out);
 * a beat becomes a line in each stack that is up at that instant. Each stack's {@code StackBeat}
 * beats the other every minute as {@code stack-<its name>}, a line in the other when both are up.
 * A stack that is down receives nothing and evaluates nothing (its whole region is gone: the
 * function app, the workspace and the alert engine); its alert state survives the outage.
 *
 * <p>The queries: the primary's with {@code coverFor} empty and {@code stack-<secondary>}
 * expected (its silence says "the secondary region's alerting is down"); the secondary's with
 * {@code coverFor = stack-<primary>} (it alerts on the primary's silence, and on a home device
 * only while the primary is down in the secondary too). Both evaluate on the same grid
 * ({@code evaluationFrequency} from {@code start}); beats are queryable as they arrive.
 */
public final class PairAlertModel {

    /** Azure's {@code StackBeat} timer and the server's default {@code HEARTWATCH_PEER_INTERVAL}. */
    public static final Duration STACK_BEAT = Duration.ofMinutes(1);

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");

    private PairAlertModel() {
    }

    public enum Role { PRIMARY, SECONDARY }

    /** A half-open interval {@code [from, to)} in which something is down. */
    public record Down(Instant from, Instant to) {
        public Down {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (!to.isAfter(from)) {
                throw new IllegalArgumentException("down interval ends before it starts: " + from + ".." + to);
            }
        }

        boolean covers(Instant t) {
            return !t.isBefore(from) && t.isBefore(to);
        }
    }

    /** What failed when, over {@code [start, end]}. */
    public record Scenario(Instant start, Instant end, List<Down> home, List<Down> primary, List<Down> secondary) {
        public Scenario {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            home = List.copyOf(home);
            primary = List.copyOf(primary);
            secondary = List.copyOf(secondary);
        }
    }

    /** One notification: which stack sent it, Azure's event, and what it means to the reader. */
    public record Notification(Role from, AlertEvent event, String meaning) {
        @Override
        public String toString() {
            return event.at() + " " + from.name().toLowerCase(java.util.Locale.ROOT) + " "
                    + event.kind() + " " + event.device() + ": " + meaning;
        }
    }

    /** The reserved device id of a stack (docs/regions.md): {@code stack-<name>}. */
    public static String stackId(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a stack name is [a-z0-9-]{1,40}");
        }
        return "stack-" + name;
    }

    /**
     * Every notification both stacks send, by instant, the primary's first at one instant.
     *
     * @param rule   the rule both stacks deploy; its expected devices are the homes' expected devices
     * @param homes  the home devices, each beating every {@code rule.heartbeatInterval()}
     */
    public static List<Notification> run(SilenceRule rule, String primaryName, String secondaryName,
                                         List<String> homes, Scenario s) {
        Objects.requireNonNull(rule, "rule");
        String primaryId = stackId(primaryName);
        String secondaryId = stackId(secondaryName);
        if (primaryName.equals(secondaryName)) {
            throw new IllegalArgumentException("the secondary must be another region than the primary");
        }
        for (String h : homes) {
            if (h.startsWith("stack-")) {
                throw new IllegalArgumentException("stack- ids are reserved: " + h);
            }
        }
        List<Signal> atPrimary = new ArrayList<>();
        List<Signal> atSecondary = new ArrayList<>();
        for (Instant t = s.start(); !t.isAfter(s.end()); t = t.plus(rule.heartbeatInterval())) {
            if (down(s.home(), t)) {
                continue;
            }
            for (String h : homes) {
                if (!down(s.primary(), t)) {
                    atPrimary.add(Signal.of(h, t, Kind.SUCCESS));
                }
                if (!down(s.secondary(), t)) {
                    atSecondary.add(Signal.of(h, t, Kind.SUCCESS));
                }
            }
        }
        for (Instant t = s.start(); !t.isAfter(s.end()); t = t.plus(STACK_BEAT)) {
            if (!down(s.primary(), t) && !down(s.secondary(), t)) {
                atSecondary.add(Signal.of(primaryId, t, Kind.SUCCESS)); // the primary's StackBeat
                atPrimary.add(Signal.of(secondaryId, t, Kind.SUCCESS)); // the secondary's StackBeat
            }
        }
        List<Instant> primaryEvals = new ArrayList<>();
        List<Instant> secondaryEvals = new ArrayList<>();
        for (Instant t = s.start(); !t.isAfter(s.end()); t = t.plus(rule.evaluationFrequency())) {
            if (!down(s.primary(), t)) {
                primaryEvals.add(t);
            }
            if (!down(s.secondary(), t)) {
                secondaryEvals.add(t);
            }
        }
        Set<String> primaryExpected = new HashSet<>(rule.expectedDevices());
        primaryExpected.add(secondaryId);
        SilenceRule atP = rule.withExpectedDevices(primaryExpected);

        List<Notification> out = new ArrayList<>();
        for (AlertEvent e : AzureAlertModel.evaluateSignals(atP, Map.of(), atPrimary, primaryEvals)) {
            boolean fired = e.kind() == AlertEvent.Kind.FIRED;
            String meaning = e.device().equals(secondaryId)
                    ? (fired ? "the secondary region's alerting is down" : "the secondary region's alerting is back")
                    : (fired ? "DOWN" : "UP");
            out.add(new Notification(Role.PRIMARY, e, meaning));
        }
        // Without the suppression, to tell a covered device's resolution ("the primary is back")
        // from its own recovery ("UP"): was its alert still open, unsuppressed, at that instant?
        List<AlertEvent> unsuppressed = AzureAlertModel.evaluateSignals(rule, Map.of(), atSecondary, secondaryEvals);
        for (AlertEvent e : AzureAlertModel.evaluateSignals(rule, Map.of(), atSecondary, secondaryEvals, primaryId)) {
            boolean fired = e.kind() == AlertEvent.Kind.FIRED;
            String meaning;
            if (e.device().equals(primaryId)) {
                meaning = fired ? "the primary region's alerting is down; the secondary is covering"
                        : "the primary is back and alerts again";
            } else if (fired) {
                meaning = "DOWN (the secondary is covering)";
            } else {
                meaning = openAt(unsuppressed, e.device(), e.at()) ? "the primary is back and alerts again" : "UP";
            }
            out.add(new Notification(Role.SECONDARY, e, meaning));
        }
        out.sort(Comparator.comparing((Notification n) -> n.event().at())
                .thenComparing(Notification::from)
                .thenComparing(n -> n.event().device()));
        return out;
    }

    private static boolean down(List<Down> intervals, Instant t) {
        for (Down d : intervals) {
            if (d.covers(t)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code device}'s alert is open just after the evaluation at {@code t}. */
    private static boolean openAt(List<AlertEvent> events, String device, Instant t) {
        boolean open = false;
        for (AlertEvent e : events) {
            if (e.device().equals(device) && !e.at().isAfter(t)) {
                open = e.kind() == AlertEvent.Kind.FIRED;
            }
        }
        return open;
    }
}
