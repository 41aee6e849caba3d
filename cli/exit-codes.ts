/** The falco command's exit codes (the example uses the same). */
export const EXIT_OK = 0;
/** Some invocation failed or was aborted, the run failed, an output could not be written, or a cleanup did not finish. */
export const EXIT_FAILURE = 1;
/** Bad usage: an unknown flag or value, a missing module, a module that exports no Driver, invalid options. */
export const EXIT_USAGE = 2;
