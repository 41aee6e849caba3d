import { brand } from '../../src/brand.js';
import { ConfigError, DeploymentError, FatalError } from '../../src/errors.js';

/** A trigger that cannot be added: an unknown condition or action, options its schema refuses, a malformed spec. */
export class TriggerDefinitionError extends ConfigError {
  static {
    brand(this, 'TriggerDefinitionError');
  }
}

/** A condition or action of that name is already registered. */
export class DuplicateRegistrationError extends ConfigError {
  static {
    brand(this, 'DuplicateRegistrationError');
  }
}

/** An `invoke` names a deployment the action worker was not given and the platform does not have. */
export class DeploymentNotKnownError extends DeploymentError {
  static {
    brand(this, 'DeploymentNotKnownError');
  }
}

/** A command was handed out as often as the delivery cap allows and never finished: each worker running it died. */
export class DeliveryCapError extends FatalError {
  static {
    brand(this, 'DeliveryCapError');
  }
}
