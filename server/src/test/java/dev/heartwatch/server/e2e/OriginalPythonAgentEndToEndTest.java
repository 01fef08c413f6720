package dev.heartwatch.server.e2e;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.server.support.Clients;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original Python agent, unchanged, taken from the article it was published in (not part of
 * the repository). Tagged {@code original-agent}: no ordinary run selects it; the server's
 * {@code original-agent} Maven profile runs it when {@code -Dheartwatch.seeds.dir} names the
 * article's folder, and it fails when that folder does not hold the article.
 */
@Tag("original-agent")
class OriginalPythonAgentEndToEndTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    @Test
    void theOriginalAgentIsMonitoredUnchanged() throws Exception {
        PythonAgentLifecycle.run(greenMail, Clients.python(), Clients.pythonAgent(dir), dir);
    }
}
