package dev.heartwatch.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * A request's query parameters, decoded once by Jetty (UTF-8); a name given twice keeps its first
 * value, as the Functions host's {@code getQueryParameters()} map does for the ping.
 */
public final class Query {
    private final Fields fields;

    private Query(Fields fields) {
        this.fields = fields;
    }

    /** The query, or empty when it is not valid percent-encoding (the caller answers 400). */
    public static Optional<Query> of(Request request) {
        try {
            return Optional.of(new Query(Request.extractQueryParameters(request, StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        return fields.getValue(name);
    }

    public String getOrDefault(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }
}
