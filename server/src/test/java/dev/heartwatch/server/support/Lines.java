package dev.heartwatch.server.support;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.MalformedLineException;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.server.store.HeartwatchStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Writes contract lines into a store the way the ping endpoint does (through the line writer). */
public final class Lines {
    private Lines() {
    }

    public static void beat(HeartwatchStore store, String device, Instant at) {
        write(store, new HeartbeatLine(at.toEpochMilli(), device, "running", "127.0.0.1", null, null, null, null, 0, null));
    }

    public static void stopping(HeartwatchStore store, String device, Instant at) {
        write(store, new HeartbeatLine(at.toEpochMilli(), device, "stopping", "127.0.0.1", null, null, null, null, 0, null));
    }

    /** A heartbeat carrying one outage report (agent clock = receiver clock: skew 0). */
    public static void beatWithOutage(HeartwatchStore store, String device, Instant at, String id, Instant start, Instant end, String cause) {
        long ts = at.toEpochMilli();
        write(store,
                new HeartbeatLine(ts, device, "running", "127.0.0.1", null, ts, 0L, null, 1, null),
                new OutageLine(ts, device, id, start.toEpochMilli(), end.toEpochMilli(), cause, 0L, "test outage"));
    }

    /** Lines given as text (a test's fixture): decoded once here, then written as typed lines. */
    public static void write(HeartwatchStore store, String... texts) {
        List<ContractLine> lines = new ArrayList<>();
        for (String t : texts) {
            try {
                lines.add(LineCodec.decode(t));
            } catch (MalformedLineException e) {
                throw new AssertionError("not a contract line: " + t, e);
            }
        }
        write(store, lines.toArray(ContractLine[]::new));
    }

    public static void write(HeartwatchStore store, ContractLine... given) {
        List<ContractLine> lines = List.of(given);
        try {
            store.lines().submit(lines).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("lines not stored", e);
        }
    }
}
