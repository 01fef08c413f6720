package dev.heartwatch.channels;

import java.util.Optional;

/**
 * What a channel remembers of a thread (an outage) across attempts and restarts: for the GitHub
 * channel, the issue it opened for a thread key and the comment it posted on it. Put-if-absent,
 * so the first writer wins and a repeat finds what was recorded, never a second number.
 */
public interface ThreadState {
    Optional<Long> get(String key);

    /** Records {@code value} under {@code key} unless one is there; answers the value kept. */
    long putIfAbsent(String key, long value);
}
