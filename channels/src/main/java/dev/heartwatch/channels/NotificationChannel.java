package dev.heartwatch.channels;

/**
 * One way out for alerts (email, webhook, console). {@link #deliver} makes exactly one attempt,
 * bounded by the channel's own timeout, and answers what became of it; it never retries and never
 * throws for a receiver's failure. Delivery may repeat: {@link AlertMessage#idemKey()} is stable.
 */
public interface NotificationChannel {
    String name();

    DeliveryResult deliver(AlertMessage message);

    /**
     * The name the device registry routes by ({@code dev.heartwatch.core.notify.ChannelRouting#KNOWN}):
     * {@link #name()} unless the channel has several implementations behind one name (SMTP and the
     * outbox directory are both {@code email}).
     */
    default String routeName() {
        return name();
    }

    /**
     * Whether a digest should come with each member's own message ({@link AlertMessage#members()}):
     * for a channel that keeps one thread per outage (GitHub issues), not one per storm.
     */
    default boolean wantsDigestMembers() {
        return false;
    }

    /**
     * Whether a delivery interrupted by a crash (claimed, never confirmed) is made again after the
     * restart. True for channels whose receivers recognise a repeat by the idempotency key (a
     * webhook, the console); false for email, whose reader would get the same alert twice: there
     * the rare crash inside the SMTP exchange costs at most that one mail, and the console says so.
     */
    default boolean repeatAfterCrash() {
        return true;
    }
}
