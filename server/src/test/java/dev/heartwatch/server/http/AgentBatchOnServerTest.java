package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.cause.Attempt;
import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.Endpoint;
import dev.heartwatch.agent.config.ProxySettings;
import dev.heartwatch.agent.ledger.Outage;
import dev.heartwatch.agent.send.BatchBody;
import dev.heartwatch.agent.send.HttpTransport;
import dev.heartwatch.common.SecretRedactor;
import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.server.HeartwatchServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own batch body (its checks' beats), posted by the agent's own transport to this
 * server's {@code /api/ping}: the server reads exactly what the agent writes, answers
 * {@code ok batch 1}, and the agent takes that as the acknowledgement of the outages it carried.
 */
class AgentBatchOnServerTest {
    private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");
    private static final String KEY = "agent-batch-key-0123456789abcdef0123456789";

    @TempDir
    static Path dir;
    private static HeartwatchServer server;
    private static final List<String> committed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = HeartwatchServer.start(TestConfig.config(dir, Map.of("HEARTWATCH_KEYS", KEY)),
                Clock.fixed(NOW, ZoneOffset.UTC), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                line -> committed.add(LineCodec.encode(line)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theAgentsBatchIsReadItemByItemAndAcknowledged() throws Exception {
        committed.clear();
        long sentAt = NOW.minusSeconds(1).toEpochMilli();
        Outage refused = new Outage("mx5erfit-1", NOW.minusSeconds(600).toEpochMilli(), NOW.minusSeconds(60).toEpochMilli(),
                Cause.REFUSED, "127.0.0.1:5432: ConnectException: Connection refused");
        List<BatchBody.Item> items = new ArrayList<>();
        items.add(new BatchBody.Item("home.db", "home", 60_000, 60_000, "0.8 ms tcp open", false, List.of(refused)));
        items.add(new BatchBody.Item("home.web", "home", 300_000, 0, "41 ms HTTP 200", false, List.of()));
        BatchBody body = BatchBody.of(sentAt, "0.2.0", items);
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(10), null, ProxySettings.NONE, SecretRedactor.none(), "0.2.0");

        Attempt a = transport.postBatch(Endpoint.parse(server.baseUri() + "/api/ping", KEY, "server"), body.bytes());

        assertTrue(a.ok() && a.acknowledges(), a.toString());
        List<ContractLine> lines = new ArrayList<>();
        for (String l : committed) {
            lines.add(LineCodec.decode(l));
        }
        assertEquals(3, lines.size(), committed.toString());
        HeartbeatLine db = (HeartbeatLine) lines.get(0);
        assertEquals("home.db", db.device());
        assertEquals("home", db.parent());
        assertEquals(60_000L, db.periodMs());
        assertEquals(60_000L, db.graceMs());
        assertEquals("0.8 ms tcp open", db.note());
        assertEquals(1000L, db.skewMs());
        assertEquals("0.2.0", db.agentVersion());
        OutageLine o = (OutageLine) lines.get(1);
        assertEquals("refused", o.cause());
        assertEquals("mx5erfit-1", o.id());
        HeartbeatLine web = (HeartbeatLine) lines.get(2);
        assertEquals(300_000L, web.periodMs());
        assertEquals(0L, web.graceMs());
    }

    @Test
    void theAgentsSingleBeatIsStillAPlainOk() throws Exception {
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(10), null, ProxySettings.NONE, SecretRedactor.none(), "0.2.0");
        Attempt a = transport.post(Endpoint.parse(server.baseUri() + "/api/ping", KEY, "server"),
                "{\"device\":\"home\",\"note\":\"scheduled heartbeat\"}".getBytes(StandardCharsets.UTF_8));
        assertTrue(a.ok(), a.toString());
    }
}
