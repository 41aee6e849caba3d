/** Littleflow `.flow` files: parse, compile to a FlowGraph, draw as mermaid. */
export type * from './ast.js';
export { compileFlow, MAX_NODES, SUBFLOW_END, SUBFLOW_START, type FlowCompileOptions } from './compiler.js';
export { FlowSemanticError, FlowSourceError, FlowSyntaxError, type FlowProblem, type SourcePosition } from './errors.js';
export { compileFlowFile } from './file.js';
export { mermaidOf } from './mermaid.js';
export { MAX_NESTING, parseFlow, type FlowParseOptions } from './parser.js';
export { fileResolver, type ResourceResolver } from './resources.js';
