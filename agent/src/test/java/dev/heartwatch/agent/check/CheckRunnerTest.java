package dev.heartwatch.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.CheckDefinition;
import dev.heartwatch.agent.config.Endpoint;
import dev.heartwatch.agent.config.ProxySettings;
import dev.heartwatch.agent.ledger.CheckLedger;
import dev.heartwatch.agent.ledger.Outage;
import dev.heartwatch.agent.log.AgentLog;
import dev.heartwatch.agent.send.HttpTransport;
import dev.heartwatch.agent.support.MutableClock;
import dev.heartwatch.agent.support.RecordingEndpoint;
import dev.heartwatch.common.SecretRedactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's rules with a real tcp check against a loopback port the test opens and closes,
 * and real batches posted by the agent's transport to a recording endpoint: a check beats until
 * its N-th consecutive failure, then its outage opens with the first failure's time and cause,
 * and its next pass carries it until a receiver that read the batch acknowledges it.
 */
class CheckRunnerTest {
    private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private RecordingEndpoint endpoint;
    private ServerSocket listener;
    private int port;
    private CheckLedger ledger;
    private CheckRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        endpoint = RecordingEndpoint.http();
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = listener.getLocalPort();
        AgentLog log = new AgentLog(new PrintStream(logged, true, StandardCharsets.UTF_8), SecretRedactor.none(), clock, false);
        ledger = CheckLedger.open(dir.resolve("ledger"), clock.millis(), log);
        Check db = CheckLine.parse(new CheckDefinition("db", "test", "tcp 127.0.0.1:" + port + " retries 3 timeout PT2S"),
                CheckConfigTest.DEFAULTS);
        Endpoint e = Endpoint.parse(endpoint.url(), "", "test");
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(5), null, ProxySettings.NONE, SecretRedactor.none(), "test");
        runner = new CheckRunner(List.of(db), "home", List.of(e), transport::postBatch, ledger, clock, log, "test",
                Duration.ofSeconds(60));
    }

    @AfterEach
    void tearDown() throws Exception {
        listener.close();
        endpoint.close();
    }

    private CheckState db() {
        return runner.states().get(0);
    }

    private void run() {
        runner.runOnce(db());
        clock.advance(Duration.ofMinutes(1));
    }

    private void reopen() throws Exception {
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    @Test
    void aPassIsOneItemOfTheBatchWithParentScheduleAndLatency() {
        run();
        runner.sendBatch();
        assertEquals(1, endpoint.batches().size());
        String body = endpoint.batches().get(0).body();
        assertTrue(body.startsWith("{\"sentAt\":" + T0.plusSeconds(60).toEpochMilli() + ",\"agentVersion\":\"test\",\"items\":[{"
                + "\"device\":\"home.db\",\"parent\":\"home\",\"period\":\"PT1M\",\"grace\":\"PT1M\",\"note\":\""), body);
        assertTrue(body.matches(".*\"note\":\"\\d+(\\.\\d)? ms tcp open\"}]}"), body);
        assertTrue(endpoint.beats().isEmpty(), "checks never send the agent's own beat");
        runner.sendBatch();
        assertEquals(1, endpoint.batches().size(), "nothing new to say: no request");
    }

    @Test
    void aCheckBeatsUntilItsNthConsecutiveFailureThenSendsNothing() throws Exception {
        listener.close();
        run();
        run();
        runner.sendBatch();
        assertTrue(endpoint.batches().get(0).body().contains("\"note\":\"failure 2 of 3: refused\""),
                endpoint.batches().get(0).body());
        assertFalse(ledger.isDown("home.db"), "two failures of three: not down yet");
        run();
        assertTrue(ledger.isDown("home.db"));
        runner.sendBatch();
        assertEquals(1, endpoint.batches().size(), "the third failure sends nothing for the device");
        run();
        runner.sendBatch();
        assertEquals(1, endpoint.batches().size());
    }

    @Test
    void theOutageStartsAtTheFirstFailureAndRidesTheNextPassWithItsCause() throws Exception {
        run(); // a pass, so the failures that follow are a fresh run
        listener.close();
        Instant firstFailure = clock.instant();
        run();
        run();
        run();
        reopen();
        Instant back = clock.instant();
        run();
        runner.sendBatch();
        String body = endpoint.batches().get(0).body();
        assertTrue(body.contains("\"outages\":[{\"id\":\"") && body.contains("\"start\":" + firstFailure.toEpochMilli()
                + ",\"end\":" + back.toEpochMilli() + ",\"cause\":\"refused\",\"detail\":\"127.0.0.1:" + port + ": "), body);
        assertTrue(ledger.pending("home.db", 5).isEmpty(), "acknowledged by 'ok batch 1'");
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("check home.db down: refused"), logged.toString());
    }

    @Test
    void anOlderReceiversPlainOkAcknowledgesNothing() throws Exception {
        endpoint.answerBatchesAsAnOlderReceiver();
        listener.close();
        run();
        run();
        run();
        reopen();
        run();
        runner.sendBatch();
        List<Outage> pending = ledger.pending("home.db", 5);
        assertEquals(1, pending.size(), "the outage waits for a receiver that reads batches");
        assertEquals(Cause.REFUSED, pending.get(0).cause());
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("without reading the batch"), logged.toString());
    }

    @Test
    void aCleanStopPausesEveryCheckThatIsUp() {
        runner.stop();
        String body = endpoint.batches().get(0).body();
        assertTrue(body.contains("\"device\":\"home.db\"") && body.contains("\"state\":\"stopping\""), body);
    }

    @Test
    void theLedgerSurvivesARestart() throws Exception {
        listener.close();
        run();
        run();
        run();
        CheckLedger again = CheckLedger.open(dir.resolve("ledger"), clock.millis(),
                new AgentLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), SecretRedactor.none(), clock, false));
        assertTrue(again.isDown("home.db"));
        assertNull(again.recordFailure("home.db", clock.millis(), Cause.TIMEOUT, "again"), "still the same outage");
    }

    private CheckRunner fanout(RecordingEndpoint first, RecordingEndpoint second) throws Exception {
        AgentLog log = new AgentLog(new PrintStream(logged, true, StandardCharsets.UTF_8), SecretRedactor.none(), clock, false);
        Check db = CheckLine.parse(new CheckDefinition("db", "test", "tcp 127.0.0.1:" + port + " retries 3 timeout PT2S"),
                CheckConfigTest.DEFAULTS);
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(5), null, ProxySettings.NONE, SecretRedactor.none(), "test");
        return new CheckRunner(List.of(db), "home", List.of(Endpoint.parse(first.url(), "", "test"),
                Endpoint.parse(second.url(), "", "test")), transport::postBatch, ledger, clock, log, "test",
                Duration.ofSeconds(60), true);
    }

    @Test
    void inFanOutTheBatchGoesToEveryStackAndIsDeliveredWhenAnyAnswers() throws Exception {
        try (RecordingEndpoint secondary = RecordingEndpoint.http()) {
            secondary.answer(n -> 503); // the secondary stack is down; the primary answers
            runner = fanout(endpoint, secondary);
            run(); // a pass, then three failures: the device's outage, closed by the next pass
            listener.close();
            run();
            run();
            run();
            reopen();
            run();
            runner.sendBatch();
            assertEquals(1, endpoint.batches().size(), "the primary answered the batch");
            assertEquals(1, secondary.batches().size(), "fan-out, not failover: the secondary got it too");
            assertEquals(endpoint.batches().get(0).body(), secondary.batches().get(0).body(), "the same batch to both");
            assertTrue(ledger.pending("home.db", 5).isEmpty(), "the answering stack acknowledged the outage");
            String log = logged.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("checks' batch missed by " + secondary.url() + " (http_5xx"), log);
            assertFalse(log.contains("checks' batch not delivered"), "one stack answered: delivered\n" + log);
        }
    }

    @Test
    void inFanOutTheBatchIsNotDeliveredOnlyWhenNoStackAnswers() throws Exception {
        try (RecordingEndpoint secondary = RecordingEndpoint.http()) {
            endpoint.answer(n -> 503);
            secondary.answer(n -> 502);
            runner = fanout(endpoint, secondary);
            listener.close();
            run();
            run();
            run();
            reopen();
            run();
            runner.sendBatch();
            assertEquals(1, secondary.batches().size(), "both tried");
            assertEquals(1, ledger.pending("home.db", 5).size(), "not acknowledged: it rides the next batch");
            assertTrue(logged.toString(StandardCharsets.UTF_8).contains("checks' batch not delivered"), logged.toString());
        }
    }

    @Test
    void theLatencyHasOneDecimalBelowTenMillisecondsAndNoneAbove() {
        assertEquals("0.0 ms", CheckRunner.latency(42));
        assertEquals("0.3 ms", CheckRunner.latency(345));
        assertEquals("1.0 ms", CheckRunner.latency(1_000));
        assertEquals("9.9 ms", CheckRunner.latency(9_999));
        assertEquals("10 ms", CheckRunner.latency(10_000));
        assertEquals("1234 ms", CheckRunner.latency(1_234_567));
    }
}
