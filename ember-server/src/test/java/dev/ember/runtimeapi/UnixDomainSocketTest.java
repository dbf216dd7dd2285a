package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.event;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same server binds a Unix domain socket, for sandboxes that reach the host only through a file. */
class UnixDomainSocketTest {

    @Test
    void roundTripOverAUnixDomainSocket(@TempDir Path dir) throws Exception {
        RecordingListener listener = new RecordingListener();
        UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(dir.resolve("runtime-api.sock"));
        try (RuntimeApiServer api = RuntimeApiServer.start(socket, listener);
             SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(socket);
            api.deliver(event("uds"));

            String next = exchange(channel, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n",
                    "{\"n\":\"uds\"}");
            String posted = exchange(channel, "POST /2018-06-01/runtime/invocation/uds/response HTTP/1.1\r\n"
                    + "Content-Length: 2\r\n\r\n{}", "{\"status\":\"OK\"}");

            assertThat(api.address()).isEqualTo(socket.getPath().toString());
            assertThat(next).startsWith("HTTP/1.1 200 OK\r\n").contains("Lambda-Runtime-Aws-Request-Id: uds\r\n");
            assertThat(posted).startsWith("HTTP/1.1 202 Accepted\r\n");
            assertThat(listener.drain()).containsSubsequence(new RecordingListener.Next())
                    .anyMatch(call -> call instanceof RecordingListener.Response response
                            && response.requestId().equals("uds"));
        }
    }

    @Test
    void closeRemovesTheSocketFile(@TempDir Path dir) {
        UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(dir.resolve("runtime-api.sock"));
        RuntimeApiServer api = RuntimeApiServer.start(socket, new RecordingListener());
        assertThat(socket.getPath()).exists();

        api.close();

        assertThat(socket.getPath()).doesNotExist();
    }

    /** Sends a request and reads until the response ends with {@code bodyEnd}. */
    private static String exchange(SocketChannel channel, String request, String bodyEnd) throws Exception {
        channel.write(ByteBuffer.wrap(request.getBytes(ISO_8859_1)));
        StringBuilder response = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (!response.toString().endsWith(bodyEnd) && channel.read(buffer.clear()) > 0) {
            response.append(new String(buffer.array(), 0, buffer.position(), ISO_8859_1));
        }
        return response.toString();
    }
}
