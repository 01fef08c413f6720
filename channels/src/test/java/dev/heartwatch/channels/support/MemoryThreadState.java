package dev.heartwatch.channels.support;

import dev.heartwatch.channels.ThreadState;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ThreadState} in memory, for channel tests (the server's is a table). */
public final class MemoryThreadState implements ThreadState {
    private final Map<String, Long> values = new ConcurrentHashMap<>();

    @Override
    public Optional<Long> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public long putIfAbsent(String key, long value) {
        Long kept = values.putIfAbsent(key, value);
        return kept == null ? value : kept;
    }
}
