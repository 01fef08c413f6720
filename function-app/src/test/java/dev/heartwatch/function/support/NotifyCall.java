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
import com.microsoft.azure.functions.OutputBinding;
import dev.heartwatch.function.Notify;
import dev.heartwatch.function.NotifyDeliver;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Invocations of {@link Notify} and {@link NotifyDeliver} over the library's real interfaces, their log lines captured. */
public final class NotifyCall {
    private NotifyCall() {
    }

    /** What the action group got, what went on the queue (null: nothing), and every line written. */
    public record Result(int status, String body, String queued, List<String> lines) {
    }

    public static Result post(Notify notify, String body) {
        @SuppressWarnings("unchecked")
        HttpRequestMessage<Optional<String>> request = mock(HttpRequestMessage.class);
        when(request.getHttpMethod()).thenReturn(HttpMethod.POST);
        when(request.getUri()).thenReturn(URI.create("https://example.invalid/api/notify"));
        when(request.getHeaders()).thenReturn(Map.of("content-type", "application/json"));
        when(request.getQueryParameters()).thenReturn(Map.of());
        when(request.getBody()).thenReturn(Optional.ofNullable(body));
        when(request.createResponseBuilder(any(HttpStatus.class))).thenAnswer(inv -> new FakeResponseBuilder(inv.getArgument(0)));
        when(request.createResponseBuilder(any(HttpStatusType.class))).thenAnswer(inv -> new FakeResponseBuilder(inv.getArgument(0)));
        List<String> lines = new ArrayList<>();
        String[] queued = new String[1];
        OutputBinding<String> queue = new OutputBinding<>() {
            @Override
            public String getValue() {
                return queued[0];
            }

            @Override
            public void setValue(String value) {
                queued[0] = value;
            }
        };
        HttpResponseMessage r = notify.run(request, queue, context("Notify", lines));
        return new Result(r.getStatusCode(), String.valueOf(r.getBody()), queued[0], List.copyOf(lines));
    }

    /** One dequeue of {@code message}; what it threw (the queue would retry), or null. */
    public static RuntimeException deliver(NotifyDeliver deliver, String message, List<String> lines) {
        try {
            deliver.run(message, context("NotifyDeliver", lines));
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    static ExecutionContext context(String name, List<String> lines) {
        Logger logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (lines) {
                    lines.add(record.getMessage());
                }
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
        when(context.getFunctionName()).thenReturn(name);
        when(context.getInvocationId()).thenReturn("00000000-0000-0000-0000-000000000000");
        return context;
    }
}
