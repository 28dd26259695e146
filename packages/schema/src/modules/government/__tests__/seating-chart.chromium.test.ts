// The banquet chart rendered by a real Chromium (Debian's, headless): the names are drawn where the rules put them.
// The page measures each name's box with getBoundingClientRect and writes the result into the DOM, which
// `--dump-dom` prints. Skipped where no Chromium is installed.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { proposeBanquetSeating } from '../banquet-seating.rules.ts';
import { banquetTableSvg } from '../seating-chart.ts';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('seating chart in Chromium', () => {
  it('draws the host at the top, the first principal guest to his right (page left), the second to his left, the door below', async () => {
    const plan = proposeBanquetSeating({
      tables: 1,
      seatsPerTable: 12,
      guests: [
        { id: 'g1', name: '王建国', side: 'GUEST', order: 1 },
        { id: 'g2', name: '李芳', side: 'GUEST', order: 2 },
      ],
      hosts: [{ id: 'h1', name: '赵市长', side: 'HOST', order: 1 }],
    });
    const svg = banquetTableSvg(plan, 1, { title: '欢迎宴会' });
    const html = `<!doctype html><html><body style="margin:0">${svg}<pre id="out"></pre><script>
      const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width }; };
      const names = Object.fromEntries([...document.querySelectorAll('g.seat text.name')].map((t) => [t.textContent, box(t)]));
      document.getElementById('out').textContent = JSON.stringify({ names, door: box(document.querySelector('g.door rect')) });
    </script></body></html>`;
    const dir = mkdtempSync(path.join(tmpdir(), 'jiedai-chart-'));
    try {
      const file = path.join(dir, 'chart.html');
      writeFileSync(file, html);
      const { stdout } = await promisify(execFile)(
        CHROMIUM,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          `--user-data-dir=${path.join(dir, 'profile')}`,
          '--window-size=794,1123',
          '--dump-dom',
          `file://${file}`,
        ],
        { timeout: 60_000 },
      );
      const json = /<pre id="out">([^<]*)<\/pre>/.exec(stdout)?.[1]?.replace(/&quot;/g, '"');
      const drawn = JSON.parse(json!) as { names: Record<string, { x: number; y: number; w: number }>; door: { x: number; y: number } };
      const named = (name: string) => drawn.names[name]!;
      const [host, first, second] = [named('赵市长'), named('王建国'), named('李芳')];
      // Every name is drawn (a font that has the glyphs gives it a width).
      for (const box of [host, first, second]) expect(box.w).toBeGreaterThan(0);
      // The host faces the door: he is the topmost name, the door below everyone.
      expect(host.y).toBeLessThan(first.y);
      expect(drawn.door.y).toBeGreaterThan(Math.max(host.y, first.y, second.y));
      // Facing down the page, his right hand is the page's left.
      expect(first.x).toBeLessThan(host.x);
      expect(second.x).toBeGreaterThan(host.x);
      expect(Math.abs(first.y - second.y)).toBeLessThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
