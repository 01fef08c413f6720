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

    private static BeatItem beat(String body) {
        PingRequest r = read(body, Map.of());
        assertEquals(1, r.beats().size(), body);
        return r.beats().get(0);
    }

    @Test
    void theBodyDeviceWinsOverTheHeader() {
        assertEquals("body", read("{\"device\":\"body\"}", Map.of("X-Device", "header")).beats().get(0).device());
    }

    @Test
    void aBlankBodyDeviceFallsBackToTheHeader() {
        assertEquals("header", read("{\"device\":\"  \"}", Map.of("X-Device", "header")).beats().get(0).device());
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
        assertNull(beat("{\"device\":\"pi\",\"seq\":-1}").seq());
        assertNull(beat("{\"device\":\"pi\",\"seq\":1.5}").seq());
        assertEquals(3L, beat("{\"device\":\"pi\",\"seq\":3}").seq());
    }

    @Test
    void anImplausibleSentAtIsDropped() {
        assertNull(beat("{\"device\":\"pi\",\"sentAt\":5}").sentAt());
        assertEquals(1_763_700_000_000L, beat("{\"device\":\"pi\",\"sentAt\":1763700000000}").sentAt());
    }

    @Test
    void aKeyInsideTheDeviceNameEmptiesIt() {
        PingRequest r = read("{\"device\":\"my" + KEY + "\"}", Map.of());
        assertTrue(r.isProbe() || !r.beats().get(0).device().contains(KEY.toLowerCase()));
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
        assertEquals(32, beat(body.append("]}").toString()).outages().size());
    }

    @Test
    void anOutageLongerThan400DaysIsBogus() {
        assertTrue(beat("{\"device\":\"pi\",\"outages\":[{\"id\":\"a\",\"start\":1000000000000,\"end\":1763700060000}]}")
                .outages().isEmpty());
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
