package dev.heartwatch.core.rule;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Monthly list price of one log search alert rule split by device, in US dollars: a charge per
 * rule plus a charge per time series (one per device the query returns), both by evaluation
 * frequency. Every price constant is here, from one source.
 *
 * <p>Source: Azure Monitor pricing, "Alert rules" / "Log search alerts"
 * (azure.microsoft.com/pricing/details/monitor/), as billed through the Azure Monitor meters
 * "Alerts System Log Monitored at N Minute Frequency" (per rule, unit 1/Month) and "Alerts
 * Resource Monitored at N Minute Frequency" (per time series, 1/Month) listed in Microsoft's
 * cost-management meter tables; learn.microsoft.com azure-monitor/alerts/alerts-overview: "Log
 * search alert rules that use splitting by dimensions are charged based on the number of time
 * series created by the dimensions resulting from your query." List prices checked November
 * 2026; re-check the Retail Prices API ({@code serviceName eq 'Azure Monitor'}) before quoting.
 */
public final class AlertPricing {

    /** Per rule per month at 1, 5, 10, 15 minute frequency. */
    private static final BigDecimal RULE_1M = new BigDecimal("3.00");
    private static final BigDecimal RULE_5M = new BigDecimal("1.50");
    private static final BigDecimal RULE_10M = new BigDecimal("1.00");
    private static final BigDecimal RULE_15M = new BigDecimal("0.50");
    /** Per monitored time series (device) per month at 1, 5, 10, 15 minute frequency. */
    private static final BigDecimal SERIES_1M = new BigDecimal("0.30");
    private static final BigDecimal SERIES_5M = new BigDecimal("0.15");
    private static final BigDecimal SERIES_10M = new BigDecimal("0.10");
    private static final BigDecimal SERIES_15M = new BigDecimal("0.05");

    private AlertPricing() {
    }

    /** Monthly cost of one rule watching {@code devices} devices. */
    public static BigDecimal monthlyCost(Duration frequency, int devices) {
        if (devices < 0) {
            throw new IllegalArgumentException("devices must be >= 0: " + devices);
        }
        BigDecimal rule;
        BigDecimal series;
        long minutes = frequency.toMinutes();
        if (!frequency.equals(Duration.ofMinutes(minutes))) {
            throw new IllegalArgumentException("no list price for frequency " + frequency);
        }
        switch ((int) minutes) {
            case 1: rule = RULE_1M; series = SERIES_1M; break;
            case 5: rule = RULE_5M; series = SERIES_5M; break;
            case 10: rule = RULE_10M; series = SERIES_10M; break;
            case 15: rule = RULE_15M; series = SERIES_15M; break;
            default: throw new IllegalArgumentException("no list price for frequency " + frequency);
        }
        return rule.add(series.multiply(BigDecimal.valueOf(devices))).setScale(2, RoundingMode.HALF_UP);
    }
}
