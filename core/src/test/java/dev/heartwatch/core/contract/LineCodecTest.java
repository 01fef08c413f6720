package dev.heartwatch.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LineCodecTest {
    @Test
    void aHeartbeatIsEncodedInTheDocumentedFieldOrder() {
        HeartbeatLine line = new HeartbeatLine(1000, "pi", "running", "192.0.2.1", 7L, 990L, 10L, "0.1.0", 2, "hi");
        assertEquals("[heartbeat] {\"v\":2,\"ts\":1000,\"device\":\"pi\",\"state\":\"running\",\"ip\":\"192.0.2.1\","
                + "\"seq\":7,\"sentAt\":990,\"skewMs\":10,\"agentVersion\":\"0.1.0\",\"outages\":2,\"note\":\"hi\"}",
                LineCodec.encode(line));
    }

    @Test
    void anOutageCarriesItsDuration() {
        OutageLine line = new OutageLine(5000, "pi", "o-1", 1000, 4000, "dns", null, null);
        assertEquals("[outage] {\"v\":2,\"ts\":5000,\"device\":\"pi\",\"id\":\"o-1\",\"start\":1000,\"end\":4000,"
                + "\"durationMs\":3000,\"cause\":\"dns\"}", LineCodec.encode(line));
    }

    @Test
    void aProbeHasNoDevice() {
        assertEquals("[probe] {\"v\":2,\"ts\":1}", LineCodec.encode(new ProbeLine(1, null, "")));
    }

    @Test
    void anUnknownTagIsRejected() {
        assertThrows(MalformedLineException.class, () -> LineCodec.decode("[beat] {\"v\":1,\"ts\":1}"));
    }

    @Test
    void anotherVersionIsRejected() {
        assertThrows(MalformedLineException.class, () -> LineCodec.decode("[probe] {\"v\":3,\"ts\":1}"));
    }

    @Test
    void trailingContentIsRejected() {
        assertThrows(MalformedLineException.class, () -> LineCodec.decode("[probe] {\"v\":1,\"ts\":1} x"));
    }

    @Test
    void aHeartbeatWithoutDeviceIsRejected() {
        assertThrows(MalformedLineException.class, () -> LineCodec.decode("[heartbeat] {\"v\":1,\"ts\":1}"));
    }

    @Test
    void unknownFieldsAreSkippedForForwardCompatibility() throws Exception {
        ContractLine line = LineCodec.decode("[probe] {\"v\":1,\"ts\":1,\"future\":{\"a\":[1,2]}}");
        assertEquals(new ProbeLine(1, null, null), line);
    }

    @Property(tries = 3000)
    void heartbeatsRoundTrip(@ForAll("heartbeats") HeartbeatLine line) throws Exception {
        assertEquals(line, LineCodec.decode(LineCodec.encode(line)));
    }

    @Property(tries = 3000)
    void outagesRoundTrip(@ForAll("outages") OutageLine line) throws Exception {
        assertEquals(line, LineCodec.decode(LineCodec.encode(line)));
    }

    @Provide
    Arbitrary<HeartbeatLine> heartbeats() {
        Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(30).injectNull(0.3);
        Arbitrary<Long> n = Arbitraries.longs().injectNull(0.3);
        return Combinators.combine(Arbitraries.longs(), Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20),
                        Arbitraries.of("running", "stopping", "start", "fail"), text, n, n, Arbitraries.integers().between(0, 32),
                        Arbitraries.longs().between(0, Limits.MAX_RUN_DURATION_MILLIS).injectNull(0.3))
                .as((ts, device, state, s, seq, sent, outages, duration) ->
                        new HeartbeatLine(ts, device, state, s, seq, sent, sent, s, null, null, null, duration,
                                duration == null ? null : (int) (duration % 256), outages, s));
    }

    @Provide
    Arbitrary<OutageLine> outages() {
        Arbitrary<String> text = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30);
        return Combinators.combine(Arbitraries.longs(), text, text, Arbitraries.longs().between(0, 1L << 50),
                        Arbitraries.longs().between(0, 1L << 40), text, Arbitraries.longs().injectNull(0.5), text.injectNull(0.5))
                .as((ts, device, id, start, len, cause, skew, detail) ->
                        new OutageLine(ts, device, id, start, start + len, cause, skew, detail));
    }

    // ---- contract v2 ----

    @Test
    void aV2HeartbeatWritesDurationAndExitStatusAfterGraceAndBeforeOutages() {
        HeartbeatLine line = new HeartbeatLine(1000, "job", "fail", null, null, null, null, null, null, 60_000L, 5_000L,
                42L, 7, 1, null);
        assertEquals("[heartbeat] {\"v\":2,\"ts\":1000,\"device\":\"job\",\"state\":\"fail\",\"periodMs\":60000,"
                + "\"graceMs\":5000,\"durationMs\":42,\"exitStatus\":7,\"outages\":1}", LineCodec.encode(line));
    }

    @Test
    void v1LinesStillDecode() throws Exception {
        HeartbeatLine h = (HeartbeatLine) LineCodec.decode("[heartbeat] {\"v\":1,\"ts\":5,\"device\":\"pi\",\"state\":\"stopping\",\"seq\":3}");
        assertEquals(new HeartbeatLine(5, "pi", "stopping", null, 3L, null, null, null, 0, null), h);
        assertInstanceOf(OutageLine.class, LineCodec.decode("[outage] {\"v\":1,\"ts\":5,\"device\":\"pi\",\"id\":\"o\","
                + "\"start\":1,\"end\":2,\"durationMs\":1,\"cause\":\"x\"}"));
        assertInstanceOf(ProbeLine.class, LineCodec.decode("[probe] {\"v\":1,\"ts\":5}"));
    }

    @Test
    void v2LinesDecodeWithTheirStates() throws Exception {
        HeartbeatLine h = (HeartbeatLine) LineCodec.decode("[heartbeat] {\"v\":2,\"ts\":5,\"device\":\"job\",\"state\":\"fail\","
                + "\"durationMs\":9,\"exitStatus\":255}");
        assertEquals("fail", h.state());
        assertEquals(9L, h.durationMs());
        assertEquals(255, h.exitStatus());
        HeartbeatLine s = (HeartbeatLine) LineCodec.decode("[heartbeat] {\"v\":2,\"ts\":5,\"device\":\"job\",\"state\":\"start\"}");
        assertEquals("start", s.state());
    }

    @Test
    void anUnknownVersionIsRefusedAndAnOutOfRangeExitStatusIsDropped() throws Exception {
        assertThrows(MalformedLineException.class, () -> LineCodec.decode("[probe] {\"v\":3,\"ts\":1}"));
        assertThrows(MalformedLineException.class, () -> LineCodec.decode("[probe] {\"v\":0,\"ts\":1}"));
        HeartbeatLine h = (HeartbeatLine) LineCodec.decode("[heartbeat] {\"v\":2,\"ts\":5,\"device\":\"job\",\"state\":\"fail\","
                + "\"exitStatus\":300,\"durationMs\":-4}");
        assertNull(h.exitStatus());
        assertNull(h.durationMs());
    }
}
