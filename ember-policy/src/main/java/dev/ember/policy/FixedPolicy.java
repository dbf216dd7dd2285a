package dev.ember.policy;

/** Every idle environment is kept for the same time; nothing is pre-warmed. */
record FixedPolicy(long keepAliveMillis) implements ScalingPolicy {
    FixedPolicy {
        if (keepAliveMillis <= 0) {
            throw new IllegalArgumentException("keepAliveMillis must be positive, was " + keepAliveMillis);
        }
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public void onArrival(String function, long now) {
    }

    @Override
    public void onEnd(String function, long now, int running) {
    }

    @Override
    public String explain(String function, long now) {
        return "keeps each idle environment for " + ScalingPolicy.human(keepAliveMillis);
    }

    @Override
    public IdleDecision onIdle(String function, long now, int idle) {
        return IdleDecision.keep(keepAliveMillis);
    }
}
