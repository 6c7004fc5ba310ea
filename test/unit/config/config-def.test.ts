import { describe, expect, it } from 'vitest';
import {
  ConfigDefinitions,
  ConfigError,
  Password,
  atLeast,
  between,
  caseInsensitiveValidString,
  formatValue,
  javaDoubleToString,
  javaTrim,
  longToNumber,
  parseJavaDouble,
  parseValue,
  validList,
  validString,
} from '../../../src/config/config-def.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('parseValue (ConfigDef.parseType)', () => {
  it('parses booleans case-insensitively and trims', () => {
    expect(parseValue('a', 'boolean', 'TRUE')).toBe(true);
    expect(parseValue('a', 'boolean', ' False\t')).toBe(false);
    expect(errorOf(() => parseValue('auto.create.topics.enable', 'boolean', 'yes')).message).toBe(
      'Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false',
    );
  });

  it('parses ints like Integer.parseInt, with Kafka wording on failure', () => {
    expect(parseValue('a', 'int', ' 42 ')).toBe(42);
    expect(parseValue('a', 'int', '+7')).toBe(7);
    expect(parseValue('a', 'int', '-2147483648')).toBe(-2147483648);
    expect(errorOf(() => parseValue('num.partitions', 'int', 'abc')).message).toBe(
      'Invalid value abc for configuration num.partitions: Not a number of type INT',
    );
    expect(errorOf(() => parseValue('a', 'int', '2147483648')).reason).toBe('Not a number of type INT');
    expect(errorOf(() => parseValue('a', 'int', '1.5')).reason).toBe('Not a number of type INT');
    expect(errorOf(() => parseValue('a', 'int', '')).reason).toBe('Not a number of type INT');
    expect(errorOf(() => parseValue('a', 'short', '40000')).reason).toBe('Not a number of type SHORT');
  });

  it('keeps longs exact as bigint', () => {
    expect(parseValue('a', 'long', '9223372036854775807')).toBe(9223372036854775807n);
    expect(parseValue('a', 'long', '-1')).toBe(-1n);
    expect(errorOf(() => parseValue('retention.ms', 'long', '9223372036854775808')).message).toBe(
      'Invalid value 9223372036854775808 for configuration retention.ms: Not a number of type LONG',
    );
  });

  it('parses doubles with the Java grammar', () => {
    expect(parseValue('a', 'double', '0.5')).toBe(0.5);
    expect(parseValue('a', 'double', '.5')).toBe(0.5);
    expect(parseValue('a', 'double', '1e3')).toBe(1000);
    expect(parseValue('a', 'double', '2d')).toBe(2);
    expect(parseValue('a', 'double', '1.7976931348623157E308')).toBe(Number.MAX_VALUE);
    expect(parseJavaDouble('0x1.8p1')).toBe(3);
    expect(parseJavaDouble('NaN')).toBeNaN();
    expect(parseJavaDouble('-Infinity')).toBe(-Infinity);
    expect(errorOf(() => parseValue('a', 'double', '1,5')).reason).toBe('Not a number of type DOUBLE');
  });

  it('splits lists on commas with surrounding blanks, keeping empty entries', () => {
    expect(parseValue('a', 'list', '')).toEqual([]);
    expect(parseValue('a', 'list', '  ')).toEqual([]);
    expect(parseValue('a', 'list', 'a , b,c')).toEqual(['a', 'b', 'c']);
    expect(parseValue('a', 'list', 'a,,b')).toEqual(['a', '', 'b']);
  });

  it('wraps passwords so they do not print', () => {
    const p = parseValue('ssl.key.password', 'password', ' s3cret ') as Password;
    expect(p.value).toBe('s3cret');
    expect(String(p)).toBe('[hidden]');
    expect(JSON.stringify({ p })).toBe('{"p":"[hidden]"}');
  });

  it('trims like Java String.trim (only code points <= U+0020)', () => {
    expect(javaTrim('\u0000 a \t\n')).toBe('a');
    expect(javaTrim('\u00a0a')).toBe('\u00a0a');
  });
});

