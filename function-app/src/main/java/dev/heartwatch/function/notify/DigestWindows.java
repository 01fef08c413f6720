package dev.heartwatch.function.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.notify.AlertCondition;
import dev.heartwatch.core.notify.AlertPlan;
import dev.heartwatch.core.notify.EvaluationAlerts;
import dev.heartwatch.core.notify.OutgoingAlert;
import dev.heartwatch.core.notify.RaisedAlert;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Storms in Azure (issue 15 §4): the alerts of one minute gathered in the state table and planned
 * together by core's {@link AggregationPolicy}, the one the server uses, so that past
 * {@code digestAfter} devices flipping together one digest goes out, not one message each.
 *
 * <p>A window is the epoch minute of the alert's own flip time (a Fired's {@code firedDateTime},
 * a Resolved's {@code resolvedDateTime}), not of its arrival: Azure fires every device of one
 * evaluation at the same time, while their webhook calls and queue messages arrive spread out
 * and, retried, arrive again later. The flip time puts each alert in the same window however late
 * or often it is handed over.
 * <ol>
 *   <li><b>Gather.</b> Each alert records itself in partition {@code window-<minute>} (row: its
 *       alert id and state; insert-if-absent, so a repeat changes nothing). The first to insert the
 *       window's row (partition {@value #WINDOWS}, a conditional insert) is its leader: it puts one
 *       message for the window on the queue, invisible until the window's minute plus
 *       {@code gatherFor} has passed (Put Message's {@code visibilitytimeout}), and nothing is sent
 *       now. A leader that died before its message was put is taken over when its row, still
 *       {@code pending}, is older than {@link #PENDING_STALE}.</li>
 *   <li><b>Plan</b>, once, when the window's message comes back: first a {@code closed} row (from
 *       then on an alert of the window no longer gathers), then the window's records are read and
 *       the list of those planned is fixed in one {@value #PLANS} row by a conditional insert. Every
 *       later look (a retried leader, a late alert) reads that list, so the plan is the same each
 *       time: the policy over the same records gives the same singles or the same digest.</li>
 *   <li><b>Hold</b>: a storm rarely fits one evaluation: devices that went silent together cross
 *       the threshold in two consecutive minutes, two windows. As the server's policy keeps a
 *       digest open for the next evaluation, window m's digest of a condition is held, not sent,
 *       and window m+1's plan sends it (same id {@code digest:m:<condition>}, same delivery rows)
 *       with m+1's own alerts of that condition. Which digests m+1 takes is fixed once in a
 *       {@value #HOLDS} row by whichever planner asks first (m's after its plan row, m+1's after
 *       its {@code closed} row and before its own plan row), so both read the same answer in
 *       whatever order the queue hands over their messages. m's planner leads window m+1 (its
 *       message, due at m+1's end plus {@code gatherFor}) when m+1 raised nothing, since m+1
 *       releases the digest; m+1's planner waits (a retry) while m is led but not yet planned, up
 *       to {@link #PRIOR_WAIT} past m's due time, then plans without it and m sends its own.
 *       A digest is held for one window at most: m+1's plan sends it whatever m+2 raises.</li>
 *   <li><b>Late</b>: an alert that records itself after the window closed is in the plan (a repeat:
 *       nothing to do) or not (it came too late: it goes alone, as without digests).</li>
 * </ol>
 * Delivery (by {@link NotifyDelivery}) keeps the per-(alert id, state, channel) rows for singles
 * and adds per-(window, condition, channel) rows for digests, with the same claim rules, so a
 * retried or duplicated window message sends nothing twice.
 */
public final class DigestWindows {
    static final String WINDOWS = "window";
    static final String CLOSED = "windowclosed";
    static final String PLANS = "windowplan";
    static final String HOLDS = "windowhold";
    /** How long past a window's due time the next window waits for its plan before planning without it. */
    static final Duration PRIOR_WAIT = Duration.ofMinutes(2);
    /** A leader row still {@code pending} this long after it was written: its writer died before its message was put. */
    static final Duration PENDING_STALE = Duration.ofSeconds(30);
    /** A planned record in the plan row: the first 16 hex digits of its key. */
    static final int ID_LENGTH = 16;
    /** Table storage keeps a string property to 64 KiB (32 K characters): a plan row's ids go in chunks well under. */
    static final int CHUNK_IDS = 1_500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateTable table;
    private final AlertQueue queue;
    private final Duration gatherFor;
    private final AggregationPolicy policy;
    private final Clock clock;

    /**
     * @param gatherFor   how long after its minute a window waits for the rest of a storm (positive)
     * @param digestAfter more than this many devices flipping one way in a window make a digest
     */
    public DigestWindows(StateTable table, AlertQueue queue, Duration gatherFor, int digestAfter, Clock clock) {
        if (gatherFor.isNegative() || gatherFor.isZero()) {
            throw new IllegalArgumentException("gatherFor must be positive: " + gatherFor);
        }
        this.table = table;
        this.queue = queue;
        this.gatherFor = gatherFor;
        this.policy = new AggregationPolicy(digestAfter, AggregationPolicy.DEFAULT_LIST_CAP, Duration.ZERO);
        this.clock = clock;
    }

    public int digestAfter() {
        return policy.digestAfter();
    }

    /** What became of an alert handed to {@link #gather}. */
    public enum Gathered {
        /** recorded in its window: the window's plan sends it */
        GATHERING,
        /** its window is planned and the plan has it (a repeat): nothing to do */
        COVERED,
        /** its window was planned without it (it came too late): it goes alone */
        LATE
    }

    /** One alert of a window: the alert as queued, whether its Fired was seen, the checks folded into it. */
    public record Member(String key, AlertNotice notice, boolean firedSeen, List<String> behind) {
        public Member {
            behind = List.copyOf(behind);
        }

        Instant flipAt() {
            return notice.fired() ? notice.firedAt() : notice.resolvedAt();
        }
    }

    /** What the policy made of a window: singles and digests, in order. */
    public sealed interface Planned permits Alone, Digest, Held {
    }

    /** A digest held open for the next window ({@code until}), which sends it with its own members of the condition. */
    public record Held(Digest digest, long until) implements Planned {
    }

    public record Alone(Member member) implements Planned {
    }

    /** One digest: its window's minute (its thread), its condition, its members in order. */
    public record Digest(long minute, AlertCondition condition, List<Member> members) implements Planned {
        public Digest {
            members = List.copyOf(members);
        }

        public Instant windowStart() {
            return Instant.ofEpochSecond(minute * 60);
        }

        /** The claim key of this digest's rows, like an alert id. */
        public String id() {
            return "digest:" + minute + ":" + condition.name();
        }
    }

    public record Window(long minute, List<Planned> messages, int superseded) {
        public Window {
            messages = List.copyOf(messages);
        }
    }

    public static long minuteOf(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 60);
    }

    static long minuteOf(AlertNotice n) {
        return minuteOf(n.fired() ? n.firedAt() : n.resolvedAt());
    }

    /** When the window of {@code minute} is planned: its minute's end plus {@code gatherFor}. */
    public Instant dueAt(long minute) {
        return Instant.ofEpochSecond((minute + 1) * 60).plus(gatherFor);
    }

    /** The queue message that plans the window of {@code minute}. */
    public static String windowMessage(long minute) {
        return JSON.createObjectNode().put("v", AlertNotice.VERSION).put("window", minute).toString();
    }

    /** Whether a queue message is a window's (else it is an alert's). */
    public static boolean isWindowMessage(String message) {
        return readWindow(message) != null;
    }

    private static Long readWindow(String message) {
        if (message == null || !message.contains("\"window\"")) {
            return null;
        }
        try {
            JsonNode m = JSON.readTree(message);
            if (m != null && m.path("v").asInt(-1) == AlertNotice.VERSION && m.path("window").canConvertToLong()
                    && m.path("window").isIntegralNumber()) {
                return m.path("window").asLong();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Records the alert in its window; the first of a window schedules the window's plan. */
    public Gathered gather(AlertNotice n, boolean firedSeen, List<String> behind) {
        long minute = minuteOf(n);
        String id = Long.toString(minute);
        String key = StateTable.key(n.alertId(), n.state());
        Map<String, String> record = new LinkedHashMap<>();
        record.put("Message", n.toQueueMessage());
        record.put("Device", n.device());
        record.put("State", n.state());
        record.put("FiredSeen", Boolean.toString(firedSeen));
        record.put("Behind", String.join(",", behind)); // device names: [a-z0-9._-], no comma
        record.put("At", clock.instant().toString());
        table.insert(records(minute), key, record);
        if (table.get(CLOSED, id).isPresent()) {
            return late(minute, key);
        }
        lead(minute, key);
        return Gathered.GATHERING;
    }

    /** Makes sure the window of {@code minute} has a leader whose message is put (for {@code key}, if first). */
    private void lead(long minute, String key) {
        String id = Long.toString(minute);
        Instant now = clock.instant();
        Optional<StateTable.Row> leader = table.get(WINDOWS, id);
        if (leader.isEmpty()) {
            if (table.insert(WINDOWS, id, leaderRow("pending", key, now))) {
                schedule(minute, key);
                return;
            }
            leader = table.get(WINDOWS, id);
        }
        StateTable.Row l = leader.orElseThrow(() -> new StateTable.Unavailable("a window row vanished after its insert was refused"));
        if ("pending".equals(l.get("Status"))) {
            Instant at = instant(l.get("At"));
            if (key.equals(l.get("Leader")) || at == null || !now.isBefore(at.plus(PENDING_STALE))) {
                schedule(minute, key); // its message was perhaps never put: a second one plans nothing twice
            }
        }
    }

    private void schedule(long minute, String key) {
        Instant now = clock.instant();
        Duration delay = Duration.between(now, dueAt(minute));
        queue.put(windowMessage(minute), delay.isNegative() ? Duration.ZERO : delay);
        String id = Long.toString(minute);
        table.get(WINDOWS, id).filter(r -> "pending".equals(r.get("Status")))
                .ifPresent(r -> table.replace(WINDOWS, id, leaderRow("scheduled", key, now), r.etag()));
    }

    private static Map<String, String> leaderRow(String status, String key, Instant at) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("Status", status);
        v.put("Leader", key);
        v.put("At", at.toString());
        return v;
    }

    private Gathered late(long minute, String key) {
        StateTable.Row plan = table.get(PLANS, Long.toString(minute)).orElse(null);
        if (plan == null) {
            // Closed, its list not yet fixed: the leader is at it. The queue offers this alert again.
            throw new NotifyDelivery.Retry("its window " + minute + " is being planned");
        }
        return ids(plan).contains(key.substring(0, ID_LENGTH)) ? Gathered.COVERED : Gathered.LATE;
    }

    /**
     * The leader's part, for a window's message: closes the window, fixes its list once, and plans
     * it. The conditions the window before held open are taken into its digests; a digest of this
     * window's own is held for the next one when the next has begun gathering.
     */
    public Window plan(String message) {
        Long m = readWindow(message);
        if (m == null) {
            throw new AlertNotice.BadAlert("not a window message");
        }
        long minute = m;
        table.insert(CLOSED, Long.toString(minute), Map.of("At", clock.instant().toString()));
        Fixed f = fixed(minute, true);
        List<Planned> out = new ArrayList<>();
        List<Member> own = new ArrayList<>();
        for (Member x : f.members()) {
            if (!f.joined().contains(condition(x))) {
                own.add(x);
            }
        }
        if (!f.joined().isEmpty()) {
            Fixed prior = fixed(minute - 1, false);
            for (AlertCondition c : AlertCondition.values()) {
                if (f.joined().contains(c)) {
                    List<Member> all = new ArrayList<>();
                    prior.members().stream().filter(x -> condition(x) == c).forEach(all::add);
                    f.members().stream().filter(x -> condition(x) == c).forEach(all::add);
                    all.sort(ORDER);
                    out.add(new Digest(minute - 1, c, all));
                }
            }
        }
        for (Planned p : ownPlan(minute, own)) {
            if (p instanceof Digest d && taken(minute).contains(d.condition())) {
                out.add(new Held(d, minute + 1));
            } else {
                out.add(p);
            }
        }
        return new Window(minute, out, f.superseded());
    }

    /** A window's list and what it took from the window before, as fixed in its plan row (fixed now if {@code create}). */
    private record Fixed(List<Member> members, Set<AlertCondition> joined, int superseded) {
    }

    private Fixed fixed(long minute, boolean create) {
        String id = Long.toString(minute);
        List<StateTable.Row> rows = table.partition(records(minute));
        StateTable.Row plan = table.get(PLANS, id).orElse(null);
        int superseded = 0;
        if (plan == null) {
            if (!create) {
                throw new StateTable.Unavailable("window " + minute + " held a digest but has no plan row");
            }
            Set<AlertCondition> joined = taken(minute - 1); // before this window's list is fixed: it says what it takes
            List<String> ids = new ArrayList<>();
            for (StateTable.Row r : rows) {
                AlertNotice n = AlertNotice.fromQueueMessage(r.get("Message"));
                if (n.fired() && table.get(NotifyDelivery.ALERTS, StateTable.key(n.alertId(), "Resolved")).isPresent()) {
                    superseded++; // its RESOLVED went out first: a DOWN now would say it is down when it is back
                    continue;
                }
                ids.add(r.get("RowKey").substring(0, ID_LENGTH));
            }
            Set<AlertCondition> held = EnumSet.noneOf(AlertCondition.class);
            List<Member> own = members(rows, new HashSet<>(ids)).stream().filter(x -> !joined.contains(condition(x))).toList();
            for (Planned p : ownPlan(minute, own)) {
                if (p instanceof Digest d) {
                    held.add(d.condition());
                }
            }
            table.insert(PLANS, id, planRow(ids, superseded, joined, held));
            plan = table.get(PLANS, id).orElseThrow(() -> new StateTable.Unavailable("a plan row vanished after its insert"));
        }
        String count = plan.get("Superseded");
        return new Fixed(members(rows, ids(plan)), conditions(plan.get("Joined")),
                count == null ? superseded : Integer.parseInt(count));
    }

    private static List<Member> members(List<StateTable.Row> rows, Set<String> planned) {
        List<Member> members = new ArrayList<>();
        for (StateTable.Row r : rows) {
            if (planned.contains(r.get("RowKey").substring(0, ID_LENGTH))) {
                String behind = r.get("Behind");
                members.add(new Member(r.get("RowKey"), AlertNotice.fromQueueMessage(r.get("Message")),
                        Boolean.parseBoolean(r.get("FiredSeen")),
                        behind == null || behind.isEmpty() ? List.of() : Arrays.asList(behind.split(","))));
            }
        }
        members.sort(ORDER);
        return members;
    }

    private static final Comparator<Member> ORDER = Comparator.comparing(Member::flipAt)
            .thenComparing((Member x) -> x.notice().device()).thenComparing(Member::key);

    private static AlertCondition condition(Member x) {
        return x.notice().fired() ? AlertCondition.FIRED : AlertCondition.RESOLVED;
    }

    /** The policy over a window's own members (those not taken into the window before's digests). */
    private List<Planned> ownPlan(long minute, List<Member> own) {
        Map<String, Member> byKey = new HashMap<>();
        List<RaisedAlert> raised = new ArrayList<>();
        for (Member x : own) {
            byKey.put(x.key(), x);
            raised.add(new RaisedAlert(x.key(), x.notice().device(), condition(x), x.flipAt(), x.notice().firedAt(), null));
        }
        AlertPlan p = policy.plan(EvaluationAlerts.standalone(Instant.ofEpochSecond(minute * 60), raised));
        List<Planned> out = new ArrayList<>();
        for (OutgoingAlert o : p.messages()) {
            if (o instanceof OutgoingAlert.Single s) {
                out.add(new Alone(byKey.get(s.alert().key())));
            } else if (o instanceof OutgoingAlert.Digest d) {
                out.add(new Digest(minute, d.condition(), d.members().stream().map(s -> byKey.get(s.alert().key())).toList()));
            }
        }
        return out;
    }

    /**
     * Which of window {@code minute}'s digests the next window takes (holds open and sends with its
     * own members of that condition), fixed once in a {@value #HOLDS} row by whichever of the two
     * planners asks first, so both read the same answer in whatever order the queue hands them
     * their messages. Both propose the digests of window {@code minute}'s plan row; the next
     * window's planner, when that row is not there yet, waits for it while window {@code minute}
     * has a leader (up to {@link #PRIOR_WAIT} past its due time), then proposes none: the digest
     * then goes when its own window is planned. Taken and asked by window {@code minute}'s own
     * planner, the next window is led (its message put, due at its minute's end plus
     * {@code gatherFor}) even if its evaluation raised nothing, for it is what releases the digest.
     */
    private Set<AlertCondition> taken(long minute) {
        String id = Long.toString(minute);
        boolean next = table.get(CLOSED, Long.toString(minute + 1)).isPresent();
        StateTable.Row hold = table.get(HOLDS, id).orElse(null);
        if (hold != null) {
            Set<AlertCondition> taken = conditions(hold.get("Taken"));
            if (!taken.isEmpty() && !next) {
                lead(minute + 1, "hold:" + minute);
            }
            return taken;
        }
        StateTable.Row plan = table.get(PLANS, id).orElse(null);
        Set<AlertCondition> proposal;
        if (plan == null) {
            if (!next) {
                // Asked by window minute's own planner before its plan row exists: never (its row comes first).
                throw new StateTable.Unavailable("window " + minute + " asked what is taken before its plan row");
            }
            if (table.get(WINDOWS, id).isPresent() && clock.instant().isBefore(dueAt(minute).plus(PRIOR_WAIT))) {
                throw new NotifyDelivery.Retry("window " + (minute + 1) + " waits for window " + minute
                        + "'s plan: it may hold a digest for it");
            }
            proposal = EnumSet.noneOf(AlertCondition.class);
        } else {
            proposal = conditions(plan.get("Held"));
            if (proposal.isEmpty()) {
                return proposal; // nothing to hold: no row needed, either planner reaches the same empty answer
            }
        }
        table.insert(HOLDS, id, Map.of("Taken", names(proposal), "At", clock.instant().toString()));
        Set<AlertCondition> taken = conditions(table.get(HOLDS, id)
                .orElseThrow(() -> new StateTable.Unavailable("a hold row vanished after its insert")).get("Taken"));
        if (!taken.isEmpty() && !next) {
            // Asked by window minute's planner: the next window releases the digest, so it must come
            // even if its evaluation raised nothing. Again on every retry: a planner may die after the row.
            lead(minute + 1, "hold:" + minute);
        }
        return taken;
    }

    private static String names(Set<AlertCondition> cs) {
        StringBuilder b = new StringBuilder();
        for (AlertCondition c : AlertCondition.values()) {
            if (cs.contains(c)) {
                b.append(b.length() == 0 ? "" : ",").append(c.name());
            }
        }
        return b.toString();
    }

    private static Set<AlertCondition> conditions(String v) {
        Set<AlertCondition> out = EnumSet.noneOf(AlertCondition.class);
        if (v != null) {
            for (String s : v.split(",")) {
                if (!s.isEmpty()) {
                    out.add(AlertCondition.valueOf(s));
                }
            }
        }
        return out;
    }

    private static Map<String, String> planRow(List<String> ids, int superseded, Set<AlertCondition> joined,
                                               Set<AlertCondition> held) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("Count", Integer.toString(ids.size()));
        v.put("Superseded", Integer.toString(superseded));
        v.put("Joined", names(joined));
        v.put("Held", names(held));
        for (int i = 0, chunk = 0; i < ids.size(); i += CHUNK_IDS, chunk++) {
            v.put("Ids" + chunk, String.join(",", ids.subList(i, Math.min(ids.size(), i + CHUNK_IDS))));
        }
        return v;
    }

    private static Set<String> ids(StateTable.Row plan) {
        Set<String> ids = new HashSet<>();
        for (int chunk = 0; plan.get("Ids" + chunk) != null; chunk++) {
            for (String s : plan.get("Ids" + chunk).split(",")) {
                if (!s.isEmpty()) {
                    ids.add(s);
                }
            }
        }
        return ids;
    }

    static String records(long minute) {
        return "window-" + minute;
    }

    private static Instant instant(String v) {
        try {
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
