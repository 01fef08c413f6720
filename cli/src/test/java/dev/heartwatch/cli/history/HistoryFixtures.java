package dev.heartwatch.cli.history;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.azure.AzureHttpClients;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import reactor.core.publisher.Mono;

/** The known history every history test reads, and a command wired to loopback fakes. */
final class HistoryFixtures {
  static final String RESOURCE = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-heartwatch"
      + "/providers/microsoft.insights/components/appi-heartwatch";
  static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");
  /** Berlin leaves summer time on 25 Oct 2026 (03:00 CEST -> 02:00 CET): that day has 25 hours. */
  static final String[] PERIOD = {"--since", "2026-10-24", "--until", "2026-11-03", "--zone", "Europe/Berlin"};
  static final String TOKEN = "test-token-not-a-secret";
  static final String DETAIL = "<script>alert(\"x\")</script> & co";

  private HistoryFixtures() {}

  static Instant t(String iso) {
    return Instant.parse(iso);
  }

  /**
   * home-pi: a cloud-only outage across local midnight (23:51 CEST 24 Oct - 00:30 CEST 25 Oct, 39
   * min), a clean one-hour stop on the 25-hour DST day, an agent-only 2.5 min outage and a 20.5
   * min outage both saw on 26 Oct. office-nas: a cloud-only outage across the month end (23:41
   * CET 31 Oct - 00:30 CET 1 Nov, 49 min).
   */
  static HistoryScenario knownHistory() {
    Instant from = t("2026-10-21T00:00:00Z");
    Instant to = t("2026-11-05T00:00:00Z");
    return new HistoryScenario()
        .everyMinute("home-pi", from, to,
            t("2026-10-24T21:51:00Z"), t("2026-10-24T22:30:00Z"),
            t("2026-10-25T10:01:00Z"), t("2026-10-25T11:00:00Z"),
            t("2026-10-26T08:01:00Z"), t("2026-10-26T08:03:00Z"),
            t("2026-10-26T12:00:00Z"), t("2026-10-26T12:20:00Z"))
        .stoppingAt("home-pi", t("2026-10-25T10:00:00Z"))
        .report("home-pi", "o-1", t("2026-10-26T08:03:05Z"), t("2026-10-26T08:00:30Z"), t("2026-10-26T08:03:00Z"),
            "dns", null, "")
        .report("home-pi", "o-2", t("2026-10-26T12:20:01Z"), t("2026-10-26T11:59:30Z"), t("2026-10-26T12:20:00Z"),
            "link-down", 1000L, DETAIL)
        // the agent re-sent o-2 until acknowledged: one outage, not two
        .report("home-pi", "o-2", t("2026-10-26T12:21:01Z"), t("2026-10-26T11:59:30Z"), t("2026-10-26T12:20:00Z"),
            "link-down", 1000L, DETAIL)
        .everyMinute("office-nas", from, to, t("2026-10-31T22:41:00Z"), t("2026-10-31T23:30:00Z"));
  }

  static TokenCredential testCredential() {
    return request -> Mono.just(new AccessToken(TOKEN, OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC).plusYears(10)));
  }

  /** The real command, its Azure client pointed at {@code fake} and trusting only the test CA. */
  static HistoryCommand command(FakeLogAnalytics fake, TestCa ca, Map<String, String> env) {
    return new HistoryCommand(Clock.fixed(NOW, ZoneOffset.UTC), env::get, err -> factory(fake, ca, err));
  }

  static HistoryCommand.HistorySourceFactory factory(FakeLogAnalytics fake, TestCa ca,
      PrintWriter err) {
    return new HistoryCommand.HistorySourceFactory() {
      @Override
      public HistorySource azure(String resourceId, int retries, boolean allowPartial) {
        return new AzureHistorySource(fake.endpoint(), testCredential(), AzureHttpClients.trusting(ca.client()),
            retries, Duration.ofMillis(20), resourceId, allowPartial, err);
      }

      @Override
      public HistorySource server(String url, String key, int retries) {
        return new ServerHistorySource(java.net.http.HttpClient.newHttpClient(), url, key, retries,
            Duration.ofMillis(200), err);
      }
    };
  }
}
