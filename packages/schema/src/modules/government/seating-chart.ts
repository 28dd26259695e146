// Seating charts as SVG (one A4 page, portrait, units in millimetres), pure: a banquet table with its seats, names
// in Chinese, ranks and titles, the seat numbers, the host's seat and the door; a vehicle with its seats, the
// driver and the front. Each seat is a <g class="seat"> carrying data-* attributes (seat, person id, rule) so that
// tests and tools can read the chart back.
import { type BanquetPlan, SEATING_RULES, type SeatingRule } from './banquet-seating.rules.ts';
import { CAR_RULES, type CarRule, type VehicleSeating } from './car-seating.rules.ts';

const FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif";
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const num = (n: number) => String(Math.round(n * 100) / 100);

function page(title: string, subtitle: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297" font-family="${esc(FONT)}">`,
    `<title>${esc(title)}</title>`,
    '<rect x="0" y="0" width="210" height="297" fill="#fff"/>',
    `<text class="title" x="105" y="18" font-size="7" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    `<text class="subtitle" x="105" y="26" font-size="4" text-anchor="middle" fill="#444">${esc(subtitle)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** Where a seat of the chart is: the table's centre on the page, the seats on a ring around it (angle 0 at the top). */
export const BANQUET_CHART = { cx: 105, cy: 135, tableRadius: 42, seatRing: 68 } as const;

export function banquetTableSvg(plan: BanquetPlan, tableNumber: number, heading: { title: string; when?: string | null }): string {
  const table = plan.tables.find((t) => t.number === tableNumber);
  if (!table) throw new RangeError(`No table ${tableNumber}`);
  const { cx, cy, tableRadius, seatRing } = BANQUET_CHART;
  const n = table.seats.length;
  const seatRadius = Math.min(13, (Math.PI * seatRing) / n - 1);
  const font = Math.min(4.2, seatRadius * 0.55);
  const body: string[] = [
    `<circle class="table" cx="${cx}" cy="${cy}" r="${tableRadius}" fill="#fdf6e3" stroke="#8b5a2b" stroke-width="0.8"/>`,
    `<text x="${cx}" y="${cy - 2}" font-size="6" text-anchor="middle">${tableNumber === 1 ? '主桌' : `第${tableNumber}桌`}</text>`,
    `<text x="${cx}" y="${cy + 6}" font-size="3.5" text-anchor="middle" fill="#666">${n} 座</text>`,
  ];
  for (const seat of table.seats) {
    const rad = (seat.angle * Math.PI) / 180;
    const x = cx + seatRing * Math.sin(rad);
    const y = cy - seatRing * Math.cos(rad);
    const person = seat.person;
    const fill = !person ? '#f4f4f4' : person.side === 'GUEST' ? '#fde2e2' : '#e2ecfd';
    const attrs = [
      `class="seat"`,
      `data-table="${tableNumber}"`,
      `data-seat="${seat.seat}"`,
      `data-x="${num(x)}"`,
      `data-y="${num(y)}"`,
      person ? `data-person-id="${esc(person.id)}" data-side="${person.side}"` : 'data-empty="true"',
      seat.rule ? `data-rule="${seat.rule}"` : '',
    ].filter(Boolean);
    const lines = [`<g ${attrs.join(' ')}>`, `<circle cx="${num(x)}" cy="${num(y)}" r="${num(seatRadius)}" fill="${fill}" stroke="#555" stroke-width="0.4"/>`];
    lines.push(
      `<text class="seat-number" x="${num(x)}" y="${num(y - seatRadius * 0.45)}" font-size="${num(font * 0.7)}" text-anchor="middle" fill="#888">${seat.seat}</text>`,
    );
    if (person) {
      lines.push(`<text class="name" x="${num(x)}" y="${num(y + font * 0.35)}" font-size="${num(font)}" text-anchor="middle">${esc(person.name)}</text>`);
      const rank = person.rankName ?? person.title;
      if (rank)
        lines.push(
          `<text class="rank" x="${num(x)}" y="${num(y + font * 1.3)}" font-size="${num(font * 0.6)}" text-anchor="middle" fill="#555">${esc(rank)}</text>`,
        );
    }
    lines.push('</g>');
    body.push(lines.join(''));
  }
  // The door at the bottom: the host (seat 1, at the top) faces it.
  body.push(
    `<g class="door"><rect x="${cx - 20}" y="252" width="40" height="8" fill="#c8a165"/><text x="${cx}" y="257.5" font-size="4.5" text-anchor="middle">门 · 入口</text></g>`,
    `<text x="${cx}" y="${cy - seatRing - 16}" font-size="3.6" text-anchor="middle" fill="#8b5a2b">▲ 主位（面门）</text>`,
  );
  const legend = [...new Set(table.seats.flatMap((s) => (s.rule ? [s.rule] : [])))] as SeatingRule[];
  legend.forEach((rule, i) => {
    body.push(`<text class="legend" x="12" y="${268 + i * 4.2}" font-size="3.2" fill="#444">${esc(`${rule} — ${SEATING_RULES[rule]}`)}</text>`);
  });
  return page(
    heading.title,
    [heading.when, tableNumber === 1 ? '主桌' : `第${tableNumber}桌`, '主宾在主人右侧 · 朝门为主 · 尚左尊东'].filter(Boolean).join(' · '),
    body,
  );
}

/** Where a vehicle's seats are on the page: the vehicle points up, its right on the page's right. */
export const VEHICLE_CHART = { cx: 105, top: 70, columnWidth: 30, rowHeight: 34 } as const;

export function vehicleSvg(seating: VehicleSeating, heading: { title: string; plate?: string | null; driverName?: string | null }): string {
  const { cx, top, columnWidth } = VEHICLE_CHART;
  const rows = Math.max(1, ...seating.seats.map((s) => s.row + 1));
  // A coach's rows shrink to fit the page.
  const rowHeight = Math.min(VEHICLE_CHART.rowHeight, 180 / (rows + 0.6));
  const box = Math.min(22, rowHeight - 2);
  const width = 4 * columnWidth;
  const height = (rows + 0.6) * rowHeight;
  const place = (x: number, y: number) => ({ px: cx + x * columnWidth, py: top + rowHeight * 0.65 + (y / 1.2) * rowHeight });
  const body: string[] = [
    `<rect class="vehicle" x="${cx - width / 2}" y="${top}" width="${width}" height="${num(height)}" rx="14" fill="#f7f7f7" stroke="#333" stroke-width="0.8"/>`,
    `<text x="${cx}" y="${top - 4}" font-size="4.5" text-anchor="middle">▲ 车头（前）</text>`,
  ];
  const driver = place(seating.driver.x, seating.driver.y);
  body.push(
    `<g class="driver" data-x="${num(driver.px)}" data-y="${num(driver.py)}"><rect x="${num(driver.px - 11)}" y="${num(driver.py - 10)}" width="22" height="20" rx="3" fill="#ddd" stroke="#555" stroke-width="0.4"/>` +
      `<text x="${num(driver.px)}" y="${num(driver.py - 1)}" font-size="4" text-anchor="middle">司机</text>` +
      (heading.driverName
        ? `<text x="${num(driver.px)}" y="${num(driver.py + 5)}" font-size="3.2" text-anchor="middle">${esc(heading.driverName)}</text>`
        : '') +
      '</g>',
  );
  for (const seat of seating.seats) {
    const { px, py } = place(seat.x, seat.y);
    const person = seat.person;
    const fill = !person ? '#fafafa' : person.role === 'GUEST' ? '#fde2e2' : person.role === 'LEADER' ? '#e2ecfd' : '#e8f5e2';
    const attrs = [
      'class="seat"',
      `data-seat="${seat.code}"`,
      `data-x="${num(px)}"`,
      `data-y="${num(py)}"`,
      person ? `data-person-id="${esc(person.id)}" data-role="${person.role}"` : 'data-empty="true"',
      seat.rule ? `data-rule="${seat.rule}"` : '',
    ].filter(Boolean);
    let g = `<g ${attrs.join(' ')}><rect x="${num(px - 12)}" y="${num(py - box / 2)}" width="24" height="${num(box)}" rx="3" fill="${fill}" stroke="#555" stroke-width="0.4"/>`;
    g += `<text class="seat-label" x="${num(px)}" y="${num(py - 6)}" font-size="2.8" text-anchor="middle" fill="#888">${esc(seat.label)}</text>`;
    if (person) {
      g += `<text class="name" x="${num(px)}" y="${num(py + 1)}" font-size="4" text-anchor="middle">${esc(person.name)}</text>`;
      const rank = person.rankName ?? person.title;
      if (rank) g += `<text class="rank" x="${num(px)}" y="${num(py + 6)}" font-size="2.6" text-anchor="middle" fill="#555">${esc(rank)}</text>`;
    }
    body.push(`${g}</g>`);
  }
  const legend = [...new Set(seating.seats.flatMap((s) => (s.rule ? [s.rule] : [])))] as CarRule[];
  legend.forEach((rule, i) => {
    body.push(`<text class="legend" x="12" y="${268 + i * 4.2}" font-size="3.2" fill="#444">${esc(`${rule} — ${CAR_RULES[rule]}`)}</text>`);
  });
  return page(heading.title, [heading.plate, '右为上，左为下；后为上，前为下'].filter(Boolean).join(' · '), body);
}
