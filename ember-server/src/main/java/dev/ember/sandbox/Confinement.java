package dev.ember.sandbox;

/**
 * One started runtime process and what confines it: kills it with everything it started, freezes it while idle, and
 * reports the memory it used. Obtained from {@link Isolation#launch}.
 */
public sealed interface Confinement permits Sandboxed, Unconfined {

    /** The process Ember started (the sandbox's outermost process). */
    Process process();

    /** Init has finished: from now on the environment gets the CPU share of its memory, not init's full core. */
    void initialised();

    /** Stops every process of the environment until {@link #thaw()}: idle environments use no CPU. */
    void freeze();

    /** Lets the environment run again, before an invocation is handed to it. */
    void thaw();

    /** The peak memory use so far, in bytes: of the control group when sandboxed, else of the processes. */
    long maxMemoryUsedBytes();

    /**
     * The resident memory of every process of the environment now, in bytes (their {@code VmRSS}; pages shared
     * between them, such as the JDK's mapped class data, counted once per process): what an idle environment costs.
     */
    default long residentBytes() {
        return ProcessTreeMemory.residentBytes(process());
    }

    /** Whether the environment's memory limit got a process of it killed. */
    boolean outOfMemory();

    /** Kills every process of the environment and releases what it held. Idempotent. */
    void destroy();
}
