package dev.heartwatch.function;

import dev.heartwatch.core.contract.PingContract;
import dev.heartwatch.function.support.PingCall;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The ping contract against {@link Ping} as Azure runs it: the Functions host's part is done
 * here as its documentation says (authLevel {@code function}: the key from the
 * {@code x-functions-key} header or the {@code code} query parameter, checked before the function
 * runs; the front end sets {@code X-Client-IP} to the caller's address), then {@code Ping} is
 * invoked through the library's real interfaces ({@link PingCall}).
 */
class PingContractOnFunctionTest extends PingContract {
    private final Ping ping = new Ping(Clock.fixed(NOW, ZoneOffset.UTC));

    @Override
    protected Answer ping(Call call) {
        String key = call.headers.getOrDefault("x-functions-key", call.query.get("code"));
        if (!KEY.equals(key)) {
            return new Answer(401, List.of());
        }
        PingCall invocation = "GET".equals(call.method) ? PingCall.get() : PingCall.post(call.body);
        for (Map.Entry<String, String> h : call.headers.entrySet()) {
            if (!h.getKey().equalsIgnoreCase("X-Client-IP")) {
                invocation.header(h.getKey(), h.getValue());
            }
        }
        invocation.header("X-Client-IP", CLIENT_IP);
        call.query.forEach(invocation::query);
        PingCall.Result r = invocation.invoke(ping);
        return new Answer(r.status(), r.lines(), r.body());
    }
}
