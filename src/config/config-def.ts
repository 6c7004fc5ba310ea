/**
 * A small typed configuration definition model, modelled on Kafka's ConfigDef.
 *
 * Parsing from strings follows ConfigDef.parseType exactly:
 * - every string value is trimmed first (Java String.trim: code points <= U+0020 at both ends);
 * - boolean: "true"/"false", case-insensitive; anything else is
 *   "Invalid value X for configuration N: Expected value to be either true or false";
 * - int / short / long: Java Integer/Short/Long.parseLong (optional sign, ASCII digits, in range),
 *   otherwise "Not a number of type INT|SHORT|LONG";
 * - double: Java Double.parseDouble grammar (1, 1.5, .5, 1e3, 1.5d, NaN, Infinity, hex floats);
 * - list: "" is the empty list, otherwise split on commas with the surrounding whitespace removed
 *   (`\s*,\s*`), keeping empty entries ("a,,b" has three entries, the validators reject the empty one);
 * - string / class / password: the trimmed string (class names are not loaded: there is no JVM).
 *
 * Representation of values (decided once, like the protocol's int64 rule in protocol/primitives):
 * - boolean -> boolean; int, short, double -> number; string, class -> string; list -> string[];
 * - long -> bigint, always. Kafka uses Long.MAX_VALUE (9223372036854775807) as "infinite" for
 *   flush.messages, flush.ms, max.compaction.lag.ms, message.timestamp.before.max.ms, ... and
 *   DescribeConfigs must echo those exactly, so longs keep every bit. Use `longToNumber` when a
 *   millisecond value feeds a timer (it saturates at Number.MAX_SAFE_INTEGER);
 * - password -> Password, whose toString() is "[hidden]" like Kafka's, so it never leaks in logs.
 * - A config whose default is null and that is not set has the value null.
 *
 * Error messages are Kafka's ConfigException texts, e.g.
 * "Invalid value abc for configuration num.partitions: Not a number of type INT".
 */

export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';
export type Importance = 'high' | 'medium' | 'low';
/** Kafka's "Update Mode" column: which brokers configs can change without a restart (DynamicBrokerConfig). */
export type UpdateMode = 'read-only' | 'per-broker' | 'cluster-wide';

/** DescribeConfigs ConfigSource ids as they travel on the wire (DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const;
export type ConfigSourceId = (typeof ConfigSource)[keyof typeof ConfigSource];

/** DescribeConfigs ConfigType ids (DescribeConfigsResponse.ConfigType, wire v3+). */
export const WireConfigType: Record<ConfigType | 'unknown', number> = {
  unknown: 0,
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
};

/** A secret value; prints as "[hidden]" (Kafka's Password.HIDDEN) everywhere except `.value`. */
export class Password {
  static readonly HIDDEN = '[hidden]';
  constructor(readonly value: string) {}
  toString(): string {
    return Password.HIDDEN;
  }
  toJSON(): string {
    return Password.HIDDEN;
  }
  equals(other: unknown): boolean {
    return other instanceof Password && other.value === this.value;
  }
}

export type TypeValue<T extends ConfigType> = T extends 'boolean'
  ? boolean
  : T extends 'int' | 'short' | 'double'
    ? number
    : T extends 'long'
      ? bigint
      : T extends 'list'
        ? readonly string[]
        : T extends 'password'
          ? Password
          : string;

export type ConfigValue = boolean | number | bigint | string | readonly string[] | Password | null;

/**
 * A configuration error, Kafka's ConfigException. `key` names the configuration when there is one.
 * Use `ConfigError.invalid(name, value, reason)` for the "Invalid value X for configuration N: reason" form.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly key: string | undefined;
  readonly reason: string;
  /** Where the offending value came from (a file path, `KAFKA_NUM_PARTITIONS`, `--override x`), when known. */
  origin: string | undefined;
  constructor(message: string, key?: string, reason?: string) {
    super(message);
    this.key = key;
    this.reason = reason ?? message;
  }
  static invalid(key: string, value: unknown, reason?: string, type?: ConfigType): ConfigError {
    const message = `Invalid value ${javaString(value, type)} for configuration ${key}${reason === undefined ? '' : `: ${reason}`}`;
    return new ConfigError(message, key, reason ?? message);
  }
}

