package dev.heartwatch.agent;

/**
 * The result of posting one heartbeat to one endpoint.
 *
 * @param status HTTP status, or 0 when no response arrived
 * @param cause  null when the endpoint answered 2xx
 * @param detail human explanation, already free of keys and query strings
 */
record Attempt(Endpoint endpoint, int status, Cause cause, String detail) {

    static Attempt answered(Endpoint endpoint, int status) {
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

    boolean ok() {
        return cause == null;
    }

    /** A 200 acknowledges every outage the request carried (contract §1). */
    boolean acknowledges() {
        return status == 200;
    }
}
