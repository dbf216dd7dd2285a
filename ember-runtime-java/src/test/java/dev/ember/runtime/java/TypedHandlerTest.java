package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Handlers with typed input and output: the event is read as the handler's type, the result written as JSON. */
class TypedHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path taskRoot;

    static Stream<Arguments> handlers() {
        return Stream.of(
                Arguments.of("POJO in and out, unknown properties ignored, null properties left out",
                        "fixtures.OrderHandler", "{\"item\":\"tea\",\"quantity\":3,\"unknown\":true}",
                        "{\"summary\":\"3 x tea\"}"),
                Arguments.of("Class::method names the same handler",
                        "fixtures.OrderHandler::handleRequest", "{\"item\":\"tea\",\"quantity\":1}",
                        "{\"summary\":\"1 x tea\"}"),
                Arguments.of("records in and out",
                        "fixtures.PointHandler", "{\"x\":1,\"y\":21}", "{\"x\":2,\"y\":42}"),
                Arguments.of("Map in and out, null values left out as AWS does",
                        "fixtures.MapHandler", "{\"a\":1,\"b\":[true,null],\"c\":null}",
                        "{\"a\":1,\"b\":[true,null],\"keys\":3}"),
                Arguments.of("a String result is a JSON string",
                        "fixtures.UpperCaseHandler", "\"quiet\"", "\"QUIET\""),
                Arguments.of("a null result is null",
                        "fixtures.NullHandler", "{\"anything\":1}", "null"),
                Arguments.of("the event type is resolved through a generic superclass",
                        "fixtures.InheritedHandler", "{\"item\":\"cake\"}", "\"cake (Order)\""),
                Arguments.of("plain method (Event, Context)",
                        "fixtures.Methods::greet", "{\"item\":\"scone\"}", "\"Hello scone from fixture\""),
                Arguments.of("static method with a primitive",
                        "fixtures.Methods::twice", "21", "42"),
                Arguments.of("List in and out",
                        "fixtures.Methods::lengths", "[\"a\",\"abc\"]", "[1,3]"),
                Arguments.of("no-argument method",
                        "fixtures.Methods::noArgs", "{\"ignored\":true}", "\"nothing needed\""),
                Arguments.of("void method answers null",
                        "fixtures.Methods::nothing", "\"x\"", "null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handlers")
    void answersWithTheHandlersResultAsJson(String behaviour, String handler, String event, String expected)
            throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start(handler, taskRoot)) {
            String requestId = runtime.invoke(event);

            FakeRuntimeApi.Posted response = runtime.awaitResponse(requestId);

            JsonNode actual = JSON.readTree(response.body());
            assertThat(actual).as("%s; runtime output:%n%s", behaviour, runtime.output())
                    .isEqualTo(JSON.readTree(expected));
        }
    }
}
