package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class UploadProgressTest {
    @Test
    void countsEveryByteTheClientPulls() {
        List<Long> reports = new ArrayList<>();
        BodyPublisher publisher = ((UploadProgress) (sent, total) -> reports.add(sent))
                .publisherOf(new byte[3 * 1024 * 1024 + 5]);

        long pulled = drain(publisher);

        assertThat(publisher.contentLength()).isEqualTo(3 * 1024 * 1024 + 5);
        assertThat(pulled).isEqualTo(publisher.contentLength());
        assertThat(reports).isSorted().last().isEqualTo(publisher.contentLength());
    }

    @Test
    void leavesASmallBodyAlone() {
        BodyPublisher publisher = UploadProgress.none().publisherOf(new byte[1024 * 1024]);

        assertThat(publisher).isNotInstanceOf(UploadProgress.Counting.class);
    }

    @Test
    void redrawsOneLineOnlyWhenThePercentChanges() {
        var terminal = new StringWriter();
        UploadProgress progress = UploadProgress.terminalLine(new PrintWriter(terminal));
        long total = 4L * 1024 * 1024;

        progress.sent(total / 2, total);
        progress.sent(total / 2 + 1, total);
        progress.sent(total, total);

        assertThat(terminal.toString()).isEqualTo(
                "\ruploading 2.0 MB / 4.0 MB (50%)\ruploading 4.0 MB / 4.0 MB (100%)\n");
    }

    @Test
    void writesQuantitiesForPeople() {
        assertThat(Human.bytes(950)).isEqualTo("950 B");
        assertThat(Human.bytes(1234)).isEqualTo("1.2 KB");
        assertThat(Human.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GB");
        assertThat(Human.percent(new BigDecimal("0.1"))).isEqualTo("10%");
        assertThat(Human.percent(new BigDecimal("0.125"))).isEqualTo("12.5%");
        assertThat(Human.percent(BigDecimal.ONE.subtract(new BigDecimal("0.7")))).isEqualTo("30%");
    }

    private static long drain(BodyPublisher publisher) {
        long[] pulled = {0};
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                pulled[0] += item.remaining();
            }

            @Override
            public void onError(Throwable throwable) {
                throw new AssertionError(throwable);
            }

            @Override
            public void onComplete() {
            }
        });
        return pulled[0];
    }
}
