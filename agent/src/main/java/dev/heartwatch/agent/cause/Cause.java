package dev.heartwatch.agent.cause;

/** Why a beat failed: the cause codes of docs/contract.md §4. */
public enum Cause {
    DNS("dns"),
    REFUSED("refused"),
    CONNECT_TIMEOUT("connect_timeout"),
    TLS("tls"),
    READ_TIMEOUT("read_timeout"),
    RESET("reset"),
    HTTP_4XX("http_4xx"),
    HTTP_5XX("http_5xx"),
    /** 401/403: the key is wrong. Never an outage, the network worked. */
    AUTH("auth"),
    HOME_NETWORK("home_network"),
    UPSTREAM("upstream"),
    AGENT_NOT_RUNNING("agent_not_running"),
    // An active check's failures (docs/checks.md); the codes above serve checks too.
    /** A check's target did not answer within the check's timeout. */
    TIMEOUT("timeout"),
    /** icmp: the network or the host is unreachable (an ICMP error, no route). */
    UNREACHABLE("unreachable"),
    /** http: a status outside the expected ones. */
    HTTP_STATUS("http_status"),
    /** http: the expected text is not in the body. */
    BODY_MISMATCH("body_mismatch"),
    /** http: a redirect to another host, which a check never follows. */
    REDIRECT("redirect"),
    /** dns: the name does not exist. */
    NXDOMAIN("nxdomain"),
    /** dns: the server answered with another error (SERVFAIL, REFUSED...), or an answer it could not be read. */
    DNS_ERROR("dns_error"),
    /** dns: no record of that type, or not the expected value. */
    UNEXPECTED_ANSWER("unexpected_answer"),
    /** tls: the leaf certificate expires within the check's min-days. */
    CERT_EXPIRING("cert_expiring"),
    UNKNOWN("unknown");

    private final String code;

    Cause(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Cause fromCode(String code) {
        for (Cause c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        return UNKNOWN;
    }

    /** A failure below HTTP where the endpoint may never have been reached: worth asking the gateway. */
    boolean isNetworkLevel() {
        return this == DNS || this == CONNECT_TIMEOUT || this == READ_TIMEOUT || this == RESET || this == UNKNOWN;
    }
}
