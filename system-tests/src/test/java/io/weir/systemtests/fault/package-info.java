/**
 * Fault-injection system tests: real {@code weir server} processes (the built {@code
 * tools/target/weir.jar}) in two layouts, every listener behind a test-owned TCP proxy, a workload
 * whose every send, poll and commit is recorded, seeded fault schedules, and a checker that proves
 * no acknowledged record was lost, duplicated or reordered.
 *
 * <ul>
 *   <li>Short profile (part of {@code mvn verify}): {@code FaultScheduleTest} runs a few schedules
 *       with fresh seeds; {@code AcksOneLossTest} shows the checker catches the loss acks=1 allows.
 *   <li>Soak: {@code mvn -Psoak verify -pl system-tests -Dweir.systest.soakMinutes=30
 *       -Dweir.systest.faultSeconds=90} cycles every schedule on both layouts.
 *   <li>Replay: every failure prints its command, e.g. {@code mvn -B -pl system-tests -am verify
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dtest=FaultScheduleTest
 *       -Dweir.systest.schedule=KILL_LEADER -Dweir.systest.layout=SPLIT -Dweir.systest.seed=42}.
 *   <li>Output: one JSON report per run in {@code system-tests/target/system-test-reports/}, the
 *       nodes' logs in {@code system-tests/target/system-test-logs/<run>/}.
 * </ul>
 */
package io.weir.systemtests.fault;
