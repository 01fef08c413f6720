package dev.heartwatch.server.ingest;

import dev.heartwatch.server.config.ServerConfig.NewDevices;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Admission of device names the server has never stored, so that whoever holds a ping key
 * cannot create thousands of devices (and thousands of alerts) in a minute. Known and expected
 * devices are never metered nor refused. New names pass two {@linkplain TokenBucket token
 * buckets}, the ping key's and the server's; beyond either, the request is refused and told
 * when to come back.
 *
 * <p>A request's new names count as one unit: all of them are admitted or none (an agent never
 * has to learn which of its batch's items were kept), it costs one token per new name, and it
 * passes when each bucket holds as many tokens as it has new names, or is full. So an agent's
 * first batch of its own checks passes even when it is larger than the bucket (issue 17 §3),
 * and the overdraft is repaid before the next new name: the rate over time is the configured one.
 */
public final class Admission {
    private static final Logger LOG = Logger.getLogger(Admission.class.getName());
    /** Known names remembered in memory; past it, the store is asked (still right, a little slower). */
    static final int MAX_REMEMBERED = 100_000;

    /** The answer for one request. */
    public sealed interface Decision permits Admitted, Refused {
    }

    public record Admitted() implements Decision {
    }

    /** Refused: retry after {@code retryAfter} (whole seconds, at least one); {@code reason} is plain text. */
    public record Refused(Duration retryAfter, String reason) implements Decision {
    }

    private static final Admitted ADMITTED = new Admitted();

    private final NewDevices limits;
    private final Predicate<String> stored;
    private final Set<String> expected;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Map<String, TokenBucket> perKey = new HashMap<>();
    private final Map<String, Instant> lastWarned = new HashMap<>();
    private TokenBucket total;

    /**
     * @param storedAtStart the devices the store holds now (remembered, so a known device's
     *                      ping never waits for the store)
     * @param stored        whether the store holds a device (a key lookup); asked for a name
     *                      not remembered, e.g. one another process stored
     * @param expected      devices configured as expected: always admitted
     */
    public Admission(NewDevices limits, Collection<String> storedAtStart, Predicate<String> stored, Set<String> expected) {
        this.limits = limits;
        this.stored = stored;
        this.expected = Set.copyOf(expected);
        storedAtStart.forEach(this::remember);
    }

    /** Decides for a request presented with ping key {@code keyId} and naming {@code devices}. */
    public Decision admit(String keyId, Collection<String> devices, Instant now) {
        Set<String> fresh = new LinkedHashSet<>();
        for (String d : devices) {
            if (!expected.contains(d) && !known.contains(d) && !fresh.contains(d)) {
                if (stored.test(d)) {
                    remember(d);
                } else {
                    fresh.add(d);
                }
            }
        }
        if (fresh.isEmpty()) {
            return ADMITTED;
        }
        return meter(keyId, fresh, now);
    }

    private synchronized Decision meter(String keyId, Set<String> fresh, Instant now) {
        // Another request may have brought some of these names in meanwhile: they are known now.
        fresh.removeIf(known::contains);
        int n = fresh.size();
        if (n == 0) {
            return ADMITTED;
        }
        TokenBucket key = perKey.computeIfAbsent(keyId,
                k -> new TokenBucket(limits.burst(), limits.perKey(), limits.window(), now));
        if (total == null) {
            total = new TokenBucket(limits.total(), limits.total(), limits.window(), now);
        }
        boolean keyAllows = key.allows(n, now);
        boolean totalAllows = total.allows(n, now);
        if (keyAllows && totalAllows) {
            key.take(n, now);
            total.take(n, now);
            fresh.forEach(this::remember);
            return ADMITTED;
        }
        Duration wait = key.waitFor(n, now);
        Duration totalWait = total.waitFor(n, now);
        if (totalWait.compareTo(wait) > 0) {
            wait = totalWait;
        }
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        String scope = keyAllows ? "this server" : "this key";
        String limit = keyAllows
                ? limits.total() + " new devices per " + limits.window() + " over all keys"
                : limits.perKey() + " new devices per " + limits.window() + ", " + limits.burst() + " at once";
        warnOncePerWindow(keyAllows ? "all keys" : keyId, limit, now);
        return new Refused(Duration.ofSeconds(seconds), "too many new devices for " + scope + " (at most " + limit
                + "); known devices are not limited; retry after " + seconds + " s");
    }

    /** One warning per scope and window: a flood must not become a log storm either. */
    private void warnOncePerWindow(String scope, String limit, Instant now) {
        Instant last = lastWarned.get(scope);
        if (last == null || !now.isBefore(last.plus(limits.window()))) {
            lastWarned.put(scope, now);
            // Our own words only: the key's name (never the key) and the configured limit.
            LOG.warning("new devices refused (429) for " + scope + ": at most " + limit);
        }
    }

    private void remember(String device) {
        if (known.size() < MAX_REMEMBERED) {
            known.add(device);
        }
    }
}
