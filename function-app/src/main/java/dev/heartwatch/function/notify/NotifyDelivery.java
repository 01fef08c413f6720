package dev.heartwatch.function.notify;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.DeliveryResult;
import dev.heartwatch.channels.NotificationChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One queue message of {@code NotifyDeliver}: the alert's message is built once, then each
 * channel gets at most one message per (alert id, state, channel), recorded in the state table
 * by a conditional insert before the attempt and a conditional (ETag) update after it:
 * <ul>
 *   <li>no row: insert {@code claimed}; only the writer whose insert succeeded delivers, so two
 *       copies of the alert delivered at once send once;</li>
 *   <li>{@code delivered} or {@code permanent}: nothing is sent (a repeat of the alert, or of the
 *       queue message after another channel's retry);</li>
 *   <li>{@code retry}: the last attempt was not taken (timeout, 408, 429, 5xx); claimed again
 *       with {@code If-Match}, once its {@code NotBefore} (the receiver's {@code Retry-After})
 *       has passed;</li>
 *   <li>{@code claimed} by an attempt still in flight (younger than {@link #CLAIM_STALE}): left
 *       to it, and this message retried later; older: that attempt crashed, and the channel's own
 *       rule applies (as the server's outbox after a crash): a channel that recognises repeats
 *       (GitHub) is tried again, a chat or push channel is not (it would reach a person twice),
 *       and the row says {@code maybe-missing}.</li>
 * </ul>
 * Before any channel, {@link CheckFolding} may fold the alert behind its parent's ({@code folded}:
 * nothing sent; a folded Fired is recorded as {@code Folded} so its Resolved folds too) or hold a
 * check's Resolved while its parent is down ({@link Retry}); a parent's message names its checks.
 * The queue does not keep order: a Fired dequeued after its alert's Resolved (it waited for a
 * retry) is not sent at all ({@code superseded}), so nobody reads DOWN after RESOLVED.
 *
 * <p>Storms ({@link DigestWindows}, on unless {@code HEARTWATCH_DIGEST_GATHER=PT0S}): after the
 * ordering and folding checks an alert is recorded in its minute's window and nothing is sent;
 * the window's own queue message, put with a visibility delay, comes back to
 * {@link #deliverWindow}, which sends the policy's plan: a single as above, or a digest under the
 * same claim rules keyed by (window, condition, channel). A digest whose next window has begun
 * gathering is held, not sent: the next window's plan sends it with its own alerts of that
 * condition, under the same rows. An alert that comes after its window was planned, and is not
 * in the plan, goes alone.
 *
 * <p>When any channel asks to be retried, {@link Retry} is thrown once all channels had their
 * turn: the queue makes the message visible again after its visibility timeout, and moves it to
 * the poison queue after {@code maxDequeueCount} (host.json). The queue is the retry policy.
 */
public final class NotifyDelivery {
    static final String SENT = "sent";
    static final String ALERTS = "alert";
    /** Longer than host.json's functionTimeout: a claim this old belongs to an attempt that died. */
    static final Duration CLAIM_STALE = Duration.ofMinutes(5);

    private final NotifyMessages messages;
    private final List<NotificationChannel> channels;
    private final StateTable table;
    private final Clock clock;
    private final CheckFolding folding;
    private final DigestWindows windows;
    /** Tests: what runs between a window's plan and its first send (a leader killed there). */
    Runnable afterPlan = () -> { };

    public NotifyDelivery(NotifyMessages messages, List<NotificationChannel> channels, StateTable table, Clock clock) {
        this(messages, channels, table, clock, null);
    }

    /** @param folding folds a check's alert behind its agent's (issue 17 §4); null folds nothing */
    public NotifyDelivery(NotifyMessages messages, List<NotificationChannel> channels, StateTable table, Clock clock,
                          CheckFolding folding) {
        this(messages, channels, table, clock, folding, null);
    }

    /** @param windows gathers storms into digests ({@link DigestWindows}); null sends each alert alone */
    public NotifyDelivery(NotifyMessages messages, List<NotificationChannel> channels, StateTable table, Clock clock,
                          CheckFolding folding, DigestWindows windows) {
        this.windows = windows;
        this.folding = folding;
        this.messages = messages;
        this.channels = List.copyOf(channels);
        this.table = table;
        this.clock = clock;
    }

    /** What became of each channel, by name: delivered, already-sent, permanent, retry, in-flight, maybe-missing. */
    public record Outcome(Map<String, String> byChannel) {
    }

    /** Some channel is worth another attempt: the queue retries the message. */
    public static final class Retry extends RuntimeException {
        public Retry(String reason) {
            super(reason, null, false, false);
        }
    }

    public Outcome deliver(AlertNotice n) {
        String firedKey = StateTable.key(n.alertId(), "Fired");
        String resolvedKey = StateTable.key(n.alertId(), "Resolved");
        Map<String, String> seen = Map.of("AlertId", n.alertId(), "Device", n.device(), "At", clock.instant().toString());
        Map<String, String> out = new LinkedHashMap<>();
        boolean firedSeen;
        if (n.fired()) {
            table.insert(ALERTS, firedKey, seen);
            if (table.get(ALERTS, resolvedKey).isPresent()) {
                // The queue does not keep order: this outage's RESOLVED went out first (the Fired
                // waited for a retry). A DOWN now would say the device is down when it is back.
                for (NotificationChannel channel : channels) {
                    out.put(channel.name(), "superseded");
                }
                return new Outcome(out);
            }
            firedSeen = true;
        } else {
            table.insert(ALERTS, resolvedKey, seen);
            firedSeen = table.get(ALERTS, firedKey).isPresent();
        }
        String foldedKey = StateTable.key(n.alertId(), "Folded");
        CheckFolding.Decision decision = folding == null ? null
                : folding.decide(n, !n.fired() && table.get(ALERTS, foldedKey).isPresent());
        if (decision != null && decision.kind() == CheckFolding.Kind.HELD) {
            // No false resolved: the check's parent is still down. The queue offers it again.
            throw new Retry("held: its parent " + decision.parent() + " is down");
        }
        if (decision != null && decision.kind() == CheckFolding.Kind.FOLDED) {
            if (n.fired()) {
                table.insert(ALERTS, foldedKey, Map.of("AlertId", n.alertId(), "Device", n.device(),
                        "Parent", decision.parent(), "At", clock.instant().toString()));
            }
            for (NotificationChannel channel : channels) {
                out.put(channel.name(), "folded");
            }
            return new Outcome(out);
        }
        List<String> behind = decision == null ? List.of() : decision.behind();
        if (windows != null) {
            DigestWindows.Gathered g = windows.gather(n, firedSeen, behind);
            if (g != DigestWindows.Gathered.LATE) {
                for (NotificationChannel channel : channels) {
                    out.put(channel.name(), g == DigestWindows.Gathered.GATHERING ? "gathering" : "in-its-window");
                }
                return new Outcome(out);
            }
            // Its window was planned without it: it came too late for the storm, and goes alone.
        }
        boolean wasSeen = firedSeen;
        return send(new Subject(n.alertId(), n.state(), n.device()), lazy(() -> messages.build(n, wasSeen, behind)), out);
    }

    /**
     * A window's message ({@link DigestWindows}): the window is planned by the policy, then each
     * single goes as an alert alone would, each digest once per channel. Any retry is thrown at the end.
     */
    public Outcome deliverWindow(String message) {
        if (windows == null) {
            throw new AlertNotice.BadAlert("a window message, but digests are off (" + NotifyConfig.DIGEST_GATHER + ")");
        }
        DigestWindows.Window w = windows.plan(message);
        afterPlan.run();
        Map<String, String> out = new LinkedHashMap<>();
        List<String> retry = new ArrayList<>();
        for (DigestWindows.Planned p : w.messages()) {
            Map<String, String> one = new LinkedHashMap<>();
            String name;
            if (p instanceof DigestWindows.Held h) {
                // Held open for the next window, which sends it with its own members of the condition.
                name = h.digest().members().size() + " " + h.digest().condition().name().toLowerCase(java.util.Locale.ROOT);
                for (NotificationChannel channel : channels) {
                    out.put(name + "/" + channel.name(), "held-for-window-" + h.until());
                }
                continue;
            }
            try {
                if (p instanceof DigestWindows.Alone a) {
                    AlertNotice n = a.member().notice();
                    name = n.device() + " " + n.state();
                    send(new Subject(n.alertId(), n.state(), n.device()),
                            lazy(() -> messages.build(n, a.member().firedSeen(), a.member().behind())), one);
                } else {
                    DigestWindows.Digest d = (DigestWindows.Digest) p;
                    name = d.members().size() + " " + d.condition().name().toLowerCase(java.util.Locale.ROOT);
                    AlertMessage[] digest = new AlertMessage[1];
                    List<AlertMessage> members = new ArrayList<>();
                    send(new Subject(d.id(), d.condition() == dev.heartwatch.core.notify.AlertCondition.FIRED ? "Fired" : "Resolved",
                            "digest"), channel -> {
                        if (digest[0] == null) {
                            digest[0] = messages.digest(d);
                        }
                        if (!channel.wantsDigestMembers()) {
                            return digest[0];
                        }
                        if (members.isEmpty()) {
                            members.addAll(messages.members(d));
                        }
                        return digest[0].withMembers(members);
                    }, one);
                }
            } catch (Retry r) {
                name = p instanceof DigestWindows.Alone a ? a.member().notice().device() : "digest";
                retry.add(name);
            }
            for (Map.Entry<String, String> e : one.entrySet()) {
                out.put(name + "/" + e.getKey(), e.getValue());
            }
        }
        if (w.superseded() > 0) {
            out.put("superseded", Integer.toString(w.superseded()));
        }
        if (!retry.isEmpty()) {
            throw new Retry("window " + w.minute() + ", to retry: " + String.join(", ", retry));
        }
        return new Outcome(out);
    }

    /** What a claim row is about: an alert (its id, state, device) or a window's digest. */
    record Subject(String id, String state, String device) {
    }

    private static java.util.function.Function<NotificationChannel, AlertMessage> lazy(
            java.util.function.Supplier<AlertMessage> build) {
        AlertMessage[] once = new AlertMessage[1];
        return channel -> {
            if (once[0] == null) {
                once[0] = build.get();
            }
            return once[0];
        };
    }

    /** Each channel once per subject: claimed, attempted, recorded; a {@link Retry} at the end if any asks for one. */
    private Outcome send(Subject n, java.util.function.Function<NotificationChannel, AlertMessage> build,
                         Map<String, String> out) {
        List<String> retry = new ArrayList<>();
        for (NotificationChannel channel : channels) {
            String row = StateTable.key(n.id(), n.state(), channel.name());
            Optional<StateTable.Row> claim = claim(n, channel, row, out);
            if (claim.isEmpty()) {
                if ("retry".equals(out.get(channel.name())) || "in-flight".equals(out.get(channel.name()))) {
                    retry.add(channel.name());
                }
                continue;
            }
            DeliveryResult r = channel.deliver(build.apply(channel));
            Instant now = clock.instant();
            if (r instanceof DeliveryResult.Delivered) {
                record(n, channel, row, "delivered", now, null, null, claim.get().etag());
                out.put(channel.name(), "delivered");
            } else if (r instanceof DeliveryResult.Permanent p) {
                record(n, channel, row, "permanent", now, p.reason(), null, claim.get().etag());
                out.put(channel.name(), "permanent");
            } else {
                DeliveryResult.RetryLater later = (DeliveryResult.RetryLater) r;
                Instant notBefore = later.after() == null ? null : now.plus(later.after());
                record(n, channel, row, "retry", now, later.reason(), notBefore, claim.get().etag());
                out.put(channel.name(), "retry");
                retry.add(channel.name());
            }
        }
        if (!retry.isEmpty()) {
            throw new Retry("to retry: " + String.join(", ", retry));
        }
        return new Outcome(out);
    }

    /** The row claimed for this attempt (its ETag), or empty with the reason in {@code out}. */
    private Optional<StateTable.Row> claim(Subject n, NotificationChannel channel, String row, Map<String, String> out) {
        Instant now = clock.instant();
        Map<String, String> claimed = values(n, channel, "claimed", now, null, null);
        if (table.insert(SENT, row, claimed)) {
            return table.get(SENT, row);
        }
        StateTable.Row current = table.get(SENT, row).orElse(null);
        if (current == null) {
            out.put(channel.name(), "in-flight"); // deleted under us: try again with the next dequeue
            return Optional.empty();
        }
        String status = current.get("Status");
        switch (status == null ? "" : status) {
            case "delivered", "permanent", "maybe-missing" -> {
                out.put(channel.name(), "already-" + status);
                return Optional.empty();
            }
            case "retry" -> {
                Instant notBefore = instant(current.get("NotBefore"));
                if (notBefore != null && now.isBefore(notBefore)) {
                    out.put(channel.name(), "retry");
                    return Optional.empty();
                }
            }
            default -> {
                Instant at = instant(current.get("At"));
                if (at != null && now.isBefore(at.plus(CLAIM_STALE))) {
                    out.put(channel.name(), "in-flight");
                    return Optional.empty();
                }
                if (!channel.repeatAfterCrash()) {
                    table.replace(SENT, row, values(n, channel, "maybe-missing", now,
                            "an attempt crashed after its claim; not repeated", null), current.etag());
                    out.put(channel.name(), "maybe-missing");
                    return Optional.empty();
                }
            }
        }
        if (!table.replace(SENT, row, claimed, current.etag())) {
            out.put(channel.name(), "in-flight"); // another copy claimed it first
            return Optional.empty();
        }
        return table.get(SENT, row);
    }

    private void record(Subject n, NotificationChannel channel, String row, String status, Instant now, String reason,
                        Instant notBefore, String etag) {
        if (!table.replace(SENT, row, values(n, channel, status, now, reason, notBefore), etag)) {
            // Only a crashed-claim takeover changes a claimed row, and it waits CLAIM_STALE: not ours to fix.
            throw new StateTable.Unavailable("the claim of " + channel.name() + " changed during its attempt");
        }
    }

    private static Map<String, String> values(Subject n, NotificationChannel channel, String status, Instant at,
                                              String reason, Instant notBefore) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("AlertId", n.id());
        v.put("State", n.state());
        v.put("Channel", channel.name());
        v.put("Device", n.device());
        v.put("Status", status);
        v.put("At", at.toString());
        if (reason != null) {
            v.put("Reason", reason);
        }
        if (notBefore != null) {
            v.put("NotBefore", notBefore.toString());
        }
        return v;
    }

    private static Instant instant(String v) {
        try {
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
