package dev.ember.cli;

/** Entry point of {@code ./ember}. */
public final class EmberCli {
    private EmberCli() {
    }

    public static void main(String[] args) {
        System.err.println("ember: CLI not yet built");
        System.exit(2);
    }
}
