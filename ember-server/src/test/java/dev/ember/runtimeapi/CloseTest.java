package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.event;
import static dev.ember.runtimeapi.Events.nextUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** close() ends the environment's Runtime API: a pending GET /next is dropped, nothing more is accepted. */
class CloseTest {

    private final RecordingListener listener = new RecordingListener();

    @Test
    void closeDropsAPendingNextOfHttpClient() throws Exception {
        RuntimeApiServer api = RuntimeApiServer.start(listener);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            CompletableFuture<HttpResponse<String>> next = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(nextUrl(api))).build(), BodyHandlers.ofString());
            listener.take(RecordingListener.Next.class);

            api.close();

            assertThatThrownBy(() -> next.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IOException.class);
        }
    }

    /**
     * Regression: HttpClient retries a GET whose connection closed; when the retry reached the acceptor as close()
     * interrupted it, the JDK leaked the accepted socket and the retry waited forever. Racy, hence the repetitions.
     */
    @Test
    void theRetryOfADroppedNextIsRefusedAndNotLeaked() {
        for (int i = 0; i < 50; i++) {
            RecordingListener recording = new RecordingListener();
            RuntimeApiServer api = RuntimeApiServer.start(recording);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> next = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(nextUrl(api))).build(), BodyHandlers.ofString());
            recording.take(RecordingListener.Next.class);

            api.close();

            assertThat(next).as("GET /next, attempt %d", i).failsWithin(Duration.ofSeconds(30));
            assertThat(CompletableFuture.runAsync(http::close)).succeedsWithin(Duration.ofSeconds(30));
        }
    }

    @Test
    void closeDropsAPendingNextOfCurl() {
        RuntimeApiServer api = RuntimeApiServer.start(listener);
        Curl.Running curl = Curl.start(nextUrl(api));
        listener.take(RecordingListener.Next.class);

        api.close();

        Curl.Result result = Curl.finish(curl);
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(52); // empty reply from server
    }

    @Test
    void nothingIsAcceptedOrDeliveredAfterClose() {
        RuntimeApiServer api = RuntimeApiServer.start(listener);
        api.deliver(event("abandoned"));

        api.close();
        api.close();

        assertThatIllegalStateException().isThrownBy(() -> api.deliver(event("late")))
                .withMessage("cannot deliver request late: the Runtime API server is closed");
        assertThatThrownBy(() -> new RawHttp(api)).hasRootCauseInstanceOf(ConnectException.class);
        assertThat(api).hasToString("RuntimeApiServer[" + api.address() + ", closed]");
    }

    @Test
    void aListenerMayCloseTheServerFromItsCallback() {
        RuntimeApiServer[] self = new RuntimeApiServer[1];
        RuntimeApiServer api = RuntimeApiServer.start(new RecordingListener() {
            @Override
            public void onInitError(String errorType, byte[] body) {
                self[0].close();
                super.onInitError(errorType, body);
            }
        });
        self[0] = api;

        Curl.Result posted = Curl.run(Events.initErrorUrl(api), "--data-binary", "{}");

        assertThat(posted.exitCode()).as("the connection closed under the request").isNotZero();
        assertThat(api).hasToString("RuntimeApiServer[" + api.address() + ", closed]");
    }

    @Test
    void closeEndsIdleKeepAliveConnections() {
        RuntimeApiServer api = RuntimeApiServer.start(listener);
        try (RawHttp raw = new RawHttp(api)) {
            assertThat(raw.send("GET /nowhere HTTP/1.1\r\n\r\n").read().status()).isEqualTo(404);

            api.close();

            assertThat(raw.closedByServer()).isTrue();
        }
    }
}
