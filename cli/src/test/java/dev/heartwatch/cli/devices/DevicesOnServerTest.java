package dev.heartwatch.cli.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.HeartwatchCli;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.server.HeartwatchServer;
import dev.heartwatch.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heartwatch devices ... --server} against the REAL heartwatch-server on loopback (its
 * admin API), and {@code --db} on the same database while it runs: the same validation and
 * output as on the file, the server's store semantics for mute and retire.
 */
class DevicesOnServerTest {
  static final String PING_KEY = "cli-devices-ping-key-0123456789abcdef012";
  static final String ADMIN_KEY = "cli-devices-admin-key-0123456789abcdef01";

  @TempDir Path dir;
  HeartwatchServer server;
  Path keyFile;

  @BeforeEach
  void start() throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put("HEARTWATCH_BIND", "127.0.0.1");
    m.put("HEARTWATCH_PORT", "0");
    m.put("HEARTWATCH_DB", db().toString());
    m.put("HEARTWATCH_OUTBOX", dir.resolve("outbox").toString());
    m.put("HEARTWATCH_KEYS", PING_KEY);
    m.put("HEARTWATCH_ADMIN_KEYS", ADMIN_KEY);
    m.put("HEARTWATCH_EVALUATION_FREQUENCY", "PT1H");
    server = HeartwatchServer.start(ServerConfig.fromMap(m), Clock.systemUTC(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    keyFile = Files.writeString(dir.resolve("admin.key"), ADMIN_KEY + "\n");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Path db() {
    return dir.resolve("heartwatch.db");
  }

  private CliRun onServer(String... args) {
    List<String> all = new ArrayList<>(List.of("devices"));
    all.addAll(List.of(args));
    all.addAll(List.of("--server", server.baseUri().toString(), "--admin-key-file", keyFile.toString()));
    return CliRun.of(new HeartwatchCli(), all.toArray(String[]::new));
  }

  private CliRun onDb(String... args) {
    List<String> all = new ArrayList<>(List.of("devices"));
    all.addAll(List.of(args));
    all.addAll(List.of("--db", db().toString()));
    return CliRun.of(new HeartwatchCli(), all.toArray(String[]::new));
  }

  private DeviceRegistry stored() {
    return server.store().registry().registry();
  }

  @Test
  void addSetListAndRemoveGoThroughTheAdminApi() {
    CliRun add = onServer("add", "backup", "--cron", "30 2 * * *", "--time-zone", "Asia/Kolkata", "--grace", "PT1H");
    assertEquals(ExitCodes.OK, add.exitCode(), add.toString());
    assertTrue(add.err().contains("added 'backup' to heartwatch-server 127.0.0.1:"), add.toString());
    String next = add.err().lines().filter(l -> l.startsWith("next due: ")).findFirst().orElseThrow(() -> new AssertionError(add.toString()));
    assertEquals(3, next.split(", ").length, next);
    for (String t : next.substring("next due: ".length()).split(", ")) {
      assertTrue(t.endsWith("T21:00:00Z"), next);
    }
    assertEquals(new Schedule.Cron("30 2 * * *", ZoneId.of("Asia/Kolkata"), Duration.ofHours(1)), stored().scheduleOf("backup"));

    CliRun again = onServer("add", "BACKUP");
    assertEquals(ExitCodes.CONFLICT, again.exitCode(), again.toString());
    assertTrue(again.err().contains("already expected"), again.toString());

    assertEquals(ExitCodes.OK, onServer("add", "Home Router").exitCode());
    CliRun set = onServer("set", "backup", "--grace", "PT2H", "--channels", "email");
    assertEquals(ExitCodes.OK, set.exitCode(), set.toString());
    RegisteredDevice backup = stored().find("backup").orElseThrow();
    assertEquals(Duration.ofHours(2), backup.schedule().grace());
    assertEquals(List.of("email"), backup.channels());

    CliRun list = onServer("list");
    assertEquals(ExitCodes.OK, list.exitCode(), list.toString());
    assertEquals(List.of("backup", "home-router"), list.out().lines().map(l -> l.split("\t")[0]).toList());
    assertTrue(list.out().contains("backup\tcron \"30 2 * * *\" Asia/Kolkata, grace PT2H; expected; channels email\tnext due: "),
        list.toString());

    CliRun typo = onServer("set", "backpu", "--grace", "PT3H");
    assertEquals(ExitCodes.CONFLICT, typo.exitCode(), typo.toString());
    assertTrue(typo.err().contains("did you mean 'backup'?"), typo.toString());

    assertEquals(ExitCodes.OK, onServer("remove", "home-router").exitCode());
    assertEquals(List.of("backup"), stored().devices().stream().map(RegisteredDevice::id).toList());
    assertEquals(ExitCodes.CONFLICT, onServer("remove", "home-router").exitCode());
  }

  @Test
  void badInputIsRefusedWhereItIsEnteredAndTheServerTakesAnySchedule() {
    CliRun zone = onServer("add", "backup", "--cron", "30 2 * * *", "--time-zone", "Mars/Olympus", "--grace", "PT1H");
    assertEquals(ExitCodes.BAD_INPUT, zone.exitCode(), zone.toString());
    assertTrue(zone.err().contains("use e.g. Europe/Berlin"), zone.toString());
    CliRun grace = onServer("add", "nas", "--period", "PT10M", "--grace", "-PT5M");
    assertEquals(ExitCodes.BAD_INPUT, grace.exitCode(), grace.toString());
    assertTrue(stored().devices().isEmpty());
    // Azure could not watch a weekday cron (a weekend is longer than its lookback); the server can.
    CliRun weekdays = onServer("add", "payroll", "--cron", "0 9 * * 1-5", "--time-zone", "Europe/Berlin", "--grace", "PT1H");
    assertEquals(ExitCodes.OK, weekdays.exitCode(), weekdays.toString());
  }

  @Test
  void theKeyRulesHold() throws Exception {
    Path wrong = Files.writeString(dir.resolve("ping.key"), PING_KEY);
    CliRun ping = CliRun.of(new HeartwatchCli(), "devices", "list", "--server", server.baseUri().toString(),
        "--admin-key-file", wrong.toString());
    assertEquals(ExitCodes.AUTH, ping.exitCode(), ping.toString());
    assertTrue(ping.err().contains("401"), ping.toString());
    assertFalse(ping.err().contains(PING_KEY), "never prints a key");
    DevicesTargetOption noEnv = new DevicesTargetOption();
    noEnv.server = server.baseUri().toString();
    noEnv.env = k -> null;
    CliRun none = CliRun.of(listWith(noEnv));
    assertEquals(ExitCodes.AUTH, none.exitCode(), none.toString());
    assertTrue(none.err().contains("HEARTWATCH_ADMIN_KEY"), none.toString());
    DevicesTargetOption fromEnv = new DevicesTargetOption();
    fromEnv.server = server.baseUri().toString();
    fromEnv.env = Map.of(AdminKey.ENV, ADMIN_KEY)::get;
    assertEquals(ExitCodes.OK, CliRun.of(listWith(fromEnv)).exitCode());
    CliRun clear = CliRun.of(new HeartwatchCli(), "devices", "list", "--server", "http://monitor.example:7071",
        "--admin-key-file", keyFile.toString());
    assertEquals(ExitCodes.BAD_INPUT, clear.exitCode(), "a key never crosses the network in clear: " + clear);
    try (ServerSocket closed = new ServerSocket(0)) {
      int port = closed.getLocalPort();
      closed.close();
      CliRun down = CliRun.of(new HeartwatchCli(), "devices", "list", "--server", "http://127.0.0.1:" + port,
          "--admin-key-file", keyFile.toString());
      assertEquals(ExitCodes.UNREACHABLE, down.exitCode(), down.toString());
    }
  }

  /** {@code list} with a prepared target option (its environment replaced). */
  private static DevicesListCommand listWith(DevicesTargetOption option) {
    DevicesListCommand list = new DevicesListCommand();
    list.option = option;
    return list;
  }

  @Test
  void muteUnmuteRetireAndUnretireAreTheServersOwn() {
    CliRun mute = onServer("mute", "home-pi", "PT1H");
    assertEquals(ExitCodes.OK, mute.exitCode(), mute.toString());
    assertTrue(mute.out().startsWith("home-pi muted until "), mute.toString());
    Instant until = server.store().devices().device("home-pi").orElseThrow().mutedUntil();
    assertTrue(Duration.between(Instant.now(), until).toMinutes() >= 59, String.valueOf(until));
    assertEquals(ExitCodes.BAD_INPUT, onServer("mute", "home-pi", "an hour").exitCode());
    assertEquals(ExitCodes.BAD_INPUT, onServer("mute", "home-pi", "P400D").exitCode());

    onServer("add", "garage", "--period", "PT10M", "--grace", "PT5M");
    CliRun retire = onServer("retire", "garage");
    assertEquals(ExitCodes.OK, retire.exitCode(), retire.toString());
    assertTrue(retire.out().contains("undo: heartwatch devices unretire garage"), retire.toString());
    assertNotNull(server.store().devices().device("garage").orElseThrow().retiredAt());
    assertTrue(stored().find("garage").isPresent(), "a retired device keeps its entry, for unretire");

    assertEquals(ExitCodes.OK, onServer("unmute", "home-pi").exitCode());
    CliRun unretire = onServer("unretire", "garage");
    assertTrue(unretire.out().contains("garage restored: it is evaluated again"), unretire.toString());
    assertNull(server.store().devices().device("home-pi").orElseThrow().mutedUntil());
    assertNull(server.store().devices().device("garage").orElseThrow().retiredAt());
  }

  @Test
  void theDatabaseBesideTheRunningServerTakesTheSameCommands() {
    CliRun add = onDb("add", "nas", "--period", "PT10M", "--grace", "PT5M");
    assertEquals(ExitCodes.OK, add.exitCode(), add.toString());
    assertTrue(add.err().contains("next due (if it beats now): "), add.toString());
    assertFalse(add.err().matches("(?s).*\\.\\d+Z.*"), "due times in whole seconds: " + add);
    assertEquals(new Schedule.Period(Duration.ofMinutes(10), Duration.ofMinutes(5)), stored().scheduleOf("nas"));
    assertEquals(ExitCodes.OK, onDb("set", "nas", "--not-expected").exitCode());
    assertFalse(stored().find("nas").orElseThrow().expected());
    assertEquals(ExitCodes.CONFLICT, onDb("set", "nsa", "--expected").exitCode());

    assertEquals(ExitCodes.OK, onDb("mute", "nas", "PT1H").exitCode());
    assertEquals(ExitCodes.OK, onDb("retire", "garage").exitCode());
    assertNotNull(server.store().devices().device("nas").orElseThrow().mutedUntil());
    assertNotNull(server.store().devices().device("garage").orElseThrow().retiredAt());
    assertEquals(ExitCodes.OK, onDb("unmute", "nas").exitCode());
    assertEquals(ExitCodes.OK, onDb("unretire", "garage").exitCode());
    assertNull(server.store().devices().device("nas").orElseThrow().mutedUntil());
    assertNull(server.store().devices().device("garage").orElseThrow().retiredAt());
    assertEquals(ExitCodes.BAD_INPUT, onDb("retire", "///").exitCode());

    CliRun list = onDb("list");
    assertEquals("nas\tevery PT10M, grace PT5M; not expected; every channel", list.out().lines().findFirst().orElseThrow().replaceFirst("\tnext due.*", ""));
  }

  @Test
  void importMovesTheFileIntoTheServerInOneStepAndExportGivesItBack() throws Exception {
    onServer("add", "old-device");
    Path file = Files.writeString(dir.resolve("devices.json"), "[\"router\", {\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"PT5M\"},"
        + " {\"id\": \"backup\", \"cron\": \"30 2 * * *\", \"timeZone\": \"Europe/Berlin\", \"grace\": \"PT1H\", \"channels\": [\"email\"]}]");
    CliRun run = onServer("import", file.toString());
    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    assertTrue(run.err().contains("imported 3 devices"), run.toString());
    DeviceRegistry fromFile = DeviceRegistry.parse(Files.readString(file));
    assertEquals(fromFile.devices().stream().sorted(java.util.Comparator.comparing(RegisteredDevice::id)).toList(), stored().devices());

    CliRun export = onServer("export");
    assertEquals(ExitCodes.OK, export.exitCode(), export.toString());
    assertEquals(stored(), DeviceRegistry.parse(export.out()));

    Path bad = Files.writeString(dir.resolve("bad.json"), "[\"router\", {\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"-PT5M\"}]");
    CliRun refused = onServer("import", bad.toString());
    assertEquals(ExitCodes.BAD_INPUT, refused.exitCode(), refused.toString());
    assertTrue(refused.err().contains("entry 2 (\"nas\")"), refused.toString());
    assertEquals(3, stored().devices().size(), "nothing written");

    assertEquals(ExitCodes.OK, onDb("import", file.toString()).exitCode());
    assertEquals(ExitCodes.BAD_INPUT, onServer("import", dir.resolve("missing.json").toString()).exitCode());
  }
}
