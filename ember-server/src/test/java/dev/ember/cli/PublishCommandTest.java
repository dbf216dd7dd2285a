package dev.ember.cli;

import static dev.ember.cli.FakeLambda.configuration;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishCommandTest {
    private final FakeLambda lambda = FakeLambda.start();

    @AfterEach
    void stop() {
        lambda.close();
    }

    @Test
    void printsOnlyTheNewVersionNumber() {
        lambda.on("POST", "/2015-03-31/functions/hello/versions", 201, configuration("hello", "4").toString());

        Ember.Run run = Ember.against(lambda, "publish", "hello");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("4\n");
        assertThat(lambda.request("POST", "/2015-03-31/functions/hello/versions").text()).isEqualTo("{}");
    }

    @Test
    void sendsTheDescription() {
        lambda.on("POST", "/2015-03-31/functions/hello/versions", 201, configuration("hello", "5").toString());

        Ember.Run run = Ember.against(lambda, "publish", "hello", "--description", "friday release");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.request("POST", "/2015-03-31/functions/hello/versions").text())
                .isEqualTo("{\"Description\":\"friday release\"}");
    }
}
