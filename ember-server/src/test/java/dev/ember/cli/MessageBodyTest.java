package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MessageBodyTest {
    @Test
    void cutsALongDocumentAfterThirtyLinesAndSaysHowManyMore() {
        String numbers = IntStream.range(0, 100).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));

        List<String> lines = MessageBody.lines(numbers);

        // "[", 100 numbers, "]": 102 lines, of which 30 are shown.
        assertThat(lines).hasSize(31).startsWith("[", "  0,", "  1,");
        assertThat(lines.getLast()).isEqualTo("… 72 more lines (--json prints bodies whole)");
    }

    @Test
    void cutsALongLine() {
        List<String> lines = MessageBody.lines("{\"pad\":\"" + "x".repeat(1000) + "\"}");

        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).hasSize(MessageBody.MAX_LINE_LENGTH).startsWith("  \"pad\": \"xxx").endsWith("x…");
    }

    @Test
    void printsABodyThatIsNotADocumentAsItsText() {
        assertThat(MessageBody.lines("not json\nsecond line")).containsExactly("not json", "second line");
        assertThat(MessageBody.lines("\"a JSON string\"")).containsExactly("\"a JSON string\"");
        assertThat(MessageBody.lines("")).isEmpty();
    }
}
