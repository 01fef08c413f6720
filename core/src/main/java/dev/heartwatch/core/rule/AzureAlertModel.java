package dev.heartwatch.core.rule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.HashMap;
import java.util.SortedMap;

/**
 * What Azure's scheduled log search alert ({@code autoMitigate: true}, split by device) sends,
 * evaluation by evaluation, so the server can behave and the docs can predict it.
 *
 * <p>At each evaluation instant {@code T} (every {@code evaluationFrequency}) the query sees
 * only beats with {@code ingestedAt <= T} and {@code at > T - lookback}, and returns one row per
 * device: its last visible beat, plus one row with no beat for each expected device it did not
 * see. A row meets the condition when its last beat is not {@code stopping} and
 * {@code T - lastSeen >= threshold}; when it is a stop that {@linkplain SilenceRule#stopCounts
 * counts} and {@code T - lastSeen >= maxStop}; when it is a stop that does not count, by its last
 * running beat as if the stop were not there; or when it has no beat (expected, never seen within
 * the lookback). A device with no row is a time series with no result: it does not meet the
 * condition, so a fired alert for it resolves by itself (that is why expected devices exist).
 *
 * <p>Stateful alerts (learn.microsoft.com, azure-monitor/alerts/alerts-overview, "Stateful
 * alerts"): a device fires once when the condition is first met and cannot fire again until it
 * resolved; it resolves at the {@link SilenceRule#cleanEvaluationsToResolve()}-th consecutive
 * evaluation that does not meet the condition. Not modelled: the query's own run delay and the
 * action group's delivery time (both add to every figure alike).
 *
 * <p>Contract v2 and the device registry, as {@code infra/queries/silent-devices.kql} says them
 * ({@link #evaluateSignals}): each device's {@link Limit} (its {@code deviceLimits} row: limit and
 * grace; else the threshold for both) replaces the threshold; a device whose last signal other than
 * a stop is a {@code fail} meets the condition at once, until a success follows; one whose last
 * such signal is a {@code start} meets it {@code grace} after the start; a stop counts only from a
 * device heard less than its limit before it and not failed.
 *
 * <p>Cost: one sort of the beats, then one pass per device over the evaluations.
 */
public final class AzureAlertModel {

    private AzureAlertModel() {
    }

    /** What a {@code [heartbeat]} line's {@code state} means to the alert query (contract v2). */
    public enum Kind {
        /** {@code running}, or any state but the three below (a v1 line, a v1 receiver's record). */
        SUCCESS,
        STOPPING,
        START,
        FAIL;

        /** The query's reading: exactly {@code stopping}, {@code start}, {@code fail}; else a success. */
        public static Kind of(String state) {
            if (state == null) {
                return SUCCESS;
            }
            return switch (state) {
                case "stopping" -> STOPPING;
                case "start" -> START;
                case "fail" -> FAIL;
                default -> SUCCESS;
            };
        }
    }

    /**
     * One {@code [heartbeat]} line of any kind, as the query reads it.
     *
     * @param at         the receiver's clock ({@code timestamp})
     * @param ingestedAt when the line became queryable
     */
    public record Signal(String device, Instant at, Instant ingestedAt, Kind kind) {
        public Signal {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(ingestedAt, "ingestedAt");
            Objects.requireNonNull(kind, "kind");
        }

        public static Signal of(String device, Instant at, Kind kind) {
            return new Signal(device, at, at, kind);
        }

        static Signal of(Beat b) {
            return new Signal(b.device(), b.at(), b.ingestedAt(), b.stopping() ? Kind.STOPPING : Kind.SUCCESS);
        }

        Instant visibleFrom() {
            return ingestedAt.isAfter(at) ? ingestedAt : at;
        }
    }

    /**
     * A device's row of the query's {@code deviceLimits}: the silence that means down (its
     * schedule's period, or its cron's longest gap, plus grace) and the grace a {@code start} gets.
     */
    public record Limit(Duration limit, Duration grace) {
        public Limit {
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(grace, "grace");
            if (limit.isNegative() || limit.isZero() || grace.isNegative() || grace.isZero()) {
                throw new IllegalArgumentException("limit and grace must be positive: " + limit + ", " + grace);
            }
        }
    }

