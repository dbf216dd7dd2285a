package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A runtime process and the fake Runtime API it talks to, started and stopped together. Every failed wait shows
 * what the process printed.
 */
final class RuntimeUnderTest implements AutoCloseable {

    private final FakeRuntimeApi api;
    private final RuntimeProcess process;

    private RuntimeUnderTest(FakeRuntimeApi api, RuntimeProcess process) {
        this.api = api;
        this.process = process;
    }

    /** Starts {@code handler} with {@code taskRoot} as its code against a Runtime API with Content-Length bodies. */
    static RuntimeUnderTest start(String handler, Path taskRoot) throws IOException {
        return start(FakeRuntimeApi.start(), handler, taskRoot);
    }

    /** Starts {@code handler} against a Runtime API that answers with chunked bodies. */
    static RuntimeUnderTest startChunked(String handler, Path taskRoot) throws IOException {
        return start(FakeRuntimeApi.startChunked(), handler, taskRoot);
    }

    private static RuntimeUnderTest start(FakeRuntimeApi api, String handler, Path taskRoot) throws IOException {
        try {
            return new RuntimeUnderTest(api, RuntimeProcess.start(api, handler, taskRoot, Map.of()));
        } catch (IOException | RuntimeException e) {
            api.close();
            throw e;
        }
    }

    /** Queues {@code json} as an event with a deadline a minute away; returns its request id. */
    String invoke(String json) {
        return api.invoke(json);
    }

    void enqueue(FakeRuntimeApi.Event event) {
        api.enqueue(event);
    }

    FakeRuntimeApi.Posted awaitResponse(String requestId) throws InterruptedException {
        return checked(api.pollResponse(), "response", requestId);
    }

    FakeRuntimeApi.Posted awaitError(String requestId) throws InterruptedException {
        return checked(api.pollError(), "error", requestId);
    }

    FakeRuntimeApi.Posted awaitInitError() throws InterruptedException {
        return checked(api.pollInitError(), "init error", null);
    }

    String awaitStdoutLine(Predicate<String> condition) throws InterruptedException {
        return process.awaitStdoutLine(condition);
    }

    int awaitExit() throws InterruptedException {
        return process.awaitExit();
    }

    /** How many times the runtime has asked for work. */
    int nextRequests() {
        return api.nextRequests();
    }

    /** Everything the process printed so far. */
    String output() {
        return process.output();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.close();
        api.close();
    }

    private FakeRuntimeApi.Posted checked(FakeRuntimeApi.Posted posted, String what, String requestId) {
        assertThat(posted).as("the runtime posted a %s within %s; its output:%n%s",
                what, FakeRuntimeApi.TIMEOUT, process.output()).isNotNull();
        assertThat(posted.requestId()).as("request id of the %s", what).isEqualTo(requestId);
        return posted;
    }
}
