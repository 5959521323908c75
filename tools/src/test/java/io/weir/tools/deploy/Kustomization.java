package io.weir.tools.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One directory of deploy/kubernetes read the way {@code kubectl kustomize} reads it, as far as these
 * manifests use it: the listed resources, and the generated ConfigMaps under their unhashed names.
 * Immutable after {@link #load}.
 */
final class Kustomization {
  final Path dir;
  final Map<String, Object> kustomization;
  final List<Map<String, Object>> resources;
  /** Generated ConfigMap name to its data (a file's key is its file name, as kustomize does). */
  final Map<String, Map<String, String>> configMaps;

  private Kustomization(Path dir, Map<String, Object> kustomization, List<Map<String, Object>> resources,
      Map<String, Map<String, String>> configMaps) {
    this.dir = dir;
    this.kustomization = kustomization;
    this.resources = resources;
    this.configMaps = configMaps;
  }

  static Path root() {
    return DeployFiles.repoRoot().resolve("deploy/kubernetes");
  }

  static Kustomization load(String name) {
    Path dir = root().resolve(name);
    Map<String, Object> k = map(yaml().load(DeployFiles.read(dir.resolve("kustomization.yaml"))));
    List<Map<String, Object>> resources = new ArrayList<>();
    for (Object file : list(k, "resources")) {
      for (Object doc : yaml().loadAll(DeployFiles.read(dir.resolve((String) file)))) {
        if (doc != null) {
          resources.add(map(doc));
        }
      }
    }
    Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();
    for (Object generator : list(k, "configMapGenerator")) {
      Map<String, String> data = new LinkedHashMap<>();
      for (Object file : listOrEmpty(generator, "files")) {
        data.put(Path.of((String) file).getFileName().toString(), DeployFiles.read(dir.resolve((String) file)));
      }
      for (Object literal : listOrEmpty(generator, "literals")) {
        String[] kv = ((String) literal).split("=", 2);
        data.put(kv[0], kv[1]);
      }
      configMaps.put(str(generator, "name"), data);
    }
    return new Kustomization(dir, k, resources, configMaps);
  }

  private static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions())); // plain maps, lists and scalars only
  }

  List<Map<String, Object>> ofKind(String kind) {
    return resources.stream().filter(r -> kind.equals(r.get("kind"))).toList();
  }

  /** Every file the kustomization reads: resources and generator files. */
  List<Path> referencedFiles() {
    List<Path> files = new ArrayList<>();
    list(kustomization, "resources").forEach(f -> files.add(dir.resolve((String) f)));
    for (Object generator : list(kustomization, "configMapGenerator")) {
      listOrEmpty(generator, "files").forEach(f -> files.add(dir.resolve((String) f)));
    }
    return files;
  }

  // Navigation of parsed YAML; a missing step fails the test naming the path.

  static Object at(Object node, String... path) {
    Object current = node;
    for (String step : path) {
      if (!(current instanceof Map<?, ?> m) || !m.containsKey(step)) {
        throw new AssertionError("no " + String.join(".", path) + " in " + node);
      }
      current = m.get(step);
    }
    return current;
  }

  static boolean has(Object node, String... path) {
    Object current = node;
    for (String step : path) {
      if (!(current instanceof Map<?, ?> m) || !m.containsKey(step)) {
        return false;
      }
      current = m.get(step);
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node, String... path) {
    Object o = at(node, path);
    if (!(o instanceof Map)) {
      throw new AssertionError(String.join(".", path) + " is not a mapping: " + o);
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object node, String... path) {
    Object o = at(node, path);
    if (!(o instanceof List)) {
      throw new AssertionError(String.join(".", path) + " is not a list: " + o);
    }
    return (List<Object>) o;
  }

  static List<Object> listOrEmpty(Object node, String... path) {
    return has(node, path) ? list(node, path) : List.of();
  }

  static String str(Object node, String... path) {
    return String.valueOf(at(node, path));
  }

  static int integer(Object node, String... path) {
    Object o = at(node, path);
    if (!(o instanceof Integer i)) {
      throw new AssertionError(String.join(".", path) + " is not an integer: " + o);
    }
    return i;
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> labels(Object node, String... path) {
    return (Map<String, String>) (Map<?, ?>) map(node, path);
  }
}
