package dev.heartwatch.server.alert;

import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.notify.AlertCondition;
import dev.heartwatch.core.notify.AlertPlan;
import dev.heartwatch.core.notify.EvaluationAlerts;
import dev.heartwatch.core.notify.RaisedAlert;
import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.Flip;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.core.schedule.ScheduledRule;
import dev.heartwatch.server.config.PairMode;
import dev.heartwatch.server.store.DeviceRecord;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NewNotification;
import dev.heartwatch.server.store.NotificationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live per-device rule: each run reads every device's stored facts and the registry
 * ({@code store.registry()}, one query), asks {@link ScheduledRule} for a flip on the device's
 * {@linkplain #scheduleFor schedule} and its last start or fail signal (issue 16 §3, §5; a
 * device nobody described is judged by the global threshold exactly as before), and records it as a compare-and-set together with the notification it raises
 * (one transaction), so a state change is recorded once and notified at most once, across
 * evaluators and restarts. Nothing here reads a clock: {@code now} is a parameter.
 *
 * <p>Notification policy, per device:
 * <ul>
 *   <li>to DOWN raises FIRED, unless the device is muted (nothing) or within its cooldown after
 *       the last notification (raised as suppressed);</li>
 *   <li>from DOWN raises RESOLVED when its FIRED was raised (never suppressed: every mailed
 *       "down" gets its "resolved"); a suppressed "down" gets a suppressed "resolved";</li>
 *   <li>when a cooldown ends with suppressed notifications, one summary says how many, FIRED if
 *       the device is down now (opening the alert), else RESOLVED;</li>
 *   <li>retired devices are never evaluated; STOPPED (clean stop) raises nothing.</li>
 * </ul>
 * After the flips, the notifications raised (and any left unplanned by an earlier run) go through
 * core's {@link AggregationPolicy} once, recorded in one transaction: a digest when many devices
 * flip together (kept open while the storm goes on), checks folded into their parent's DOWN,
 * one thread per outage. Until then no worker sends them, so a digest is never overtaken by its
 * members. Delivery is not done here:
 * the channels' workers are woken after the evaluation returns.
 *
 * <p>Checks (issue 17): each device's last beat may name its parent (an agent's check, its agent)
 * and its own {@code period} and {@code grace}, kept by the store. Each run reads the parents
 * from the devices it reads anyway (plus any given at construction), judges a device that sent a
 * schedule on {@code period + grace} ({@link BeatSchedules}) instead of the threshold, and never
 * declares a check DOWN before its parent when it fell silent with it: parents are judged first,
 * so the check's DOWN is folded into the parent's in the same run. A check's RESOLVED whose DOWN
 * went behind its parent goes with the parent's RESOLVED, or is absorbed when that was already
 * planned: it never makes a message of its own.
 *
 * <p>For the first {@code threshold} after the server starts, a device last heard before the
 * start is not declared DOWN: its silence may be the server's own downtime, and its agent gets
 * one threshold to reach the server again. A new device in its {@linkplain NewDeviceWarmUp
 * warm-up} is not declared DOWN either.
 */
public final class Evaluator {
    private final HeartwatchStore store;
    private final SilenceRule rule;
    private final Duration cooldown;
    private final Instant startedAt;
    private final AggregationPolicy policy;
    private final Map<String, String> parents;
    private final NewDeviceWarmUp newDevices;
    private final PairMode pair;
    /** The rules of the thresholds devices' own schedules asked for, made once each. */
    private final Map<Duration, SilenceRule> byThreshold = new ConcurrentHashMap<>();
    /** {@link ScheduledRule} around each of those rules (the global one included), made once each. */
    private final Map<SilenceRule, ScheduledRule> scheduled = new ConcurrentHashMap<>();

    /** An evaluator without a new-device warm-up (every device alerts from its first beat). */
    public Evaluator(HeartwatchStore store, SilenceRule rule, Duration cooldown, Instant startedAt) {
        this(store, rule, cooldown, startedAt, AggregationPolicy.defaults(rule.heartbeatInterval()), Map.of(),
                NewDeviceWarmUp.none());
    }

