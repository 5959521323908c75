package io.weir.tools.deploy;

import static io.weir.tools.deploy.Kustomization.at;
import static io.weir.tools.deploy.Kustomization.has;
import static io.weir.tools.deploy.Kustomization.integer;
import static io.weir.tools.deploy.Kustomization.labels;
import static io.weir.tools.deploy.Kustomization.list;
import static io.weir.tools.deploy.Kustomization.listOrEmpty;
import static io.weir.tools.deploy.Kustomization.map;
import static io.weir.tools.deploy.Kustomization.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.node.ServerConfig;
import io.weir.metadata.raft.runtime.Endpoint;
import io.weir.tools.ServerCommand;
import io.weir.tools.deploy.DeployFiles.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes layouts under deploy/kubernetes read as kustomize would and checked against the code:
 * each pod's server.properties plus the entrypoint's overrides is a valid {@link ServerConfig}, probes
 * and Services reach ports the node listens on, and disruption and shutdown budgets fit.
 */
class KubernetesManifestsTest {
  private static final String NAMESPACE = "weir-test";

  private static final String METRICS_PORT = ServerConfig.METRICS_PORT;

  /** Time beyond preStop and controlled shutdown for closing logs and the quorum's state. */
  private static final int CLOSE_SECONDS = 30;

  @TempDir Path tmp;

  /** A StatefulSet of a layout and what its pods are told. */
  private record Workload(Kustomization layout, Map<String, Object> sts) {
    String name() {
      return str(sts, "metadata", "name");
    }

    int replicas() {
      return integer(sts, "spec", "replicas");
    }

    String serviceName() {
      return str(sts, "spec", "serviceName");
    }

    Map<String, Object> pod() {
      return map(sts, "spec", "template", "spec");
    }

    Map<String, String> podLabels() {
      return labels(sts, "spec", "template", "metadata", "labels");
    }

    Map<String, Object> container() {
      List<Object> containers = list(pod(), "containers");
      assertEquals(1, containers.size(), name() + ": one container per pod");
      return map(containers.get(0));
    }

    Map<String, Integer> containerPorts() {
      Map<String, Integer> ports = new LinkedHashMap<>();
      for (Object p : list(container(), "ports")) {
        ports.put(str(p, "name"), integer(p, "containerPort"));
      }
      return ports;
    }

    /** The container's env with literal values; references resolved by {@link #env(int)}. */
    String envValue(String name) {
      for (Object e : listOrEmpty(container(), "env")) {
        if (name.equals(str(e, "name")) && has(e, "value")) {
          return str(e, "value");
        }
      }
      return null;
    }

    /** The environment of the pod with this ordinal, downward API and ConfigMap references resolved. */
    Map<String, String> env(int ordinal) {
      Map<String, String> env = new HashMap<>();
      for (Object e : listOrEmpty(container(), "env")) {
        String name = str(e, "name");
        if (has(e, "value")) {
          env.put(name, str(e, "value"));
        } else if (has(e, "valueFrom", "fieldRef")) {
          String field = str(e, "valueFrom", "fieldRef", "fieldPath");
          env.put(name, switch (field) {
            case "metadata.name" -> name() + "-" + ordinal;
            case "metadata.namespace" -> NAMESPACE;
            default -> throw new AssertionError(name() + ": unexpected fieldRef " + field);
          });
        } else {
          String configMap = str(e, "valueFrom", "configMapKeyRef", "name");
          String key = str(e, "valueFrom", "configMapKeyRef", "key");
          Map<String, String> data = layout.configMaps.get(configMap);
          assertNotNull(data, name() + ": env " + name + " refers to no generated ConfigMap " + configMap);
          assertTrue(data.containsKey(key), name() + ": ConfigMap " + configMap + " has no key " + key);
          env.put(name, data.get(key));
        }
      }
      return env;
    }

    boolean broker() {
      return roles().contains("broker");
    }

    boolean controller() {
      return roles().contains("controller");
    }

    private String roles() {
      String roles = envValue("WEIR_PROCESS_ROLES");
      assertNotNull(roles, name() + ": WEIR_PROCESS_ROLES must be explicit");
      return roles;
    }

