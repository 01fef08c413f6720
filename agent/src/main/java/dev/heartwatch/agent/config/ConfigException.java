package dev.heartwatch.agent.config;

/** Bad configuration: the agent exits at once with this message (never containing a key). */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
