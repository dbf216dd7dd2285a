package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A handler that cannot be loaded is posted to /init/error and the runtime exits with status 1. */
class InitErrorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path taskRoot;

    @Test
    void missingClass() throws Exception {
        JsonNode error = initError("example.DoesNotExist::handleRequest", "java.lang.ClassNotFoundException");

        assertThat(error.get("errorMessage").asText()).isEqualTo("Class not found: example.DoesNotExist");
    }

    @Test
    void constructorThrows() throws Exception {
        JsonNode error = initError("fixtures.ThrowingConstructor", "java.lang.IllegalArgumentException");

        assertThat(error.get("errorMessage").asText()).isEqualTo("bad configuration");
        assertThat(error.get("stackTrace").get(0).asText())
                .startsWith("fixtures.ThrowingConstructor.<init>(ThrowingConstructor.java:");
    }

    @Test
    void staticInitializerThrows() throws Exception {
        JsonNode error = initError("fixtures.FailingStaticInit", "java.lang.ExceptionInInitializerError");

        assertThat(error.get("errorMessage").asText()).isEqualTo("Error loading class fixtures.FailingStaticInit");
        JsonNode cause = error.get("cause");
        assertThat(cause.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(cause.get("errorMessage").asText()).isEqualTo("TABLE_NAME is not set");
        assertThat(cause.get("stackTrace").get(0).asText())
                .startsWith("fixtures.FailingStaticInit.load(FailingStaticInit.java:");
    }

    @Test
    void malformedHandlerName() throws Exception {
        JsonNode error = initError("fixtures.Methods::", HandlerLoader.MALFORMED_HANDLER_NAME);

        assertThat(error.get("errorMessage").asText())
                .isEqualTo("Invalid handler: `fixtures.Methods::'; expected package.Class::method or package.Class");
    }

    @Test
    void noSuchMethod() throws Exception {
        JsonNode error = initError("fixtures.Methods::absent", HandlerLoader.HANDLER_NOT_FOUND);

        assertThat(error.get("errorMessage").asText())
                .startsWith("No public method named absent with appropriate method signature found on class fixtures.Methods");
    }

    @Test
    void classOnlyNameOfAClassWithoutHandlerInterface() throws Exception {
        JsonNode error = initError("fixtures.NotAHandler", HandlerLoader.HANDLER_NOT_FOUND);

        assertThat(error.get("errorMessage").asText())
                .startsWith("Class fixtures.NotAHandler implements neither RequestHandler nor RequestStreamHandler");
    }

    /** Starts the runtime with {@code handler}, checks the init error's type, header and exit, returns its JSON. */
    private JsonNode initError(String handler, String errorType) throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start(handler, taskRoot)) {
            FakeRuntimeApi.Posted posted = runtime.awaitInitError();

            assertThat(runtime.awaitExit()).as("exit status").isEqualTo(1);
            assertThat(runtime.nextRequests()).as("GET /next after a failed init").isZero();
            assertThat(posted.headers()).containsEntry("lambda-runtime-function-error-type", errorType);
            JsonNode error = JSON.readTree(posted.body());
            assertThat(error.get("errorType").asText()).isEqualTo(errorType);
            assertThat(error.get("stackTrace").isArray()).isTrue();
            return error;
        }
    }
}
