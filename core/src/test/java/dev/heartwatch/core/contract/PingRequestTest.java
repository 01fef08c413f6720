package dev.heartwatch.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PingRequestTest {
    private static final String KEY = "s3cr3t-KEY-value";

    private static PingRequest read(String body, Map<String, String> headers) {
        return PingRequest.read(body, headers::get, name -> null, KEY);
    }

    @Test
    void theBodyDeviceWinsOverTheHeader() {
        assertEquals("body", read("{\"device\":\"body\"}", Map.of("X-Device", "header")).device());
    }

    @Test
    void aBlankBodyDeviceFallsBackToTheHeader() {
        assertEquals("header", read("{\"device\":\"  \"}", Map.of("X-Device", "header")).device());
    }

    @Test
    void aNonStringDeviceIsIgnored() {
        assertTrue(read("{\"device\":42}", Map.of()).isProbe());
    }

    @Test
    void deepJsonIsAnEmptyBody() {
        String deep = "{\"device\":\"pi\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertTrue(read(deep, Map.of()).isProbe());
    }

    @Test
    void seqMustBeANonNegativeInteger() {
        assertNull(read("{\"device\":\"pi\",\"seq\":-1}", Map.of()).seq());
        assertNull(read("{\"device\":\"pi\",\"seq\":1.5}", Map.of()).seq());
        assertEquals(3L, read("{\"device\":\"pi\",\"seq\":3}", Map.of()).seq());
    }

    @Test
    void anImplausibleSentAtIsDropped() {
        assertNull(read("{\"device\":\"pi\",\"sentAt\":5}", Map.of()).sentAt());
        assertEquals(1_763_700_000_000L, read("{\"device\":\"pi\",\"sentAt\":1763700000000}", Map.of()).sentAt());
    }

    @Test
    void aKeyInsideTheDeviceNameEmptiesIt() {
        assertTrue(read("{\"device\":\"my" + KEY + "\"}", Map.of()).isProbe()
                || !read("{\"device\":\"my" + KEY + "\"}", Map.of()).device().contains(KEY.toLowerCase()));
    }

    @Test
    void aProbeCarriesNoOutages() {
        PingRequest r = read("{\"outages\":[{\"id\":\"a\",\"start\":1763700000000,\"end\":1763700060000}]}", Map.of());
        assertTrue(r.isProbe());
        assertEquals(1, r.lines(1_763_700_100_000L).size());
    }

    @Test
    void atMost32OutagesAreRead() {
        StringBuilder body = new StringBuilder("{\"device\":\"pi\",\"outages\":[");
        for (int i = 0; i < 40; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"o").append(i)
                    .append("\",\"start\":1763700000000,\"end\":1763700060000}");
        }
        assertEquals(32, read(body.append("]}").toString(), Map.of()).outages().size());
    }

    @Test
    void anOutageLongerThan400DaysIsBogus() {
        PingRequest r = read("{\"device\":\"pi\",\"outages\":[{\"id\":\"a\",\"start\":1000000000000,\"end\":1763700060000}]}", Map.of());
        assertTrue(r.outages().isEmpty());
    }

    @Test
    void skewIsReceiverTimeMinusSentAt() {
        PingRequest r = read("{\"device\":\"pi\",\"sentAt\":1763700000000}", Map.of());
        HeartbeatLine line = (HeartbeatLine) r.lines(1_763_700_060_000L).get(0);
        assertEquals(60_000L, line.skewMs());
    }

    @Test
    void oversizeIsMeasuredInUtf8Bytes() {
        assertFalse(PingRequest.isOversized("a".repeat(8192)));
        assertTrue(PingRequest.isOversized("a".repeat(8193)));
        assertTrue(PingRequest.isOversized("\u00e9".repeat(4097)));
        assertFalse(PingRequest.isOversized(null));
    }
}
