package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.common.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch devices export [--out FILE]}: the registry in devices.json's layout, from
 * the file, a server's database or a running server ({@code GET /api/registry}); {@code import}
 * reads it back unchanged.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Print the registry as a devices.json (from --server, --db or the file), or write it to --out atomically.")
public final class DevicesExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesTargetOption option;

  @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (replaced whole) instead of stdout.")
  Path out;

  @Override
  public Integer call() {
    try (RegistryTarget target = option.open(spec.commandLine().getErr())) {
      if (!target.exists()) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "no devices file at " + target.where());
      }
      String text = target.read().toJson();
      if (out == null) {
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      }
      try {
        AtomicFile.write(out, text.getBytes(StandardCharsets.UTF_8), true);
      } catch (IOException e) {
        throw new CliFailure(ExitCodes.FAILURE, "cannot write " + out + ": " + e.getMessage());
      }
      spec.commandLine().getErr().println("exported the registry of " + target.where() + " to " + out);
      spec.commandLine().getErr().flush();
    }
    return ExitCodes.OK;
  }
}
