package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.errorUrl;
import static dev.ember.runtimeapi.Events.event;
import static dev.ember.runtimeapi.Events.initErrorUrl;
import static dev.ember.runtimeapi.Events.nextUrl;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST .../{id}/error ends the invocation with the runtime's error; POST /runtime/init/error reports a failed init. */
class ErrorAndInitErrorTest extends RuntimeApiTest {

    private static final String ERROR = "{\"errorMessage\":\"boom\",\"errorType\":\"java.lang.IllegalStateException\","
            + "\"stackTrace\":[\"Handler.handle(Handler.java:12)\"]}";

    @Test
    void errorWithItsTypeHeaderWithHttpClient() throws Exception {
        api.deliver(event("e-1"));
        http.send(HttpRequest.newBuilder(URI.create(nextUrl(api))).build(), BodyHandlers.discarding());

        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(errorUrl(api, "e-1")))
                .header("Lambda-Runtime-Function-Error-Type", "Runtime.IllegalStateException")
                .POST(BodyPublishers.ofString(ERROR)).build(), BodyHandlers.ofString());

        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(posted.body()).isEqualTo("{\"status\":\"OK\"}");
        listener.take(RecordingListener.Next.class);
        RecordingListener.Error error = listener.take(RecordingListener.Error.class);
        assertThat(error.requestId()).isEqualTo("e-1");
        assertThat(error.errorType()).isEqualTo("Runtime.IllegalStateException");
        assertThat(error.body()).asString(UTF_8).isEqualTo(ERROR);
    }

    @Test
    void errorWithoutTypeHeaderWithCurl() {
        api.deliver(event("e-2"));
        Curl.run(nextUrl(api));

        Curl.Result posted = Curl.run(errorUrl(api, "e-2"), "--data-binary", ERROR);

        assertThat(posted.status()).isEqualTo(202);
        listener.take(RecordingListener.Next.class);
        RecordingListener.Error error = listener.take(RecordingListener.Error.class);
        assertThat(error.errorType()).isNull();
        assertThat(error.body()).asString(UTF_8).isEqualTo(ERROR);
    }

    @Test
    void errorBodyOverOneMebibyteIsCutToIt(@TempDir Path dir) throws Exception {
        byte[] big = new byte[3 << 20];
        Arrays.fill(big, (byte) 'x');
        Files.write(dir.resolve("error.json"), big);
        api.deliver(event("e-3"));
        Curl.run(nextUrl(api));

        Curl.Result posted = Curl.run(errorUrl(api, "e-3"), "--data-binary", "@" + dir.resolve("error.json"),
                "-H", "Lambda-Runtime-Function-Error-Type: Runtime.Big");

        assertThat(posted.status()).isEqualTo(202);
        listener.take(RecordingListener.Next.class);
        RecordingListener.Error error = listener.take(RecordingListener.Error.class);
        assertThat(error.body()).hasSize(1 << 20);
        assertThat(error.errorType()).isEqualTo("Runtime.Big");
    }

    @Test
    void initErrorNeedsNoInvocation() {
        Curl.Result posted = Curl.run(initErrorUrl(api), "--data-binary", ERROR,
                "-H", "Lambda-Runtime-Function-Error-Type: Runtime.ClassNotFound");

        assertThat(posted.status()).isEqualTo(202);
        assertThat(posted.body()).isEqualTo("{\"status\":\"OK\"}");
        RecordingListener.InitError initError = listener.take(RecordingListener.InitError.class);
        assertThat(initError.errorType()).isEqualTo("Runtime.ClassNotFound");
        assertThat(initError.body()).asString(UTF_8).isEqualTo(ERROR);
    }

    @Test
    void initErrorWithHttpClientAndNoBody() throws Exception {
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(initErrorUrl(api)))
                .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());

        assertThat(posted.statusCode()).isEqualTo(202);
        RecordingListener.InitError initError = listener.take(RecordingListener.InitError.class);
        assertThat(initError.errorType()).isNull();
        assertThat(initError.body()).isEmpty();
    }
}
