/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time and inclusive time per function,
 * self time per file, mapped back from dist/*.js to the TypeScript source line through the
 * compiler's source maps.
 *
 *   node dist/bench/cpuprofile-summary.js <file.cpuprofile> [top=30] [--json] [--window <startUs> <endUs>]
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { REPO_ROOT } from './lib/proc.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FunctionCost {
  function: string;
  location: string;
  selfMs: number;
  selfPct: number;
  totalMs: number;
  totalPct: number;
}

export interface ProfileSummary {
  file: string;
  /** The window summarized, in µs of CLOCK_MONOTONIC (process.hrtime), when one was given. */
  window: { startUs: number; endUs: number } | null;
  durationMs: number;
  sampledMs: number;
  idlePct: number;
  gcPct: number;
  programPct: number;
  top: FunctionCost[];
  byFile: { file: string; selfMs: number; selfPct: number }[];
  /**
   * The longest stretches without an idle sample (event-loop tasks, roughly), with how much of
   * each was actually sampled: a stretch much longer than its samples x interval is time the
   * process was not running at all (descheduled by the OS), not work.
   */
  longTasks: { wallMs: number; sampledMs: number; atMs: number; top: { function: string; location: string; ms: number }[] }[];
}

// ---- source maps (VLQ "mappings", version 3) ----------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
type Segment = [col: number, src: number, line: number, srcCol: number];

