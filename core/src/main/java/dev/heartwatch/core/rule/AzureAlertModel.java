package dev.heartwatch.core.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <p>Cost: one sort of the beats, then one pass per device over the evaluations.
 */
public final class AzureAlertModel {

    private AzureAlertModel() {
    }

    /**
     * Runs the evaluations {@code first, first + f, ...} up to and including {@code last}.
     *
     * @return every Fired and Resolved, ordered by instant then device
     */
    public static List<AlertEvent> evaluate(SilenceRule rule, Collection<Beat> beats,
                                            Instant first, Instant last) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (last.isBefore(first)) {
            throw new IllegalArgumentException("last evaluation " + last + " before first " + first);
        }
        List<Instant> instants = new ArrayList<>();
        for (Instant t = first; !t.isAfter(last); t = t.plus(rule.evaluationFrequency())) {
            instants.add(t);
        }
        return evaluate(rule, beats, instants);
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
        for (int k = 1; k < evaluations.size(); k++) {
            if (!evaluations.get(k).isAfter(evaluations.get(k - 1))) {
                throw new IllegalArgumentException("evaluation instants must increase: " + evaluations.get(k));
            }
        }
        SortedMap<String, List<Beat>> byDevice = Beat.byDevice(beats, Beat.BY_VISIBLE_FROM);
        for (String device : rule.expectedDevices()) {
            byDevice.putIfAbsent(device, List.of());
        }
        List<AlertEvent> events = new ArrayList<>();
        for (Map.Entry<String, List<Beat>> e : byDevice.entrySet()) {
            evaluateDevice(rule, e.getKey(), e.getValue(), evaluations, events);
        }
        events.sort(Comparator.comparing(AlertEvent::at).thenComparing(AlertEvent::device));
        return events;
    }

    /** One device's time series; {@code sorted} is in visibility order. */
    private static void evaluateDevice(SilenceRule rule, String device, List<Beat> sorted,
                                       List<Instant> evaluations, List<AlertEvent> out) {
        boolean expected = rule.isExpected(device);
        int needed = rule.cleanEvaluationsToResolve();
        Instant lastAt = null;       // the latest receiver time among visible beats
        boolean lastStopping = false;
        Instant lastRunningAt = null; // the latest visible beat that did not say stopping
        boolean fired = false;
        int clean = 0;
        int next = 0;
        int to = sorted.size();
        for (Instant t : evaluations) {
            while (next < to && !sorted.get(next).visibleFrom().isAfter(t)) {
                Beat b = sorted.get(next++);
                if (lastAt == null || !b.at().isBefore(lastAt)) {
                    lastAt = b.at();
                    lastStopping = b.stopping();
                }
                if (!b.stopping() && (lastRunningAt == null || b.at().isAfter(lastRunningAt))) {
                    lastRunningAt = b.at();
                }
            }
            Instant windowStart = t.minus(rule.lookback());
            boolean inWindow = lastAt != null && lastAt.isAfter(windowStart);
            boolean met;
            Instant seen = inWindow ? lastAt : null;
            Instant running = lastRunningAt != null && lastRunningAt.isAfter(windowStart) ? lastRunningAt : null;
            if (inWindow && lastStopping && !rule.stopCounts(new DeviceFacts(device, lastAt, true, running))) {
                // A stop from a device already down is set aside: judged by its last running beat.
                met = running == null ? expected : !t.isBefore(rule.declaredDownAt(running));
            } else if (inWindow) {
                met = !t.isBefore(lastStopping ? lastAt.plus(rule.maxStop()) : rule.declaredDownAt(lastAt));
            } else {
                met = expected; // a row with no beat only exists for an expected device
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
}
