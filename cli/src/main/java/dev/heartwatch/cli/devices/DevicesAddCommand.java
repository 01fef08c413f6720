package dev.heartwatch.cli.devices;

import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.verify.SelfTestDevice;
import dev.heartwatch.core.schedule.RegisteredDevice;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch devices add ID [--period P | --cron C --time-zone Z] [--grace G]}: add a
 * device (its id sanitised as Ping will), on the default schedule or its own, to the file, a
 * server's database ({@code --db}) or a running server ({@code --server}). The entry is checked
 * by {@code DeviceRegistry.parse}, as the file is; for the file it is also refused if Azure's
 * alert could not watch its schedule ({@link RegisteredDevice#fitsAzure}; the server takes any
 * schedule). It prints the next due times.
 */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = "Add a device, on the default schedule or its own; the id is sanitised as Ping sanitises it.")
public final class DevicesAddCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesTargetOption option;

  @Parameters(index = "0", paramLabel = "ID")
  String rawId;

  @Mixin ScheduleOptions schedule;

  @Option(names = "--not-expected", description = "Do not alert for it before its first beat or beyond the lookback.")
  boolean notExpected;

  @Option(names = "--channels", paramLabel = "NAME", split = ",",
      description = "Notify only these channels for it, e.g. email,slack (default: the registry's default channels, else every configured one).")
  List<String> channels;

  /** The entry as the file would hold it, read by the file's own reader so it says what the file would. */
  private RegisteredDevice entry(String id) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", id);
    if (notExpected) {
      o.put("expected", false);
    }
    schedule.putInto(o);
    if (channels != null) {
      ArrayNode names = o.putArray("channels");
      channels.forEach(names::add);
    }
    return DevicesText.entry(o);
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
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    var err = spec.commandLine().getErr();
    try (RegistryTarget target = option.open(err)) {
      DevicesText.refuseWhatAzureCannotWatch(target, device, now);
      List<Instant> due = target.add(device, now);
      if (due == null) {
        throw new CliFailure(ExitCodes.CONFLICT, "device '" + id + "' is already expected in " + target.where()
            + " (change it: heartwatch devices set " + id + " ...)");
      }
      if (!id.equals(rawId)) {
        err.println("'" + rawId + "' is sanitised to '" + id + "' (the id Ping records)");
      }
      err.println("added '" + id + "' to " + target.where()
          + (target.feedsAzure() ? "; run scripts/deploy.sh to apply it to the alert" : ""));
      String next = DevicesText.nextDueLine(device, due);
      if (!next.isEmpty()) {
        err.println(next);
      }
      err.flush();
    }
    return ExitCodes.OK;
  }
}