/** The `Object.toString()` Kafka prints inside messages: lists as "[a, b]", doubles Java-style, null as "null". */
export function javaString(value: unknown, type?: ConfigType): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return type === 'double' || !Number.isInteger(value) ? javaDoubleToString(value) : String(value);
  if (Array.isArray(value)) return `[${value.map((v: unknown) => javaString(v)).join(', ')}]`;
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Validators (ConfigDef.Range, ValidString, ValidList, CaseInsensitiveValidString, ...)
// ---------------------------------------------------------------------------------------------

export interface Validator {
  /** Throws ConfigError when `value` (already parsed, may be null) is not acceptable; `type` only shapes the message. */
  ensureValid(name: string, value: ConfigValue, type?: ConfigType): void;
  /** Kafka's "Valid Values" column, e.g. "[1,...]" or "[compact, delete]". */
  readonly description: string;
}

function numberOf(value: ConfigValue): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

/** ConfigDef.Range: inclusive bounds, compared as doubles like Kafka does. */
export function range(min: number | undefined, max: number | undefined): Validator {
  const description =
    min === undefined && max === undefined ? '[...]' : min === undefined ? `[...,${max}]` : max === undefined ? `[${min},...]` : `[${min},...,${max}]`;
  return {
    description,
    ensureValid(name, value, type) {
      if (value === null) throw ConfigError.invalid(name, null, 'Value must be non-null');
      const n = numberOf(value);
      if (min !== undefined && n < min) throw ConfigError.invalid(name, value, `Value must be at least ${min}`, type);
      if (max !== undefined && n > max) throw ConfigError.invalid(name, value, `Value must be no more than ${max}`, type);
    },
  };
}
export const atLeast = (min: number): Validator => range(min, undefined);
export const between = (min: number, max: number): Validator => range(min, max);

/** ConfigDef.ValidString.in: exact, case-sensitive match. */
export function validString(...valid: string[]): Validator {
  return {
    description: `[${valid.join(', ')}]`,
    ensureValid(name, value) {
      if (typeof value !== 'string' || !valid.includes(value)) {
        throw ConfigError.invalid(name, value, `String must be one of: ${valid.join(', ')}`);
      }
    },
  };
}

/** ConfigDef.CaseInsensitiveValidString.in. */
export function caseInsensitiveValidString(...valid: string[]): Validator {
  const upper = valid.map((s) => s.toUpperCase());
  return {
    description: `(case insensitive) [${upper.join(', ')}]`,
    ensureValid(name, value) {
      if (typeof value !== 'string' || !upper.includes(value.toUpperCase())) {
        throw ConfigError.invalid(name, value, `String must be one of (case insensitive): ${upper.join(', ')}`);
      }
    },
  };
}

/**
 * ConfigDef.ValidList: no null (unless allowed), no empty list (unless allowed), no duplicates,
 * no empty entries, and each entry one of `validStrings` when given.
 */
export function validList(opts: { validStrings?: string[]; emptyAllowed?: boolean; nullAllowed?: boolean }): Validator {
  const valid = opts.validStrings ?? [];
  const emptyAllowed = opts.emptyAllowed ?? true;
  const nullAllowed = opts.nullAllowed ?? false;
  const inner = valid.length > 0 ? validString(...valid) : undefined;
  return {
    description: inner ? inner.description : '',
    ensureValid(name, value) {
      if (value === null) {
        if (nullAllowed) return;
        throw new ConfigError(`Configuration '${name}' values must not be null.`, name);
      }
      const list = value as readonly string[];
      if (!emptyAllowed && list.length === 0) {
        throw new ConfigError(
          `Configuration '${name}' must not be empty. Valid values include: ${inner ? inner.description : 'any non-empty value'}`,
          name,
        );
      }
      if (new Set(list).size !== list.length) throw new ConfigError(`Configuration '${name}' values must not be duplicated.`, name);
      for (const s of list) {
        if (s === '') throw new ConfigError(`Configuration '${name}' values must not be empty.`, name);
        inner?.ensureValid(name, s);
      }
    },
  };
}

/** ConfigDef.NonEmptyString: null passes, "" does not. */
export const nonEmptyString: Validator = {
  description: 'non-empty string',
  ensureValid(name, value) {
    if (value === '') throw ConfigError.invalid(name, value, 'String must be non-empty');
  },
};

/** ConfigDef.NonNullValidator. */
export const nonNullString: Validator = {
  description: 'non-null string',
  ensureValid(name, value) {
    if (value === null) throw ConfigError.invalid(name, 'null', 'entry must be non null');
  },
};

