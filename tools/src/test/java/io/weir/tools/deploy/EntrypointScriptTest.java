package io.weir.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.tools.deploy.DeployFiles.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** deploy/docker/weir-entrypoint.sh run as a script: what each pod of a StatefulSet is told to be. */
class EntrypointScriptTest {
  @TempDir Path tmp;

  /** A combined-layout pod: namespace "prod", headless Service "weir-headless". */
  private static Map<String, String> combined(String hostname, int replicas) {
    Map<String, String> env = new HashMap<>();
    env.put("HOSTNAME", hostname);
    env.put("POD_NAMESPACE", "prod");
    env.put("WEIR_HEADLESS_SERVICE", "weir-headless");
    env.put("WEIR_REPLICAS", Integer.toString(replicas));
    return env;
  }

  private static String voters(String sts, String service, int base, int count, int port) {
    return IntStream.range(0, count)
        .mapToObj(i -> (base + i) + "@" + sts + "-" + i + "." + service + ".prod.svc.cluster.local:" + port)
        .collect(Collectors.joining(","));
  }

  private ScriptRun printConfig(Map<String, String> env) {
    return DeployFiles.runEntrypoint(tmp, env, "--print-config");
  }

  private Map<String, String> printed(Map<String, String> env) {
    ScriptRun run = printConfig(env);
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stderr(), run::toString);
    return run.printedConfig();
  }

  @ParameterizedTest
  @CsvSource({
      "weir-0, weir, 3, 0",
      "weir-2, weir, 3, 2",
      "weir-4, weir, 5, 4",
      "my-weir-cluster-10, my-weir-cluster, 11, 10",
  })
  void nodeIdIsTheOrdinalAndEveryOrdinalIsAVoter(String hostname, String sts, int replicas, int nodeId) {
    Map<String, String> config = printed(combined(hostname, replicas));

    assertEquals(Map.of(
        "process.roles", "broker,controller",
        "node.id", Integer.toString(nodeId),
        "controller.quorum.voters", voters(sts, "weir-headless", 0, replicas, 9093),
        "advertised.listeners", "PLAINTEXT://" + hostname + ".weir-headless.prod.svc.cluster.local:9092"), config);
  }

  @Test
  void theIdBaseShiftsNodeIdsAndVoterIds() {
    Map<String, String> env = combined("weir-1", 3);
    env.put("WEIR_NODE_ID_BASE", "7");

    Map<String, String> config = printed(env);

    assertEquals("8", config.get("node.id"));
    assertEquals(voters("weir", "weir-headless", 7, 3, 9093), config.get("controller.quorum.voters"));
  }

  @Test
  void aBrokerOfTheSplitLayoutVotesForTheControllerStatefulSet() {
    Map<String, String> env = new HashMap<>();
    env.put("POD_NAME", "weir-broker-7");
    env.put("HOSTNAME", "some-other-name-3"); // POD_NAME wins
    env.put("POD_NAMESPACE", "prod");
    env.put("WEIR_HEADLESS_SERVICE", "weir-broker-headless");
    env.put("WEIR_PROCESS_ROLES", "broker");
    env.put("WEIR_NODE_ID_BASE", "100");
    env.put("WEIR_CONTROLLER_STATEFULSET", "weir-controller");
    env.put("WEIR_CONTROLLER_SERVICE", "weir-controller-headless");
    env.put("WEIR_CONTROLLER_REPLICAS", "3");
    env.put("WEIR_CONTROLLER_NODE_ID_BASE", "0");

    Map<String, String> config = printed(env);

    assertEquals(Map.of(
        "process.roles", "broker",
        "node.id", "107",
        "controller.quorum.voters", voters("weir-controller", "weir-controller-headless", 0, 3, 9093),
        "advertised.listeners", "PLAINTEXT://weir-broker-7.weir-broker-headless.prod.svc.cluster.local:9092"),
        config);
  }

  @Test
  void aControllerOnlyNodeAdvertisesNoBrokerListener() {
    Map<String, String> env = combined("weir-controller-2", 3);
    env.put("WEIR_PROCESS_ROLES", "controller");
    env.put("WEIR_RACK", "zone-a"); // a rack is a broker's

    Map<String, String> config = printed(env);

    assertEquals(Map.of(
        "process.roles", "controller",
        "node.id", "2",
        "controller.quorum.voters", voters("weir-controller", "weir-headless", 0, 3, 9093)), config);
  }

  @Test
  void portsDomainAndAFullyQualifiedHostnameAreHonoured() {
    Map<String, String> env = combined("weir-1.weir-headless.prod.svc.example.org", 3);
    env.put("WEIR_CLUSTER_DOMAIN", "example.org");
    env.put("WEIR_BROKER_PORT", "19092");
    env.put("WEIR_CONTROLLER_PORT", "19093");

    Map<String, String> config = printed(env);

    assertEquals("1", config.get("node.id"));
    assertEquals("0@weir-0.weir-headless.prod.svc.example.org:19093,1@weir-1.weir-headless.prod.svc.example.org:19093,"
        + "2@weir-2.weir-headless.prod.svc.example.org:19093", config.get("controller.quorum.voters"));
    assertEquals("PLAINTEXT://weir-1.weir-headless.prod.svc.example.org:19092", config.get("advertised.listeners"));
  }

  @Test
  void brokerRackComesFromTheEnvironmentOrAFile() throws IOException {
    Map<String, String> env = combined("weir-0", 3);
    assertFalse(printed(env).containsKey("broker.rack"));

    Path rackFile = tmp.resolve("rack");
    Files.writeString(rackFile, "eu-west-1b\n");
    env.put("WEIR_RACK_FILE", rackFile.toString());
    assertEquals("eu-west-1b", printed(env).get("broker.rack"));

    env.put("WEIR_RACK", "eu-west-1a");
    assertEquals("eu-west-1a", printed(env).get("broker.rack"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"weir", "weir-", "weir-x", "-3", "weir-01", "Weir-1", "weir_a-1", "weir-99999999999"})
  void aHostnameWithoutAnOrdinalIsRefused(String hostname) {
    ScriptRun run = printConfig(combined(hostname, 3));

    assertNotEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertTrue(run.stderr().contains("hostname '" + hostname + "'"), run::toString);
  }

  @ParameterizedTest
  @CsvSource({
      "HOSTNAME, neither POD_NAME nor HOSTNAME is set",
      "POD_NAMESPACE, POD_NAMESPACE is not set",
      "WEIR_HEADLESS_SERVICE, WEIR_HEADLESS_SERVICE is not set",
      "WEIR_REPLICAS, WEIR_REPLICAS is not set",
  })
  void aMissingInputIsNamed(String variable, String message) {
    Map<String, String> env = combined("weir-0", 3);
    env.put(variable, ""); // empty rather than absent: bash sets HOSTNAME itself when it is absent

    ScriptRun run = printConfig(env);

    assertNotEquals(0, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains(message), run::toString);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "WEIR_REPLICAS      | three      | WEIR_CONTROLLER_REPLICAS/WEIR_REPLICAS must be a non-negative integer",
      "WEIR_REPLICAS      | 0          | the controller quorum needs at least one voter",
      "WEIR_NODE_ID_BASE  | -1         | WEIR_NODE_ID_BASE must be a non-negative integer",
      "WEIR_PROCESS_ROLES | broker,x   | WEIR_PROCESS_ROLES must be broker, controller or broker,controller",
      "WEIR_BROKER_PORT   | 90 92      | WEIR_BROKER_PORT must be a non-negative integer",
      "WEIR_RACK          | zone a     | contains whitespace",
  })
  void aMalformedInputIsNamed(String variable, String value, String message) {
    Map<String, String> env = combined("weir-0", 3);
    env.put(variable, value);

    ScriptRun run = printConfig(env);

    assertNotEquals(0, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains(message), run::toString);
  }

  @Test
  void aControllerBeyondTheVoterCountIsRefused() {
    ScriptRun run = printConfig(combined("weir-3", 3));

    assertNotEquals(0, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains("cannot scale beyond its voters"), run::toString);
  }

  @Test
  void aBrokerIdInsideTheVoterIdsIsRefused() {
    Map<String, String> env = combined("weir-broker-1", 3);
    env.put("WEIR_PROCESS_ROLES", "broker");
    env.put("WEIR_CONTROLLER_STATEFULSET", "weir-controller");

    ScriptRun run = printConfig(env);

    assertNotEquals(0, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains("broker node.id 1 is also a voter's id (0..2)"), run::toString);
  }

  @Test
  void anUnknownArgumentIsRefused() {
    ScriptRun run = DeployFiles.runEntrypoint(tmp, combined("weir-0", 3), "--dry-run");

    assertNotEquals(0, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains("unknown argument '--dry-run'"), run::toString);
  }

  /** A stand-in for java that appends its arguments, one per line and a blank line after, to a log. */
  private Path fakeJava(Path log, boolean failFormat) throws IOException {
    Path java = tmp.resolve("java");
    Files.writeString(java, "#!/bin/sh\n"
        + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done >> '" + log + "'\n"
        + "echo >> '" + log + "'\n"
        + (failFormat ? "case \" $* \" in *' storage format '*) exit 3 ;; esac\n" : "")
        + "exit 0\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    return java;
  }

  private Map<String, String> startable(Path java) throws IOException {
    Path config = tmp.resolve("server.properties");
    Files.writeString(config, "log.dirs=/var/lib/weir/data\n");
    Map<String, String> env = combined("weir-1", 3);
    env.put("WEIR_CONFIG", config.toString());
    env.put("WEIR_CLUSTER_ID", "Ek9WNtmhS1CyAMmh5EBA3Q");
    env.put("WEIR_JAR", "/opt/weir/weir.jar");
    env.put("JAVA", java.toString());
    env.put("WEIR_JAVA_OPTS", "-Xmx1g -XX:+ExitOnOutOfMemoryError");
    return env;
  }

  /** The fake java's invocations, each a list of arguments. */
  private static List<List<String>> invocations(Path log) throws IOException {
    List<List<String>> calls = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      if (line.isEmpty()) {
        calls.add(current);
        current = new ArrayList<>();
      } else {
        current.add(line);
      }
    }
    return calls;
  }

  @Test
  void startFormatsStorageThenExecsTheServerWithTheSameOverrides() throws IOException {
    Path log = tmp.resolve("java.log");
    Map<String, String> env = startable(fakeJava(log, false));
    List<String> overrides = new ArrayList<>();
    printed(env).forEach((k, v) -> overrides.addAll(List.of("--override", k + "=" + v)));

    ScriptRun run = DeployFiles.runEntrypoint(tmp, env);

    assertEquals(0, run.exitCode(), run::toString);
    String config = env.get("WEIR_CONFIG");
    List<String> format = new ArrayList<>(List.of("-jar", "/opt/weir/weir.jar", "storage", "format",
        "--config", config, "--cluster-id", "Ek9WNtmhS1CyAMmh5EBA3Q"));
    List<String> server = new ArrayList<>(List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError", "-jar",
        "/opt/weir/weir.jar", "server", "--config", config));
    List<List<String>> calls = invocations(log);
    assertEquals(2, calls.size(), calls::toString);
    // Same overrides on both: storage is formatted for the node.id the server then runs as.
    assertEquals(format, calls.get(0).subList(0, format.size()));
    assertEquals(sortedPairs(overrides), sortedPairs(calls.get(0).subList(format.size(), calls.get(0).size())));
    assertEquals(server, calls.get(1).subList(0, server.size()));
    assertEquals(sortedPairs(overrides), sortedPairs(calls.get(1).subList(server.size(), calls.get(1).size())));
  }

  /** {@code --override k=v} pairs in a stable order, so the comparison ignores only their order. */
  private static List<String> sortedPairs(List<String> args) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < args.size(); i += 2) {
      assertEquals("--override", args.get(i), args::toString);
      pairs.add(args.get(i + 1));
    }
    pairs.sort(null);
    return pairs;
  }

  @Test
  void aFailedFormatStopsTheStart() throws IOException {
    Path log = tmp.resolve("java.log");
    ScriptRun run = DeployFiles.runEntrypoint(tmp, startable(fakeJava(log, true)));

    assertEquals(3, run.exitCode(), run::toString);
    assertEquals(1, invocations(log).size(), "the server must not start after a failed format");
  }

  @Test
  void startNeedsAClusterIdAndAConfigFile() throws IOException {
    Path log = tmp.resolve("java.log");
    Map<String, String> env = startable(fakeJava(log, false));
    env.remove("WEIR_CLUSTER_ID");
    ScriptRun noClusterId = DeployFiles.runEntrypoint(tmp, env);
    assertNotEquals(0, noClusterId.exitCode(), noClusterId::toString);
    assertTrue(noClusterId.stderr().contains("WEIR_CLUSTER_ID is not set"), noClusterId::toString);

    env.put("WEIR_CLUSTER_ID", "Ek9WNtmhS1CyAMmh5EBA3Q");
    env.put("WEIR_CONFIG", tmp.resolve("missing.properties").toString());
    ScriptRun noConfig = DeployFiles.runEntrypoint(tmp, env);
    assertNotEquals(0, noConfig.exitCode(), noConfig::toString);
    assertTrue(noConfig.stderr().contains("missing.properties (WEIR_CONFIG) is not readable"), noConfig::toString);

    assertFalse(Files.exists(log), "java must not run without a cluster id and a config");
  }
}
