import { FLOW_END, FLOW_START, type FlowEdge, type FlowGraph, type FlowNode } from '../../tasks/graph.js';
import type { Machine, State } from '../../state-machine/definition.js';

/**
 * A state machine as a graph: a node per state (named as the compiler scopes them, `Outer/Branches[0]/Inner`),
 * edges from StartAt, Next, Choice rules and Default, and Catch (loops stay loops). A Parallel or Map state
 * leads into its branches' first states, and a branch's last states lead on to where the Parallel or Map goes.
 */
export function stateMachineGraph(name: string, machine: Machine): FlowGraph {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const walk = (inner: Machine, scope: string, from: string, after: string): void => {
    const id = (state: string) => `${scope}${state}`;
    edges.push({ from, to: id(inner.StartAt) });
    for (const [stateName, state] of Object.entries(inner.States)) {
      nodes.push({ id: id(stateName), name: kindOf(state) });
      const next = targets(state).map(id);
      for (const to of next) edges.push({ from: id(stateName), to });
      const ends = endsItsMachine(state);
      const onward = 'Next' in state && typeof state.Next === 'string' ? id(state.Next) : after;
      for (const [path, child] of children(state)) walk(child, `${id(stateName)}/${path}/`, id(stateName), onward);
      if (ends && children(state).length === 0) edges.push({ from: id(stateName), to: after });
    }
  };
  walk(machine, '', FLOW_START, FLOW_END);
  return { name, nodes, edges: dedupe(edges) };
}

/** What a node shows as its task: a Task's resource, else the state's type. */
function kindOf(state: State): string {
  return state.Type === 'Task' ? `Task ${state.Resource}` : state.Type;
}

function targets(state: State): string[] {
  const next: string[] = [];
  if ('Next' in state && typeof state.Next === 'string') next.push(state.Next);
  if (state.Type === 'Choice') {
    next.push(...state.Choices.map((rule) => rule.Next!));
    if (state.Default !== undefined) next.push(state.Default);
  }
  if ('Catch' in state && state.Catch) next.push(...state.Catch.map((catcher) => catcher.Next));
  return next;
}

/** Whether the state can end its machine. */
function endsItsMachine(state: State): boolean {
  return state.Type === 'Succeed' || state.Type === 'Fail' || ('End' in state && state.End === true);
}

function children(state: State): Array<[string, Machine]> {
  if (state.Type === 'Parallel') return state.Branches.map((branch, i) => [`Branches[${i}]`, branch]);
  if (state.Type === 'Map') return [[state.ItemProcessor ? 'ItemProcessor' : 'Iterator', (state.ItemProcessor ?? state.Iterator)!]];
  return [];
}

function dedupe(edges: readonly FlowEdge[]): FlowEdge[] {
  const seen = new Set<string>();
  return edges.filter(({ from, to }) => !seen.has(`${from}\u0000${to}`) && seen.add(`${from}\u0000${to}`));
}
