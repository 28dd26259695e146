// `pnpm bench:share [dir] [pattern …]`: how much of the gateway's busy CPU time was spent inside code whose
// source URL contains one of the patterns, counted inclusively (a sample counts when any frame of its stack
// matches: the code itself and everything it called). Reads the V8 profiles `pnpm bench --profile` wrote
// (default: bench/results/profiles/by-id; patterns default to the metrics and webhook code). A share of
// the profile is what a feature costs per request, whatever the machine's load did to the rps.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

const [dir = 'bench/results/profiles/by-id', ...given] = process.argv.slice(2);
const patterns = given.length > 0 ? given : ['prom-client', 'gateway/src/metrics.ts', 'webhook'];

for (const name of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  let busy = 0;
  const inside = new Map(patterns.map((p) => [p, 0]));
  for (const [id, us] of selfUs) {
    if (['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)) continue;
    busy += us;
    const urls: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) urls.push(byId.get(cur)!.callFrame.url);
    for (const p of patterns) if (urls.some((u) => u.includes(p))) inside.set(p, inside.get(p)! + us);
  }
  const shares = Object.fromEntries([...inside].map(([p, us]) => [p, `${((100 * us) / Math.max(busy, 1)).toFixed(2)} %`]));
  console.log(JSON.stringify({ profile: name, busyMs: Math.round(busy / 1000), inclusiveShare: shares }));
}
