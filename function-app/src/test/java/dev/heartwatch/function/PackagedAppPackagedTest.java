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
