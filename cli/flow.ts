import { Command } from 'commander';
import { compileFlowFile, mermaidOf } from '../flows/littleflow/index.js';

/** `falco flow check FILE`: compiles a littleflow `.flow` file and prints its graph, or its errors. */
export function flowCommand(): Command {
  const flow = new Command('flow').summary('check littleflow .flow files').description('Work with littleflow .flow files.');
  flow.addCommand(
    new Command('check')
      .description('Compile a .flow file and print its graph as a mermaid stateDiagram-v2 (or its errors, with exit code 2).')
      .argument('<file>', 'a littleflow .flow file; its resources <data.json> are read relative to its folder')
      .option('--subflows', "draw every subflow's start and end, as littleflow's spec draws them")
      .option('--json', 'print the compiled FlowGraph as JSON instead')
      .action((file: string, flags: { subflows?: boolean; json?: boolean }) => {
        const graph = compileFlowFile(file, { keepSubflows: flags.subflows === true });
        process.stdout.write(flags.json ? `${JSON.stringify(graph, null, 2)}\n` : mermaidOf(graph));
      }),
  );
  return flow;
}
