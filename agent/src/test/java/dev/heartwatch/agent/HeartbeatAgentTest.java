package dev.heartwatch.agent;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.cause.FaultLocator;
import dev.heartwatch.agent.config.AgentConfig;
import dev.heartwatch.agent.config.ProxySettings;
import dev.heartwatch.agent.ledger.Outage;
import dev.heartwatch.agent.ledger.OutageLedger;
import dev.heartwatch.agent.log.AgentLog;
import dev.heartwatch.agent.send.HeartbeatBody;
import dev.heartwatch.agent.send.HttpTransport;
import dev.heartwatch.agent.support.Bodies;
import dev.heartwatch.agent.support.MutableClock;
import dev.heartwatch.agent.support.RawFaultServer;
import dev.heartwatch.agent.support.RecordingEndpoint;
import dev.heartwatch.agent.support.TestCertificates;
import dev.heartwatch.common.SecretRedactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


/** The agent against real loopback servers, with the wall clock injected: whole outages in milliseconds. */
class HeartbeatAgentTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir
    static Path certDir;
    static TestCertificates trusted;
    static TestCertificates stranger;

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(T0);
    final ByteArrayOutputStream output = new ByteArrayOutputStream();
    boolean gatewayAnswers = true;

    @BeforeAll
    static void certificates() throws Exception {
        trusted = TestCertificates.generate(certDir, "trusted");
        stranger = TestCertificates.generate(certDir, "stranger");
    }

    private AgentConfig config(String url, String... secondaries) throws Exception {
        return AgentConfig.from(new String[] {"--url", url, "--device", "home-pi", "--interval", "PT1M",
            "--timeout", "PT2S", "--secondary-urls", String.join(",", secondaries),
            "--ledger", dir.resolve("ledger").toString()}, Map.of(), null);
    }

    private HeartbeatAgent agent(AgentConfig config, boolean verbose) throws Exception {
        SecretRedactor redactor = new SecretRedactor(config.secrets());
        AgentLog log = new AgentLog(new PrintStream(output, true, StandardCharsets.UTF_8), redactor, clock, verbose);
        SSLSocketFactory tls = trusted.clientContext().getSocketFactory();
        OutageLedger ledger = OutageLedger.open(config.ledger(), clock.millis(), log);
        FaultLocator locator = new FaultLocator(() -> InetAddress.getLoopbackAddress(), gw -> gatewayAnswers);
        HeartbeatAgent agent = new HeartbeatAgent(config, new HttpTransport(config.timeout(),
                tls, ProxySettings.NONE, redactor, "1.2.3"),
                ledger, locator, clock, log, "1.2.3");
        agent.start();
        return agent;
    }

    private OutageLedger ledger() throws Exception {
        return OutageLedger.open(dir.resolve("ledger"), clock.millis(), new AgentLog(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), SecretRedactor.none(), clock, false));
    }

    /** Every outage an endpoint acknowledged, in order. */
    private static List<Bodies.SentOutage> reported(RecordingEndpoint server) {
        List<Bodies.SentOutage> all = new ArrayList<>();
        for (RecordingEndpoint.Received r : server.received()) {
            if (r.status() == 200) {
                all.addAll(Bodies.outages(r.body()));
            }
        }
        return all;
    }

    private String out() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anOutageIsReportedWithItsExactStartAndEndAndForgottenOnceAcknowledged() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.answer(n -> n == 2 || n == 3 ? 503 : 200);
            HeartbeatAgent agent = agent(config(server.url()), false);
            for (int i = 0; i < 6; i++) {
                agent.beat(HeartbeatAgent.RUNNING);
                clock.advance(MINUTE);
            }
            List<RecordingEndpoint.Received> got = server.received();
            assertEquals(6, got.size());
            assertTrue(Bodies.outages(got.get(3).body()).isEmpty(), "the recovering beat closes, the next reports");
            List<Bodies.SentOutage> reported = Bodies.outages(got.get(4).body());
            assertEquals(1, reported.size());
            Bodies.SentOutage o = reported.get(0);
            assertEquals(T0.plus(MINUTE).toEpochMilli(), o.start(), "first failed beat");
            assertEquals(T0.plus(MINUTE.multipliedBy(3)).toEpochMilli(), o.end(), "first successful beat");
            assertEquals("http_5xx", o.cause());
            assertTrue(o.detail().startsWith("endpoint: HTTP 503"), o.detail());
            assertTrue(Bodies.outages(got.get(5).body()).isEmpty(), "acknowledged by the 200: not sent again");
            assertTrue(ledger().pending(20).isEmpty());
            assertEquals("home-pi", Bodies.field(got.get(0).body(), "device"));
            assertEquals("1", Bodies.field(got.get(0).body(), "seq"));
            assertEquals("6", Bodies.field(got.get(5).body(), "seq"));
            assertEquals("1.2.3", Bodies.field(got.get(0).body(), "agentVersion"));
            assertEquals("running", Bodies.field(got.get(0).body(), "state"));
            assertEquals(String.valueOf(T0.toEpochMilli()), Bodies.field(got.get(0).body(), "sentAt"));
        }
    }

    @Test
    void everyFaultBecomesAnOutageWithItsCause() throws Exception {
        try (RecordingEndpoint good = RecordingEndpoint.https(trusted.serverContext());
             RecordingEndpoint fails500 = RecordingEndpoint.http();
             RecordingEndpoint fails429 = RecordingEndpoint.http();
             RecordingEndpoint untrusted = RecordingEndpoint.https(stranger.serverContext());
             RecordingEndpoint dribbles = RecordingEndpoint.https(trusted.serverContext());
             RawFaultServer resets = RawFaultServer.start(RawFaultServer.Fault.RESET);
             RawFaultServer hangs = RawFaultServer.start(RawFaultServer.Fault.HANG)) {
            fails500.answer(n -> 500);
            fails429.answer(n -> 429);
            dribbles.dribble(500); // 10 bytes x 500 ms = 5 s > 2 s
            Map<String, String> faults = new java.util.LinkedHashMap<>();
            faults.put("http://127.0.0.1:" + RawFaultServer.refusingPort() + "/api/ping", "refused");
            faults.put(resets.url(), "reset");
            faults.put(hangs.url(), "read_timeout");
            faults.put(dribbles.url(), "read_timeout");
            faults.put(fails500.url(), "http_5xx");
            faults.put(fails429.url(), "http_5xx");
            faults.put(untrusted.url(), "tls");
            faults.put("https://heartwatch-agent-test.invalid/api/ping", "dns");
            List<String> expectedCauses = new ArrayList<>();
            for (Map.Entry<String, String> f : faults.entrySet()) {
                HeartbeatAgent failing = agent(config(f.getKey()), false);
                long t0 = System.nanoTime();
                assertFalse(failing.beat(HeartbeatAgent.RUNNING), f.getKey());
                assertTrue((System.nanoTime() - t0) / 1_000_000 < 3000, "a beat never outlives its timeout");
                clock.advance(MINUTE);
                failing.beat(HeartbeatAgent.RUNNING);
                clock.advance(MINUTE);
                assertTrue(agent(config(good.url()), false).beat(HeartbeatAgent.RUNNING));
                clock.advance(MINUTE);
                expectedCauses.add(f.getValue());
            }
            agent(config(good.url()), false).beat(HeartbeatAgent.RUNNING); // reports the last one
            List<Bodies.SentOutage> reported = reported(good);
            List<String> causes = new ArrayList<>();
            for (int i = 0; i < reported.size(); i++) {
                Bodies.SentOutage o = reported.get(i);
                causes.add(o.cause());
                assertEquals(T0.plus(MINUTE.multipliedBy(3L * i)).toEpochMilli(), o.start(), o.cause());
                assertEquals(o.start() + 2 * MINUTE.toMillis(), o.end(), o.cause());
            }
            assertEquals(expectedCauses, causes);
            assertTrue(ledger().pending(20).isEmpty(), "all acknowledged");
        }
    }

    @Test
    void aRejectedKeyIsLoudButNeverAnOutage() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.answer(n -> n <= 2 ? 401 : 200);
            HeartbeatAgent agent = agent(config(server.url() + "?code=wrongKey123"), false);
            assertFalse(agent.beat(HeartbeatAgent.RUNNING));
            assertFalse(agent.beat(HeartbeatAgent.RUNNING));
            assertTrue(agent.beat(HeartbeatAgent.RUNNING));
            assertTrue(ledger().pending(20).isEmpty());
            assertNull(ledger().openOutage());
            assertTrue(out().contains("KEY REJECTED"), out());
            assertFalse(out().contains("wrongKey123"));
        }
    }

    @Test
    void aSilentGatewayMakesTheCauseHomeNetworkAndAnAnsweringOneSaysUpstream() throws Exception {
        try (RawFaultServer hangs = RawFaultServer.start(RawFaultServer.Fault.HANG);
             RecordingEndpoint good = RecordingEndpoint.http()) {
            gatewayAnswers = false;
            agent(config(hangs.url()), false).beat(HeartbeatAgent.RUNNING);
            clock.advance(MINUTE);
            agent(config(good.url()), false).beat(HeartbeatAgent.RUNNING);
            gatewayAnswers = true;
            clock.advance(MINUTE);
            agent(config(hangs.url()), false).beat(HeartbeatAgent.RUNNING);
            clock.advance(MINUTE);
            agent(config(good.url()), false).beat(HeartbeatAgent.RUNNING);
            clock.advance(MINUTE);
            agent(config(good.url()), false).beat(HeartbeatAgent.RUNNING);
            List<Bodies.SentOutage> p = reported(good);
            assertEquals("home_network", p.get(0).cause());
            assertTrue(p.get(0).detail().startsWith("home network: gateway 127.0.0.1 did not answer; read_timeout"),
                    p.get(0).detail());
            assertEquals("read_timeout", p.get(1).cause());
            assertTrue(p.get(1).detail().startsWith("ISP/upstream: gateway 127.0.0.1 answered"), p.get(1).detail());
        }
    }

    @Test
    void aFailedPrimaryFailsOverAndSaysSoInTheNoteWithoutAnOutage() throws Exception {
        try (RecordingEndpoint secondary = RecordingEndpoint.http()) {
            String primary = "http://127.0.0.1:" + RawFaultServer.refusingPort() + "/api/ping";
            HeartbeatAgent agent = agent(config(primary, secondary.url()), false);
            assertTrue(agent.beat(HeartbeatAgent.RUNNING));
            assertNull(ledger().openOutage());
            assertEquals("scheduled heartbeat; primary failed: refused",
                    Bodies.field(secondary.received().get(0).body(), "note"));
            assertTrue(out().contains("heartbeat delivered by secondary 1"), out());
        }
    }

    @Test
    void anOutageIsAnOutageOnlyWhenEveryEndpointFails() throws Exception {
        try (RecordingEndpoint secondary = RecordingEndpoint.http()) {
            secondary.answer(n -> 502);
            String primary = "http://127.0.0.1:" + RawFaultServer.refusingPort() + "/api/ping";
            HeartbeatAgent agent = agent(config(primary, secondary.url()), false);
            assertFalse(agent.beat(HeartbeatAgent.RUNNING));
            Outage o = ledger().openOutage();
            assertEquals(Cause.REFUSED, o.cause(), "the primary's cause");
            assertTrue(o.detail().endsWith("; secondary 1: http_5xx"), o.detail());
        }
    }

    private AgentConfig fanout(String url, String... secondaries) throws Exception {
        return AgentConfig.from(new String[] {"--url", url, "--device", "home-pi", "--interval", "PT1M",
            "--timeout", "PT2S", "--secondary-urls", String.join(",", secondaries), "--secondary-mode", "fanout",
            "--ledger", dir.resolve("ledger").toString()}, Map.of(), null);
    }

    @Test
    void fanOutSendsEveryBeatToEveryStack() throws Exception {
        try (RecordingEndpoint primary = RecordingEndpoint.http(); RecordingEndpoint secondary = RecordingEndpoint.http()) {
            HeartbeatAgent agent = agent(fanout(primary.url(), secondary.url()), false);
            for (int i = 0; i < 3; i++) {
                assertTrue(agent.beat(HeartbeatAgent.RUNNING));
                clock.advance(MINUTE);
            }
            assertEquals(3, primary.received().size());
            assertEquals(3, secondary.received().size(), "fan-out, not failover: the secondary gets every beat");
            assertEquals("scheduled heartbeat", Bodies.field(secondary.received().get(0).body(), "note"));
            assertEquals(Bodies.field(primary.received().get(2).body(), "seq"), Bodies.field(secondary.received().get(2).body(), "seq"),
                    "one beat, the same body to both");
        }
    }

    @Test
    void aStackThatFailsWhileTheOtherAnswersIsAStackFaultNotAnOutageOfTheHome() throws Exception {
        try (RecordingEndpoint primary = RecordingEndpoint.http(); RecordingEndpoint secondary = RecordingEndpoint.http()) {
            primary.answer(n -> n >= 2 && n <= 4 ? 503 : 200);
            HeartbeatAgent agent = agent(fanout(primary.url(), secondary.url()), false);
            for (int i = 0; i < 6; i++) {
                assertTrue(agent.beat(HeartbeatAgent.RUNNING), "the home is up while any stack answers");
                clock.advance(MINUTE);
            }
            assertNull(ledger().openOutage());
            assertTrue(ledger().pending(20).isEmpty(), "no outage of the home to report");
            for (RecordingEndpoint.Received r : secondary.received()) {
                assertTrue(Bodies.outages(r.body()).isEmpty(), "no outage rode any beat");
            }
            String log = out();
            assertEquals(1, log.split("stack fault: ", -1).length - 1, "said once when it starts:\n" + log);
            assertTrue(log.contains(HeartbeatAgent.STACK_UNREACHABLE + " (http_5xx"), log);
            assertTrue(log.contains("stack fault over: "), "and once when it ends:\n" + log);
        }
    }

    @Test
    void aStackFaultIsReportedOnceInTheNoteOfTheNextBeatToTheStackThatMissedIt() throws Exception {
        try (RecordingEndpoint primary = RecordingEndpoint.http(); RecordingEndpoint secondary = RecordingEndpoint.http()) {
            primary.answer(n -> n >= 2 && n <= 4 ? 503 : 200);
            HeartbeatAgent agent = agent(fanout(primary.url(), secondary.url()), false);
            for (int i = 0; i < 8; i++) {
                assertTrue(agent.beat(HeartbeatAgent.RUNNING));
                clock.advance(MINUTE);
            }
            String expected = "scheduled heartbeat; missed 3 beats from 2026-11-21T10:01:00Z to 2026-11-21T10:04:00Z ("
                    + HeartbeatAgent.STACK_UNREACHABLE + "; " + secondary.url() + " answered)";
            List<String> notes = new ArrayList<>();
            for (RecordingEndpoint.Received r : primary.received()) {
                notes.add(Bodies.field(r.body(), "note"));
            }
            assertEquals(expected, notes.get(5), "the beat after it answers again says what it missed:\n" + notes);
            assertEquals(1, notes.stream().filter(n -> n.contains("missed")).count(), "once, then forgotten:\n" + notes);
            for (RecordingEndpoint.Received r : secondary.received()) {
                assertEquals("scheduled heartbeat", Bodies.field(r.body(), "note"), "only the stack that missed it hears of it");
                assertTrue(Bodies.outages(r.body()).isEmpty(), "not an outage report: the home was up");
            }
            assertTrue(ledger().pending(20).isEmpty());
            assertTrue(ledger().openStackFaults().isEmpty());
            assertNull(ledger().unreportedStackFault(primary.url()), "forgotten once the stack answered the note");
        }
    }

    @Test
    void aStackFaultIsInTheLedgerAndSurvivesARestart() throws Exception {
        try (RecordingEndpoint primary = RecordingEndpoint.http(); RecordingEndpoint secondary = RecordingEndpoint.http()) {
            secondary.answer(n -> n <= 3 ? 502 : 200);
            HeartbeatAgent first = agent(fanout(primary.url(), secondary.url()), false);
            assertTrue(first.beat(HeartbeatAgent.RUNNING));
            clock.advance(MINUTE);
            assertTrue(first.beat(HeartbeatAgent.RUNNING));
            first.stop(); // the secondary is still failing: its fault stays open across the restart
            assertEquals(List.of(secondary.url()), ledger().openStackFaults(), "recorded in the ledger file");
            clock.advance(MINUTE);
            HeartbeatAgent second = agent(fanout(primary.url(), secondary.url()), false);
            assertTrue(second.beat(HeartbeatAgent.RUNNING)); // the secondary answers again (its 4th request: the 3rd was the stopping beat)
            clock.advance(MINUTE);
            assertTrue(second.beat(HeartbeatAgent.RUNNING));
            List<RecordingEndpoint.Received> got = secondary.received();
            String note = Bodies.field(got.get(got.size() - 1).body(), "note");
            assertEquals("scheduled heartbeat; missed 3 beats from 2026-11-21T10:00:00Z to 2026-11-21T10:02:00Z ("
                    + HeartbeatAgent.STACK_UNREACHABLE + "; " + primary.url() + " answered)", note,
                    "counted across the restart, including the stopping beat");
            assertTrue(ledger().pending(20).isEmpty(), "never an outage of the home");
        }
    }

    @Test
    void fanOutIsAnOutageOnlyWhenNoStackAnswers() throws Exception {
        try (RecordingEndpoint secondary = RecordingEndpoint.http()) {
            secondary.answer(n -> 502);
            String primary = "http://127.0.0.1:" + RawFaultServer.refusingPort() + "/api/ping";
            HeartbeatAgent agent = agent(fanout(primary, secondary.url()), false);
            assertFalse(agent.beat(HeartbeatAgent.RUNNING));
            Outage o = ledger().openOutage();
            assertEquals(Cause.REFUSED, o.cause(), "the primary's cause");
            assertTrue(o.detail().endsWith("; secondary 1: http_5xx"), o.detail());
        }
    }

    @Test
    void fanOutNeedsASecondaryAndTheModeIsOneOfTwo() {
        String err = org.junit.jupiter.api.Assertions.assertThrows(dev.heartwatch.agent.config.ConfigException.class,
                () -> fanout("http://127.0.0.1:1/api/ping")).getMessage();
        assertTrue(err.contains("at least one secondary"), err);
        org.junit.jupiter.api.Assertions.assertThrows(dev.heartwatch.agent.config.ConfigException.class,
                () -> AgentConfig.from(new String[] {"--url", "http://127.0.0.1:1/api/ping", "--device", "d",
                    "--secondary-urls", "http://127.0.0.1:2/api/ping", "--secondary-mode", "both"}, Map.of(), null));
    }

    @Test
    void aLongBacklogRidesSeveralBeatsEachUnder8KiB() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            // 45 outages with long multi-byte details: more than one body can carry.
            server.answer(n -> n <= 90 && n % 2 == 1 ? 500 : 200);
            HeartbeatAgent agent = agent(config(server.url()), false);
            for (int i = 0; i < 110; i++) {
                agent.beat(HeartbeatAgent.RUNNING);
                clock.advance(MINUTE);
            }
            Set<String> ids = new HashSet<>();
            for (RecordingEndpoint.Received r : server.received()) {
                assertTrue(r.body().getBytes(StandardCharsets.UTF_8).length < 8192);
                List<Bodies.SentOutage> carried = Bodies.outages(r.body());
                assertTrue(carried.size() <= HeartbeatBody.MAX_OUTAGES);
                for (Bodies.SentOutage o : carried) {
                    if (r.status() == 200) {
                        assertTrue(ids.add(o.id()), "acknowledged twice: " + o.id());
                    }
                }
            }
            assertEquals(45, ids.size());
            assertTrue(ledger().pending(100).isEmpty());
        }
    }

    @Test
    void bodiesStayUnderTheLimitWhateverTheDetails() {
        List<Outage> many = new ArrayList<>();
        String wide = "\u00e9\u4e2d\ud83d\ude00".repeat(100);
        for (int i = 0; i < 40; i++) {
            many.add(new Outage("id-" + i, 1, 2, Cause.UNKNOWN, wide));
        }
        HeartbeatBody b = HeartbeatBody.of("d", wide, 1, 1, "v", "running", many);
        assertTrue(b.bytes().length <= HeartbeatBody.MAX_BYTES);
        assertTrue(b.carried().size() >= 5, "still makes progress: " + b.carried().size());
    }

    @Test
    void quietByDefaultOnlyStateChangesAreLogged() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            server.answer(n -> n == 4 ? 500 : 200);
            HeartbeatAgent agent = agent(config(server.url()), false);
            for (int i = 0; i < 6; i++) {
                agent.beat(HeartbeatAgent.RUNNING);
                clock.advance(MINUTE);
            }
            String[] lines = out().split("\n");
            List<String> kinds = new ArrayList<>();
            for (String l : lines) {
                kinds.add(l.substring(l.indexOf(' ') + 1).split(" ")[0]);
            }
            assertEquals(List.of("heartwatch-agent", "up:", "down:", "up", "endpoint"), kinds, out());
        }
    }

    @Test
    void verboseLogsEveryBeat() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            HeartbeatAgent agent = agent(config(server.url()), true);
            for (int i = 0; i < 3; i++) {
                agent.beat(HeartbeatAgent.RUNNING);
            }
            assertEquals(3, out().split("beat \\d+ ok", -1).length - 1, out());
        }
    }

    @Test
    void aDeliberateStopSendsAStoppingBeatAndRecordsTheCleanStop() throws Exception {
        try (RecordingEndpoint server = RecordingEndpoint.http()) {
            HeartbeatAgent agent = agent(config(server.url()), false);
            agent.beat(HeartbeatAgent.RUNNING);
            clock.advance(MINUTE);
            assertTrue(agent.stop());
            assertEquals("stopping", Bodies.field(server.received().get(1).body(), "state"));
            clock.advance(Duration.ofHours(5));
            agent(config(server.url()), false);
            assertNull(ledger().openOutage(), "a deliberate stop is not an outage");
        }
    }
}
