package dev.heartwatch.cli.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.support.RepoRoot;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The GitHub workflows: valid YAML, least privilege, OIDC only, pinned actions. */
class WorkflowsTest {
  static final List<String> WORKFLOWS = List.of("ci.yml", "deploy.yml", "release-agent.yml");

  static Path file(String name) {
    return RepoRoot.find().resolve(".github/workflows/" + name);
  }

  static String text(String name) throws Exception {
    return Files.readString(file(name));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> workflow(String name) throws Exception {
    Object parsed = new Yaml().load(text(name));
    assertTrue(parsed instanceof Map, name + " is not a YAML mapping");
    return (Map<String, Object>) parsed;
  }

  /** YAML 1.1 (SnakeYAML) reads the key {@code on} as the boolean true. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> triggers(Map<String, Object> workflow) {
    Object on = workflow.containsKey("on") ? workflow.get("on") : workflow.get(Boolean.TRUE);
    assertTrue(on instanceof Map, "triggers: " + on);
    return (Map<String, Object>) on;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> jobs(Map<String, Object> workflow) {
    return (Map<String, Map<String, Object>>) workflow.get("jobs");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> steps(Map<String, Object> workflow) {
    List<Map<String, Object>> all = new ArrayList<>();
    jobs(workflow).values().forEach(job -> all.addAll((List<Map<String, Object>>) job.get("steps")));
    return all;
  }

  static List<String> runs(Map<String, Object> workflow) {
    return steps(workflow).stream().filter(s -> s.containsKey("run")).map(s -> String.valueOf(s.get("run"))).toList();
  }

  static Map<String, Object> stepUsing(Map<String, Object> workflow, String action) {
    return steps(workflow).stream()
        .filter(s -> String.valueOf(s.get("uses")).startsWith(action + "@"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step uses " + action));
  }

  /** Every permission granted anywhere in the workflow, as "scope: level". */
  @SuppressWarnings("unchecked")
  static List<String> grants(Map<String, Object> workflow) {
    List<String> grants = new ArrayList<>();
    List<Object> blocks = new ArrayList<>();
    blocks.add(workflow.get("permissions"));
    jobs(workflow).values().forEach(job -> blocks.add(job.get("permissions")));
    for (Object block : blocks) {
      if (block instanceof Map<?, ?> map) {
        map.forEach((k, v) -> grants.add(k + ": " + v));
      } else if (block != null) {
        grants.add(String.valueOf(block)); // write-all / read-all
      }
    }
    return grants;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ci.yml", "deploy.yml", "release-agent.yml"})
  void isAWorkflowWithLeastTopLevelPermissions(String name) throws Exception {
    Map<String, Object> workflow = workflow(name);
    assertNotNull(workflow.get("name"), name);
    assertFalse(triggers(workflow).isEmpty(), name);
    assertFalse(jobs(workflow).isEmpty(), name);
    assertEquals(Map.of("contents", "read"), workflow.get("permissions"), name + ": top-level permissions");
    for (String grant : grants(workflow)) {
      assertFalse(grant.contains("write-all") || grant.contains("read-all"), name + ": " + grant);
    }
  }

  @Test
  void onlyDeployMayAskForAnIdTokenAndOnlyReleaseMayWriteContents() throws Exception {
    for (String name : WORKFLOWS) {
      List<String> grants = grants(workflow(name));
      assertEquals(name.equals("deploy.yml"), grants.contains("id-token: write"), name + ": " + grants);
      assertEquals(name.equals("release-agent.yml"), grants.contains("contents: write"), name + ": " + grants);
      for (String grant : grants) {
        assertTrue(
            List.of("contents: read", "contents: write", "id-token: write").contains(grant),
            name + " grants more than it needs: " + grant);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ci.yml", "deploy.yml", "release-agent.yml"})
  void secretsOnlyThroughExpressionsAndNoClientSecret(String name) throws Exception {
    String text = text(name);
    for (String forbidden : List.of("client-secret", "clientSecret", "AZURE_CREDENTIALS", "creds:", "publish-profile", "password")) {
      assertFalse(text.contains(forbidden), name + " contains " + forbidden);
    }
    Matcher expressions = Pattern.compile("\\$\\{\\{(.*?)}}").matcher(text);
    while (expressions.find()) {
      String expression = expressions.group(1);
      if (expression.contains("secrets")) {
        assertTrue(expression.strip().matches("secrets\\.[A-Za-z_][A-Za-z0-9_]*"), name + ": " + expression);
      }
    }
    // Values reach scripts through env:, never spliced into a run: block (script injection).
    for (String run : runs(workflow(name))) {
      assertFalse(run.contains("${{"), name + " run block with an expression: " + run);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ci.yml", "deploy.yml", "release-agent.yml"})
  void actionsArePinnedToAtLeastAMajorVersion(String name) throws Exception {
    for (Map<String, Object> step : steps(workflow(name))) {
      if (step.containsKey("uses")) {
        String uses = String.valueOf(step.get("uses"));
        assertTrue(uses.matches("[\\w.-]+/[\\w./-]+@(v\\d+(\\.\\d+){0,2}|[0-9a-f]{40})"), name + ": " + uses);
      }
    }
  }

  @Test
  void ciBuildsAndTestsEveryPushAndPullRequestAndChecksBicepAndScripts() throws Exception {
    Map<String, Object> ci = workflow("ci.yml");
    assertTrue(triggers(ci).containsKey("push") && triggers(ci).containsKey("pull_request"));
    String runs = String.join("\n", runs(ci));
    assertTrue(runs.contains("scripts/test.sh"), runs);
    assertTrue(runs.contains("az bicep build --file infra/main.bicep"), runs);
    assertTrue(runs.contains("az bicep lint --file infra/main.bicep"), runs);
    assertTrue(runs.contains("shellcheck"), runs);
  }

  @Test
  @SuppressWarnings("unchecked")
  void deploySignsInWithOidcDeploysInfraThenCodeThenProbes() throws Exception {
    Map<String, Object> deploy = workflow("deploy.yml");
    Map<String, Object> on = triggers(deploy);
    assertEquals(List.of("main"), ((Map<String, Object>) on.get("push")).get("branches"));
    assertTrue(on.containsKey("workflow_dispatch"));

    Map<String, Object> login = (Map<String, Object>) stepUsing(deploy, "azure/login").get("with");
    assertEquals("v2", String.valueOf(stepUsing(deploy, "azure/login").get("uses")).split("@")[1]);
    assertEquals(
        Map.of(
            "client-id", "${{ vars.AZURE_CLIENT_ID }}",
            "tenant-id", "${{ vars.AZURE_TENANT_ID }}",
            "subscription-id", "${{ vars.AZURE_SUBSCRIPTION_ID }}"),
        login);

    Map<String, Object> functions = (Map<String, Object>) stepUsing(deploy, "Azure/functions-action").get("with");
    assertEquals("flexconsumption", functions.get("sku"));
    assertEquals("function-app/target/heartwatch-function.zip", functions.get("package"));

    List<String> order = steps(deploy).stream().map(s -> String.valueOf(s.getOrDefault("name", s.get("uses")))).toList();
    int login_ = order.indexOf("Sign in to Azure (OIDC)");
    int infra = order.indexOf("Deploy infrastructure");
    int code = order.indexOf("Deploy code (Flex Consumption)");
    int smoke = order.indexOf("Smoke test");
    int registry = order.indexOf("Read the device registry");
    assertTrue(login_ >= 0 && login_ < infra && infra < code && code < smoke, order.toString());
    assertTrue(registry >= 0 && registry < login_, "a registry Azure cannot watch fails before sign-in: " + order);
    String runs = String.join("\n", runs(deploy));
    assertTrue(runs.contains("devices azure-parameters --file infra/devices.json"), runs);
    assertTrue(runs.contains("\"@$RUNNER_TEMP/registry.parameters.json\""), runs);
    assertFalse(runs.contains("expectedDevices=@infra/devices.json"), "the registry is not a plain id list any more: " + runs);
    assertTrue(runs.contains("x-functions-key"), runs);
    assertTrue(runs.contains("::add-mask::"), "the key is masked in the log");
    // Notify: the receiver is handed back to the template (so a deploy keeps it), then set after the code.
    int notify = order.indexOf("Notify's key and receiver");
    assertTrue(code < notify && notify < smoke, order.toString());
    assertTrue(runs.contains("scripts/deploy.sh -g \"$RESOURCE_GROUP\" --notify-only"), runs);
    assertTrue(runs.contains("parameters+=(\"@$RUNNER_TEMP/notify.parameters.json\")"), runs);
    assertTrue(runs.contains("umask 077"), runs);
  }

  @Test
  @SuppressWarnings("unchecked")
  void releaseAttachesTheAgentJarAndItsChecksumOnVersionTags() throws Exception {
    Map<String, Object> release = workflow("release-agent.yml");
    Map<String, Object> push = (Map<String, Object>) triggers(release).get("push");
    assertEquals(List.of("v*"), push.get("tags"));
    assertFalse(push.containsKey("branches"));
    String runs = String.join("\n", runs(release));
    assertTrue(runs.contains("-pl agent"), runs);
    assertTrue(runs.contains("sha256sum heartwatch-agent.jar > heartwatch-agent.jar.sha256"), runs);
    assertTrue(runs.contains("agent/target/heartwatch-agent.jar agent/target/heartwatch-agent.jar.sha256"), runs);
  }

  // --- Issue 18: the secondary stack in deploy.yml --------------------------------------------

  static final String SECONDARY_ENV = "${{ inputs.secondary_location || vars.HEARTWATCH_SECONDARY_LOCATION }}";

  @TempDir Path dir;

  @SuppressWarnings("unchecked")
  static Map<String, Object> step(Map<String, Object> workflow, String name) {
    return steps(workflow).stream().filter(s -> name.equals(s.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("deploy.yml has no step named " + name));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deployJobEnv() throws Exception {
    return (Map<String, Object>) jobs(workflow("deploy.yml")).get("deploy").get("env");
  }

  @Test
  @SuppressWarnings("unchecked")
  void deployTakesTheSecondaryFromAVariableOrAnInputThroughEnvOnly() throws Exception {
    Map<String, Object> deploy = workflow("deploy.yml");
    Map<String, Object> dispatch = (Map<String, Object>) triggers(deploy).get("workflow_dispatch");
    Map<String, Object> input = (Map<String, Object>) ((Map<String, Object>) dispatch.get("inputs")).get("secondary_location");
    assertEquals("string", input.get("type"));
    assertEquals(false, input.get("required"));
    assertEquals("", input.get("default"), "empty: the variable, or no secondary");
    assertEquals(SECONDARY_ENV, deployJobEnv().get("SECONDARY_LOCATION"));
    // The input and the variable are read in exactly one place, the job's env: never in a run: block,
    // a with:, or an if: (script injection: a value reaches a script as $SECONDARY_LOCATION only).
    String text = text("deploy.yml");
    assertEquals(1, text.split(Pattern.quote("inputs.secondary_location"), -1).length - 1, "inputs.secondary_location outside env:");
    assertEquals(1, text.split(Pattern.quote("vars.HEARTWATCH_SECONDARY_LOCATION"), -1).length - 1);
    for (String run : runs(deploy)) {
      assertFalse(run.contains("${{") || run.contains("inputs.") || run.contains("vars."), "an expression in a run: block: " + run);
    }

    List<String> order = steps(deploy).stream().map(s -> String.valueOf(s.getOrDefault("name", s.get("uses")))).toList();
    int check = order.indexOf("Check the secondary region");
    int build = order.indexOf("Build the function and the CLI");
    int code = order.indexOf("Deploy code (Flex Consumption)");
    int secondaryCode = order.indexOf("Deploy code to the secondary (Flex Consumption)");
    int notify = order.indexOf("Notify's key and receiver");
    int smoke = order.indexOf("Smoke test");
    int verify = order.indexOf("Verify both stacks");
    assertTrue(check >= 0 && check < build, "a bad region fails before the build: " + order);
    assertTrue(code < secondaryCode && secondaryCode < notify && notify < smoke && smoke < verify, order.toString());

    Map<String, Object> secondary = step(deploy, "Deploy code to the secondary (Flex Consumption)");
    assertEquals("steps.infra.outputs.SECONDARY_FUNCTION_APP_NAME != ''", secondary.get("if"));
    assertTrue(String.valueOf(secondary.get("uses")).startsWith("Azure/functions-action@"), secondary.toString());
    Map<String, Object> with = (Map<String, Object>) secondary.get("with");
    assertEquals("${{ steps.infra.outputs.SECONDARY_FUNCTION_APP_NAME }}", with.get("app-name"));
    assertEquals("function-app/target/heartwatch-function.zip", with.get("package"), "the same package as the primary");
    assertEquals("flexconsumption", with.get("sku"));

    Map<String, Object> verifyStep = step(deploy, "Verify both stacks");
    assertEquals("env.SECONDARY_LOCATION != ''", verifyStep.get("if"), "without a secondary the run ends as it did");
    assertEquals("scripts/deploy.sh -g \"$RESOURCE_GROUP\" --verify", String.valueOf(verifyStep.get("run")).strip());
    Map<String, Object> smokeEnv = (Map<String, Object>) step(deploy, "Smoke test").get("env");
    assertEquals("${{ steps.infra.outputs.SECONDARY_FUNCTION_URL }}", smokeEnv.get("SECONDARY_FUNCTION_URL"));
  }

  /** One step's run: block, run as GitHub runs it on Linux (bash -e), with recording fakes first on PATH. */
  final class StepRun {
    final Path work = Files.createDirectories(dir.resolve("work"));
    final Path bin = Files.createDirectories(dir.resolve("bin"));
    final Path state = Files.createDirectories(dir.resolve("state"));
    final Path temp = Files.createDirectories(dir.resolve("runner-temp"));
    final Path log = dir.resolve("calls.log");
    final Path output = dir.resolve("github-output");
    final Path githubEnv = dir.resolve("github-env");
    final Map<String, String> env = new HashMap<>();
    int exit;
    String out;
    String err;

    StepRun() throws Exception {
      // The fake az and curl of deploy.sh's tests (cli/src/test/resources/deploy-fakes): Azure is
      // the one thing this test cannot reach. sleep is a no-op: retries need no waiting here.
      for (String fake : List.of("az", "curl")) {
        try (InputStream in = WorkflowsTest.class.getResourceAsStream("/deploy-fakes/" + fake)) {
          Files.copy(in, bin.resolve(fake));
        }
      }
      Files.writeString(bin.resolve("sleep"), "#!/usr/bin/env bash\nprintf 'sleep %s\\n' \"$*\" >>\"$FAKE_LOG\"\n");
      // scripts/deploy.sh as the workflow calls it: its arguments recorded, one a line.
      Files.createDirectories(work.resolve("scripts"));
      Files.writeString(work.resolve("scripts/deploy.sh"),
          "#!/usr/bin/env bash\nprintf 'deploy.sh' >>\"$FAKE_LOG\"; printf ' [%s]' \"$@\" >>\"$FAKE_LOG\"; echo >>\"$FAKE_LOG\"\n");
      for (Path p : List.of(bin.resolve("az"), bin.resolve("curl"), bin.resolve("sleep"), work.resolve("scripts/deploy.sh"))) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Files.writeString(temp.resolve("registry.parameters.json"), "{\"parameters\": {}}\n");
      Files.writeString(state.resolve("group"), "");
      env.put("PATH", bin + ":" + System.getenv("PATH"));
      env.put("FAKE_LOG", log.toString());
      env.put("FAKE_STATE", state.toString());
      env.put("FAKE_PLAN", "FlexConsumption");
      env.put("FAKE_FUNCTION_KEY", "k3y/with+chars==");
      env.put("FAKE_APPINSIGHTS_ID", "/subscriptions/0/resourceGroups/rg-test/providers/microsoft.insights/components/hw-appi-abc123");
      env.put("RUNNER_TEMP", temp.toString());
      env.put("GITHUB_OUTPUT", output.toString());
      env.put("GITHUB_ENV", githubEnv.toString());
      env.put("RESOURCE_GROUP", "rg-test");
      env.put("ALERT_EMAILS", "[\"me@example.com\"]");
      env.put("HOSTING_PLAN", "FlexConsumption");
      env.put("DEPLOYER_PRINCIPAL_ID", "11111111-2222-4333-8444-555555555555");
      env.put("SECONDARY_LOCATION", "");
    }

    StepRun run(String stepName) throws Exception {
      Files.writeString(log, "");
      Files.writeString(output, "");
      Files.writeString(githubEnv, "");
      Path script = dir.resolve("step.sh");
      Files.writeString(script, String.valueOf(step(workflow("deploy.yml"), stepName).get("run")));
      ProcessBuilder builder = new ProcessBuilder("bash", "-e", script.toString()).directory(work.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      process.getOutputStream().close();
      CompletableFuture<String> o = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> e = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(stepName + " did not finish in 60 s");
      }
      exit = process.exitValue();
      out = o.get();
      err = e.get();
      return this;
    }

    List<String> calls() throws Exception {
      return Files.readAllLines(log);
    }

    String called(String prefix) throws Exception {
      return calls().stream().filter(c -> c.startsWith(prefix)).findFirst().orElse(null);
    }

    String file(Path p) throws Exception {
      return Files.exists(p) ? Files.readString(p) : "";
    }

    @Override
    public String toString() {
      try {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err + "--- calls\n" + String.join("\n", calls());
      } catch (Exception e) {
        return "exit " + exit;
      }
    }
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The region rule in scripts/deploy.sh (check_secondary_region), as a regex. */
  static String deployShRegionRule() throws Exception {
    String deploy = Files.readString(RepoRoot.find().resolve("scripts/deploy.sh"));
    Matcher m = Pattern.compile("check_secondary_region\\(\\) \\{[^}]*?\\[\\[ \"\\$SECONDARY_LOCATION\" =~ (\\S+) \\]\\]").matcher(deploy);
    assertTrue(m.find(), "deploy.sh's check_secondary_region no longer tests SECONDARY_LOCATION with =~");
    return m.group(1);
  }

  @Test
  void theRegionCheckIsDeployShsRuleAndPassesOnOnlyTheCheckedName() throws Exception {
    String rule = deployShRegionRule();
    String check = String.valueOf(step(workflow("deploy.yml"), "Check the secondary region").get("run"));
    assertTrue(check.contains("[[ ! \"$region\" =~ " + rule + " ]]"), "the workflow's region rule is not deploy.sh's " + rule + ":\n" + check);
    assertTrue(check.contains("tr -d '[:space:]'") && check.contains("tr '[:upper:]' '[:lower:]'"), "normalised as deploy.sh's normal_region does");

    StepRun step = new StepRun();
    assertEquals(0, step.run("Check the secondary region").exit, step.toString());
    assertEquals("", step.file(step.githubEnv), "no secondary: nothing passed on");
    assertTrue(step.out.contains("no secondary stack"), step.toString());

    step.env.put("SECONDARY_LOCATION", "North Europe");
    assertEquals(0, step.run("Check the secondary region").exit, step.toString());
    assertEquals("SECONDARY_LOCATION=northeurope\n", step.file(step.githubEnv));

    Path pwned = dir.resolve("pwned");
    for (String bad : List.of("north-europe", "x", "northeurope\nHOSTING_PLAN=LinuxConsumption", "$(touch " + pwned + ")",
        "`touch " + pwned + "`", "northeurope\"; touch " + pwned + "; echo \"", "a".repeat(41))) {
      step.env.put("SECONDARY_LOCATION", bad);
      assertEquals(1, step.run("Check the secondary region").exit, "accepted " + bad + ":\n" + step);
      assertTrue(step.out.contains("::error::HEARTWATCH_SECONDARY_LOCATION (or the secondary_location input) must be an Azure region name"), step.toString());
      assertEquals("", step.file(step.githubEnv), "a refused value is never passed on: " + bad);
      assertFalse(Files.exists(pwned), "the value was executed: " + bad);
    }
    step.env.put("SECONDARY_LOCATION", "northeurope");
    step.env.put("HOSTING_PLAN", "LinuxConsumption");
    assertEquals(1, step.run("Check the secondary region").exit, step.toString());
    assertTrue(step.out.contains("Flex Consumption only"), step.toString());
  }

  @Test
  void theNotifyStepPassesTheSecondaryToDeployShOnlyWhenSet() throws Exception {
    StepRun step = new StepRun();
    assertEquals(0, step.run("Notify's key and receiver").exit, step.toString());
    assertEquals(List.of("deploy.sh [-g] [rg-test] [--notify-only]"), step.calls(), "unset: exactly what it ran before");

    step.env.put("SECONDARY_LOCATION", "northeurope");
    assertEquals(0, step.run("Notify's key and receiver").exit, step.toString());
    assertEquals(List.of("deploy.sh [-g] [rg-test] [--notify-only] [--secondary-location] [northeurope]"), step.calls());

    // Even a value the check step would refuse is one argument, never shell text.
    Path pwned = dir.resolve("pwned");
    step.env.put("SECONDARY_LOCATION", "x; touch " + pwned);
    assertEquals(0, step.run("Notify's key and receiver").exit, step.toString());
    assertEquals(List.of("deploy.sh [-g] [rg-test] [--notify-only] [--secondary-location] [x; touch " + pwned + "]"), step.calls());
    assertFalse(Files.exists(pwned));
  }

  @Test
  void theInfraStepDeploysTheSecondaryOnlyWhenSetAndRefusesTheSameRegion() throws Exception {
    StepRun step = new StepRun();
    assertEquals(0, step.run("Deploy infrastructure").exit, step.toString());
    String create = step.called("az deployment group create");
    assertTrue(create != null && create.contains("alertEmails="), step.toString());
    assertFalse(create.contains("secondaryLocation"), "unset: no secondary parameter: " + create);
    assertTrue(step.file(step.output).contains("SECONDARY_FUNCTION_APP_NAME=\n"), step.file(step.output));
    assertTrue(step.file(step.output).contains("SECONDARY_FUNCTION_URL=\n"), step.file(step.output));

    step.env.put("SECONDARY_LOCATION", "northeurope");
    assertEquals(0, step.run("Deploy infrastructure").exit, step.toString());
    assertTrue(step.called("az deployment group create").contains(" secondaryLocation=northeurope "), step.toString());
    assertTrue(step.file(step.output).contains("SECONDARY_FUNCTION_APP_NAME=hw-func-abc123-northeurope\n"), step.file(step.output));
    assertTrue(step.file(step.output).contains("SECONDARY_FUNCTION_URL=https://hw-func-abc123-northeurope.azurewebsites.net/api/ping\n"),
        step.file(step.output));

    // Its Notify receiver (set by deploy.sh after the code) is handed back, masked, in a file removed after.
    String url = "https://hw-func-abc123-northeurope.azurewebsites.net/api/notify?code=s3cretNotifyKeyOfTheSecondary0123456789abc";
    Files.writeString(step.state.resolve("notify-url-hw-ag-abc123-northeurope"), url);
    assertEquals(0, step.run("Deploy infrastructure").exit, step.toString());
    create = step.called("az deployment group create");
    assertTrue(create.contains("@" + step.temp.resolve("notify-secondary.parameters.json")), create);
    assertFalse(create.contains(url), "the receiver URL holds the key: never on a command line");
    assertEquals(url, step.file(step.state.resolve("notify-url-hw-ag-abc123-northeurope")), "the deployment kept the receiver");
    assertTrue(step.out.contains("::add-mask::" + url), "masked in the log");
    assertTrue(step.file(step.state.resolve("parameter-file-modes")).contains("600 notify-secondary.parameters.json"),
        step.file(step.state.resolve("parameter-file-modes")));
    assertFalse(Files.exists(step.temp.resolve("notify-secondary.parameters.json")), "removed after the deployment");

    // A group deployed with a secondary keeps it: a run without it is refused before any change.
    step.env.put("SECONDARY_LOCATION", "");
    assertEquals(1, step.run("Deploy infrastructure").exit, step.toString());
    assertTrue(step.out.contains("::error::rg-test has a secondary stack in northeurope"), step.toString());
    assertEquals(null, step.called("az deployment group create"), step.toString());
  }

  @Test
  void aSecondaryInTheGroupsRegionIsRefusedBeforeTheDeployment() throws Exception {
    StepRun step = new StepRun();
    step.env.put("SECONDARY_LOCATION", "westeurope");
    step.env.put("FAKE_GROUP_LOCATION", "westeurope");

    assertEquals(1, step.run("Deploy infrastructure").exit, step.toString());

    assertTrue(step.out.contains("::error::the secondary westeurope is the primary's region"), step.toString());
    assertEquals(null, step.called("az deployment group create"), step.toString());
  }

  @Test
  void theSmokeStepProbesEachStackWithPingsOwnKey() throws Exception {
    StepRun step = new StepRun();
    step.env.put("APP", "hw-func-abc123");
    step.env.put("FUNCTION_URL", "https://hw-func-abc123.azurewebsites.net/api/ping");
    step.env.put("SECONDARY_FUNCTION_URL", "");
    assertEquals(0, step.run("Smoke test").exit, step.toString());
    List<String> probes = step.calls().stream().filter(c -> c.startsWith("curl ")).toList();
    assertEquals(1, probes.size(), "unset: the primary alone:\n" + step);
    assertTrue(probes.get(0).endsWith(" --header @- https://hw-func-abc123.azurewebsites.net/api/ping"), probes.toString());
    assertTrue(step.called("az functionapp function keys list -g rg-test -n hw-func-abc123 --function-name Ping --query default") != null,
        "Ping's own key, never a host key:\n" + step);

    // With a secondary, the same key must open its Ping too: the copy set it there.
    String secondary = "https://hw-func-abc123-northeurope.azurewebsites.net/api/ping";
    step.env.put("SECONDARY_FUNCTION_URL", secondary);
    Files.writeString(step.state.resolve("fkey-hw-func-abc123-northeurope-Ping-default"), "k3y/with+chars==");
    assertEquals(0, step.run("Smoke test").exit, step.toString());
    probes = step.calls().stream().filter(c -> c.startsWith("curl ")).toList();
    assertEquals(2, probes.size(), step.toString());
    assertTrue(probes.get(1).endsWith(" --header @- " + secondary), probes.toString());
    assertTrue(step.out.contains(secondary + ": 200 ok"), step.toString());

    // A secondary the agents' key does not open fails the run, after its retries.
    Files.delete(step.state.resolve("fkey-hw-func-abc123-northeurope-Ping-default"));
    assertEquals(1, step.run("Smoke test").exit, step.toString());
    assertTrue(step.out.contains("::error::smoke test failed: " + secondary + " did not answer 200 ok"), step.toString());
    for (String call : step.calls()) {
      assertFalse(call.contains("k3y/with+chars=="), "the key in an argument list: " + call);
    }
    assertFalse(step.calls().stream().anyMatch(c -> c.startsWith("az functionapp keys ")), "a host key is read:\n" + step);
  }
}
