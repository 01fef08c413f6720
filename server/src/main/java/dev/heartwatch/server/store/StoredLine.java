package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.MalformedLineException;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.contract.ProbeLine;
import java.util.Objects;

/**
 * One line exactly as {@code Ping} logged it (what the Functions host sends to {@code traces}),
 * with the columns the store indexes it by.
 *
 * @param text     the logged message, unchanged
 * @param ts       receiver time, epoch ms ({@code ts} of the line, else when it was captured)
 * @param kind     {@code heartbeat}, {@code outage}, {@code probe}, or {@code log} for anything else
 * @param device   the line's device, null for probes and other messages
 * @param stopping a heartbeat that said {@code stopping}
 */
public record StoredLine(String text, long ts, String kind, String device, boolean stopping) {

    public StoredLine {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
    }

    /** Classifies a captured message by decoding it with the contract's codec. */
    public static StoredLine of(String text, long capturedAtMillis) {
        try {
            ContractLine line = LineCodec.decode(text);
            if (line instanceof HeartbeatLine h) {
                return new StoredLine(text, h.ts(), "heartbeat", h.device(), h.stopping());
            }
            if (line instanceof OutageLine o) {
                return new StoredLine(text, o.ts(), "outage", o.device(), false);
            }
            if (line instanceof ProbeLine p) {
                return new StoredLine(text, p.ts(), "probe", null, false);
            }
        } catch (MalformedLineException | RuntimeException e) {
            // Not a contract line (e.g. Ping's own warning): kept as a plain log message.
        }
        return new StoredLine(text, capturedAtMillis, "log", null, false);
    }
}
