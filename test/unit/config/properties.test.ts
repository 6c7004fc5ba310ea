import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-def.js';
import { formatProperties, parseOverrides, parseProperties } from '../../../src/config/sources.js';

const parse = (text: string): Record<string, string> => Object.fromEntries(parseProperties(text));

describe('parseProperties (java.util.Properties.load)', () => {
  it('reads the three separators and skips comments and blank lines', () => {
    expect(
      parse(['# a comment', '! another', '', '   ', 'a=1', 'b:2', 'c 3', 'd\t=\t4', '  e  :  5', 'f'].join('\n')),
    ).toEqual({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '' });
  });

  it('keeps trailing whitespace of values and the rest of the line after the separator', () => {
    expect(parse('a = x = y  \nb=:c\nc==d')).toEqual({ a: 'x = y  ', b: ':c', c: '=d' });
  });

  it('lets later duplicates win', () => {
    expect(parse('a=1\na=2')).toEqual({ a: '2' });
  });

  it('continues lines ending in an odd number of backslashes', () => {
    expect(parse('listeners=PLAINTEXT://:9092,\\\n    CONTROLLER://:9093')).toEqual({ listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093' });
    expect(parse('a=b\\\\\nc=d')).toEqual({ a: 'b\\', c: 'd' });
    expect(parse('a=x\\\r\n  y\r\nb=z')).toEqual({ a: 'xy', b: 'z' });
    expect(parse('a=x\\')).toEqual({ a: 'x' });
  });

  it('does not continue comment lines', () => {
    expect(parse('# comment \\\na=1')).toEqual({ a: '1' });
  });

  it('treats # on a continuation line as content', () => {
    expect(parse('a=1\\\n#2')).toEqual({ a: '1#2' });
  });

  it('ends a continuation at an empty line', () => {
    expect(parse('a=1\\\n\nb=2')).toEqual({ a: '1', b: '2' });
  });

  it('handles \\r, \\n and \\r\\n line ends', () => {
    expect(parse('a=1\rb=2\r\nc=3\n')).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('applies escapes in keys and values', () => {
    expect(parse('key\\ with\\ spaces=v')).toEqual({ 'key with spaces': 'v' });
    expect(parse('a\\=b=c')).toEqual({ 'a=b': 'c' });
    expect(parse('a\\:b:c')).toEqual({ 'a:b': 'c' });
    expect(parse('t=1\\t2\\n3\\r4\\f5')).toEqual({ t: '1\t2\n3\r4\f5' });
    expect(parse('u=caf\\u00e9 \\u20AC')).toEqual({ u: 'café €' });
    expect(parse('path=C:\\\\data\\\\kafka')).toEqual({ path: 'C:\\data\\kafka' });
    expect(parse('x=\\q')).toEqual({ x: 'q' });
    expect(parse('lead=\\ keep')).toEqual({ lead: ' keep' });
  });

  it('rejects malformed \\u escapes like Java', () => {
    expect(() => parse('a=\\u12')).toThrow(ConfigError);
    expect(() => parse('a=\\u12zz')).toThrow('Malformed \\uxxxx encoding.');
  });

  it('treats form feed as whitespace and an empty key as allowed', () => {
    expect(parse('\fa=1\n=2')).toEqual({ a: '1', '': '2' });
  });

  it('round-trips through formatProperties', () => {
    const original = new Map([
      ['a b', ' x=y:z # \\ \t'],
      ['unicode', 'café'],
    ]);
    expect(parseProperties(formatProperties(original))).toEqual(original);
  });
});

describe('parseOverrides (--override key=value)', () => {
  it('splits at the first = and accepts a missing value', () => {
    expect(Object.fromEntries(parseOverrides(['a=1', 'b=x=y', 'c=', 'd']))).toEqual({ a: '1', b: 'x=y', c: '', d: '' });
  });
});

describe('readPropertiesFile', () => {
  it('reads UTF-8 and ignores a byte order mark', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readPropertiesFile } = await import('../../../src/config/sources.js');
    const dir = mkdtempSync(join(tmpdir(), 'gregor-config-'));
    try {
      const file = join(dir, 'server.properties');
      writeFileSync(file, '\uFEFFprocess.roles=broker\nlog.dirs=/données\n');
      expect(Object.fromEntries(readPropertiesFile(file))).toEqual({ 'process.roles': 'broker', 'log.dirs': '/données' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