    /** @param parents device to the device it runs behind (a check to its agent); empty when there are none */
    public Evaluator(HeartwatchStore store, SilenceRule rule, Duration cooldown, Instant startedAt,
                     AggregationPolicy policy, Map<String, String> parents) {
        this(store, rule, cooldown, startedAt, policy, parents, NewDeviceWarmUp.none());
    }

    public Evaluator(HeartwatchStore store, SilenceRule rule, Duration cooldown, Instant startedAt,
                     NewDeviceWarmUp newDevices) {
        this(store, rule, cooldown, startedAt, AggregationPolicy.defaults(rule.heartbeatInterval()), Map.of(), newDevices);
    }

    /**
     * @param parents    device to the device it runs behind (a check to its agent); empty when there are none
     * @param newDevices the warm-up of devices first seen lately
     */
    public Evaluator(HeartwatchStore store, SilenceRule rule, Duration cooldown, Instant startedAt,
                     AggregationPolicy policy, Map<String, String> parents, NewDeviceWarmUp newDevices) {
        this(store, rule, cooldown, startedAt, policy, parents, newDevices, null);
    }

    /**
     * @param pair pair mode (issue 18 section 5), {@code null} for a server on its own: the
     *             peer's {@code stack-} device says what its silence means, and a secondary
     *             holds every other DOWN while the primary's beat is up here
     */
    public Evaluator(HeartwatchStore store, SilenceRule rule, Duration cooldown, Instant startedAt,
                     AggregationPolicy policy, Map<String, String> parents, NewDeviceWarmUp newDevices, PairMode pair) {
        this.pair = pair;
        this.store = Objects.requireNonNull(store, "store");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.parents = Map.copyOf(parents);
        this.newDevices = Objects.requireNonNull(newDevices, "newDevices");
    }

    public SilenceRule rule() {
        return rule;
    }

    /** One evaluation at {@code now}; returns the flips this run recorded. */
    public List<Flip> evaluate(Instant now) {
        List<Flip> recorded = new ArrayList<>();
        // One read of the registry per evaluation (a row per described device).
        Map<String, RegisteredDevice> registry = new HashMap<>();
        for (RegisteredDevice d : store.registry().registry().devices()) {
            registry.put(d.id(), d);
        }
        Set<String> expected = new HashSet<>(rule.expectedDevices());
        registry.values().stream().filter(RegisteredDevice::expected).forEach(d -> expected.add(d.id()));
        Map<String, DeviceRecord> all = store.devices().all(expected);
        Map<String, String> parentOf = parentsOf(all.values());
        // Devices that run behind nothing first, so a check sees the status its parent ends this run with.
        List<DeviceRecord> ordered = new ArrayList<>(all.size());
        // The peer's own beat first: in a secondary, every other device's DOWN depends on it.
        String peer = pair == null ? null : pair.peerDevice();
        all.values().stream().filter(r -> r.device().equals(peer)).forEach(ordered::add);
        all.values().stream().filter(r -> !parentOf.containsKey(r.device()) && !r.device().equals(peer)).forEach(ordered::add);
        all.values().stream().filter(r -> parentOf.containsKey(r.device())).forEach(ordered::add);
        Map<String, DeviceStatus> statusNow = new HashMap<>();
        for (DeviceRecord r : ordered) {
            if (r.retired()) {
                continue;
            }
            // Issue 16: a registered schedule; issue 17: else a check's own period and grace
            // (BeatSchedules, as its threshold); else the global threshold.
            ScheduledRule judge = scheduledOf(ruleOf(r));
            boolean isExpected = expected.contains(r.device());
            Schedule schedule = scheduleFor(registry.get(r.device()), judge);
            Optional<Flip> maybe = judge.flip(r.facts(), schedule, r.signals(), isExpected, r.status(), now);
            boolean covered = primaryAlerts(all, statusNow) && !r.device().equals(peer);
            if (maybe.isEmpty() && covered && r.status() == DeviceStatus.DOWN) {
                // The secondary covered this device while the primary was silent; the primary alerts again now.
                maybe = Optional.of(new Flip(r.device(), DeviceStatus.DOWN, DeviceStatus.UP, now, PairMode.PRIMARY_BACK));
            }
            if (maybe.isPresent()) {
                Flip flip = maybe.get();
                if (flip.to() == DeviceStatus.DOWN && covered) {
                    continue; // the primary is up and alerts on it: a secondary's DOWN would be a duplicate
                }
                if (flip.to() == DeviceStatus.DOWN && r.device().equals(peer)) {
                    flip = new Flip(flip.device(), flip.from(), flip.to(), flip.at(), pair.peerDownText()
                            + (flip.reason() == null ? "" : " (" + flip.reason() + ")"));
                }
                // A fail is a signal, not silence: neither warm-up nor a late parent holds it back.
                boolean byFail = flip.to() == DeviceStatus.DOWN && judge.downByFail(r.facts(), r.signals(), isExpected, now);
                if (flip.to() == DeviceStatus.DOWN && !byFail && (inWarmUp(r, flip, now, expected)
                        || waitsForParent(r, all.get(parentOf.get(r.device())), statusNow, now))) {
                    continue;
                }
                flip = resolvingAFail(r, flip);
                if (record(r, flip, now)) {
                    recorded.add(flip);
                    statusNow.put(r.device(), flip.to());
                }
            }
            summariseIfCooledDown(r, now);
        }
        planRaised(now, parentOf, all);
        return recorded;
    }