describe('validators', () => {
  it('Range: at least / between with Kafka messages and descriptions', () => {
    expect(atLeast(1).description).toBe('[1,...]');
    expect(between(0, 1).description).toBe('[0,...,1]');
    expect(errorOf(() => atLeast(1048576).ensureValid('segment.bytes', 1000)).message).toBe(
      'Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576',
    );
    expect(errorOf(() => between(0, 1).ensureValid('min.cleanable.dirty.ratio', 2, 'double')).message).toBe(
      'Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
    );
    expect(() => atLeast(-1).ensureValid('retention.ms', -1n)).not.toThrow();
  });

  it('ValidString and CaseInsensitiveValidString', () => {
    expect(errorOf(() => validString('CreateTime', 'LogAppendTime').ensureValid('message.timestamp.type', 'createtime')).message).toBe(
      'Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
    );
    expect(() => caseInsensitiveValidString('UPGRADE', 'DOWNGRADE').ensureValid('x', 'upgrade')).not.toThrow();
  });

  it('ValidList: entries, emptiness, duplicates', () => {
    const v = validList({ validStrings: ['compact', 'delete'] });
    expect(v.description).toBe('[compact, delete]');
    expect(() => v.ensureValid('cleanup.policy', ['compact', 'delete'])).not.toThrow();
    expect(() => v.ensureValid('cleanup.policy', [])).not.toThrow();
    expect(errorOf(() => v.ensureValid('cleanup.policy', ['compact', 'foo'])).message).toBe(
      'Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete',
    );
    expect(errorOf(() => v.ensureValid('cleanup.policy', ['delete', 'delete'])).message).toBe(
      "Configuration 'cleanup.policy' values must not be duplicated.",
    );
    expect(errorOf(() => v.ensureValid('cleanup.policy', ['delete', ''])).message).toBe(
      "Configuration 'cleanup.policy' values must not be empty.",
    );
    const nonEmpty = validList({ validStrings: ['broker', 'controller'], emptyAllowed: false });
    expect(errorOf(() => nonEmpty.ensureValid('process.roles', [])).message).toBe(
      "Configuration 'process.roles' must not be empty. Valid values include: [broker, controller]",
    );
  });
});

describe('ConfigDefinitions', () => {
  const defs = new ConfigDefinitions({
    required: { type: 'int', importance: 'high', doc: 'r' },
    withDefault: { type: 'long', default: '9223372036854775807', validator: atLeast(1), importance: 'low', doc: 'd' },
    nullable: { type: 'string', default: null, importance: 'low', doc: 'n' },
  });

  it('applies defaults and reports a missing required config like Kafka', () => {
    expect(errorOf(() => defs.parse({})).message).toBe('Missing required configuration "required" which has no default value.');
    const values = defs.parse({ required: '3' });
    expect(values.get('required')).toBe(3);
    expect(values.get('withDefault')).toBe(9223372036854775807n);
    expect(values.get('nullable')).toBeNull();
  });

  it('validateAll collects every error', () => {
    const { errors } = defs.validateAll({ withDefault: '0' });
    expect(errors.map((e) => e.key)).toEqual(['required', 'withDefault']);
  });

  it('defaultStrings lists non-null defaults exactly', () => {
    expect([...defs.defaultStrings()]).toEqual([['withDefault', '9223372036854775807']]);
  });

  it('rejects an invalid default at definition time', () => {
    expect(() => new ConfigDefinitions({ x: { type: 'int', default: '0', validator: atLeast(1), importance: 'low', doc: '' } })).toThrow(
      ConfigError,
    );
  });
});

describe('formatting', () => {
  it('formats like ConfigDef.convertToString and Double.toString', () => {
    expect(formatValue('list', ['a', 'b'])).toBe('a,b');
    expect(formatValue('long', 9223372036854775807n)).toBe('9223372036854775807');
    expect(formatValue('double', 0.5)).toBe('0.5');
    expect(formatValue('double', 1)).toBe('1.0');
    expect(formatValue('password', new Password('x'))).toBeNull();
    expect(formatValue('password', new Password('x'), { revealPasswords: true })).toBe('x');
    expect(javaDoubleToString(Number.MAX_VALUE)).toBe('1.7976931348623157E308');
    expect(javaDoubleToString(1e7)).toBe('1.0E7');
    expect(javaDoubleToString(0.0001)).toBe('1.0E-4');
    expect(javaDoubleToString(0.001)).toBe('0.001');
  });

  it('longToNumber saturates', () => {
    expect(longToNumber(9223372036854775807n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(longToNumber(604800000n)).toBe(604800000);
  });
});
