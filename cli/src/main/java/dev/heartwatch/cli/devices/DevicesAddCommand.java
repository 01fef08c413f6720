package dev.heartwatch.cli.devices;

import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.verify.SelfTestDevice;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.AzureFit;
import dev.heartwatch.core.schedule.DeviceRegistryException;
import dev.heartwatch.core.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch devices add ID [--period P | --cron C --time-zone Z] [--grace G]}: add a
 * device (its id sanitised as Ping will), on the default schedule or its own. The entry is
 * checked by {@link DeviceRegistry#parse}, as the file is, and refused if Azure's alert could
 * not watch its schedule ({@link RegisteredDevice#fitsAzure}); it prints the next due times.
 */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = "Add a device, on the default schedule or its own; the id is sanitised as Ping sanitises it.")
public final class DevicesAddCommand implements Callable<Integer> {
  private static final Duration EVALUATION = Duration.ofMinutes(5);

  @Spec CommandSpec spec;
  @Mixin DevicesFileOption option;

  @Parameters(index = "0", paramLabel = "ID")
  String rawId;

  @Option(names = "--period", paramLabel = "DURATION", description = "Beats every DURATION (ISO-8601, e.g. PT10M).")
  String period;

  @Option(names = "--cron", paramLabel = "EXPR", description = "Beats at the runs of a five-field cron, e.g. '30 2 * * *'.")
  String cron;

  @Option(names = "--time-zone", paramLabel = "ZONE", description = "The cron's IANA zone, e.g. Europe/Berlin.")
  String timeZone;

  @Option(names = "--grace", paramLabel = "DURATION", description = "How late a beat may be before the device is down (ISO-8601).")
  String grace;

  @Option(names = "--not-expected", description = "Do not alert for it before its first beat or beyond the lookback.")
  boolean notExpected;

  /** The entry as the file would hold it, read by the file's own reader so it says what the file would. */
  private RegisteredDevice entry(String id) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", id);
    if (notExpected) {
      o.put("expected", false);
    }
    if (period != null) {
      o.put("period", period);
    }
    if (cron != null) {
      o.put("cron", cron);
    }
    if (timeZone != null) {
      o.put("timeZone", timeZone);
    }
    if (grace != null) {
      o.put("grace", grace);
    }
    try {
      return DeviceRegistry.parse("[" + o + "]").devices().get(0);
    } catch (DeviceRegistryException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, String.join("; ", e.problems()).replaceFirst("^entry 1 ", "device "));
    }
  }

  @Override
  public Integer call() {
    String id = DeviceId.normalize(rawId);
    if (id.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "'" + rawId + "' names no device once sanitised (use letters, digits, '.', '_' or '-')");
    }
    if (SelfTestDevice.isReserved(id)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "'" + id + "' is reserved for scripts/deploy.sh --verify's self-test beat"
          + " (it always says stopping and must never be expected): choose another name");
    }
    RegisteredDevice device = entry(id);
    Instant now = Instant.now();
    AzureFit fit = device.fitsAzure(SilenceRule.MAX_LOOKBACK, EVALUATION, now);
    if (!fit.fits()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "Azure's alert cannot watch this schedule: " + fit.reason());
    }
    DevicesFile file = option.devicesFile();
    List<RegisteredDevice> devices = file.exists() ? new ArrayList<>(file.read().devices()) : new ArrayList<>();
    if (devices.stream().anyMatch(d -> d.id().equals(id))) {
      throw new CliFailure(ExitCodes.CONFLICT, "device '" + id + "' is already expected in " + file.path());
    }
    devices.add(device);
    file.write(new DeviceRegistry(devices));
    var err = spec.commandLine().getErr();
    if (!id.equals(rawId)) {
      err.println("'" + rawId + "' is sanitised to '" + id + "' (the id Ping records)");
    }
    err.println("added '" + id + "' to " + file.path() + "; run scripts/deploy.sh to apply it to the alert");
    if (!device.schedule().equals(Schedule.DEFAULT)) {
      err.println("next due" + (device.schedule() instanceof Schedule.Period ? " (if it beats now)" : "") + ": "
          + device.nextDue(now, 3).stream().map(Instant::toString).collect(Collectors.joining(", ")));
    }
    err.flush();
    return ExitCodes.OK;
  }
}
