package dev.heartwatch.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.MalformedLineException;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.contract.ProbeLine;
import dev.heartwatch.function.support.PingCall;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PingTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final String KEY = "Zm9vYmFyS2V5LTEyMzQ1Njc4OTA=";
    private final Ping ping = new Ping(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theOriginalPythonAgentsPostWritesOneHeartbeatAndAnswersOk() throws Exception {
        // requests.post(HEARTBEAT_URL, json={"device": ..., "note": "scheduled heartbeat"}) with ?code=KEY
        PingCall.Result r = PingCall.post("{\"device\": \"darylhome\", \"note\": \"scheduled heartbeat\"}")
                .header("Content-Type", "application/json")
                .header("X-Client-IP", "203.0.113.7")
                .query("code", KEY)
                .invoke(ping);

        assertEquals(200, r.status());
        assertEquals("ok", r.body());
        assertTrue(r.contentType().startsWith("text/plain"));
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + NOW.toEpochMilli()
                + ",\"device\":\"darylhome\",\"state\":\"running\",\"ip\":\"203.0.113.7\",\"note\":\"scheduled heartbeat\"}"),
                r.lines());
    }

    @Test
    void deviceComesFromTheXDeviceHeaderWhenTheBodyHasNone() throws Exception {
        PingCall.Result r = PingCall.get().header("X-Device", "Home Office/Pi").invoke(ping);

        HeartbeatLine line = (HeartbeatLine) only(r);
        assertEquals("home-office-pi", line.device());
    }

    @Test
    void deviceComesFromTheQueryLast() throws Exception {
        PingCall.Result r = PingCall.get().query("device", "lab-1").invoke(ping);

        assertEquals("lab-1", ((HeartbeatLine) only(r)).device());
    }

    @Test
    void aBareGetIsAProbeThatCreatesNoDevice() throws Exception {
        PingCall.Result r = PingCall.get().query("code", KEY).invoke(ping);

        assertEquals(200, r.status());
        assertEquals("ok", r.body());
        ProbeLine probe = assertInstanceOf(ProbeLine.class, only(r));
        assertEquals(NOW.toEpochMilli(), probe.ts());
        assertTrue(r.lines().get(0).startsWith("[probe] "));
    }

    @Test
    void malformedJsonIsAnEmptyBodyNotAnError() throws Exception {
        PingCall.Result r = PingCall.post("{\"device\": \"pi\", ").header("X-Device", "from-header").invoke(ping);

        assertEquals(200, r.status());
        assertEquals("from-header", ((HeartbeatLine) only(r)).device());
    }

    @Test
    void aJsonArrayBodyIsAnEmptyBody() throws Exception {
        PingCall.Result r = PingCall.post("[1,2,3]").invoke(ping);

        assertEquals(200, r.status());
        assertInstanceOf(ProbeLine.class, only(r));
    }

    @Test
    void aBodyOver8KiBGets413AndWritesNothing() {
        String big = "{\"device\":\"pi\",\"note\":\"" + "x".repeat(8200) + "\"}";

        PingCall.Result r = PingCall.post(big).invoke(ping);

        assertEquals(413, r.status());
        assertTrue(r.lines().isEmpty());
        assertFalse(r.body().contains("Exception"));
    }

    @Test
    void aBodyOfExactly8KiBIsAccepted() {
        String head = "{\"device\":\"pi\",\"note\":\"";
        String tail = "\"}";
        String body = head + "y".repeat(8192 - head.length() - tail.length()) + tail;

        PingCall.Result r = PingCall.post(body).invoke(ping);

        assertEquals(200, r.status());
        assertEquals(1, r.lines().size());
    }

    @Test
    void multiByteCharactersCountAsBytesTowardsTheLimit() {
        // 3000 euro signs are 3000 chars but 9000 UTF-8 bytes.
        PingCall.Result r = PingCall.post("{\"device\":\"pi\",\"note\":\"" + "\u20ac".repeat(3000) + "\"}").invoke(ping);

        assertEquals(413, r.status());
        assertTrue(r.lines().isEmpty());
    }

    @Test
    void aBacklogOfOutagesWritesTheHeartbeatThenOneLinePerOutage() throws Exception {
        long sentAt = NOW.toEpochMilli() - 1500;
        String body = "{\"device\":\"pi\",\"seq\":42,\"sentAt\":" + sentAt + ",\"agentVersion\":\"0.1.0\",\"outages\":["
                + "{\"id\":\"o-1\",\"start\":1763700000000,\"end\":1763700420000,\"cause\":\"dns\",\"detail\":\"resolver timed out\"},"
                + "{\"id\":\"o-2\",\"start\":\"2026-11-21T09:00:00Z\",\"end\":\"2026-11-21T09:03:30Z\",\"cause\":\"upstream\"}]}";

        PingCall.Result r = PingCall.post(body).invoke(ping);

        assertEquals(3, r.lines().size());
        HeartbeatLine beat = (HeartbeatLine) decode(r.lines().get(0));
        assertEquals(42L, beat.seq());
        assertEquals(sentAt, beat.sentAt());
        assertEquals(1500L, beat.skewMs());
        assertEquals(2, beat.outages());
        OutageLine first = (OutageLine) decode(r.lines().get(1));
        assertEquals("o-1", first.id());
        assertEquals(420_000L, first.durationMs());
        assertEquals("dns", first.cause());
        assertEquals("resolver timed out", first.detail());
        OutageLine second = (OutageLine) decode(r.lines().get(2));
        assertEquals(Instant.parse("2026-11-21T09:00:00Z").toEpochMilli(), second.start());
        assertEquals(210_000L, second.durationMs());
    }

    @Test
    void invalidOutagesAreDroppedAndTheRestKept() throws Exception {
        String body = "{\"device\":\"pi\",\"outages\":["
                + "{\"id\":\"bad id with spaces\",\"start\":1763700000000,\"end\":1763700420000},"
                + "{\"id\":\"ends-before-start\",\"start\":1763700420000,\"end\":1763700000000},"
                + "{\"id\":\"ok-1\",\"start\":1763700000000,\"end\":1763700060000,\"cause\":\"NOT A CODE!\"}]}";

        PingCall.Result r = PingCall.post(body).invoke(ping);

        assertEquals(2, r.lines().size());
        OutageLine kept = (OutageLine) decode(r.lines().get(1));
        assertEquals("ok-1", kept.id());
        assertEquals("unknown", kept.cause());
    }

    @Test
    void stoppingIsRecordedSoACleanStopIsNotAnOutage() throws Exception {
        PingCall.Result r = PingCall.post("{\"device\":\"pi\",\"state\":\"stopping\"}").invoke(ping);

        assertTrue(((HeartbeatLine) only(r)).stopping());
        assertTrue(r.lines().get(0).contains("\"state\":\"stopping\""));
    }

    @Test
    void anUnknownStateIsRunning() throws Exception {
        PingCall.Result r = PingCall.post("{\"device\":\"pi\",\"state\":\"paused\"}").invoke(ping);

        assertFalse(((HeartbeatLine) only(r)).stopping());
    }

    @Test
    void aSpoofedFirstHopOfXForwardedForIsNotTheClientAddress() throws Exception {
        PingCall.Result r = PingCall.post("{\"device\":\"pi\"}")
                .header("X-Forwarded-For", "1.2.3.4, 198.51.100.23:51234")
                .invoke(ping);

        assertEquals("198.51.100.23", ((HeartbeatLine) only(r)).ip());
    }

    @Test
    void xClientIpSetByThePlatformWinsOverXForwardedFor() throws Exception {
        PingCall.Result r = PingCall.post("{\"device\":\"pi\"}")
                .header("X-Forwarded-For", "1.2.3.4")
                .header("X-Client-IP", "[2001:DB8:0:0:0:0:0:1]:443")
                .invoke(ping);

        assertEquals("2001:db8::1", ((HeartbeatLine) only(r)).ip());
    }

    @Test
    void aBogusAddressIsDroppedNotWritten() throws Exception {
        PingCall.Result r = PingCall.post("{\"device\":\"pi\"}").header("X-Client-IP", "evil.example\"}").invoke(ping);

        assertNull(((HeartbeatLine) only(r)).ip());
        assertFalse(r.lines().get(0).contains("evil"));
    }

    @Test
    void crlfInjectionCannotSplitOrForgeALine() throws Exception {
        String body = "{\"device\":\"pi\",\"note\":\"hello\\r\\n[heartbeat] {\\\"v\\\":1,\\\"device\\\":\\\"forged\\\"}\"}";

        PingCall.Result r = PingCall.post(body).invoke(ping);

        assertEquals(1, r.lines().size());
        String line = r.lines().get(0);
        assertFalse(line.contains("\n") || line.contains("\r"));
        assertEquals("pi", ((HeartbeatLine) decode(line)).device());
    }

    @Test
    void theKeyNeverReachesALineWhereverTheClientPutsIt() {
        String body = "{\"device\":\"code=" + KEY + "\",\"note\":\"see https://x.invalid/api/ping?code=" + KEY
                + " and " + KEY.toLowerCase() + "\",\"outages\":[{\"id\":\"a\",\"start\":1763700000000,"
                + "\"end\":1763700060000,\"detail\":\"x-functions-key: " + KEY + "\"}]}";

        PingCall.Result r = PingCall.post(body).header("x-functions-key", KEY).invoke(ping);

        assertEquals(200, r.status());
        assertFalse(r.lines().isEmpty());
        for (String line : r.lines()) {
            assertFalse(line.toLowerCase().contains(KEY.toLowerCase()), line);
        }
    }

    @Test
    void headerNamesAreMatchedWhateverTheirCase() throws Exception {
        PingCall.Result r = PingCall.get().header("x-device", "lower").header("x-client-ip", "192.0.2.1").invoke(ping);

        HeartbeatLine line = (HeartbeatLine) only(r);
        assertEquals("lower", line.device());
        assertEquals("192.0.2.1", line.ip());
    }

    @Test
    void everyLineWrittenDecodesAndReEncodesToItself() throws Exception {
        List<String> all = new ArrayList<>();
        all.addAll(PingCall.post("{\"device\":\"pi\",\"note\":\"\\u0000\\u202e\\ud800odd\",\"seq\":1}").invoke(ping).lines());
        all.addAll(PingCall.get().invoke(ping).lines());
        for (String line : all) {
            assertEquals(line, LineCodec.encode(decode(line)));
        }
    }

    private static ContractLine only(PingCall.Result r) throws MalformedLineException {
        assertEquals(200, r.status());
        assertEquals(1, r.lines().size(), () -> "lines: " + r.lines());
        return decode(r.lines().get(0));
    }

    @Test
    void aStacksReservedIdIsRefusedHereWhereverItComesFrom() {
        // Issue 18: only the peer beats as stack-*, through StackPing; any key that opens Ping is an agent's.
        List<PingCall> calls = List.of(
                PingCall.post("{\"device\":\"stack-westeurope\"}"),
                PingCall.get().header("X-Device", "STACK westeurope"),
                PingCall.get().query("device", "stack-northeurope"),
                PingCall.post("{\"items\":[{\"device\":\"home.db\"},{\"device\":\"stack-westeurope\"}]}")
                        .header("X-Heartwatch-Batch", "1"));
        for (PingCall call : calls) {
            PingCall.Result r = call.header("x-functions-key", KEY).invoke(ping);
            assertEquals(403, r.status(), r.body());
            assertTrue(r.body().contains("is a stack's reserved id") && r.body().contains("StackPing"), r.body());
            assertEquals(List.of(), r.lines(), "nothing written");
            assertFalse(r.body().contains(KEY));
        }
        PingCall.Result stackish = PingCall.post("{\"device\":\"stacks-of-disks\"}").invoke(ping);
        assertEquals(200, stackish.status(), "only the stack- prefix is reserved");
    }

    private static ContractLine decode(String line) throws MalformedLineException {
        return LineCodec.decode(line);
    }
}
