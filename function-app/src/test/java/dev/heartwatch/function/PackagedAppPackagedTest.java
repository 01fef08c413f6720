package dev.heartwatch.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reads what azure-functions-maven-plugin generated in the `package` phase. */
class PackagedAppPackagedTest {
    private static final Path APP = Path.of("target", "azure-functions", "heartwatch");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void functionJsonDeclaresGetAndPostOnRoutePingWithFunctionAuth() throws Exception {
        Path functionJson = APP.resolve("Ping").resolve("function.json");
        assertTrue(Files.isRegularFile(functionJson), "run `mvn package` first: missing " + functionJson);
        JsonNode fn = JSON.readTree(functionJson.toFile());

        assertEquals("dev.heartwatch.function.Ping.run", fn.get("entryPoint").asText());
        JsonNode trigger = fn.get("bindings").get(0);
        assertEquals("httpTrigger", trigger.get("type").asText());
        assertEquals("ping", trigger.get("route").asText());
        assertEquals("FUNCTION", trigger.get("authLevel").asText().toUpperCase());
        Set<String> methods = new HashSet<>();
        trigger.get("methods").forEach(m -> methods.add(m.asText().toUpperCase()));
        assertEquals(Set.of("GET", "POST"), methods);
        assertEquals("http", fn.get("bindings").get(1).get("type").asText());
    }

    @Test
    void notifyIsAKeyProtectedPostThatWritesTheAlertQueueAndNotifyDeliverReadsIt() throws Exception {
        Path notifyJson = APP.resolve("Notify").resolve("function.json");
        assertTrue(Files.isRegularFile(notifyJson), "run `mvn package` first: missing " + notifyJson);
        JsonNode notify = JSON.readTree(notifyJson.toFile());
        assertEquals("dev.heartwatch.function.Notify.run", notify.get("entryPoint").asText());
        JsonNode http = binding(notify, "httpTrigger");
        assertEquals("notify", http.get("route").asText());
        assertEquals("FUNCTION", http.get("authLevel").asText().toUpperCase());
        Set<String> methods = new HashSet<>();
        http.get("methods").forEach(m -> methods.add(m.asText().toUpperCase()));
        assertEquals(Set.of("POST"), methods);
        JsonNode out = binding(notify, "queue");
        assertEquals("out", out.get("direction").asText());
        assertEquals("heartwatch-alerts", out.get("queueName").asText());
        assertEquals("AzureWebJobsStorage", out.get("connection").asText());

        JsonNode deliver = JSON.readTree(APP.resolve("NotifyDeliver").resolve("function.json").toFile());
        assertEquals("dev.heartwatch.function.NotifyDeliver.run", deliver.get("entryPoint").asText());
        JsonNode trigger = binding(deliver, "queueTrigger");
        assertEquals("heartwatch-alerts", trigger.get("queueName").asText());
        assertEquals("AzureWebJobsStorage", trigger.get("connection").asText());
    }

    @Test
    void stackBeatIsATimerOfEveryMinute() throws Exception {
        Path json = APP.resolve("StackBeat").resolve("function.json");
        assertTrue(Files.isRegularFile(json), "run `mvn package` first: missing " + json);
        JsonNode fn = JSON.readTree(json.toFile());
        assertEquals("dev.heartwatch.function.StackBeat.run", fn.get("entryPoint").asText());
        JsonNode timer = binding(fn, "timerTrigger");
        assertEquals("0 */1 * * * *", timer.get("schedule").asText());
    }

    @Test
    void stackPingIsAKeyProtectedPostOnARouteOfItsOwn() throws Exception {
        Path json = APP.resolve("StackPing").resolve("function.json");
        assertTrue(Files.isRegularFile(json), "run `mvn package` first: missing " + json);
        JsonNode fn = JSON.readTree(json.toFile());
        assertEquals("dev.heartwatch.function.StackPing.run", fn.get("entryPoint").asText());
        JsonNode http = binding(fn, "httpTrigger");
        assertEquals("stack-ping", http.get("route").asText());
        assertEquals("FUNCTION", http.get("authLevel").asText().toUpperCase());
        Set<String> methods = new HashSet<>();
        http.get("methods").forEach(m -> methods.add(m.asText().toUpperCase()));
        assertEquals(Set.of("POST"), methods);
    }

    private static JsonNode binding(JsonNode fn, String type) {
        for (JsonNode b : fn.get("bindings")) {
            if (type.equals(b.get("type").asText())) {
                return b;
            }
        }
        throw new AssertionError("no " + type + " binding in " + fn);
    }

    @Test
    void thePackageShipsTheChannelsAndNoAzureSdk() {
        assertTrue(Files.isRegularFile(APP.resolve("lib").resolve("heartwatch-channels-" + version() + ".jar")));
        try (var files = Files.list(APP.resolve("lib"))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("azure-core") || n.startsWith("azure-identity") || n.startsWith("msal4j")
                            || n.contains("netty") || n.startsWith("reactor-core"))
                    .toList(),
                    "the app calls Azure by plain REST with the JDK's HTTP client: no SDK, MSAL, reactor or netty");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void thePackageCarriesTheRepositoryHostJson() throws Exception {
        assertEquals(JSON.readTree(Path.of("..", "host.json").toFile()), JSON.readTree(APP.resolve("host.json").toFile()));
    }

    @Test
    void thePackageLeavesLocalSettingsOut() throws Exception {
        assertTrue(Files.isRegularFile(APP.resolve("host.json")), "run `mvn package` first: missing " + APP);
        try (var files = Files.walk(APP)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().equals("local.settings.json")).toList();
            assertEquals(List.of(), found, "local development settings are in the function package");
        }
    }

    @Test
    void thePackageShipsCoreAndJackson() {
        assertTrue(Files.isRegularFile(APP.resolve("lib").resolve("heartwatch-core-" + version() + ".jar")));
        assertTrue(Files.isRegularFile(APP.resolve("lib").resolve("jackson-databind-2.22.4.jar")));
    }

    private static String version() {
        return System.getProperty("project.version", "0.1.0-SNAPSHOT");
    }
}
