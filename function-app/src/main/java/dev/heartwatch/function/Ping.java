package dev.heartwatch.function;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.contract.PingRequest;
import dev.heartwatch.core.contract.RequestForm;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The heartbeat endpoint: {@code GET|POST /api/ping}, key-protected by the host
 * ({@code authLevel: function}). It reads the request as {@code docs/contract.md} defines and
 * writes one line per fact through the function's logger, which the Functions host forwards to
 * Application Insights {@code traces}. A thin adapter: all rules live in {@code core}.
 *
 * <p>{@code heartwatch-server} reads requests with the same {@code PingRequest} of {@code core};
 * one contract suite ({@code PingContract}, core's test-jar) holds both to the same answers.
 *
 * <p>Issue 18: {@code stack-*} ids are the stacks' own beats, and only the peer stack may send
 * them. The host checks the key but does not tell a function which key it was, so they go to a
 * function of their own, {@link StackPing}, whose function key {@code peer} only the peer holds;
 * here a request with any {@code stack-*} line (a single beat or any batch item) is refused whole,
 * {@code 403} and nothing written, as {@code heartwatch-server} refuses one from a key not bound to
 * that id. Both use {@link #answer}: one code path from the request to the lines.
 */
public class Ping {
    /** The reserved prefix of a stack's own device id (docs/regions.md, "Names"). */
    static final String STACK_PREFIX = "stack-";

    /** Why a request that was read may not be written: its status and the answer text. */
    record Refusal(HttpStatus status, String answer) {
    }

    /** What a receiver refuses once the request is read; null when the lines may be written. */
    interface Gate {
        Refusal check(PingRequest ping, List<ContractLine> lines);
    }

    private final Clock clock;

    /** Used by the Functions host. */
    public Ping() {
        this(Clock.systemUTC());
    }

    /** For tests, and for hosts that keep their own clock. */
    public Ping(Clock clock) {
        this.clock = clock;
    }

    @FunctionName("Ping")
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET, HttpMethod.POST}, route = "ping",
                    authLevel = AuthorizationLevel.FUNCTION) HttpRequestMessage<Optional<String>> request,
            final ExecutionContext context) {
        return answer("Ping", request, context, clock, Ping::refuseStackIds);
    }

    /** Ping's gate: a line of a stack's reserved id is the peer's to send, through StackPing. */
    static Refusal refuseStackIds(PingRequest ping, List<ContractLine> lines) {
        for (ContractLine line : lines) {
            String device = line instanceof HeartbeatLine h ? h.device() : line instanceof OutageLine o ? o.device() : null;
            if (device != null && device.startsWith(STACK_PREFIX)) {
                // The id is sanitised (contract §3: [a-z0-9._-]), so it is safe to name.
                return new Refusal(HttpStatus.FORBIDDEN, device + " is a stack's reserved id: only the peer stack beats"
                        + " for it, through its own function (StackPing) and key; nothing from this request was written");
            }
        }
        return null;
    }

    /**
     * Reads the request as the contract says, asks {@code gate}, and writes the lines (or answers
     * the refusal, writing nothing). The one path of both {@code Ping} and {@link StackPing}.
     */
    static HttpResponseMessage answer(String function, HttpRequestMessage<Optional<String>> request,
                                      ExecutionContext context, Clock clock, Gate gate) {
        Logger log = context.getLogger();
        try {
            String body = request.getBody() == null ? null : request.getBody().orElse(null);
            Map<String, String> headers = request.getHeaders() == null ? Map.of() : request.getHeaders();
            Map<String, String> query = request.getQueryParameters() == null ? Map.of() : request.getQueryParameters();
            Function<String, String> header = name -> lookupIgnoreCase(headers, name);
            RequestForm form = RequestForm.of(header);
            if (form == RequestForm.UNSUPPORTED) {
                return text(request, HttpStatus.BAD_REQUEST, RequestForm.unsupportedAnswer());
            }
            // The host has read the whole body already (its own cap is far larger); the form's cap is ours.
            if (PingRequest.isOversized(body, form)) {
                return text(request, HttpStatus.PAYLOAD_TOO_LARGE, form.tooLargeAnswer());
            }
            PingRequest ping = PingRequest.read(body, header,
                    name -> lookupIgnoreCase(query, name),
                    keyOf(headers, query));
            List<ContractLine> lines = ping.lines(clock.millis());
            Refusal refused = gate.check(ping, lines);
            if (refused != null) {
                return text(request, refused.status(), refused.answer());
            }
            for (ContractLine line : lines) {
                log.info(LineCodec.encode(line));
            }
            return text(request, HttpStatus.OK, ping.answer());
        } catch (RuntimeException e) {
            // Nothing a client sends should get here; if something does, it is our bug, and the
            // client still gets a 4xx without details rather than a 5xx with a stack trace.
            log.log(Level.WARNING, function + " rejected a request: " + e.getClass().getSimpleName());
            return text(request, HttpStatus.BAD_REQUEST, "bad request");
        }
    }

    private static String keyOf(Map<String, String> headers, Map<String, String> query) {
        String key = lookupIgnoreCase(headers, "x-functions-key");
        return key != null ? key : lookupIgnoreCase(query, "code");
    }

    /** The host may or may not lower-case header names; look them up either way. */
    static String lookupIgnoreCase(Map<String, String> map, String name) {
        String value = map.get(name);
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    static HttpResponseMessage text(HttpRequestMessage<?> request, HttpStatus status, String body) {
        return request.createResponseBuilder(status)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(body)
                .build();
    }
}
