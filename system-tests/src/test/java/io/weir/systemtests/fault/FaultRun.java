package io.weir.systemtests.fault;

import static org.awaitility.Awaitility.await;

import io.weir.client.admin.NewTopic;
import io.weir.client.admin.OffsetSpec;
import io.weir.client.consumer.OffsetAndMetadata;
import io.weir.common.TopicPartition;
import io.weir.systemtests.fault.check.CheckResult;
import io.weir.systemtests.fault.check.History;
import io.weir.systemtests.fault.check.HistoryChecker;
import io.weir.systemtests.fault.cluster.NotReplicatedException;
import io.weir.systemtests.fault.cluster.ProcessCluster;
import io.weir.systemtests.fault.workload.ConsumerWorker;
import io.weir.systemtests.fault.workload.FinalReader;
import io.weir.systemtests.fault.workload.ProducerWorker;
import io.weir.systemtests.fault.workload.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link RunSpec} end to end: starts the process cluster, creates the topics, runs the
 * workload under the schedule, heals everything, lets producers finish and the group catch up,
 * reads every partition from its log start, checks the history and writes the JSON report. The
 * cluster is killed whatever happens.
 */
public final class FaultRun {
  static final int PARTITIONS = 3;
  static final String TOPIC = "systest";
  static final String CONTRAST_TOPIC = "systest-acks1";
  static final String GROUP = "systest-group";
  private static final long SEND_INTERVAL_MS = 10;

  private FaultRun() {}

  /** The module's directory (surefire runs there and sets {@code basedir}). */
  static Path moduleDir() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  }

  static Path jar() {
    Path jar = moduleDir().resolveSibling("tools").resolve("target").resolve("weir.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it first (mvn -pl system-tests -am verify packages it)");
    }
    return jar;
  }

  static Path reportDir() {
    return moduleDir().resolve("target").resolve("system-test-reports");
  }

  public static RunReport run(RunSpec spec, Path dataDir) {
    long start = System.nanoTime();
    FaultContext ctx = null;
    CheckResult result = null;
    String error = null;
    Path logDir = moduleDir().resolve("target").resolve("system-test-logs").resolve(spec.id());
    try (ProcessCluster cluster = ProcessCluster.start(spec.layout(), dataDir, logDir, jar())) {
      ctx = new FaultContext(cluster, spec.seed(), spec.faultPhase(), TOPIC, GROUP);
      try {
        result = exercise(spec, cluster, ctx);
        if (ctx.livenessFailure() != null) {
          cluster.dumpThreads();
          error = ctx.livenessFailure();
        }
      } catch (Exception | AssertionError e) {
        ctx.abort();
        cluster.dumpThreads(); // before the processes are killed: their stacks show what hung
        throw e;
      }
    } catch (Exception | AssertionError e) {
      error = e.toString();
    }
    RunReport report = new RunReport(spec, ctx == null ? List.of() : ctx.steps(), result,
        (System.nanoTime() - start) / 1e9, error == null ? null : error + " (node logs in " + logDir + ")");
    report.write(reportDir());
    return report;
  }

  private static CheckResult exercise(RunSpec spec, ProcessCluster cluster, FaultContext ctx) throws Exception {
    Map<String, String> topicConfig = spec.lossy()
        ? Map.of("unclean.leader.election.enable", "true", "min.insync.replicas", "1")
        : Map.of("min.insync.replicas", "2");
    List<NewTopic> topics = new ArrayList<>(List.of(new NewTopic(TOPIC, PARTITIONS, 3, topicConfig)));
    if (!spec.lossy()) {
      topics.add(new NewTopic(CONTRAST_TOPIC, PARTITIONS, 3, Map.of("min.insync.replicas", "1")));
    }
    cluster.admin().createTopics(topics).get(30, TimeUnit.SECONDS);
    List<String> topicNames = topics.stream().map(NewTopic::name).toList();
    cluster.awaitFullyReplicated(topicNames, Duration.ofSeconds(60));

    Recorder recorder = new Recorder();
    List<ProducerWorker> producers = new ArrayList<>();
    List<ConsumerWorker> consumers = new ArrayList<>();
    try {
      if (spec.lossy()) {
        producers.add(new ProducerWorker("acks1a", TOPIC, false, cluster.bootstrap(), SEND_INTERVAL_MS / 2, recorder));
        producers.add(new ProducerWorker("acks1b", TOPIC, false, cluster.bootstrap(), SEND_INTERVAL_MS / 2, recorder));
      } else {
        for (String c : List.of("c1", "c2")) {
          consumers.add(new ConsumerWorker(c, GROUP, TOPIC, cluster.bootstrap(), recorder));
        }
        producers.add(new ProducerWorker("pa", TOPIC, true, cluster.bootstrap(), SEND_INTERVAL_MS, recorder));
        producers.add(new ProducerWorker("pb", TOPIC, true, cluster.bootstrap(), SEND_INTERVAL_MS, recorder));
        producers.add(new ProducerWorker("acks1", CONTRAST_TOPIC, false, cluster.bootstrap(), SEND_INTERVAL_MS,
            recorder));
      }
      await("the workload gets acknowledgements").atMost(Duration.ofSeconds(60))
          .until(() -> recorder.acknowledged() > 100);
      if (!spec.lossy()) {
        // The schedules that pick the coordinator need the group to exist.
        await("the group forms").atMost(Duration.ofSeconds(60)).ignoreExceptions()
            .until(() -> cluster.coordinatorOf(GROUP) > 0);
      }
      ctx.step("workload running, faults start");
      ctx.beginFaultPhase();
      try {
        spec.schedule().run(ctx);
      } catch (NotReplicatedException e) {
        // A liveness failure: stop injecting, but still check what was kept.
        ctx.livenessFailure(e.getMessage());
      }
      ctx.step("fault phase over; healing");
      cluster.heal();
      try {
        cluster.awaitFullyReplicated(topicNames, Duration.ofSeconds(90));
        ctx.step("healed and fully replicated");
      } catch (NotReplicatedException e) {
        ctx.livenessFailure(e.getMessage());
      }
    } finally {
      for (ProducerWorker p : producers) {
        p.close();
      }
    }
    ctx.step("producers closed");
    List<TopicPartition> partitions = new ArrayList<>();
    for (String t : topicNames) {
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(t, p));
      }
    }
    try {
      if (!consumers.isEmpty()) {
        awaitGroupCaughtUp(cluster, partitions.subList(0, PARTITIONS));
        ctx.step("group committed up to the end");
      }
    } finally {
      for (ConsumerWorker c : consumers) {
        c.close();
      }
    }
    History history = recorder.history(FinalReader.readAll(cluster.bootstrap(), partitions, Duration.ofSeconds(60)));
    ctx.step("final read done");
    return HistoryChecker.check(history);
  }

  private static void awaitGroupCaughtUp(ProcessCluster cluster, List<TopicPartition> partitions) {
    await("the group commits up to the end of every partition").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
          var ends = cluster.admin().listOffsets(latest).get(10, TimeUnit.SECONDS);
          Map<TopicPartition, OffsetAndMetadata> committed =
              cluster.admin().listConsumerGroupOffsets(GROUP).get(10, TimeUnit.SECONDS);
          for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            if (ends.get(tp).offset() > 0 && (c == null || c.offset() < ends.get(tp).offset())) {
              return false;
            }
          }
          return true;
        });
  }
}
