package dev.heartwatch.server.notify;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.DeliveryResult;
import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.server.store.Outbox;
import dev.heartwatch.server.store.NotificationRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Delivers the outbox's messages through one channel, on a thread of its own: a hung or failing
 * channel holds up only itself, never another channel nor an evaluation. The retry policy lives
 * here and only here: a channel makes one attempt per message per round; a retry-later answer
 * makes this channel wait ({@link DeliveryBackoff}: exponential, capped, honouring
 * {@code Retry-After}) before it tries that message again, in order; a permanent answer stops
 * that message on this channel, logged and kept in the outbox ({@code failed}, with its reason),
 * and so does a retry-later answer once the message is older than the backoff's {@code giveUpAfter}.
 *
 * <p>Crash rules: each delivery is claimed ({@code sending}, committed) before the channel is
 * called and confirmed right after, so a restart never repeats a confirmed delivery. A claim
 * found unconfirmed after a crash is repeated only for channels whose receivers recognise
 * repeats ({@link NotificationChannel#repeatAfterCrash()}); for email it is taken as delivered
 * and the log says the mail may be missing. A message is marked sent once every channel is done
 * with it. A message the device registry does not route to this channel ({@link ChannelRoutes})
 * is recorded {@code skipped} here and counts as done; a digest is sent listing only the
 * devices routed to this channel.
 */
final class ChannelWorker {
    private static final Logger LOG = Logger.getLogger(ChannelWorker.class.getName());
    private static final int BATCH = 50;

    private final Outbox outbox;
    private final AlertMessageFactory messages;
    private final NotificationChannel channel;
    private final Collection<String> allChannels;
    private final ChannelRoutes routes;
    private final DeliveryBackoff backoff;
    private final Clock clock;
    private final Duration poll;

    private int failures;
    private Instant nextAttempt = Instant.MIN;

    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean closed;
    private Thread thread;

    ChannelWorker(Outbox outbox, AlertMessageFactory messages, NotificationChannel channel, Collection<String> allChannels,
                  ChannelRoutes routes, DeliveryBackoff backoff, Clock clock, Duration poll) {
        this.routes = routes;
        this.outbox = outbox;
        this.messages = messages;
        this.channel = channel;
        this.allChannels = List.copyOf(allChannels);
        this.backoff = backoff;
        this.clock = clock;
        this.poll = poll;
    }

    String channel() {
        return channel.name();
    }

    /**
     * One round: every due message, oldest first, until the channel asks to wait. A RESOLVED that
     * is not ready yet ({@link AlertMessageFactory#ready}) is skipped with every later message of
     * its device, so a device's messages keep their order. Returns how many messages this round
     * finished (sent on every channel).
     */
    synchronized int deliverDue() {
        if (clock.instant().isBefore(nextAttempt)) {
            return 0;
        }
        int finished = 0;
        round = null; // the registry is read once per round, at its first message
        Set<String> waiting = new HashSet<>();
        long after = 0;
        while (true) {
            List<NotificationRecord> batch = outbox.pendingFor(channel.name(), after, BATCH);
            for (NotificationRecord n : batch) {
                after = n.id();
                if (waiting.contains(n.device()) || !messages.ready(n, clock.instant())) {
                    waiting.add(n.device());
                    continue;
                }
                Outcome o = deliverOne(n);
                if (o == Outcome.WAIT) {
                    return finished;
                }
                if (o == Outcome.FINISHED) {
                    finished++;
                }
            }
            if (batch.size() < BATCH) {
                return finished;
            }
        }
    }

    private enum Outcome { DONE_HERE, FINISHED, WAIT }

    private DeviceRegistry round;

    private Outcome deliverOne(NotificationRecord n) {
        String name = channel.name();
        String state = outbox.deliveryState(n.id(), name).orElse(null);
        if (Outbox.SENDING.equals(state) && !channel.repeatAfterCrash()) {
            LOG.warning("notification " + n.id() + " (" + n.idemKey() + ") was being sent by " + name
                    + " when the server stopped; not repeated, it may be missing");
            outbox.recordDelivery(n.id(), name, Outbox.DELIVERED, clock.instant());
            return finish(n);
        }
        if (round == null) {
            round = routes.read();
        }
        Set<String> devices = routes.devicesFor(channel, n, outbox.carriedBy(n.id()), round);
        if (devices.isEmpty()) {
            // The registry routes none of this message's devices here: done on this channel, nothing sent.
            outbox.recordDelivery(n.id(), name, Outbox.SKIPPED, clock.instant());
            return finish(n);
        }
        AlertMessage m = n.digest() ? messages.build(n, devices::contains) : messages.build(n);
        if (n.digest() && channel.wantsDigestMembers()) {
            m = m.withMembers(messages.members(n, devices::contains));
        }
        outbox.recordDelivery(n.id(), name, Outbox.SENDING, clock.instant());
        DeliveryResult result;
        try {
            result = channel.deliver(m);
        } catch (RuntimeException e) {
            result = DeliveryResult.retry(e.getClass().getSimpleName()); // a channel's bug is not the alert's fault
        }
        if (result instanceof DeliveryResult.Delivered) {
            outbox.recordDelivery(n.id(), name, Outbox.DELIVERED, clock.instant());
            failures = 0;
            return finish(n);
        }
        if (result instanceof DeliveryResult.Permanent p) {
            outbox.recordFailedAttempt(n.id(), name, Outbox.FAILED, p.reason(), clock.instant());
            LOG.warning("notification " + n.id() + " (" + n.idemKey() + ") refused for good by " + name + ": " + p.reason()
                    + "; not retried");
            failures = 0;
            return finish(n);
        }
        DeliveryResult.RetryLater r = (DeliveryResult.RetryLater) result;
        if (backoff.givesUp(n.createdAt(), clock.instant())) {
            String reason = "gave up after " + backoff.giveUpAfter() + ": " + r.reason();
            outbox.recordFailedAttempt(n.id(), name, Outbox.FAILED, reason, clock.instant());
            LOG.warning("notification " + n.id() + " (" + n.idemKey() + ") not delivered by " + name + ": " + reason);
            failures = 0;
            return finish(n);
        }
        outbox.recordFailedAttempt(n.id(), name, Outbox.RETRY, r.reason(), clock.instant());
        failures++;
        Duration wait = backoff.after(failures, r.after());
        nextAttempt = clock.instant().plus(wait);
        LOG.warning("notification " + n.id() + " (" + n.idemKey() + ") not delivered by " + name + ": " + r.reason()
                + "; next attempt in " + wait);
        return Outcome.WAIT;
    }

    private Outcome finish(NotificationRecord n) {
        return outbox.completeIfDone(n.id(), allChannels, clock.instant()) ? Outcome.FINISHED : Outcome.DONE_HERE;
    }

    /** When this channel may try again (after a retry-later answer), or {@link Instant#MIN}. */
    synchronized Instant nextAttempt() {
        return nextAttempt;
    }

    void start() {
        thread = new Thread(this::run, "heartwatch-deliver-" + channel.name());
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for a round now (new messages were planned); a channel that is waiting keeps waiting. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Stops the thread: an attempt in flight is interrupted, and the thread is given a moment to record it. */
    void close() {
        closed = true;
        wake();
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (!closed) {
            try {
                deliverDue();
            } catch (RuntimeException e) {
                LOG.warning("delivery by " + channel.name() + " failed: " + e.getClass().getSimpleName());
            }
            long waitMs = poll.toMillis();
            Instant next = nextAttempt();
            Instant now = clock.instant();
            if (next.isAfter(now)) {
                waitMs = Math.max(1, Duration.between(now, next).toMillis());
            }
            synchronized (signal) {
                try {
                    if (!woken && !closed) {
                        signal.wait(waitMs);
                    }
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                }
                woken = false;
            }
        }
    }
}
