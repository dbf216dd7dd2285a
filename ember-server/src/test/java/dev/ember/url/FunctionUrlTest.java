package dev.ember.url;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.EmberTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** Function URLs: the control plane through the AWS SDK, and real HTTP clients (JDK and curl) against the URLs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionUrlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Answers by path: the event itself, bare JSON, binary, cookies and headers, an error, a timeout. */
    private static final String WEB = """
            #!/usr/bin/python3
            import base64, json, os, time, urllib.request
            api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
            while True:
                with urllib.request.urlopen(api + "next") as r:
                    request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
                    event = json.loads(r.read())
                path, out = event["rawPath"], "/response"
                if path.startswith("/bare"):
                    body = {"hello": "world"}
                elif path.startswith("/binary"):
                    body = {"statusCode": 200, "headers": {"content-type": "application/octet-stream"},
                            "isBase64Encoded": True, "body": base64.b64encode(bytes(range(256))).decode()}
                elif path.startswith("/shaped"):
                    body = {"statusCode": 201, "headers": {"x-custom": "v", "content-type": "text/plain"},
                            "multiValueHeaders": {"x-multi": ["1", "2"]}, "cookies": ["a=1; Path=/", "b=2"],
                            "body": "created"}
                elif path.startswith("/fail"):
                    body, out = {"errorMessage": "boom", "errorType": "ValueError"}, "/error"
                elif path.startswith("/slow"):
                    time.sleep(3)
                    body = {}
                else:
                    body = {"statusCode": 200, "headers": {"content-type": "application/json"},
                            "body": json.dumps(event)}
                urllib.request.urlopen(urllib.request.Request(api + request_id + out,
                                       data=json.dumps(body).encode(), method="POST")).read()
            """;

    EmberTestServer ember;
    LambdaClient lambda;
    String url;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dataDir) {
        ember = EmberTestServer.start(dataDir, o -> o.withSandbox(false));
        lambda = ember.lambda();
        lambda.createFunction(b -> b.functionName("web").runtime(Runtime.PROVIDED_AL2023).handler("h").timeout(1)
                .code(c -> c.zipFile(zip(Map.of("bootstrap", WEB)))));
        url = lambda.createFunctionUrlConfig(b -> b.functionName("web").authType(FunctionUrlAuthType.NONE)
                .cors(c -> c.allowOrigins("https://app.example").allowMethods("GET", "POST")
                        .allowHeaders("x-token").exposeHeaders("x-custom").maxAge(600))).functionUrl();
    }

    @AfterAll
    void stop() {
        ember.close();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode event(HttpResponse<byte[]> response) throws Exception {
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void theControlPlaneWorksThroughTheSdk() {
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/url/[a-z0-9]{32}/");
        var got = lambda.getFunctionUrlConfig(b -> b.functionName("web"));
        assertThat(got.functionUrl()).isEqualTo(url);
        assertThat(got.authType()).isEqualTo(FunctionUrlAuthType.NONE);
        assertThat(got.cors().allowOrigins()).containsExactly("https://app.example");
        assertThat(got.cors().maxAge()).isEqualTo(600);
        assertThat(got.invokeModeAsString()).isEqualTo("BUFFERED");
        assertThat(lambda.listFunctionUrlConfigs(b -> b.functionName("web")).functionUrlConfigs())
                .extracting(c -> c.functionUrl()).containsExactly(url);
        assertThatThrownBy(() -> lambda.createFunctionUrlConfig(b -> b.functionName("web")
                .authType(FunctionUrlAuthType.NONE))).isInstanceOf(ResourceConflictException.class);
        assertThatThrownBy(() -> lambda.createFunctionUrlConfig(b -> b.functionName("web").qualifier("live")
                .authType(FunctionUrlAuthType.NONE))).isInstanceOf(ResourceNotFoundException.class);
        lambda.publishVersion(b -> b.functionName("web"));
        assertThatThrownBy(() -> lambda.createFunctionUrlConfig(b -> b.functionName("web").qualifier("1")
                .authType(FunctionUrlAuthType.NONE))).isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("not a version");
        lambda.createAlias(b -> b.functionName("web").name("live").functionVersion("1"));
        assertThatThrownBy(() -> lambda.createFunctionUrlConfig(b -> b.functionName("web").qualifier("live")
                .authType(FunctionUrlAuthType.AWS_IAM))).isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("AWS_IAM");
        String live = lambda.createFunctionUrlConfig(b -> b.functionName("web").qualifier("live")
                .authType(FunctionUrlAuthType.NONE)).functionUrl();
        assertThat(live).isNotEqualTo(url);
        var updated = lambda.updateFunctionUrlConfig(b -> b.functionName("web").qualifier("live")
                .cors(c -> c.allowOrigins("*")));
        assertThat(updated.functionUrl()).isEqualTo(live);
        assertThat(updated.cors().allowOrigins()).containsExactly("*");
        lambda.deleteFunctionUrlConfig(b -> b.functionName("web").qualifier("live"));
        assertThatThrownBy(() -> lambda.getFunctionUrlConfig(b -> b.functionName("web").qualifier("live")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void theFunctionGetsThePayloadFormat20Event() throws Exception {
        JsonNode event = event(send(HttpRequest.newBuilder(URI.create(url + "caf%C3%A9/a%2Fb?x=1&x=2&y=%20z"))
                .header("Cookie", "s=1; t=2").header("X-Many", "a").header("User-Agent", "ember-test")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).header("Content-Type", "application/json")));
        assertThat(event.path("version").asText()).isEqualTo("2.0");
        assertThat(event.path("routeKey").asText()).isEqualTo("$default");
        assertThat(event.path("rawPath").asText()).isEqualTo("/caf%C3%A9/a%2Fb");
        assertThat(event.path("rawQueryString").asText()).isEqualTo("x=1&x=2&y=%20z");
        assertThat(event.path("queryStringParameters")).isEqualTo(JSON.readTree("{\"x\":\"1,2\",\"y\":\" z\"}"));
        assertThat(event.path("cookies")).isEqualTo(JSON.readTree("[\"s=1\",\"t=2\"]"));
        assertThat(event.path("headers").path("x-many").asText()).isEqualTo("a");
        assertThat(event.path("headers").has("cookie")).isFalse();
        JsonNode http = event.path("requestContext").path("http");
        assertThat(http.path("method").asText()).isEqualTo("POST");
        assertThat(http.path("path").asText()).isEqualTo("/café/a/b");
        assertThat(http.path("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(http.path("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(http.path("userAgent").asText()).isEqualTo("ember-test");
        assertThat(event.path("requestContext").path("apiId").asText()).isEqualTo(url.split("/")[4]);
        assertThat(event.path("body").asText()).isEqualTo("{\"n\":1}");
        assertThat(event.path("isBase64Encoded").asBoolean()).isFalse();

        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        JsonNode posted = event(send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(binary))));
        assertThat(posted.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(java.util.Base64.getDecoder().decode(posted.path("body").asText())).isEqualTo(binary);
        assertThat(posted.path("rawPath").asText()).isEqualTo("/");
    }

    @Test
    void responsesAreInterpretedAsAwsDoes() throws Exception {
        var bare = send(HttpRequest.newBuilder(URI.create(url + "bare")));
        assertThat(bare.statusCode()).isEqualTo(200);
        assertThat(bare.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(bare.body())).isEqualTo(JSON.readTree("{\"hello\":\"world\"}"));

        var binary = send(HttpRequest.newBuilder(URI.create(url + "binary")));
        assertThat(binary.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(binary.body()).hasSize(256).startsWith(0, 1, 2).endsWith((byte) 254, (byte) 255);

        var shaped = send(HttpRequest.newBuilder(URI.create(url + "shaped")));
        assertThat(shaped.statusCode()).isEqualTo(201);
        assertThat(new String(shaped.body(), StandardCharsets.UTF_8)).isEqualTo("created");
        assertThat(shaped.headers().firstValue("x-custom")).hasValue("v");
        assertThat(shaped.headers().allValues("x-multi")).containsExactly("1", "2");
        assertThat(shaped.headers().allValues("set-cookie")).containsExactly("a=1; Path=/", "b=2");

        var failed = send(HttpRequest.newBuilder(URI.create(url + "fail")));
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(failed.body()).path("Message").asText()).isEqualTo("Internal Server Error");
        var slow = send(HttpRequest.newBuilder(URI.create(url + "slow")));
        assertThat(slow.statusCode()).isEqualTo(504);

        var tooLarge = send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(
                new byte[6 * 1024 * 1024 + 1])));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        var unknown = send(HttpRequest.newBuilder(URI.create(url.replaceAll("/url/[a-z0-9]{32}/",
                "/url/" + "0".repeat(32) + "/"))));
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void corsPreflightsAreAnsweredFromTheConfiguration() throws Exception {
        var preflight = send(HttpRequest.newBuilder(URI.create(url + "anything"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "x-token"));
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example");
        assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValue("GET,POST");
        assertThat(preflight.headers().firstValue("access-control-allow-headers")).hasValue("x-token");
        assertThat(preflight.headers().firstValue("access-control-max-age")).hasValue("600");

        var other = send(HttpRequest.newBuilder(URI.create(url + "anything"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();

        var simple = send(HttpRequest.newBuilder(URI.create(url + "shaped")).header("Origin", "https://app.example"));
        assertThat(simple.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example");
        assertThat(simple.headers().firstValue("access-control-expose-headers")).hasValue("x-custom");
    }

    @Test
    void theHostFormServesTheSameUrlThroughCurl() throws Exception {
        String id = url.split("/")[4];
        int port = ember.endpoint().getPort();
        Process curl = new ProcessBuilder("curl", "-sS", "--resolve", id + ".lambda-url.localhost:" + port
                + ":127.0.0.1", "http://" + id + ".lambda-url.localhost:" + port + "/some/path?q=1",
                "-H", "Cookie: c=3").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor()).as(out).isZero();
        JsonNode event = JSON.readTree(out);
        assertThat(event.path("rawPath").asText()).isEqualTo("/some/path");
        assertThat(event.path("rawQueryString").asText()).isEqualTo("q=1");
        assertThat(event.path("cookies").get(0).asText()).isEqualTo("c=3");
        assertThat(event.path("requestContext").path("domainName").asText())
                .isEqualTo(id + ".lambda-url.localhost:" + port);
        assertThat(event.path("requestContext").path("http").path("userAgent").asText()).startsWith("curl/");
    }
}
