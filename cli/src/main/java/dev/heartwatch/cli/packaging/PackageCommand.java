package dev.heartwatch.cli.packaging;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.publish.FunctionPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch package FOLDER --output FILE.zip}: zips the folder the functions Maven plugin
 * wrote ({@code function-app/target/azure-functions/<app>/}) reproducibly, and prints the zip's
 * sha256 on stdout.
 */
@Command(
    name = "package",
    mixinStandardHelpOptions = true,
    description = "Zip a packaged function app folder reproducibly (sorted, fixed timestamps); print its sha256.")
public final class PackageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FOLDER")
  Path folder;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.zip")
  Path output;

  @Override
  public Integer call() {
    if (!Files.isDirectory(folder)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "not a folder: " + folder + " (build it first: mvn -B -pl function-app -am package)");
    }
    if (!Files.isRegularFile(folder.resolve("host.json"))) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "not a packaged function app (no host.json): " + folder);
    }
    try {
      DeterministicZip.write(folder, output);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.FAILURE, "cannot write " + output + ": " + e.getMessage());
    }
    FunctionPackage pkg = FunctionPackage.open(output);
    spec.commandLine().getOut().println(pkg.sha256());
    spec.commandLine().getOut().flush();
    spec.commandLine().getErr().println("packaged " + output + " (" + pkg.size() + " bytes)");
    return ExitCodes.OK;
  }
}
