package dev.heartwatch.cli.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.HeartwatchCli;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.cli.support.RepoRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code heartwatch devices azure-parameters}, on the registry fixtures the infra checks
 * (tests/infra) deploy: its output for each is the committed {@code NAME.parameters.json}, so
 * the Kusto checks parse the query this command really produces.
 */
class DevicesAzureParametersCommandTest {
  /** A fixed start for the year a cron's longest gap is measured over (time is a parameter). */
  static final String FROM = "2026-12-02T00:00:00Z";

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Path fixture(String name) {
    return RepoRoot.find().resolve("tests/infra/fixtures/registry").resolve(name);
  }

  private static CliRun parameters(Path registry, String... more) {
    String[] args = new String[5 + more.length];
    args[0] = "devices";
    args[1] = "azure-parameters";
    args[2] = "--file";
    args[3] = registry.toString();
    args[4] = "--from=" + FROM;
    System.arraycopy(more, 0, args, 5, more.length);
    return CliRun.of(new HeartwatchCli(), args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"schedules", "plain", "none"})
  void theOutputForEachRegistryFixtureIsTheCommittedParametersFile(String name) throws Exception {
    CliRun run = parameters(fixture(name + ".devices.json"));
    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    String committed = Files.readString(fixture(name + ".parameters.json"), StandardCharsets.UTF_8);
    assertEquals(committed, run.out(), "tests/infra/fixtures/registry/" + name
        + ".parameters.json is not this command's output: regenerate it with `heartwatch devices azure-parameters --from=" + FROM + "`");
  }

  @Test
  void periodDevicesGetPeriodPlusGraceAndCronDevicesTheirLongestGapPlusGrace() throws Exception {
    JsonNode p = JSON.readTree(parameters(fixture("schedules.devices.json")).out()).get("parameters");
    assertEquals("[\"router\",\"nas\",\"backup\",\"sync.hourly\",\"office_pi-2\"]", p.get("expectedDevices").get("value").toString(),
        "laptop says expected: false");
    JsonNode limits = p.get("deviceLimits").get("value");
    // router and office_pi-2 are on the default schedule: no row, they keep silenceThreshold.
    assertEquals(4, limits.size(), limits.toString());
    assertEquals("{\"device\":\"nas\",\"limitSeconds\":900,\"graceSeconds\":300}", limits.get(0).toString());
    assertEquals("{\"device\":\"laptop\",\"limitSeconds\":10800,\"graceSeconds\":9000}", limits.get(1).toString());
    // 30 2 * * * in Berlin: the 25-hour autumn day, plus PT1H.
    assertEquals("{\"device\":\"backup\",\"limitSeconds\":93600,\"graceSeconds\":3600}", limits.get(2).toString());
    // 15 * * * * in Kolkata (no daylight saving): an hour, plus PT10M.
    assertEquals("{\"device\":\"sync.hourly\",\"limitSeconds\":4200,\"graceSeconds\":600}", limits.get(3).toString());
  }

  @Test
  void aRegistryTheAlertCannotWatchIsRefusedWithEachDevicesReason() {
    CliRun run = parameters(fixture("weekdays.devices.json"));
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertEquals("", run.out(), "nothing printed for a refused registry");
    assertTrue(run.err().contains("Azure's alert cannot watch 2 devices"), run.toString());
    assertTrue(run.err().contains("device \"payroll\": cron \"0 9 * * 1-5\""), run.toString());
    assertTrue(run.err().contains("device \"archive\": period P2D plus grace PT1M"), run.toString());
    assertTrue(run.err().contains("beyond Azure's limit of PT47H55M"), run.toString());
    assertTrue(run.err().contains("watch this device with the server"), run.toString());
    assertFalse(run.err().contains("\"nas\""), "a device that fits is not named: " + run);
  }

  @Test
  void aLongerEvaluationLeavesLessRoom() {
    // 30 2 * * * Berlin + PT1H needs 26h: fits PT5M's 47h55m, and still 26h under a PT12H evaluation (36h).
    assertEquals(ExitCodes.OK, parameters(fixture("schedules.devices.json"), "--evaluation", "PT12H").exitCode());
    CliRun run = parameters(fixture("schedules.devices.json"), "--evaluation", "PT23H");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("device \"backup\""), run.toString());
  }

  @Test
  void badOptionsAndABadRegistryAreRefusedClearly() throws Exception {
    assertTrue(parameters(fixture("plain.devices.json"), "--evaluation", "5 minutes").err()
        .contains("--evaluation is not an ISO-8601 duration"));
    assertTrue(parameters(fixture("plain.devices.json"), "--evaluation", "P2D").err()
        .contains("shorter than the two-day lookback"));
    Path bad = Files.writeString(dir.resolve("bad.json"),
        "[{\"id\": \"backup\", \"cron\": \"61 * * * *\", \"timeZone\": \"Mars/Olympus\", \"grace\": \"-PT1H\"}]");
    CliRun run = parameters(bad);
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("is invalid"), run.toString());
    assertEquals("", run.out());
    assertEquals(ExitCodes.BAD_INPUT, parameters(dir.resolve("missing.json")).exitCode());
  }

  @Test
  void aHostileIdNeverReachesTheQuery() throws Exception {
    // The Bicep writes ids into the KQL between single quotes: only sanitised ids may get there.
    Path bad = Files.writeString(dir.resolve("hostile.json"),
        "[{\"id\": \"x', 1s]; traces | take 1; let y = datatable(a:string)['\", \"period\": \"PT1M\", \"grace\": \"PT1M\"}]");
    CliRun run = parameters(bad);
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("not a sanitised device id"), run.toString());
    assertEquals("", run.out());
  }
}
