package io.weir.systemtests.fault;

import io.weir.systemtests.fault.cluster.Layout;
import io.weir.systemtests.fault.cluster.ProcessCluster;
import io.weir.systemtests.fault.proxy.LinkRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The faults a run injects while the workload runs. Each repeats one kind of fault until the fault
 * phase ends: inject, hold a while, repair, let the cluster return to a full ISR, again. Targets and
 * timings come from the context's seeded random source only, so a seed names the same faults
 * (the moments they hit the workload still vary with the machine).
 */
public enum FaultSchedule {
  /** SIGKILL the leader of a random partition, restart it on its data. */
  KILL_LEADER {
    @Override
    void injectOnce(FaultContext ctx) {
      int partition = ctx.random().nextInt(FaultRun.PARTITIONS);
      int leader = ctx.cluster().leaderOf(ctx.topic(), partition);
      if (leader < 0) {
        ctx.step("partition " + partition + " has no leader; waiting");
        ctx.hold(Duration.ofSeconds(1));
        return;
      }
      killAndRestart(ctx, leader, "leader of partition " + partition);
    }
  },
  /** SIGKILL a random broker. */
  KILL_BROKER {
    @Override
    void injectOnce(FaultContext ctx) {
      killAndRestart(ctx, ctx.pick(ctx.cluster().layout().brokers()), "random broker");
    }
  },
  /** SIGKILL the active controller (the Raft leader). */
  KILL_CONTROLLER {
    @Override
    void injectOnce(FaultContext ctx) {
      killAndRestart(ctx, ctx.cluster().activeController(), "active controller");
    }
  },
  /**
   * Cut a partition leader off from the controllers (the seed picks a cut, which resets and refuses
   * connections, or a one-way block of what it sends them). In the combined layout its controller
   * goes with it, so it loses the other nodes altogether; clients still reach it.
   */
  ISOLATE_LEADER {
    @Override
    void injectOnce(FaultContext ctx) {
      int partition = ctx.random().nextInt(FaultRun.PARTITIONS);
      int leader = ctx.cluster().leaderOf(ctx.topic(), partition);
      if (leader < 0) {
        ctx.hold(Duration.ofSeconds(1));
        return;
      }
      Layout layout = ctx.cluster().layout();
      List<Integer> others = new ArrayList<>(layout == Layout.COMBINED ? layout.nodes() : layout.controllers());
      others.remove(Integer.valueOf(leader));
      boolean cut = ctx.random().nextBoolean();
      LinkRules rules = ctx.cluster().rules();
      int closed = 0;
      for (int other : others) {
        if (cut) {
          closed += rules.cut(leader, other);
        } else {
          rules.block(leader, other);
        }
      }
      ctx.step((cut ? "cut" : "one-way block from") + " node " + leader + " (leader of partition " + partition
          + ") " + (cut ? "from " + others + ", closing " + closed + " connections" : "to " + others));
      ctx.hold(ctx.between(4_000, 10_000));
      rules.heal();
      ctx.step("healed links");
    }
  },
  /** Split the nodes into a minority and a majority that cannot reach each other. */
  PARTITION {
    @Override
    void injectOnce(FaultContext ctx) {
      List<Integer> nodes = new ArrayList<>(ctx.cluster().layout().nodes());
      Collections.shuffle(nodes, ctx.random());
      int minoritySize = nodes.size() == 3 ? 1 : 1 + ctx.random().nextInt(2);
      List<Integer> minority = nodes.subList(0, minoritySize);
      List<Integer> majority = nodes.subList(minoritySize, nodes.size());
      int closed = 0;
      for (int a : minority) {
        for (int b : majority) {
          closed += ctx.cluster().rules().cut(a, b);
        }
      }
      ctx.step("partition " + minority + " | " + majority + ", closing " + closed + " connections");
      ctx.hold(ctx.between(4_000, 10_000));
      ctx.cluster().rules().heal();
      ctx.step("healed partition");
    }
  },
  /** SIGSTOP a random node, SIGCONT it after a while. */
  PAUSE_NODE {
    @Override
    void injectOnce(FaultContext ctx) {
      int node = ctx.pick(ctx.cluster().layout().nodes());
      ctx.cluster().pause(node);
      ctx.step("paused node " + node);
      ctx.hold(ctx.between(2_000, 9_000));
      ctx.cluster().resume(node);
      ctx.step("resumed node " + node);
    }
  },
  /** SIGTERM every node in turn (a controlled shutdown), restarting each before the next. */
  ROLLING_RESTART {
    @Override
    void injectOnce(FaultContext ctx) {
      List<Integer> nodes = new ArrayList<>(ctx.cluster().layout().nodes());
      Collections.shuffle(nodes, ctx.random());
      for (int node : nodes) {
        ctx.cluster().stop(node);
        ctx.step("stopped node " + node);
        ctx.cluster().restart(node);
        ctx.step("restarted node " + node);
        settle(ctx);
      }
    }
  },
  /** SIGKILL the consumer group's coordinator. */
  KILL_COORDINATOR {
    @Override
    void injectOnce(FaultContext ctx) {
      int coordinator = ctx.cluster().coordinatorOf(ctx.group());
      if (coordinator < 0) {
        ctx.hold(Duration.ofSeconds(1));
        return;
      }
      killAndRestart(ctx, coordinator, "coordinator of " + ctx.group());
    }
  };

  /** One fault, held and repaired. */
  abstract void injectOnce(FaultContext ctx);

  /** Repeats the fault until the fault phase ends, letting the cluster recover between faults. */
  void run(FaultContext ctx) {
    while (ctx.timeLeft()) {
      ctx.hold(ctx.between(1_000, 3_000));
      injectOnce(ctx);
      settle(ctx);
    }
  }

  static void killAndRestart(FaultContext ctx, int node, String why) {
    ProcessCluster cluster = ctx.cluster();
    cluster.kill(node);
    ctx.step("killed node " + node + " (" + why + ")");
    ctx.hold(ctx.between(1_000, 6_000));
    cluster.restart(node);
    ctx.step("restarted node " + node);
  }

  /** Waits for every partition to be fully replicated again, so faults do not pile up. */
  static void settle(FaultContext ctx) {
    ctx.cluster().awaitFullyReplicated(List.of(ctx.topic()), Duration.ofSeconds(60));
  }
}
