export { compileStateMachine, type CompiledStateMachine, type CompileOptions } from './compile.js';
export type { Catcher, Machine, MapState, ParallelState, PassState, Retrier, State, StateMachineDefinition, StateType, TaskState, WaitState, ChoiceState, SucceedState, FailState } from './definition.js';
export type { ChoiceRule } from './choice.js';
export { StateMachineError } from './errors.js';
export { parseStateMachine, stateMachine } from './validate.js';
export { runStateMachine, type StateMachineResult, type StateMachineRunOptions } from './run.js';
