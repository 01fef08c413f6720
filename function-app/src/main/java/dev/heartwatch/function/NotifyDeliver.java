package dev.heartwatch.function;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import dev.heartwatch.function.notify.AlertNotice;
import dev.heartwatch.function.notify.DigestWindows;
import dev.heartwatch.function.notify.ManagedIdentityTokens;
import dev.heartwatch.function.notify.NotifyConfig;
import dev.heartwatch.function.notify.NotifyDelivery;
import dev.heartwatch.function.notify.StateTable;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The queue's side of {@code Notify}: one message of {@value Notify#QUEUE} per alert, enriched
 * from the workspace, deduplicated in Table storage and delivered through the channels
 * ({@link NotifyDelivery}). It throws when some channel asks to be retried (or the table cannot
 * be used): the host makes the message visible again after host.json's {@code visibilityTimeout}
 * and moves it to {@code heartwatch-alerts-poison} after {@code maxDequeueCount} attempts.
 */
public class NotifyDeliver {
    private static volatile NotifyDelivery shared;
    private final Supplier<NotifyDelivery> delivery;

    /** Used by the Functions host: settings from the environment, tokens of the managed identity. */
    public NotifyDeliver() {
        this(NotifyDeliver::fromEnvironment);
    }

    /** For tests. */
    public NotifyDeliver(Supplier<NotifyDelivery> delivery) {
        this.delivery = delivery;
    }

    private static NotifyDelivery fromEnvironment() {
        NotifyDelivery d = shared;
        if (d == null) {
            synchronized (NotifyDeliver.class) {
                if (shared == null) {
                    Map<String, String> env = System.getenv();
                    shared = NotifyConfig.delivery(env, ManagedIdentityTokens.fromSettings(env, Clock.systemUTC()),
                            null, Clock.systemUTC());
                }
                d = shared;
            }
        }
        return d;
    }

    /** A storm window's message: the leader plans and delivers the window ({@link DigestWindows}). */
    private void window(String message, ExecutionContext context) {
        Logger log = context.getLogger();
        NotifyDelivery d;
        try {
            d = delivery.get();
        } catch (IllegalArgumentException e) {
            log.severe("NotifyDeliver is misconfigured: " + e.getMessage());
            throw e;
        }
        try {
            NotifyDelivery.Outcome o = d.deliverWindow(message);
            log.info("NotifyDeliver planned a window: " + o.byChannel());
        } catch (NotifyDelivery.Retry | StateTable.Unavailable e) {
            log.warning("NotifyDeliver's window will be retried by the queue: " + e.getMessage());
            throw e;
        }
    }

    @FunctionName("NotifyDeliver")
    public void run(
            @QueueTrigger(name = "alert", queueName = Notify.QUEUE, connection = Notify.CONNECTION) String message,
            final ExecutionContext context) {
        Logger log = context.getLogger();
        if (DigestWindows.isWindowMessage(message)) {
            window(message, context);
            return;
        }
        AlertNotice notice;
        try {
            notice = AlertNotice.fromQueueMessage(message);
        } catch (AlertNotice.BadAlert e) {
            // Only Notify writes this queue: a bad message is our bug. Thrown, it ends in the poison queue, kept.
            log.severe("NotifyDeliver cannot read a queue message: " + e.getMessage());
            throw e;
        }
        NotifyDelivery d;
        try {
            d = delivery.get();
        } catch (IllegalArgumentException e) { // ChannelConfigException among them: the message names the setting
            log.severe("NotifyDeliver is misconfigured: " + e.getMessage());
            throw e;
        }
        try {
            NotifyDelivery.Outcome o = d.deliver(notice);
            log.info("NotifyDeliver " + notice.state() + " of " + notice.device() + ": " + o.byChannel());
        } catch (NotifyDelivery.Retry | StateTable.Unavailable e) {
            log.warning("NotifyDeliver " + notice.state() + " of " + notice.device() + " will be retried by the queue: "
                    + e.getMessage());
            throw e;
        }
    }
}