    /**
     * In a secondary: whether the primary's beat ({@code stack-<primary>}) is up here, so the
     * primary can alert and this server holds every other device's DOWN. Never heard of, or
     * DOWN, it cannot. Always false in a primary or without a pair.
     */
    private boolean primaryAlerts(Map<String, DeviceRecord> all, Map<String, DeviceStatus> statusNow) {
        if (pair == null || !pair.secondary()) {
            return false;
        }
        DeviceRecord primary = all.get(pair.peerDevice());
        if (primary == null || primary.retired()) {
            return false;
        }
        return statusNow.getOrDefault(primary.device(), primary.status()) == DeviceStatus.UP;
    }

    private ScheduledRule scheduledOf(SilenceRule silence) {
        return scheduled.computeIfAbsent(silence, ScheduledRule::of);
    }

    /**
     * The schedule a device is judged on: its registry entry's, when the entry names one (a
     * registered schedule wins over the beat's own); else {@code judge}'s default, the
     * threshold's: the global one, or the one a check's own {@code period} and {@code grace}
     * ask for ({@link #ruleOf}), so such a device decides exactly as before. An entry without
     * a schedule reads as {@link Schedule#DEFAULT}, which here means "none named".
     */
    static Schedule scheduleFor(RegisteredDevice entry, ScheduledRule judge) {
        if (entry != null && !entry.schedule().equals(Schedule.DEFAULT)) {
            return entry.schedule();
        }
        return judge.defaultSchedule();
    }

    /**
     * The flip back from a DOWN that a fail caused or that a fail came during (the fail at or
     * after the DOWN's {@code since}: a fail's DOWN happens at the fail) says so, for the RESOLVED message: "success at … after it failed
     * (exit status N) at …".
     */
    private static Flip resolvingAFail(DeviceRecord r, Flip flip) {
        Instant failed = r.signals().lastFail();
        if (r.status() != DeviceStatus.DOWN || flip.to() == DeviceStatus.DOWN || failed == null || r.since() == null
                || failed.isBefore(r.since()) || r.signals().failOpen()) {
            return flip;
        }
        return new Flip(flip.device(), flip.from(), flip.to(), flip.at(), "success at " + flip.at() + " after it "
                + r.signals().failText() + " at " + failed);
    }

    /** The rule {@code r} is judged by: the global one, or the one its own beats' schedule asks for. */
    private SilenceRule ruleOf(DeviceRecord r) {
        return BeatSchedules.threshold(rule, r).map(t -> byThreshold.computeIfAbsent(t, rule::withThreshold)).orElse(rule);
    }

    /** The parents given at construction, and those the devices' last beats name (a check to its agent). */
    private Map<String, String> parentsOf(Collection<DeviceRecord> records) {
        Map<String, String> out = new HashMap<>(parents);
        for (DeviceRecord r : records) {
            if (r.parent() != null && !r.parent().equals(r.device())) {
                out.putIfAbsent(r.device(), r.parent());
            }
        }
        return out;
    }