function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let src = 0;
  let line = 0;
  let srcCol = 0;
  for (const l of mappings.split(';')) {
    const segs: Segment[] = [];
    let col = 0;
    for (const s of l.split(',')) {
      if (!s) continue;
      const vals: number[] = [];
      let v = 0;
      let shift = 0;
      for (const ch of s) {
        const d = B64.indexOf(ch);
        v += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(v & 1 ? -(v >>> 1) : v >>> 1);
          v = 0;
          shift = 0;
        }
      }
      col += vals[0] ?? 0;
      if (vals.length >= 4) {
        src += vals[1]!;
        line += vals[2]!;
        srcCol += vals[3]!;
        segs.push([col, src, line, srcCol]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

const mapCache = new Map<string, { sources: string[]; lines: Segment[][] } | null>();

/** "src/x.ts:LINE" for a generated file:line:col (0-based line and column, as in cpuprofiles). */
function originalLocation(url: string, line: number, col: number): string {
  if (!url.startsWith('file://')) return url ? `${url}:${line + 1}` : '(native)';
  const path = fileURLToPath(url);
  const rel = relative(REPO_ROOT, path);
  let map = mapCache.get(path);
  if (map === undefined) {
    map = null;
    if (existsSync(`${path}.map`)) {
      try {
        const raw = JSON.parse(readFileSync(`${path}.map`, 'utf8')) as { sources: string[]; mappings: string };
        map = { sources: raw.sources, lines: decodeMappings(raw.mappings) };
      } catch {
        map = null;
      }
    }
    mapCache.set(path, map);
  }
  if (!map) return `${rel.startsWith('..') ? path : rel}:${line + 1}`;
  const segs = map.lines[line] ?? [];
  let best: Segment | undefined;
  for (const s of segs) {
    if (s[0] <= col) best = s;
    else break;
  }
  best ??= segs[0];
  if (!best) return `${rel}:${line + 1}`;
  const source = map.sources[best[1]] ?? '?';
  const srcPath = source.replace(/^(\.\.\/)+/, '');
  return `${srcPath}:${best[2] + 1}`;
}

// ---- summary ------------------------------------------------------------------------------------

/**
 * Summarizes the samples of `file`, only those inside `window` when given (µs of CLOCK_MONOTONIC,
 * the clock of both V8's profile timestamps and process.hrtime on Linux).
 */
export function summarize(file: string, top = 30, window: { startUs: number; endUs: number } | null = null): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const self = new Map<number, number>();
  let sampled = 0;
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    if (window && (at < window.startUs || at > window.endUs)) continue;
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000; // ms; delta i+1 is the time spent in sample i
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
    sampled += dt;
  }
  const keyOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}\u0000${n.callFrame.url}\u0000${n.callFrame.lineNumber}\u0000${n.callFrame.columnNumber}`;
  const selfByKey = new Map<string, number>();
  const totalByKey = new Map<string, number>();
  const frameByKey = new Map<string, CallFrame>();
  const inclusive = new Map<number, number>();
  const root = p.nodes[0]!;
  // inclusive per node (post-order, iterative)
  const order: ProfileNode[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    order.push(n);
    for (const c of n.children ?? []) stack.push(byId.get(c)!);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    let t = self.get(n.id) ?? 0;
    for (const c of n.children ?? []) t += inclusive.get(c) ?? 0;
    inclusive.set(n.id, t);
  }
  // aggregate by function; inclusive counted once per call stack (recursion not double counted)
  const walk: { node: ProfileNode; active: Set<string> }[] = [{ node: root, active: new Set() }];
  while (walk.length) {
    const { node, active } = walk.pop()!;
    const k = keyOf(node);
    frameByKey.set(k, node.callFrame);
    selfByKey.set(k, (selfByKey.get(k) ?? 0) + (self.get(node.id) ?? 0));
    let nextActive = active;
    if (!active.has(k)) {
      totalByKey.set(k, (totalByKey.get(k) ?? 0) + (inclusive.get(node.id) ?? 0));
      nextActive = new Set(active);
      nextActive.add(k);
    }
    for (const c of node.children ?? []) walk.push({ node: byId.get(c)!, active: nextActive });
  }
  const pct = (ms: number) => Math.round((1000 * ms) / sampled) / 10;
  const special = (name: string) => [...selfByKey].filter(([k]) => k.startsWith(`${name}\u0000`)).reduce((s, [, v]) => s + v, 0);
  const idle = special('(idle)');
  const rows: FunctionCost[] = [...selfByKey.entries()]
    .filter(([k]) => !k.startsWith('(root)\u0000'))
    .map(([k, ms]) => {
      const f = frameByKey.get(k)!;
      return {
        function: f.functionName || '(anonymous)',
        location: originalLocation(f.url, f.lineNumber, f.columnNumber),
        selfMs: Math.round(ms * 10) / 10,
        selfPct: pct(ms),
        totalMs: Math.round((totalByKey.get(k) ?? 0) * 10) / 10,
        totalPct: pct(totalByKey.get(k) ?? 0),
      };
    })
    .sort((x, y) => y.selfMs - x.selfMs);
  // long busy stretches
  const interval = p.samples.length > 1 ? (p.endTime - p.startTime) / p.samples.length : 1000;
  const tasks: { start: number; end: number; sampledUs: number; ids: number[] }[] = [];
  let current: { start: number; end: number; sampledUs: number; ids: number[] } | null = null;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (window && (t < window.startUs || t > window.endUs)) continue;
    const node = byId.get(p.samples[i]!)!;
    const idleSample = node.callFrame.functionName === '(idle)';
    if (!idleSample) {
      current ??= { start: t - (p.timeDeltas[i] ?? 0), end: t, sampledUs: 0, ids: [] };
      current.end = t;
      current.sampledUs += Math.min(p.timeDeltas[i + 1] ?? interval, interval * 2);
      current.ids.push(node.id);
    } else if (current) {
      tasks.push(current);
      current = null;
    }
  }
  if (current) tasks.push(current);
  const longTasks = tasks
    .sort((x, y) => y.end - y.start - (x.end - x.start))
    .slice(0, 8)
    .map((task) => {
      const perFn = new Map<string, number>();
      for (const id of task.ids) {
        const k = keyOf(byId.get(id)!);
        perFn.set(k, (perFn.get(k) ?? 0) + 1);
      }
      const samplesMs = task.sampledUs / 1000 / Math.max(1, task.ids.length);
      return {
        wallMs: Math.round((task.end - task.start) / 100) / 10,
        sampledMs: Math.round(task.sampledUs / 100) / 10,
        atMs: Math.round((task.start - (window?.startUs ?? p.startTime)) / 1000),
        top: [...perFn.entries()]
          .sort((x, y) => y[1] - x[1])
          .slice(0, 3)
          .map(([k, n]) => {
            const f = frameByKey.get(k)!;
            return { function: f.functionName || '(anonymous)', location: originalLocation(f.url, f.lineNumber, f.columnNumber), ms: Math.round(n * samplesMs * 10) / 10 };
          }),
      };
    });
  const fileSelf = new Map<string, number>();
  for (const [k, ms] of selfByKey) {
    const f = frameByKey.get(k)!;
    const loc = f.url ? originalLocation(f.url, f.lineNumber, f.columnNumber).replace(/:\d+$/, '') : f.functionName;
    fileSelf.set(loc, (fileSelf.get(loc) ?? 0) + ms);
  }
  return {
    file,
    window,
    durationMs: Math.round((window ? Math.min(window.endUs, p.endTime) - Math.max(window.startUs, p.startTime) : p.endTime - p.startTime) / 1000),
    sampledMs: Math.round(sampled),
    idlePct: pct(idle),
    gcPct: pct(special('(garbage collector)')),
    programPct: pct(special('(program)')),
    top: rows.slice(0, top),
    byFile: [...fileSelf.entries()]
      .map(([f, ms]) => ({ file: f, selfMs: Math.round(ms), selfPct: pct(ms) }))
      .sort((x, y) => y.selfMs - x.selfMs)
      .slice(0, 20),
    longTasks,
  };
}

export function formatSummary(s: ProfileSummary): string {
  const lines: string[] = [];
  lines.push(`${s.file}`);
  lines.push(`  ${s.durationMs} ms ${s.window ? 'in the measured window' : 'profiled'}, idle ${s.idlePct}%, GC ${s.gcPct}%, (program) ${s.programPct}%  (percentages of all samples)`);
  lines.push(`  self%  total%  function                                   location`);
  for (const r of s.top) {
    lines.push(`  ${r.selfPct.toFixed(1).padStart(5)}  ${r.totalPct.toFixed(1).padStart(6)}  ${r.function.slice(0, 42).padEnd(42)} ${r.location}`);
  }
  lines.push('  self time by file:');
  for (const f of s.byFile) lines.push(`  ${f.selfPct.toFixed(1).padStart(5)}  ${f.file}`);
  lines.push('  longest busy stretches (wall ms / sampled ms at +ms: top functions); wall >> sampled = process descheduled:');
  for (const t of s.longTasks) {
    lines.push(`  ${t.wallMs.toFixed(1).padStart(7)} / ${t.sampledMs.toFixed(1).padStart(6)} at +${t.atMs}: ${t.top.map((f) => `${f.function} (${f.location}) ${f.ms} ms`).join('; ')}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node dist/bench/cpuprofile-summary.js <file.cpuprofile> [top=30] [--json]');
    process.exit(2);
  }
  const top = Number(process.argv.find((x, i) => i > 2 && /^\d+$/.test(x)) ?? 30);
  const w = process.argv.indexOf('--window');
  const window = w > 0 ? { startUs: Number(process.argv[w + 1]), endUs: Number(process.argv[w + 2]) } : null;
  const s = summarize(file, top, window);
  console.log(process.argv.includes('--json') ? JSON.stringify(s, null, 2) : formatSummary(s));
}
