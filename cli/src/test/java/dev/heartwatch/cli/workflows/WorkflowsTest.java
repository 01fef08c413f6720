package dev.heartwatch.cli.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.support.RepoRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
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
}
