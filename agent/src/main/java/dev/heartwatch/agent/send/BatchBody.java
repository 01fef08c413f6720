package dev.heartwatch.agent.send;

import dev.heartwatch.agent.ledger.Outage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch form of docs/contract.md §1a, the checks' beats of one interval in one request:
 * {@code {sentAt, agentVersion, items:[{device, parent, period, grace, note, state, outages}]}},
 * sent with {@code X-Heartwatch-Batch: 1}. Outages ride as many as fit under the receiver's
 * 64 KiB (the last items' first, cut until the body fits); the rest ride the next batches.
 */
public final class BatchBody {
    /** The header and version that mark the form; a receiver that read it answers {@link #ANSWER}. */
    public static final String FORM_HEADER = "X-Heartwatch-Batch";
    public static final String FORM_VERSION = "1";
    public static final String ANSWER = "ok batch 1";
    /** The receiver refuses batches above 65536 bytes; stay clear of it. */
    public static final int MAX_BYTES = 60_000;
    /** At most this many outages per item. */
    public static final int MAX_OUTAGES_PER_ITEM = 5;

    /** One check's beat. */
    public record Item(String device, String parent, long periodMs, long graceMs, String note, boolean stopping,
                       List<Outage> outages) {
        Item withOutages(List<Outage> fewer) {
            return new Item(device, parent, periodMs, graceMs, note, stopping, fewer);
        }
    }

    private final byte[] bytes;
    private final List<Item> items;

    private BatchBody(byte[] bytes, List<Item> items) {
        this.bytes = bytes;
        this.items = items;
    }

    public static BatchBody of(long sentAt, String version, List<Item> wanted) {
        List<Item> items = new ArrayList<>();
        for (Item i : wanted) {
            items.add(i.withOutages(i.outages().subList(0, Math.min(MAX_OUTAGES_PER_ITEM, i.outages().size()))));
        }
        byte[] b = json(sentAt, version, items);
        // Too large: shed outages from the last items first; the beats themselves always fit.
        for (int k = items.size() - 1; b.length > MAX_BYTES && k >= 0; k--) {
            while (b.length > MAX_BYTES && !items.get(k).outages().isEmpty()) {
                List<Outage> o = items.get(k).outages();
                items.set(k, items.get(k).withOutages(o.subList(0, o.size() - 1)));
                b = json(sentAt, version, items);
            }
        }
        return new BatchBody(b, List.copyOf(items));
    }

    public byte[] bytes() {
        return bytes;
    }

    /** The items as sent: a receiver that read the batch acknowledges exactly their outages. */
    public List<Item> items() {
        return items;
    }

    private static byte[] json(long sentAt, String version, List<Item> items) {
        JsonWriter w = new JsonWriter().beginObject()
                .field("sentAt", sentAt)
                .field("agentVersion", version)
                .beginArray("items");
        for (Item i : items) {
            w.beginObject()
                    .field("device", i.device())
                    .field("parent", i.parent())
                    .field("period", java.time.Duration.ofMillis(i.periodMs()).toString())
                    .field("grace", java.time.Duration.ofMillis(i.graceMs()).toString())
                    .field("note", HeartbeatBody.cut(i.note()));
            if (i.stopping()) {
                w.field("state", "stopping");
            }
            if (!i.outages().isEmpty()) {
                w.beginArray("outages");
                for (Outage o : i.outages()) {
                    w.beginObject()
                            .field("id", o.id())
                            .field("start", o.start())
                            .field("end", o.end())
                            .field("cause", o.cause().code())
                            .field("detail", HeartbeatBody.cut(o.detail()))
                            .endObject();
                }
                w.endArray();
            }
            w.endObject();
        }
        return w.endArray().endObject().toString().getBytes(StandardCharsets.UTF_8);
    }
}
