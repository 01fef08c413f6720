package dev.heartwatch.agent.cause;

import dev.heartwatch.agent.config.Endpoint;

/**
 * The result of posting one heartbeat to one endpoint.
 *
 * @param status HTTP status, or 0 when no response arrived
 * @param cause  null when the endpoint answered 2xx
 * @param detail human explanation, already free of keys and query strings
 */
public record Attempt(Endpoint endpoint, int status, Cause cause, String detail) {

    public static Attempt answered(Endpoint endpoint, int status) {
        if (status >= 200 && status < 300) {
            return new Attempt(endpoint, status, null, "HTTP " + status);
        }
        Cause cause;
        if (status == 401 || status == 403) {
            cause = Cause.AUTH;
        } else if (status == 429 || status >= 500) {
            cause = Cause.HTTP_5XX;
        } else if (status >= 400) {
            cause = Cause.HTTP_4XX;
        } else {
            cause = Cause.UNKNOWN; // 1xx/3xx: the agent follows no redirect with its key
        }
        return new Attempt(endpoint, status, cause, "HTTP " + status + " from " + endpoint.label());
    }

    public boolean ok() {
        return cause == null;
    }

    /** A 200 acknowledges every outage the request carried (contract §1). */
    public boolean acknowledges() {
        return status == 200;
    }
}
