package dev.heartwatch.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.support.AgentProcess;
import dev.heartwatch.agent.support.RecordingEndpoint;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real agent, in its own JVM, with checks configured the way a user writes them. */
class AgentWithChecksTest {
    @TempDir
    Path dir;

    @Test
    void aHungCheckDelaysNeitherTheBeatNorTheOtherChecks() throws Exception {
        try (RecordingEndpoint endpoint = RecordingEndpoint.http();
             ServerSocket db = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) { // accepts, never answers
            AgentProcess agent = AgentProcess.start(dir, Map.of(
                    "HEARTBEAT_URL", endpoint.url(),
                    "HEARTBEAT_DEVICE", "Home",
                    "HEARTBEAT_INTERVAL", "1",
                    "HEARTBEAT_CHECK_DB", "tcp 127.0.0.1:" + db.getLocalPort() + " every PT0.5S",
                    "HEARTBEAT_CHECK_WEB", "http http://127.0.0.1:" + hung.getLocalPort() + "/health every PT1S timeout PT0.9S"));
            Thread.sleep(4500);
            agent.terminate();
            agent.waitFor(20);
            String out = agent.output();
            List<RecordingEndpoint.Received> beats = endpoint.beats();
            List<RecordingEndpoint.Received> batches = endpoint.batches();
            assertTrue(beats.size() >= 4, "the agent's own beat every second: " + beats.size() + "\n" + out);
            assertTrue(beats.get(0).body().contains("\"device\":\"Home\""), beats.get(0).body());
            assertTrue(batches.size() >= 3, "one batch a second: " + batches.size() + "\n" + out);
            RecordingEndpoint.Received first = batches.get(0);
            assertTrue(first.body().contains("\"device\":\"home.db\",\"parent\":\"home\",\"period\":\"PT1S\",\"grace\":\"PT1S\""),
                    first.body());
            for (RecordingEndpoint.Received b : batches) {
                assertFalse(b.body().contains("home.web") && !b.body().contains("\"state\":\"stopping\""),
                        "the hung check beats for nothing: " + b.body());
            }
            assertTrue(out.contains("check home.web down: timeout"), out);
            RecordingEndpoint.Received last = batches.get(batches.size() - 1);
            assertTrue(last.body().contains("\"device\":\"home.db\"") && last.body().contains("\"state\":\"stopping\""),
                    "a clean stop pauses the checks that are up: " + last.body());
            assertFalse(last.body().contains("home.web"), "a check that is down stays down: " + last.body());
        }
    }

    @Test
    void credentialsInACheckUrlNeverReachTheLogOrTheEndpoint() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (RecordingEndpoint endpoint = RecordingEndpoint.http()) {
            AgentProcess agent = AgentProcess.start(dir, Map.of("HEARTBEAT_URL", endpoint.url(), "HEARTBEAT_DEVICE", "home",
                    "HEARTBEAT_INTERVAL", "1", "HEARTBEAT_CHECK_ADMIN",
                    "http http://admin:Sup3rS3cretPw@127.0.0.1:" + closed + "/status?token=T0kenValue99 every PT0.5S"), "--verbose");
            Thread.sleep(2500);
            agent.terminate();
            agent.waitFor(20);
            String out = agent.output();
            assertTrue(out.contains("check home.admin down: refused"), out);
            for (String secret : new String[] {"Sup3rS3cretPw", "T0kenValue99", "admin:"}) {
                assertFalse(out.contains(secret), secret + " in the log:\n" + out);
                for (RecordingEndpoint.Received r : endpoint.received()) {
                    assertFalse(r.body().contains(secret), secret + " sent: " + r.body());
                }
            }
        }
    }

    @Test
    void aMalformedCheckLineStopsTheAgentAtStartNamingIt() throws Exception {
        try (RecordingEndpoint endpoint = RecordingEndpoint.http()) {
            AgentProcess agent = AgentProcess.start(dir, Map.of("HEARTBEAT_URL", endpoint.url(),
                    "HEARTBEAT_CHECK_NAS", "tcp nas.lan every PT1M"));
            assertEquals(2, agent.waitFor(20));
            assertTrue(agent.output().contains("configuration error: HEARTBEAT_CHECK_NAS: tcp's HOST:PORT must be HOST:PORT"),
                    agent.output());
            assertTrue(endpoint.received().isEmpty(), "nothing sent");
        }
    }
}
