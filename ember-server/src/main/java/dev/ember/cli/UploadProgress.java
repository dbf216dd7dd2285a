package dev.ember.cli;

import java.io.PrintWriter;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * Told how much of a request body has been handed to the HTTP client, to show the progress of a long upload.
 * Only bodies over {@link #THRESHOLD} bytes are tracked.
 */
interface UploadProgress {
    /** Bodies up to this size (1 MB) go out without progress reports. */
    long THRESHOLD = 1024 * 1024;

    /** {@code sent} of {@code total} bytes have been sent; called with {@code sent == total} last. */
    void sent(long sent, long total);

    /** Reports nothing. */
    static UploadProgress none() {
        return (sent, total) -> { };
    }

    /** Redraws one line on a terminal: {@code uploading 1.2 MB / 5.0 MB (24%)}, then ends it when done. */
    static UploadProgress terminalLine(PrintWriter terminal) {
        return new TerminalLine(terminal);
    }

    /** A publisher of {@code body} that reports to this listener when the body is over the threshold. */
    default BodyPublisher publisherOf(byte[] body) {
        BodyPublisher publisher = BodyPublishers.ofByteArray(body);
        return body.length > THRESHOLD ? new Counting(publisher, this) : publisher;
    }

    /** Counts the bytes the HTTP client pulls from the delegate; each subscription counts from zero. */
    record Counting(BodyPublisher delegate, UploadProgress progress) implements BodyPublisher {
        @Override
        public long contentLength() {
            return delegate.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            long total = contentLength();
            delegate.subscribe(new Flow.Subscriber<>() {
                private long sent;

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    sent += item.remaining();
                    subscriber.onNext(item);
                    progress.sent(sent, total);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }

    /** Redraws only when the whole percent changes, so a large body does not flood the terminal. */
    final class TerminalLine implements UploadProgress {
        private final PrintWriter terminal;
        private long lastPercent = -1;

        TerminalLine(PrintWriter terminal) {
            this.terminal = terminal;
        }

        @Override
        public synchronized void sent(long sent, long total) {
            long percent = total > 0 ? sent * 100 / total : 100;
            if (percent == lastPercent) {
                return;
            }
            lastPercent = percent;
            terminal.print("\ruploading " + Human.bytes(sent) + " / " + Human.bytes(total) + " (" + percent + "%)");
            if (sent >= total) {
                terminal.println();
            }
            terminal.flush();
        }
    }
}
