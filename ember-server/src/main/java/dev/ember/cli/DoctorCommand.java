package dev.ember.cli;

import dev.ember.sandbox.IsolationReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ember doctor}: what this host offers for isolating environments, and what Ember enforces of it. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Shows each isolation mechanism: available on this host, enforced by Ember.")
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(IsolationReport.probe().table());
        IsolationReport.hostTuning().ifPresent(advice -> spec.commandLine().getOut().println("\n" + advice));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
