package dev.heartwatch.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a host.json means for Heartwatch's lines, per the host.json reference and "Configure
 * monitoring for Azure Functions" (learn.microsoft.com): sampling is on by default and applies to
 * every type not in {@code excludedTypes} (and, when {@code includedTypes} is set, only to those);
 * log levels are matched by the longest category prefix, {@code default} otherwise.
 */
final class HostJsonPolicy {
    private static final List<String> LEVELS = List.of("trace", "debug", "information", "warning", "error", "critical", "none");
    private final JsonNode root;

    HostJsonPolicy(JsonNode root) {
        this.root = root;
    }

    /** The repository's host.json, for generators that cannot throw checked exceptions. */
    static HostJsonPolicy read0() {
        try {
            return read(Path.of("..", "host.json"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static HostJsonPolicy read(Path hostJson) throws IOException {
        return new HostJsonPolicy(new ObjectMapper().readTree(hostJson.toFile()));
    }

    boolean traceCanBeSampled() {
        JsonNode sampling = root.path("logging").path("applicationInsights").path("samplingSettings");
        if (!sampling.path("isEnabled").asBoolean(true)) {
            return false;
        }
        List<String> included = types(sampling.path("includedTypes").asText(""));
        if (included.contains("trace")) {
            return true; // included wins: the docs say included types are sampled
        }
        if (!included.isEmpty()) {
            return false;
        }
        return !types(sampling.path("excludedTypes").asText("")).contains("trace");
    }

    /** True when {@code category} is logged at {@code level} or anything more severe. */
    boolean logs(String category, String level) {
        return LEVELS.indexOf(levelOf(category)) <= LEVELS.indexOf(level.toLowerCase(Locale.ROOT));
    }

    /**
     * Rows the host itself adds to Application Insights for one successful invocation: the
     * "Executing"/"Executed" traces (category Function.Ping, Information) and the request row
     * (Host.Results, Information).
     */
    int hostRowsPerSuccessfulInvocation() {
        int rows = 0;
        if (logs("Function.Ping", "Information")) {
            rows += 2;
        }
        if (logs("Host.Results", "Information")) {
            rows += 1;
        }
        return rows;
    }

    String levelOf(String category) {
        JsonNode levels = root.path("logging").path("logLevel");
        String best = null;
        for (var it = levels.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            boolean matches = category.equals(name) || category.startsWith(name + ".");
            if (matches && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        String level = best != null ? levels.get(best).asText() : levels.path("default").asText("Information");
        return level.toLowerCase(Locale.ROOT);
    }

    private static List<String> types(String list) {
        return Arrays.stream(list.split(";")).map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    }
}
