import type { ChildProcess } from 'node:child_process';
import type { Crash } from './instance.js';
import { ProcessInstance, howItEnded } from './process-instance.js';
import { MAX_FRAME_BYTES } from './protocol.js';
import { PYTHON_RUNNER } from './python-runner.js';

/**
 * A Python instance: a long-lived `python3 -u` process running the runner, which loads the action
 * and answers calls, each a frame of JSON (see channel.ts).
 */
export class PythonInstance extends ProcessInstance {
  protected readonly what = 'the python process';

  protected spawn(): ChildProcess {
    const { entry, entryPoint, memoryMB, logs, python } = this.spec;
    return this.spawnRunner(python, ['-u', '-c', PYTHON_RUNNER, entry, entryPoint, String(memoryMB * 1024 * 1024), String(MAX_FRAME_BYTES)], logs);
  }

  protected crash(child: ChildProcess, error: Error | undefined): Crash {
    const { python, name, memoryMB } = this.spec;
    if (error) {
      return { message: `cannot run "${python}" (${error.message}): install Python 3 or set the LocalPlatform option "python"`, cause: error };
    }
    if (child.signalCode === 'SIGKILL') {
      // Nobody here sent it (our own kills are not reported): the kernel's OOM killer sends SIGKILL.
      return { message: `the python process of function "${name}" was killed (SIGKILL) before answering, most likely for using too much memory (its limit is ${memoryMB} MB)` };
    }
    return { message: `the python process of function "${name}" ${howItEnded(child)} before answering` };
  }
}
