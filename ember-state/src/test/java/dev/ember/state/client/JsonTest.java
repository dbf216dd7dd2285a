package dev.ember.state.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void readsEveryKindOfValue() {
        Object value = Json.read("""
                 {"s":"text","i":42,"neg":-7,"f":2.5,"e":1e3,"t":true,"f2":false,"n":null,
                  "a":[1,[2,[]],{}],"o":{"nested":{"deeper":"yes"}}} \t\r
                """);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "text");
        expected.put("i", 42L);
        expected.put("neg", -7L);
        expected.put("f", 2.5);
        expected.put("e", 1000.0);
        expected.put("t", true);
        expected.put("f2", false);
        expected.put("n", null);
        expected.put("a", List.of(1L, List.of(2L, List.of()), Map.of()));
        expected.put("o", Map.of("nested", Map.of("deeper", "yes")));
        assertThat(value).isEqualTo(expected);
        assertThat(List.<Object>copyOf(((Map<?, ?>) value).keySet())).as("document order").containsExactly("s", "i", "neg", "f", "e",
                "t", "f2", "n", "a", "o");
    }

    @Test
    void readsTopLevelScalars() {
        assertThat(Json.read("\"x\"")).isEqualTo("x");
        assertThat(Json.read(" 0 ")).isEqualTo(0L);
        assertThat(Json.read("-0")).isEqualTo(0L);
        assertThat(Json.read("null")).isNull();
        assertThat(Json.read("true")).isEqualTo(true);
        assertThat(Json.read("[]")).isEqualTo(List.of());
    }

    @Test
    void integersAreLongsToTheLastBitAndBigIntegersBeyond() {
        assertThat(Json.read("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.read("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.read("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(Json.read("-9223372036854775809")).isEqualTo(new BigInteger("-9223372036854775809"));
        assertThat(Json.read("123456789012345678")).isEqualTo(123456789012345678L);
        assertThat(Json.read("1234567890123456789")).isEqualTo(1234567890123456789L);
        assertThat(Json.read("100000000000000000000000000000"))
                .isEqualTo(new BigInteger("100000000000000000000000000000"));
    }

    @Test
    void fractionsAndExponentsAreDoublesUnlessTheyOverflowOne() {
        assertThat(Json.read("0.1")).isEqualTo(0.1);
        assertThat(Json.read("-1.5E-3")).isEqualTo(-0.0015);
        assertThat(Json.read("2e+2")).isEqualTo(200.0);
        assertThat(Json.read("1.7976931348623157e308")).isEqualTo(Double.MAX_VALUE);
        assertThat(Json.read("1e400")).isEqualTo(new BigDecimal("1e400"));
        assertThat(Json.read("4.9e-324")).isEqualTo(Double.MIN_VALUE);
    }

    @Test
    void readsEscapesAndUnicode() {
        assertThat(Json.read("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"")).isEqualTo("a\"b\\c/d\b\f\n\r\t");
        assertThat(Json.read("\"\\u00e9\\u20AC\"")).isEqualTo("é€");
        assertThat(Json.read("\"\\ud83d\\ude00\"")).as("a surrogate pair").isEqualTo("😀");
        assertThat(Json.read("\"😀 日本 é\"")).isEqualTo("😀 日本 é");
        assertThat(Json.read("\"\\u0000\"")).isEqualTo("\0");
        assertThat(Json.read("\"\\ud800\"")).as("an unpaired surrogate is kept").isEqualTo("\ud800");
        assertThat(Json.read("\"plain then \\n escaped\"")).isEqualTo("plain then \n escaped");
    }

    @Test
    void laterDuplicateNamesWin() {
        assertThat(Json.read("{\"a\":1,\"a\":2}")).isEqualTo(Map.of("a", 2L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}",
        "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "-Infinity", "tru", "nul", "True",
        "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\u12G4\"", "\"tab\tinside\"", "\"line\nbreak\"",
        "[1 2]", "1 2", "{} {}", "[1]]", "// comment\n1", "/* c */1", "\"a\"x", "[\"\\\"]", "\u00a01",
        // regressions: \\u took other scripts' digits; an exponent past an int threw NumberFormatException
        "\"\\u\uff10\uff10\uff14\uff11\"", "\"\\u\u0660\u0660\u0664\u0661\"", "1e99999999999"})
    void refusesWhatIsNotJson(String text) {
        assertThatThrownBy(() -> Json.read(text)).isInstanceOf(Json.MalformedJsonException.class)
                .hasMessageStartingWith("not JSON: ").hasMessageContaining("at offset");
    }

    @Test
    void errorsSayWhereAndWhat() {
        assertThatThrownBy(() -> Json.read("{\"a\":[1,2 3]}"))
                .hasMessage("not JSON: expected ',' or ']' at offset 10 (found '3')");
        assertThatThrownBy(() -> Json.read("[1,2"))
                .hasMessage("not JSON: expected ',' or ']' at offset 4 (found the end)");
        assertThatThrownBy(() -> Json.read("\"a\u0001\""))
                .hasMessageContaining("a control character (U+0001) inside a string must be escaped");
    }

    @Test
    void refusesDocumentsNestedDeeperThanTheLimitWithoutOverflowingTheStack() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertThatThrownBy(() -> Json.read(deep)).hasMessageContaining("nested deeper than 512");
        String hostile = "[".repeat(1_000_000);
        assertThatThrownBy(() -> Json.read(hostile)).isInstanceOf(Json.MalformedJsonException.class);
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.read(ok)).isInstanceOf(List.class);
    }

    @Test
    void writesCompactJson() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "text");
        value.put("n", null);
        value.put("i", 42);
        value.put("l", Long.MIN_VALUE);
        value.put("d", 2.5);
        value.put("b", true);
        value.put("list", List.of(1, "two", List.of()));
        value.put("map", Map.of("k", Map.of()));
        assertThat(Json.write(value)).isEqualTo("{\"s\":\"text\",\"n\":null,\"i\":42,\"l\":-9223372036854775808,"
                + "\"d\":2.5,\"b\":true,\"list\":[1,\"two\",[]],\"map\":{\"k\":{}}}");
    }

    @Test
    void writesEscapes() {
        assertThat(Json.write("q\" b\\ / \n\r\t\b\f \u0001 \u001f é 😀 \u2028"))
                .isEqualTo("\"q\\\" b\\\\ / \\n\\r\\t\\b\\f \\u0001 \\u001f é 😀 \u2028\"");
        assertThat(Json.write("\ud800 lone")).isEqualTo("\"\\ud800 lone\"");
        assertThat(Json.write("lone \udc00")).isEqualTo("\"lone \\udc00\"");
        assertThat(Json.write('c')).isEqualTo("\"c\"");
        assertThat(Json.write(new StringBuilder("sb"))).isEqualTo("\"sb\"");
    }

    @Test
    void writesNumbersOfEveryType() {
        assertThat(Json.write((byte) -1)).isEqualTo("-1");
        assertThat(Json.write((short) 300)).isEqualTo("300");
        assertThat(Json.write(7)).isEqualTo("7");
        assertThat(Json.write(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
        assertThat(Json.write(new BigInteger("123456789012345678901234567890")))
                .isEqualTo("123456789012345678901234567890");
        assertThat(Json.write(new BigDecimal("1.10"))).isEqualTo("1.10");
        assertThat(Json.write(2.0)).isEqualTo("2.0");
        assertThat(Json.write(1e-7)).isEqualTo("1.0E-7");
        assertThat(Json.write(1.5f)).isEqualTo("1.5");
        assertThat(Json.write(new AtomicLong(5))).isEqualTo("5.0");
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> Json.write(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("JSON has no number");
        }
    }

    enum Size { SMALL, LARGE }

    record Item(String name, int count, Size size, List<String> tags, Optional<String> note) {
    }

    @Test
    void writesRecordsEnumsArraysOptionalsAndJsonText() {
        var item = new Item("tea", 2, Size.LARGE, List.of("hot"), Optional.empty());
        assertThat(Json.write(item)).isEqualTo(
                "{\"name\":\"tea\",\"count\":2,\"size\":\"LARGE\",\"tags\":[\"hot\"],\"note\":null}");
        assertThat(Json.write(new int[] {1, 2})).isEqualTo("[1,2]");
        assertThat(Json.write(new String[] {"a", null})).isEqualTo("[\"a\",null]");
        assertThat(Json.write(Optional.of("x"))).isEqualTo("\"x\"");
        assertThat(Json.write(Map.of("raw", JsonText.of("{\"kept\": [1, 2]}"))))
                .isEqualTo("{\"raw\":{\"kept\": [1, 2]}}");
        assertThat(Json.write(new java.util.TreeSet<>(List.of(3, 1)))).isEqualTo("[1,3]");
    }

    @Test
    void refusesWhatJsonCannotHold() {
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a java.lang.Object cannot be written as JSON");
        assertThatThrownBy(() -> Json.write(Map.of(1, "x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names are strings").hasMessageContaining("java.lang.Integer");
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> Json.write(cycle)).hasMessageContaining("does it contain itself?");
        assertThatThrownBy(() -> JsonText.of("{bad}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whatIsWrittenReadsBackTheSame() {
        Random random = new Random(9);
        for (int i = 0; i < 2000; i++) {
            Object value = randomValue(random, 0);
            String text = Json.write(value);
            assertThat(Json.read(text)).as(text).isEqualTo(value);
            assertThat(Json.write(Json.read(text))).isEqualTo(text);
        }
    }

    private static Object randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 6 : 8);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextLong() >> random.nextInt(64);
            case 3 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
            case 4 -> randomString(random);
            case 5 -> new BigInteger(70 + random.nextInt(60), random).add(BigInteger.valueOf(Long.MAX_VALUE))
                    .add(BigInteger.TWO).multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1));
            case 6 -> {
                List<Object> list = new ArrayList<>();
                for (int n = random.nextInt(5); n > 0; n--) {
                    list.add(randomValue(random, depth + 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int n = random.nextInt(5); n > 0; n--) {
                    map.put(randomString(random), randomValue(random, depth + 1));
                }
                yield map;
            }
        };
    }

    private static String randomString(Random random) {
        char[] pool = "aZ0 \"\\/\n\t\u0000\u001féß€😀\u2028{}[],:".toCharArray();
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(12); n > 0; n--) {
            char c = pool[random.nextInt(pool.length)];
            if (Character.isHighSurrogate(c)) {
                s.append("😀");
            } else if (!Character.isLowSurrogate(c)) {
                s.append(c);
            }
        }
        return s.toString();
    }

    @Test
    void readerHandsBackRawValuesMemberByMember() {
        Json.Reader reader = Json.reader("{\"items\":[{\"key\":\"a\",\"value\": {\"x\" : [1, 2.50]} ,\"version\":3},"
                + "{\"key\":\"b\",\"value\":\"s\"}],\"nextToken\":\"b\",\"extra\":{}}");
        reader.beginObject();
        assertThat(reader.nextName()).isEqualTo("items");
        reader.beginArray();
        List<String> raws = new ArrayList<>();
        while (reader.hasNext()) {
            reader.beginObject();
            for (String name = reader.nextName(); name != null; name = reader.nextName()) {
                if (name.equals("value")) {
                    raws.add(reader.rawValue());
                } else {
                    reader.skipValue();
                }
            }
        }
        assertThat(raws).containsExactly("{\"x\" : [1, 2.50]}", "\"s\"");
        assertThat(reader.nextName()).isEqualTo("nextToken");
        assertThat(reader.value()).isEqualTo("b");
        assertThat(reader.nextName()).isEqualTo("extra");
        reader.skipValue();
        assertThat(reader.nextName()).isNull();
        reader.end();
        assertThat(Arrays.asList(raws.toArray())).hasSize(2);
    }
}
