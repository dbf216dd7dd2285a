package dev.ember.state.client;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON (RFC 8259) to Java values and back, without a library: the client may not bring Jackson into a function that
 * has its own.
 *
 * <p>Reading maps an object to a {@link LinkedHashMap} in document order (a repeated name keeps its last value), an
 * array to an {@link ArrayList}, a string to {@link String}, {@code true}/{@code false} to {@link Boolean},
 * {@code null} to {@code null}, an integer (no fraction, no exponent) to {@link Long}, or {@link BigInteger} when it
 * does not fit in 64 bits, and any other number to {@link Double}, or {@link BigDecimal} when it is beyond a
 * double's range. The reader is strict: no comments, no trailing commas, no leading zeros, no control characters in
 * strings, nothing after the document.
 *
 * <p>Writing takes those types and also any {@link CharSequence}, {@link Character}, {@link Number} (a non-finite
 * double is refused: JSON has none), {@link Map} with {@code String} keys, {@link Iterable}, array, {@link Optional}
 * (empty is {@code null}), enum (its name), record (an object of its components) and {@link JsonText} (written as
 * it is). Output is compact; {@code "}, {@code \}, control characters and unpaired surrogates are escaped, every other
 * character is written as itself (UTF-8 on the wire).
 *
 * <p>One file past the usual length on purpose: the reader and the writer are the two directions of one format,
 * tested together in {@code JsonTest}.
 */
final class Json {
    /** Deeper documents are refused, so that a hostile one cannot overflow the stack of either side. */
    static final int MAX_DEPTH = 512;

    private Json() {
    }

    /** A document that is not JSON, with where and why. */
    static final class MalformedJsonException extends IllegalArgumentException {
        MalformedJsonException(String message) {
            super(message);
        }
    }

    /**
     * The value of a whole JSON document.
     *
     * @throws MalformedJsonException if {@code text} is not one JSON value, with the offset and what was expected
     */
    static Object read(String text) {
        Reader reader = new Reader(text);
        Object value = reader.value(0);
        reader.end();
        return value;
    }

    /**
     * {@code text} as the reader sees it, member by member: for responses whose values are kept as text
     * ({@code {"items":[{"key":..,"value":<any JSON>}]}}).
     */
    static Reader reader(String text) {
        return new Reader(text);
    }

    /** The compact JSON of {@code value}. @throws IllegalArgumentException for a value JSON cannot hold, naming it */
    static String write(Object value) {
        StringBuilder out = new StringBuilder(64);
        write(value, out, 0);
        return out.toString();
    }

    /** Appends the JSON of {@code value} to {@code out}. */
    static void write(Object value, StringBuilder out) {
        write(value, out, 0);
    }

    /** Appends {@code s} as a JSON string. */
    static void quote(CharSequence s, StringBuilder out) {
        out.append('"');
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(c, out);
                    } else if (Character.isHighSurrogate(c) && i + 1 < length
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        // Alone it has no UTF-8 form; escaped, it reaches the other side as the same char.
                        unicodeEscape(c, out);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(char c, StringBuilder out) {
        String hex = Integer.toHexString(c);
        out.append("\\u");
        for (int pad = hex.length(); pad < 4; pad++) {
            out.append('0');
        }
        out.append(hex);
    }

    private static void write(Object value, StringBuilder out, int depth) {
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("a value nested deeper than " + MAX_DEPTH
                    + " levels cannot be written as JSON (does it contain itself?)");
        }
        switch (value) {
            case null -> out.append("null");
            case JsonText text -> out.append(text.text());
            case CharSequence s -> quote(s, out);
            case Character c -> quote(String.valueOf(c), out);
            case Boolean b -> out.append(b.booleanValue());
            case Double d -> finite(d, out);
            case Float f -> finite(f.doubleValue(), out);
            case Long l -> out.append(l.longValue());
            case Integer i -> out.append(i.intValue());
            case Short s -> out.append(s.shortValue());
            case Byte b -> out.append(b.byteValue());
            case BigInteger i -> out.append(i);
            case BigDecimal d -> out.append(d);
            case Number n -> finite(n.doubleValue(), out); // AtomicLong, LongAdder, ...: as their double
            case Optional<?> optional -> write(optional.orElse(null), out, depth);
            case Enum<?> e -> quote(e.name(), out);
            case Map<?, ?> map -> object(map, out, depth);
            case Iterable<?> items -> {
                out.append('[');
                boolean first = true;
                for (Object item : items) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(item, out, depth + 1);
                }
                out.append(']');
            }
            case Record record -> record(record, out, depth);
            default -> {
                if (!value.getClass().isArray()) {
                    throw new IllegalArgumentException("a " + value.getClass().getName() + " cannot be written as "
                            + "JSON: give a String, Number, Boolean, Map, List, array, record, enum, JsonText or "
                            + "null");
                }
                out.append('[');
                for (int i = 0, n = Array.getLength(value); i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(Array.get(value, i), out, depth + 1);
                }
                out.append(']');
            }
        }
    }

    private static void finite(double d, StringBuilder out) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no number " + d);
        }
        out.append(d); // Double.toString is JSON for finite values ("2.0", "1.0E-7") and reads back the same
    }

    private static void object(Map<?, ?> map, StringBuilder out, int depth) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> member : map.entrySet()) {
            if (!(member.getKey() instanceof CharSequence name)) {
                throw new IllegalArgumentException("a JSON object's names are strings; this map has the key "
                        + member.getKey() + (member.getKey() == null ? "" : " (" + member.getKey().getClass()
                        .getName() + ")"));
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(name, out);
            out.append(':');
            write(member.getValue(), out, depth + 1);
        }
        out.append('}');
    }

    private static void record(Record record, StringBuilder out, int depth) {
        out.append('{');
        RecordComponent[] components = record.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            quote(components[i].getName(), out);
            out.append(':');
            Object component;
            try {
                var accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                component = accessor.invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read the component " + components[i].getName() + " of "
                        + record.getClass().getName() + ": " + e, e);
            }
            write(component, out, depth + 1);
        }
        out.append('}');
    }

    /**
     * A strict recursive-descent reader over one document. Besides whole values ({@link #value}) it reads objects
     * member by member and hands back the raw text of a value ({@link #rawValue}), so responses that carry stored
     * values need not parse and rewrite them.
     */
    static final class Reader {
        private final String text;
        private int pos;
        /** Whether the object or array being read member by member has given none yet. */
        private boolean first;

        Reader(String text) {
            this.text = text;
        }

        /** Fails unless only whitespace is left. */
        void end() {
            skipWhitespace();
            if (pos < text.length()) {
                throw error("the document ended; found more after it");
            }
        }

        /** Reads {@code {}, then returns each member's name in turn as {@link #nextName} is called. */
        void beginObject() {
            expect('{');
            first = true;
        }

        /** The next member's name (its value is next), or null at the object's closing brace, which is consumed. */
        String nextName() {
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return null;
            }
            if (!first) {
                expect(',');
                skipWhitespace();
            }
            first = false;
            if (peek() != '"') {
                throw error("expected a member name (a string)");
            }
            String name = string();
            expect(':');
            return name;
        }

        /** Reads {@code [}; then {@link #hasNext} says whether an item follows. */
        void beginArray() {
            expect('[');
            first = true;
        }

        /** Whether the array goes on (its next item is next); consumes the comma or the closing bracket. */
        boolean hasNext() {
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return false;
            }
            if (!first) {
                expect(',');
            }
            first = false;
            return true;
        }

        /** The next value as its JSON text, checked but not converted. */
        String rawValue() {
            skipWhitespace();
            int start = pos;
            value(0);
            return text.substring(start, pos);
        }

        /** The next value (any JSON). */
        Object value() {
            return value(0);
        }

        /** Skips the next value. */
        void skipValue() {
            value(0);
        }

        private Object value(int depth) {
            if (depth >= MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " levels");
            }
            skipWhitespace();
            if (pos >= text.length()) {
                throw error("expected a value, the text ended");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("expected a value");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> members = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return members;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a member name (a string)");
                }
                String name = string();
                expect(':');
                members.put(name, value(depth + 1));
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == '}') {
                    return members;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> items = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return items;
            }
            while (true) {
                items.add(value(depth + 1));
                skipWhitespace();
                char c = peek();
                pos++;
                if (c == ']') {
                    return items;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            pos++; // the opening quote
            int start = pos;
            // The common case, a string without escapes, is one substring.
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '"') {
                    return text.substring(start, pos++);
                }
                if (c == '\\') {
                    break;
                }
                if (c < 0x20) {
                    throw error("a control character (U+" + "%04X".formatted((int) c)
                            + ") inside a string must be escaped");
                }
                pos++;
            }
            StringBuilder s = new StringBuilder(pos - start + 16).append(text, start, pos);
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return s.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("a control character (U+" + "%04X".formatted((int) c)
                            + ") inside a string must be escaped");
                }
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                if (pos >= text.length()) {
                    break;
                }
                char escaped = text.charAt(pos++);
                switch (escaped) {
                    case '"' -> s.append('"');
                    case '\\' -> s.append('\\');
                    case '/' -> s.append('/');
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case 'u' -> s.append(hex4());
                    default -> {
                        pos--;
                        throw error("unknown escape \\" + escaped);
                    }
                }
            }
            throw error("a string is not closed");
        }

        private char hex4() {
            if (pos + 4 > text.length()) {
                throw error("\\u takes four hex digits");
            }
            int value = 0;
            for (int i = 0; i < 4; i++) {
                char c = text.charAt(pos + i);
                // ASCII only: Character.digit also takes other scripts' digits (U+0661, U+FF11, ...).
                int digit = c < 0x80 ? Character.digit(c, 16) : -1;
                if (digit < 0) {
                    throw error("\\u takes four hex digits");
                }
                value = value * 16 + digit;
            }
            pos += 4;
            return (char) value; // a surrogate pair arrives as two escapes, each its half
        }

        private Object number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
                if (isDigit(peek())) {
                    throw error("a number has no leading zeros");
                }
            } else if (!digits()) {
                throw error("expected a digit");
            }
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!digits()) {
                    throw error("expected a digit after the decimal point");
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!digits()) {
                    throw error("expected a digit in the exponent");
                }
            }
            String literal = text.substring(start, pos);
            if (integral) {
                // At most 18 digits always fit; longer ones are tried, and kept whole when they do not.
                if (literal.length() <= 18) {
                    return Long.parseLong(literal);
                }
                BigInteger big = new BigInteger(literal);
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            double d = Double.parseDouble(literal);
            if (Double.isFinite(d)) {
                return d;
            }
            try {
                return new BigDecimal(literal);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("a number's exponent is beyond what Java can hold");
            }
        }

        private boolean digits() {
            int start = pos;
            while (isDigit(peek())) {
                pos++;
            }
            return pos > start;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("expected a value");
            }
            pos += word.length();
            return value;
        }

        private void expect(char c) {
            skipWhitespace();
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        /** The character at the position, or NUL past the end (never valid where it is looked at). */
        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        private MalformedJsonException error(String what) {
            String found = pos >= text.length() ? "the end" : "'" + printable(text.charAt(pos)) + "'";
            return new MalformedJsonException("not JSON: " + what + " at offset " + pos + " (found " + found + ")");
        }

        private static String printable(char c) {
            return c < 0x20 || Character.isSurrogate(c) ? "U+%04X".formatted((int) c) : String.valueOf(c);
        }
    }
}
