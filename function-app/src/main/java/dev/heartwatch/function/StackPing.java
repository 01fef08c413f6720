package dev.heartwatch.function;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.heartwatch.core.contract.BeatItem;
import dev.heartwatch.core.contract.PingRequest;
import dev.heartwatch.core.contract.RequestForm;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 18: the peer stack's beats, {@code POST /api/stack-ping}, key-protected by the host
 * ({@code authLevel: function}). Its function key {@code peer} (scripts/deploy.sh sets it in both
 * apps) is held only by the other stack's {@link StackBeat}; the agents' key is {@code Ping}'s own
 * function key, which opens {@code Ping} and nothing else. A function key "allows access only to a
 * specific function endpoint", a host key "to all function endpoints in a function app" ("Work
 * with access keys in Azure Functions", Understand keys; learn.microsoft.com/azure/azure-functions/
 * function-keys-how-to), so a key that reaches this function is the peer's, or a host or master
 * key, which no agent is given.
 *
 * <p>It takes exactly one beat, for one id: {@code stack-<HEARTWATCH_PEER_NAME>}. No batch, no
 * outage report, no other device, no probe; anything else is refused and nothing written. What it
 * writes is what {@link Ping} writes for that beat: the same {@link Ping#answer} path, another gate.
 */
public class StackPing {
    static final String ROUTE = "stack-ping";

    private final Clock clock;
    private final Map<String, String> settings;

    /** Used by the Functions host. */
    public StackPing() {
        this(Clock.systemUTC(), System.getenv());
    }

    StackPing(Clock clock, Map<String, String> settings) {
        this.clock = clock;
        this.settings = settings;
    }

    @FunctionName("StackPing")
    public HttpResponseMessage run(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, route = ROUTE,
                    authLevel = AuthorizationLevel.FUNCTION) HttpRequestMessage<Optional<String>> request,
            final ExecutionContext context) {
        String peer = peerId();
        return Ping.answer("StackPing", request, context, clock, (ping, lines) -> check(peer, ping));
    }

    /** {@code stack-<HEARTWATCH_PEER_NAME>}, or null when this stack has no (valid) peer name. */
    String peerId() {
        String name = settings.get("HEARTWATCH_PEER_NAME");
        name = name == null ? "" : name.strip();
        return name.matches("[a-z0-9-]{1,40}") ? Ping.STACK_PREFIX + name : null;
    }

    static Ping.Refusal check(String peer, PingRequest ping) {
        if (peer == null) {
            return new Ping.Refusal(HttpStatus.FORBIDDEN, "this stack has no peer (HEARTWATCH_PEER_NAME is not set):"
                    + " StackPing takes nothing; nothing was written");
        }
        if (ping.form() != RequestForm.SINGLE) {
            return new Ping.Refusal(HttpStatus.BAD_REQUEST, "StackPing takes one beat of " + peer
                    + ", never a batch; nothing was written");
        }
        if (ping.beats().size() != 1 || !peer.equals(ping.beats().get(0).device())) {
            return new Ping.Refusal(HttpStatus.FORBIDDEN, "StackPing takes beats for " + peer
                    + " only (the peer stack's own id); nothing was written");
        }
        BeatItem beat = ping.beats().get(0);
        if (!beat.outages().isEmpty()) {
            return new Ping.Refusal(HttpStatus.BAD_REQUEST, "StackPing takes a beat, not an outage report;"
                    + " nothing was written");
        }
        return null;
    }
}
