package dev.ember.runtimeapi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests under /ember/ reach the extension with what it needs, within the listener's limits; nothing else does. */
class ExtensionTest {
    private final AtomicReference<RuntimeApiExtension.Request> seen = new AtomicReference<>();
    private final RuntimeApiServer api = RuntimeApiServer.start(new InetSocketAddress("127.0.0.1", 0),
            new RecordingListener(), new RuntimeApiExtension() {
                @Override
                public Response serve(Request request) {
                    seen.set(request);
                    if (request.path().endsWith("/none")) {
                        return null;
                    }
                    if (request.method().equals("DELETE")) {
                        return new Response(204, List.of(), new byte[0]);
                    }
                    return new Response(200, List.of(Map.entry("ETag", "\"7\"")), "{\"ok\":true}".getBytes(UTF_8));
                }

                @Override
                public int maxBodyBytes() {
                    return 10;
                }
            });

    @AfterEach
    void close() {
        api.close();
    }

    @Test
    void anExtensionRequestArrivesWithItsMethodRawPathQueryHeadersAndBody() {
        try (var http = new RawHttp(api)) {
            RawHttp.Response response = http.send("PUT /ember/v1/x/a%2Fb?prefix=p%20q&limit=2 HTTP/1.1\r\n"
                    + "Host: x\r\nX-Ember-State-Token: t0k\r\nIf-Match: \"3\"\r\nX-Other: dropped\r\n"
                    + "Content-Length: 5\r\n\r\nhello").read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("ETag")).isEqualTo("\"7\"");
            assertThat(response.header("Content-Type")).isEqualTo("application/json");
            assertThat(response.text()).isEqualTo("{\"ok\":true}");
            RuntimeApiExtension.Request request = seen.get();
            assertThat(request.method()).isEqualTo("PUT");
            assertThat(request.path()).isEqualTo("/ember/v1/x/a%2Fb");
            assertThat(request.query()).isEqualTo("prefix=p%20q&limit=2");
            assertThat(request.headers()).isEqualTo(Map.of("x-ember-state-token", "t0k", "if-match", "\"3\""));
            assertThat(new String(request.body(), UTF_8)).isEqualTo("hello");

            // kept alive: a 204 has no body; a body declared past the limit is read and dropped, only counted
            assertThat(http.send("DELETE /ember/k HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(204);
            assertThat(http.send("POST /ember/k HTTP/1.1\r\nHost: x\r\nContent-Length: 25\r\n\r\n"
                    + "0123456789012345678901234").read().status()).isEqualTo(200);
            assertThat(seen.get().body()).isEmpty();
            assertThat(seen.get().bodySize()).isEqualTo(25);
            assertThat(http.send("GET /ember/none HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(404);
            assertThat(http.send("PATCH /ember/k HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(seen.get().method()).isEqualTo("OTHER");
        }
    }

    /** Regression: past 16 such headers the rest were dropped, an If-Match among them (a write lost its condition). */
    @Test
    void aRequestWithTooManyExtensionHeadersIsRefusedNotStrippedOfItsCondition() {
        StringBuilder head = new StringBuilder("PUT /ember/k HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 16; i++) {
            head.append("X-Ember-Filler-").append(i).append(": y\r\n");
        }
        head.append("If-Match: \"3\"\r\nContent-Length: 1\r\n\r\n1");
        try (var http = new RawHttp(api)) {
            assertThat(http.send(head.toString()).read().status()).isEqualTo(400);
            assertThat(seen.get()).isNull();
        }
        try (var http = new RawHttp(api)) {
            assertThat(http.send("PUT /ember/k HTTP/1.1\r\nHost: x\r\nIf-Match: \"1\"\r\nIf-Match: \"3\"\r\n"
                    + "Content-Length: 1\r\n\r\n1").read().status()).as("a repeated header counts once")
                    .isEqualTo(200);
        }
    }

    @Test
    void pathsOutsideTheExtensionsPrefixAreTheRuntimeApisAsBefore() {
        try (var http = new RawHttp(api)) {
            assertThat(http.send("PUT /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n").read()
                    .status()).isEqualTo(405);
            assertThat(http.send("GET /emberx HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(404);
            assertThat(seen.get()).isNull();
        }
    }
}
