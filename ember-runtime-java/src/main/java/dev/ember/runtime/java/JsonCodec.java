package dev.ember.runtime.java;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * Event and result JSON for handlers with typed input or output, configured like AWS's Java serializer where it
 * changes what a function sees: unknown properties are ignored, empty beans serialize as {@code {}}, {@code null}
 * properties are left out, a single value is accepted where an array is expected, getters like {@code getURL}
 * name the property {@code URL}, and dates are written as ISO-8601 strings.
 *
 * <p>This is the only class that touches Jackson, and the mapper is created on first use, so a
 * {@code RequestStreamHandler} never loads it. Readers and writers are built when the handler is loaded, which is
 * the function's init phase, not its first invocation.
 */
final class JsonCodec {

    /** Holder idiom: the mapper is built the first time a codec needs it. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = JsonMapper.builder()
                .enable(MapperFeature.USE_STD_BEAN_NAMING)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT)
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // null properties and null map values are left out, as AWS's serializer does
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.NON_NULL))
                .build();
    }

    private final ObjectReader reader;
    private final ObjectWriter writer;

    private JsonCodec(ObjectReader reader, ObjectWriter writer) {
        this.reader = reader;
        this.writer = writer;
    }

    /**
     * A codec reading events as {@code input} and writing results as {@code output}.
     *
     * @param input  the event type, or {@code null} when the handler takes no event
     * @param output the result type; {@code void}, {@link Void} or {@code null} make every result {@code null}
     */
    static JsonCodec forTypes(Type input, Type output) {
        ObjectMapper mapper = Mapper.INSTANCE;
        boolean noResult = output == null || output == void.class || output == Void.class;
        return new JsonCodec(
                input == null ? null : mapper.readerFor(mapper.constructType(input)),
                noResult ? null : mapper.writerFor(mapper.constructType(output)));
    }

    /** Parses a JSON object such as the {@code Lambda-Runtime-Client-Context} header. */
    static Map<String, Object> readObject(String json) throws IOException {
        return Mapper.INSTANCE.readerForMapOf(Object.class).readValue(json);
    }

    /**
     * The event as the handler's input type; {@code null} if the handler takes none.
     *
     * @throws RuntimeException "An error occurred during JSON parsing", as AWS reports it, with Jackson's cause
     */
    Object readEvent(byte[] payload) {
        if (reader == null) {
            return null;
        }
        try {
            return reader.readValue(payload);
        } catch (IOException | RuntimeException e) {
            throw new RuntimeException("An error occurred during JSON parsing", e);
        }
    }

    /**
     * The result as JSON: a {@code String} becomes a JSON string, {@code null} and void results {@code null}.
     *
     * @throws RuntimeException "An error occurred during JSON serialization of response", with Jackson's cause
     */
    byte[] writeResult(Object result) {
        if (writer == null || result == null) {
            return FunctionHandler.jsonNull();
        }
        try {
            return writer.writeValueAsBytes(result);
        } catch (IOException | RuntimeException e) {
            throw new RuntimeException("An error occurred during JSON serialization of response", e);
        }
    }
}
