/**
 * Multi-process cluster tests: real weir server processes under faults, and the history checker.
 */
package io.weir.systemtests;
