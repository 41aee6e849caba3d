import { messageOf } from '../../src/errors.js';
import type { Delivery, EventConsumer } from '../../stores/ports/event-stream.js';
import { ConsumerLoop, type LoopOptions } from '../triggers/consumer-loop.js';
import { ForwardedRequestError } from './errors.js';
import type { RequestSigner } from './forwarding-types.js';
import { PIPELINE_REQUEST_TYPE, requestOf, signerOf, type EventForwarding } from './forwarding.js';
import type { PhaseRunner } from './runner.js';

/**
 * One member of a pipeline's consumer group: reads forwarded requests, runs their phases (a batch at
 * once), and acknowledges each only after its phase's outcome is recorded and forwarded, so a worker
 * that dies mid-phase leaves the request to the next one. A request that cannot be read, or whose
 * signature does not hold, goes to the dead-letter stream with the reason.
 */
export class PipelineWorker {
  readonly #loop: ConsumerLoop;
  readonly #runner: PhaseRunner;

  private constructor(consumer: EventConsumer, forwarding: EventForwarding, runner: PhaseRunner, pipeline: string, open: () => Promise<EventConsumer>, options: LoopOptions) {
    this.#runner = runner;
    const signer = signerOf(forwarding);
    const handle = async (deliveries: Delivery[]) => {
      await Promise.all(deliveries.map((delivery) => this.#handle(delivery, signer, pipeline)));
    };
    this.#loop = new ConsumerLoop(consumer, { open, handle }, { batchSize: 64, ...options });
  }

  static async start(pipeline: string, forwarding: EventForwarding, runner: PhaseRunner, options: LoopOptions = {}): Promise<PipelineWorker> {
    const open = () => forwarding.stream.consumer(forwarding.group ?? `falco-pipeline-${pipeline}`, forwarding.consumer ?? `worker-${process.pid}`, { ...forwarding.consumerOptions, start: '0' });
    return new PipelineWorker(await open(), forwarding, runner, pipeline, open, options);
  }

  /** Resolves if the loop stops; rejects if it fails for good. */
  get done(): Promise<void> {
    return this.#loop.done;
  }

  /** Finishes the requests in hand, then leaves the group's reading (what it holds unacknowledged goes to another worker). */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #handle(delivery: Delivery, signer: RequestSigner, pipeline: string): Promise<void> {
    const consumer = this.#loop.consumer;
    if (delivery.event.type !== PIPELINE_REQUEST_TYPE || delivery.event.source !== `falco.pipeline/${pipeline}`) {
      await consumer.ack([delivery.entryId]); // another pipeline's, or not a request: not ours to run
      return;
    }
    let request;
    try {
      request = requestOf(delivery.event, signer);
    } catch (error) {
      await consumer.deadLetter([delivery], `not run: ${messageOf(error)}`);
      return;
    }
    try {
      await this.#runner.handle(request);
    } catch (error) {
      if (!(error instanceof ForwardedRequestError)) throw error; // left unacknowledged: redelivered
      await consumer.deadLetter([delivery], messageOf(error));
      return;
    }
    await consumer.ack([delivery.entryId]);
  }
}
