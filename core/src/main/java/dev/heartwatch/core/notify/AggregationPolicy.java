package dev.heartwatch.core.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides the messages an evaluation's notifications become, written once for every sender
 * (the server's outbox, Azure's {@code Notify}). Pure: everything it reads is in
 * {@link EvaluationAlerts}.
 *
 * <ol>
 *   <li><b>Checks behind a down parent</b> (one level or more, {@link EvaluationAlerts#parents()}):
 *       a check's DOWN is folded into its parent's DOWN when the check went silent with the parent
 *       (its last beat no earlier than the parent's, less {@code foldTolerance}): into the
 *       parent's message when the parent went down in this evaluation, else absorbed by the
 *       parent's DOWN already sent. A check that went silent before its parent did failed on its
 *       own: it gets its own message, and stays down. A check's RESOLVED while its parent is down
 *       is held, never sent: a check never resolves merely because its parent went down. A
 *       check's RESOLVED raised with its parent's, for an outage that began with the parent's,
 *       is folded into the parent's RESOLVED.</li>
 *   <li><b>Digest</b>: when more than {@code digestAfter} messages of one condition remain, they
 *       become one {@link OutgoingAlert.Digest} ("50 devices down"), not one each. A storm rarely
 *       fits one evaluation (2,000 names fall silent over a few seconds), so the digest keeps
 *       gathering: while it is open ({@link EvaluationAlerts#gathering()}), every later message
 *       of its condition joins it; it is released ({@link AlertPlan#released()}) at the first
 *       evaluation that raises nothing of its condition, or once open for {@code gatherFor}.
 *       With {@code gatherFor} zero a digest is released at once.</li>
 *   <li><b>Threads</b>: one per outage ({@link RaisedAlert#threadKey()}), so a RESOLVED joins
 *       its DOWN; folded checks share their parent's message and thread.</li>
 * </ol>
 */
public final class AggregationPolicy {
    /** More than this many devices flipping one way in one evaluation make a digest. */
    public static final int DEFAULT_DIGEST_AFTER = 5;
    /** How many devices a message names before "and N more". */
    public static final int DEFAULT_LIST_CAP = 50;
    /** The longest a digest gathers a storm before it is sent. */
    public static final Duration DEFAULT_GATHER_FOR = Duration.ofMinutes(1);

    private final int digestAfter;
    private final int listCap;
    private final Duration foldTolerance;
    private final Duration gatherFor;

    /**
     * @param digestAfter   more than this many messages of one condition make a digest (at least 1)
     * @param listCap       how many names a message lists (at least 1)
     * @param foldTolerance how much earlier than its parent's last beat a check's last beat may be and
     *                      still count as silent with it (the agent sends its checks beside its own beat,
     *                      not in it: one heartbeat interval)
     */
    public AggregationPolicy(int digestAfter, int listCap, Duration foldTolerance) {
        this(digestAfter, listCap, foldTolerance, Duration.ZERO);
    }

    /** @param gatherFor the longest a digest stays open for the rest of a storm (zero: sent at once) */
    public AggregationPolicy(int digestAfter, int listCap, Duration foldTolerance, Duration gatherFor) {
        if (digestAfter < 1) {
            throw new IllegalArgumentException("digestAfter must be at least 1: " + digestAfter);
        }
        if (listCap < 1) {
            throw new IllegalArgumentException("listCap must be at least 1: " + listCap);
        }
        if (foldTolerance.isNegative() || gatherFor.isNegative()) {
            throw new IllegalArgumentException("foldTolerance and gatherFor must not be negative: " + foldTolerance
                    + ", " + gatherFor);
        }
        this.digestAfter = digestAfter;
        this.listCap = listCap;
        this.foldTolerance = foldTolerance;
        this.gatherFor = gatherFor;
    }

    /** The defaults, with checks sent within one {@code heartbeatInterval} of their agent's beat. */
    public static AggregationPolicy defaults(Duration heartbeatInterval) {
        return new AggregationPolicy(DEFAULT_DIGEST_AFTER, DEFAULT_LIST_CAP, heartbeatInterval, DEFAULT_GATHER_FOR);
    }

    public int digestAfter() {
        return digestAfter;
    }

    public int listCap() {
        return listCap;
    }

    public AlertPlan plan(EvaluationAlerts e) {
        Placer placer = new Placer(e);
        Map<RaisedAlert, List<RaisedAlert>> behind = new LinkedHashMap<>();
        List<AlertPlan.Absorbed> absorbed = new ArrayList<>();
        List<RaisedAlert> held = new ArrayList<>();
        for (RaisedAlert r : e.raised()) {
            Placement p = placer.place(r);
            switch (p.kind) {
                case LEAD -> behind.computeIfAbsent(r, k -> new ArrayList<>());
                case HELD -> held.add(r);
                case ABSORBED -> absorbed.add(new AlertPlan.Absorbed(r, p.parent));
                case BEHIND -> behind.computeIfAbsent(p.leader, k -> new ArrayList<>()).add(r);
            }
        }
        Map<AlertCondition, Integer> leaders = new HashMap<>();
        behind.keySet().forEach(r -> leaders.merge(r.condition(), 1, Integer::sum));
        List<OutgoingAlert> messages = new ArrayList<>();
        Map<AlertCondition, List<OutgoingAlert.Single>> digests = new LinkedHashMap<>();
        for (Map.Entry<RaisedAlert, List<RaisedAlert>> lead : behind.entrySet()) {
            OutgoingAlert.Single single = new OutgoingAlert.Single(lead.getKey(), lead.getValue());
            AlertCondition c = single.condition();
            if (e.gathering().containsKey(c) || leaders.get(c) > digestAfter) {
                List<OutgoingAlert.Single> members = digests.get(c);
                if (members == null) {
                    members = new ArrayList<>();
                    digests.put(c, members);
                    messages.add(null); // the digest's place: where its first member was raised
                }
                members.add(single);
            } else {
                messages.add(single);
            }
        }
        List<OutgoingAlert> ordered = new ArrayList<>(messages.size());
        var pending = digests.entrySet().iterator();
        for (OutgoingAlert m : messages) {
            if (m == null) {
                var d = pending.next();
                ordered.add(new OutgoingAlert.Digest(d.getKey(), e.evaluatedAt(), d.getValue(),
                        e.gathering().containsKey(d.getKey())));
            } else {
                ordered.add(m);
            }
        }
        Set<AlertCondition> released = EnumSet.noneOf(AlertCondition.class);
        for (AlertCondition c : AlertCondition.values()) {
            Instant opened = e.gathering().get(c);
            if (opened != null) {
                if (!leaders.containsKey(c) || !e.evaluatedAt().isBefore(opened.plus(gatherFor))) {
                    released.add(c);
                }
            } else if (digests.containsKey(c) && gatherFor.isZero()) {
                released.add(c);
            }
        }
        return new AlertPlan(ordered, absorbed, held, released);
    }

    private enum Kind { LEAD, BEHIND, ABSORBED, HELD }

    private record Placement(Kind kind, RaisedAlert leader, String parent) {
        static final Placement LEAD = new Placement(Kind.LEAD, null, null);
        static final Placement HELD = new Placement(Kind.HELD, null, null);
    }

    /** Where each raised notification goes; a parent is placed before its checks (memoised). */
    private final class Placer {
        private final EvaluationAlerts e;
        private final Map<String, RaisedAlert> firedOf = new HashMap<>();
        private final Map<String, RaisedAlert> resolvedOf = new HashMap<>();
        private final Map<RaisedAlert, Placement> placed = new HashMap<>();

        Placer(EvaluationAlerts e) {
            this.e = e;
            for (RaisedAlert r : e.raised()) {
                (r.fired() ? firedOf : resolvedOf).putIfAbsent(r.device(), r);
            }
        }

        Placement place(RaisedAlert r) {
            Placement known = placed.get(r);
            if (known != null) {
                return known;
            }
            Placement p = decide(r);
            placed.put(r, p);
            return p;
        }

        private Placement decide(RaisedAlert r) {
            String parent = e.parents().get(r.device());
            if (parent == null || inCycle(r.device())) {
                return Placement.LEAD; // in a cycle of the parent map nobody is behind anybody
            }
            Instant parentLastSeen = e.downParents().get(parent);
            if (r.fired()) {
                if (parentLastSeen == null || !silentWithParent(r, parentLastSeen)) {
                    return Placement.LEAD;
                }
                RaisedAlert parentFired = firedOf.get(parent);
                if (parentFired == null) {
                    return new Placement(Kind.ABSORBED, null, parent);
                }
                return behind(parentFired, parent);
            }
            if (parentLastSeen != null) {
                return Placement.HELD;
            }
            RaisedAlert parentResolved = resolvedOf.get(parent);
            if (parentResolved != null && sameOutage(r, parentResolved)) {
                return behind(parentResolved, parent);
            }
            return Placement.LEAD;
        }

        /** Behind the message the parent's own notification went into. */
        private Placement behind(RaisedAlert parentAlert, String parent) {
            Placement p = place(parentAlert);
            return switch (p.kind) {
                case LEAD -> new Placement(Kind.BEHIND, parentAlert, parent);
                case BEHIND -> p;
                case ABSORBED -> new Placement(Kind.ABSORBED, null, parent);
                case HELD -> Placement.HELD;
            };
        }

        private boolean inCycle(String device) {
            String d = e.parents().get(device);
            for (int steps = 0; d != null && steps <= e.parents().size(); steps++) {
                if (d.equals(device)) {
                    return true;
                }
                d = e.parents().get(d);
            }
            return false;
        }

        private boolean silentWithParent(RaisedAlert check, Instant parentLastSeen) {
            return check.lastSeen() == null || parentLastSeen.equals(Instant.MIN)
                    || !check.lastSeen().isBefore(parentLastSeen.minus(foldTolerance));
        }

        /** The check's outage began with its parent's (so its DOWN was folded into the parent's). */
        private boolean sameOutage(RaisedAlert check, RaisedAlert parentResolved) {
            return check.downAt() != null && parentResolved.downAt() != null
                    && !check.downAt().isBefore(parentResolved.downAt().minus(foldTolerance));
        }
    }

    @Override
    public String toString() {
        return "AggregationPolicy[digestAfter=" + digestAfter + ", listCap=" + listCap + ", foldTolerance=" + foldTolerance
                + ", gatherFor=" + gatherFor + "]";
    }
}
