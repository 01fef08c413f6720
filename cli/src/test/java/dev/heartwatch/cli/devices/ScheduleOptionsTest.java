package dev.heartwatch.cli.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.HeartwatchCli;
import dev.heartwatch.cli.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The schedule options {@code devices add} and {@code devices set} share ({@link ScheduleOptions}):
 * each command still describes them in its own words ({@code set} through its resource bundle),
 * and {@code set} still refuses them beside {@code --default-schedule}.
 */
class ScheduleOptionsTest {
  @TempDir Path dir;

  private static CommandSpec devices(String command) {
    return HeartwatchCli.commandLine(new HeartwatchCli()).getSubcommands().get("devices")
        .getSubcommands().get(command).getCommandSpec();
  }

  private static void assertDescriptions(String command, Map<String, String> expected) {
    CommandSpec spec = devices(command);
    expected.forEach((option, text) ->
        assertEquals(text, String.join(" ", spec.findOption(option).description()), command + " " + option));
  }

  @Test
  void addDescribesTheScheduleItGives() {
    assertDescriptions("add", Map.of(
        "--period", "Beats every DURATION (ISO-8601, e.g. PT10M).",
        "--cron", "Beats at the runs of a five-field cron, e.g. '30 2 * * *'.",
        "--time-zone", "The cron's IANA zone, e.g. Europe/Berlin.",
        "--grace", "How late a beat may be before the device is down (ISO-8601)."));
  }

  @Test
  void setDescribesTheScheduleItReplaces() {
    assertDescriptions("set", Map.of(
        "--period", "Beats every DURATION (ISO-8601, e.g. PT10M); replaces its schedule.",
        "--cron", "Beats at the runs of a five-field cron (with --time-zone); replaces its schedule.",
        "--time-zone", "The cron's IANA zone, e.g. Europe/Berlin.",
        "--grace", "How late a beat may be before the device is down (ISO-8601)."));
    CliRun help = CliRun.of(new HeartwatchCli(), "devices", "set", "--help");
    assertEquals(ExitCodes.OK, help.exitCode(), help.toString());
    assertTrue(help.out().contains("replaces its"), "the usage text reads the bundle too:\n" + help);
  }

  @Test
  void setRefusesAScheduleOptionBesideTheDefaultSchedule() throws Exception {
    Path file = dir.resolve("devices.json");
    Files.writeString(file, "[{\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"PT5M\"}]");
    String before = Files.readString(file);
    for (String[] option : new String[][] {{"--period", "PT20M"}, {"--cron", "0 3 * * *"}, {"--time-zone", "Etc/UTC"},
        {"--grace", "PT1H"}}) {
      CliRun run = CliRun.of(new HeartwatchCli(), "devices", "set", "nas", "--default-schedule", option[0], option[1],
          "--file", file.toString());
      assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
      assertTrue(run.err().contains("--default-schedule takes no --period, --cron, --time-zone or --grace"), run.toString());
    }
    assertEquals(before, Files.readString(file), "nothing written");
  }
}
