package dev.heartwatch.agent.send;

import dev.heartwatch.agent.ledger.Outage;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The request body of docs/contract.md §1:
 * {@code {device, note, seq, sentAt, agentVersion, state, exitStatus?, durationMs?, outages:[{id,start,end,cause,detail}]}}
 * ({@code exitStatus} and {@code durationMs}: contract v2, only on a {@code --once} beat that ends a run).
 * It carries as many pending outages as fit under the receiver's limit.
 */
public final class HeartbeatBody {
    /** The receiver refuses bodies above 8192 bytes; stay clear of it. */
    public static final int MAX_BYTES = 8000;
    /** At most this many outages per beat; the rest ride the next beats. */
    public static final int MAX_OUTAGES = 20;

    private final byte[] bytes;
    private final List<Outage> carried;

    private HeartbeatBody(byte[] bytes, List<Outage> carried) {
        this.bytes = bytes;
        this.carried = carried;
    }

    public static HeartbeatBody of(String device, String note, long seq, long sentAt, String version, String state,
                            List<Outage> pending) {
        return of(device, note, seq, sentAt, version, state, -1, -1, pending);
    }

    /**
     * The same with contract v2's run fields: {@code exitStatus} (0-255) and {@code durationMs}
     * (the run's duration, measured by the sender), each left out when negative.
     */
    public static HeartbeatBody of(String device, String note, long seq, long sentAt, String version, String state,
                            int exitStatus, long durationMs, List<Outage> pending) {
        int n = Math.min(MAX_OUTAGES, pending.size());
        while (true) {
            byte[] b = json(device, note, seq, sentAt, version, state, exitStatus, durationMs, pending.subList(0, n));
            if (b.length <= MAX_BYTES || n == 0) {
                return new HeartbeatBody(b, pending.subList(0, n));
            }
            n--;
        }
    }

    public byte[] bytes() {
        return bytes;
    }

    /** The outages this body reports: a 200 acknowledges exactly these. */
    public List<Outage> carried() {
        return carried;
    }

    private static byte[] json(String device, String note, long seq, long sentAt, String version, String state,
                               int exitStatus, long durationMs, List<Outage> outages) {
        JsonWriter w = new JsonWriter().beginObject()
                .field("device", device)
                .field("note", cut(note))
                .field("seq", seq)
                .field("sentAt", sentAt)
                .field("agentVersion", version)
                .field("state", state);
        if (exitStatus >= 0) {
            w.field("exitStatus", exitStatus);
        }
        if (durationMs >= 0) {
            w.field("durationMs", durationMs);
        }
        if (!outages.isEmpty()) {
            w.beginArray("outages");
            for (Outage o : outages) {
                w.beginObject()
                        .field("id", o.id())
                        .field("start", o.start())
                        .field("end", o.end())
                        .field("cause", o.cause().code())
                        .field("detail", cut(o.detail()))
                        .endObject();
            }
            w.endArray();
        }
        return w.endObject().toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The receiver keeps 200 characters of free text; cutting here keeps the body predictable. */
    public static String cut(String s) {
        if (s.codePointCount(0, s.length()) <= 200) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, 200));
    }
}
