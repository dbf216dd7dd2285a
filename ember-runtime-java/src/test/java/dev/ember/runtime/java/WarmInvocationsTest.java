package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One runtime process serves invocation after invocation with the handler instance made at init. */
class WarmInvocationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path taskRoot;

    @Test
    void severalInvocationsReuseOneProcessAndOneInstance() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.Counting", taskRoot)) {
            for (int invocation = 1; invocation <= 5; invocation++) {
                String requestId = runtime.invoke("{}");

                JsonNode result = JSON.readTree(runtime.awaitResponse(requestId).body());

                assertThat(result.get("pid").asLong()).isEqualTo(runtime.pid());
                assertThat(result.get("invocations").asInt()).isEqualTo(invocation);
                assertThat(result.get("constructions").asInt()).isEqualTo(1);
            }
            assertThat(runtime.isAlive()).isTrue();
        }
    }
}
