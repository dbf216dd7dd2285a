package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.event;
import static dev.ember.runtimeapi.Events.nextUrl;
import static dev.ember.runtimeapi.Events.responseUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A runtime loops next, response, next, ... on one connection; the server delivers from onNext as a pool would. */
class KeepAliveTest {

    private static final int ROUNDS = 2_000;

    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private RuntimeApiServer api;

    @BeforeEach
    void start() {
        api = RuntimeApiServer.start(new RecordingListener() {
            @Override
            public void onNext() {
                api.deliver(event("r" + delivered.incrementAndGet()));
            }

            @Override
            public void onResponse(String requestId, byte[] body) {
                assertThat(requestId).isEqualTo("r" + delivered.get());
                answered.incrementAndGet();
            }
        });
    }

    @AfterEach
    void close() {
        api.close();
    }

    @Test
    void manyRoundTripsOnOneRawConnection() {
        try (RawHttp raw = new RawHttp(api)) {
            for (int i = 1; i <= ROUNDS; i++) {
                RawHttp.Response next = raw.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
                        .read();
                String requestId = next.header("Lambda-Runtime-Aws-Request-Id");
                assertThat(requestId).isEqualTo("r" + i);
                RawHttp.Response posted = raw.send("POST /2018-06-01/runtime/invocation/" + requestId + "/response"
                        + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok").read();
                assertThat(posted.status()).isEqualTo(202);
            }
        }
        assertThat(answered).hasValue(ROUNDS);
    }

    @Test
    void manyRoundTripsWithHttpClient() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 1; i <= 500; i++) {
                HttpResponse<byte[]> next = http.send(HttpRequest.newBuilder(URI.create(nextUrl(api))).build(),
                        BodyHandlers.ofByteArray());
                String requestId = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
                HttpResponse<Void> posted = http.send(HttpRequest.newBuilder(URI.create(responseUrl(api, requestId)))
                        .POST(BodyPublishers.ofByteArray(next.body())).build(), BodyHandlers.discarding());
                assertThat(posted.statusCode()).isEqualTo(202);
            }
        }
        assertThat(answered).hasValue(500);
    }

    @Test
    void curlReusesItsConnectionAcrossRequests() throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "-v", "--max-time", "60", "-o", "/dev/null", nextUrl(api),
                "--next", "-o", "/dev/null", "--data-binary", "x", responseUrl(api, "r1"))
                .redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(curl.waitFor()).as(output).isZero();
        assertThat(output).contains("Re-using existing connection").contains("HTTP/1.1 202 Accepted");
        assertThat(answered).hasValue(1);
    }
}
