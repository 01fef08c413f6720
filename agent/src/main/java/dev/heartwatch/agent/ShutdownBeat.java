package dev.heartwatch.agent;

import dev.heartwatch.agent.check.CheckRunner;

/**
 * The shutdown hook (SIGTERM, Ctrl-C): stop the loop, let the beat in flight
 * finish (it is bounded by the timeout), pause the checks (one batch saying
 * {@code stopping} for each), then send the {@code stopping} beat and record the clean stop.
 */
final class ShutdownBeat implements Runnable {
    private final HeartbeatLoop loop;
    private final HeartbeatAgent agent;
    private final CheckRunner checks;
    private final Thread loopThread;
    private final long waitMillis;

    /** @param checks the active checks, or null when there are none */
    ShutdownBeat(HeartbeatLoop loop, HeartbeatAgent agent, CheckRunner checks, Thread loopThread, long waitMillis) {
        this.loop = loop;
        this.agent = agent;
        this.checks = checks;
        this.loopThread = loopThread;
        this.waitMillis = waitMillis;
    }

    @Override
    public void run() {
        loop.stop();
        try {
            loopThread.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (checks != null) {
            checks.stop(); // their stopping batch first: the agent's stop then reads as one pause
        }
        agent.stop();
    }
}
