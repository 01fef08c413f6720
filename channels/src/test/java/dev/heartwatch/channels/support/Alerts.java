package dev.heartwatch.channels.support;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Source;
import java.time.Instant;

/** Alert messages as the server's factory makes them, for a channel to deliver. */
public final class Alerts {
    public static final Instant LAST_SEEN = Instant.parse("2026-12-01T10:00:00Z");
    public static final Instant FIRED_AT = Instant.parse("2026-12-01T10:05:00Z");
    public static final Instant BACK_AT = Instant.parse("2026-12-01T10:42:00Z");

    private Alerts() {
    }

    public static AlertMessage down(String device) {
        return down(device, "No heartbeat from " + device + " since " + LAST_SEEN + ".\nDeclared down at " + FIRED_AT + ".");
    }

    public static AlertMessage down(String device, String text) {
        return new AlertMessage("down-" + device, "heartwatch-silence", device, true, FIRED_AT, null, LAST_SEEN, null, 0,
                "silent", "[Heartwatch] DOWN: " + device, text, "thread-" + device, null, AlertMessage.Names.NONE);
    }

    public static AlertMessage resolved(String device) {
        Outage o = new Outage(device, LAST_SEEN.plusSeconds(40), BACK_AT, "dns", "no answer from resolver",
                Source.BOTH, "o1");
        return new AlertMessage("resolved-" + device, "heartwatch-silence", device, false, FIRED_AT, BACK_AT, LAST_SEEN, o, 0,
                "heard again", "[Heartwatch] RESOLVED: " + device + " was down 41m 20s (dns)",
                "Outage of " + device + ": " + o.start() + " to " + BACK_AT + ", 41m 20s, cause dns (measured by the agent).",
                "thread-" + device, null, AlertMessage.Names.NONE);
    }
}
