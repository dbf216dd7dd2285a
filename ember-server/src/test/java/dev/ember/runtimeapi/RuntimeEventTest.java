package dev.ember.runtimeapi;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An event's header components cannot break the response they are sent in. */
class RuntimeEventTest {

    private static final byte[] PAYLOAD = {};

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "a b", "a?b", "a#b", "a%2F", "é", "a\r\nX-Injected: 1"})
    void requestIdMustBeAPathSegment(String requestId) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RuntimeEvent(requestId, 0, Events.ARN, Events.TRACE, null, null, PAYLOAD))
                .withMessageStartingWith("requestId must");
    }

    @Test
    void headerValuesMustNotHoldLineBreaks() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RuntimeEvent("id", 0, Events.ARN, Events.TRACE, "{}\r\nX-Injected: 1", null,
                        PAYLOAD))
                .withMessage("clientContext must not contain control characters: found U+000D at index 2");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RuntimeEvent("id", 0, Events.ARN, "Root=1\n", null, null, PAYLOAD))
                .withMessageStartingWith("traceId must not contain control characters");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RuntimeEvent("id", 0, "arn\u0000", Events.TRACE, null, null, PAYLOAD))
                .withMessageStartingWith("invokedFunctionArn");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RuntimeEvent("id", 0, Events.ARN, Events.TRACE, null, "\u007f", PAYLOAD))
                .withMessageStartingWith("cognitoIdentity");
    }

    @Test
    void requiredComponentsAreNotNull() {
        assertThatNullPointerException()
                .isThrownBy(() -> new RuntimeEvent(null, 0, Events.ARN, Events.TRACE, null, null, PAYLOAD))
                .withMessage("requestId");
        assertThatNullPointerException()
                .isThrownBy(() -> new RuntimeEvent("id", 0, Events.ARN, Events.TRACE, null, null, null))
                .withMessage("payload");
    }
}