    /**
     * A check that fell silent with its parent is not declared DOWN before the parent is: its
     * silence is the parent's (the agent or its link), and its DOWN belongs folded into the
     * parent's, in the same evaluation (issue 17 section 4). It waits only while the parent is UP, late
     * (no beat for more than one heartbeat interval) and can still be declared DOWN by its own
     * rule; a parent that beats on time, is held back (its warm-up) or is gone (stopped,
     * unknown) does not hold the check.
     */
    private boolean waitsForParent(DeviceRecord check, DeviceRecord parent, Map<String, DeviceStatus> statusNow,
                                   Instant now) {
        if (parent == null || parent.lastSeen() == null || check.lastSeen() == null || parent.retired()) {
            return false;
        }
        if (statusNow.getOrDefault(parent.device(), parent.status()) != DeviceStatus.UP) {
            return false;
        }
        Duration interval = rule.heartbeatInterval();
        boolean parentLate = now.isAfter(parent.lastSeen().plus(interval));
        boolean silentWithParent = !heardUntil(check).isBefore(parent.lastSeen().minus(interval));
        return parentLate && silentWithParent && now.isBefore(ruleOf(parent).declaredDownAt(parent.lastSeen()));
    }

    /**
     * What the aggregation policy compares with the parent's last beat (its {@code lastSeen},
     * less one heartbeat interval), to tell a check that went silent with its parent from one
     * that failed before: the instant the check's next beat was due (its last beat plus its
     * period, or the interval when it sent none). A check beats once a period, and its beat
     * travels in the agent's batch, once an interval and on a thread of its own, so its last
     * beat may be up to a period and an interval older than the agent's and still be "with" it.
     */
    private Instant heardUntil(DeviceRecord check) {
        return BeatSchedule.heardUntil(check.lastSeen(), BeatSchedule.of(check.beatPeriod(), check.beatGrace()).orElse(null),
                rule.heartbeatInterval());
    }

    /** Runs the aggregation policy over every notification not yet planned, and records its plan. */
    private void planRaised(Instant now, Map<String, String> parentOf, Map<String, DeviceRecord> all) {
        List<NotificationRecord> unplanned = store.outbox().unplanned();
        Map<AlertCondition, Instant> gathering = store.outbox().gatheringDigests();
        if (unplanned.isEmpty() && gathering.isEmpty()) {
            return;
        }
        Map<String, Instant> downParents = new HashMap<>();
        Map<String, Boolean> parentChecked = new HashMap<>();
        Map<String, NotificationRecord> parentResolved = new HashMap<>();
        for (NotificationRecord n : unplanned) {
            if (!n.fired()) {
                parentResolved.putIfAbsent(n.device(), n);
            }
        }
        List<RaisedAlert> raised = new ArrayList<>(unplanned.size());
        List<AlertPlan.Absorbed> resolvedBehind = new ArrayList<>();
        for (NotificationRecord n : unplanned) {
            String parent = parentOf.get(n.device());
            Instant lastSeen = null;
            Instant downAt = n.fired() ? n.flipAt() : n.firedAt();
            if (parent != null) {
                DeviceRecord check = all.get(n.device());
                lastSeen = check == null ? null : heardUntil(check);
                parentChecked.computeIfAbsent(parent, p -> {
                    store.devices().device(p).filter(d -> d.status() == DeviceStatus.DOWN)
                            .ifPresent(d -> downParents.put(p, d.lastSeen() == null ? Instant.MIN : d.lastSeen()));
                    return true;
                });
                if (!n.fired() && n.firedAt() != null && !downParents.containsKey(parent)
                        && store.outbox().firedBehind(n.device(), n.firedAt()).isPresent()) {
                    // Its DOWN went into the parent's outage: its RESOLVED goes with the parent's, never alone.
                    NotificationRecord back = parentResolved.get(parent);
                    if (back == null) {
                        resolvedBehind.add(new AlertPlan.Absorbed(new RaisedAlert(n.idemKey(), n.device(),
                                AlertCondition.RESOLVED, n.flipAt(), downAt, lastSeen), parent));
                        continue;
                    }
                    if (back.firedAt() != null && back.firedAt().isAfter(downAt)) {
                        downAt = back.firedAt(); // the parent's outage, which the policy folds it into
                    }
                }
            }
            raised.add(new RaisedAlert(n.idemKey(), n.device(), n.fired() ? AlertCondition.FIRED : AlertCondition.RESOLVED,
                    n.flipAt(), downAt, lastSeen));
        }
        AlertPlan plan = policy.plan(new EvaluationAlerts(now, raised, parentOf, downParents, gathering));
        if (!resolvedBehind.isEmpty()) {
            List<AlertPlan.Absorbed> absorbed = new ArrayList<>(plan.absorbed());
            absorbed.addAll(resolvedBehind);
            plan = new AlertPlan(plan.messages(), absorbed, plan.held(), plan.released());
        }
        store.outbox().applyPlan(plan, now);
    }

