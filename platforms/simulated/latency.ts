import { z } from 'zod';
import { standardNormal } from './random.js';

const ms = z.number().min(0, 'must be 0 or more milliseconds');

export const latencySchema = z.discriminatedUnion('distribution', [
  z.object({ distribution: z.literal('fixed'), ms }).strict(),
  z.object({ distribution: z.literal('uniform'), minMs: ms, maxMs: ms }).strict(),
  z.object({ distribution: z.literal('normal'), meanMs: ms, stdDevMs: ms }).strict(),
  z.object({ distribution: z.literal('lognormal'), medianMs: ms, sigma: z.number().min(0) }).strict(),
  z.object({ distribution: z.literal('exponential'), meanMs: ms }).strict(),
]);

export type Latency = z.infer<typeof latencySchema>;

/** Draws one latency in ms; never negative. */
export function drawLatency(latency: Latency, random: () => number): number {
  switch (latency.distribution) {
    case 'fixed':
      return latency.ms;
    case 'uniform':
      return latency.minMs + random() * Math.max(0, latency.maxMs - latency.minMs);
    case 'normal':
      return Math.max(0, latency.meanMs + latency.stdDevMs * standardNormal(random));
    case 'lognormal':
      return latency.medianMs * Math.exp(latency.sigma * standardNormal(random));
    case 'exponential':
      return -latency.meanMs * Math.log(1 - random());
  }
}
