package dev.heartwatch.function;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.OutputBinding;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.QueueOutput;
import dev.heartwatch.function.notify.AlertNotice;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The action group's webhook: {@code POST /api/notify}, key-protected by the host
 * ({@code authLevel: function}; a call without the key gets 401 before this code runs). It reads
 * the common alert schema ({@link AlertNotice}), puts a compact message on the queue
 * {@value #QUEUE} through the managed identity (connection {@value #CONNECTION}) and answers
 * {@code 202} at once: an action group that sees its webhook fail or time out retries, then
 * stops calling it for a while, so nothing slow happens here. {@code NotifyDeliver} does the rest.
 *
 * <p>A payload that is not the common alert schema gets {@code 400} and one log line naming what
 * is wrong (ours, never the payload's text).
 */
public class Notify {
    public static final String QUEUE = "heartwatch-alerts";
    public static final String CONNECTION = "AzureWebJobsStorage";
    /** A log search alert's payload is a few KB; the host's own cap is far larger. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    @FunctionName("Notify")
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, route = "notify",
                    authLevel = AuthorizationLevel.FUNCTION) HttpRequestMessage<Optional<String>> request,
            @QueueOutput(name = "alert", queueName = QUEUE, connection = CONNECTION) OutputBinding<String> queue,
            final ExecutionContext context) {
        Logger log = context.getLogger();
        String body = request.getBody() == null ? null : request.getBody().orElse(null);
        if (body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            log.warning("Notify refused a payload larger than " + MAX_BODY_BYTES + " bytes");
            return text(request, HttpStatus.PAYLOAD_TOO_LARGE, "payload too large");
        }
        AlertNotice notice;
        try {
            notice = AlertNotice.parse(body);
        } catch (AlertNotice.BadAlert e) {
            log.warning("Notify refused a payload: " + e.getMessage());
            return text(request, HttpStatus.BAD_REQUEST, "not an Azure Monitor common alert schema payload: " + e.getMessage());
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "Notify refused a payload: " + e.getClass().getSimpleName());
            return text(request, HttpStatus.BAD_REQUEST, "bad request");
        }
        queue.setValue(notice.toQueueMessage());
        log.info("Notify queued " + notice.state() + " of " + notice.device());
        return text(request, HttpStatus.ACCEPTED, "queued");
    }

    private static HttpResponseMessage text(HttpRequestMessage<?> request, HttpStatus status, String body) {
        return request.createResponseBuilder(status)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(body)
                .build();
    }
}
