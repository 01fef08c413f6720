package dev.heartwatch.server.notify;

import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.server.store.HeartwatchStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers the outbox: one {@link ChannelWorker} per channel, each on its own thread with its
 * own backoff. The evaluator only records flips and notifications; {@link #wake()} after it asks
 * every worker for a round.
 */
public final class OutboxDelivery implements AutoCloseable {
    private final List<ChannelWorker> workers = new ArrayList<>();

    /** @param poll how often a worker looks again with nothing woken it (a RESOLVED waiting for its grace) */
    public OutboxDelivery(HeartwatchStore store, AlertMessageFactory messages, List<NotificationChannel> channels,
                          DeliveryBackoff backoff, Clock clock, Duration poll) {
        this(store, messages, channels, ChannelRoutes.EVERY, backoff, clock, poll);
    }

    /** @param routes which channels hear about which device (the device registry's routing) */
    public OutboxDelivery(HeartwatchStore store, AlertMessageFactory messages, List<NotificationChannel> channels,
                          ChannelRoutes routes, DeliveryBackoff backoff, Clock clock, Duration poll) {
        List<String> names = channels.stream().map(NotificationChannel::name).toList();
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("two channels share a name: " + names);
        }
        ChannelRoutes over = routes.over(channels);
        for (NotificationChannel c : channels) {
            workers.add(new ChannelWorker(store.outbox(), messages, c, names, over, backoff, clock, poll));
        }
    }

    /** Starts every worker's thread. */
    public void start() {
        workers.forEach(ChannelWorker::start);
    }

    /** Asks every worker for a round now. */
    public void wake() {
        workers.forEach(ChannelWorker::wake);
    }

    /**
     * One round of every worker, one after another, on the caller's thread (tests, with the
     * threads not started); returns how many messages became sent on every channel.
     */
    public int deliverDue() {
        int sent = 0;
        for (ChannelWorker w : workers) {
            sent += w.deliverDue();
        }
        return sent;
    }

    @Override
    public void close() {
        workers.forEach(ChannelWorker::close);
    }
}
