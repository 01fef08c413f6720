package dev.heartwatch.cli.history;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ConsoleText;
import dev.heartwatch.cli.azure.AzureCredentials;
import dev.heartwatch.cli.azure.AzureHttpClients;
import dev.heartwatch.cli.devices.DevicesFile;
import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.core.history.HistoryFacts;
import dev.heartwatch.core.history.HistoryModel;
import dev.heartwatch.core.history.HistoryPeriod;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.Schedule;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch history}: outages, uptime and a report, from Application Insights or from a
 * heartwatch-server. Exit codes: {@link HistoryExitCodes}; docs/history.md.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Outages and uptime per device over a period, from Application Insights (--resource)"
          + " or a heartwatch-server (--server), as a table, CSV, JSON or an HTML report.",
      "Exit codes: 0 done (also: no heartbeats in the period), 2 usage, 3 bad input, 4 unreachable,"
          + " 5 not authorised, 6 service error, 8 not found, 9 throttled, 10 partial results."
    })
public final class HistoryCommand implements Callable<Integer> {
  /** Read this much on each side of the period, so an outage crossing an edge is seen whole. */
  static final Duration LEAD = Duration.ofDays(2);

  enum Format { table, csv, json, html }

  @Spec CommandSpec spec;

  @Option(names = "--resource", paramLabel = "ID",
      description = "Application Insights resource id (default: env APPLICATIONINSIGHTS_RESOURCE_ID, the Bicep output).")
  String resource;

  @Option(names = "--server", paramLabel = "URL", description = "Read from a heartwatch-server instead of Azure.")
  String server;

  @Option(names = "--key", paramLabel = "READKEY",
      description = "The server's read key (default: env HEARTWATCH_READ_KEY, which keeps it out of 'ps').")
  String key;

  @Option(names = "--device", paramLabel = "ID", description = "One device only.")
  String device;

  @Option(names = "--since", description = "First day (2026-10-01, start of day in --zone) or instant.")
  String since;

  @Option(names = "--until", description = "End, exclusive: a day (its start in --zone) or instant. Default: now.")
  String until;

  @Option(names = "--last", description = "Calendar days, weeks or months of --zone up to now: 30d, 2w, 3mo; or 12h. Default 30d.")
  String last;

  @Option(names = "--zone", description = "Time zone for days and months (default: this machine's).")
  String zone;

  @Option(names = "--threshold", defaultValue = "PT5M", description = "Silence that counts as an outage (ISO-8601, default ${DEFAULT-VALUE}).")
  String threshold;

  @Option(names = "--interval", defaultValue = "PT1M", description = "The agents' heartbeat interval (default ${DEFAULT-VALUE}).")
  String interval;

  @Option(names = "--format", defaultValue = "table", description = "table, csv, json or html (default ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (atomically) instead of stdout.")
  Path out;

  @Option(names = "--devices", paramLabel = "FILE",
      description = "The device registry for schedules (default: the server's with --server, else infra/devices.json if present)."
          + " A cron device's uptime is its runs on time out of runs expected.")
  Path devices;

  @Option(names = "--allow-partial", description = "Accept partial query results (a warning instead of exit 10).")
  boolean allowPartial;

  @Option(names = "--retries", defaultValue = "4", description = "Retries after 429/503 (default ${DEFAULT-VALUE}).")
  int retries;

  private final Clock clock;
  private final Function<String, String> env;
  private final Function<PrintWriter, HistorySourceFactory> sources;

  /** Builds the stores' clients; tests replace it to point at loopback with a test credential. */
  public interface HistorySourceFactory {
    HistorySource azure(String resourceId, int retries, boolean allowPartial);

    HistorySource server(String url, String key, int retries);

    /** How long the traces behind {@code resourceId} are kept; empty when this factory cannot say. */
    default java.util.Optional<TracesRetention.Retention> retention(String resourceId) {
      return java.util.Optional.empty();
    }
  }

  public HistoryCommand() {
    this(Clock.systemUTC(), System::getenv, HistoryCommand::realSources);
  }

  public HistoryCommand(Clock clock, Function<String, String> env, Function<PrintWriter, HistorySourceFactory> sources) {
    this.clock = clock;
    this.env = env;
    this.sources = sources;
  }

