package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.contract.DeviceId;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The server's own decisions about a device, in its store ({@code --db FILE} or
 * {@code --server URL}): {@code mute ID DURATION}, {@code unmute ID}, {@code unretire ID}
 * ({@code retire} is {@link DevicesRetireCommand}). They run the server's
 * {@code DeviceAdministration}, as its admin API and dashboard do, so they accept any valid
 * device id (also ahead of its first beat) and mutes from PT1S to P366D.
 */
final class DevicesAdminCommands {
  private DevicesAdminCommands() {}

  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevicesTargetOption option;

    @Parameters(index = "0", paramLabel = "ID")
    String rawId;

    abstract RegistryTarget.Action action();

    Duration muteFor() {
      return null;
    }

    @Override
    public Integer call() {
      String verb = action().name().toLowerCase(java.util.Locale.ROOT);
      if (option.onFile()) {
        throw new CliFailure(ExitCodes.USAGE, verb + " is the server's: give --db FILE (its database) or --server URL"
            + " (the registry file has no mutes or retirements)");
      }
      String id = DeviceId.normalize(rawId);
      if (id.isEmpty()) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "'" + rawId + "' names no device once sanitised");
      }
      Duration d = muteFor();
      try (RegistryTarget target = option.open(spec.commandLine().getErr())) {
        spec.commandLine().getOut().println(target.administer(action(), id, d));
        spec.commandLine().getOut().flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "mute", mixinStandardHelpOptions = true,
      description = "Mute a device's notifications for DURATION (PT1S to P366D; flips are still recorded). With --db or --server.")
  static final class Mute extends Base {
    @Parameters(index = "1", paramLabel = "DURATION", description = "ISO-8601, e.g. PT1H.")
    String duration;

    @Override
    RegistryTarget.Action action() {
      return RegistryTarget.Action.MUTE;
    }

    @Override
    Duration muteFor() {
      try {
        return Duration.parse(duration.strip());
      } catch (DateTimeParseException e) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "'" + duration + "' is not an ISO-8601 duration: use e.g. PT30M, PT1H or P1D");
      }
    }
  }

  @Command(name = "unmute", mixinStandardHelpOptions = true, description = "End a device's mute now. With --db or --server.")
  static final class Unmute extends Base {
    @Override
    RegistryTarget.Action action() {
      return RegistryTarget.Action.UNMUTE;
    }
  }

  @Command(name = "unretire", mixinStandardHelpOptions = true,
      description = "Restore a retired device: evaluated again from its stored facts. With --db or --server.")
  static final class Unretire extends Base {
    @Override
    RegistryTarget.Action action() {
      return RegistryTarget.Action.UNRETIRE;
    }
  }
}
