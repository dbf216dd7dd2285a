package dev.ember.state.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Typed reads of stored values, and the put options' rules. */
class EntryTest {
    enum Status { OPEN, PAID }

    record Line(String sku, int quantity, BigDecimal price) {
    }

    record Cart(String owner, List<Line> lines, Map<String, Long> counts, Status status, long version,
                boolean gift, Set<String> tags) {
    }

    private static Entry entry(String json) {
        return new Entry("k", json, 3, null);
    }

    @Test
    void scalarsConvertExactly() {
        assertThat(entry("\"x\"").asString()).isEqualTo("x");
        assertThat(entry("9223372036854775807").asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(entry("3.0").asLong()).as("an integral double is that integer").isEqualTo(3);
        assertThat(entry("3").asDouble()).isEqualTo(3.0);
        assertThat(entry("true").asBoolean()).isTrue();
        assertThat(entry("12").as(Integer.class)).isEqualTo(12);
        assertThat(entry("12").as(int.class)).isEqualTo(12);
        assertThat(entry("1e2").as(BigInteger.class)).isEqualTo(BigInteger.valueOf(100));
        assertThat(entry("0.1").as(BigDecimal.class)).isEqualTo(new BigDecimal(0.1));
        assertThat(entry("null").value()).isNull();
        assertThat(entry("null").as(String.class)).isNull();
        assertThat(entry("\"PAID\"").as(Status.class)).isEqualTo(Status.PAID);
    }

    @Test
    void mismatchesSayWhatTheValueIs() {
        assertThatThrownBy(() -> entry("2.5").asLong()).isInstanceOf(IllegalStateException.class)
                .hasMessage("the value of k is the number 2.5, not a 64-bit integer (long)");
        assertThatThrownBy(() -> entry("9223372036854775808").asLong())
                .hasMessage("the value of k is the number 9223372036854775808, not a 64-bit integer (long)");
        assertThatThrownBy(() -> entry("{}").asString()).hasMessage("the value of k is an object, not a string");
        assertThatThrownBy(() -> entry("\"5\"").asLong()).hasMessage("the value of k is the string \"5\", not a "
                + "64-bit integer (long)");
        assertThatThrownBy(() -> entry("null").asLong()).hasMessageContaining("is null");
        assertThatThrownBy(() -> entry("3000000000").as(Integer.class)).hasMessageContaining("32-bit");
        assertThatThrownBy(() -> entry("\"SHIPPED\"").as(Status.class)).hasMessageContaining("not a Status");
        assertThatThrownBy(() -> entry("[]").as(Thread.class)).hasMessageContaining("cannot convert JSON to a "
                + "java.lang.Thread");
    }

    @Test
    void recordsAreFilledByComponentNameWithGenericComponents() {
        Entry stored = entry("""
                {"owner":"ann","lines":[{"sku":"tea","quantity":2,"price":3.5},{"sku":"cup","quantity":1}],
                 "counts":{"views":7},"status":"OPEN","tags":["a","a","b"],"unknown":"ignored"}""");
        Cart cart = stored.as(Cart.class);
        assertThat(cart).isEqualTo(new Cart("ann", List.of(new Line("tea", 2, new BigDecimal("3.5")),
                new Line("cup", 1, null)), Map.of("views", 7L), Status.OPEN, 0, false, Set.of("a", "b")));
        assertThat(Json.read(Json.write(cart))).isEqualTo(Json.read("""
                {"owner":"ann","lines":[{"sku":"tea","quantity":2,"price":3.5},{"sku":"cup","quantity":1,
                 "price":null}],"counts":{"views":7},"status":"OPEN","version":0,"gift":false,"tags":["a","b"]}"""));
        assertThatThrownBy(() -> entry("{\"lines\":[{\"quantity\":\"two\"}]}").as(Cart.class))
                .hasMessage("the value of k.lines[0].quantity is the string \"two\", not a 32-bit integer (int)");
    }

    @Test
    void eachReadIsAFreshCopy() {
        Entry stored = entry("{\"items\":[1]}");
        stored.asMap().put("items", List.of());
        assertThat(stored.asMap()).isEqualTo(Map.of("items", List.of(1L)));
        assertThatThrownBy(stored::asList).hasMessage("the value of k is an object, not an array");
    }

    @Test
    void describesItself() {
        assertThat(new Entry("cart/1", "{}", 7, Instant.ofEpochMilli(0)))
                .hasToString("cart/1@7={} (expires 1970-01-01T00:00:00Z)");
        assertThat(new Entry("a", "1", 1, null)).isEqualTo(new Entry("a", "1", 1, null))
                .isNotEqualTo(new Entry("a", "1", 2, null));
    }

    @Test
    void aClientFromAnEnvironmentWithoutStateFailsOnFirstUseNotWhenMade() {
        State outside = State.fromEnvironment(java.util.Map.of("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001",
                "AWS_LAMBDA_FUNCTION_NAME", "fn"));
        assertThatThrownBy(() -> outside.namespace("fn").get("k")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("EMBER_STATE_TOKEN is not set: ");
        assertThatThrownBy(outside::own).hasMessageStartingWith("EMBER_STATE_TOKEN is not set: ");
        State badAddress = State.fromEnvironment(java.util.Map.of("AWS_LAMBDA_RUNTIME_API", "nowhere",
                "AWS_LAMBDA_FUNCTION_NAME", "fn", "EMBER_STATE_TOKEN", "t"));
        assertThatThrownBy(() -> badAddress.namespace("fn").delete("k"))
                .hasMessage("AWS_LAMBDA_RUNTIME_API must be host:port, was 'nowhere'");
        assertThat(State.fromEnvironment(java.util.Map.of("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001",
                "AWS_LAMBDA_FUNCTION_NAME", "fn", "EMBER_STATE_TOKEN", "t")).own().name()).isEqualTo("fn");
    }

    @Test
    void putOptionsAreCheckedWhenMade() {
        assertThat(Put.always().expected()).isEqualTo(-1);
        assertThat(Put.ifAbsent().ttl(Duration.ofMinutes(1))).hasToString("Put[if absent with a TTL of 60 s]");
        assertThat(Put.ifVersion(7)).hasToString("Put[if at version 7]").isEqualTo(Put.ifVersion(7));
        assertThat(Put.ifPresent()).hasToString("Put[if present]");
        assertThatThrownBy(() -> Put.ifVersion(0)).hasMessageContaining("Put.ifAbsent()");
        assertThatThrownBy(() -> Put.always().ttl(Duration.ofMillis(1500)))
                .hasMessage("a TTL is whole seconds from 1 to 31536000 (365 days), was PT1.5S");
        assertThatThrownBy(() -> Put.always().ttl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Put.always().ttl(Duration.ofDays(366))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Put.always().ttl(Put.MAX_TTL).ttlOrNull()).isEqualTo(Duration.ofDays(365));
    }
}