  private static HistorySourceFactory realSources(PrintWriter err) {
    return new HistorySourceFactory() {
      @Override
      public HistorySource azure(String resourceId, int retries, boolean allowPartial) {
        HttpClient http = AzureHttpClients.standard();
        TokenCredential credential = AzureCredentials.defaultCredential(http);
        return new AzureHistorySource(AzureHistorySource.DEFAULT_ENDPOINT, credential, http, retries,
            Duration.ofSeconds(2), resourceId, allowPartial, err);
      }

      @Override
      public java.util.Optional<TracesRetention.Retention> retention(String resourceId) {
        HttpClient http = AzureHttpClients.standard();
        return java.util.Optional.of(new TracesRetention(TracesRetention.DEFAULT_ARM_ENDPOINT,
            AzureCredentials.defaultCredential(http), http).of(resourceId));
      }

      @Override
      public HistorySource server(String url, String key, int retries) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).build();
        return new ServerHistorySource(http, url, key, retries, Duration.ofSeconds(60), err);
      }
    };
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Instant now = clock.instant();
    ZoneId zoneId = zone();
    Duration thresholdValue = positive("--threshold", threshold);
    Duration intervalValue = positive("--interval", interval);
    if (device != null && !DeviceId.isValid(device)) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT,
          "--device: not a device id (lower-case letters, digits, '.', '_', '-'): '" + device + "'");
    }
    HistoryPeriod period;
    try {
      period = PeriodArguments.resolve(since, until, last, zoneId, now);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT, e.getMessage());
    }
    if (!period.since().isBefore(now)) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT, "the period starts in the future: " + period.since());
    }
    HistorySource source = source(err);
    Instant readFrom = period.since().minus(LEAD);
    Instant readTo = period.until().plus(LEAD).isBefore(now) ? period.until().plus(LEAD) : now;
    String described = source.describe() + retentionWarning(err, period.since(), readFrom, now);
    Progress progress = Progress.forConsole(err);
    java.util.Optional<DeviceRegistry> registry = registry(source, progress);
    // No registry read: every device is one nobody described, on the default schedule (as the server's).
    Function<String, Schedule> schedules = HistoryModel.schedulesOf(registry.orElse(new DeviceRegistry(List.of())));
    Set<String> cron = new TreeSet<>();
    registry.ifPresent(r -> r.devices().stream().filter(d -> HistoryModel.keepsBeats(d.schedule()))
        .forEach(d -> cron.add(d.id())));
    HistoryFacts facts = source.read(readFrom, readTo, device, thresholdValue, progress, cron);
    HistoryReport report = new HistoryReport(
        new HistoryModel(thresholdValue, intervalValue).compute(facts, period, now, schedules).seenInPeriod(), now, described);
    Consumer<PrintWriter> render = switch (format) {
      case table -> w -> TableFormat.write(report, w);
      case csv -> w -> CsvFormat.write(report, w);
      case json -> w -> JsonFormat.write(report, w);
      case html -> w -> HtmlReport.write(report, w);
    };
    if (out != null) {
      ReportFile.write(out, render);
    } else {
      render.accept(spec.commandLine().getOut());
    }
    if (report.devices().isEmpty()) {
      err.println("heartwatch: no heartbeats between " + ReportText.time(period.since(), zoneId) + " and "
          + ReportText.time(period.until(), zoneId) + (device == null ? "" : " for device " + device)
          + " in " + source.describe());
      err.flush();
    } else if (out != null) {
      err.println("heartwatch: wrote " + out + " (" + report.devices().size() + " device(s), "
          + report.outageCount() + " outage(s))");
      err.flush();
    }
    return HistoryExitCodes.OK;
  }

  /**
   * A warning on stderr, and the same words for the report's source line, when the period
   * reaches past how long Azure keeps the traces (docs/history.md, "Retention").
   */
  private String retentionWarning(PrintWriter err, Instant since, Instant readFrom, Instant now) {
    if (azureResource == null) {
      return "";
    }
    java.util.Optional<String> warning = factory.retention(azureResource).flatMap(r -> r.warning(since, readFrom, now));
    if (warning.isEmpty()) {
      return "";
    }
    err.println(dev.heartwatch.cli.ConsoleText.of("heartwatch: warning: " + warning.get()));
    err.flush();
    return " (warning: " + warning.get() + ")";
  }

  /** The default registry file of an Azure deployment (docs/history.md, "Schedules"). */
  static final Path DEFAULT_DEVICES = Path.of("infra", "devices.json");

  /**
   * The registry the schedules come from: {@code --devices FILE}; else a server's own; else
   * {@code infra/devices.json} when it exists; else none (every device on the default schedule).
   */
  private java.util.Optional<DeviceRegistry> registry(HistorySource source, Progress progress) {
    if (devices != null) {
      if (!Files.isRegularFile(devices)) {
        throw new CliFailure(HistoryExitCodes.BAD_INPUT, "--devices: no such file: " + ConsoleText.of(devices.toString()));
      }
      return java.util.Optional.of(new DevicesFile(devices).read());
    }
    if (server != null) {
      return source.registry(progress);
    }
    return Files.isRegularFile(DEFAULT_DEVICES)
        ? java.util.Optional.of(new DevicesFile(DEFAULT_DEVICES).read()) : java.util.Optional.empty();
  }

  private HistorySourceFactory factory;
  private String azureResource;

  private HistorySource source(PrintWriter err) {
    factory = sources.apply(err);
    if (server != null) {
      if (resource != null) {
        throw new CliFailure(HistoryExitCodes.BAD_INPUT, "give either --server or --resource, not both");
      }
      String k = key != null ? key : env.apply("HEARTWATCH_READ_KEY");
      if (k == null || k.isBlank()) {
        throw new CliFailure(HistoryExitCodes.BAD_INPUT, "--server needs the read key: --key or env HEARTWATCH_READ_KEY");
      }
      return factory.server(server, k.strip(), retries);
    }
    String id = resource != null ? resource : env.apply("APPLICATIONINSIGHTS_RESOURCE_ID");
    AzureHistorySource.checkedResourceId(id);
    azureResource = id.strip();
    return factory.azure(azureResource, retries, allowPartial);
  }

  private ZoneId zone() {
    if (zone == null) {
      return ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT, "--zone: unknown time zone '" + zone + "' (e.g. Europe/Berlin)");
    }
  }

  private static Duration positive(String option, String value) {
    try {
      Duration d = Duration.parse(value);
      if (d.isNegative() || d.isZero()) {
        throw new DateTimeParseException("not positive", value, 0);
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT, option + " takes a positive ISO-8601 duration such as PT5M (got '" + value + "')");
    }
  }
}
