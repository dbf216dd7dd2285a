package dev.ember.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.PythonHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * {@code EMBER_NETWORK=outbound}: the function reaches services outside the host's loopback through slirp4netns, and
 * still not the host's loopback (where Ember's own API listens); without it, nothing outside the environment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboundNetworkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBE = """
            import socket
            def probe(host, port):
                s = socket.socket()
                s.settimeout(3)
                try:
                    s.connect((host, port))
                    return s.recv(100).decode()
                except OSError as e:
                    return e.strerror or str(e)
                finally:
                    s.close()
            def handle(event):
                return {"outside": probe(event["host"], event["port"]),
                        "hostLoopback": probe("10.0.2.2", event["apiPort"]),
                        "loopback": probe("127.0.0.1", event["apiPort"])}
            """;

    @TempDir
    static Path dataDir;
    EmberTestServer server;
    LambdaClient lambda;
    ServerSocket outside;
    Thread greeter;
    InetAddress hostAddress;

    @BeforeAll
    void start() throws IOException {
        EmberTestServer.assumeFullSandbox();
        Optional<InetAddress> address = NetworkInterface.networkInterfaces()
                .filter(OutboundNetworkTest::isUp).filter(i -> !isLoopback(i))
                .flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst();
        assumeTrue(address.isPresent(), "needs a non-loopback IPv4 address to stand for the outside");
        hostAddress = address.get();
        // A service "outside": on the host's non-loopback address, as another machine on the network would be.
        outside = new ServerSocket();
        outside.bind(new InetSocketAddress(hostAddress, 0));
        greeter = Thread.ofPlatform().daemon().start(() -> {
            while (!outside.isClosed()) {
                try (Socket socket = outside.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write("hello from outside".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        server = EmberTestServer.start(dataDir.resolve("data"));
        lambda = server.lambda();
    }

    @AfterAll
    void stop() throws IOException {
        if (server != null) {
            server.close();
            outside.close();
        }
    }

    private static boolean isUp(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    private static boolean isLoopback(NetworkInterface networkInterface) {
        try {
            return networkInterface.isLoopback();
        } catch (SocketException e) {
            return true;
        }
    }

    private void deploy(String name, Map<String, String> env) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("handle")
                .memorySize(512).timeout(20).environment(e -> e.variables(env))
                .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", PythonHandler.bootstrap(PROBE))))));
    }

    private JsonNode probe(String name) throws IOException {
        String event = JSON.writeValueAsString(Map.of("host", hostAddress.getHostAddress(),
                "port", outside.getLocalPort(), "apiPort", server.server().port()));
        return JSON.readTree(lambda.invoke(b -> b.functionName(name).payload(SdkBytes.fromUtf8String(event)))
                .payload().asUtf8String());
    }

    @Test
    void outboundReachesTheOutsideButNotTheHostsLoopback() throws IOException {
        deploy("online", Map.of("EMBER_NETWORK", "outbound"));

        JsonNode result = probe("online");

        assertThat(result.get("outside").asText()).isEqualTo("hello from outside");
        assertThat(result.get("hostLoopback").asText()).isIn("Connection refused", "Network is unreachable");
        assertThat(result.get("loopback").asText()).isEqualTo("Connection refused");
    }

    @Test
    void withoutItNothingOutsideIsReachable() throws IOException {
        deploy("offline", Map.of());

        JsonNode result = probe("offline");

        assertThat(result.get("outside").asText()).isEqualTo("Network is unreachable");
        assertThat(result.get("hostLoopback").asText()).isEqualTo("Network is unreachable");
    }

    @Test
    void anUnknownSettingIsRefused() {
        assertThatThrownBy(() -> deploy("typo", Map.of("EMBER_NETWORK", "on")))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("EMBER_NETWORK must be one of [none, outbound]");
    }
}
