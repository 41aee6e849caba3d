import { ConfigError } from '../../src/errors.js';

/** A trigger that cannot be added: an unknown condition or action, options its schema refuses, a malformed spec. */
export class TriggerDefinitionError extends ConfigError {}

/** A condition or action of that name is already registered. */
export class DuplicateRegistrationError extends ConfigError {}
