package dev.heartwatch.server.notify;

import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NotificationRecord;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers pending notifications to every channel and marks each sent once all channels took
 * it. Each channel's delivery is claimed ({@code sending}, committed) before the channel is
 * called and confirmed ({@code delivered}) right after, so a restart never repeats a delivery
 * that was confirmed. A claim found unconfirmed after a crash is repeated only for channels
 * whose receivers recognise repeats by the idempotency key ({@link NotificationChannel#repeatAfterCrash()});
 * for email it is taken as delivered and the console says the mail may be missing. A channel
 * that fails for certain loses its claim and is tried again next round.
 */
public final class NotificationSender {
    private static final Logger LOG = Logger.getLogger(NotificationSender.class.getName());

    static final String SENDING = "sending";
    static final String DELIVERED = "delivered";

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
        for (NotificationRecord n : store.outbox().pending()) {
            if (!messages.ready(n, clock.instant())) {
                continue;
            }
            AlertMessage m = messages.build(n);
            String failed = null;
            for (NotificationChannel c : channels) {
                String state = store.outbox().deliveryState(n.id(), c.name()).orElse(null);
                if (DELIVERED.equals(state)) {
                    continue;
                }
                if (SENDING.equals(state) && !c.repeatAfterCrash()) {
                    LOG.warning("notification " + n.id() + " (" + m.idemKey() + ") was being sent by " + c.name()
                            + " when the server stopped; not repeated, it may be missing");
                    store.outbox().recordDelivery(n.id(), c.name(), DELIVERED, clock.instant());
                    continue;
                }
                store.outbox().recordDelivery(n.id(), c.name(), SENDING, clock.instant());
                try {
                    c.deliver(m);
                    store.outbox().recordDelivery(n.id(), c.name(), DELIVERED, clock.instant());
                } catch (Exception e) {
                    store.outbox().forgetDelivery(n.id(), c.name());
                    failed = c.name() + ": " + e.getClass().getSimpleName();
                    LOG.log(Level.WARNING, "notification " + n.id() + " not delivered by " + failed);
                }
            }
            if (failed == null) {
                store.outbox().markSent(n.id(), clock.instant());
                sent++;
            } else {
                store.outbox().markFailed(n.id(), failed);
            }
        }
        return sent;
    }
}
