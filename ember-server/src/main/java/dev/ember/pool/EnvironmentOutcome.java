package dev.ember.pool;

/** How one invocation ended inside an environment. */
public sealed interface EnvironmentOutcome {

    /** The runtime posted a response. */
    record Response(byte[] body) implements EnvironmentOutcome {
    }

    /** The runtime posted an error for the invocation. */
    record Error(String errorType, byte[] body) implements EnvironmentOutcome {
    }

    /** The runtime tried to post a response over the synchronous limit. */
    record ResponseTooLarge(long size) implements EnvironmentOutcome {
    }

    /** The invocation ran past the function's timeout; the environment was destroyed. */
    record TimedOut() implements EnvironmentOutcome {
    }

    /**
     * The runtime process exited while it was initialising or running the invocation.
     *
     * @param exitCode the exit status, or -1 when killed by a signal or unknown
     * @param signal   the signal's name when it was killed by one (e.g. {@code SIGKILL}), else null
     */
    record Exited(int exitCode, String signal) implements EnvironmentOutcome {
    }

    /** The environment went over its memory limit and the kernel killed it; the environment was destroyed. */
    record OutOfMemory() implements EnvironmentOutcome {
    }

    /** The runtime reported that its init failed ({@code /runtime/init/error}) or did not finish in time. */
    record InitFailed(String errorType, byte[] body) implements EnvironmentOutcome {
    }
}