    /** The properties file WEIR_CONFIG names, found through the volume mounted at its directory. */
    Map<String, String> configFile() {
      Path config = Path.of(envValue("WEIR_CONFIG"));
      String volume = null;
      for (Object m : list(container(), "volumeMounts")) {
        if (config.getParent().equals(Path.of(str(m, "mountPath")))) {
          volume = str(m, "name");
        }
      }
      assertNotNull(volume, name() + ": nothing mounted at " + config.getParent());
      for (Object v : list(pod(), "volumes")) {
        if (volume.equals(str(v, "name"))) {
          Map<String, String> data = layout.configMaps.get(str(v, "configMap", "name"));
          assertNotNull(data, name() + ": volume " + volume + " is not a generated ConfigMap");
          String text = data.get(config.getFileName().toString());
          assertNotNull(text, name() + ": the ConfigMap of volume " + volume + " has no " + config.getFileName());
          return DeployFiles.properties(text);
        }
      }
      throw new AssertionError(name() + ": no volume " + volume);
    }

    String podDns(int ordinal) {
      return name() + "-" + ordinal + "." + serviceName() + "." + NAMESPACE + ".svc.cluster.local";
    }
  }

  private static List<Workload> workloads(Kustomization layout) {
    List<Workload> all = layout.ofKind("StatefulSet").stream().map(s -> new Workload(layout, s)).toList();
    assertFalse(all.isEmpty(), "no StatefulSet in " + layout.dir);
    return all;
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> podLabels) {
    return !selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet());
  }

  /** The ServerConfig the pod with this ordinal runs with: its config file plus the entrypoint's overrides. */
  private ServerConfig serverConfig(Workload w, int ordinal) {
    ScriptRun run = DeployFiles.runEntrypoint(tmp, w.env(ordinal), "--print-config");
    assertEquals(0, run.exitCode(), () -> w.name() + "-" + ordinal + ": " + run);
    Map<String, String> file = w.configFile();
    Map<String, String> overrides = run.printedConfig();
    for (String key : overrides.keySet()) {
      assertFalse(file.containsKey(key), w.name() + ": " + key + " is set per pod by the entrypoint; "
          + "the config file must not set it too");
    }
    for (String key : Stream.concat(file.keySet().stream(), overrides.keySet().stream()).toList()) {
      assertTrue(ServerConfig.DEFINITION.keys().containsKey(key),
          w.name() + ": " + key + " is not a key ServerConfig declares");
    }
    Map<String, String> props = new HashMap<>(file);
    props.putAll(overrides);
    return ServerConfig.fromProperties(props);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "split"})
  void everyFileBelongsToTheKustomization(String name) throws IOException {
    Kustomization layout = Kustomization.load(name);
    Set<Path> referenced = new HashSet<>(layout.referencedFiles());
    referenced.add(layout.dir.resolve("kustomization.yaml"));
    try (Stream<Path> files = Files.list(layout.dir)) {
      assertEquals(referenced, new HashSet<>(files.toList()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "split"})
  void everyPodGetsAValidConfigAndOneVoterSet(String name) {
    Kustomization layout = Kustomization.load(name);
    List<Workload> workloads = workloads(layout);
    Set<Integer> nodeIds = new HashSet<>();
    Set<SortedMap<Integer, Endpoint>> voterSets = new HashSet<>();
    Map<Integer, Endpoint> controllers = new HashMap<>();
    for (Workload w : workloads) {
      int base = Integer.parseInt(w.envValue("WEIR_NODE_ID_BASE"));
      if (w.controller()) {
        assertEquals(Integer.toString(w.replicas()), w.envValue("WEIR_REPLICAS"),
            w.name() + ": WEIR_REPLICAS is the voter count and must equal spec.replicas");
      }
      for (int ordinal = 0; ordinal < w.replicas(); ordinal++) {
        ServerConfig c = serverConfig(w, ordinal);
        assertEquals(base + ordinal, c.nodeId());
        assertTrue(nodeIds.add(c.nodeId()), name + ": node.id " + c.nodeId() + " is used twice");
        assertEquals(w.broker(), c.hasBrokerRole());
        assertEquals(w.controller(), c.hasControllerRole());
        voterSets.add(c.quorumConfig().voters());
        if (c.hasBrokerRole()) {
          ServerConfig.Listener advertised = c.advertisedListeners().get(0);
          assertEquals(w.podDns(ordinal), advertised.host());
          assertEquals(c.brokerListener().port(), advertised.port());
        }
        if (c.hasControllerRole()) {
          controllers.put(c.nodeId(), new Endpoint(w.podDns(ordinal), c.controllerListener().port()));
        }
        String dataMount = dataMountPath(w);
        for (Path dir : c.allDirs()) {
          assertTrue(dir.startsWith(dataMount), w.name() + ": " + dir + " is not on the data volume " + dataMount);
        }
      }
    }
    assertEquals(1, voterSets.size(), name + ": every pod must see the same voters: " + voterSets);
    assertEquals(controllers, voterSets.iterator().next(), "the voters are exactly the controller pods");
  }

  /** Where the pod's volumeClaimTemplate is mounted. */
  private static String dataMountPath(Workload w) {
    List<Object> claims = list(w.sts(), "spec", "volumeClaimTemplates");
    assertEquals(1, claims.size(), w.name() + ": one volume claim per pod");
    String claim = str(claims.get(0), "metadata", "name");
    for (Object m : list(w.container(), "volumeMounts")) {
      if (claim.equals(str(m, "name"))) {
        return str(m, "mountPath");
      }
    }
    throw new AssertionError(w.name() + ": the claim " + claim + " is not mounted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "split"})
  void probesAskGrpcHealthOnTheNodesOwnListener(String name) {
    for (Workload w : workloads(Kustomization.load(name))) {
      ServerConfig c = serverConfig(w, 0);
      // A broker's health is on its listener; a controller-only node has only the controller's.
      int listener = c.hasBrokerRole() ? c.brokerListener().port() : c.controllerListener().port();
      Map<String, Integer> ports = w.containerPorts();
      if (c.hasBrokerRole()) {
        assertEquals(c.brokerListener().port(), ports.get("broker"), w.name() + ": containerPort broker");
      }
      if (c.hasControllerRole()) {
        assertEquals(c.controllerListener().port(), ports.get("controller"), w.name() + ": containerPort controller");
      }
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        assertEquals(listener, integer(w.container(), probe, "grpc", "port"), w.name() + ": " + probe);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "split"})
  void servicesReachDeclaredPorts(String name) {
    Kustomization layout = Kustomization.load(name);
    List<Workload> workloads = workloads(layout);
    Map<String, Map<String, Object>> services = new HashMap<>();
    for (Map<String, Object> service : layout.ofKind("Service")) {
      services.put(str(service, "metadata", "name"), service);
      Map<String, String> selector = labels(service, "spec", "selector");
      List<Workload> selected = workloads.stream().filter(w -> selects(selector, w.podLabels())).toList();
      assertFalse(selected.isEmpty(), "Service " + str(service, "metadata", "name") + " selects no pods");
      for (Object port : list(service, "spec", "ports")) {
        Object target = at(port, "targetPort");
        for (Workload w : selected) {
          assertTrue(target instanceof Integer i ? w.containerPorts().containsValue(i)
              : w.containerPorts().containsKey((String) target),
              "Service " + str(service, "metadata", "name") + " targets " + target + ", not a port of " + w.name());
        }
      }
    }
    for (Workload w : workloads) {
      Map<String, Object> headless = services.get(w.serviceName());
      assertNotNull(headless, w.name() + ": no Service " + w.serviceName());
      assertEquals("None", str(headless, "spec", "clusterIP"), w.serviceName() + " must be headless");
      // The voters (and followers) must reach a pod by name before it is ready.
      assertEquals(true, at(headless, "spec", "publishNotReadyAddresses"), w.serviceName());
      assertEquals(w.serviceName(), w.envValue("WEIR_HEADLESS_SERVICE"), w.name());
      for (Workload other : workloads) {
        assertEquals(other == w, selects(labels(headless, "spec", "selector"), other.podLabels()),
            w.serviceName() + " must select the pods of " + w.name() + " only");
      }
    }
    Map<String, Object> client = services.get("weir");
    assertNotNull(client, "no client Service weir");
    for (Workload w : workloads) {
      assertEquals(w.broker(), selects(labels(client, "spec", "selector"), w.podLabels()),
          "the client Service must select exactly the brokers");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "split"})
  void eachStatefulSetHasADisruptionBudgetOfOne(String name) {
    Kustomization layout = Kustomization.load(name);
    List<Workload> workloads = workloads(layout);
    for (Workload w : workloads) {
      assertTrue(selects(labels(w.sts(), "spec", "selector", "matchLabels"), w.podLabels()),
          w.name() + ": the selector must match the pod template");
      List<Map<String, Object>> budgets = layout.ofKind("PodDisruptionBudget").stream()
          .filter(pdb -> selects(labels(pdb, "spec", "selector", "matchLabels"), w.podLabels())).toList();
      assertEquals(1, budgets.size(), w.name() + ": exactly one PodDisruptionBudget");
      Map<String, Object> pdb = budgets.get(0);
      assertEquals(1, integer(pdb, "spec", "maxUnavailable"), w.name());
      for (Workload other : workloads) {
        if (other != w) {
          assertFalse(selects(labels(pdb, "spec", "selector", "matchLabels"), other.podLabels()),
              "the budget of " + w.name() + " also counts the pods of " + other.name());
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "split"})
  void theGracePeriodCoversPreStopControlledShutdownAndClose(String name) {
    long shutdownSeconds = (ServerCommand.CONTROLLED_SHUTDOWN_TIMEOUT.toMillis() + 999) / 1000;
    for (Workload w : workloads(Kustomization.load(name))) {
      List<Object> preStop = list(w.container(), "lifecycle", "preStop", "exec", "command");
      assertEquals("sleep", preStop.get(0), w.name() + ": preStop waits for the Service to drop the pod");
      long preStopSeconds = Long.parseLong(String.valueOf(preStop.get(1)));
      assertTrue(integer(w.pod(), "terminationGracePeriodSeconds") >= preStopSeconds + shutdownSeconds + CLOSE_SECONDS,
          w.name() + ": terminationGracePeriodSeconds must cover preStop (" + preStopSeconds + " s), controlled "
              + "shutdown (" + shutdownSeconds + " s) and closing (" + CLOSE_SECONDS + " s)");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "split"})
  void podsRunAsTheImageUserOnAReadOnlyRootFilesystem(String name) {
    int imageUser = ContainerImageTest.imageUid();
    for (Workload w : workloads(Kustomization.load(name))) {
      Map<String, Object> pod = w.pod();
      assertEquals(true, at(pod, "securityContext", "runAsNonRoot"), w.name());
      assertEquals(imageUser, integer(pod, "securityContext", "runAsUser"), w.name());
      assertEquals(imageUser, integer(pod, "securityContext", "fsGroup"), w.name() + ": the volume must be writable");
      assertEquals(true, at(w.container(), "securityContext", "readOnlyRootFilesystem"), w.name());
      assertEquals(false, at(w.container(), "securityContext", "allowPrivilegeEscalation"), w.name());
      assertEquals(false, at(pod, "enableServiceLinks"), w.name() + ": service links would inject WEIR_* variables");
      String tmpVolume = null;
      for (Object m : list(w.container(), "volumeMounts")) {
        if ("/tmp".equals(str(m, "mountPath"))) {
          tmpVolume = str(m, "name");
        }
      }
      assertNotNull(tmpVolume, w.name() + ": /tmp must be writable");
      String tmpName = tmpVolume;
      assertTrue(list(pod, "volumes").stream().anyMatch(v -> tmpName.equals(str(v, "name")) && has(v, "emptyDir")),
          w.name() + ": /tmp is an emptyDir");
      for (String kind : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory")) {
          assertTrue(has(w.container(), "resources", kind, resource), w.name() + ": resources." + kind + "." + resource);
        }
      }
      Object antiAffinity = list(pod, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution").get(0);
      assertEquals("kubernetes.io/hostname", str(antiAffinity, "topologyKey"), w.name());
      assertEquals(w.podLabels(), labels(antiAffinity, "labelSelector", "matchLabels"), w.name() + ": spread its own pods");
      if (w.controller()) {
        // OrderedReady would wait for pod 0 to be ready, which needs a quorum of pods running.
        assertEquals("Parallel", str(w.sts(), "spec", "podManagementPolicy"), w.name());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "split"})
  void prometheusScrapesThePortTheNodeServesMetricsOn(String name) {
    for (Workload w : workloads(Kustomization.load(name))) {
      String metricsPort = w.configFile().get(METRICS_PORT);
      assertNotNull(metricsPort, w.name() + ": " + METRICS_PORT + " is set explicitly");
      Map<String, Object> annotations = map(w.sts(), "spec", "template", "metadata", "annotations");
      assertEquals("true", annotations.get("prometheus.io/scrape"), w.name());
      assertEquals(metricsPort, annotations.get("prometheus.io/port"), w.name());
      assertEquals("/metrics", annotations.get("prometheus.io/path"), w.name());
      assertEquals(Integer.valueOf(metricsPort), w.containerPorts().get("metrics"), w.name());
    }
  }

  /** Every containerPort of every layout, for the image's EXPOSE. */
  static Set<Integer> allContainerPorts() {
    Set<Integer> ports = new TreeSet<>();
    for (String name : List.of("base", "split")) {
      workloads(Kustomization.load(name)).forEach(w -> ports.addAll(w.containerPorts().values()));
    }
    return ports;
  }

  /** Every container image of every layout. */
  static List<String> allImages() {
    List<String> images = new ArrayList<>();
    for (String name : List.of("base", "split")) {
      Kustomization layout = Kustomization.load(name);
      workloads(layout).forEach(w -> images.add(str(w.container(), "image")));
      listOrEmpty(layout.kustomization, "images").forEach(i -> images.add(str(i, "name")));
    }
    return images;
  }
}
