package dev.heartwatch.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ping contract (docs/contract.md) as one suite, run against every place that answers
 * {@code /api/ping}: function-app's {@code Ping} behind the Functions host's key check, and
 * heartwatch-server's endpoint over loopback. Same request, same status, same lines.
 *
 * <p>An implementation answers {@link #ping} for a request sent from {@link #CLIENT_IP}, with
 * {@link #KEY} as the only valid key and {@link #NOW} as the receiver's clock, and returns the
 * lines it wrote, in order, as text.
 */
public abstract class PingContract {
    public static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    public static final String KEY = "Zm9vYmFyS2V5LTEyMzQ1Njc4OTAtYWJjZGVmZ2hpams";
    public static final String CLIENT_IP = "127.0.0.1";
    private static final long TS = NOW.toEpochMilli();
    private static final long NINE = Instant.parse("2026-11-21T09:00:00Z").toEpochMilli();

    /** One request: method, headers and query in order, body as text (null for none). */
    public static final class Call {
        public final String method;
        public final Map<String, String> headers = new LinkedHashMap<>();
        public final Map<String, String> query = new LinkedHashMap<>();
        public final String body;

        private Call(String method, String body) {
            this.method = method;
            this.body = body;
        }

        public static Call post(String body) {
            return new Call("POST", body);
        }

        public static Call get() {
            return new Call("GET", null);
        }

        public Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Call query(String name, String value) {
            query.put(name, value);
            return this;
        }

        /** The key as the original agent sends it, in {@code ?code=}. */
        public Call keyed() {
            return query("code", KEY);
        }
    }

    /**
     * What the client was told (status and answer text), and every line written, in order. Two
     * answers are equal on status and lines; the text is asserted where it matters.
     */
    public record Answer(int status, List<String> lines, String text) {
        public Answer(int status, List<String> lines) {
            this(status, lines, null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Answer a && a.status == status && a.lines.equals(lines);
        }

        @Override
        public int hashCode() {
            return 31 * status + lines.hashCode();
        }
    }

    /** Sends {@code call} to the implementation under test. */
    protected abstract Answer ping(Call call) throws Exception;

    // ---- the request forms of the original agent and the Java agent ----

    @Test
    void theOriginalAgentsPostWritesOneHeartbeat() throws Exception {
        Answer a = ping(Call.post("{\"device\": \"darylhome\", \"note\": \"scheduled heartbeat\"}")
                .header("Content-Type", "application/json").keyed());
        assertEquals(200, a.status());
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"darylhome\",\"state\":\"running\",\"ip\":\""
                + CLIENT_IP + "\",\"note\":\"scheduled heartbeat\"}"), a.lines());
    }

    @Test
    void theKeyMayRideInTheFunctionsKeyHeader() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"pi\"}").header("x-functions-key", KEY));
        assertEquals(200, a.status());
        assertEquals(List.of(beat("pi")), a.lines());
    }

    @Test
    void theDeviceComesFromXDeviceWhenTheBodyHasNone() throws Exception {
        Answer a = ping(Call.get().header("X-Device", "Home Office/Pi").keyed());
        assertEquals(200, a.status());
        assertEquals(List.of(beat("home-office-pi")), a.lines());
    }

    @Test
    void theDeviceComesFromTheQueryLast() throws Exception {
        Answer a = ping(Call.get().query("device", "lab-1").keyed());
        assertEquals(List.of(beat("lab-1")), a.lines());
    }

    @Test
    void theBodysDeviceWinsOverTheHeaderAndTheQuery() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"body\"}").header("X-Device", "header").query("device", "query").keyed());
        assertEquals(List.of(beat("body")), a.lines());
    }

    @Test
    void aBareGetIsAProbeThatNamesNoDevice() throws Exception {
        Answer a = ping(Call.get().keyed());
        assertEquals(200, a.status());
        assertEquals(List.of("[probe] {\"v\":2,\"ts\":" + TS + ",\"ip\":\"" + CLIENT_IP + "\"}"), a.lines());
    }

    @Test
    void aProbeKeepsItsNote() throws Exception {
        Answer a = ping(Call.post("{\"note\":\"smoke test\"}").keyed());
        assertEquals(List.of("[probe] {\"v\":2,\"ts\":" + TS + ",\"ip\":\"" + CLIENT_IP + "\",\"note\":\"smoke test\"}"), a.lines());
    }

    @Test
    void aBacklogOfOutagesWritesTheHeartbeatThenOneLinePerOutage() throws Exception {
        long sentAt = TS - 1500;
        String body = "{\"device\":\"pi\",\"seq\":42,\"sentAt\":" + sentAt + ",\"agentVersion\":\"0.1.0\",\"outages\":["
                + "{\"id\":\"o-1\",\"start\":1763700000000,\"end\":1763700420000,\"cause\":\"dns\",\"detail\":\"resolver timed out\"},"
                + "{\"id\":\"o-2\",\"start\":\"2026-11-21T09:00:00Z\",\"end\":\"2026-11-21T09:03:30Z\",\"cause\":\"upstream\"}]}";
        Answer a = ping(Call.post(body).keyed());
        assertEquals(200, a.status());
        assertEquals(List.of(
                "[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"pi\",\"state\":\"running\",\"ip\":\"" + CLIENT_IP
                        + "\",\"seq\":42,\"sentAt\":" + sentAt + ",\"skewMs\":1500,\"agentVersion\":\"0.1.0\",\"outages\":2}",
                "[outage] {\"v\":2,\"ts\":" + TS + ",\"device\":\"pi\",\"id\":\"o-1\",\"start\":1763700000000,\"end\":1763700420000,"
                        + "\"durationMs\":420000,\"cause\":\"dns\",\"skewMs\":1500,\"detail\":\"resolver timed out\"}",
                "[outage] {\"v\":2,\"ts\":" + TS + ",\"device\":\"pi\",\"id\":\"o-2\",\"start\":" + NINE + ",\"end\":" + (NINE + 210_000) + ","
                        + "\"durationMs\":210000,\"cause\":\"upstream\",\"skewMs\":1500}"),
                a.lines());
    }

    @Test
    void aProbeCarriesNoOutages() throws Exception {
        Answer a = ping(Call.post("{\"outages\":[{\"id\":\"o-1\",\"start\":1763700000000,\"end\":1763700060000}]}").keyed());
        assertEquals(1, a.lines().size());
        assertInstanceOf(ProbeLine.class, LineCodec.decode(a.lines().get(0)));
    }

    @Test
    void stoppingIsRecorded() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"pi\",\"state\":\"stopping\"}").keyed());
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"pi\",\"state\":\"stopping\",\"ip\":\""
                + CLIENT_IP + "\"}"), a.lines());
    }

    // ---- contract v2: start and fail signals (issue 16 §5) ----

    @Test
    void aStartIsRecordedWithoutDurationOrExitStatus() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"backup\",\"state\":\"start\",\"exitStatus\":0,\"durationMs\":5}").keyed());
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"backup\",\"state\":\"start\",\"ip\":\""
                + CLIENT_IP + "\"}"), a.lines());
    }

    @Test
    void aFailKeepsItsDurationAndExitStatusInTheDocumentedOrder() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"backup\",\"state\":\"fail\",\"exitStatus\":3,\"durationMs\":61000,"
                + "\"period\":\"PT1H\",\"grace\":\"PT5M\",\"note\":\"disk full\"}").keyed());
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"backup\",\"state\":\"fail\",\"ip\":\""
                + CLIENT_IP + "\",\"periodMs\":3600000,\"graceMs\":300000,\"durationMs\":61000,\"exitStatus\":3,"
                + "\"note\":\"disk full\"}"), a.lines());
    }

    @Test
    void aSuccessMayCarryADurationAndAnExitStatus() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"backup\",\"durationMs\":0,\"exitStatus\":255}").keyed());
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"backup\",\"state\":\"running\",\"ip\":\""
                + CLIENT_IP + "\",\"durationMs\":0,\"exitStatus\":255}"), a.lines());
    }

    @Test
    void anExitStatusOrDurationOutOfRangeOrNotAnIntegerIsDroppedNeverAnError() throws Exception {
        String plainFail = "[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"backup\",\"state\":\"fail\",\"ip\":\""
                + CLIENT_IP + "\"}";
        for (String bad : List.of("\"exitStatus\":256", "\"exitStatus\":-1", "\"exitStatus\":\"3\"", "\"exitStatus\":3.5",
                "\"exitStatus\":1e2", "\"exitStatus\":99999999999999999999999", "\"exitStatus\":null", "\"exitStatus\":[1]",
                "\"durationMs\":-1", "\"durationMs\":" + (400L * 86_400_000 + 1), "\"durationMs\":\"PT1M\"",
                "\"durationMs\":1.0", "\"durationMs\":{}")) {
            Answer a = ping(Call.post("{\"device\":\"backup\",\"state\":\"fail\"," + bad + "}").keyed());
            assertEquals(new Answer(200, List.of(plainFail)), a, bad);
        }
        Answer edge = ping(Call.post("{\"device\":\"backup\",\"state\":\"fail\",\"durationMs\":" + 400L * 86_400_000
                + ",\"exitStatus\":0}").keyed());
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"backup\",\"state\":\"fail\",\"ip\":\""
                + CLIENT_IP + "\",\"durationMs\":" + 400L * 86_400_000 + ",\"exitStatus\":0}"), edge.lines());
    }

    @Test
    void theStatesAreCaseSensitiveAndAnythingElseIsASuccess() throws Exception {
        for (String other : List.of("FAIL", "Start", "failed", "started", "", "running ")) {
            Answer a = ping(Call.post("{\"device\":\"job\",\"state\":\"" + other + "\",\"exitStatus\":1}").keyed());
            assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"job\",\"state\":\"running\",\"ip\":\""
                    + CLIENT_IP + "\",\"exitStatus\":1}"), a.lines(), other);
        }
        Answer number = ping(Call.post("{\"device\":\"job\",\"state\":1}").keyed());
        assertEquals(List.of(beat("job")), number.lines());
    }

    @Test
    void aStoppingBeatDropsDurationAndExitStatus() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"pi\",\"state\":\"stopping\",\"exitStatus\":0,\"durationMs\":9}").keyed());
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"pi\",\"state\":\"stopping\",\"ip\":\""
                + CLIENT_IP + "\"}"), a.lines());
    }

    @Test
    void batchItemsCarryTheirOwnStates() throws Exception {
        Answer a = ping(batch("{\"items\":[{\"device\":\"job.a\",\"state\":\"start\"},"
                + "{\"device\":\"job.b\",\"state\":\"fail\",\"exitStatus\":2,\"durationMs\":1500}]}"));
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"job.a\",\"state\":\"start\",\"ip\":\""
                        + CLIENT_IP + "\"}",
                "[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"job.b\",\"state\":\"fail\",\"ip\":\""
                        + CLIENT_IP + "\",\"durationMs\":1500,\"exitStatus\":2}"), a.lines());
    }

    @Test
    void aFailNeedsTheKeyLikeAnyBeat() throws Exception {
        assertEquals(new Answer(401, List.of()), ping(Call.post("{\"device\":\"backup\",\"state\":\"fail\"}")));
    }

    // ---- the key ----

    @Test
    void noKeyIs401AndWritesNothing() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"pi\"}"));
        assertEquals(401, a.status());
        assertEquals(List.of(), a.lines());
    }

    @Test
    void aWrongKeyIs401AndWritesNothing() throws Exception {
        assertEquals(new Answer(401, List.of()), ping(Call.post("{\"device\":\"pi\"}").query("code", KEY + "x")));
        assertEquals(new Answer(401, List.of()), ping(Call.get().query("device", "pi").header("x-functions-key", "nope")));
        assertEquals(new Answer(401, List.of()), ping(Call.post("{\"device\":\"pi\",\"code\":\"" + KEY + "\"}")));
    }

    @Test
    void theKeyNeverReachesALineWhereverTheClientPutsIt() throws Exception {
        String body = "{\"device\":\"code=" + KEY + "\",\"note\":\"see https://x.invalid/api/ping?code=" + KEY
                + " and " + KEY.toLowerCase(Locale.ROOT) + "\",\"agentVersion\":\"" + KEY + "\",\"outages\":[{\"id\":\"a\","
                + "\"start\":1763700000000,\"end\":1763700060000,\"detail\":\"x-functions-key: " + KEY + "\"}]}";
        Answer a = ping(Call.post(body).header("x-functions-key", KEY).header("X-Device", KEY));
        assertEquals(200, a.status());
        assertFalse(a.lines().isEmpty());
        for (String line : a.lines()) {
            assertFalse(line.toLowerCase(Locale.ROOT).contains(KEY.toLowerCase(Locale.ROOT)), line);
        }
    }

    // ---- the size limit ----

    @Test
    void aBodyOfExactly8KiBIsAccepted() throws Exception {
        String head = "{\"device\":\"pi\",\"note\":\"";
        String body = head + "y".repeat(Limits.MAX_BODY_BYTES - head.length() - 2) + "\"}";
        Answer a = ping(Call.post(body).keyed());
        assertEquals(200, a.status());
        assertEquals(1, a.lines().size());
    }

    @Test
    void aBodyOneByteOver8KiBIs413AndWritesNothing() throws Exception {
        String head = "{\"device\":\"pi\",\"note\":\"";
        String body = head + "y".repeat(Limits.MAX_BODY_BYTES + 1 - head.length() - 2) + "\"}";
        assertEquals(new Answer(413, List.of()), ping(Call.post(body).keyed()));
    }

    @Test
    void multiByteCharactersCountAsBytesTowardsTheLimit() throws Exception {
        // 3000 euro signs: 3000 characters, 9000 UTF-8 bytes.
        Answer a = ping(Call.post("{\"device\":\"pi\",\"note\":\"" + "\u20ac".repeat(3000) + "\"}").keyed());
        assertEquals(new Answer(413, List.of()), a);
    }

    // ---- hostile input: cleaned, never an error ----

    @Test
    void brokenJsonIsAnEmptyBody() throws Exception {
        assertEquals(List.of(beat("from-header")),
                ping(Call.post("{\"device\": \"pi\", ").header("X-Device", "from-header").keyed()).lines());
        Answer probe = ping(Call.post("{\"device\": \"pi\", oops").keyed());
        assertEquals(200, probe.status());
        assertInstanceOf(ProbeLine.class, LineCodec.decode(probe.lines().get(0)));
    }

    @Test
    void aDuplicatedFieldKeepsItsLastValue() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"first\",\"device\":\"second\"}").keyed());
        assertEquals(List.of(beat("second")), a.lines());
    }

    @Test
    void controlCharactersCannotSplitOrForgeALine() throws Exception {
        String body = "{\"device\":\"pi\",\"note\":\"hello\\r\\n[heartbeat] {\\\"v\\\":1,\\\"device\\\":\\\"forged\\\"}\\u0000\\u202e\"}";
        Answer a = ping(Call.post(body).keyed());
        assertEquals(200, a.status());
        assertEquals(1, a.lines().size());
        String line = a.lines().get(0);
        assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u0000") || line.contains("\u202e"), line);
        HeartbeatLine beat = (HeartbeatLine) LineCodec.decode(line);
        assertEquals("pi", beat.device());
        assertEquals(line, LineCodec.encode(beat), "canonical: re-encodes to itself");
    }

    @Test
    void oversizeFieldsAreCutOrDropped() throws Exception {
        String body = "{\"device\":\"" + "d".repeat(300) + "\",\"note\":\"" + "n".repeat(1000) + "\",\"agentVersion\":\""
                + "9".repeat(40) + "\",\"seq\":-1,\"sentAt\":\"yesterday\"}";
        Answer a = ping(Call.post(body).keyed());
        assertEquals(200, a.status());
        HeartbeatLine beat = (HeartbeatLine) LineCodec.decode(a.lines().get(0));
        assertEquals(Limits.MAX_DEVICE_CHARS, beat.device().length());
        assertEquals(Limits.MAX_NOTE_CODE_POINTS, beat.note().codePointCount(0, beat.note().length()));
        assertNull(beat.agentVersion());
        assertNull(beat.seq());
        assertNull(beat.sentAt());
        assertTrue(a.lines().get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= Limits.MAX_LINE_BYTES);
    }

    @Test
    void invalidOutagesAreDroppedAndTheRestKept() throws Exception {
        String body = "{\"device\":\"pi\",\"outages\":["
                + "{\"id\":\"bad id with spaces\",\"start\":1763700000000,\"end\":1763700420000},"
                + "{\"id\":\"ends-before-start\",\"start\":1763700420000,\"end\":1763700000000},"
                + "{\"id\":\"too-long\",\"start\":946684800000,\"end\":7258118399999},"
                + "\"not an object\","
                + "{\"id\":\"ok-1\",\"start\":1763700000000,\"end\":1763700060000,\"cause\":\"NOT A CODE!\"}]}";
        Answer a = ping(Call.post(body).keyed());
        assertEquals(2, a.lines().size(), a.lines().toString());
        OutageLine kept = (OutageLine) LineCodec.decode(a.lines().get(1));
        assertEquals("ok-1", kept.id());
        assertEquals("unknown", kept.cause());
    }

    @Test
    void theClientCannotChooseItsOwnAddress() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"pi\"}").header("X-Client-IP", "198.51.100.7")
                .header("X-Forwarded-For", "203.0.113.9").keyed());
        assertEquals(List.of(beat("pi")), a.lines());
    }

    @Test
    void noBadInputGetsA5xx() throws Exception {
        List<String> bodies = new ArrayList<>(List.of("", " ", "null", "[1,2,3]", "\"device\"", "42", "{}", "{\"device\":null}",
                "{\"device\":{\"nested\":true}}", "{\"device\":[\"a\"]}", "{\"seq\":1e999}", "{\"seq\":" + "9".repeat(40) + "}",
                "[".repeat(5000), "{\"a\":" + "[".repeat(100) + "}", "\u0000\u0001\u0002", "{\"device\":\"\\ud800\"}",
                "{\"outages\":{\"id\":\"x\"},\"device\":\"pi\"}", "<xml/>", "device=pi&note=form"));
        for (String body : bodies) {
            Answer a = ping(Call.post(body).keyed());
            assertEquals(200, a.status(), body);
            assertEquals(1, a.lines().size(), body);
            ContractLine line = LineCodec.decode(a.lines().get(0));
            assertEquals(a.lines().get(0), LineCodec.encode(line), body);
        }
    }

    // ---- the batch form (§1a): an agent's checks in one request ----

    @Test
    void aSingleBeatIsAnsweredWithAPlainOk() throws Exception {
        Answer a = ping(Call.post("{\"device\":\"pi\"}").keyed());
        assertEquals(200, a.status());
        assertEquals(RequestForm.SINGLE_ANSWER, a.text());
    }

    @Test
    void aBatchWritesOneHeartbeatPerItemWithParentAndSchedule() throws Exception {
        long sentAt = TS - 2000;
        String body = "{\"sentAt\":" + sentAt + ",\"agentVersion\":\"0.2.0\",\"items\":["
                + "{\"device\":\"home.db\",\"parent\":\"home\",\"period\":\"PT1M\",\"grace\":\"PT2M\",\"note\":\"3 ms tcp open\"},"
                + "{\"device\":\"home.web\",\"parent\":\"home\",\"period\":\"PT5M\",\"grace\":\"PT0S\",\"note\":\"41 ms HTTP 200\","
                + "\"outages\":[{\"id\":\"c-1\",\"start\":1763700000000,\"end\":1763700420000,\"cause\":\"http_status\",\"detail\":\"HTTP 503\"}]}]}";
        Answer a = ping(batch(body));
        assertEquals(200, a.status());
        assertEquals(RequestForm.BATCH_ANSWER, a.text());
        String head = "[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":";
        String tail = ",\"state\":\"running\",\"ip\":\"" + CLIENT_IP + "\",\"sentAt\":" + sentAt + ",\"skewMs\":2000,"
                + "\"agentVersion\":\"0.2.0\",\"parent\":\"home\",";
        assertEquals(List.of(
                head + "\"home.db\"" + tail + "\"periodMs\":60000,\"graceMs\":120000,\"note\":\"3 ms tcp open\"}",
                head + "\"home.web\"" + tail + "\"periodMs\":300000,\"graceMs\":0,\"outages\":1,\"note\":\"41 ms HTTP 200\"}",
                "[outage] {\"v\":2,\"ts\":" + TS + ",\"device\":\"home.web\",\"id\":\"c-1\",\"start\":1763700000000,"
                        + "\"end\":1763700420000,\"durationMs\":420000,\"cause\":\"http_status\",\"skewMs\":2000,\"detail\":\"HTTP 503\"}"),
                a.lines());
    }

    @Test
    void eachItemIsSanitisedLikeASingleBeat() throws Exception {
        String body = "{\"items\":["
                + "{\"device\":\"Home/Web Check\",\"parent\":\"Home\",\"note\":\"a\\r\\n[heartbeat] forged " + KEY + "\"},"
                + "{\"device\":\"" + "d".repeat(300) + "\",\"note\":\"" + "n".repeat(1000) + "\"},"
                + "{\"note\":\"no device: skipped\"},"
                + "\"not an object\","
                + "{\"device\":\"same\",\"parent\":\"same\",\"period\":\"PT0.5S\",\"grace\":\"-PT1M\"},"
                + "{\"device\":\"odd\",\"period\":\"P401D\",\"grace\":60,\"parent\":\"!!!\"}]}";
        Answer a = ping(batch(body).header("X-Device", "from-header"));
        assertEquals(200, a.status());
        assertEquals(4, a.lines().size(), a.lines().toString());
        HeartbeatLine first = (HeartbeatLine) LineCodec.decode(a.lines().get(0));
        assertEquals("home-web-check", first.device());
        assertEquals("home", first.parent());
        assertFalse(a.lines().get(0).contains("\\n") || a.lines().get(0).contains(KEY), a.lines().get(0));
        HeartbeatLine second = (HeartbeatLine) LineCodec.decode(a.lines().get(1));
        assertEquals(Limits.MAX_DEVICE_CHARS, second.device().length());
        assertEquals(Limits.MAX_NOTE_CODE_POINTS, second.note().codePointCount(0, second.note().length()));
        HeartbeatLine same = (HeartbeatLine) LineCodec.decode(a.lines().get(2));
        assertEquals("same", same.device());
        assertNull(same.parent(), "a device is not its own parent");
        assertNull(same.periodMs(), "a period under a second is dropped");
        assertNull(same.graceMs(), "a negative grace is dropped");
        HeartbeatLine odd = (HeartbeatLine) LineCodec.decode(a.lines().get(3));
        assertNull(odd.periodMs(), "a period over 400 days is dropped");
        assertNull(odd.graceMs(), "a grace that is not an ISO-8601 duration is dropped");
        assertNull(odd.parent());
        for (String line : a.lines()) {
            assertEquals(line, LineCodec.encode(LineCodec.decode(line)), "canonical");
            assertFalse(line.contains("from-header"), "a batch's items never take the X-Device header");
        }
    }

    @Test
    void aBatchWithoutAValidItemIsAProbe() throws Exception {
        Answer a = ping(batch("{\"note\":\"no checks yet\",\"items\":[{\"device\":\"---\"}]}"));
        assertEquals(200, a.status());
        assertEquals(List.of("[probe] {\"v\":2,\"ts\":" + TS + ",\"ip\":\"" + CLIENT_IP + "\",\"note\":\"no checks yet\"}"), a.lines());
    }

    @Test
    void atMost100ItemsOfABatchAreRead() throws Exception {
        // One device for all (two items may name the same device): the count is the point.
        StringBuilder body = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 120; i++) {
            body.append(i == 0 ? "" : ",").append("{\"device\":\"c\",\"note\":\"n").append(i).append("\"}");
        }
        Answer a = ping(batch(body.append("]}").toString()));
        assertEquals(200, a.status());
        assertEquals(Limits.MAX_BATCH_ITEMS, a.lines().size());
        assertEquals("n99", ((HeartbeatLine) LineCodec.decode(a.lines().get(99))).note());
    }

    @Test
    void aBatchOfExactly64KiBIsAccepted() throws Exception {
        String head = "{\"items\":[{\"device\":\"c1\"}],\"pad\":\"";
        String body = head + "y".repeat(Limits.MAX_BATCH_BODY_BYTES - head.length() - 2) + "\"}";
        Answer a = ping(batch(body));
        assertEquals(200, a.status());
        assertEquals(1, a.lines().size());
    }

    @Test
    void aBatchOneByteOver64KiBIs413AndWritesNothing() throws Exception {
        String head = "{\"items\":[{\"device\":\"c1\"}],\"pad\":\"";
        String body = head + "y".repeat(Limits.MAX_BATCH_BODY_BYTES + 1 - head.length() - 2) + "\"}";
        assertEquals(new Answer(413, List.of()), ping(batch(body)));
    }

    @Test
    void theBatchCapIsNotASingleBeatsCap() throws Exception {
        // The same 9000-byte body: a batch is read, a single beat is refused.
        String body = "{\"device\":\"pi\",\"items\":[{\"device\":\"c1\"}],\"pad\":\"" + "y".repeat(9000) + "\"}";
        assertEquals(new Answer(413, List.of()), ping(Call.post(body).keyed()));
        Answer a = ping(batch(body));
        assertEquals(200, a.status());
        assertEquals("c1", ((HeartbeatLine) LineCodec.decode(a.lines().get(0))).device());
    }

    @Test
    void anUnknownBatchVersionIs400AndWritesNothing() throws Exception {
        Answer a = ping(Call.post("{\"items\":[{\"device\":\"c1\"}]}").header(RequestForm.HEADER, "2").keyed());
        assertEquals(new Answer(400, List.of()), a);
    }

    @Test
    void aBatchNeedsTheKeyToo() throws Exception {
        assertEquals(new Answer(401, List.of()),
                ping(Call.post("{\"items\":[{\"device\":\"c1\"}]}").header(RequestForm.HEADER, "1")));
    }

    // ---- issue 18: stack-* ids are the peer stack's, never an agent key's ----

    @Test
    void aStacksReservedIdFromAnAgentsKeyIs403AndWritesNothing() throws Exception {
        // Azure: Ping refuses every stack-* id (the peer beats StackPing, with that function's own
        // key); the server: a key not bound to exactly that id. KEY is neither, so both say 403.
        assertEquals(new Answer(403, List.of()), ping(Call.post("{\"device\":\"stack-westeurope\"}").keyed()));
        assertEquals(new Answer(403, List.of()), ping(Call.get().header("X-Device", "Stack-WestEurope").keyed()));
        assertEquals(new Answer(403, List.of()), ping(Call.get().query("device", "stack-a").keyed()));
        Answer a = ping(batch("{\"items\":[{\"device\":\"c1\"},{\"device\":\"stack-westeurope\"}]}"));
        assertEquals(new Answer(403, List.of()), a, "one stack-* item refuses the whole batch");
        assertTrue(a.text().contains("stack-westeurope"), "the answer names the id: " + a.text());
    }

    private static Call batch(String body) {
        return Call.post(body).header(RequestForm.HEADER, RequestForm.BATCH_VERSION).keyed();
    }

    private static String beat(String device) {
        return "[heartbeat] {\"v\":2,\"ts\":" + TS + ",\"device\":\"" + device + "\",\"state\":\"running\",\"ip\":\"" + CLIENT_IP + "\"}";
    }
}
