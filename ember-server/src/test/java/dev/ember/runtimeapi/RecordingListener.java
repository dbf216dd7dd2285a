package dev.ember.runtimeapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records every listener call, in order, for tests to take one by one. */
class RecordingListener implements RuntimeApiListener {

    sealed interface Call {
    }

    record Next() implements Call {
    }

    record Response(String requestId, byte[] body) implements Call {
    }

    record Error(String requestId, String errorType, byte[] body) implements Call {
    }

    record InitError(String errorType, byte[] body) implements Call {
    }

    record TooLarge(String requestId, long size) implements Call {
    }

    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();

    @Override
    public void onNext() {
        calls.add(new Next());
    }

    @Override
    public void onResponse(String requestId, byte[] body) {
        calls.add(new Response(requestId, body));
    }

    @Override
    public void onError(String requestId, String errorType, byte[] body) {
        calls.add(new Error(requestId, errorType, body));
    }

    @Override
    public void onInitError(String errorType, byte[] body) {
        calls.add(new InitError(errorType, body));
    }

    @Override
    public void onResponseTooLarge(String requestId, long size) {
        calls.add(new TooLarge(requestId, size));
    }

    /** The next call, which must be a {@code type}; waits for it up to 30 s. */
    <T extends Call> T take(Class<T> type) {
        Call call;
        try {
            call = calls.poll(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(call).as("next listener call").isInstanceOf(type);
        return type.cast(call);
    }

    /** The calls made so far and not taken. */
    List<Call> drain() {
        List<Call> drained = new ArrayList<>();
        calls.drainTo(drained);
        return drained;
    }

    /** No call but {@code onNext} was made and not taken. */
    void assertNothingAnswered() {
        assertThat(drain()).allMatch(call -> call instanceof Next);
    }
}
