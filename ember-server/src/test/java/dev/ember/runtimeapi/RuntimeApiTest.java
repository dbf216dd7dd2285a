package dev.ember.runtimeapi;

import java.net.http.HttpClient;
import org.junit.jupiter.api.AfterEach;

/** A Runtime API endpoint recording what it hears, and an HTTP/1.1 client to talk to it; closed after each test. */
abstract class RuntimeApiTest {
    final RecordingListener listener = new RecordingListener();
    final RuntimeApiServer api = RuntimeApiServer.start(listener);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void closeEndpointAndClient() {
        api.close();
        http.close();
    }
}
