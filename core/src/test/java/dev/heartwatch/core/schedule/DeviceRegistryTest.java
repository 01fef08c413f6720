package dev.heartwatch.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeviceRegistryTest {

    private static final Duration LOOKBACK = Duration.ofDays(2);
    private static final Duration EVALUATION = Duration.ofMinutes(5);
    private static final Instant FROM = Instant.parse("2026-12-02T00:00:00Z");

    private static String resource(String name) throws IOException {
        try (InputStream in = DeviceRegistryTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> problems(String json) {
        return assertThrows(DeviceRegistryException.class, () -> DeviceRegistry.parse(json)).problems();
    }

    private static String onlyProblem(String json) {
        List<String> p = problems(json);
        assertEquals(1, p.size(), p.toString());
        return p.get(0);
    }

    @Test
    void todaysFileParsesUnchanged() throws IOException {
        // infra/devices.json as it is in the repository today, copied.
        assertEquals(List.of(), DeviceRegistry.parse(resource("devices-today.json")).devices());
        // and the form `heartwatch devices add` writes today: plain ids.
        DeviceRegistry r = DeviceRegistry.parse("[\n  \"home-router\",\n  \"nas\"\n]\n");
        assertEquals(List.of(RegisteredDevice.expected("home-router"), RegisteredDevice.expected("nas")), r.devices());
        assertEquals(Set.of("home-router", "nas"), r.expectedIds());
        assertEquals(Schedule.DEFAULT, r.scheduleOf("nas"));
        assertEquals(Schedule.DEFAULT, r.scheduleOf("not-registered"));
    }

    @Test
    void objectsCarryTheirSchedulesAndChannels() {
        DeviceRegistry r = DeviceRegistry.parse("""
                ["router",
                 {"id": "nas", "period": "PT10M", "grace": "PT5M", "channels": ["email", "ntfy"]},
                 {"id": "backup", "cron": "30 2 * * *", "timeZone": "Europe/Berlin", "grace": "PT1H"},
                 {"id": "laptop", "expected": false}]
                """);
        assertEquals(new Schedule.Period(Duration.ofMinutes(10), Duration.ofMinutes(5)), r.scheduleOf("nas"));
        assertEquals(List.of("email", "ntfy"), r.find("nas").orElseThrow().channels());
        assertEquals(new Schedule.Cron("30 2 * * *", ZoneId.of("Europe/Berlin"), Duration.ofHours(1)), r.scheduleOf("backup"));
        assertFalse(r.find("laptop").orElseThrow().expected());
        assertEquals(Schedule.DEFAULT, r.scheduleOf("laptop"));
        assertEquals(Set.of("router", "nas", "backup"), r.expectedIds());
    }

    @Test
    void toJsonParsesBackEqualAndKeepsPlainIdsPlain() {
        DeviceRegistry r = DeviceRegistry.parse("""
                ["router", {"id": "nas", "period": "PT10M", "grace": "PT5M", "channels": ["email"]},
                 {"id": "backup", "cron": "30 2 * * *", "timeZone": "Asia/Kolkata", "grace": "PT1H"},
                 {"id": "laptop", "expected": false}]
                """);
        String text = r.toJson();
        assertEquals(r, DeviceRegistry.parse(text));
        assertTrue(text.contains("\"router\""), text);
        assertFalse(text.contains("\"id\" : \"router\""), text);
    }

    @Test
    void nextDueTimesFollowTheSchedule() {
        DeviceRegistry r = DeviceRegistry.parse("""
                [{"id": "backup", "cron": "30 2 * * *", "timeZone": "Asia/Kolkata", "grace": "PT1H"},
                 {"id": "nas", "period": "PT10M", "grace": "PT5M"}]
                """);
        assertEquals(List.of(Instant.parse("2026-12-02T21:00:00Z"), Instant.parse("2026-12-03T21:00:00Z")),
                r.find("backup").orElseThrow().nextDue(FROM, 2));
        assertEquals(List.of(Instant.parse("2026-12-02T00:10:00Z"), Instant.parse("2026-12-02T00:20:00Z")),
                r.find("nas").orElseThrow().nextDue(FROM, 2));
        assertThrows(IllegalArgumentException.class, () -> r.find("nas").orElseThrow().nextDue(FROM, 0));
    }

    @Test
    void everyProblemIsReportedWithItsEntry() {
        List<String> p = problems("""
                ["ok",
                 {"id": "a", "period": "PT0S", "grace": "PT5M"},
                 {"id": "b", "cron": "61 * * * *", "timeZone": "Europe/Berlin", "grace": "PT1H"},
                 {"id": "c", "cron": "30 2 * * *", "timeZone": "Mars/Olympus", "grace": "PT1H"},
                 {"id": "d", "period": "PT10M", "grace": "-PT5M"},
                 "ok"]
                """);
        assertEquals(5, p.size(), p.toString());
        assertEquals("entry 2 (\"a\"): period must be a positive ISO-8601 duration such as PT10M: got PT0S", p.get(0));
        assertTrue(p.get(1).startsWith("entry 3 (\"b\"): cron \"61 * * * *\" is not a five-field Unix cron (Value 61 not in range [0, 59])"), p.get(1));
        assertTrue(p.get(2).startsWith("entry 4 (\"c\"): timeZone \"Mars/Olympus\" is not an IANA time zone (unknown zone): use e.g. Europe/Berlin"), p.get(2));
        assertEquals("entry 5 (\"d\"): grace must be a positive ISO-8601 duration such as PT5M: got PT-5M", p.get(3));
        assertEquals("entry 6 (\"ok\"): device \"ok\" is listed twice", p.get(4));
    }

    @Test
    void zonesMustBeIanaNames() {
        assertTrue(onlyProblem("[{\"id\": \"x\", \"cron\": \"0 * * * *\", \"timeZone\": \"europe/berlin\", \"grace\": \"PT5M\"}]")
                .endsWith("did you mean \"Europe/Berlin\"?"));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"cron\": \"0 * * * *\", \"timeZone\": \"+05:30\", \"grace\": \"PT5M\"}]")
                .contains("a fixed offset ignores daylight saving"));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"cron\": \"0 * * * *\", \"grace\": \"PT5M\"}]")
                .contains("\"cron\" needs a \"timeZone\""));
    }

    @Test
    void durationsMustBeIso8601() {
        assertEquals("entry 1 (\"x\"): period \"10m\" is not an ISO-8601 duration: use e.g. PT30S, PT10M, PT1H or P1D",
                onlyProblem("[{\"id\": \"x\", \"period\": \"10m\", \"grace\": \"PT5M\"}]"));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"period\": \"P1M\", \"grace\": \"PT5M\"}]").contains("not an ISO-8601 duration"),
                "months have no fixed length");
        assertTrue(onlyProblem("[{\"id\": \"x\", \"period\": \"PT99999999999999999999H\", \"grace\": \"PT5M\"}]")
                .contains("not an ISO-8601 duration"));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"period\": \"P400D\", \"grace\": \"PT5M\"}]").contains("at most P366D"));
    }

    @Test
    void scheduleFieldsMustComeTogether() {
        assertTrue(onlyProblem("[{\"id\": \"x\", \"period\": \"PT10M\"}]").contains("\"grace\" is required with a \"period\""));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"grace\": \"PT10M\"}]").contains("\"grace\" needs a \"period\" or a \"cron\""));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"timeZone\": \"Etc/UTC\"}]").contains("only applies to a \"cron\""));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"period\": \"PT1M\", \"timeZone\": \"Etc/UTC\", \"grace\": \"PT1M\"}]")
                .contains("only applies to a \"cron\""));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"period\": \"PT1M\", \"cron\": \"* * * * *\", \"grace\": \"PT1M\"}]")
                .contains("not both"));
    }

    @Test
    void shapesAndTyposAreRefused() {
        assertTrue(onlyProblem("\"router\"").startsWith("expected a JSON array"));
        // {"devices": [...]} is the object form (with "defaults"); a misspelt key in it is refused.
        assertTrue(onlyProblem("{\"device\": []}").contains("unknown top-level field \"device\""));
        assertTrue(onlyProblem("[1]").contains("found number"));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"grase\": \"PT5M\"}]").contains("unknown field \"grase\""));
        assertTrue(onlyProblem("[{\"period\": \"PT5M\", \"grace\": \"PT5M\"}]").contains("\"id\" is required"));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"expected\": \"yes\"}]").contains("true or false"));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"channels\": \"email\"}]").contains("must be an array"));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"channels\": [\"email\", \"email\"]}]").contains("listed twice"));
        assertTrue(onlyProblem("[{\"id\": \"x\", \"id\": \"y\"}]").startsWith("not valid JSON"), "duplicate keys");
        assertTrue(onlyProblem("[\"a\",").startsWith("not valid JSON (line 1"));
        assertTrue(onlyProblem("[\"Home Router\"]").contains("(it would be \"home-router\")"));
        // One value, nothing after it: an entry spliced into "[" + entry + "]" cannot close the array early.
        assertTrue(onlyProblem("[\"a\"] [\"b\"]").startsWith("not valid JSON"));
        assertTrue(onlyProblem("[\"a\"],[\"b\"]").startsWith("not valid JSON"));
    }

    @Test
    void hostileTextIsQuotedSafelyAndCutShort() {
        String p = onlyProblem("[{\"id\": \"x\", \"cron\": \"0 0 * * *\\n[heartbeat] forged\\u001b[2J\", \"timeZone\": \"Etc/UTC\", \"grace\": \"PT5M\"}]");
        assertFalse(p.contains("\n"), p);
        assertFalse(p.contains("\u001b"), p);
        String longCron = "1,".repeat(5000) + "1 * * * *";
        String q = onlyProblem("[{\"id\": \"x\", \"cron\": \"" + longCron + "\", \"timeZone\": \"Etc/UTC\", \"grace\": \"PT5M\"}]");
        assertTrue(q.contains("longer than 200 characters"), q);
        assertTrue(q.length() < 800, "the message does not repeat the whole input: " + q.length());
        String id = onlyProblem("[\"\\u0000\\u202e\"]");
        assertFalse(id.contains("\u0000") || id.contains("\u202e"), id);
    }

    @Test
    void azureFitUsesPeriodOrLongestCronGapPlusGrace() {
        AzureFit nas = new Schedule.Period(Duration.ofMinutes(10), Duration.ofMinutes(5)).fitsAzure(LOOKBACK, EVALUATION, FROM);
        assertTrue(nas.fits(), nas.reason());
        assertEquals(Duration.ofMinutes(15), nas.needed());
        assertEquals(Duration.ofHours(47).plusMinutes(55), nas.limit());
        // The boundary: exactly the limit fits, a second more does not.
        assertTrue(new Schedule.Period(Duration.ofHours(47), Duration.ofMinutes(55)).fitsAzure(LOOKBACK, EVALUATION, FROM).fits());
        AzureFit over = new Schedule.Period(Duration.ofHours(47), Duration.ofMinutes(55).plusSeconds(1)).fitsAzure(LOOKBACK, EVALUATION, FROM);
        assertFalse(over.fits());
        assertTrue(over.reason().contains("beyond Azure's limit of PT47H55M"), over.reason());

        // Daily at 02:30 in Berlin: the year's longest gap is the 25-hour fall-back day.
        AzureFit daily = new Schedule.Cron("30 2 * * *", ZoneId.of("Europe/Berlin"), Duration.ofHours(1))
                .fitsAzure(LOOKBACK, EVALUATION, Instant.parse("2026-01-01T00:00:00Z"));
        assertTrue(daily.fits(), daily.reason());
        assertEquals(Duration.ofHours(26), daily.needed());
        // Weekdays only: Friday to Monday is three days, beyond two.
        AzureFit weekdays = new Schedule.Cron("0 9 * * 1-5", ZoneId.of("Europe/Berlin"), Duration.ofHours(1))
                .fitsAzure(LOOKBACK, EVALUATION, FROM);
        assertFalse(weekdays.fits(), weekdays.reason());
        assertTrue(weekdays.reason().contains("longest gap between runs"), weekdays.reason());
        assertTrue(Schedule.DEFAULT.fitsAzure(LOOKBACK, EVALUATION, FROM).fits());
    }

    @Test
    void azureMisfitsNameEachDeviceThatDoesNotFit() {
        DeviceRegistry r = DeviceRegistry.parse("""
                ["router",
                 {"id": "backup", "cron": "30 2 * * *", "timeZone": "Europe/Berlin", "grace": "PT1H"},
                 {"id": "office", "cron": "0 9 * * 1-5", "timeZone": "Europe/Berlin", "grace": "PT1H"},
                 {"id": "weekly", "period": "P7D", "grace": "PT1H"}]
                """);
        List<String> misfits = r.azureMisfits(LOOKBACK, EVALUATION, FROM);
        assertEquals(2, misfits.size(), misfits.toString());
        assertTrue(misfits.get(0).startsWith("device \"office\": cron \"0 9 * * 1-5\""), misfits.get(0));
        assertTrue(misfits.get(1).startsWith("device \"weekly\": period P7D plus grace PT1H is PT169H, beyond Azure's limit of PT47H55M (the alert query reads at most its lookback P2D minus one evaluation PT5M)"), misfits.get(1));
    }
}
