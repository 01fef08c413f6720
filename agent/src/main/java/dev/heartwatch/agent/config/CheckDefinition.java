package dev.heartwatch.agent.config;

/**
 * One active check as configured, before it is parsed (docs/checks.md): its name, where it was
 * written (for an error that names the line) and the line itself.
 *
 * @param where {@code HEARTBEAT_CHECK_DB} or {@code checks line 3}
 */
public record CheckDefinition(String name, String where, String text) {
}
