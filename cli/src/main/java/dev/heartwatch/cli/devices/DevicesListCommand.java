package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.ExitCodes;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch devices list}: one device a line on stdout, in the registry's order. A plain
 * entry (expected, default schedule, every channel) is its id alone, as in the file; any other
 * adds a tab, its schedule, expectation and channels, and, for its own schedule, a tab and its
 * next due times. So {@code cut -f1} gives the ids.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Print the registry, one device a line: its id, then (unless plain) its schedule and next due times.")
public final class DevicesListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesTargetOption option;

  @Override
  public Integer call() {
    try (RegistryTarget target = option.open(spec.commandLine().getErr())) {
      if (!target.exists()) {
        spec.commandLine().getErr().println("no devices file at " + target.where() + " (no device is expected yet)");
        return ExitCodes.OK;
      }
      Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      var out = spec.commandLine().getOut();
      target.read().devices().forEach(d -> out.println(DevicesText.listLine(d, now)));
      out.flush();
    }
    return ExitCodes.OK;
  }
}
