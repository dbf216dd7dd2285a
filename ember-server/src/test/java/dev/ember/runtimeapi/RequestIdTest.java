package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.errorUrl;
import static dev.ember.runtimeapi.Events.event;
import static dev.ember.runtimeapi.Events.nextUrl;
import static dev.ember.runtimeapi.Events.responseUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.Test;

/** Only the request id in flight in this environment may be answered; anything else is 400 and unheard. */
class RequestIdTest extends RuntimeApiTest {

    private static final String INVALID =
            "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}";

    private HttpResponse<String> post(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(BodyPublishers.ofString("{}")).build(),
                BodyHandlers.ofString());
    }

    @Test
    void wrongIdIsRejectedAndTheInFlightOneStillAccepted() throws Exception {
        api.deliver(event("right"));
        Curl.run(nextUrl(api));

        HttpResponse<String> wrong = post(responseUrl(api, "wrong"));

        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).isEqualTo(INVALID);
        assertThat(wrong.headers().firstValue("Content-Type")).hasValue("application/json");
        listener.assertNothingAnswered();
        assertThat(post(responseUrl(api, "right")).statusCode()).isEqualTo(202);
        assertThat(listener.take(RecordingListener.Response.class).requestId()).isEqualTo("right");
    }

    @Test
    void idThatOnlyStartsOrEndsLikeTheInFlightOneIsRejected() throws Exception {
        api.deliver(event("abc"));

        assertThat(post(responseUrl(api, "ab")).statusCode()).isEqualTo(400);
        assertThat(post(responseUrl(api, "abcd")).statusCode()).isEqualTo(400);
        assertThat(post(errorUrl(api, "xabc")).statusCode()).isEqualTo(400);
        listener.assertNothingAnswered();
    }

    @Test
    void anotherEnvironmentsIdIsRejected() throws Exception {
        RecordingListener otherListener = new RecordingListener();
        try (RuntimeApiServer other = RuntimeApiServer.start(otherListener)) {
            api.deliver(event("mine"));
            other.deliver(event("theirs"));

            Curl.Result crossed = Curl.run(responseUrl(api, "theirs"), "--data-binary", "{}");
            HttpResponse<String> crossedError = post(errorUrl(other, "mine"));

            assertThat(crossed.status()).isEqualTo(400);
            assertThat(crossed.body()).isEqualTo(INVALID);
            assertThat(crossedError.statusCode()).isEqualTo(400);
            listener.assertNothingAnswered();
            otherListener.assertNothingAnswered();
        }
    }

    @Test
    void secondAnswerForTheSameIdIsRejected() throws Exception {
        api.deliver(event("once"));

        assertThat(post(responseUrl(api, "once")).statusCode()).isEqualTo(202);
        assertThat(post(responseUrl(api, "once")).statusCode()).isEqualTo(400);
        assertThat(post(errorUrl(api, "once")).statusCode()).isEqualTo(400);

        assertThat(listener.drain()).singleElement().isInstanceOf(RecordingListener.Response.class);
    }

    @Test
    void oldIdIsRejectedOnceTheNextEventIsInFlight() throws Exception {
        api.deliver(event("old"));
        post(errorUrl(api, "old"));
        api.deliver(event("new"));

        assertThat(post(responseUrl(api, "old")).statusCode()).isEqualTo(400);

        assertThat(listener.drain()).singleElement().isInstanceOf(RecordingListener.Error.class);
    }

    @Test
    void answerWithNothingInFlightIsRejected() throws Exception {
        HttpResponse<String> response = post(responseUrl(api, "nothing"));
        Curl.Result error = Curl.run(errorUrl(api, "nothing"), "--data-binary", "{}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(INVALID);
        assertThat(error.status()).isEqualTo(400);
        listener.assertNothingAnswered();
    }
}
