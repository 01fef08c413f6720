/**
 * The heartbeat contract of {@code docs/contract.md}: what a ping request may carry, how
 * every string is sanitised, the client address, and the three line kinds with their codec.
 * Pure: the receiver's clock is always a parameter.
 */
package dev.heartwatch.core.contract;
