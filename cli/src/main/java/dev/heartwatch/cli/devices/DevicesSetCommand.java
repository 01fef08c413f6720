package dev.heartwatch.cli.devices;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.core.schedule.ScheduleText;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch devices set ID [--period P | --cron C --time-zone Z | --default-schedule]
 * [--grace G] [--channels a,b | --no-channels] [--expected | --not-expected]}: change an existing
 * entry. What is not named stays as it was; {@code --grace} alone changes the grace of its own
 * schedule. The changed entry is read by {@code DeviceRegistry.parse} as the file is (and, for
 * the file, must fit Azure's alert), then written, and its next due times printed. An unknown
 * id is refused, naming the nearest known one.
 */
@Command(name = "set", mixinStandardHelpOptions = true, resourceBundle = "dev.heartwatch.cli.devices.DevicesSet",
    description = "Change a device's schedule, channels or expectation; what is not named stays as it was.")
public final class DevicesSetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesTargetOption option;

  @Parameters(index = "0", paramLabel = "ID")
  String rawId;

  /** Its {@code --period} and {@code --cron} are described in DevicesSet.properties: here they replace a schedule. */
  @Mixin ScheduleOptions schedule;

  @Option(names = "--default-schedule", description = "Back to the default schedule (today's threshold rule).")
  boolean defaultSchedule;

  @ArgGroup(exclusive = true)
  Channels channels;

  static final class Channels {
    @Option(names = "--channels", paramLabel = "NAME", split = ",", required = true,
        description = "Notify only these channels for it, e.g. email,slack.")
    List<String> names;

    @Option(names = "--no-channels", required = true, description = "Notify the registry's default channels for it (else every configured channel).")
    boolean none;
  }

  @ArgGroup(exclusive = true)
  Expectation expectation;

  static final class Expectation {
    @Option(names = "--expected", required = true, description = "Alert for it even before its first beat and beyond the lookback.")
    boolean expected;

    @Option(names = "--not-expected", required = true, description = "Alert for it only once heard.")
    boolean notExpected;
  }

  @Override
  public Integer call() {
    String id = DeviceId.normalize(rawId);
    if (!schedule.named() && !defaultSchedule && channels == null && expectation == null) {
      throw new CliFailure(ExitCodes.USAGE, "nothing to change: give --period, --cron with --time-zone, --grace,"
          + " --default-schedule, --channels, --no-channels, --expected or --not-expected");
    }
    if (defaultSchedule && schedule.named()) {
      throw new CliFailure(ExitCodes.USAGE, "--default-schedule takes no --period, --cron, --time-zone or --grace");
    }
    var err = spec.commandLine().getErr();
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    try (RegistryTarget target = option.open(err)) {
      if (!target.exists()) {
        throw new CliFailure(ExitCodes.CONFLICT, "no devices file at " + target.where() + "; add a device first (heartwatch devices add " + id + ")");
      }
      DeviceRegistry registry = target.read();
      RegisteredDevice old = id.isEmpty() ? null : registry.find(id).orElse(null);
      if (old == null) {
        throw DevicesText.unknown(rawId, id, registry.devices().stream().map(RegisteredDevice::id).toList(), target.where());
      }
      RegisteredDevice device = DevicesText.entry(changed(old));
      DevicesText.refuseWhatAzureCannotWatch(target, device, now);
      List<Instant> due = target.set(device, now);
      if (due == null) {
        // Removed between the read and the write (another editor).
        throw DevicesText.unknown(rawId, id, List.of(), target.where());
      }
      err.println((device.equals(old) ? "'" + id + "' is unchanged in " : "changed '" + id + "' in ") + target.where()
          + (target.feedsAzure() ? "; run scripts/deploy.sh to apply it to the alert" : ""));
      err.println("now: " + DevicesText.summary(device));
      String next = DevicesText.nextDueLine(device, due);
      if (!next.isEmpty()) {
        err.println(next);
      }
      err.flush();
    }
    return ExitCodes.OK;
  }

  /** The old entry with what the options name changed, as the file would hold it. */
  private ObjectNode changed(RegisteredDevice old) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", old.id());
    boolean expected = expectation == null ? old.expected() : expectation.expected;
    if (!expected) {
      o.put("expected", false);
    }
    Schedule s = old.schedule();
    boolean ownSchedule = !s.equals(Schedule.DEFAULT);
    if (schedule.period != null) {
      o.put("period", schedule.period);
    } else if (schedule.cron != null) {
      o.put("cron", schedule.cron);
      if (schedule.timeZone == null && s instanceof Schedule.Cron c) {
        o.put("timeZone", c.zone().getId()); // a new expression on the same wall clock
      }
    } else if (!defaultSchedule && ownSchedule && schedule.timeZone == null && s instanceof Schedule.Period p) {
      o.put("period", p.period().toString());
    } else if (!defaultSchedule && ownSchedule && s instanceof Schedule.Cron c) {
      // --time-zone alone moves the cron to another zone; --grace alone keeps both.
      o.put("cron", c.expression());
      if (schedule.timeZone == null) {
        o.put("timeZone", c.zone().getId());
      }
    }
    if (schedule.timeZone != null) {
      o.put("timeZone", schedule.timeZone);
    }
    if (schedule.grace != null) {
      o.put("grace", schedule.grace);
    } else if (!defaultSchedule && ownSchedule
        && (schedule.period != null || schedule.cron != null || schedule.timeZone != null || o.has("period") || o.has("cron"))) {
      o.put("grace", ScheduleText.format(s.grace()));
    }
    List<String> names = channels == null ? old.channels() : channels.none ? List.of() : channels.names;
    if (!names.isEmpty()) {
      ArrayNode a = o.putArray("channels");
      names.forEach(a::add);
    }
    return o;
  }
}