    /** The server's own warm-up after its start, or the device's as a new one. */
    private boolean inWarmUp(DeviceRecord r, Flip flip, Instant now, Set<String> expected) {
        boolean silentSinceBeforeStart = r.lastSeen() == null || r.lastSeen().isBefore(startedAt);
        return silentSinceBeforeStart && now.isBefore(startedAt.plus(rule.threshold()))
                || newDevices.holdsBack(r, flip, expected, store.devices()::beats);
    }

    private boolean coolingDown(DeviceRecord r, Instant now) {
        return r.lastNotified() != null && now.isBefore(r.lastNotified().plus(cooldown));
    }

    private boolean record(DeviceRecord r, Flip flip, Instant now) {
        String key = flip.device() + ":" + flip.to() + ":" + flip.at().toEpochMilli();
        boolean alertOpen = r.alertOpen();
        NewNotification n = null;
        if (flip.to() == DeviceStatus.DOWN) {
            alertOpen = false;
            if (!r.mutedAt(now)) {
                boolean suppressed = coolingDown(r, now);
                alertOpen = !suppressed;
                n = new NewNotification(key, flip.device(), NotificationRecord.FIRED, flip.at(), flip.at(),
                        suppressed, 0, flip.reason());
            }
        } else if (flip.from() == DeviceStatus.DOWN) {
            if (r.alertOpen()) {
                n = new NewNotification(key, flip.device(), NotificationRecord.RESOLVED, flip.at(),
                        store.devices().firedAt(flip.device()).orElse(r.since()), false, 0, flip.reason());
            } else if (!r.mutedAt(now) && coolingDown(r, now)) {
                n = new NewNotification(key, flip.device(), NotificationRecord.RESOLVED, flip.at(), r.since(),
                        true, 0, flip.reason());
            }
            alertOpen = false;
        }
        if (n != null && !n.suppressed()) {
            // Cooldown over: this notification also tells how many were not mailed before it.
            int before = store.outbox().unsummarisedSuppressed(flip.device()).size();
            if (before > 0) {
                n = new NewNotification(n.idemKey(), n.device(), n.condition(), n.flipAt(), n.firedAt(), false, before,
                        n.reason() + "; " + before + " earlier state changes were not mailed during the " + cooldown + " cooldown");
            }
        }
        return store.devices().recordFlip(flip, now, alertOpen, n);
    }

    private void summariseIfCooledDown(DeviceRecord before, Instant now) {
        if (coolingDown(before, now)) {
            return;
        }
        List<NotificationRecord> suppressed = store.outbox().unsummarisedSuppressed(before.device());
        if (suppressed.isEmpty()) {
            return;
        }
        DeviceRecord r = store.devices().device(before.device()).orElse(before);
        NotificationRecord last = suppressed.get(suppressed.size() - 1);
        boolean downNow = r.status() == DeviceStatus.DOWN;
        NewNotification summary;
        if (downNow && !r.alertOpen()) {
            summary = new NewNotification(r.device() + ":SUMMARY:" + last.id(), r.device(), NotificationRecord.FIRED,
                    r.since(), r.since(), false, suppressed.size(),
                    suppressed.size() + " state changes were not mailed during the " + cooldown + " cooldown; down now");
        } else if (!downNow) {
            summary = new NewNotification(r.device() + ":SUMMARY:" + last.id(), r.device(), NotificationRecord.RESOLVED,
                    r.since() == null ? now : r.since(), null, false, suppressed.size(),
                    suppressed.size() + " state changes were not mailed during the " + cooldown + " cooldown; "
                            + r.status().name().toLowerCase() + " now");
        } else {
            summary = null; // down, and the open alert already said so: mark them only
        }
        store.outbox().summarise(r.device(), last.id(), summary, now);
    }
}
