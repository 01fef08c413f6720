package dev.heartwatch.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.server.support.ChildProcess;
import dev.heartwatch.server.support.Clients;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users of the original Python agent keep it: the project's own client with its wire behaviour
 * (requests, {@code src/test/resources/compat/requests_heartbeat.py}) against the real server,
 * in the three forms they send. Runs on every clone; the original itself is
 * {@link OriginalPythonAgentEndToEndTest}, run when its article is named.
 */
@Tag("full")
class PythonCompatEndToEndTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final String DEVICE = PythonAgentLifecycle.DEVICE;

    @TempDir
    Path dir;

    @Test
    void theOriginalAgentsPostLoopIsMonitoredDownAndResolved() throws Exception {
        PythonAgentLifecycle.run(greenMail, Clients.python(), Clients.compatClient(dir), dir);
    }

    /** One request of {@code form} from the client; the lines it stored, of {@code kind}. */
    private List<String> once(RunningServer s, String form, String kind) throws Exception {
        Path script = Clients.compatClient(dir);
        PythonAgentLifecycle.writeDotEnv(script, s);
        try (ChildProcess client = PythonAgentLifecycle.start(Clients.python(), script, dir, form, "--form", form, "--once")) {
            assertEquals(0, client.exitCode(30), client.output());
        }
        return s.server.store().lineTexts(null, kind, Instant.EPOCH, Instant.now());
    }

    @Test
    void theDeviceInAnXDeviceHeaderIsAHeartbeat() throws Exception {
        try (RunningServer s = new RunningServer(TestConfig.config(dir), Clock.systemUTC())) {
            List<String> beats = once(s, "header", "heartbeat");
            assertEquals(1, beats.size(), beats.toString());
            assertTrue(beats.get(0).contains("\"device\":\"" + DEVICE + "\""), beats.get(0));
            assertFalse(beats.get(0).contains(TestConfig.KEY), "the key in the URL never reaches a line");
        }
    }

    @Test
    void aBareGetIsAProbeThatCreatesNoDevice() throws Exception {
        try (RunningServer s = new RunningServer(TestConfig.config(dir), Clock.systemUTC())) {
            List<String> probes = once(s, "get", "probe");
            assertEquals(1, probes.size(), probes.toString());
            assertFalse(probes.get(0).contains(TestConfig.KEY), "the key in the URL never reaches a line");
            assertTrue(s.server.store().lineTexts(null, "heartbeat", Instant.EPOCH, Instant.now()).isEmpty());
            assertTrue(s.server.store().devices().device(DEVICE).isEmpty(), "a probe makes no device");
        }
    }
}
