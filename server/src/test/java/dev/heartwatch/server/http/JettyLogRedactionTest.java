package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Keys ride in URLs ({@code ?code=} as in Azure, the dashboard's {@code ?key=}), and Jetty's
 * warnings may quote a request's URI: whatever Jetty logs reaches the process's handlers with
 * every such value redacted, and nothing else of the line lost.
 */
class JettyLogRedactionTest {
    @Test
    void aKeyInAJettyWarningNeverReachesTheLog() throws Exception {
        new WebServer("127.0.0.1", 0, 2, Duration.ofSeconds(1), null, new Routes(null, null, null, null)).close();
        List<String> published = new ArrayList<>();
        Handler collect = new Handler() {
            @Override
            public void publish(LogRecord record) {
                published.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(collect);
        try {
            Logger.getLogger("org.eclipse.jetty.server.Response").warning(
                    "writeError: status=500, response={500,POST@1 http://x/api/ping?code=s3cret-ping-key&device=pi HTTP/1.1}");
            Logger.getLogger("org.eclipse.jetty.server.Response").warning("GET /?key=s3cret-read-key]");
            Logger.getLogger("org.eclipse.jetty.server.Response").info("below WARNING: not published");
        } finally {
            root.removeHandler(collect);
        }
        assertEquals(2, published.size(), published.toString());
        for (String line : published) {
            assertFalse(line.contains("s3cret"), line);
        }
        assertTrue(published.get(0).contains("?code=(redacted)&device=pi HTTP/1.1}"), published.get(0));
        assertTrue(published.get(1).contains("?key=(redacted)]"), published.get(1));
    }
}
