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
 * grace; else the schedule its latest line carried, {@link BeatSchedule}; else the threshold for
 * both) replaces the threshold; a device whose last signal other than
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
     * @param periodMs   the line's {@code periodMs} (an agent's check, contract section 1a), or null;
     *                   any value, as a stored line may hold it: {@link BeatSchedule#ofMillis} reads it
     * @param graceMs    the line's {@code graceMs}, or null
     */
    public record Signal(String device, Instant at, Instant ingestedAt, Kind kind, Long periodMs, Long graceMs) {
        public Signal {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(ingestedAt, "ingestedAt");
            Objects.requireNonNull(kind, "kind");
        }

        /** A line without {@code periodMs} and {@code graceMs}. */
        public Signal(String device, Instant at, Instant ingestedAt, Kind kind) {
            this(device, at, ingestedAt, kind, null, null);
        }

        public static Signal of(String device, Instant at, Kind kind) {
            return new Signal(device, at, at, kind);
        }

        /** This line carrying {@code periodMs} and {@code graceMs} (either may be null). */
        public Signal withSchedule(Long periodMs, Long graceMs) {
            return new Signal(device, at, ingestedAt, kind, periodMs, graceMs);
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
     * {@link Limit} ({@code limits}; a device without one gets the schedule its latest visible
     * line carried, {@link BeatSchedule}, else the rule's threshold as limit and grace). Without
     * start or fail signals, limits or lines carrying a period it says exactly what
     * {@link #evaluate(SilenceRule, Collection, List)} says.
     *
     * @return every Fired and Resolved, ordered by instant then device
     */
    public static List<AlertEvent> evaluateSignals(SilenceRule rule, Map<String, Limit> limits,
                                                   Collection<Signal> signals, List<Instant> evaluations) {
        return evaluateSignals(rule, limits, signals, evaluations, "");
    }

    /**
     * {@link #evaluateSignals(SilenceRule, Map, Collection, List)} with the query's {@code coverFor}
     * tunable (the two-stack rule, {@code docs/regions.md}): empty in a single stack or a primary
     * (then exactly the same); in a secondary, the primary's reserved id {@code stack-<primary>}.
     * That id is expected (a row even when never heard), it is judged like any device, and every
     * other device's row exists at an evaluation only while that id's row does: the secondary
     * alerts on a device only while the primary is down in the secondary too. When the primary's
     * beat is back, the other rows disappear and their alerts resolve like any others.
     *
     * @return every Fired and Resolved, ordered by instant then device
     */
    public static List<AlertEvent> evaluateSignals(SilenceRule rule, Map<String, Limit> limits,
                                                   Collection<Signal> signals, List<Instant> evaluations,
                                                   String coverFor) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(coverFor, "coverFor");
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
        boolean covering = !coverFor.isEmpty();
        if (covering) {
            byDevice.putIfAbsent(coverFor, List.of()); // | union (print device = coverFor)
        }
        Map<String, boolean[]> rows = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<Signal>> e : byDevice.entrySet()) {
            Limit own = limits.get(e.getKey());
            boolean expected = rule.isExpected(e.getKey()) || (covering && e.getKey().equals(coverFor));
            rows.put(e.getKey(), conditionMet(rule, own, expected, e.getValue(), evaluations));
        }
        // | where device == coverFor or primaryDown
        boolean[] primaryDown = covering ? rows.get(coverFor) : null;
        List<AlertEvent> events = new ArrayList<>();
        for (Map.Entry<String, boolean[]> e : rows.entrySet()) {
            boolean[] met = e.getValue();
            if (covering && !e.getKey().equals(coverFor)) {
                for (int k = 0; k < met.length; k++) {
                    met[k] &= primaryDown[k];
                }
            }
            statefulAlert(rule, e.getKey(), met, byDevice.get(e.getKey()), evaluations, events);
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

    /**
     * Whether one device's row meets the condition at each evaluation; {@code sorted} is in
     * visibility order. Each step is a line of the query.
     */
    private static boolean[] conditionMet(SilenceRule rule, Limit own, boolean expected, List<Signal> sorted,
                                          List<Instant> evaluations) {
        boolean[] result = new boolean[evaluations.size()];
        Limit byThreshold = new Limit(rule.threshold(), rule.threshold());
        Instant lastAt = null;        // arg_max(timestamp, state, ..., periodMs, graceMs): the latest line's
        Kind lastKind = null;
        Signal last = null;
        Instant lastRunningAt = null; // maxif(timestamp, state != "stopping")
        Instant lastFailAt = null;    // maxif(timestamp, state == "fail")
        Instant lastStartAt = null;   // maxif(timestamp, state == "start")
        int next = 0;
        int to = sorted.size();
        for (int k = 0; k < result.length; k++) {
            Instant t = evaluations.get(k);
            while (next < to && !sorted.get(next).visibleFrom().isAfter(t)) {
                Signal b = sorted.get(next++);
                if (lastAt == null || !b.at().isBefore(lastAt)) {
                    lastAt = b.at();
                    lastKind = b.kind();
                    last = b;
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
                Limit limit = limitOf(rule, own, last, byThreshold);
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
            result[k] = met;
        }
        return result;
    }

    /**
     * The query's {@code limit} and {@code grace}: the device's {@code deviceLimits} row, else the
     * schedule its latest line asked for ({@link BeatSchedule}: {@code period + grace} cut to the
     * lookback less one evaluation, and that grace), else the threshold for both.
     */
    static Limit limitOf(SilenceRule rule, Limit own, Signal latest, Limit byThreshold) {
        if (own != null) {
            return own;
        }
        if (latest == null) {
            return byThreshold;
        }
        return BeatSchedule.ofMillis(latest.periodMs(), latest.graceMs())
                .map(b -> new Limit(b.limit(rule), b.startGrace(rule)))
                .orElse(byThreshold);
    }

    /**
     * The stateful alert over one device's rows: Fired at the first evaluation that meets the
     * condition, Resolved at the {@link SilenceRule#cleanEvaluationsToResolve()}-th consecutive one
     * that does not. Each event carries the last beat that evaluation could see.
     */
    private static void statefulAlert(SilenceRule rule, String device, boolean[] met, List<Signal> sorted,
                                      List<Instant> evaluations, List<AlertEvent> out) {
        int needed = rule.cleanEvaluationsToResolve();
        boolean fired = false;
        int clean = 0;
        int next = 0;
        Instant lastAt = null;
        for (int k = 0; k < met.length; k++) {
            Instant t = evaluations.get(k);
            while (next < sorted.size() && !sorted.get(next).visibleFrom().isAfter(t)) {
                Signal b = sorted.get(next++);
                lastAt = later(lastAt, b.at());
            }
            Instant seen = lastAt != null && lastAt.isAfter(t.minus(rule.lookback())) ? lastAt : null;
            if (met[k]) {
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
