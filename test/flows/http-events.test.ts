import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromHttp } from '../../flows/index.js';
import { MalformedEventError } from '../../stores/index.js';

describe('CloudEvents over HTTP', () => {
  it('reads batch mode, every event with its own id', () => {
    const body = JSON.stringify([{ specversion: '1.0', id: 'a', source: 's', type: 't', data: { n: 1 } }, { specversion: '1.0', id: 'b', source: 's', type: 't' }]);
    const events = eventsFromHttp({ 'content-type': 'application/cloudevents-batch+json' }, body);
    assert.deepEqual(events.map((e) => [e.id, e.data]), [['a', { n: 1 }], ['b', undefined]]);
  });

  it('refuses a batch in which one event has no id, and a request that holds no CloudEvent', () => {
    const body = JSON.stringify([{ specversion: '1.0', id: 'a', source: 's', type: 't' }, { specversion: '1.0', source: 's', type: 't' }]);
    assert.throws(() => eventsFromHttp({ 'content-type': 'application/cloudevents-batch+json' }, body), (e: unknown) => e instanceof MalformedEventError && /no "id"/.test(e.message));
    assert.throws(() => eventsFromHttp({ 'content-type': 'text/plain' }, 'hi'), /no CloudEvent in the request: send ce-specversion/);
  });
});
