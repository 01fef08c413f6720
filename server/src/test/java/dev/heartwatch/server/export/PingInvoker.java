package dev.heartwatch.server.export;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import dev.heartwatch.function.Ping;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A minimal host for the real {@link Ping}, over the functions library's own interfaces (the
 * server module has its own; this one is for the export smoke JVM only).
 *
 * <p>Its logger keeps the lines away from {@code Logger.log(LogRecord)}, the method the
 * Application Insights agent instruments: otherwise every line would reach {@code traces} twice,
 * once from Ping's logger and once from the export.
 */
final class PingInvoker {
    record Result(int status, String body, List<String> lines) {
    }

    private final Ping ping;

    PingInvoker(Ping ping) {
        this.ping = ping;
    }

    Result invoke(HttpMethod method, URI uri, Map<String, String> headers, Map<String, String> query, String body) {
        LineCatcher logger = new LineCatcher();
        HttpRequestMessage<Optional<String>> request = new HttpRequestMessage<>() {
            @Override
            public URI getUri() {
                return uri;
            }

            @Override
            public HttpMethod getHttpMethod() {
                return method;
            }

            @Override
            public Map<String, String> getHeaders() {
                return headers;
            }

            @Override
            public Map<String, String> getQueryParameters() {
                return query;
            }

            @Override
            public Optional<String> getBody() {
                return Optional.ofNullable(body);
            }

            @Override
            public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
                return new ResponseBuilder(status);
            }

            @Override
            public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
                return new ResponseBuilder(status);
            }
        };
        String invocationId = UUID.randomUUID().toString();
        ExecutionContext context = new ExecutionContext() {
            @Override
            public Logger getLogger() {
                return logger;
            }

            @Override
            public String getInvocationId() {
                return invocationId;
            }

            @Override
            public String getFunctionName() {
                return "Ping";
            }
        };
        HttpResponseMessage response = ping.run(request, context);
        return new Result(response.getStatusCode(), String.valueOf(response.getBody()), List.copyOf(logger.lines));
    }

    /** Takes INFO messages as lines; never builds a LogRecord, so no agent sees them here. */
    private static final class LineCatcher extends Logger {
        final List<String> lines = new ArrayList<>();

        LineCatcher() {
            super(null, null);
        }

        @Override
        public void info(String msg) {
            lines.add(msg);
        }

        @Override
        public void log(Level level, String msg) {
            if (level == Level.INFO) {
                lines.add(msg);
            }
            // Ping's own warnings carry no line; the smoke host has nowhere to put them.
        }
    }

    private static final class ResponseBuilder implements HttpResponseMessage.Builder {
        private HttpStatusType status;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Object body;

        ResponseBuilder(HttpStatusType status) {
            this.status = status;
        }

        @Override
        public HttpResponseMessage.Builder status(HttpStatusType status) {
            this.status = status;
            return this;
        }

        @Override
        public HttpResponseMessage.Builder header(String key, String value) {
            headers.put(key, value);
            return this;
        }

        @Override
        public HttpResponseMessage.Builder body(Object body) {
            this.body = body;
            return this;
        }

        @Override
        public HttpResponseMessage build() {
            HttpStatusType s = status;
            Map<String, String> h = Map.copyOf(headers);
            Object b = body;
            return new HttpResponseMessage() {
                @Override
                public HttpStatusType getStatus() {
                    return s;
                }

                @Override
                public String getHeader(String key) {
                    return h.get(key);
                }

                @Override
                public Object getBody() {
                    return b;
                }
            };
        }
    }
}
