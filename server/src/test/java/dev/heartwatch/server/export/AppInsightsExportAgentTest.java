package dev.heartwatch.server.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export with the real Application Insights Java agent 3.5.3 attached to the real
 * {@code heartwatch-server} (its {@code main}, configured by environment as in production),
 * pointed at a loopback ingestion endpoint: every contract line the server stores arrives once,
 * intact, unsampled. If a line were logged anywhere besides the export's logger, the agent
 * would see it twice and this test fails.
 */
@Tag("full")
class AppInsightsExportAgentTest {
    /** The JVM under test: the server's main, which prints {@code listening on http://127.0.0.1:PORT}. */
    static final String MAIN_UNDER_TEST = "dev.heartwatch.server.HeartwatchServer";

    static final Path AGENT_JAR = Path.of("target/appinsights/applicationinsights-agent.jar");
    static final Path AGENT_CONFIG = Path.of("target/classes/dev/heartwatch/server/export/applicationinsights.json");
    static final String IKEY = "00000000-0000-4000-8000-0000000000a1";
    static final String FUNCTION_KEY = "export-test-function-key-0123456789abcdef";
    static final int HEARTBEATS = 12;
    static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:\\d+");

    @TempDir
    Path dir;

    @Test
    void everyLineReachesApplicationInsightsOnceIntactAndUnsampled() throws Exception {
        if (!Files.isRegularFile(AGENT_JAR)) {
            fail(AGENT_JAR + " is missing: run `mvn -Pfull verify` (the full profile copies "
                    + "com.microsoft.azure:applicationinsights-agent:3.5.3 there) or scripts/test.sh");
        }
        try (FakeIngestion ingestion = new FakeIngestion()) {
            Process jvm = startUnderAgent(ingestion.endpoint(), dir);
            List<String> output = new CopyOnWriteArrayList<>();
            CompletableFuture<String> url = readUrl(jvm, output);
            try {
                String base = url.get(90, TimeUnit.SECONDS);
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                for (int seq = 1; seq <= HEARTBEATS; seq++) {
                    String body = seq == HEARTBEATS
                            ? "{\"device\":\"export-home\",\"seq\":" + seq + ",\"note\":\"back {0} 100%\","
                            + "\"outages\":[{\"id\":\"o-1\",\"start\":1795300000000,\"end\":1795300420000,"
                            + "\"cause\":\"dns\",\"detail\":\"resolver timed out\"}]}"
                            : "{\"device\":\"export-home\",\"seq\":" + seq + "}";
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/ping"))
                            .header("x-functions-key", FUNCTION_KEY)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, response.statusCode(), "ping " + seq + ": " + response.body());
                }
                int expected = HEARTBEATS + 1; // one [outage] line with the last heartbeat
                List<JsonNode> lines = awaitLines(ingestion, expected, Duration.ofSeconds(60));
                assertEquals(expected, lines.size(), () -> "contract lines received: " + messages(lines)
                        + "\nrequests: " + ingestion.requests() + "\njvm: " + output);

                List<Long> seqs = new ArrayList<>();
                int outages = 0;
                for (JsonNode envelope : lines) {
                    JsonNode sampleRate = envelope.get("sampleRate");
                    assertTrue(sampleRate == null || sampleRate.asDouble() == 100.0, "sampled: " + envelope);
                    String message = envelope.at("/data/baseData/message").asText();
                    ContractLine line = LineCodec.decode(message);
                    assertEquals(message, LineCodec.encode(line), "line altered in transit");
                    assertEquals(AppInsightsExport.LOGGER_NAME,
                            envelope.at("/data/baseData/properties/LoggerName").asText(), envelope.toString());
                    if (line instanceof HeartbeatLine beat) {
                        assertEquals("export-home", beat.device());
                        seqs.add(beat.seq());
                    } else if (line instanceof OutageLine outage) {
                        assertEquals("o-1", outage.id());
                        assertEquals("dns", outage.cause());
                        assertEquals(420_000L, outage.durationMs());
                        outages++;
                    }
                }
                seqs.sort(null);
                List<Long> all = new ArrayList<>();
                for (long s = 1; s <= HEARTBEATS; s++) {
                    all.add(s);
                }
                assertEquals(all, seqs, "each heartbeat exactly once");
                assertEquals(1, outages, "the outage exactly once");
                assertTrue(messages(lines).stream().anyMatch(m -> m.contains("back {0} 100%")),
                        "braces and percent signs arrive unformatted");
            } finally {
                jvm.destroy();
                if (!jvm.waitFor(20, TimeUnit.SECONDS)) {
                    jvm.destroyForcibly();
                }
            }
        }
    }

    private static Process startUnderAgent(String endpoint, Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx48m", "-XX:+UseSerialGC",
                "-javaagent:" + AGENT_JAR.toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), MAIN_UNDER_TEST);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("APPLICATIONINSIGHTS_"));
        env.put("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=" + IKEY
                + ";IngestionEndpoint=" + endpoint + ";LiveEndpoint=" + endpoint);
        env.put("APPLICATIONINSIGHTS_CONFIGURATION_FILE", AGENT_CONFIG.toAbsolutePath().toString());
        env.put("APPLICATIONINSIGHTS_PREVIEW_LIVE_METRICS_ENABLED", "false");
        env.put("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        // The server's own configuration (docs/server.md): an ephemeral loopback port, a scratch database.
        env.keySet().removeIf(k -> k.startsWith("HEARTWATCH_"));
        env.put("HEARTWATCH_KEYS", FUNCTION_KEY);
        env.put("HEARTWATCH_BIND", "127.0.0.1");
        env.put("HEARTWATCH_PORT", "0");
        env.put("HEARTWATCH_DB", dir.resolve("heartwatch.db").toString());
        env.put("HEARTWATCH_OUTBOX", dir.resolve("outbox").toString());
        return builder.start();
    }

    private static CompletableFuture<String> readUrl(Process jvm, List<String> output) {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.add(line);
                    Matcher m = URL.matcher(line);
                    if (!url.isDone() && line.contains("listening on") && m.find()) {
                        url.complete(m.group());
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException("the JVM under test exited: " + output));
        }, "export-jvm-output");
        reader.setDaemon(true);
        reader.start();
        return url;
    }

    /** Message envelopes that carry a contract line (the agent also sends its own metrics). */
    private static List<JsonNode> awaitLines(FakeIngestion ingestion, int expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> lines;
        do {
            lines = contractLines(ingestion.envelopes());
            if (lines.size() >= expected) {
                Thread.sleep(6_000); // one more batch interval: a duplicate would show up now
                return contractLines(ingestion.envelopes());
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return lines;
    }

    private static List<JsonNode> contractLines(List<JsonNode> envelopes) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : envelopes) {
            String message = e.at("/data/baseData/message").asText("");
            if ("MessageData".equals(e.at("/data/baseType").asText())
                    && (message.startsWith("[heartbeat] ") || message.startsWith("[outage] ") || message.startsWith("[probe] "))) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> messages(List<JsonNode> envelopes) {
        List<String> out = new ArrayList<>();
        envelopes.forEach(e -> out.add(e.at("/data/baseData/message").asText()));
        return out;
    }

}