    /**
     * The v2 query's evaluations: every kind of signal, and each device judged by its own
     * {@link Limit} ({@code limits}; a device without one gets the rule's threshold as limit and
     * grace). Without start or fail signals and without limits it says exactly what
     * {@link #evaluate(SilenceRule, Collection, List)} says.
     *
     * @return every Fired and Resolved, ordered by instant then device
     */
    public static List<AlertEvent> evaluateSignals(SilenceRule rule, Map<String, Limit> limits,
                                                   Collection<Signal> signals, List<Instant> evaluations) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(limits, "limits");
        for (int k = 1; k < evaluations.size(); k++) {
            if (!evaluations.get(k).isAfter(evaluations.get(k - 1))) {
                throw new IllegalArgumentException("evaluation instants must increase: " + evaluations.get(k));
            }
        }
        SortedMap<String, List<Signal>> byDevice = new java.util.TreeMap<>();
        Map<String, List<Signal>> groups = new HashMap<>();
        for (Signal sig : signals) {
            groups.computeIfAbsent(sig.device(), d -> new ArrayList<>()).add(sig);
        }
        for (Map.Entry<String, List<Signal>> e : groups.entrySet()) {
            e.getValue().sort(Comparator.comparing(Signal::visibleFrom));
            byDevice.put(e.getKey(), e.getValue());
        }
        for (String device : rule.expectedDevices()) {
            byDevice.putIfAbsent(device, List.of());
        }
        List<AlertEvent> events = new ArrayList<>();
        for (Map.Entry<String, List<Signal>> e : byDevice.entrySet()) {
            Limit own = limits.get(e.getKey());
            Limit limit = own != null ? own : new Limit(rule.threshold(), rule.threshold());
            evaluateDevice(rule, limit, e.getKey(), e.getValue(), evaluations, events);
        }
        events.sort(Comparator.comparing(AlertEvent::at).thenComparing(AlertEvent::device));
        return events;
    }

    /** {@link #evaluateSignals} at {@code first, first + f, ...} up to and including {@code last}. */
    public static List<AlertEvent> evaluateSignals(SilenceRule rule, Map<String, Limit> limits,
                                                   Collection<Signal> signals, Instant first, Instant last) {
        return evaluateSignals(rule, limits, signals, grid(rule, first, last));
    }

    private static List<Instant> grid(SilenceRule rule, Instant first, Instant last) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (last.isBefore(first)) {
            throw new IllegalArgumentException("last evaluation " + last + " before first " + first);
        }
        List<Instant> instants = new ArrayList<>();
        for (Instant t = first; !t.isAfter(last); t = t.plus(rule.evaluationFrequency())) {
            instants.add(t);
        }
        return instants;
    }

    /**
     * Runs the evaluations {@code first, first + f, ...} up to and including {@code last}.
     *
     * @return every Fired and Resolved, ordered by instant then device
     */
    public static List<AlertEvent> evaluate(SilenceRule rule, Collection<Beat> beats,
                                            Instant first, Instant last) {
        Objects.requireNonNull(rule, "rule");
        return evaluate(rule, beats, grid(rule, first, last));
    }

    /**
     * Runs the evaluations at the given instants (strictly increasing; Azure's real schedule
     * drifts a little, so a caller may pass observed instants). The rule's frequency then only
     * chooses how many clean evaluations resolve.
     *
     * @return every Fired and Resolved, ordered by instant then device
     */
    public static List<AlertEvent> evaluate(SilenceRule rule, Collection<Beat> beats, List<Instant> evaluations) {
        Objects.requireNonNull(rule, "rule");
        List<Signal> signals = new ArrayList<>(beats.size());
        for (Beat b : beats) {
            signals.add(Signal.of(b));
        }
        return evaluateSignals(rule, Map.of(), signals, evaluations);
    }

    /** One device's time series; {@code sorted} is in visibility order. Each step is a line of the query. */
    private static void evaluateDevice(SilenceRule rule, Limit limit, String device, List<Signal> sorted,
                                       List<Instant> evaluations, List<AlertEvent> out) {
        boolean expected = rule.isExpected(device);
        int needed = rule.cleanEvaluationsToResolve();
        Instant lastAt = null;        // arg_max(timestamp, state): the latest receiver time among visible lines
        Kind lastKind = null;
        Instant lastRunningAt = null; // maxif(timestamp, state != "stopping")
        Instant lastFailAt = null;    // maxif(timestamp, state == "fail")
        Instant lastStartAt = null;   // maxif(timestamp, state == "start")
        boolean fired = false;
        int clean = 0;
        int next = 0;
        int to = sorted.size();
        for (Instant t : evaluations) {
            while (next < to && !sorted.get(next).visibleFrom().isAfter(t)) {
                Signal b = sorted.get(next++);
                if (lastAt == null || !b.at().isBefore(lastAt)) {
                    lastAt = b.at();
                    lastKind = b.kind();
                }
                if (b.kind() != Kind.STOPPING) {
                    lastRunningAt = later(lastRunningAt, b.at());
                }
                if (b.kind() == Kind.FAIL) {
                    lastFailAt = later(lastFailAt, b.at());
                }
                if (b.kind() == Kind.START) {
                    lastStartAt = later(lastStartAt, b.at());
                }
            }
            // where timestamp > ago(lookback): every maxif above reads the window only
            Instant windowStart = t.minus(rule.lookback());
            boolean met;
            Instant seen = lastAt != null && lastAt.isAfter(windowStart) ? lastAt : null;
            if (seen == null) {
                met = expected; // a row with no beat only exists for an expected device
            } else {
                Instant running = lastRunningAt != null && lastRunningAt.isAfter(windowStart) ? lastRunningAt : null;
                boolean failed = running != null && running.equals(lastFailAt);
                boolean started = running != null && running.equals(lastStartAt);
                boolean stopped = lastKind == Kind.STOPPING;
                boolean stopCounts = stopped && running != null && seen.isBefore(running.plus(limit.limit()))
                        && !failed;
                Instant judged = stopped && !stopCounts ? running : seen;
                if (judged == null) {
                    met = expected;
                } else {
                    Duration silentFor = Duration.between(judged, t);
                    met = (failed && !stopCounts)
                            || (started && !stopCounts && !t.isBefore(lastStartAt.plus(limit.grace())))
                            || (silentFor.compareTo(limit.limit()) >= 0
                                && (!stopCounts || silentFor.compareTo(rule.maxStop()) >= 0));
                }
            }
            if (met) {
                clean = 0;
                if (!fired) {
                    fired = true;
                    out.add(new AlertEvent(device, AlertEvent.Kind.FIRED, t, seen));
                }
            } else if (fired && ++clean >= needed) {
                fired = false;
                clean = 0;
                out.add(new AlertEvent(device, AlertEvent.Kind.RESOLVED, t, seen));
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
