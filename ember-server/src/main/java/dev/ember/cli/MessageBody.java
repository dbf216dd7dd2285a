package dev.ember.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code ember queue show} prints a message's body for people: a JSON document pretty-printed (destination
 * records are nested several levels deep), anything else as its lines. A body can be a whole 1 MB event, so the
 * lines are cut to fit a screen; {@code --json} is there for the whole of it.
 */
final class MessageBody {
    /** Enough for a destination record of a small event and result. */
    static final int MAX_LINES = 30;
    static final int MAX_LINE_LENGTH = 160;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
            .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n")));

    private MessageBody() {
    }

    /** The lines to print of {@code body}, at most {@link #MAX_LINES} and the last saying how many more there were. */
    static List<String> lines(String body) {
        List<String> all = pretty(body).lines().toList();
        List<String> shown = new ArrayList<>();
        for (String line : all.subList(0, Math.min(all.size(), MAX_LINES))) {
            shown.add(line.length() <= MAX_LINE_LENGTH ? line : line.substring(0, MAX_LINE_LENGTH - 1) + "…");
        }
        if (all.size() > MAX_LINES) {
            shown.add("… " + Human.count(all.size() - MAX_LINES, "more line") + " (--json prints bodies whole)");
        }
        return shown;
    }

    private static String pretty(String body) {
        try {
            JsonNode document = JSON.readTree(body);
            if (document != null && document.isContainerNode()) {
                return PRETTY.writeValueAsString(document);
            }
        } catch (JacksonException notJson) {
            // printed as the text it is
        }
        return body;
    }
}
