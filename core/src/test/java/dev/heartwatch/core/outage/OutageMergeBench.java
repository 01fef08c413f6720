package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.AzureAlertModel;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.SilenceRule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Benchmark, not a test: merges 30 days x 20 devices of one-minute beats (864,000) and runs the
 * Azure model over them; prints milliseconds and heap. Run through scripts/bench-outage-merge.sh.
 */
public final class OutageMergeBench {

    public static void main(String[] args) {
        int devices = 20;
        int days = 30;
        Instant base = Instant.parse("2026-03-01T00:00:00Z");
        Random random = new Random(42);
        List<Beat> beats = new ArrayList<>(devices * days * 1440);
        List<ReportedOutage> reports = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            String device = "device-" + d;
            for (int m = 0; m < days * 1440; m++) {
                if (m % 1440 >= 600 && m % 1440 < 600 + (d % 4) * 3) {
                    continue; // a daily drop of 0, 3, 6 or 9 minutes
                }
                Instant at = base.plus(Duration.ofMinutes(m)).plusMillis(random.nextInt(2000));
                beats.add(new Beat(device, at, at.plusSeconds(random.nextInt(90)), false));
            }
            for (int day = 0; day < days; day++) {
                Instant start = base.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(600));
                reports.add(new ReportedOutage(device, "o" + day, start, start.plus(Duration.ofMinutes(2)),
                        "dns", "", Duration.ofSeconds(1)));
            }
        }
        Collections.shuffle(beats, random);
        OutageMerge merge = OutageMerge.of(SilenceRule.recommended());
        Instant now = base.plus(Duration.ofDays(days));
        for (int round = 1; round <= 5; round++) {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heapBefore = rt.totalMemory() - rt.freeMemory();
            long t0 = System.nanoTime();
            List<Outage> outages = merge.merge(beats, reports, now);
            long t1 = System.nanoTime();
            var events = AzureAlertModel.evaluate(SilenceRule.recommended(), beats, base, now);
            long t2 = System.nanoTime();
            long heapAfter = rt.totalMemory() - rt.freeMemory();
            System.out.printf("round %d: beats=%d reports=%d merge=%d ms (outages=%d) azureModel=%d ms (events=%d) heapDelta=%d MB%n",
                    round, beats.size(), reports.size(), (t1 - t0) / 1_000_000, outages.size(),
                    (t2 - t1) / 1_000_000, events.size(), (heapAfter - heapBefore) >> 20);
        }
    }
}
