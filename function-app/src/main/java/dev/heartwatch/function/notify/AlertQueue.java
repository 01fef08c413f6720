package dev.heartwatch.function.notify;

import java.time.Duration;

/** Where {@code NotifyDeliver} puts a message for itself, seen again only after {@code delay}. */
@FunctionalInterface
public interface AlertQueue {
    void put(String message, Duration delay);
}
