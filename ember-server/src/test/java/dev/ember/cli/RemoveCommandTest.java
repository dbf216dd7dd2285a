package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RemoveCommandTest {
    private final FakeLambda lambda = FakeLambda.start();

    @AfterEach
    void stop() {
        lambda.close();
    }

    @Test
    void deletesTheFunction() {
        lambda.on("DELETE", "/2015-03-31/functions/hello", 204, null);

        Ember.Run run = Ember.against(lambda, "rm", "hello");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.requestLines()).containsExactly("DELETE /2015-03-31/functions/hello");
        assertThat(run.out()).isEqualTo("deleted hello\n");
    }

    @Test
    void deletesOneVersionWithAQualifier() {
        lambda.on("DELETE", "/2015-03-31/functions/hello?Qualifier=2", 204, null);

        Ember.Run run = Ember.against(lambda, "rm", "hello", "--qualifier", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("deleted hello:2\n");
    }

    @Test
    void encodesAnArnAsOnePathSegment() {
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:hello";
        lambda.on("DELETE", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ahello",
                204, null);

        Ember.Run run = Ember.against(lambda, "rm", arn);

        assertThat(run.exitCode()).as(run.err()).isZero();
    }
}
