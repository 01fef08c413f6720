package dev.heartwatch.function.support;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import dev.heartwatch.function.Ping;
import dev.heartwatch.function.StackPing;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One invocation of {@link Ping} (or {@link StackPing}) over the library's real interfaces: a Mockito request and
 * context, the shared fake builder, and a real {@link Logger} whose records are captured the way
 * the Functions host receives them.
 */
public final class PingCall {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> query = new LinkedHashMap<>();
    private HttpMethod method = HttpMethod.POST;
    private String body;

    public static PingCall post(String body) {
        PingCall call = new PingCall();
        call.body = body;
        return call;
    }

    public static PingCall get() {
        PingCall call = new PingCall();
        call.method = HttpMethod.GET;
        return call;
    }

    public PingCall header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public PingCall query(String name, String value) {
        query.put(name, value);
        return this;
    }

    public Result invoke(Ping ping) {
        return invoke("Ping", ping::run);
    }

    /** The peer stack's endpoint (issue 18), through the same interfaces. */
    public Result invoke(StackPing stackPing) {
        return invoke("StackPing", stackPing::run);
    }

    private Result invoke(String function,
                          BiFunction<HttpRequestMessage<Optional<String>>, ExecutionContext, HttpResponseMessage> run) {
        @SuppressWarnings("unchecked")
        HttpRequestMessage<Optional<String>> request = mock(HttpRequestMessage.class);
        when(request.getHttpMethod()).thenReturn(method);
        when(request.getUri()).thenReturn(URI.create("https://example.invalid/api/ping"));
        when(request.getHeaders()).thenReturn(Map.copyOf(headers));
        when(request.getQueryParameters()).thenReturn(Map.copyOf(query));
        when(request.getBody()).thenReturn(Optional.ofNullable(body));
        // Both overloads: the host's HttpRequestMessage has one for HttpStatus and one for the type.
        when(request.createResponseBuilder(any(HttpStatus.class)))
                .thenAnswer(inv -> new FakeResponseBuilder(inv.getArgument(0)));
        when(request.createResponseBuilder(any(HttpStatusType.class)))
                .thenAnswer(inv -> new FakeResponseBuilder(inv.getArgument(0)));

        Logger logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        List<String> lines = new ArrayList<>();
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        ExecutionContext context = mock(ExecutionContext.class);
        when(context.getLogger()).thenReturn(logger);
        when(context.getFunctionName()).thenReturn(function);
        when(context.getInvocationId()).thenReturn("00000000-0000-0000-0000-000000000000");

        HttpResponseMessage response = run.apply(request, context);
        return new Result(response.getStatusCode(), String.valueOf(response.getBody()),
                response.getHeader("Content-Type"), List.copyOf(lines));
    }

    /** What the client got, and every line written. */
    public record Result(int status, String body, String contentType, List<String> lines) {
    }
}
