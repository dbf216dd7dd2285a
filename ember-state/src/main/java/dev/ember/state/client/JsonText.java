package dev.ember.state.client;

/**
 * A JSON document kept as its text, for code that has its own JSON library: {@code put(key, JsonText.of(json))}
 * stores it as it is, and {@link Entry#json()} gives a stored value back the same way.
 *
 * <pre>{@code
 * String cart = objectMapper.writeValueAsString(myCart);
 * state.own().put("cart/42", JsonText.of(cart));
 * }</pre>
 *
 * @param text one JSON value (object, array, string, number, true, false or null), checked when made
 */
public record JsonText(String text) {
    /** @throws IllegalArgumentException if {@code text} is not one JSON value, saying where and why */
    public JsonText {
        Json.read(java.util.Objects.requireNonNull(text, "text"));
    }

    /** The JSON document {@code text}. @throws IllegalArgumentException if it is not JSON */
    public static JsonText of(String text) {
        return new JsonText(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
