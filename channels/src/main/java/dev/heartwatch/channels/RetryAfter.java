package dev.heartwatch.channels;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110, section
 * 10.2.3). Anything else, or a date in the past, is no answer: the worker's own backoff applies.
 * How long is too long is the caller's (the outbox worker's backoff), not the header's.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    public static Optional<Duration> parse(String header, Instant now) {
        if (header == null) {
            return Optional.empty();
        }
        String v = header.trim();
        if (!v.isEmpty() && v.length() <= 12 && v.chars().allMatch(Character::isDigit)) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Optional.of(Duration.between(now, at)) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
