package dev.heartwatch.server.notify;

/** One way out for alerts (email, webhook, console). Delivery may repeat: {@link AlertMessage#idemKey()} is stable. */
public interface NotificationChannel {
    String name();

    void deliver(AlertMessage message) throws Exception;
}
