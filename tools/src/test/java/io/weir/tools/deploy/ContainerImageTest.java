package io.weir.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * deploy/docker/Dockerfile against the manifests and the scripts (no container engine here to build
 * it): the ports, the user and the paths they share.
 */
class ContainerImageTest {
  /** The Dockerfile's instructions, continuation lines joined and comments dropped. */
  private static List<String> instructions() {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : DeployFiles.read(DeployFiles.repoRoot().resolve("deploy/docker/Dockerfile")).split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
      } else {
        out.add(current.append(trimmed).toString());
        current.setLength(0);
      }
    }
    return out;
  }

  /** The arguments of the last instruction of this kind (the runtime stage's, for USER and ENTRYPOINT). */
  private static String last(String instruction) {
    String found = null;
    for (String i : instructions()) {
      if (i.startsWith(instruction + " ")) {
        found = i.substring(instruction.length() + 1).strip();
      }
    }
    assertTrue(found != null, "no " + instruction + " in the Dockerfile");
    return found;
  }

  /** The uid the image runs as. */
  static int imageUid() {
    return Integer.parseInt(last("USER").split(":")[0]);
  }

  @Test
  void theImageRunsAsAFixedNonRootUser() {
    int uid = imageUid();
    assertNotEquals(0, uid);
    assertTrue(last("RUN").contains("useradd --uid " + uid), "the user is created with uid " + uid);
  }

  @Test
  void theImageExposesEveryContainerPortOfTheManifests() {
    Set<Integer> exposed = new TreeSet<>();
    Arrays.stream(last("EXPOSE").split("\\s+")).forEach(p -> exposed.add(Integer.parseInt(p)));
    assertEquals(KubernetesManifestsTest.allContainerPorts(), exposed);
  }

  @Test
  void theEntrypointAndTheJarAreWhereTheScriptsLookForThem() {
    assertEquals("[\"/opt/weir/bin/weir-entrypoint.sh\"]", last("ENTRYPOINT"));
    List<String> copies = instructions().stream().filter(i -> i.startsWith("COPY ")).toList();
    assertTrue(copies.contains("COPY --from=build /src/tools/target/weir.jar /opt/weir/weir.jar"), copies::toString);
    assertTrue(copies.stream().anyMatch(c -> c.contains(" deploy/docker/weir-entrypoint.sh ")
        && c.contains(" deploy/docker/weir ") && c.endsWith(" /opt/weir/bin/")), copies::toString);
    assertTrue(instructions().stream().anyMatch(i -> i.startsWith("RUN ") && i.contains("mvn ")
        && i.contains("-pl tools -am package")), "the build stage builds the fat jar");
    // The shade plugin names the fat jar weir.jar; the scripts default to the path it is copied to.
    assertTrue(DeployFiles.read(DeployFiles.repoRoot().resolve("tools/pom.xml")).contains("<finalName>weir</finalName>"));
    for (String script : List.of("weir-entrypoint.sh", "weir")) {
      assertTrue(DeployFiles.read(DeployFiles.repoRoot().resolve("deploy/docker/" + script))
          .contains("${WEIR_JAR:-/opt/weir/weir.jar}"), script);
    }
  }

  @Test
  void theManifestsRunThisImage() {
    for (String image : KubernetesManifestsTest.allImages()) {
      assertEquals("weir", image, "kustomize's images entry renames the image the pods run");
    }
  }
}
