import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timingsFromLogTail } from '../../../platforms/lambda/report.js';

const base64 = (text: string): string => Buffer.from(text).toString('base64');

const COLD =
  'START RequestId: 6f1c RequestId Version: $LATEST\n' +
  'INFO\tworking; Duration: 999 ms is not a REPORT\n' +
  'END RequestId: 6f1c\n' +
  'REPORT RequestId: 6f1c\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 156.23 ms\t\n';

describe('REPORT line', () => {
  it('reads durations, memory and a cold start', () => {
    assert.deepEqual(timingsFromLogTail(base64(COLD)), {
      durationMs: 12.34,
      billedDurationMs: 13,
      memoryUsedMB: 67,
      initDurationMs: 156.23,
      coldStart: true,
    });
  });

  it('says warm when there is no Init Duration', () => {
    const warm = 'REPORT RequestId: 1\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB\t\n';
    assert.deepEqual(timingsFromLogTail(base64(warm)), { durationMs: 1.5, billedDurationMs: 2, memoryUsedMB: 70, coldStart: false });
  });

  it('is empty without a log tail or without a REPORT line', () => {
    assert.deepEqual(timingsFromLogTail(undefined), {});
    assert.deepEqual(timingsFromLogTail(''), {});
    assert.deepEqual(timingsFromLogTail(base64('START RequestId: 1\nEND RequestId: 1\n')), {});
  });
});
