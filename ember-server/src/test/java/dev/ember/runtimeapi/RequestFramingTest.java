package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.event;
import static dev.ember.runtimeapi.Events.nextUrl;
import static dev.ember.runtimeapi.Events.responseUrl;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
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

/** Bodies by Content-Length or chunked, Expect: 100-continue, HTTP/1.0 and Connection: close. */
class RequestFramingTest extends RuntimeApiTest {

    private static String path(String requestId) {
        return "/2018-06-01/runtime/invocation/" + requestId + "/response";
    }

    @Test
    void chunkedBodyFromHttpClient() throws Exception {
        byte[] body = new byte[200_000];
        Arrays.fill(body, (byte) 'c');
        api.deliver(event("chunked"));

        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(responseUrl(api, "chunked")))
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                BodyHandlers.ofString());

        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(listener.take(RecordingListener.Response.class).body()).isEqualTo(body);
    }

    @Test
    void chunkedBodyWithExtensionsTrailersAndBareLineFeeds() {
        api.deliver(event("raw-chunked"));
        try (RawHttp raw = new RawHttp(api)) {
            RawHttp.Response response = raw.send("POST " + path("raw-chunked") + " HTTP/1.1\r\nHost: x\r\n"
                    + "transfer-ENCODING: Chunked\r\n\r\n"
                    + "5;name=value\r\nhello\r\n1\n \n"
                    + "A\r\n0123456789\r\n0\r\nX-Checksum: abc\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(202);
            assertThat(listener.take(RecordingListener.Response.class).body()).asString(UTF_8)
                    .isEqualTo("hello 0123456789");
        }
    }

    @Test
    void expectContinueWithCurl(@TempDir Path dir) throws Exception {
        byte[] body = new byte[3 << 20];
        Arrays.fill(body, (byte) 'e');
        Files.write(dir.resolve("body"), body);
        api.deliver(event("expect"));

        Curl.Result posted = Curl.run(responseUrl(api, "expect"), "--data-binary", "@" + dir.resolve("body"),
                "-H", "Expect: 100-continue", "--expect100-timeout", "30");

        assertThat(posted.status()).isEqualTo(202);
        assertThat(listener.take(RecordingListener.Response.class).body()).isEqualTo(body);
    }

    @Test
    void expectContinueWithHttpClient() throws Exception {
        api.deliver(event("expect-jdk"));

        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(responseUrl(api, "expect-jdk")))
                .expectContinue(true).POST(BodyPublishers.ofString("{\"ok\":true}")).build(), BodyHandlers.ofString());

        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(listener.take(RecordingListener.Response.class).body()).asString(UTF_8).isEqualTo("{\"ok\":true}");
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() {
        api.deliver(event("expect-raw"));
        try (RawHttp raw = new RawHttp(api)) {
            RawHttp.Response interim = raw.send("POST " + path("expect-raw") + " HTTP/1.1\r\nHost: x\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n").read();

            assertThat(interim.status()).isEqualTo(100);
            assertThat(raw.send("{}").read().status()).isEqualTo(202);
        }
    }

    @Test
    void http10GetsConnectionClose() {
        api.deliver(event("old-client"));
        try (RawHttp raw = new RawHttp(api)) {
            RawHttp.Response next = raw.send("GET /2018-06-01/runtime/invocation/next HTTP/1.0\r\n\r\n").read();

            assertThat(next.status()).isEqualTo(200);
            assertThat(next.header("Connection")).isEqualTo("close");
            assertThat(next.text()).isEqualTo("{\"n\":\"old-client\"}");
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(api)) {
            RawHttp.Response posted = raw.send("POST " + path("old-client") + " HTTP/1.0\r\n"
                    + "Content-Length: 2\r\n\r\n{}").read();

            assertThat(posted.status()).isEqualTo(202);
            assertThat(posted.header("Connection")).isEqualTo("close");
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionCloseFromAnHttp11Client() {
        try (RawHttp raw = new RawHttp(api)) {
            RawHttp.Response response = raw.send("POST /2018-06-01/runtime/init/error HTTP/1.1\r\n"
                    + "Connection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(202);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void queryStringIsIgnored() {
        api.deliver(event("q"));

        Curl.Result next = Curl.run(nextUrl(api) + "?x=1");

        assertThat(next.status()).isEqualTo(200);
        assertThat(next.headers()).containsEntry("lambda-runtime-aws-request-id", "q");
    }

    /** Regression: a head read across the end of the buffer was parsed at its old position after compaction. */
    @Test
    void pipelinedHeadsCrossingTheBufferEdgeAreParsedWhereTheyMoved() {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            requests.append("GET /nowhere-").append(i).append(" HTTP/1.1\r\nX-Pad: ").append("p".repeat(i % 97))
                    .append("\r\n\r\n");
        }
        try (RawHttp raw = new RawHttp(api)) {
            raw.send(requests.toString());

            for (int i = 0; i < 300; i++) {
                assertThat(raw.read().status()).as("response %d", i).isEqualTo(404);
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        api.deliver(event("pipelined"));
        try (RawHttp raw = new RawHttp(api)) {
            raw.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST " + path("pipelined") + " HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /nowhere HTTP/1.1\r\n\r\n");

            assertThat(raw.read().status()).isEqualTo(200);
            assertThat(raw.read().status()).isEqualTo(202);
            assertThat(raw.read().status()).isEqualTo(404);
        }
    }
}
