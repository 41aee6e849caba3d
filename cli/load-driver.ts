import { Driver } from '../src/driver.js';
import { ConfigError } from '../src/errors.js';
import { describeError } from '../src/observe/describe-error.js';
import { importModule } from './import-module.js';

type DriverClass = new () => Driver;

/**
 * Imports a driver module by path and returns the driver it exports: its default export, or else
 * the one export that is a Driver, whether a subclass (constructed with no arguments) or an
 * instance. A Driver from another copy of falco (a global install running a project's module) is
 * recognised by its shape.
 */
export async function loadDriver(path: string): Promise<Driver> {
  const module = await importModule(path, 'driver module');
  const preferred = module.default;
  if (isDriver(preferred)) return instantiate(preferred, 'default', path);
  const drivers = Object.entries(module).filter((entry): entry is [string, Driver | DriverClass] => entry[0] !== 'default' && isDriver(entry[1]));
  if (drivers.length === 1) return instantiate(drivers[0]![1], drivers[0]![0], path);
  if (drivers.length > 1) {
    throw new ConfigError(`driver module "${path}" exports several Drivers (${drivers.map(([name]) => name).join(', ')}): make the one to run its default export`);
  }
  const names = Object.keys(module);
  throw new ConfigError(
    `driver module "${path}" exports no Driver: export a subclass of falco's Driver (default or named) or an instance of one` +
      (names.length > 0 ? `; it exports ${names.join(', ')}` : '; it exports nothing'),
  );
}

function isDriver(value: unknown): value is Driver | DriverClass {
  if (value instanceof Driver) return true;
  if (typeof value === 'function') return value.prototype instanceof Driver || hasDriverShape(value.prototype);
  return hasDriverShape(value);
}

/** What a Driver subclass has: the base class's loop and the subclass's runtime (the base class itself has none). */
function hasDriverShape(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return ['runtime', 'run', 'deploy', 'execute', 'remove'].every((method) => typeof candidate[method] === 'function');
}

function instantiate(value: Driver | DriverClass, name: string, path: string): Driver {
  if (typeof value !== 'function') return value;
  try {
    return new value();
  } catch (error) {
    throw new ConfigError(
      `driver module "${path}": could not construct its ${name === 'default' ? 'default export' : `export "${name}"`} with no arguments: ${describeError(error)}`,
    );
  }
}
