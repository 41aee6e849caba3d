/**
 * The v2 API's enums the double writes, by field name. The REST client asks for
 * `$alt=json;enum-encoding=int`, and the real API then writes enums as numbers; without it, as
 * names. The names within one field are unique across the enums sharing that field name (the
 * function's `state` and a stage's `state`), so one table per field name is enough.
 */
const ENUMS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  state: {
    STATE_UNSPECIFIED: 0,
    ACTIVE: 1,
    FAILED: 2,
    DEPLOYING: 3,
    DELETING: 4,
    UNKNOWN: 5,
    NOT_STARTED: 1,
    IN_PROGRESS: 2,
    COMPLETE: 3,
  },
  name: { ARTIFACT_REGISTRY: 1, BUILD: 2, SERVICE: 3, TRIGGER: 4, SERVICE_ROLLBACK: 5, TRIGGER_ROLLBACK: 6 },
  environment: { ENVIRONMENT_UNSPECIFIED: 0, GEN_1: 1, GEN_2: 2 },
  operationType: { OPERATIONTYPE_UNSPECIFIED: 0, CREATE_FUNCTION: 1, UPDATE_FUNCTION: 2, DELETE_FUNCTION: 3 },
  ingressSettings: { INGRESS_SETTINGS_UNSPECIFIED: 0, ALLOW_ALL: 1, ALLOW_INTERNAL_ONLY: 2, ALLOW_INTERNAL_AND_GCLB: 3 },
  securityLevel: { SECURITY_LEVEL_UNSPECIFIED: 0, SECURE_ALWAYS: 1, SECURE_OPTIONAL: 2 },
  severity: { SEVERITY_UNSPECIFIED: 0, ERROR: 1, WARNING: 2, INFO: 3 },
};

/** Maps whose values are the user's strings, never enums. */
const MAPS = new Set(['labels', 'environmentVariables', 'buildEnvironmentVariables']);

/** A copy of `value` with every enum written as the client asked: numbers, or names. */
export function encodeEnums(value: unknown, numeric: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => encodeEnums(item, numeric));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const table = ENUMS[key];
    if (MAPS.has(key)) out[key] = field;
    else if (table && typeof field === 'string' && field in table) out[key] = numeric ? table[field] : field;
    else if (table && typeof field === 'number' && !numeric) out[key] = nameOf(table, field) ?? field;
    else out[key] = encodeEnums(field, numeric);
  }
  return out;
}

/** An enum field as a name, whether the client wrote it as a name or a number. */
export function enumName(field: string, value: unknown): string | undefined {
  const table = ENUMS[field];
  if (!table) return undefined;
  if (typeof value === 'string') return value in table ? value : undefined;
  return typeof value === 'number' ? nameOf(table, value) : undefined;
}

function nameOf(table: Readonly<Record<string, number>>, value: number): string | undefined {
  return Object.entries(table).find(([, number]) => number === value)?.[0];
}
