package dev.heartwatch.cli.verify;

import com.azure.core.http.HttpClient;
import com.azure.monitor.query.LogsQueryClient;
import dev.heartwatch.cli.azure.AzureCredentials;
import dev.heartwatch.cli.azure.AzureHttpClients;
import dev.heartwatch.cli.azure.MonitorQueryClients;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch verify}: the query steps of {@code scripts/deploy.sh --verify}, through the
 * same Monitor Query client as {@code history} (docs/deploy.md, "Verify").
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Checks of a deployed Heartwatch that need Monitor Query (run by scripts/deploy.sh --verify).",
    subcommands = {IngestionCommand.class, AlertQueryCommand.class, PeerBeatCommand.class})
public final class VerifyCommand implements Runnable {
  /** Waits between polls; tests pass one that does not sleep. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  @Spec CommandSpec spec;

  final Clock clock;
  final Sleeper sleeper;
  private final Supplier<LogsQueryClient> logs;

  public VerifyCommand() {
    this(Clock.systemUTC(), d -> Thread.sleep(d.toMillis()), VerifyCommand::realClient);
  }

  public VerifyCommand(Clock clock, Sleeper sleeper, Supplier<LogsQueryClient> logs) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.logs = logs;
  }

  private static LogsQueryClient realClient() {
    HttpClient http = AzureHttpClients.standard();
    return MonitorQueryClients.logs(MonitorQueryClients.DEFAULT_ENDPOINT, AzureCredentials.defaultCredential(http),
        http, 4, Duration.ofSeconds(2));
  }

  LogsQueryClient logs() {
    return logs.get();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing check: ingestion or alert-query");
  }
}
