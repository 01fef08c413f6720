package dev.heartwatch.server.config;

/** A configuration value that cannot be used; its message names the setting. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
