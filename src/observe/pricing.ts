import { ConfigError } from '../errors.js';

/**
 * What a platform charges per call and per unit of time. Free tiers, tiered discounts, network
 * egress and storage are left out: an estimate of what one run adds to a bill, not the bill.
 */
export interface PriceTable {
  /** Shown with every estimate, so a reader knows which prices were used. */
  readonly name: string;
  readonly currency: string;
  /** One GB-second of configured memory (GB = 1024 MB, as every platform here bills). */
  readonly perGbSecond: number;
  readonly perRequest: number;
  /** One vCPU-second, for platforms that bill CPU apart from memory. */
  readonly perVcpuSecond?: number;
  /** The vCPUs a function gets for its memory: `[memoryMB, vcpus]` rows, ascending; the first row at or above the function's memory applies. */
  readonly vcpusByMemoryMB?: readonly (readonly [number, number])[];
  /** Durations are billed rounded up to a multiple of this many milliseconds. */
  readonly incrementMs: number;
}

/** The price tables falco knows, by the name of the platform they apply to. */
export const PRICE_TABLES = {
  // AWS Lambda, x86_64, US East (N. Virginia), first pricing tier: $0.0000166667 per GB-second,
  // $0.20 per million requests, billed per 1 ms (since December 2020).
  // Source: https://aws.amazon.com/lambda/pricing/ — as published in 2025, checked November 2026.
  lambda: {
    name: 'AWS Lambda x86_64, us-east-1',
    currency: 'USD',
    perGbSecond: 0.0000166667,
    perRequest: 0.0000002,
    incrementMs: 1,
  },
  // The same, for arm64 (Graviton) functions: $0.0000133334 per GB-second. Same source and date.
  'lambda-arm64': {
    name: 'AWS Lambda arm64, us-east-1',
    currency: 'USD',
    perGbSecond: 0.0000133334,
    perRequest: 0.0000002,
    incrementMs: 1,
  },
  // Google Cloud Functions 2nd gen (Cloud Run functions), request-based billing, Tier 1 regions:
  // $0.00002400 per vCPU-second, $0.00000250 per GiB-second, $0.40 per million requests, rounded
  // up to the nearest 100 ms. The vCPUs follow the memory as in Google's default table.
  // Sources: https://cloud.google.com/run/pricing and
  // https://cloud.google.com/functions/docs/configuring/memory — as published in 2025, checked November 2026.
  gcf: {
    name: 'Google Cloud Functions (2nd gen), Tier 1',
    currency: 'USD',
    perGbSecond: 0.0000025,
    perVcpuSecond: 0.000024,
    vcpusByMemoryMB: [
      [128, 0.083],
      [256, 0.167],
      [512, 0.333],
      [1024, 0.583],
      [2048, 1],
      [4096, 2],
      [8192, 2],
      [16384, 4],
      [32768, 8],
    ],
    perRequest: 0.0000004,
    incrementMs: 100,
  },
  // IBM Cloud Functions (hosted Apache OpenWhisk): $0.000017 per GB-second, rounded up to the
  // nearest 100 ms, no charge per invocation. IBM has since retired the service in favour of
  // Code Engine; this is its last published rate, the usual yardstick for an OpenWhisk deployment.
  // Source: https://console.ng.bluemix.net/openwhisk/learn/pricing (IBM Cloud Functions pricing
  // page) — checked November 2026 against the archived page.
  openwhisk: {
    name: 'IBM Cloud Functions (OpenWhisk)',
    currency: 'USD',
    perGbSecond: 0.000017,
    perRequest: 0,
    incrementMs: 100,
  },
} as const satisfies Record<string, PriceTable>;

export interface PricingOptions {
  /** Price every phase with this table (a name from PRICE_TABLES or a table): what a run on the local or simulated platform would cost elsewhere. */
  readonly as?: string | PriceTable;
  /** Replaces or amends the table of a platform, e.g. `{ lambda: { perGbSecond: 0.0000133334 } }`; `null` switches pricing off for it. */
  readonly tables?: Readonly<Record<string, Partial<PriceTable> | null>>;
}

/** The table that prices a deployment on `platform`; undefined when there is none (local, simulated). */
export function priceTableFor(platform: string | undefined, options: PricingOptions = {}): PriceTable | undefined {
  if (options.as !== undefined) return typeof options.as === 'string' ? namedTable(options.as, options) : options.as;
  if (platform === undefined) return undefined;
  const override = options.tables?.[platform];
  if (override === null) return undefined;
  const base = (PRICE_TABLES as Record<string, PriceTable>)[platform];
  if (!base) return override ? completeTable(platform, override) : undefined;
  return override ? { ...base, ...override } : base;
}

function namedTable(name: string, options: PricingOptions): PriceTable {
  const base = (PRICE_TABLES as Record<string, PriceTable>)[name];
  const override = options.tables?.[name];
  if (!base && !override) {
    throw new ConfigError(`unknown price table "${name}": use one of ${Object.keys(PRICE_TABLES).join(', ')}, or give one in pricing.tables`);
  }
  return base ? { ...base, ...override } : completeTable(name, override!);
}

function completeTable(name: string, table: Partial<PriceTable>): PriceTable {
  const { perGbSecond, perRequest, incrementMs } = table;
  if (perGbSecond === undefined || perRequest === undefined || incrementMs === undefined) {
    throw new ConfigError(`price table "${name}" needs perGbSecond, perRequest and incrementMs`);
  }
  return { name, currency: 'USD', ...table, perGbSecond, perRequest, incrementMs };
}

/** Milliseconds billed for an attempt that ran `durationMs`, by the table's rounding rule. */
export function billedMs(durationMs: number, table: PriceTable): number {
  return Math.ceil(durationMs / table.incrementMs - 1e-9) * table.incrementMs;
}

/** The vCPUs a function of `memoryMB` gets on a platform that bills CPU apart; 0 where CPU is not billed. */
export function vcpusFor(memoryMB: number, table: PriceTable): number {
  if (table.perVcpuSecond === undefined || !table.vcpusByMemoryMB) return 0;
  const row = table.vcpusByMemoryMB.find(([mb]) => mb >= memoryMB) ?? table.vcpusByMemoryMB[table.vcpusByMemoryMB.length - 1];
  return row?.[1] ?? 0;
}
