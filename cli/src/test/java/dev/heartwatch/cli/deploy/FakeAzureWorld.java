package dev.heartwatch.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.cli.history.FakeLogAnalytics;
import dev.heartwatch.cli.history.FakeLogAnalytics.Reply;
import dev.heartwatch.cli.support.RepoRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A copy of the repository's deploy script in a temporary checkout, with recording fakes of
 * {@code az}, {@code mvn}, {@code curl} and {@code heartwatch publish} first on PATH, and a local
 * HTTPS fake of the Log Analytics query API for {@code heartwatch verify} (the real command, in a
 * child process: {@link HeartwatchAgainstFakes}). Azure is the one thing these tests cannot
 * reach; everything else (bash, java, the real {@code heartwatch package} and {@code verify}) is
 * real. The fake API answers from what the fake {@code curl} received: the self-test beat is
 * "ingested" unless {@link #lineNeverArrives}; the deployed alert query answers {@link #alertRows}.
 */
final class FakeAzureWorld {
  static final String FUNCTION_KEY = "k3y/with+chars==";
  static final String ENCODED_KEY = "k3y%2Fwith%2Bchars%3D%3D";
  static final String APPINSIGHTS_ID =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/microsoft.insights/components/hw-appi-abc123";
  /** The region the secondary tests deploy to (issue 18); the primary is the group's, westeurope. */
  static final String SECONDARY_REGION = "northeurope";
  static final String PRIMARY_STACK = "stack-westeurope";
  static final String SECONDARY_STACK = "stack-" + SECONDARY_REGION;

  record Run(int exitCode, String out, String err, List<String> calls) {
    List<String> az() {
      return calls.stream().filter(c -> c.startsWith("az ")).toList();
    }

    boolean called(String prefix) {
      return calls.stream().anyMatch(c -> c.startsWith(prefix));
    }

    int indexOf(String prefix) {
      for (int i = 0; i < calls.size(); i++) {
        if (calls.get(i).startsWith(prefix)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err + "--- calls\n" + String.join("\n", calls);
    }
  }

  final Path repo;
  final Path bin;
  final Path state;
  final Path log;
  final Map<String, String> env = new HashMap<>();
  /** The devices the deployed alert query lists (what Azure would answer for this world). */
  final List<String> alertRows = new ArrayList<>(List.of("home-office-pi"));
  /** Beats the fake has seen besides the self-test ones: device -> {lastSeen, state}. */
  final Map<String, String[]> otherBeats = new TreeMap<>();
  boolean lineNeverArrives;
  volatile String deployedQuery;
  /** The secondary's rule query: the same file with coverFor = stack-<primary>. */
  volatile String secondaryQuery;
  /**
   * The stacks' own beats that do not reach the other (each StackBeat beats the other's StackPing
   * every minute; the fake has each heard 30 s before a query unless it is named here).
   */
  final java.util.Set<String> silentStacks = new java.util.concurrent.CopyOnWriteArraySet<>();
  private static final Pattern DEVICE_IS = Pattern.compile("tostring\\(beat\\.device\\) == \"([^\"]*)\"");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MARKER = Pattern.compile("tostring\\(beat\\.note\\) == \"([^\"]*)\"");
  private static FakeLogAnalytics queryApi;
  private static TestCa ca;

  /** One query API for the whole test run (making a CA costs seconds); each world answers it. */
  private static synchronized FakeLogAnalytics queryApi() throws IOException {
    if (queryApi == null) {
      try {
        Path dir = Files.createTempDirectory("deploy-verify-ca");
        ca = TestCa.create(dir);
        queryApi = new FakeLogAnalytics(ca);
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
    return queryApi;
  }

  FakeAzureWorld(Path dir, String plan) throws IOException {
    repo = Files.createDirectories(dir.resolve("repo"));
    bin = Files.createDirectories(dir.resolve("bin"));
    state = Files.createDirectories(dir.resolve("state"));
    log = dir.resolve("calls.log");
    Files.writeString(repo.resolve("pom.xml"), "<project/>");
    Files.createDirectories(repo.resolve("scripts"));
    Files.copy(RepoRoot.find().resolve("scripts/deploy.sh"), repo.resolve("scripts/deploy.sh"));
    // azd's hooks (azure.yaml) run deploy.sh --notify-only through this one (DeployAzdHooksTest).
    Files.copy(RepoRoot.find().resolve("scripts/azd-secondary.sh"), repo.resolve("scripts/azd-secondary.sh"));
    Files.createDirectories(repo.resolve("infra"));
    Files.writeString(repo.resolve("infra/main.bicep"), "// the infra engineer's template; az is faked\n");
    Files.writeString(repo.resolve("infra/devices.json"), "[\n  \"home-office-pi\"\n]\n");
    for (String fake : List.of("az", "mvn", "curl", "heartwatch")) {
      Path target = bin.resolve(fake);
      try (InputStream in = FakeAzureWorld.class.getResourceAsStream("/deploy-fakes/" + fake)) {
        Files.copy(in, target);
      }
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
    env.put("FAKE_LOG", log.toString());
    env.put("FAKE_STATE", state.toString());
    env.put("FAKE_PLAN", plan);
    env.put("FAKE_FUNCTION_KEY", FUNCTION_KEY);
    env.put("FAKE_REPO", repo.toString());
    env.put("FAKE_CLASSPATH", System.getProperty("java.class.path"));
    env.put("HEARTWATCH_CLI", bin.resolve("heartwatch").toString());
    env.put("DEPLOY_SMOKE_ATTEMPTS", "2");
    env.put("DEPLOY_SMOKE_DELAY_SECONDS", "0");
    env.put("FAKE_APPINSIGHTS_ID", APPINSIGHTS_ID);
    FakeLogAnalytics api = queryApi();
    env.put("FAKE_QUERY_ENDPOINT", api.endpoint());
    env.put("FAKE_CA_CERT", ca.caCertificate().toString());
    env.put("DEPLOY_VERIFY_INGESTION_TIMEOUT", "PT20S");
    env.put("DEPLOY_VERIFY_POLL", "PT0.2S");
    deployedQuery = tunedAlertQuery();
    Files.writeString(state.resolve("rule.json"), ruleJson(deployedQuery));
    secondaryQuery = deployedQuery.replace("let coverFor = \"\";", "let coverFor = \"" + PRIMARY_STACK + "\";");
    if (secondaryQuery.equals(deployedQuery)) {
      throw new AssertionError("silent-devices.kql no longer has the coverFor line the secondary's rule sets");
    }
    Files.writeString(state.resolve("rule-secondary.json"), ruleJson(secondaryQuery, "-" + SECONDARY_REGION));
    api.respondToPathAndText(this::answer);
  }

  /** infra/queries/silent-devices.kql as queries.bicep tunes it for infra/devices.json. */
  private static String tunedAlertQuery() throws IOException {
    String kql = Files.readString(RepoRoot.find().resolve("infra/queries/silent-devices.kql"));
    String tuned = kql.replace("let expectedDevices = dynamic([]);", "let expectedDevices = dynamic([\"home-office-pi\"]);");
    if (tuned.equals(kql) || !tuned.contains("let threshold = 5m;")) {
      throw new AssertionError("silent-devices.kql no longer has the tunable lines these tests (and verify) read");
    }
    return tuned;
  }

  /** What {@code az monitor scheduled-query show -o json} prints (the CLI flattens properties). */
  private static String ruleJson(String query) {
    return ruleJson(query, "");
  }

  private static String ruleJson(String query, String suffix) {
    ObjectNode rule = JSON.createObjectNode();
    rule.put("name", "hw-silent-device-abc123" + suffix);
    rule.put("type", "Microsoft.Insights/scheduledQueryRules");
    rule.put("evaluationFrequency", "PT5M");
    rule.put("overrideQueryTimeRange", "P2D");
    rule.putObject("criteria").putArray("allOf").addObject().put("query", query).put("timeAggregation", "Count");
    ObjectNode actions = rule.putObject("actions");
    actions.putArray("actionGroups").add(
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/microsoft.insights/actionGroups/hw-ag-abc123" + suffix);
    actions.putObject("customProperties").put("source", "heartwatch");
    return rule.toString();
  }

  /**
   * The fake query API's answer to one query, from what this world's fake curl received: each
   * component (the path names it) holds only the lines of its own app, and the other stack's
   * StackBeat line unless {@link #silentStacks} names it.
   */
  private Reply answer(String path, String query) {
    try {
      String component = path.substring(0, path.lastIndexOf("/query"));
      component = component.substring(component.lastIndexOf('/') + 1);
      boolean secondary = component.endsWith("-" + SECONDARY_REGION);
      String app = component.replace("-appi-", "-func-");
      String peer = secondary ? PRIMARY_STACK : SECONDARY_STACK;
      // The primary hears the secondary's beat only once there is a secondary.
      boolean peerHeard = !silentStacks.contains(peer) && (secondary || Files.exists(state.resolve("secondary")));
      Instant peerAt = Instant.now().minusSeconds(30);
      List<JsonNode> beats = new ArrayList<>();
      List<Instant> received = new ArrayList<>();
      Path file = state.resolve("beats");
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file)) {
          String[] parts = line.split("\t", 3);
          if (parts[1].equals(app)) {
            received.add(Instant.ofEpochMilli(Long.parseLong(parts[0])));
            beats.add(JSON.readTree(parts[2]));
          }
        }
      }
      Matcher marker = MARKER.matcher(query);
      if (marker.find()) {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < beats.size() && !lineNeverArrives; i++) {
          if (beats.get(i).path("note").asText().equals(marker.group(1))) {
            Instant at = received.get(i);
            rows.add(List.of(FakeLogAnalytics.kusto(at), FakeLogAnalytics.kusto(at.plusMillis(1500)),
                beats.get(i).path("state").asText("running")));
          }
        }
        return Reply.ok(FakeLogAnalytics.table(columns("timestamp", "datetime", "ingested", "datetime", "state", "string"), rows));
      }
      if (query.contains("summarize lastSeen = max(timestamp), beats = count()")) {
        Matcher device = DEVICE_IS.matcher(query);
        boolean heard = device.find() && device.group(1).equals(peer) && peerHeard;
        List<Object> row = List.of(heard ? FakeLogAnalytics.kusto(peerAt) : "", heard ? 2 : 0,
            FakeLogAnalytics.kusto(Instant.now()));
        return Reply.ok(FakeLogAnalytics.table(columns("lastSeen", "datetime", "beats", "long", "queriedAt", "datetime"),
            List.of(row)));
      }
      if (query.contains("queriedAt = now()")) {
        Map<String, String[]> last = new TreeMap<>(secondary ? Map.of() : otherBeats);
        if (peerHeard) {
          last.put(peer, new String[] {FakeLogAnalytics.kusto(peerAt), "running"});
        }
        Map<String, String> lastRunning = new TreeMap<>();
        last.forEach((device, beat) -> lastRunning.put(device, "stopping".equals(beat[1]) ? "" : beat[0]));
        for (int i = 0; i < beats.size(); i++) {
          String device = beats.get(i).path("device").asText();
          String state = beats.get(i).path("state").asText("running");
          last.put(device, new String[] {FakeLogAnalytics.kusto(received.get(i)), state});
          if (!"stopping".equals(state)) {
            lastRunning.put(device, FakeLogAnalytics.kusto(received.get(i)));
          }
        }
        List<List<Object>> rows = new ArrayList<>();
        String now = FakeLogAnalytics.kusto(Instant.now());
        last.forEach((device, beat) -> rows.add(List.of(device, beat[0], beat[1], lastRunning.getOrDefault(device, ""), now)));
        return Reply.ok(FakeLogAnalytics.table(columns("device", "string", "lastSeen", "datetime", "state", "string",
            "lastRunning", "datetime", "queriedAt", "datetime"), rows));
      }
      if (!secondary && query.equals(deployedQuery)) {
        return alertTable(alertRows);
      }
      if (secondary && query.equals(secondaryQuery)) {
        // The secondary's rule (silent-devices.kql with coverFor): the primary's beat while it is
        // silent here, and then the homes' silent devices too; nothing while it is heard.
        List<String> rows = new ArrayList<>();
        if (!peerHeard) {
          rows.add(PRIMARY_STACK);
          rows.addAll(alertRows);
        }
        return alertTable(rows);
      }
      return new Reply(400, Map.of(), "{\"error\":{\"code\":\"BadArgumentError\",\"message\":\"not a query this fake knows\"}}");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Reply alertTable(List<String> devices) {
    List<List<Object>> rows = new ArrayList<>();
    for (String device : devices) {
      rows.add(List.of(device, "", 1.0));
    }
    return Reply.ok(FakeLogAnalytics.table(columns("device", "string", "lastState", "string", "silentMinutes", "real"), rows));
  }

  private static Map<String, String> columns(String... nameType) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < nameType.length; i += 2) {
      out.put(nameType[i], nameType[i + 1]);
    }
    return out;
  }

  /** The rule as deployed for a registry with schedules: its deviceLimits rows, as queries.bicep writes them. */
  void deployedWithLimits(String rows) throws IOException {
    String empty = "let deviceLimits = datatable(device: string, limit: timespan, grace: timespan) [];";
    String tuned = tunedAlertQuery();
    if (!tuned.contains(empty)) {
      throw new AssertionError("silent-devices.kql no longer has the deviceLimits line these tests (and verify) read");
    }
    deployedQuery = tuned.replace(empty, empty.replace("[]", "[" + rows + "]"));
    Files.writeString(state.resolve("rule.json"), ruleJson(deployedQuery));
  }

  /**
   * What {@code azd provision} leaves behind (infra/main.bicep deployed as deployment
   * {@code heartwatch}, with its secondary when {@code secondary} is not null) and, with
   * {@code deployed}, {@code azd deploy} too: the primary runs the code (azd deploys service
   * ping to the primary's app only), and the package azd built is in function-app/target.
   */
  void azdProvisioned(String secondary, boolean deployed) throws Exception {
    groupExists();
    Files.writeString(state.resolve("deployed"), "");
    if (secondary != null) {
      Files.writeString(state.resolve("secondary"), secondary);
    }
    if (deployed) {
      Files.writeString(state.resolve("code"), "");
      Run build = run(List.of(bin.resolve("mvn").toString(), "package"));
      if (build.exitCode() != 0) {
        throw new AssertionError("the fake build failed:\n" + build);
      }
    }
  }

  void groupExists() throws IOException {
    Files.writeString(state.resolve("group"), "");
  }

  /** The scripts' TMPDIR (deploy.sh's temporary files go there). */
  Path tmp() {
    return Path.of(env.get("TMPDIR"));
  }

  Run deploy(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", repo.resolve("scripts/deploy.sh").toString()));
    command.addAll(List.of(args));
    return run(command);
  }

  /** Runs a command in the fake checkout, with this world's environment, recording its calls. */
  Run run(List<String> command) throws Exception {
    Files.deleteIfExists(log);
    Files.createFile(log);
    ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> out = readAsync(process.getInputStream());
    CompletableFuture<String> err = readAsync(process.getErrorStream());
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("deploy.sh did not finish in 120 s");
    }
    return new Run(process.exitValue(), out.get(), err.get(), Files.readAllLines(log));
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(unreadable: " + e + ")";
          }
        });
  }
}
