package dev.heartwatch.cli.devices;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ConsoleText;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.AzureFit;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch devices azure-parameters}: the registry as the Bicep deployment's
 * {@code expectedDevices} and {@code deviceLimits}, an ARM deployment parameters file on
 * stdout ({@code az deployment group create --parameters @FILE}). Bicep cannot evaluate a
 * cron, so the limit of every device with its own schedule is computed here: its period, or
 * its cron's longest gap between runs over the year from {@code --from}, plus grace
 * ({@link Schedule#fitsAzure}'s figure), and beside it the grace alone, which the query gives a
 * {@code start} signal before it says down. A registry with a device the alert cannot watch is
 * refused whole, each such device with its reason. The same registry gives the same text
 * (file order, no timestamp), so a redeploy with nothing changed changes nothing.
 */
@Command(
    name = "azure-parameters",
    mixinStandardHelpOptions = true,
    description = {
      "Print the registry as the Azure deployment's expectedDevices and deviceLimits (an ARM parameters file)."
          + " Refuses a device whose schedule the alert cannot watch, saying why."
    })
public final class DevicesAzureParametersCommand implements Callable<Integer> {
  /** The deployment parameters file format (learn.microsoft.com/azure/azure-resource-manager/templates/parameter-files). */
  static final String PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin DevicesFileOption option;

  @Option(
      names = "--evaluation",
      paramLabel = "DURATION",
      defaultValue = "PT5M",
      description = "The alert's evaluationFrequency (ISO-8601, default ${DEFAULT-VALUE}): a limit must end one evaluation before the two-day lookback.")
  String evaluation;

  @Option(
      names = "--from",
      paramLabel = "INSTANT",
      description = "Start of the year over which a cron's longest gap is measured (ISO-8601 instant; default: now).")
  String from;

  @Override
  public Integer call() {
    Duration every = parseEvaluation();
    Instant start = parseFrom();
    DevicesFile file = option.devicesFile();
    if (!file.exists()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "no devices file at " + file.path() + ": add a device first (heartwatch devices add NAME), or write []");
    }
    DeviceRegistry registry = file.read();
    List<String> misfits = registry.azureMisfits(SilenceRule.MAX_LOOKBACK, every, start);
    if (!misfits.isEmpty()) {
      // One line per device: each reason carries its figures, too long to share one line.
      var err = spec.commandLine().getErr();
      misfits.forEach(m -> err.println("  " + ConsoleText.of(m)));
      err.flush();
      throw new CliFailure(ExitCodes.BAD_INPUT, file.path() + ": Azure's alert cannot watch "
          + (misfits.size() == 1 ? "1 device" : misfits.size() + " devices") + " (above); nothing was printed");
    }
    var out = spec.commandLine().getOut();
    out.print(parameters(registry, every, start));
    out.flush();
    return ExitCodes.OK;
  }

  /** The parameters file text; a device on {@link Schedule#DEFAULT} gets no limit row (it keeps silenceThreshold). */
  static String parameters(DeviceRegistry registry, Duration evaluation, Instant from) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", PARAMETERS_SCHEMA);
    root.put("contentVersion", "1.0.0.0");
    ObjectNode parameters = root.putObject("parameters");
    ArrayNode expected = parameters.putObject("expectedDevices").putArray("value");
    registry.expectedIds().forEach(expected::add);
    ArrayNode limits = parameters.putObject("deviceLimits").putArray("value");
    for (RegisteredDevice d : registry.devices()) {
      if (d.schedule().equals(Schedule.DEFAULT)) {
        continue;
      }
      AzureFit fit = d.fitsAzure(SilenceRule.MAX_LOOKBACK, evaluation, from);
      ObjectNode row = limits.addObject();
      row.put("device", d.id());
      // Whole seconds, rounded up: a limit (or a grace) is never shorter than the schedule allows.
      row.put("limitSeconds", wholeSecondsUp(fit.needed()));
      // A start with no success or fail after it is down grace after it (contract v2): the query needs the grace too.
      row.put("graceSeconds", wholeSecondsUp(d.schedule().grace()));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }

  private static long wholeSecondsUp(Duration d) {
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }

  private Duration parseEvaluation() {
    try {
      Duration d = Duration.parse(evaluation);
      if (d.isNegative() || d.isZero() || d.compareTo(SilenceRule.MAX_LOOKBACK) >= 0) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "--evaluation must be positive and shorter than the two-day lookback, e.g. PT5M");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--evaluation is not an ISO-8601 duration such as PT5M");
    }
  }

  private Instant parseFrom() {
    if (from == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(from);
    } catch (DateTimeParseException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--from is not an ISO-8601 instant such as 2026-12-02T00:00:00Z");
    }
  }
}
