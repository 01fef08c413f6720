package dev.heartwatch.server.support;

import dev.heartwatch.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Server settings for tests: loopback, an ephemeral port, a temp database, seconds-long thresholds. */
public final class TestConfig {
    public static final String KEY = "test-ping-key-0123456789abcdef0123456789";
    public static final String ADMIN_KEY = "test-admin-key-9876543210fedcba9876543210";
    /** The dashboard's and history's read key. */
    public static final String READ_KEY = "test-read-key-0123456789abcdef0123456789";

    private TestConfig() {
    }

    public static Map<String, String> settings(Path dir) {
        Map<String, String> m = new HashMap<>();
        m.put("HEARTWATCH_BIND", "127.0.0.1");
        m.put("HEARTWATCH_PORT", "0");
        m.put("HEARTWATCH_DB", dir.resolve("heartwatch.db").toString());
        m.put("HEARTWATCH_OUTBOX", dir.resolve("outbox").toString());
        m.put("HEARTWATCH_KEYS", KEY);
        m.put("HEARTWATCH_ADMIN_KEYS", ADMIN_KEY);
        m.put("HEARTWATCH_READ_KEY", READ_KEY);
        m.put("HEARTWATCH_THRESHOLD", "PT3S");
        m.put("HEARTWATCH_EVALUATION_FREQUENCY", "PT1S");
        m.put("HEARTWATCH_LOOKBACK", "PT1H");
        m.put("HEARTWATCH_HEARTBEAT_INTERVAL", "PT1S");
        m.put("HEARTWATCH_COOLDOWN", "PT1S");
        // Short, so the slow-client tests are cut off quickly (Jetty's idle timeout).
        m.put("HEARTWATCH_REQUEST_TIMEOUT", "PT2S");
        m.put("HEARTWATCH_HTTP_THREADS", "16");
        // Most tests kill an agent right after its first beat and expect DOWN: no new-device
        // warm-up for them (one beat ends it). The warm-up's own tests set it back.
        m.put("HEARTWATCH_WARM_UP_BEATS", "1");
        return m;
    }

    public static ServerConfig config(Path dir) {
        return ServerConfig.fromMap(settings(dir));
    }

    public static ServerConfig config(Path dir, Map<String, String> overrides) {
        Map<String, String> m = settings(dir);
        m.putAll(overrides);
        return ServerConfig.fromMap(m);
    }
}
