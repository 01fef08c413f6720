package dev.heartwatch.server.ingest;

import dev.heartwatch.server.store.LineRepository;
import dev.heartwatch.server.store.ProbeSender;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The probes warning (issue 14): an address that sent {@link #MIN_PROBES} or more probes in the
 * last {@link #WINDOW} and no heartbeat is most likely an agent started without
 * {@code HEARTBEAT_DEVICE} (the original agent then sends no device name, and nothing is
 * monitored). Found from the stored facts, so the dashboard's banner and the log agree, and
 * survive a restart. The log says it once per address until that address stops matching.
 */
public final class ProbesWithoutHeartbeats {
    private static final Logger LOG = Logger.getLogger(ProbesWithoutHeartbeats.class.getName());
    public static final Duration WINDOW = Duration.ofMinutes(10);
    public static final int MIN_PROBES = 5;
    /** Addresses shown at most: a page banner, not a report. */
    static final int MAX_SHOWN = 20;

    private final LineRepository facts;
    private final Set<String> warned = new HashSet<>();

    public ProbesWithoutHeartbeats(LineRepository facts) {
        this.facts = facts;
    }

    /** The addresses that match at {@code now}. */
    public List<ProbeSender> at(Instant now) {
        return facts.probeSendersWithoutBeats(now.minus(WINDOW), MIN_PROBES, MAX_SHOWN);
    }

    /** Logs each address that matches at {@code now} and was not already said; forgets those that no longer match. */
    public synchronized void warnOnce(Instant now) {
        List<ProbeSender> senders = at(now);
        Set<String> current = new HashSet<>();
        for (ProbeSender s : senders) {
            current.add(s.ip());
            if (warned.add(s.ip())) {
                // The address is the contract's sanitised client address (an IP literal), never request text.
                LOG.warning(s.probes() + " probes and no heartbeat from " + s.ip() + " in the last " + WINDOW
                        + ": did the agent forget HEARTBEAT_DEVICE? (a request without a device name is a probe; nothing is monitored)");
            }
        }
        warned.retainAll(current);
    }
}
