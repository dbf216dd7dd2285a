package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.event;
import static dev.ember.runtimeapi.Events.nextUrl;
import static dev.ember.runtimeapi.Events.responseUrl;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** GET /next hands over the delivered event with its headers; POST .../response ends it. */
class NextAndResponseTest extends RuntimeApiTest {
    @Test
    void addressIsLoopbackWithThePort() {
        assertThat(api.address()).matches("127\\.0\\.0\\.1:[1-9][0-9]*");
    }

    @Test
    void roundTripWithHttpClientCarriesEveryHeader() throws Exception {
        api.deliver(new RuntimeEvent("8476a536-e9f4-11e8-9739-2dfe598c3fcd", 1_542_409_706_888L, Events.ARN,
                Events.TRACE, "{\"client\":{\"app_title\":\"é\"}}", "{\"cognitoIdentityId\":\"id\"}",
                "{\"key\":\"value\"}".getBytes(UTF_8)));

        HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(nextUrl(api))).build(),
                BodyHandlers.ofString());

        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("{\"key\":\"value\"}");
        assertThat(next.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(next.headers().firstValue("Lambda-Runtime-Aws-Request-Id"))
                .hasValue("8476a536-e9f4-11e8-9739-2dfe598c3fcd");
        assertThat(next.headers().firstValue("Lambda-Runtime-Deadline-Ms")).hasValue("1542409706888");
        assertThat(next.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn")).hasValue(Events.ARN);
        assertThat(next.headers().firstValue("Lambda-Runtime-Trace-Id")).hasValue(Events.TRACE);
        assertThat(next.headers().firstValue("Lambda-Runtime-Client-Context").map(v -> new String(
                v.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), UTF_8)))
                .hasValue("{\"client\":{\"app_title\":\"é\"}}");
        assertThat(next.headers().firstValue("Lambda-Runtime-Cognito-Identity"))
                .hasValue("{\"cognitoIdentityId\":\"id\"}");
        listener.take(RecordingListener.Next.class);

        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
                        URI.create(responseUrl(api, "8476a536-e9f4-11e8-9739-2dfe598c3fcd")))
                .POST(BodyPublishers.ofString("{\"result\":42}")).build(), BodyHandlers.ofString());

        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(posted.body()).isEqualTo("{\"status\":\"OK\"}");
        RecordingListener.Response response = listener.take(RecordingListener.Response.class);
        assertThat(response.requestId()).isEqualTo("8476a536-e9f4-11e8-9739-2dfe598c3fcd");
        assertThat(response.body()).asString(UTF_8).isEqualTo("{\"result\":42}");
    }

    @Test
    void roundTripWithCurl() {
        api.deliver(new RuntimeEvent("curl-1", 42L, Events.ARN, Events.TRACE, "{}", "{\"id\":1}",
                "[1,2,3]".getBytes(UTF_8)));

        Curl.Result next = Curl.run(nextUrl(api));

        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("[1,2,3]");
        assertThat(next.headers())
                .containsEntry("content-type", "application/json")
                .containsEntry("lambda-runtime-aws-request-id", "curl-1")
                .containsEntry("lambda-runtime-deadline-ms", "42")
                .containsEntry("lambda-runtime-invoked-function-arn", Events.ARN)
                .containsEntry("lambda-runtime-trace-id", Events.TRACE)
                .containsEntry("lambda-runtime-client-context", "{}")
                .containsEntry("lambda-runtime-cognito-identity", "{\"id\":1}");

        Curl.Result posted = Curl.run(responseUrl(api, "curl-1"), "--data-binary", "\"done\"");

        assertThat(posted.status()).isEqualTo(202);
        assertThat(posted.body()).isEqualTo("{\"status\":\"OK\"}");
        listener.take(RecordingListener.Next.class);
        assertThat(listener.take(RecordingListener.Response.class).body()).asString(UTF_8).isEqualTo("\"done\"");
    }

    @Test
    void absentClientContextAndCognitoIdentityAreLeftOut() {
        api.deliver(event("plain"));

        Curl.Result next = Curl.run(nextUrl(api));

        assertThat(next.headers()).containsKey("lambda-runtime-aws-request-id")
                .doesNotContainKeys("lambda-runtime-client-context", "lambda-runtime-cognito-identity");
    }

    @Test
    void nextBlocksUntilDeliverAndCallsOnNextFirst() throws Exception {
        CompletableFuture<HttpResponse<String>> next = http.sendAsync(
                HttpRequest.newBuilder(URI.create(nextUrl(api))).build(), BodyHandlers.ofString());

        listener.take(RecordingListener.Next.class);
        assertThat(next).isNotDone();

        api.deliver(event("late"));

        HttpResponse<String> response = next.get(30, TimeUnit.SECONDS);
        assertThat(response.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).hasValue("late");
        assertThat(response.body()).isEqualTo("{\"n\":\"late\"}");
    }

    @Test
    void emptyPayloadIsAnEmptyBody() {
        api.deliver(event("empty", ""));

        Curl.Result next = Curl.run(nextUrl(api));

        assertThat(next.status()).isEqualTo(200);
        assertThat(next.headers()).containsEntry("content-length", "0");
        assertThat(next.body()).isEmpty();
    }

    @Test
    void deliverWhileAnEventIsInFlightThrows() {
        api.deliver(event("first"));

        assertThatIllegalStateException().isThrownBy(() -> api.deliver(event("second")))
                .withMessage("cannot deliver request second: request first is still in flight");

        Curl.run(nextUrl(api));
        Curl.run(responseUrl(api, "first"), "--data-binary", "ok");
        api.deliver(event("second"));
        assertThat(Curl.run(nextUrl(api)).headers()).containsEntry("lambda-runtime-aws-request-id", "second");
    }

    @Test
    void defaultHttpClientOfferingAnHttp2UpgradeGetsHttp11() throws Exception {
        try (HttpClient defaultClient = HttpClient.newHttpClient()) {
            api.deliver(event("upgrade"));

            HttpResponse<String> next = defaultClient.send(HttpRequest.newBuilder(URI.create(nextUrl(api))).build(),
                    BodyHandlers.ofString());
            HttpResponse<String> posted = defaultClient.send(HttpRequest.newBuilder(
                    URI.create(responseUrl(api, "upgrade"))).POST(BodyPublishers.ofString("x")).build(),
                    BodyHandlers.ofString());

            assertThat(next.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(next.body()).isEqualTo("{\"n\":\"upgrade\"}");
            assertThat(posted.statusCode()).isEqualTo(202);
        }
    }

    @Test
    void listenerMayDeliverTheNextEventFromOnResponse() throws Exception {
        RuntimeApiServer[] self = new RuntimeApiServer[1];
        RecordingListener chaining = new RecordingListener() {
            @Override
            public void onResponse(String requestId, byte[] body) {
                super.onResponse(requestId, body);
                self[0].deliver(event(requestId + "+"));
            }
        };
        try (RuntimeApiServer chained = RuntimeApiServer.start(chaining)) {
            self[0] = chained;
            chained.deliver(event("a"));
            http.send(HttpRequest.newBuilder(URI.create(nextUrl(chained))).build(), BodyHandlers.discarding());
            http.send(HttpRequest.newBuilder(URI.create(responseUrl(chained, "a")))
                    .POST(BodyPublishers.ofString("1")).build(), BodyHandlers.discarding());

            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(nextUrl(chained))).build(),
                    BodyHandlers.ofString());

            assertThat(next.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).hasValue("a+");
        }
    }
}
