import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json } from '../../stores/index.js';
import { evaluateRule, type ChoiceRule } from '../../flows/state-machine/choice.js';
import { applyTemplate, parsePath, readPath, writePath, type ReferencePath } from '../../flows/state-machine/paths.js';
import { StatesRuntimeError } from '../../flows/state-machine/errors.js';

const path = (text: string) => parsePath(text) as ReferencePath;
const holds = (rule: ChoiceRule, input: Json) => evaluateRule(rule, input, {});

describe('state machine paths and choice rules', () => {
  it('reads reference paths, and fails with States.Runtime when a path selects nothing', () => {
    const input = { a: { b: [10, { c: 'x' }] }, 'odd key': 1 };
    assert.equal(readPath(path('$.a.b[1].c'), input, {}), 'x');
    assert.equal(readPath(path("$['odd key']"), input, {}), 1);
    assert.deepEqual(readPath(path('$'), input, {}), input);
    assert.equal(readPath(path('$$.Map.Item.Index'), input, { Map: { Item: { Index: 3 } } }), 3);
    assert.throws(() => readPath(path('$.a.missing'), input, {}), StatesRuntimeError);
  });

  it('writes a result into a copy of the input (ResultPath), creating what is missing', () => {
    const input = { keep: 1, deep: { x: 1 } };
    assert.deepEqual(writePath(path('$.deep.y.z'), input, 5), { keep: 1, deep: { x: 1, y: { z: 5 } } });
    assert.deepEqual(input, { keep: 1, deep: { x: 1 } }, 'the input is not changed');
    assert.equal(writePath(path('$'), input, 7), 7);
  });

  it('fills payload templates from the input and the context object', () => {
    const template = { 'n.$': '$.value', fixed: 'yes', nested: { 'i.$': '$$.Map.Item.Index' } };
    assert.deepEqual(applyTemplate(template, { value: 4 }, { Map: { Item: { Index: 2 } } }), { n: 4, fixed: 'yes', nested: { i: 2 } });
  });

  it('compares strings, numbers, booleans and timestamps, also against another path', () => {
    assert.equal(holds({ Variable: '$.n', NumericGreaterThan: 10 }, { n: 11 }), true);
    assert.equal(holds({ Variable: '$.n', NumericLessThanEquals: 10 }, { n: 11 }), false);
    assert.equal(holds({ Variable: '$.n', NumericEquals: 1 }, { n: '1' }), false, 'a type mismatch is false');
    assert.equal(holds({ Variable: '$.s', StringEquals: 'go' }, { s: 'go' }), true);
    assert.equal(holds({ Variable: '$.s', StringMatches: 'log-*.txt' }, { s: 'log-2026.txt' }), true);
    assert.equal(holds({ Variable: '$.s', StringMatches: 'a\\*b' }, { s: 'aXb' }), false);
    assert.equal(holds({ Variable: '$.b', BooleanEquals: false }, { b: false }), true);
    assert.equal(holds({ Variable: '$.t', TimestampLessThan: '2026-01-01T00:00:00Z' }, { t: '2025-12-31T23:59:59Z' }), true);
    assert.equal(holds({ Variable: '$.t', TimestampGreaterThan: '2026-01-01T00:00:00Z' }, { t: '2025-12-31T23:59:59Z' }), false);
    assert.equal(holds({ Variable: '$.a', NumericGreaterThanPath: '$.b' }, { a: 2, b: 1 }), true);
  });

  it('tests presence and types, and combines rules with And, Or and Not', () => {
    assert.equal(holds({ Variable: '$.x', IsPresent: false }, {}), true);
    assert.equal(holds({ Variable: '$.x', IsNull: true }, { x: null }), true);
    assert.equal(holds({ Variable: '$.x', IsTimestamp: true }, { x: '2026-03-14T01:59:00Z' }), true);
    const rule: ChoiceRule = { And: [{ Variable: '$.n', IsNumeric: true }, { Or: [{ Variable: '$.n', NumericLessThan: 0 }, { Not: { Variable: '$.n', NumericLessThan: 100 } }] }] };
    assert.equal(holds(rule, { n: -1 }), true);
    assert.equal(holds(rule, { n: 50 }), false);
    assert.equal(holds(rule, { n: 100 }), true);
    assert.throws(() => holds({ Variable: '$.missing', NumericEquals: 1 }, {}), StatesRuntimeError, 'a comparison on a missing value is a runtime error, as in ASL');
  });
});
