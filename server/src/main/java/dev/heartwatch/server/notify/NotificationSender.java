package dev.heartwatch.server.notify;

import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NotificationRecord;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers pending notifications to every channel and marks each sent once all channels took
 * it. A crash between delivery and the mark re-delivers it after the restart (at-least-once);
 * the stable idempotency key lets receivers, and the outbox, treat it as the same message.
 * A channel that fails leaves the notification pending for the next round.
 */
public final class NotificationSender {
    private static final Logger LOG = Logger.getLogger(NotificationSender.class.getName());

    private final HeartwatchStore store;
    private final AlertMessageFactory messages;
    private final List<NotificationChannel> channels;
    private final Clock clock;

    public NotificationSender(HeartwatchStore store, AlertMessageFactory messages, List<NotificationChannel> channels, Clock clock) {
        this.store = store;
        this.messages = messages;
        this.channels = List.copyOf(channels);
        this.clock = clock;
    }

    /** One round over everything pending; returns how many were sent. */
    public synchronized int sendPending() {
        int sent = 0;
        for (NotificationRecord n : store.pendingNotifications()) {
            if (!messages.ready(n, clock.instant())) {
                continue;
            }
            AlertMessage m = messages.build(n);
            String failed = null;
            for (NotificationChannel c : channels) {
                try {
                    c.deliver(m);
                } catch (Exception e) {
                    failed = c.name() + ": " + e.getClass().getSimpleName();
                    LOG.log(Level.WARNING, "notification " + n.id() + " not delivered by " + failed);
                }
            }
            if (failed == null) {
                store.markSent(n.id(), clock.instant());
                sent++;
            } else {
                store.markFailed(n.id(), failed);
            }
        }
        return sent;
    }
}
