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
