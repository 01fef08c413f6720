package dev.heartwatch.cli.deploy;

import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.HeartwatchCli;
import dev.heartwatch.cli.azure.AzureHttpClients;
import dev.heartwatch.cli.azure.MonitorQueryClients;
import dev.heartwatch.cli.support.TestTokens;
import dev.heartwatch.cli.verify.VerifyCommand;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code heartwatch verify ...} as deploy.sh runs it, in a child process of the test, with the one
 * thing changed that a test must change: the query API is the test's loopback HTTPS fake
 * ({@code FAKE_QUERY_ENDPOINT}, trusted through {@code FAKE_CA_CERT}) and the token is a test
 * token. The command, the Monitor Query client and the JDK HTTP client are the real ones.
 */
public final class HeartwatchAgainstFakes {
  private HeartwatchAgainstFakes() {}

  public static void main(String[] args) throws Exception {
    String endpoint = System.getenv("FAKE_QUERY_ENDPOINT");
    var http = AzureHttpClients.trusting(TestCa.trusting(Path.of(System.getenv("FAKE_CA_CERT"))));
    VerifyCommand verify = new VerifyCommand(Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
        () -> MonitorQueryClients.logs(endpoint, TestTokens.withAudience("https://api.loganalytics.io", Instant.now()),
            http, 0, Duration.ofMillis(10)));
    System.exit(HeartwatchCli.commandLine(verify).execute(args));
  }
}
