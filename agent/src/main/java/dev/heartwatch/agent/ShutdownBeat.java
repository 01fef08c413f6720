package dev.heartwatch.agent;

/**
 * The shutdown hook (SIGTERM, Ctrl-C): stop the loop, let the beat in flight
 * finish (it is bounded by the timeout), then send the {@code stopping} beat and
 * record the clean stop.
 */
final class ShutdownBeat implements Runnable {
    private final HeartbeatLoop loop;
    private final HeartbeatAgent agent;
    private final Thread loopThread;
    private final long waitMillis;

    ShutdownBeat(HeartbeatLoop loop, HeartbeatAgent agent, Thread loopThread, long waitMillis) {
        this.loop = loop;
        this.agent = agent;
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
        agent.stop();
    }
}
