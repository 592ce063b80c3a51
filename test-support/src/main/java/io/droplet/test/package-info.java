/**
 * Helpers for Droplet's tests (test scope only): waiting on a condition with a deadline instead of
 * sleeping ({@link io.droplet.test.Await}), and unique, cleaned-up driver and data directories that
 * are kept when a test fails ({@link io.droplet.test.SystemTestWatcher}).
 */
package io.droplet.test;
