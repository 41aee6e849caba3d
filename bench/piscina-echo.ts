/** The trivial function of the local throughput benchmark, as a piscina task. */
export default function main(args: unknown): unknown {
  return args;
}
