package dev.ember.state.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The client's side of the wire: path encoding, answers and their errors. */
class StateWireTest {
    private static HttpTransport.Response answer(int status, String body) {
        return new HttpTransport.Response(status, null, null, body);
    }

    @Test
    void encodesEverythingButLettersDigitsAndThreeMarks() {
        assertThat(StateWire.encode("plain-key_1~")).isEqualTo("plain-key_1~");
        assertThat(StateWire.encode("cart/42")).isEqualTo("cart%2F42");
        assertThat(StateWire.encode("../x")).as("no dot segment reaches a server").isEqualTo("%2E%2E%2Fx");
        assertThat(StateWire.encode("a b+c%d?e#f&g=h")).isEqualTo("a%20b%2Bc%25d%3Fe%23f%26g%3Dh");
        assertThat(StateWire.encode("é😀")).isEqualTo("%C3%A9%F0%9F%98%80");
        // regression: a lone surrogate went out as "?" (getBytes replaces it), so "a\uD800" named the key "a?"
        assertThatThrownBy(() -> StateWire.encode("a\uD800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> StateWire.encode("\uDE00b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorAnswersBecomeTheirExceptions() {
        assertThatThrownBy(() -> StateWire.ok(answer(403, "{\"errorType\":\"AccessDenied\",\"errorMessage\":\"no\"}"),
                200)).isExactlyInstanceOf(AccessDeniedException.class).hasMessage("no");
        assertThatThrownBy(() -> StateWire.ok(answer(400, "{\"errorType\":\"KeyTooLong\",\"errorMessage\":\"m\"}"),
                200)).isExactlyInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((StateException) e).errorType()).isEqualTo("KeyTooLong"));
        assertThatThrownBy(() -> StateWire.ok(answer(409, "{\"errorType\":\"Overflow\",\"errorMessage\":\"m\"}"),
                200)).isExactlyInstanceOf(IncrementFailedException.class);
        assertThatThrownBy(() -> StateWire.ok(answer(412, "{\"errorType\":\"PreconditionFailed\"}"), 200))
                .isExactlyInstanceOf(PreconditionFailedException.class)
                .hasMessage("the state API answered with status 412");
        assertThatThrownBy(() -> StateWire.ok(answer(413, "{\"errorType\":\"ValueTooLarge\",\"errorMessage\":\"m\"}"),
                200)).isExactlyInstanceOf(ValueTooLargeException.class);
        assertThatThrownBy(() -> StateWire.ok(answer(502, "Bad Gateway"), 200))
                .isExactlyInstanceOf(StateException.class).hasMessage("Bad Gateway")
                .satisfies(e -> {
                    assertThat(((StateException) e).errorType()).isEqualTo("HTTP 502");
                    assertThat(((StateException) e).status()).isEqualTo(502);
                });
    }

    @Test
    void listingsKeepValuesAsTheirText() {
        Page page = StateWire.page("{\"items\":[{\"key\":\"a\",\"value\": { \"x\" : 1.50 },\"version\":3,"
                + "\"expiresAt\":1000},{\"key\":\"b\",\"value\":null,\"version\":4}],\"nextToken\":\"b\"}");
        assertThat(page.keys()).containsExactly("a", "b");
        assertThat(page.entries().get(0).json()).isEqualTo("{ \"x\" : 1.50 }");
        assertThat(page.entries().get(0).expiresAt()).contains(Instant.ofEpochMilli(1000));
        assertThat(page.entries().get(1).value()).isNull();
        assertThat(page.nextToken()).contains("b");
        assertThat(StateWire.page("{\"items\":[]}").nextToken()).isEmpty();
        assertThatThrownBy(() -> StateWire.page("{\"items\":[{\"version\":1}]}"))
                .isInstanceOf(StateException.class).hasMessageContaining("a listing the client cannot read");
    }
}