/** ConfigDef.LambdaValidator: a custom check with its own "Valid Values" text. */
export function customValidator(
  description: string,
  ensureValid: (name: string, value: ConfigValue, type?: ConfigType) => void,
): Validator {
  return { description, ensureValid };
}

/** ConfigDef.CompositeValidator. */
export function allOf(...validators: Validator[]): Validator {
  return {
    description: validators.map((v) => v.description).join(', '),
    ensureValid(name, value, type) {
      for (const v of validators) v.ensureValid(name, value, type);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

/**
 * How a configuration is declared. `default` is written as Kafka prints it (a string, so longs
 * such as "9223372036854775807" stay exact), `null` for "no value", and left out when the
 * configuration is required (Kafka's NO_DEFAULT_VALUE).
 */
export interface ConfigSpec {
  readonly type: ConfigType;
  readonly default?: string | null;
  readonly validator?: Validator;
  readonly importance: Importance;
  readonly doc: string;
  /** Broker configs only: Kafka's DynamicBrokerConfig update mode. */
  readonly mode?: UpdateMode;
  /** Kafka's defineInternal: accepted, not documented, not listed by DescribeConfigs. */
  readonly internal?: boolean;
}

/** A parsed definition: a ConfigSpec plus its name and parsed default. */
export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  readonly hasDefault: boolean;
  /** The parsed default (null when the default is null or there is none). */
  readonly defaultValue: ConfigValue;
  readonly validator: Validator | undefined;
  readonly importance: Importance;
  readonly documentation: string;
  readonly updateMode: UpdateMode;
  readonly internal: boolean;
}

/** The value type of a spec: nullable when its default is null. */
export type SpecValue<S> = S extends { readonly type: infer T extends ConfigType }
  ? S extends { readonly default: null }
    ? TypeValue<T> | null
    : TypeValue<T>
  : never;

/** An ordered, immutable set of definitions (Kafka's ConfigDef). */
export class ConfigDefinitions {
  readonly keys: ReadonlyMap<string, ConfigKey>;

  constructor(specs: Readonly<Record<string, ConfigSpec>>) {
    const keys = new Map<string, ConfigKey>();
    for (const [name, spec] of Object.entries(specs)) {
      const hasDefault = spec.default !== undefined;
      const defaultValue = spec.default === undefined || spec.default === null ? null : parseValue(name, spec.type, spec.default);
      if (spec.validator && hasDefault) spec.validator.ensureValid(name, defaultValue, spec.type);
      keys.set(name, {
        name,
        type: spec.type,
        hasDefault,
        defaultValue,
        validator: spec.validator,
        importance: spec.importance,
        documentation: spec.doc,
        updateMode: spec.mode ?? 'read-only',
        internal: spec.internal ?? false,
      });
    }
    this.keys = keys;
  }

  has(name: string): boolean {
    return this.keys.has(name);
  }

  key(name: string): ConfigKey | undefined {
    return this.keys.get(name);
  }

  names(): string[] {
    return [...this.keys.keys()];
  }

  /**
   * Parses and validates `props` (raw strings) against every definition, like ConfigDef.parse:
   * set values are parsed, unset ones take their default, a missing required one is an error.
   * Throws the first ConfigError in definition order; unknown keys are ignored here.
   */
  parse(props: Readonly<Record<string, string | undefined>>): Map<string, ConfigValue> {
    const values = new Map<string, ConfigValue>();
    for (const key of this.keys.values()) values.set(key.name, parseKeyValue(key, props[key.name]));
    return values;
  }

  /** Parses and validates one known config's raw string (throws ConfigError). */
  parseOne(name: string, raw: string | undefined): ConfigValue {
    const key = this.keys.get(name);
    if (!key) throw new ConfigError(`Unknown configuration ${name}`, name);
    return parseKeyValue(key, raw);
  }

  /** Like `parse`, but collects every error instead of stopping at the first (ConfigDef.validateAll). */
  validateAll(props: Readonly<Record<string, string | undefined>>): { values: Map<string, ConfigValue>; errors: ConfigError[] } {
    const values = new Map<string, ConfigValue>();
    const errors: ConfigError[] = [];
    for (const key of this.keys.values()) {
      try {
        values.set(key.name, parseKeyValue(key, props[key.name]));
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        errors.push(e);
      }
    }
    return { values, errors };
  }

  /** Kafka's `defaultValues` as DescribeConfigs strings (only the non-null defaults). */
  defaultStrings(): Map<string, string> {
    const out = new Map<string, string>();
    for (const key of this.keys.values()) {
      if (key.defaultValue !== null) out.set(key.name, formatValue(key.type, key.defaultValue, { revealPasswords: true }) as string);
    }
    return out;
  }
}

function parseKeyValue(key: ConfigKey, raw: string | undefined): ConfigValue {
  let value: ConfigValue;
  if (raw !== undefined) value = parseValue(key.name, key.type, raw);
  else if (!key.hasDefault) throw new ConfigError(`Missing required configuration "${key.name}" which has no default value.`, key.name);
  else value = key.defaultValue;
  key.validator?.ensureValid(key.name, value, key.type);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Parsing and formatting single values
// ---------------------------------------------------------------------------------------------

/** Java's String.trim(): removes code units <= U+0020 at both ends (JS trim() removes more). */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

const INT_RANGES = {
  short: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
} as const;

/** Java Integer/Short/Long.parse*: optional sign, one or more ASCII digits, within range. */
export function parseJavaInteger(s: string, kind: 'short' | 'int' | 'long'): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  const [min, max] = INT_RANGES[kind];
  return n < min || n > max ? undefined : n;
}

const DECIMAL_DOUBLE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?$/;
const HEX_DOUBLE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)[fFdD]?$/;

/** Java Double.parseDouble (the input is already trimmed). Returns undefined when Java would throw. */
export function parseJavaDouble(s: string): number | undefined {
  if (/^[+-]?NaN$/.test(s)) return NaN;
  if (/^[+-]?Infinity$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (DECIMAL_DOUBLE.test(s)) return Number(s.replace(/[fFdD]$/, ''));
  const hex = HEX_DOUBLE.exec(s);
  if (hex) {
    const [, sign, intPart = '', fracPart = '', exp = '0'] = hex;
    if (intPart === '' && fracPart === '') return undefined;
    let mantissa = 0;
    for (const ch of intPart + fracPart) mantissa = mantissa * 16 + parseInt(ch, 16);
    const value = mantissa * 2 ** (Number(exp) - 4 * fracPart.length);
    return sign === '-' ? -value : value;
  }
  return undefined;
}

/** Splits a list value like ConfigDef: "" is empty, otherwise split on `\s*,\s*` keeping empty entries. */
export function parseList(trimmed: string): string[] {
  return trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
}

/** Parses one raw string into the typed value for `type` (ConfigDef.parseType). */
export function parseValue(name: string, type: ConfigType, raw: string): ConfigValue {
  const trimmed = javaTrim(raw);
  switch (type) {
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw ConfigError.invalid(name, raw, 'Expected value to be either true or false');
    }
    case 'string':
    case 'class':
      return trimmed;
    case 'password':
      return new Password(trimmed);
    case 'short':
    case 'int': {
      const n = parseJavaInteger(trimmed, type);
      if (n === undefined) throw ConfigError.invalid(name, raw, `Not a number of type ${type.toUpperCase()}`);
      return Number(n);
    }
    case 'long': {
      const n = parseJavaInteger(trimmed, 'long');
      if (n === undefined) throw ConfigError.invalid(name, raw, 'Not a number of type LONG');
      return n;
    }
    case 'double': {
      const d = parseJavaDouble(trimmed);
      if (d === undefined) throw ConfigError.invalid(name, raw, 'Not a number of type DOUBLE');
      return d;
    }
    case 'list':
      return parseList(trimmed);
  }
}

/** Java Double.toString: "0.5", "1.0", "1.0E7", "1.7976931348623157E308". */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = ''] = d.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/**
 * ConfigDef.convertToString: the string DescribeConfigs reports for a value. Lists are joined with
 * ",", longs printed exactly, doubles Java-style. Passwords give null unless `revealPasswords`.
 */
export function formatValue(type: ConfigType, value: ConfigValue, opts: { revealPasswords?: boolean } = {}): string | null {
  if (value === null) return null;
  if (value instanceof Password) return opts.revealPasswords ? value.value : null;
  if (Array.isArray(value)) return value.join(',');
  if (type === 'double' && typeof value === 'number') return javaDoubleToString(value);
  return String(value);
}

/** A long as a JS number for timers and arithmetic: exact up to 2^53, saturating beyond (Long.MAX_VALUE = "forever"). */
export function longToNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}

export const LONG_MAX_VALUE = 9223372036854775807n;
export const INT_MAX_VALUE = 2147483647;
