package dev.heartwatch.core.contract;

/** One valid, sanitised outage from a request's {@code outages} array (agent clock, epoch ms). */
public record OutageReport(String id, long start, long end, String cause, String detail) {
}
