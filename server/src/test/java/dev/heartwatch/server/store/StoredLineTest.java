package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.contract.ProbeLine;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredLineTest {
    @Test
    void theHeartbeatFastPathAgreesWithTheCodec() {
        for (HeartbeatLine h : List.of(
                new HeartbeatLine(1795305113708L, "home-pi", "running", "127.0.0.1", 7L, 1795305113000L, 708L, "1.0", 2, "note \"quoted\""),
                new HeartbeatLine(1L, "a", "stopping", null, null, null, null, null, 0, null),
                new HeartbeatLine(1795305113708L, "x.y_z-0", "running", "::1", null, null, null, null, 0, "device\":\"evil"))) {
            String text = LineCodec.encode(h);
            StoredLine fast = StoredLine.heartbeatPrefix(text);
            assertEquals(new StoredLine(text, h.ts(), "heartbeat", h.device(), h.stopping()), fast, text);
            assertEquals(fast, StoredLine.of(text, 0));
        }
    }

    @Test
    void otherLinesGoThroughTheCodec() {
        String outage = LineCodec.encode(new OutageLine(5L, "pi", "o1", 1L, 4L, "dns", null, null));
        assertNull(StoredLine.heartbeatPrefix(outage));
        assertEquals(new StoredLine(outage, 5L, "outage", "pi", false), StoredLine.of(outage, 0));
        String probe = LineCodec.encode(new ProbeLine(6L, null, null));
        assertEquals(new StoredLine(probe, 6L, "probe", null, false), StoredLine.of(probe, 0));
        assertEquals(new StoredLine("Ping rejected a request: X", 9L, "log", null, false), StoredLine.of("Ping rejected a request: X", 9L));
        assertNull(StoredLine.heartbeatPrefix("[heartbeat] {\"v\":1,\"ts\":12,\"device\":\"a\\\"b\",\"state\":\"running\"}"));
    }
}
