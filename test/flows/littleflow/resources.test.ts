import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, it } from 'node:test';
import { suiteTempDir } from '../../helpers/temp-dir.js';
import type { JsonObject } from '../../../stores/ports/workspace.js';
import { compileFlow, compileFlowFile, FlowSemanticError } from '../../../flows/littleflow/index.js';
import { fixture } from './fixtures.js';

const FROM_JSON = { source: 'doc.json', items: [1, 2] };
const FROM_YAML = { source: 'doc.yaml', items: [1, 2] };

describe('resources <uri> are loaded when the flow compiles', () => {
  it('relative to the flow file\'s folder, as JSON or YAML by content-type or extension (littleflow\'s external-resources.flows)', () => {
    const graph = compileFlowFile(fixture('external-resources.flows'));
    const resources = graph.nodes.filter((n) => n.name === 'resource').map((n) => [n.id, n.parameters, n.literal]);
    assert.deepEqual(resources, [
      ['resource.1', { uri: 'doc.json' }, FROM_JSON],
      ['resource.3', { uri: 'doc.yaml' }, FROM_YAML],
      ['resource.5', { uri: 'doc.yaml', 'content-type': 'application/yaml' }, FROM_YAML],
      ['resource.7', { uri: 'doc.yaml', 'content-type': 'text/plain+yaml' }, FROM_YAML],
      ['resource.9', { uri: 'doc.json', 'content-type': 'application/json' }, FROM_JSON],
      ['resource.11', { uri: 'doc.json', 'content-type': 'text/plain+json' }, FROM_JSON],
    ]);
    assert.deepEqual(graph.edges.slice(0, 3), [{ from: '$start', to: 'resource.1' }, { from: '$start', to: 'resource.3' }, { from: '$start', to: 'resource.5' }]);
    assert.ok(graph.edges.some((e) => e.from === 'resource.1' && e.to === 'A.2'));
  });

  describe('from other places', () => {
    const temp = suiteTempDir('falco-flow-');
    let dir = '';
    before(async () => {
      dir = temp();
      await writeFile(join(dir, 'settings.yml'), 'mode: fast\n');
      await writeFile(join(dir, 'broken.json'), '{ "a": ');
    });

    it('baseDir for text, absolute paths and file: URLs', () => {
      assert.deepEqual(compileFlow('<settings.yml> → A', { baseDir: dir }).nodes[0]!.literal, { mode: 'fast' });
      assert.deepEqual(compileFlow(`<${join(dir, 'settings.yml')}> → A`).nodes[0]!.literal, { mode: 'fast' });
      assert.deepEqual(compileFlow(`<${pathToFileURL(join(dir, 'settings.yml')).href}> → A`).nodes[0]!.literal, { mode: 'fast' });
    });

    it('a resolver of the caller\'s own, for other URIs', () => {
      const asked: [string, JsonObject][] = [];
      const graph = compileFlow('<https://example.com/scores>(- method: GET -) → A', { resolveResource: (uri, parameters) => (asked.push([uri, parameters]), { scores: [3] }) });
      assert.deepEqual(asked, [['https://example.com/scores', { method: 'GET' }]]);
      assert.deepEqual(graph.nodes[0]!.literal, { scores: [3] });
    });

    for (const [text, problem] of [
      ['<https://example.com/x.json> → A', /only files are read when a flow compiles.*pass resolveResource/],
      ['<missing.json> → A', /cannot read .*missing\.json/],
      ['<broken.json> → A', /broken\.json is not valid JSON/],
      ['<settings.txt> → A', /cannot tell how to read <settings\.txt>: name it \.json, \.yaml or \.yml/],
      ['<settings.yml>(- content-type: text/csv -) → A', /cannot read <settings\.yml> as content-type text\/csv/],
    ] as const) {
      it(`refuses ${text} with a typed error that says why`, () => {
        assert.throws(
          () => compileFlow(`\n  ${text}`, { baseDir: dir, file: 'load.flow' }),
          (e: unknown) => e instanceof FlowSemanticError && e.kind === 'resource' && e.line === 2 && e.column === 3 && problem.test(e.problem),
        );
      });
    }
  });
});
